//! Bookability, the booking rate limiter's GCRA and the rate limiter over a store for apps:
//! the core's `bookability` and `rate_limit`, JSON in and out (docs/BOOKABILITY.md,
//! docs/RATE_LIMITS.md).

use std::sync::Arc;
use std::time::SystemTime;

use medsched::bookability::{BookabilityPolicy, CalendarFacts, DoctorFacts, evaluate, score};
use medsched::rate_limit::{Rate, RateKey, RateLimiter as CoreLimiter, check};
use medsched::{AppointmentType, Clinic, ClinicRules, DoctorCalendar};
use medsched_facade::json::{parse, parse_or_default, text};
use medsched_facade::{SharedStore, rate_limiter};

use crate::error::Result;
use crate::store::Store;
use crate::values::instant;

/// A doctor's bookability at `now` (Kotlin `evaluateBookability`): `DoctorFacts`, `Clinic`,
/// `DoctorCalendar`, `AppointmentType` and optional `BookabilityPolicy` JSON in,
/// `Bookability` JSON out.
#[uniffi::export]
pub fn evaluate_bookability(
    facts_json: String,
    clinic_json: String,
    calendar_json: String,
    appointment_type_json: String,
    now: SystemTime,
    policy_json: Option<String>,
) -> Result<String> {
    let facts: DoctorFacts = parse("facts", &facts_json)?;
    let clinic: Clinic = parse("clinic", &clinic_json)?;
    let calendar: DoctorCalendar = parse("calendar", &calendar_json)?;
    let kind: AppointmentType = parse("appointment_type", &appointment_type_json)?;
    let rules = ClinicRules::new(&clinic)?;
    let now = instant("now", now)?;
    Ok(text(&evaluate(
        &facts,
        &rules,
        &calendar,
        &kind,
        now,
        &parse_or_default::<BookabilityPolicy>("policy", policy_json.as_deref())?,
    )?))
}

/// `DoctorFacts` and kept `CalendarFacts` JSON combined with no slot search, as
/// `Bookability` JSON (Kotlin `scoreBookability`).
#[uniffi::export]
pub fn score_bookability(
    facts_json: String,
    calendar_facts_json: String,
    policy_json: Option<String>,
) -> Result<String> {
    let facts: DoctorFacts = parse("facts", &facts_json)?;
    let calendar: CalendarFacts = parse("calendar_facts", &calendar_facts_json)?;
    Ok(text(&score(
        &facts,
        &calendar,
        &parse_or_default::<BookabilityPolicy>("policy", policy_json.as_deref())?,
    )?))
}

/// The GCRA decision for one request on a key whose state is `tat` (`null` for a new key),
/// as `RateDecision` JSON (Kotlin `checkRate`).
#[uniffi::export]
pub fn check_rate(
    rate_json: String,
    tat: Option<SystemTime>,
    now: SystemTime,
    cost: u32,
) -> Result<String> {
    let rate: Rate = parse("rate", &rate_json)?;
    let tat = tat.map(|tat| instant("tat", tat)).transpose()?;
    Ok(text(&check(&rate, tat, instant("now", now)?, cost)?))
}

/// The booking rate limiter over a store (Kotlin `RateLimiter`): each request counted
/// against its `RateKey`s, the states kept in the store (the in-memory store or a SQLite
/// file; the app's own storage has no place for them and `acquire` refuses it with
/// `InvalidInput` on `store`).
#[derive(uniffi::Object)]
pub struct RateLimiter {
    inner: CoreLimiter<SharedStore>,
}

#[uniffi::export]
impl RateLimiter {
    /// A limiter over `store` with `RateLimits` JSON, the defaults when absent.
    #[uniffi::constructor]
    pub fn new(store: Arc<Store>, limits_json: Option<String>) -> Result<Arc<RateLimiter>> {
        let inner = rate_limiter(Some(store.inner.clone()), limits_json.as_deref())?;
        Ok(Arc::new(RateLimiter { inner }))
    }

