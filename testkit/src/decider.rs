//! Given events, when a command, then changes or a refusal: tests of any
//! [`Decider`] without a store or a service.
//!
//! [`given`] folds a stream's history into the decider's state; [`Given::when`] decides a
//! command on it; the `then_…` methods of [`When`] assert the outcome and panic, with both
//! sides printed, when it is another. An accepted decision goes on as the next test's
//! history with [`Then::recorded`].
//!
//! # A day book
//!
//! A patient holds a slot; another patient cannot book it.
//!
//! ```
//! use medsched::booking::{self, Command, DayBook, Schedule};
//! use medsched::chrono::{DateTime, NaiveDate, Utc, Weekday};
//! use medsched::store::Actor;
//! use medsched::{AppointmentType, Clinic, DoctorCalendar, Error, Location, Session,
//!     Unavailable, WeeklyTemplate};
//! use medsched_testkit::given;
//!
//! let clinic = Clinic {
//!     locations: vec![Location::new("main", "Main", "Europe/London")],
//!     holidays: vec![],
//! };
//! let mut calendar = DoctorCalendar::new("dr-lee");
//! calendar.templates.push(WeeklyTemplate {
//!     weekdays: vec![Weekday::Tue],
//!     sessions: vec![Session::new("09:00", "12:00")?],
//!     ..WeeklyTemplate::new("tue", "main")
//! });
//! let schedule = Schedule::new("clinic-1", &clinic, &[calendar],
//!     &[AppointmentType::new("consult", 15)])?;
//! let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
//! let (now, nine) = (t("2026-03-01T10:00:00Z"), t("2026-03-03T09:00:00Z"));
//! let (pat_1, pat_2) = (Actor::patient("pat-1"), Actor::patient("pat-2"));
//! let asks = |actor| booking::Context {
//!     schedule: &schedule, date: NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(), actor, now,
//! };
//!
//! let hold = Command::PlaceHold {
//!     hold_id: "h-1".into(), patient_id: "pat-1".into(), doctor_id: "dr-lee".into(),
//!     appointment_type_id: "consult".into(), start: nine, minutes: None,
//! };
//! let held = given::<DayBook>([])
//!     .when(&hold, &asks(&pat_1))
//!     .then_change_names(["hold_placed"])
//!     .recorded("clinic-1", &pat_1, now);
//!
//! let book = Command::Book {
//!     appointment_id: "a-2".into(), patient_id: "pat-2".into(), doctor_id: "dr-lee".into(),
//!     appointment_type_id: "consult".into(), start: nine,
//! };
//! held.when(&book, &asks(&pat_2)).then_error_code("slot_unavailable");
//! held.when(&book, &asks(&pat_2)).then_refused(|e| matches!(e,
//!     Error::SlotUnavailable { reason: Unavailable::Held, .. }));
//! held.when(&hold, &asks(&pat_1)).then_no_changes(); // the same hold again: nothing to do
//! # Ok::<(), medsched::Error>(())
//! ```
//!
//! # A token queue
//!
//! The first walk-in of the day gets number 1.
//!
//! ```
//! use medsched::chrono::{DateTime, Utc};
//! use medsched::store::{Actor, Change};
//! use medsched::tokens::{self, Queue, QueueRules, TokenChange, TokenCommand, TokenKind,
//!     TokenRequest, TokenSession};
//! use medsched_testkit::given;
//!
//! let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
//! let rules = QueueRules::new(vec![TokenSession::new("morning",
//!     t("2026-03-02T03:30:00Z"), t("2026-03-02T07:30:00Z"))]);
//! let desk = Actor::staff("rcp-1");
//! let ctx = tokens::Context { rules: &rules, actor: &desk, now: t("2026-03-02T03:00:00Z") };
//! let walk_in = TokenCommand::Issue(TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1"));
//!
//! given::<Queue>([]).when(&walk_in, &ctx).then_accepted(|changes| {
//!     let [Change::Token(TokenChange::TokenIssued { token, .. })] = changes else {
//!         panic!("one token issued, got {changes:?}");
//!     };
//!     assert_eq!(token.number, 1);
//! });
//! ```

use std::fmt::Debug;
use std::marker::PhantomData;

use medsched::chrono::{DateTime, Utc};
use medsched::store::{Actor, Change, Decider, Event};
use medsched::{Error, Id, Result};

/// A decider's state after `events`, the history of its stream, oldest first: the start
/// of a given/when/then test.
///
/// # Example
///
/// ```
/// use medsched::tokens::Queue;
///
/// let empty = medsched_testkit::given::<Queue>([]);
/// assert!(empty.events().is_empty());
/// ```
pub fn given<D: Decider>(events: impl IntoIterator<Item = Event>) -> Given<D> {
    let events: Vec<Event> = events.into_iter().collect();
    Given {
        state: D::fold(events.clone()),
        events,
    }
}

