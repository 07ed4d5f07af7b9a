//! Runs the shared JSON vectors of bookability and rate limits in `testdata/clinic_ops/`
//! (the Python binding runs them too).
//!
//! `MEDSCHED_BLESS=1 cargo test --test clinic_ops_vectors` writes the current outputs into
//! the `expect` fields; review the diff by hand before committing it.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use medsched::bookability::{BookabilityPolicy, evaluate};
use medsched::rate_limit::{Rate, RateDecision, check as gcra};
use medsched::{AppointmentType, Clinic, ClinicRules, DoctorCalendar};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/clinic_ops")
        .join(name)
}

fn bless() -> bool {
    std::env::var_os("MEDSCHED_BLESS").is_some()
}

fn field<T: DeserializeOwned>(value: &Value, name: &str) -> T {
    serde_json::from_value(value[name].clone()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Compares (or, blessing, writes) one expectation.
fn check(expect: &mut Value, got: Value, what: String, failures: &mut Vec<String>) {
    if bless() {
        *expect = got;
    } else if *expect != got {
        failures.push(format!("{what}\n  expected: {expect}\n  got:      {got}"));
    }
}

fn finish(path: &Path, doc: &Value, failures: Vec<String>) {
    if bless() {
        fs::write(path, serde_json::to_string_pretty(doc).unwrap() + "\n").unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bookability_vectors_agree() {
    let path = file("bookability.json");
    let mut doc: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let clinic = ClinicRules::new(&field::<Clinic>(&doc, "clinic")).unwrap();
    let mut failures = Vec::new();
    let cases = doc["cases"].as_array_mut().unwrap();
    assert!(cases.len() >= 10, "only {} bookability cases", cases.len());
    for case in cases {
        let policy: BookabilityPolicy = match case.get("policy") {
            Some(_) => field(case, "policy"),
            None => BookabilityPolicy::default(),
        };
        let calendar: DoctorCalendar = field(case, "calendar");
        let kind: AppointmentType = field(case, "appointment_type");
        let now: DateTime<Utc> = field(case, "now");
        let got = evaluate(
            &field(case, "facts"),
            &clinic,
            &calendar,
            &kind,
            now,
            &policy,
        )
        .unwrap();
        let what = format!("bookability: {}", case["name"]);
        check(
            &mut case["expect"],
            serde_json::to_value(got).unwrap(),
            what,
            &mut failures,
        );
    }
    finish(&path, &doc, failures);
}

#[test]
fn rate_limit_vectors_agree() {
    let path = file("rate_limit.json");
    let mut doc: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let mut failures = Vec::new();
    let mut steps = 0;
    for case in doc["cases"].as_array_mut().unwrap() {
        let rate: Rate = field(case, "rate");
        let mut now: DateTime<Utc> = field(case, "start");
        let name = case["name"].clone();
        let mut tat = None;
        for (i, step) in case["steps"].as_array_mut().unwrap().iter_mut().enumerate() {
            now += Duration::milliseconds(field(step, "after_ms"));
            let decision = check_rate(&rate, tat, now, field(step, "cost"));
            if let RateDecision::Allowed { tat: next, .. } = decision {
                tat = Some(next);
            }
            let what = format!("rate_check: {name}, step {i}");
            check(
                &mut step["expect"],
                serde_json::to_value(decision).unwrap(),
                what,
                &mut failures,
            );
            steps += 1;
        }
    }
    assert!(steps >= 25, "only {steps} rate limit steps");
    finish(&path, &doc, failures);
}

fn check_rate(
    rate: &Rate,
    tat: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    cost: u32,
) -> RateDecision {
    gcra(rate, tat, now, cost).unwrap()
}
