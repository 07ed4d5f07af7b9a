//! The token service, queues, the token decider and wait estimates.

use std::sync::Arc;

use medsched::{
    booking::Appointment, store::Actor, store::Event, tokens::Context as TokenContext,
    tokens::Queue as CoreQueue, tokens::QueueDay, tokens::QueueRules, tokens::TokenChange,
    tokens::TokenCommand, tokens::TokenRequest, tokens::Tokens as CoreTokens,
    tokens::decide as decide_token, tokens::notifications as queue_notifications,
    tokens::validate_meet_link, wait::DoctorHistory, wait::PastDay, wait::QueueSnapshot,
};
use medsched_facade::{EstimatorChoice, SharedStore};
use pyo3::prelude::*;

use crate::errors::Result;
use crate::schedule::Schedule;
use crate::store::shared_store;
use medsched_facade::json::{parse, text};
use medsched_facade::values::instant;

/// A doctor's token queue for a day, as folded from its events.
#[pyclass(frozen, name = "Queue", module = "medsched._native")]
pub struct Queue {
    inner: Arc<CoreQueue>,
}

impl Queue {
    fn new(queue: CoreQueue) -> Self {
        Queue {
            inner: Arc::new(queue),
        }
    }
}

#[pymethods]
impl Queue {
    /// The fold of `Event` JSON (a list).
    #[staticmethod]
    fn from_events(py: Python<'_>, events: &str) -> Result<Queue> {
        let events: Vec<Event> = parse("events", events)?;
        Ok(Queue::new(py.detach(|| CoreQueue::from_events(events))))
    }

    fn tokens(&self) -> String {
        text(self.inner.tokens())
    }

    fn token(&self, number: u32) -> Option<String> {
        self.inner.token(number).map(text)
    }

    fn token_by_id(&self, id: &str) -> Option<String> {
        self.inner.token_by_id(id).map(text)
    }

    fn current(&self, number: u32) -> Option<String> {
        self.inner.current(number).map(text)
    }

    fn token_for_appointment(&self, appointment_id: &str) -> Option<String> {
        self.inner.token_for_appointment(appointment_id).map(text)
    }

    fn line(&self) -> Vec<u32> {
        self.inner.line().to_vec()
    }

    fn waiting(&self) -> String {
        text(&self.inner.waiting().collect::<Vec<_>>())
    }

    fn now_serving(&self) -> Option<String> {
        self.inner.now_serving().map(text)
    }

    fn last_called(&self) -> Option<String> {
        self.inner.last_called().map(text)
    }

    fn position(&self, number: u32) -> Option<usize> {
        self.inner.position(number)
    }

    fn next(&self, n: usize) -> String {
        text(&self.inner.next(n))
    }

    fn counts(&self) -> String {
        text(&self.inner.counts())
    }

    fn reinsertions(&self) -> u32 {
        self.inner.reinsertions()
    }

    fn meet_link(&self) -> Option<String> {
        self.inner.meet_link().map(str::to_owned)
    }

    fn next_number(&self, rules: &str) -> Result<u32> {
        let rules: QueueRules = parse("rules", rules)?;
        Ok(self.inner.next_number(&rules))
    }

    fn wait_snapshot(&self, rules: &str, session_id: &str, now: &str) -> Result<Option<String>> {
        let rules: QueueRules = parse("rules", rules)?;
        let now = instant("now", now)?;
        Ok(self
            .inner
            .wait_snapshot(&rules, session_id, now)
            .map(|s| text(&s)))
    }

    fn past_days(&self, rules: &str) -> Result<String> {
        let rules: QueueRules = parse("rules", rules)?;
        Ok(text(&self.inner.past_days(&rules)))
    }

    fn __eq__(&self, other: &Queue) -> bool {
        self.inner == other.inner
    }
}

/// The pure token decider: the changes `command` makes to `queue`, as `TokenChange` JSON.
#[pyfunction]
pub fn decide_token_command(
    py: Python<'_>,
    queue: &Queue,
    rules: &str,
    actor: &str,
    now: &str,
    command: &str,
) -> Result<String> {
    let rules: QueueRules = parse("rules", rules)?;
    let actor: Actor = parse("actor", actor)?;
    let command: TokenCommand = parse("command", command)?;
    let ctx = TokenContext {
        rules: &rules,
        actor: &actor,
        now: instant("now", now)?,
    };
    Ok(text(
        &py.detach(|| decide_token(&queue.inner, &command, &ctx))?,
    ))
}

/// The queue messages for `changes` (`TokenChange` JSON) that made `after` from a queue
/// whose line was `line_before`.
#[pyfunction]
pub fn token_notifications(
    line_before: Vec<u32>,
    after: &Queue,
    changes: &str,
    notify_next: usize,
) -> Result<String> {
    let changes: Vec<TokenChange> = parse("changes", changes)?;
    Ok(text(&queue_notifications(
        &line_before,
        &after.inner,
        &changes,
        notify_next,
    )))
}

/// Checks a Google Meet link.
#[pyfunction]
pub fn check_meet_link(link: &str) -> Result<()> {
    Ok(validate_meet_link(link)?)
}

/// A doctor's history from `PastDay` JSON (a list), as `DoctorHistory` JSON.
#[pyfunction]
pub fn history_from_days(py: Python<'_>, days: &str) -> Result<String> {
    let days: Vec<PastDay> = parse("days", days)?;
    Ok(text(&py.detach(|| DoctorHistory::from_days(&days))?))
}

