//! The token service, queues, the token decider and wait estimates.

use std::sync::Arc;

use medsched::booking::Appointment;
use medsched::store::{Actor, Event};
use medsched::tokens::{
    AsyncTokens, Context as TokenContext, Queue as CoreQueue, QueueDay, QueueRules, TokenChange,
    TokenCommand, TokenRequest, decide as decide_token, notifications as queue_notifications,
    validate_meet_link,
};
use medsched::wait::{DoctorHistory, PastDay, QueueSnapshot};
use medsched_facade::EstimatorChoice;
use medsched_facade::json::{parse, text};
use medsched_facade::values::instant;
use napi_derive::napi;

use crate::errors::{Result, done};
use crate::schedule::Schedule;
use crate::store::{JsStore, NativeStore, NodeStore};
use crate::twins::{Work, service_calls};

/// A doctor's token queue for a day, as folded from its events.
#[napi]
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

#[napi]
impl Queue {
    /// The fold of `Event` JSON (a list).
    #[napi(factory)]
    pub fn from_events(events: String) -> Result<Queue> {
        let events: Vec<Event> = done(parse("events", &events))?;
        Ok(Queue::new(CoreQueue::from_events(events)))
    }

    /// Every token issued, as `Token` JSON (a list).
    #[napi]
    pub fn tokens(&self) -> String {
        text(self.inner.tokens())
    }

    /// The token of a number, as `Token` JSON.
    #[napi]
    pub fn token(&self, number: u32) -> Option<String> {
        self.inner.token(number).map(text)
    }

    /// The token of an id, as `Token` JSON.
    #[napi]
    pub fn token_by_id(&self, id: String) -> Option<String> {
        self.inner.token_by_id(&id).map(text)
    }

    /// The token a number stands for now (following reassignments), as `Token` JSON.
    #[napi]
    pub fn current(&self, number: u32) -> Option<String> {
        self.inner.current(number).map(text)
    }

    /// The token of an appointment, as `Token` JSON.
    #[napi]
    pub fn token_for_appointment(&self, appointment_id: String) -> Option<String> {
        self.inner.token_for_appointment(&appointment_id).map(text)
    }

    /// The numbers in line, in the order they will be called.
    #[napi]
    pub fn line(&self) -> Vec<u32> {
        self.inner.line().to_vec()
    }

    /// The waiting tokens, in line order, as `Token` JSON (a list).
    #[napi]
    pub fn waiting(&self) -> String {
        text(&self.inner.waiting().collect::<Vec<_>>())
    }

    /// The token being served, as `Token` JSON.
    #[napi]
    pub fn now_serving(&self) -> Option<String> {
        self.inner.now_serving().map(text)
    }

    /// The token called last, as `Token` JSON.
    #[napi]
    pub fn last_called(&self) -> Option<String> {
        self.inner.last_called().map(text)
    }

    /// A waiting token's place in the line, 1 for the next to be seen.
    #[napi]
    pub fn position(&self, number: u32) -> Option<u32> {
        self.inner.position(number).map(|p| p as u32)
    }

    /// The next `n` tokens to be called, as `Token` JSON (a list).
    #[napi]
    pub fn next(&self, n: u32) -> String {
        text(&self.inner.next(n as usize))
    }

    /// The tokens counted by state, as `TokenCounts` JSON.
    #[napi]
    pub fn counts(&self) -> String {
        text(&self.inner.counts())
    }

    /// How many tokens were put back in line.
    #[napi]
    pub fn reinsertions(&self) -> u32 {
        self.inner.reinsertions()
    }

    /// The session's Google Meet link, if set.
    #[napi]
    pub fn meet_link(&self) -> Option<String> {
        self.inner.meet_link().map(str::to_owned)
    }

    /// The number the next token issued under `QueueRules` (JSON) gets.
    #[napi]
    pub fn next_number(&self, rules: String) -> Result<u32> {
        let rules: QueueRules = done(parse("rules", &rules))?;
        Ok(self.inner.next_number(&rules))
    }

    /// The queue as a wait estimator sees it, as `QueueSnapshot` JSON.
    #[napi]
    pub fn wait_snapshot(
        &self,
        rules: String,
        session_id: String,
        now: String,
    ) -> Result<Option<String>> {
        let rules: QueueRules = done(parse("rules", &rules))?;
        let now = done(instant("now", &now))?;
        Ok(self
            .inner
            .wait_snapshot(&rules, &session_id, now)
            .map(|s| text(&s)))
    }

    /// The day as history for wait estimates, as `PastDay` JSON (a list).
    #[napi]
    pub fn past_days(&self, rules: String) -> Result<String> {
        let rules: QueueRules = done(parse("rules", &rules))?;
        Ok(text(&self.inner.past_days(&rules)))
    }

    /// Whether two queues hold the same.
    #[napi]
    pub fn equals(&self, other: &Queue) -> bool {
        self.inner == other.inner
    }
}

/// What a desk call did.
#[napi]
pub struct QueueUpdate {
    update: medsched::tokens::QueueUpdate,
}

