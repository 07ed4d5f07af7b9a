//! Bookability and booking rate limits: the core's `bookability` and `rate_limit`, JSON in
//! and out (`index.js` reads the results as plain objects with `Date`s).

use medsched::bookability::{BookabilityPolicy, CalendarFacts, DoctorFacts, evaluate, score};
use medsched::rate_limit::{Rate, check};
use medsched::{AppointmentType, DoctorCalendar};
use medsched_facade::json::{parse, text};
use medsched_facade::values::instant;
use napi_derive::napi;

use crate::errors::{Result, done};
use crate::schedule::ClinicRules;

fn policy(json: Option<String>) -> medsched::Result<BookabilityPolicy> {
    json.map_or_else(|| Ok(BookabilityPolicy::default()), |j| parse("policy", &j))
}

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
            &policy(policy_json)?,
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
        Ok(text(&score(&facts, &calendar, &policy(policy_json)?)?))
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
