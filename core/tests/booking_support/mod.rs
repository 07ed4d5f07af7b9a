//! The world the `booking_*` scenarios run in: a clinic in Europe/London, its doctors and
//! appointment types, and [`World`], the service over a fresh `InMemoryStore`.
//!
//! Every call the [`World`] makes that succeeds is checked against a replay of the store:
//! `DayBook::from_events(store.load(..).events)` must hold exactly what the service returned.
//!
//! The clinic is in Europe/London, which is on UTC in early March 2026 (summer time starts
//! on 29 March), so every wall-clock time below is also its UTC time.
//!
//! Each test file compiles this module and uses part of it: an item some of them leave unused
//! says so with `#[allow(dead_code)]`.
#![allow(
    dead_code,
    reason = "each scenario file uses a part of the shared world"
)]

use chrono::{DateTime, Duration, NaiveDate, Utc, Weekday};
use medsched::{
    AppointmentType, BookingPolicy, Clinic, DoctorCalendar, Error, Id, Leave, LeaveStatus,
    Location, PolicyRule, Result, Room, RuleKind, Session, Unavailability, Unavailable,
    WeeklyTemplate, booking::Appointment, booking::BookRequest, booking::Bookings,
    booking::Command, booking::DayBook, booking::Hold, booking::HoldRequest,
    booking::NotificationKind, booking::Schedule, store::Actor, store::Change, store::Event,
    store::EventStore, store::InMemoryStore, store::StreamId,
};

pub const TENANT: &str = "clinic-1";

pub const SUN: &str = "2026-03-01";
pub const MON: &str = "2026-03-02";
pub const TUE: &str = "2026-03-03";
pub const WED: &str = "2026-03-04";
pub const THU: &str = "2026-03-05";
pub const FRI: &str = "2026-03-06";

pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 instant")
}