impl QueueUpdate {
    fn new(update: medsched::tokens::QueueUpdate) -> Self {
        QueueUpdate { update }
    }
}

#[napi]
impl QueueUpdate {
    /// The queue after the call.
    #[napi(getter)]
    pub fn queue(&self) -> Queue {
        Queue::new(self.update.queue.clone())
    }

    /// The token acted on, as `Token` JSON.
    #[napi(getter)]
    pub fn token(&self) -> Option<String> {
        self.update.token.as_ref().map(text)
    }

    /// The events appended, as `Event` JSON (a list).
    #[napi(getter)]
    pub fn events(&self) -> String {
        text(&self.update.events)
    }

    /// What to tell patients, as `QueueNotification` JSON (a list).
    #[napi(getter)]
    pub fn notifications(&self) -> String {
        text(&self.update.notifications)
    }
}

/// The pure token decider: the changes a `TokenCommand` (JSON) makes to `queue`, as
/// `TokenChange` JSON (a list).
#[napi]
pub fn decide_token_command(
    queue: &Queue,
    rules: String,
    actor: String,
    now: String,
    command: String,
) -> Result<String> {
    let rules: QueueRules = done(parse("rules", &rules))?;
    let actor: Actor = done(parse("actor", &actor))?;
    let command: TokenCommand = done(parse("command", &command))?;
    let ctx = TokenContext {
        rules: &rules,
        actor: &actor,
        now: done(instant("now", &now))?,
    };
    Ok(text(&done(decide_token(&queue.inner, &command, &ctx))?))
}

/// The queue messages for `TokenChange` JSON (a list) that made `after` from a queue whose
/// line was `line_before`, as `QueueNotification` JSON (a list).
#[napi]
pub fn token_notifications(
    line_before: Vec<u32>,
    after: &Queue,
    changes: String,
    notify_next: u32,
) -> Result<String> {
    let changes: Vec<TokenChange> = done(parse("changes", &changes))?;
    Ok(text(&queue_notifications(
        &line_before,
        &after.inner,
        &changes,
        notify_next as usize,
    )))
}

/// Checks a Google Meet link.
#[napi]
pub fn check_meet_link(link: String) -> Result<()> {
    done(validate_meet_link(&link))
}

/// A doctor's history from `PastDay` JSON (a list), as `DoctorHistory` JSON.
#[napi]
pub fn history_from_days(days: String) -> Result<String> {
    let days: Vec<PastDay> = done(parse("days", &days))?;
    Ok(text(&done(DoctorHistory::from_days(&days))?))
}

/// A doctor's history from consultation lengths in minutes, as `DoctorHistory` JSON.
#[napi]
pub fn history_from_durations(minutes: Vec<f64>) -> Result<String> {
    Ok(text(&done(DoctorHistory::from_durations(&minutes))?))
}

/// The waits of a `QueueSnapshot` (JSON) given a `DoctorHistory` (JSON), by an estimator by
/// name (`queue`, or `moving_average` with its window and P90 factor), as `WaitEstimate`
/// JSON (a list).
#[napi]
pub fn estimate_waits(
    estimator: String,
    snapshot: String,
    history: String,
    window: Option<u32>,
    p90_factor: Option<f64>,
) -> Result<String> {
    let estimator = done(EstimatorChoice::from_name(
        &estimator,
        window.map(|w| w as usize),
        p90_factor,
    ))?;
    let snapshot: QueueSnapshot = done(parse("snapshot", &snapshot))?;
    let history: DoctorHistory = done(parse("history", &history))?;
    Ok(text(&estimator.get().estimate(&snapshot, &history)))
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
            day: done(parse("day", day))?,
            rules: done(parse("rules", rules))?,
            actor: done(parse("actor", actor))?,
            now: done(instant("now", now))?,
        })
    }
}

/// Outpatient tokens over a store: issue, the desk's commands, queue views and wait
/// estimates. Each call has an `...Async` twin; over a [`JsStore`] only those run.
#[napi]
pub struct Tokens {
    store: NodeStore,
    inner: Arc<AsyncTokens<NodeStore>>,
}

impl Tokens {
    fn over(store: NodeStore, max_attempts: u32, limits: Option<String>) -> Result<Tokens> {
        let limits = done(medsched_facade::json::limits(limits.as_deref()))?;
        let inner = AsyncTokens::new(store.clone())
            .with_max_attempts(max_attempts)
            .with_limits(limits);
        Ok(Tokens {
            store,
            inner: Arc::new(inner),
        })
    }

    fn queue_work(&self, day: String) -> Result<impl Work<Queue>> {
        let day: QueueDay = done(parse("day", &day))?;
        let service = self.inner.clone();
        Ok(async move { Ok(Queue::new(service.queue(&day).await?)) })
    }

