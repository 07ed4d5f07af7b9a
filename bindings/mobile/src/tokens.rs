//! Token queues, the token service and wait estimates.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use medsched::store::Actor;
use medsched::tokens::{
    Queue as CoreQueue, QueueDay, QueueRules, QueueUpdate as CoreUpdate, TokenCommand,
    TokenRequest, Tokens as CoreTokens,
};
use medsched::wait::{DoctorHistory, PastDay, QueueSnapshot};
use medsched_facade::json::{parse, parse_or_default, text};
use medsched_facade::{EstimatorChoice, SharedStore};

use crate::error::Result;
use crate::store::Store;
use crate::values::{instant, minutes, timestamp};

/// A doctor's token queue for a day, as folded from its events.
#[derive(uniffi::Object)]
pub struct Queue {
    inner: CoreQueue,
}

#[uniffi::export]
impl Queue {
    /// Every token of the day, as `Token` JSON (a list).
    pub fn tokens_json(&self) -> String {
        text(self.inner.tokens())
    }

    /// The token of a number, as `Token` JSON.
    pub fn token_json(&self, number: u32) -> Option<String> {
        self.inner.token(number).map(text)
    }

    /// The waiting line, token numbers in calling order.
    pub fn line(&self) -> Vec<u32> {
        self.inner.line().to_vec()
    }

    /// A token's place in the line, from 1; absent when it is not waiting.
    pub fn position(&self, number: u32) -> Option<u32> {
        self.inner
            .position(number)
            .map(|p| u32::try_from(p).unwrap_or(u32::MAX))
    }

    /// The number of the token in consultation.
    pub fn now_serving(&self) -> Option<u32> {
        self.inner.now_serving().map(|t| t.number)
    }

    /// The first `n` waiting tokens, as `Token` JSON (a list).
    pub fn next_json(&self, n: u32) -> String {
        text(&self.inner.next(n as usize))
    }

    /// The counts by state, as `TokenCounts` JSON.
    pub fn counts_json(&self) -> String {
        text(&self.inner.counts())
    }
}

/// What a token command did.
#[derive(uniffi::Record)]
pub struct QueueUpdate {
    /// The queue after the command.
    pub queue: Arc<Queue>,
    /// The token the command issued or acted on, as `Token` JSON.
    pub token_json: Option<String>,
    /// The token's number.
    pub token_number: Option<u32>,
    /// The events appended, as `Event` JSON (a list).
    pub events_json: String,
    /// The messages to send, as `QueueNotification` JSON (a list).
    pub notifications_json: String,
}

fn update(update: CoreUpdate) -> QueueUpdate {
    QueueUpdate {
        token_json: update.token.as_ref().map(text),
        token_number: update.token.as_ref().map(|t| t.number),
        events_json: text(&update.events),
        notifications_json: text(&update.notifications),
        queue: Arc::new(Queue {
            inner: update.queue,
        }),
    }
}

/// A token's wait estimate.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WaitEstimate {
    /// The token's number.
    pub number: u32,
    /// Expected wait until the consult starts.
    pub wait: Duration,
    /// The wait by which half of such consults have started.
    pub p50_wait: Duration,
    /// The wait by which 90% of such consults have started.
    pub p90_wait: Duration,
    /// When the consult is expected to start.
    pub expected_start: Option<SystemTime>,
    /// When 90% of such consults have started.
    pub p90_start: Option<SystemTime>,
}

/// The common arguments of a desk call, read.
struct Desk {
    day: QueueDay,
    rules: QueueRules,
    actor: Actor,
    now: chrono::DateTime<chrono::Utc>,
}

impl Desk {
    fn read(day: &str, rules: &str, actor: &str, now: SystemTime) -> Result<Desk> {
        Ok(Desk {
            day: parse("day", day)?,
            rules: parse("rules", rules)?,
            actor: parse("actor", actor)?,
            now: instant("now", now)?,
        })
    }
}

/// Outpatient tokens over a store: issue, call, skip, complete; the queue and its waits.
#[derive(uniffi::Object)]
pub struct Tokens {
    inner: CoreTokens<SharedStore>,
}