pub fn day(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

/// `hm` on `date`, wall clock (= UTC here).
pub fn at(date: &str, hm: &str) -> DateTime<Utc> {
    t(&format!("{date}T{hm}:00Z"))
}

/// Sunday 08:00, the day before most appointments: the usual `now`.
pub fn now() -> DateTime<Utc> {
    at(SUN, "08:00")
}

pub fn minutes(m: i64) -> Duration {
    Duration::minutes(m)
}

// ---------------------------------------------------------------------------------------
// Given: the clinic, its doctors and appointment types
// ---------------------------------------------------------------------------------------

pub fn clinic() -> Clinic {
    let mut main = Location::new("main", "Main clinic", "Europe/London");
    main.rooms.push(Room::new("r1", "Room 1", 1));
    Clinic {
        locations: vec![main],
        holidays: vec![medsched::Holiday::on(
            "founders-day",
            "Founders' day",
            day(FRI),
        )],
    }
}

/// Mon-Fri 09:00-12:00 at `main`, 15-minute slots, one patient at a time.
pub fn weekday_calendar(doctor: &str, room: Option<&str>) -> DoctorCalendar {
    let mut calendar = DoctorCalendar::new(doctor);
    calendar.templates.push(WeeklyTemplate {
        room_id: room.map(Id::from),
        weekdays: vec![
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        sessions: vec![Session::new("09:00", "12:00").unwrap()],
        ..WeeklyTemplate::new(format!("{doctor}-opd"), "main")
    });
    calendar
}

/// Dr A, in room r1: on leave on Thursday, an audit (forced block) Wednesday 09:00-10:00
/// and a fire drill Wednesday 11:05-11:10, inside the 11:00 slot.
pub fn dr_a() -> DoctorCalendar {
    let mut calendar = weekday_calendar("dr-a", Some("r1"));
    calendar.leaves.push(Leave::new(
        "annual-leave",
        LeaveStatus::Approved,
        day(THU),
        day(THU),
    ));
    calendar.forced_blocks.push(Unavailability::new(
        "audit",
        at(WED, "09:00"),
        at(WED, "10:00"),
    ));
    calendar.forced_blocks.push(Unavailability::new(
        "fire-drill",
        at(WED, "11:05"),
        at(WED, "11:10"),
    ));
    calendar
}

/// Dr C sees two patients at once, in no room.
pub fn dr_c(max_parallel: u32) -> DoctorCalendar {
    let mut calendar = weekday_calendar("dr-c", None);
    calendar.settings.max_parallel = max_parallel;
    calendar
}

/// Dr Night: Monday 23:00-23:45, with 30 minutes kept free after each appointment.
pub fn dr_night() -> DoctorCalendar {
    let mut calendar = DoctorCalendar::new("dr-night");
    calendar.settings.buffer_after_minutes = 30;
    calendar.templates.push(WeeklyTemplate {
        weekdays: vec![Weekday::Mon],
        sessions: vec![Session::new("23:00", "23:45").unwrap()],
        ..WeeklyTemplate::new("night", "main")
    });
    calendar
}

pub fn calendars() -> Vec<DoctorCalendar> {
    vec![
        dr_a(),
        // Dr B shares room r1 with Dr A.
        weekday_calendar("dr-b", Some("r1")),
        dr_c(2),
        dr_night(),
    ]
}

pub fn types() -> Vec<AppointmentType> {
    let with = |id: &str, policy: BookingPolicy| AppointmentType {
        policy,
        ..AppointmentType::new(id, 15)
    };
    vec![
        // The default policy: holds 10 (patient) / 30 (staff) / 60 (max) minutes, reminders
        // 24 h and 2 h ahead, 3 reschedules, no notice.
        AppointmentType::new("consult", 15),
        with(
            "review",
            BookingPolicy {
                requires_confirmation: true,
                ..BookingPolicy::default()
            },
        ),
        with(
            "limited",
            BookingPolicy {
                max_reschedules: Some(1),
                reschedule_notice_minutes: 120,
                cancel_notice_minutes: 24 * 60,
                ..BookingPolicy::default()
            },
        ),
        with(
            "fixed",
            BookingPolicy {
                allow_patient_reschedule: false,
                ..BookingPolicy::default()
            },
        ),
        AppointmentType {
            min_notice_minutes: 120,
            max_days_ahead: Some(7),
            ..AppointmentType::new("planned", 15)
        },
    ]
}

pub fn schedule(tenant: &str) -> Schedule {
    Schedule::new(tenant, &clinic(), &calendars(), &types()).unwrap()
}

pub fn pat1() -> Actor {
    Actor::patient("pat-1")
}

pub fn pat2() -> Actor {
    Actor::patient("pat-2")
}

pub fn staff() -> Actor {
    Actor::staff("rcp-1")
}

pub fn system() -> Actor {
    Actor::system("expiry-job")
}

/// A hold of a `consult` with Dr A.
pub fn hold_req(hold_id: &str, patient: &str, start: DateTime<Utc>) -> HoldRequest {
    HoldRequest {
        hold_id: hold_id.into(),
        patient_id: patient.into(),
        doctor_id: "dr-a".into(),
        appointment_type_id: "consult".into(),
        start,
        minutes: None,
    }
}

/// A direct booking of a `consult` with Dr A.
pub fn book_req(appointment_id: &str, patient: &str, start: DateTime<Utc>) -> BookRequest {
    typed_req(appointment_id, patient, "consult", start)
}

/// A direct booking with Dr A of the given type.
pub fn typed_req(
    appointment_id: &str,
    patient: &str,
    kind: &str,
    start: DateTime<Utc>,
) -> BookRequest {
    BookRequest {
        appointment_id: appointment_id.into(),
        patient_id: patient.into(),
        doctor_id: "dr-a".into(),
        appointment_type_id: kind.into(),
        start,
    }
}

// ---------------------------------------------------------------------------------------
// The world: the service, and a replay check after every successful call
// ---------------------------------------------------------------------------------------

/// The service over a fresh store, and the tenant's schedule. Its hold operations (extend,
/// release, book a hold) work on Monday's day book, where every hold of these tests lies.
pub struct World {
    pub bookings: Bookings<InMemoryStore>,
    pub schedule: Schedule,
}

pub fn world() -> World {
    World {
        bookings: Bookings::new(InMemoryStore::new()),
        schedule: schedule(TENANT),
    }
}

impl World {
    pub fn stream(&self, date: NaiveDate) -> StreamId {
        StreamId::new(self.schedule.tenant().clone(), date)
    }

    /// The events of a day book, as stored.
    pub fn events(&self, date: NaiveDate) -> Vec<Event> {
        self.bookings
            .store()
            .load(&self.stream(date))
            .unwrap()
            .events
    }

    /// The day book replayed from the store.
    pub fn replay(&self, date: NaiveDate) -> DayBook {
        DayBook::from_events(self.events(date))
    }

    #[track_caller]
    pub fn replayed_hold(&self, hold: Hold) -> Hold {
        let date = hold.book_date;
        assert_eq!(
            self.replay(date).hold(&hold.id),
            Some(&hold),
            "replay of hold"
        );
        hold
    }

    #[track_caller]
    pub fn replayed(&self, a: Appointment) -> Appointment {
        assert_eq!(
            self.replay(a.book_date).appointment(&a.id),
            Some(&a),
            "replay of appointment"
        );
        a
    }

    #[track_caller]
    pub fn execute(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        command: &Command,
    ) -> Result<(DayBook, Vec<Event>)> {
        let (book, events) = self
            .bookings
            .execute(&self.schedule, actor, now, date, command)?;
        assert_eq!(self.replay(date), book, "replay of the day book");
        Ok((book, events))
    }

    #[track_caller]
    pub fn hold(&self, actor: &Actor, now: DateTime<Utc>, request: HoldRequest) -> Result<Hold> {
        let hold = self.bookings.hold(&self.schedule, actor, now, request)?;
        Ok(self.replayed_hold(hold))
    }

    #[track_caller]
    pub fn extend(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        hold_id: &str,
        minutes: Option<u32>,
    ) -> Result<Hold> {
        let hold =
            self.bookings
                .extend_hold(&self.schedule, actor, now, day(MON), hold_id, minutes)?;
        Ok(self.replayed_hold(hold))
    }

    #[track_caller]
    pub fn release(&self, actor: &Actor, now: DateTime<Utc>, hold_id: &str) -> Result<Hold> {
        let hold = self
            .bookings
            .release_hold(&self.schedule, actor, now, day(MON), hold_id)?;
        Ok(self.replayed_hold(hold))
    }

    /// Expires the lapsed holds of Monday to Friday, as the system.
    #[track_caller]
    pub fn expire(&self, now: DateTime<Utc>) -> Result<Vec<Hold>> {
        let holds =
            self.bookings
                .expire_holds(&self.schedule, &system(), now, day(MON)..=day(FRI))?;
        Ok(holds.into_iter().map(|h| self.replayed_hold(h)).collect())
    }

    #[track_caller]
    pub fn book(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        request: BookRequest,
    ) -> Result<Appointment> {
        let a = self.bookings.book(&self.schedule, actor, now, request)?;
        Ok(self.replayed(a))
    }

    #[track_caller]
    pub fn book_hold(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        hold_id: &str,
        appointment_id: &str,
    ) -> Result<Appointment> {
        let a = self.bookings.book_hold(
            &self.schedule,
            actor,
            now,
            day(MON),
            hold_id,
            appointment_id,
        )?;
        Ok(self.replayed(a))
    }

    /// A status change through the service's method for it (`confirm`, `decline`, `cancel`,
    /// `complete` or `mark_no_show`).
    #[track_caller]
    pub fn update(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        date: &str,
        command: Command,
    ) -> Result<Appointment> {
        let (b, s, date) = (&self.bookings, &self.schedule, day(date));
        let a = match command {
            Command::Confirm { appointment_id } => b.confirm(s, actor, now, date, &appointment_id),
            Command::Decline {
                appointment_id,
                reason,
            } => b.decline(s, actor, now, date, &appointment_id, reason),
            Command::Cancel {
                appointment_id,
                reason,
            } => b.cancel(s, actor, now, date, &appointment_id, reason),
            Command::Complete { appointment_id } => {
                b.complete(s, actor, now, date, &appointment_id)
            }
            Command::MarkNoShow { appointment_id } => {
                b.mark_no_show(s, actor, now, date, &appointment_id)
            }
            other => panic!("not a status change: {other:?}"),
        }?;
        Ok(self.replayed(a))
    }

    #[track_caller]
    pub fn cancel(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        date: &str,
        appointment_id: &str,
    ) -> Result<Appointment> {
        let a = self.bookings.cancel(
            &self.schedule,
            actor,
            now,
            day(date),
            appointment_id,
            Some("changed plans".into()),
        )?;
        Ok(self.replayed(a))
    }

    #[track_caller]
    pub fn reschedule(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        date: &str,
        appointment_id: &str,
        start: DateTime<Utc>,
    ) -> Result<Appointment> {
        let a = self.bookings.reschedule(
            &self.schedule,
            actor,
            now,
            day(date),
            appointment_id,
            start,
        )?;
        Ok(self.replayed(a))
    }
}

// ---------------------------------------------------------------------------------------
// Expected refusals
// ---------------------------------------------------------------------------------------

#[track_caller]
pub fn refused<T: std::fmt::Debug>(result: Result<T>) -> Error {
    match result {
        Ok(value) => panic!("expected a refusal, got {value:?}"),
        Err(e) => e,
    }
}

pub fn unavailable(doctor: &str, start: DateTime<Utc>, reason: Unavailable) -> Error {
    Error::SlotUnavailable {
        doctor_id: doctor.into(),
        start,
        reason,
    }
}

pub fn closed(rule: RuleKind, rule_id: Option<&str>) -> Unavailable {
    Unavailable::Closed {
        rule,
        rule_id: rule_id.map(Id::from),
    }
}

pub fn policy(id: &str, action: &'static str, rule: PolicyRule) -> Error {
    Error::PolicyViolation {
        id: id.into(),
        action,
        rule,
    }
}

pub fn transition(kind: &'static str, id: &str, from: &'static str, action: &'static str) -> Error {
    Error::InvalidTransition {
        kind,
        id: id.into(),
        from,
        action,
    }
}

/// The code, field and problem code of an invalid-input refusal.
#[track_caller]
pub fn invalid(e: &Error) -> (&'static str, &str, &'static str) {
    (
        e.code(),
        e.field().expect("an invalid_input error"),
        e.problem().expect("an invalid_input error").code(),
    )
}

/// A change's `type`, as in JSON.
pub fn type_of(change: &Change) -> String {
    serde_json::to_value(change).unwrap()["type"]
        .as_str()
        .unwrap()
        .to_owned()
}

// ---------------------------------------------------------------------------------------
// Commands and notifications
// ---------------------------------------------------------------------------------------

/// The command of `action` on appointment `id`.
pub fn lifecycle_command(action: &str, id: &str) -> Command {
    let appointment_id: Id = id.into();
    match action {
        "confirm" => Command::Confirm { appointment_id },
        "decline" => Command::Decline {
            appointment_id,
            reason: None,
        },
        "cancel" => Command::Cancel {
            appointment_id,
            reason: None,
        },
        "complete" => Command::Complete { appointment_id },
        "mark_no_show" => Command::MarkNoShow { appointment_id },
        other => panic!("no action {other}"),
    }
}

/// The kind of a reminder `minutes_before` an appointment's start.
pub fn reminder(minutes_before: u32) -> NotificationKind {
    NotificationKind::Reminder { minutes_before }
}