    fn execute_work(
        &self,
        day: String,
        rules: String,
        actor: String,
        now: String,
        command: String,
    ) -> Result<impl Work<QueueUpdate>> {
        let desk = Desk::read(&day, &rules, &actor, &now)?;
        let command: TokenCommand = done(parse("command", &command))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok(QueueUpdate::new(
                service
                    .execute(&desk.day, &desk.rules, &desk.actor, desk.now, &command)
                    .await?,
            ))
        })
    }

    fn issue_work(
        &self,
        day: String,
        rules: String,
        actor: String,
        now: String,
        request: String,
    ) -> Result<impl Work<QueueUpdate>> {
        let desk = Desk::read(&day, &rules, &actor, &now)?;
        let request: TokenRequest = done(parse("request", &request))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok(QueueUpdate::new(
                service
                    .issue(&desk.day, &desk.rules, &desk.actor, desk.now, request)
                    .await?,
            ))
        })
    }

    fn issue_for_appointment_work(
        &self,
        schedule: &Schedule,
        rules: String,
        actor: String,
        now: String,
        appointment: String,
    ) -> Result<impl Work<QueueUpdate>> {
        let schedule = schedule.current();
        let rules: QueueRules = done(parse("rules", &rules))?;
        let actor: Actor = done(parse("actor", &actor))?;
        let now = done(instant("now", &now))?;
        let appointment: Appointment = done(parse("appointment", &appointment))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok(QueueUpdate::new(
                service
                    .issue_for_appointment(&schedule, &rules, &actor, now, &appointment)
                    .await?,
            ))
        })
    }

    fn wait_estimates_work(
        &self,
        day: String,
        rules: String,
        now: String,
        history: String,
        estimator: String,
        window: Option<u32>,
        p90_factor: Option<f64>,
    ) -> Result<impl Work<String>> {
        let day: QueueDay = done(parse("day", &day))?;
        let rules: QueueRules = done(parse("rules", &rules))?;
        let now = done(instant("now", &now))?;
        let history: DoctorHistory = done(parse("history", &history))?;
        let estimator = done(EstimatorChoice::from_name(
            &estimator,
            window.map(|w| w as usize),
            p90_factor,
        ))?;
        let service = self.inner.clone();
        Ok(async move {
            Ok(text(
                &service
                    .wait_estimates(&day, &rules, now, &history, estimator.get())
                    .await?,
            ))
        })
    }
}

#[napi]
impl Tokens {
    /// The service over a native store, deciding a command at most `max_attempts` times,
    /// under `Limits` JSON (the defaults when absent).
    #[napi(factory)]
    pub fn native(
        store: &NativeStore,
        max_attempts: u32,
        limits: Option<String>,
    ) -> Result<Tokens> {
        Tokens::over(NodeStore::native(store), max_attempts, limits)
    }

    /// The service over a store written in JavaScript, under `Limits` JSON (the defaults when
    /// absent).
    #[napi(factory)]
    pub fn js(store: &JsStore, max_attempts: u32, limits: Option<String>) -> Result<Tokens> {
        Tokens::over(NodeStore::js(store), max_attempts, limits)
    }
}

service_calls! {
    impl Tokens {
        #[doc = "A doctor's queue for a `QueueDay` (JSON)."]
        fn queue(day: String) -> Queue = queue_work(day);
        #[doc = "As `queue`, off the JavaScript thread."]
        async fn queue_async -> "Promise<Queue>";

        #[doc = "Decides a `TokenCommand` (JSON) on the queue of a `QueueDay` and appends its events."]
        fn execute(day: String, rules: String, actor: String, now: String, command: String)
            -> QueueUpdate = execute_work(day, rules, actor, now, command);
        #[doc = "As `execute`, off the JavaScript thread."]
        async fn execute_async -> "Promise<QueueUpdate>";

        #[doc = "Issues a token for a `TokenRequest` (JSON)."]
        fn issue(day: String, rules: String, actor: String, now: String, request: String)
            -> QueueUpdate = issue_work(day, rules, actor, now, request);
        #[doc = "As `issue`, off the JavaScript thread."]
        async fn issue_async -> "Promise<QueueUpdate>";

        #[doc = "Issues the token of a booked `Appointment` (JSON) at check-in."]
        fn issue_for_appointment(
            schedule: &Schedule, rules: String, actor: String, now: String, appointment: String,
        ) -> QueueUpdate = issue_for_appointment_work(schedule, rules, actor, now, appointment);
        #[doc = "As `issueForAppointment`, off the JavaScript thread."]
        async fn issue_for_appointment_async -> "Promise<QueueUpdate>";

        #[doc = "The waits of the queue's tokens by an estimator by name (`queue`, or `moving_average` with its window and P90 factor), as `WaitEstimate` JSON (a list)."]
        fn wait_estimates(
            day: String, rules: String, now: String, history: String, estimator: String,
            window: Option<u32>, p90_factor: Option<f64>,
        ) -> String = wait_estimates_work(
            day, rules, now, history, estimator, window, p90_factor,
        );
        #[doc = "As `waitEstimates`, off the JavaScript thread."]
        async fn wait_estimates_async -> "Promise<string>";
    }
}
