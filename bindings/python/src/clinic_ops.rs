//! Bookability and booking rate limits: the core's `bookability` and `rate_limit`, JSON in
//! and out.

use medsched::bookability::{BookabilityPolicy, CalendarFacts, DoctorFacts, evaluate, score};
use medsched::rate_limit::{Rate, RateKey, RateLimiter as CoreLimiter, check};
use medsched::{AppointmentType, DoctorCalendar};
use medsched_facade::{SharedStore, rate_limiter};
use pyo3::prelude::*;

use crate::errors::Result;
use crate::schedule::ClinicRules;
use crate::store::NativeStore;
use medsched_facade::json::{parse, parse_or_default, text};
use medsched_facade::values::instant;

/// A doctor's bookability at `now`, as `Bookability` JSON.
#[pyfunction]
#[pyo3(signature = (facts, rules, calendar, appointment_type, now, policy_json=None))]
pub fn evaluate_bookability(
    py: Python<'_>,
    facts: &str,
    rules: &ClinicRules,
    calendar: &str,
    appointment_type: &str,
    now: &str,
    policy_json: Option<&str>,
) -> Result<String> {
    let facts: DoctorFacts = parse("facts", facts)?;
    let calendar: DoctorCalendar = parse("calendar", calendar)?;
    let appointment_type: AppointmentType = parse("appointment_type", appointment_type)?;
    let now = instant("now", now)?;
    let policy: BookabilityPolicy = parse_or_default("policy", policy_json)?;
    let verdict = py.detach(|| {
        evaluate(
            &facts,
            &rules.inner,
            &calendar,
            &appointment_type,
            now,
            &policy,
        )
    })?;
    Ok(text(&verdict))
}

/// A calendar's bookability facts at `now`, as `CalendarFacts` JSON.
#[pyfunction]
pub fn gather_calendar_facts(
    py: Python<'_>,
    rules: &ClinicRules,
    calendar: &str,
    appointment_type: &str,
    now: &str,
    horizon_days: u32,
) -> Result<String> {
    let calendar: DoctorCalendar = parse("calendar", calendar)?;
    let appointment_type: AppointmentType = parse("appointment_type", appointment_type)?;
    let now = instant("now", now)?;
    let facts = py.detach(|| {
        CalendarFacts::gather(
            &rules.inner,
            &calendar,
            &appointment_type,
            now,
            horizon_days,
        )
    })?;
    Ok(text(&facts))
}

/// Host facts and gathered calendar facts combined, as `Bookability` JSON.
#[pyfunction]
#[pyo3(signature = (facts, calendar_facts, policy_json=None))]
pub fn score_bookability(
    facts: &str,
    calendar_facts: &str,
    policy_json: Option<&str>,
) -> Result<String> {
    let facts: DoctorFacts = parse("facts", facts)?;
    let calendar: CalendarFacts = parse("calendar_facts", calendar_facts)?;
    Ok(text(&score(
        &facts,
        &calendar,
        &parse_or_default::<BookabilityPolicy>("policy", policy_json)?,
    )?))
}

/// The GCRA decision for one request, as `RateDecision` JSON.
#[pyfunction]
#[pyo3(signature = (rate, tat, now, cost=1))]
pub fn check_rate(rate: &str, tat: Option<&str>, now: &str, cost: u32) -> Result<String> {
    let rate: Rate = parse("rate", rate)?;
    let tat = tat.map(|tat| instant("tat", tat)).transpose()?;
    Ok(text(&check(&rate, tat, instant("now", now)?, cost)?))
}

/// The booking rate limiter over a native store.
#[pyclass(frozen, name = "RateLimiter", module = "medsched._native")]
pub struct RateLimiter {
    inner: CoreLimiter<SharedStore>,
}

#[pymethods]
impl RateLimiter {
    #[new]
    #[pyo3(signature = (store, limits=None))]
    fn new(store: &NativeStore, limits: Option<&str>) -> Result<Self> {
        Ok(RateLimiter {
            inner: rate_limiter(Some(store.inner.clone()), limits)?,
        })
    }

    /// Counts a request against `RateKey` JSON (a list); the requests of cost 1 left.
    #[pyo3(signature = (keys, now, cost=1))]
    fn acquire(&self, py: Python<'_>, keys: &str, now: &str, cost: u32) -> Result<u32> {
        let keys: Vec<RateKey> = parse("keys", keys)?;
        let now = instant("now", now)?;
        Ok(py.detach(|| self.inner.acquire(&keys, now, cost))?)
    }

    /// The limits as `RateLimits` JSON.
    fn limits_json(&self) -> String {
        text(self.inner.limits())
    }
}
