//! Bookability and booking rate limits: the core's `bookability` and `rate_limit`, JSON in
//! and out (`index.js` reads the results as plain objects with `Date`s), and the rate
//! limiter over a native store.

use medsched::bookability::{BookabilityPolicy, CalendarFacts, DoctorFacts, evaluate, score};
use std::sync::Arc;

use medsched::rate_limit::{Rate, RateKey, RateLimiter as CoreLimiter, check};
use medsched::{AppointmentType, DoctorCalendar};
use medsched_facade::json::{parse, parse_or_default, text};
use medsched_facade::values::instant;
use medsched_facade::{SharedStore, rate_limiter};
use napi::Env;
use napi::bindgen_prelude::{ClassInstance, PromiseRaw};
use napi_derive::napi;

use crate::errors::{Result, done, spawn};
use crate::schedule::ClinicRules;
use crate::store::{NativeStore, off_thread};

/// A doctor's bookability at `now`: `DoctorFacts`, `DoctorCalendar` and `AppointmentType`
/// JSON in, `Bookability` JSON out.
#[napi]
pub fn evaluate_bookability(
    facts: String,
    rules: &ClinicRules,
    calendar: String,
    appointment_type: String,
    now: String,
    policy_json: Option<String>,
) -> Result<String> {
    done((|| {
        let facts: DoctorFacts = parse("facts", &facts)?;
        let calendar: DoctorCalendar = parse("calendar", &calendar)?;
        let kind: AppointmentType = parse("appointment_type", &appointment_type)?;
        let now = instant("now", &now)?;
        let verdict = evaluate(
            &facts,
            rules.core(),
            &calendar,
            &kind,
            now,
            &parse_or_default::<BookabilityPolicy>("policy", policy_json.as_deref())?,
        )?;
        Ok(text(&verdict))
    })())
}

/// A calendar's bookability facts at `now`, as `CalendarFacts` JSON.
#[napi]
pub fn gather_calendar_facts(
    rules: &ClinicRules,
    calendar: String,
    appointment_type: String,
    now: String,
    horizon_days: u32,
) -> Result<String> {
    done((|| {
        let calendar: DoctorCalendar = parse("calendar", &calendar)?;
        let kind: AppointmentType = parse("appointment_type", &appointment_type)?;
        let now = instant("now", &now)?;
        let facts = CalendarFacts::gather(rules.core(), &calendar, &kind, now, horizon_days)?;
        Ok(text(&facts))
    })())
}

/// `DoctorFacts` and kept `CalendarFacts` JSON combined, as `Bookability` JSON.
#[napi]
pub fn score_bookability(
    facts: String,
    calendar_facts: String,
    policy_json: Option<String>,
) -> Result<String> {
    done((|| {
        let facts: DoctorFacts = parse("facts", &facts)?;
        let calendar: CalendarFacts = parse("calendar_facts", &calendar_facts)?;
        Ok(text(&score(
            &facts,
            &calendar,
            &parse_or_default::<BookabilityPolicy>("policy", policy_json.as_deref())?,
        )?))
    })())
}

/// The GCRA decision for one request on a key whose state is `tat`, as `RateDecision`
/// JSON.
#[napi]
pub fn check_rate(rate: String, tat: Option<String>, now: String, cost: u32) -> Result<String> {
    done((|| {
        let rate: Rate = parse("rate", &rate)?;
        let tat = tat.map(|tat| instant("tat", &tat)).transpose()?;
        Ok(text(&check(&rate, tat, instant("now", &now)?, cost)?))
    })())
}

/// The booking rate limiter over a native store (the core's `RateLimiter`), which app
/// servers share: each request counted against its `RateKey`s.
#[napi]
pub struct RateLimiter {
    inner: Arc<CoreLimiter<SharedStore>>,
}

#[napi]
impl RateLimiter {
    /// A limiter over `store` (`null` for a store written in JavaScript, which is refused:
    /// it has no place for the states) with `RateLimits` JSON, the defaults when absent.
    #[napi(constructor)]
    pub fn new(
        store: Option<ClassInstance<'_, NativeStore>>,
        limits: Option<String>,
    ) -> Result<Self> {
        let store = store.map(|store| store.inner.clone());
        Ok(RateLimiter {
            inner: Arc::new(done(rate_limiter(store, limits.as_deref()))?),
        })
    }

    /// Counts a request of `cost` against `RateKey` JSON (a list); the requests of cost 1
    /// the tightest key lets pass now.
    #[napi]
    pub fn acquire(&self, keys: String, now: String, cost: u32) -> Result<u32> {
        let (keys, now) = read_acquire(&keys, &now)?;
        done(self.inner.acquire(&keys, now, cost))
    }

    /// As `acquire`, off the JavaScript thread (a database's calls run on tokio's blocking
    /// threads).
    #[napi(ts_return_type = "Promise<number>")]
    pub fn acquire_async<'env>(
        &self,
        env: &'env Env,
        keys: String,
        now: String,
        cost: u32,
    ) -> Result<PromiseRaw<'env, u32>> {
        let (keys, now) = read_acquire(&keys, &now)?;
        let limiter = self.inner.clone();
        spawn(env, off_thread(move || limiter.acquire(&keys, now, cost)))
    }

    /// The limits, as `RateLimits` JSON.
    #[napi]
    pub fn limits(&self) -> String {
        text(self.inner.limits())
    }
}

/// The arguments of `acquire`, read.
fn read_acquire(keys: &str, now: &str) -> Result<(Vec<RateKey>, chrono::DateTime<chrono::Utc>)> {
    Ok((done(parse("keys", keys))?, done(instant("now", now))?))
}