/// A decider's history and the state folded from it: ask it [`when`](Self::when), as often
/// as needed.
///
/// # Example
///
/// ```
/// use medsched::store::{Actor, Change, Event};
/// use medsched::booking::DayBook;
///
/// let confirmed = Event {
///     tenant: "clinic-1".into(),
///     actor: Actor::staff("rcp-1"),
///     at: "2026-03-01T10:00:00Z".parse().unwrap(),
///     change: Change::AppointmentConfirmed { appointment_id: "a-1".into() },
/// };
/// let book = medsched_testkit::given::<DayBook>([]).and([confirmed.clone()]);
/// assert_eq!(book.events(), [confirmed]);
/// ```
#[derive(Debug)]
pub struct Given<D> {
    events: Vec<Event>,
    state: D,
}

impl<D: Decider> Given<D> {
    /// The same history with `events` after it.
    ///
    /// ```
    /// # use medsched::tokens::Queue;
    /// let later = medsched_testkit::given::<Queue>([]).and([]);
    /// assert!(later.events().is_empty());
    /// ```
    pub fn and(mut self, events: impl IntoIterator<Item = Event>) -> Self {
        for event in events {
            self.state.apply(event.clone());
            self.events.push(event);
        }
        self
    }

    /// The history, oldest first.
    ///
    /// ```
    /// # use medsched::tokens::Queue;
    /// assert!(medsched_testkit::given::<Queue>([]).events().is_empty());
    /// ```
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The state folded from the history.
    ///
    /// ```
    /// use medsched::booking::DayBook;
    ///
    /// let book = medsched_testkit::given::<DayBook>([]);
    /// assert!(book.state().appointments().is_empty());
    /// ```
    pub fn state(&self) -> &D {
        &self.state
    }

    /// Decides `command` on the state with `ctx`: assert the outcome with the `then_…`
    /// methods of [`When`].
    ///
    /// ```
    /// # use medsched::chrono::{DateTime, Utc};
    /// # use medsched::store::Actor;
    /// # use medsched::tokens::{self, Queue, QueueRules, TokenCommand, TokenSession};
    /// # let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    /// # let rules = QueueRules::new(vec![TokenSession::new("morning",
    /// #     t("2026-03-02T03:30:00Z"), t("2026-03-02T07:30:00Z"))]);
    /// # let doctor = Actor::staff("dr-lee");
    /// let ctx = tokens::Context { rules: &rules, actor: &doctor, now: t("2026-03-02T04:00:00Z") };
    /// medsched_testkit::given::<Queue>([])
    ///     .when(&TokenCommand::CallNext, &ctx)
    ///     .then_error_code("policy_violation"); // nobody is waiting
    /// ```
    pub fn when(&self, command: &D::Command, ctx: &D::Context<'_>) -> When<'_, D> {
        When {
            given: self,
            outcome: self.state.decide(command, ctx),
        }
    }
}

/// A decision on a [`Given`] state: assert it with a `then_…` method, each of which panics
/// with the expected and the actual outcome when they differ.
///
/// # Example
///
/// ```
/// # use medsched::chrono::{DateTime, Utc};
/// # use medsched::store::Actor;
/// # use medsched::tokens::{self, Queue, QueueRules, TokenCommand, TokenKind, TokenRequest,
/// #     TokenSession};
/// # let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// # let rules = QueueRules::new(vec![TokenSession::new("morning",
/// #     t("2026-03-02T03:30:00Z"), t("2026-03-02T07:30:00Z"))]);
/// # let desk = Actor::staff("rcp-1");
/// # let ctx = tokens::Context { rules: &rules, actor: &desk, now: t("2026-03-02T03:00:00Z") };
/// let queue = medsched_testkit::given::<Queue>([]);
/// let walk_in = TokenCommand::Issue(TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1"));
/// let decided = queue.when(&walk_in, &ctx);
/// assert!(decided.outcome().is_ok());
/// decided.then_change_names(["token_issued"]);
/// ```
#[derive(Debug)]
pub struct When<'g, D> {
    given: &'g Given<D>,
    outcome: Result<Vec<Change>>,
}