/// A doctor's history from consultation lengths in minutes.
#[pyfunction]
pub fn history_from_durations(py: Python<'_>, minutes: Vec<f64>) -> Result<String> {
    Ok(text(
        &py.detach(|| DoctorHistory::from_durations(&minutes))?,
    ))
}

/// An estimator by name: `"queue"`, or `"moving_average"` with its window and P90 factor.
#[pyfunction]
#[pyo3(signature = (estimator, snapshot, history, window=None, p90_factor=None))]
pub fn estimate_waits(
    py: Python<'_>,
    estimator: &str,
    snapshot: &str,
    history: &str,
    window: Option<usize>,
    p90_factor: Option<f64>,
) -> Result<String> {
    let estimator = EstimatorChoice::from_name(estimator, window, p90_factor)?;
    let snapshot: QueueSnapshot = parse("snapshot", snapshot)?;
    let history: DoctorHistory = parse("history", history)?;
    Ok(text(
        &py.detach(|| estimator.get().estimate(&snapshot, &history)),
    ))
}

/// Outpatient tokens over a store.
#[pyclass(frozen, name = "Tokens", module = "medsched._native")]
pub struct Tokens {
    inner: Arc<CoreTokens<SharedStore>>,
}

/// The common arguments of a desk call, read.
struct Desk {
    day: QueueDay,
    rules: QueueRules,
    actor: Actor,
    now: chrono::DateTime<chrono::Utc>,
}

impl Desk {
    fn read(day: &str, rules: &str, actor: &str, now: &str) -> Result<Desk> {
        Ok(Desk {
            day: parse("day", day)?,
            rules: parse("rules", rules)?,
            actor: parse("actor", actor)?,
            now: instant("now", now)?,
        })
    }
}

/// `(Queue, Token JSON or None, Event JSON list, QueueNotification JSON list)`.
type Update = (Queue, Option<String>, String, String);

fn update(update: medsched::tokens::QueueUpdate) -> Update {
    (
        Queue::new(update.queue),
        update.token.as_ref().map(text),
        text(&update.events),
        text(&update.notifications),
    )
}

#[pymethods]
impl Tokens {
    #[new]
    #[pyo3(signature = (store, max_attempts, limits=None))]
    fn new(store: &Bound<'_, PyAny>, max_attempts: u32, limits: Option<&str>) -> Result<Self> {
        let limits = medsched_facade::json::limits(limits)?;
        let tokens = CoreTokens::new(shared_store(store))
            .with_max_attempts(max_attempts)
            .with_limits(limits);
        Ok(Tokens {
            inner: Arc::new(tokens),
        })
    }

    fn queue(&self, py: Python<'_>, day: &str) -> Result<Queue> {
        let day: QueueDay = parse("day", day)?;
        Ok(Queue::new(py.detach(|| self.inner.queue(&day))?))
    }

    fn execute(
        &self,
        py: Python<'_>,
        day: &str,
        rules: &str,
        actor: &str,
        now: &str,
        command: &str,
    ) -> Result<Update> {
        let desk = Desk::read(day, rules, actor, now)?;
        let command: TokenCommand = parse("command", command)?;
        let done = py.detach(|| {
            self.inner
                .execute(&desk.day, &desk.rules, &desk.actor, desk.now, &command)
        })?;
        Ok(update(done))
    }

    fn issue(
        &self,
        py: Python<'_>,
        day: &str,
        rules: &str,
        actor: &str,
        now: &str,
        request: &str,
    ) -> Result<Update> {
        let desk = Desk::read(day, rules, actor, now)?;
        let request: TokenRequest = parse("request", request)?;
        let done = py.detach(|| {
            self.inner
                .issue(&desk.day, &desk.rules, &desk.actor, desk.now, request)
        })?;
        Ok(update(done))
    }

    fn issue_for_appointment(
        &self,
        py: Python<'_>,
        schedule: &Schedule,
        rules: &str,
        actor: &str,
        now: &str,
        appointment: &str,
    ) -> Result<Update> {
        let schedule = schedule.current();
        let rules: QueueRules = parse("rules", rules)?;
        let actor: Actor = parse("actor", actor)?;
        let now = instant("now", now)?;
        let appointment: Appointment = parse("appointment", appointment)?;
        let done = py.detach(|| {
            self.inner
                .issue_for_appointment(&schedule, &rules, &actor, now, &appointment)
        })?;
        Ok(update(done))
    }

    #[pyo3(signature = (day, rules, now, history, estimator, window=None, p90_factor=None))]
    #[allow(clippy::too_many_arguments)]
    fn wait_estimates(
        &self,
        py: Python<'_>,
        day: &str,
        rules: &str,
        now: &str,
        history: &str,
        estimator: &str,
        window: Option<usize>,
        p90_factor: Option<f64>,
    ) -> Result<String> {
        let day: QueueDay = parse("day", day)?;
        let rules: QueueRules = parse("rules", rules)?;
        let now = instant("now", now)?;
        let history: DoctorHistory = parse("history", history)?;
        let estimator = EstimatorChoice::from_name(estimator, window, p90_factor)?;
        Ok(text(&py.detach(|| {
            self.inner
                .wait_estimates(&day, &rules, now, &history, estimator.get())
        })?))
    }
}