    /// Counts a request of `cost` against `RateKey` JSON (a list); the requests of cost 1
    /// the tightest key lets pass now. Over a limit: `RateLimited`, nothing counted.
    pub fn acquire(&self, keys_json: String, now: SystemTime, cost: u32) -> Result<u32> {
        let keys: Vec<RateKey> = parse("keys", &keys_json)?;
        Ok(self.inner.acquire(&keys, instant("now", now)?, cost)?)
    }

    /// The limits, as `RateLimits` JSON.
    pub fn limits_json(&self) -> String {
        text(self.inner.limits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> SystemTime {
        crate::values::timestamp(text.parse().unwrap())
    }

    #[test]
    fn the_shared_vectors_agree() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/clinic_ops/");
        let doc: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{path}bookability.json")).unwrap(),
        )
        .unwrap();
        let clinic = doc["clinic"].to_string();
        for case in doc["cases"].as_array().unwrap() {
            let got = evaluate_bookability(
                case["facts"].to_string(),
                clinic.clone(),
                case["calendar"].to_string(),
                case["appointment_type"].to_string(),
                at(case["now"].as_str().unwrap()),
                case.get("policy").map(|p| p.to_string()),
            )
            .unwrap();
            let got: serde_json::Value = serde_json::from_str(&got).unwrap();
            assert_eq!(got, case["expect"], "{}", case["name"]);
        }
        let doc: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{path}rate_limit.json")).unwrap(),
        )
        .unwrap();
        for case in doc["cases"].as_array().unwrap() {
            let mut now: chrono::DateTime<chrono::Utc> =
                case["start"].as_str().unwrap().parse().unwrap();
            let mut tat = None;
            for step in case["steps"].as_array().unwrap() {
                now += chrono::Duration::milliseconds(step["after_ms"].as_i64().unwrap());
                let cost = step["cost"].as_u64().unwrap() as u32;
                let got = check_rate(
                    case["rate"].to_string(),
                    tat,
                    crate::values::timestamp(now),
                    cost,
                )
                .unwrap();
                let got: serde_json::Value = serde_json::from_str(&got).unwrap();
                if got["decision"] == "allowed" {
                    tat = Some(at(got["tat"].as_str().unwrap()));
                }
                assert_eq!(got, step["expect"], "{}", case["name"]);
            }
        }
    }

    #[test]
    fn the_limiter_counts_every_key_in_the_store() {
        let keys = r#"[{"tenant": "clinic-1", "kind": "patient", "value": "pat-1"}]"#;
        let limits = r#"{"patient": {"limit": 1, "period_seconds": 600},
            "phone": {"limit": 10, "period_seconds": 3600},
            "ip": {"limit": 60, "period_seconds": 3600}}"#;
        let limiter = RateLimiter::new(Store::memory(), Some(limits.into())).unwrap();
        let now = at("2026-03-01T06:00:00Z");
        assert_eq!(limiter.acquire(keys.into(), now, 1).unwrap(), 0);
        let err = limiter.acquire(keys.into(), now, 1).unwrap_err();
        assert_eq!(err.report().retry_after_ms, Some(600_000));
        let defaults = RateLimiter::new(Store::memory(), None).unwrap();
        assert_eq!(
            defaults.limits_json(),
            text(&medsched::rate_limit::RateLimits::default())
        );
    }

    #[test]
    fn refusals_are_typed() {
        let err = check_rate(
            r#"{"limit": 2, "period_seconds": 60}"#.into(),
            None,
            at("2026-03-01T00:00:00Z"),
            3,
        )
        .unwrap_err();
        assert_eq!(err.report().field.as_deref(), Some("cost"));
        let facts = r#"{"profile_complete": true}"#.to_string();
        let err = score_bookability(facts, "{}".into(), None).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
    }
}