impl<'g, D: Decider> When<'g, D> {
    /// What the decider answered.
    ///
    /// ```
    /// # use medsched::chrono::{DateTime, Utc};
    /// # use medsched::store::Actor;
    /// # use medsched::tokens::{self, Queue, QueueRules, TokenCommand, TokenSession};
    /// # let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    /// # let rules = QueueRules::new(vec![TokenSession::new("morning",
    /// #     t("2026-03-02T03:30:00Z"), t("2026-03-02T07:30:00Z"))]);
    /// # let doctor = Actor::staff("dr-lee");
    /// # let ctx = tokens::Context { rules: &rules, actor: &doctor, now: t("2026-03-02T04:00:00Z") };
    /// let queue = medsched_testkit::given::<Queue>([]);
    /// let nobody = queue.when(&TokenCommand::CallNext, &ctx);
    /// assert_eq!(nobody.outcome().as_ref().map_err(|e| e.code()), Err("policy_violation"));
    /// ```
    pub fn outcome(&self) -> &Result<Vec<Change>> {
        &self.outcome
    }

    /// Asserts that the command was accepted with exactly these changes.
    ///
    /// # Panics
    ///
    /// When it was refused or made other changes.
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::booking::{self, Command, DayBook};
    /// # use medsched::booking::Schedule;
    /// # use medsched::store::Actor;
    /// # let schedule = Schedule::new("clinic-1", &medsched::Clinic { locations: vec![
    /// #     medsched::Location::new("main", "Main", "UTC")], holidays: vec![] }, &[], &[])?;
    /// # let staff = Actor::staff("rcp-1");
    /// # let ctx = booking::Context { schedule: &schedule,
    /// #     date: "2026-03-02".parse().unwrap(), actor: &staff, now: "2026-03-01T10:00:00Z".parse().unwrap() };
    /// // Nothing has lapsed in an empty book.
    /// medsched_testkit::given::<DayBook>([]).when(&Command::ExpireHolds, &ctx).then_changes([]);
    /// # Ok::<(), medsched::Error>(())
    /// ```
    #[track_caller]
    pub fn then_changes(self, expected: impl IntoIterator<Item = Change>) -> Then<D> {
        let expected: Vec<Change> = expected.into_iter().collect();
        let changes = self.accepted(&expected);
        assert!(
            changes == expected,
            "the decision made other changes than expected\n  expected: {expected:#?}\n  \
             made: {changes:#?}"
        );
        self.then(changes)
    }

    /// Asserts that the command was accepted with changes of these names
    /// ([`Change::name`]), in order: for when the names tell enough.
    ///
    /// # Panics
    ///
    /// When it was refused or made changes of other names.
    ///
    /// # Example
    ///
    /// See the [module docs](self).
    #[track_caller]
    pub fn then_change_names<'n>(self, names: impl IntoIterator<Item = &'n str>) -> Then<D> {
        let names: Vec<&str> = names.into_iter().collect();
        let changes = self.accepted(&names);
        let made: Vec<&str> = changes.iter().map(Change::name).collect();
        assert!(
            made == names,
            "the decision made other changes than expected\n  expected: {names:?}\n  made: \
             {made:?}\n  in full: {changes:#?}"
        );
        self.then(changes)
    }

    /// Asserts that the command was accepted, and hands its changes to `check` (which
    /// asserts what matters).
    ///
    /// # Panics
    ///
    /// When it was refused, or as `check` does.
    ///
    /// # Example
    ///
    /// See the [module docs](self).
    #[track_caller]
    pub fn then_accepted(self, check: impl FnOnce(&[Change])) -> Then<D> {
        let changes = self.accepted(&"changes");
        check(&changes);
        self.then(changes)
    }

    /// Asserts that the command was accepted and changes nothing: a repeat of what the
    /// history already holds.
    ///
    /// # Panics
    ///
    /// When it was refused or made changes.
    ///
    /// # Example
    ///
    /// See the [module docs](self).
    #[track_caller]
    pub fn then_no_changes(self) {
        let changes = self.accepted(&"no changes");
        assert!(
            changes.is_empty(),
            "expected no changes, but the decision made {:?}\n  in full: {changes:#?}",
            changes.iter().map(Change::name).collect::<Vec<_>>()
        );
    }

    /// Asserts that the command was refused with an error that `expected` accepts, and
    /// returns it.
    ///
    /// # Panics
    ///
    /// When it was accepted, or refused with an error `expected` rejects.
    ///
    /// # Example
    ///
    /// See the [module docs](self).
    #[track_caller]
    pub fn then_refused(self, expected: impl FnOnce(&Error) -> bool) -> Error {
        let error = self.refused("the refusal expected");
        assert!(
            expected(&error),
            "the command was refused, but not as expected: {error}\n  in full: {error:#?}"
        );
        error
    }

    /// Asserts that the command was refused with an error of this code
    /// ([`Error::code`], e.g. `"slot_unavailable"`, `"policy_violation"`), and returns it.
    ///
    /// # Panics
    ///
    /// When it was accepted, or refused with another code.
    ///
    /// # Example
    ///
    /// See the [module docs](self).
    #[track_caller]
    pub fn then_error_code(self, code: &str) -> Error {
        let error = self.refused(code);
        assert!(
            error.code() == code,
            "expected a refusal {code:?}, but the command was refused with {:?}: {error}\n  \
             in full: {error:#?}",
            error.code()
        );
        error
    }

    /// The accepted decision's changes after the history.
    fn then(self, changes: Vec<Change>) -> Then<D> {
        Then {
            history: self.given.events.clone(),
            changes,
            decider: PhantomData,
        }
    }

    /// The changes, or a panic saying that `expected` was expected instead of the refusal.
    #[track_caller]
    fn accepted(&self, expected: &dyn Debug) -> Vec<Change> {
        match &self.outcome {
            Ok(changes) => changes.clone(),
            Err(error) => panic!(
                "expected {expected:?}, but the command was refused: {error}\n  in full: \
                 {error:#?}"
            ),
        }
    }

    /// The error, or a panic saying that a refusal (`expected`) was expected instead.
    #[track_caller]
    fn refused(self, expected: &str) -> Error {
        match self.outcome {
            Err(error) => error,
            Ok(changes) => panic!(
                "expected a refusal ({expected}), but the command was accepted with {:?}\n  \
                 in full: {changes:#?}",
                changes.iter().map(Change::name).collect::<Vec<_>>()
            ),
        }
    }
}