#[uniffi::export]
impl Tokens {
    /// The token service over `store`, trying a command at most `max_attempts` times when
    /// another desk changes the queue first; `limits_json` (a `Limits`) raises the bounds
    /// (the defaults when absent).
    #[uniffi::constructor(default(limits_json = None))]
    pub fn new(
        store: Arc<Store>,
        max_attempts: u32,
        limits_json: Option<String>,
    ) -> Result<Arc<Tokens>> {
        let limits = medsched_facade::json::limits(limits_json.as_deref())?;
        Ok(Arc::new(Tokens {
            inner: CoreTokens::new(store.inner.clone())
                .with_max_attempts(max_attempts)
                .with_limits(limits),
        }))
    }

    /// The queue of a `QueueDay` JSON.
    pub fn queue(&self, day_json: String) -> Result<Arc<Queue>> {
        let day: QueueDay = parse("day", &day_json)?;
        Ok(Arc::new(Queue {
            inner: self.inner.queue(&day)?,
        }))
    }

    /// Runs a `TokenCommand` JSON on the queue of `day_json` under `rules_json`
    /// (`QueueRules`).
    pub fn execute(
        &self,
        day_json: String,
        rules_json: String,
        actor_json: String,
        now: SystemTime,
        command_json: String,
    ) -> Result<QueueUpdate> {
        let desk = Desk::read(&day_json, &rules_json, &actor_json, now)?;
        let command: TokenCommand = parse("command", &command_json)?;
        Ok(update(self.inner.execute(
            &desk.day,
            &desk.rules,
            &desk.actor,
            desk.now,
            &command,
        )?))
    }

    /// Issues a token (`TokenRequest` JSON).
    pub fn issue(
        &self,
        day_json: String,
        rules_json: String,
        actor_json: String,
        now: SystemTime,
        request_json: String,
    ) -> Result<QueueUpdate> {
        let desk = Desk::read(&day_json, &rules_json, &actor_json, now)?;
        let request: TokenRequest = parse("request", &request_json)?;
        Ok(update(self.inner.issue(
            &desk.day,
            &desk.rules,
            &desk.actor,
            desk.now,
            request,
        )?))
    }

    /// Every waiting token's estimate at `now`, from the doctor's history (`DoctorHistory`
    /// JSON; a new doctor's when absent) and an estimator by name (`queue`, or `moving_average` with its window and P90
    /// factor).
    #[allow(clippy::too_many_arguments)]
    pub fn wait_estimates(
        &self,
        day_json: String,
        rules_json: String,
        now: SystemTime,
        history_json: Option<String>,
        estimator: String,
        window: Option<u32>,
        p90_factor: Option<f64>,
    ) -> Result<Vec<WaitEstimate>> {
        let day: QueueDay = parse("day", &day_json)?;
        let rules: QueueRules = parse("rules", &rules_json)?;
        let now = instant("now", now)?;
        let history = history(history_json.as_deref())?;
        let estimator =
            EstimatorChoice::from_name(&estimator, window.map(|w| w as usize), p90_factor)?;
        let found = self
            .inner
            .wait_estimates(&day, &rules, now, &history, estimator.get())?;
        Ok(found
            .iter()
            .map(|e| WaitEstimate {
                number: e.number,
                wait: minutes(e.minutes),
                p50_wait: minutes(e.p50_minutes),
                p90_wait: minutes(e.p90_minutes),
                expected_start: e.expected_start(now).map(timestamp),
                p90_start: e.p90_start(now).map(timestamp),
            })
            .collect())
    }
}

/// A `DoctorHistory` JSON, or a new doctor's history (no days yet).
fn history(json: Option<&str>) -> Result<DoctorHistory> {
    Ok(parse_or_default("history", json)?)
}

/// The estimates of an estimator by name for a `QueueSnapshot` JSON and a `DoctorHistory`
/// JSON (a new doctor's when absent), as `WaitEstimate` JSON (a list, minutes as numbers).
#[uniffi::export]
pub fn estimate_waits(
    estimator: String,
    snapshot_json: String,
    history_json: Option<String>,
    window: Option<u32>,
    p90_factor: Option<f64>,
) -> Result<String> {
    let estimator = EstimatorChoice::from_name(&estimator, window.map(|w| w as usize), p90_factor)?;
    let snapshot: QueueSnapshot = parse("snapshot", &snapshot_json)?;
    let history = history(history_json.as_deref())?;
    Ok(text(&estimator.get().estimate(&snapshot, &history)))
}

/// A doctor's history from `PastDay` JSON (a list), as `DoctorHistory` JSON.
#[uniffi::export]
pub fn history_from_days(days_json: String) -> Result<String> {
    let days: Vec<PastDay> = parse("days", &days_json)?;
    Ok(text(&DoctorHistory::from_days(&days)?))
}