/// An accepted decision: its changes, and the history they continue (a copy: it outlives
/// the [`Given`] it was decided on).
///
/// # Example
///
/// See the [module docs](self).
#[derive(Debug)]
pub struct Then<D> {
    history: Vec<Event>,
    changes: Vec<Change>,
    decider: PhantomData<D>,
}

impl<D: Decider> Then<D> {
    /// The changes the decision made.
    ///
    /// ```
    /// # use medsched::chrono::{DateTime, Utc};
    /// # use medsched::store::Actor;
    /// # use medsched::tokens::{self, Queue, QueueRules, TokenCommand, TokenKind, TokenRequest,
    /// #     TokenSession};
    /// # let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    /// # let rules = QueueRules::new(vec![TokenSession::new("morning",
    /// #     t("2026-03-02T03:30:00Z"), t("2026-03-02T07:30:00Z"))]);
    /// # let desk = Actor::staff("rcp-1");
    /// # let ctx = tokens::Context { rules: &rules, actor: &desk, now: t("2026-03-02T03:00:00Z") };
    /// # let walk_in = TokenCommand::Issue(TokenRequest::new("t-1", TokenKind::WalkIn, "pat-1"));
    /// let queue = medsched_testkit::given::<Queue>([]);
    /// let issued = queue.when(&walk_in, &ctx).then_change_names(["token_issued"]);
    /// assert_eq!(issued.changes().len(), 1);
    /// ```
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// The history with the changes recorded after it, as events of `tenant` by `actor` at
    /// `at` (as a service appends them): the [`Given`] of the next step.
    ///
    /// ```
    /// # use medsched::chrono::{DateTime, Utc};
    /// # use medsched::store::Actor;
    /// # use medsched::tokens::{self, Queue, QueueRules, TokenCommand, TokenKind, TokenRequest,
    /// #     TokenSession};
    /// # let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    /// # let rules = QueueRules::new(vec![TokenSession::new("morning",
    /// #     t("2026-03-02T03:30:00Z"), t("2026-03-02T07:30:00Z"))]);
    /// # let desk = Actor::staff("rcp-1");
    /// # let now = t("2026-03-02T03:00:00Z");
    /// # let ctx = tokens::Context { rules: &rules, actor: &desk, now };
    /// let walk_in = |id: &str, patient: &str| TokenCommand::Issue(TokenRequest::new(id,
    ///     TokenKind::WalkIn, patient));
    /// let one = medsched_testkit::given::<Queue>([])
    ///     .when(&walk_in("t-1", "pat-1"), &ctx)
    ///     .then_change_names(["token_issued"])
    ///     .recorded("clinic-1", &desk, now);
    /// assert_eq!(one.events().len(), 1);
    /// one.when(&walk_in("t-2", "pat-2"), &ctx).then_change_names(["token_issued"]);
    /// ```
    pub fn recorded(self, tenant: impl Into<Id>, actor: &Actor, at: DateTime<Utc>) -> Given<D> {
        let tenant = tenant.into();
        let events = self
            .history
            .into_iter()
            .chain(self.changes.into_iter().map(|change| Event {
                tenant: tenant.clone(),
                actor: actor.clone(),
                at,
                change,
            }));
        given(events)
    }
}
