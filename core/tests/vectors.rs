//! Runs the shared JSON test vectors in `testdata/`, the same files every binding runs.
//!
//! `MEDSCHED_BLESS=1 cargo test --test vectors` writes the current outputs into the
//! `expect` fields (each step's, for a booking script); review the diff by hand before
//! committing it.

use std::fs;
use std::path::{Path, PathBuf};

use medsched::{
    AppointmentType, Availability, Clinic, ClinicRules, DoctorCalendar, Error, Occupancy,
    SlotOptions, SlotRequest, booking::Bookings, booking::Command, booking::DayBook,
    booking::Schedule, first_available, store::Actor, store::EventStore, store::InMemoryStore,
    store::StreamId, tokens::Queue, tokens::QueueDay, tokens::QueueRules, tokens::TokenCommand,
    tokens::Tokens, wait::CalibratedQueueEstimator, wait::DoctorHistory,
    wait::MovingAverageEstimator, wait::PastDay, wait::QueueEstimator, wait::QueueSnapshot,
    wait::WaitEstimator,
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

fn bless() -> bool {
    std::env::var_os("MEDSCHED_BLESS").is_some()
}

fn parse<T: DeserializeOwned>(value: &Value, what: &str) -> T {
    serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{what}: {e}"))
}

fn field<T: DeserializeOwned>(case: &Value, name: &str) -> T {
    parse(&case[name], name)
}

fn run_case(doc: &Value, doctors: &[Availability], case: &Value) -> Value {
    match case["op"].as_str().expect("op") {
        "booking_script" => return booking_script(doc, case),
        "token_script" => return token_script(doc, case),
        "wait_estimates" => return wait_estimates(case),
        _ => {}
    }
    let doctor = &doctors[case["doctor"].as_u64().unwrap_or(0) as usize];
    let out = match case["op"].as_str().expect("op") {
        "resolve" => serde_json::to_value(
            doctor
                .resolve(field(case, "start"), field(case, "end"))
                .unwrap(),
        ),
        "resolve_dates" => serde_json::to_value(
            doctor
                .resolve_dates(
                    case["location_id"].as_str().unwrap(),
                    field(case, "first"),
                    field(case, "last"),
                )
                .unwrap(),
        ),
        "explain" => serde_json::to_value(doctor.explain(field(case, "instant")).unwrap()),
        "slots" => {
            let request: SlotRequest = field(case, "request");
            let occupancy: Occupancy = case
                .get("occupancy")
                .map_or_else(Occupancy::default, |o| parse(o, "occupancy"));
            let options: SlotOptions = field(case, "options");
            serde_json::to_value(doctor.slots(&request, &occupancy, options).unwrap())
        }
        "first_available" => {
            let request: SlotRequest = field(case, "request");
            let occupancies: Vec<Occupancy> = field(case, "occupancies");
            let count: u32 = field(case, "count");
            serde_json::to_value(
                first_available(doctors.iter().zip(&occupancies), &request, count).unwrap(),
            )
        }
        other => panic!("unknown op {other}"),
    };
    out.unwrap()
}

/// Runs a booking script (see the `format` of `testdata/vectors/booking.json`) on a fresh
/// in-memory store: one result per step.
fn booking_script(doc: &Value, case: &Value) -> Value {
    let clinic: Clinic = field(doc, "clinic");
    let calendars: Vec<DoctorCalendar> = field(doc, "calendars");
    let types: Vec<AppointmentType> = field(doc, "appointment_types");
    let tenant: String = field(doc, "tenant");
    let schedule = Schedule::new(tenant.as_str(), &clinic, &calendars, &types).unwrap();
    let bookings = Bookings::new(InMemoryStore::new());
    let steps = case["steps"].as_array().expect("steps");
    let results = steps.iter().map(|step| {
        let actor: Actor = field(step, "actor");
        let date = field(step, "date");
        let command: Command = field(step, "command");
        match bookings.execute(&schedule, &actor, field(step, "now"), date, &command) {
            Ok((book, events)) => {
                let stream = StreamId::new(tenant.as_str(), date);
                let stored = bookings.store().load(&stream).unwrap().events;
                assert_eq!(
                    DayBook::from_events(stored),
                    book,
                    "{}: replay",
                    step["name"]
                );
                let types: Vec<Value> = events
                    .iter()
                    .map(|e| serde_json::to_value(&e.change).unwrap()["type"].clone())
                    .collect();
                json!({ "events": types })
            }
            Err(e) => json!({ "error": error_json(&e) }),
        }
    });
    Value::Array(results.collect())
}

/// Runs a token script (see the `format` of `testdata/vectors/tokens.json`) on a fresh
/// in-memory store: one result per step.
fn token_script(doc: &Value, case: &Value) -> Value {
    let tenant: String = field(doc, "tenant");
    let doctor: String = field(case, "doctor_id");
    let day = QueueDay::new(tenant.as_str(), doctor.as_str(), field(case, "date"));
    let rules: QueueRules = field(case, "rules");
    let tokens = Tokens::new(InMemoryStore::new());
    let steps = case["steps"].as_array().expect("steps");
    let results = steps.iter().map(|step| {
        let actor: Actor = field(step, "actor");
        let command: TokenCommand = field(step, "command");
        match tokens.execute(&day, &rules, &actor, field(step, "now"), &command) {
            Ok(update) => {
                let stored = tokens.store().load(&day.stream()).unwrap().events;
                assert_eq!(
                    Queue::from_events(stored),
                    update.queue,
                    "{}: replay",
                    step["name"]
                );
                let types: Vec<&str> = update.events.iter().map(|e| e.change.name()).collect();
                json!({
                    "events": types,
                    "line": update.queue.line(),
                    "now_serving": update.queue.now_serving().map(|t| t.number),
                    "token": update.token.map(|t| t.number),
                })
            }
            Err(e) => json!({ "error": error_json(&e) }),
        }
    });
    Value::Array(results.collect())
}

/// Runs one estimator on a snapshot (see the `format` of `testdata/vectors/waits.json`).
fn wait_estimates(case: &Value) -> Value {
    let history = match case.get("days") {
        Some(days) => DoctorHistory::from_days(&parse::<Vec<PastDay>>(days, "days")).unwrap(),
        None => DoctorHistory::default(),
    };
    let snapshot: QueueSnapshot = field(case, "snapshot");
    let estimates = match case["estimator"].as_str().expect("estimator") {
        "queue" => QueueEstimator.estimate(&snapshot, &history),
        "calibrated" => CalibratedQueueEstimator.estimate(&snapshot, &history),
        "moving_average" => MovingAverageEstimator::default().estimate(&snapshot, &history),
        other => panic!("unknown estimator {other}"),
    };
    serde_json::to_value(estimates).unwrap()
}

/// An error's code and the fields that say why, as booking scripts expect them: the
/// error's report (the one mapping every binding raises from), cut to those fields.
fn error_json(e: &Error) -> Value {
    let why: &[&str] = match e.code() {
        "invalid_input" => &["field", "problem"],
        "not_found" => &["kind", "id"],
        "slot_unavailable" => &["reason"],
        "invalid_transition" => &["kind", "from", "action"],
        "policy_violation" => &["action", "rule"],
        _ => &[],
    };
    report_fields(e, why)
}

/// The code and the named fields of an error's report.
fn report_fields(e: &Error, fields: &[&str]) -> Value {
    let report = serde_json::to_value(e.report()).unwrap();
    let mut out = serde_json::Map::new();
    for field in std::iter::once(&"code").chain(fields) {
        out.insert((*field).to_owned(), report[*field].clone());
    }
    Value::Object(out)
}

/// Compares (or, when blessing, records) one expectation.
fn check_one(expect: &mut Value, got: Value, what: String, failures: &mut Vec<String>) {
    if bless() {
        *expect = got;
    } else if !agree(expect, &got) {
        failures.push(format!("{what}\n  expected: {expect}\n  got:      {got}"));
    }
}

/// Equal JSON, but for floating-point numbers, which agree to a relative 1e-9: the wait
/// estimates' last digits depend on how the compiler fused the arithmetic.
fn agree(expect: &Value, got: &Value) -> bool {
    match (expect, got) {
        (Value::Number(a), Value::Number(b)) if a.is_f64() || b.is_f64() => {
            let (a, b) = (
                a.as_f64().unwrap_or(f64::NAN),
                b.as_f64().unwrap_or(f64::NAN),
            );
            (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| agree(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| agree(v, w)))
        }
        _ => expect == got,
    }
}

fn check_or_bless(path: &Path, doc: &mut Value, results: Vec<Value>) {
    let mut failures = Vec::new();
    for (case, got) in doc["cases"].as_array_mut().unwrap().iter_mut().zip(results) {
        let what = format!("{}: {}", path.display(), case["name"]);
        if case["op"] == "booking_script" || case["op"] == "token_script" {
            let steps = case["steps"].as_array_mut().unwrap();
            let got = got.as_array().unwrap();
            for (i, (step, got)) in steps.iter_mut().zip(got).enumerate() {
                let what = format!("{what}, step {i} {}", step["name"]);
                check_one(&mut step["expect"], got.clone(), what, &mut failures);
            }
        } else {
            check_one(&mut case["expect"], got, what, &mut failures);
        }
    }
    if bless() {
        fs::write(path, serde_json::to_string_pretty(doc).unwrap() + "\n").unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn vectors_agree() {
    let mut files: Vec<PathBuf> = fs::read_dir(testdata().join("vectors"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "vector files missing");
    let (mut cases, mut steps) = (0, 0);
    for path in files {
        let mut doc: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let clinic: Clinic = field(&doc, "clinic");
        let clinic = ClinicRules::new(&clinic).unwrap();
        let calendars: Vec<DoctorCalendar> = field(&doc, "calendars");
        let doctors: Vec<Availability> = calendars
            .iter()
            .map(|c| Availability::new(&clinic, c).unwrap())
            .collect();
        let results: Vec<Value> = doc["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| run_case(&doc, &doctors, c))
            .collect();
        cases += results.len();
        steps += doc["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["op"] == "booking_script" || c["op"] == "token_script")
            .map(|c| c["steps"].as_array().map_or(0, Vec::len))
            .sum::<usize>();
        check_or_bless(&path, &mut doc, results);
    }
    assert!(cases >= 25, "only {cases} vector cases");
    assert!(steps >= 25, "only {steps} booking script steps");
}

/// Reads JSON as the bindings do: a refused value is `invalid_input` naming its field path
/// and value; `out_of_range` when the core's reader says so (a `24:00`), else `malformed`.
fn read<T: DeserializeOwned>(value: &Value) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let (mut field, mut at) = (String::new(), Some(value));
        for segment in e.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => {
                    field.push_str(&format!("[{index}]"));
                    at = at.and_then(|v| v.get(index));
                }
                serde_path_to_error::Segment::Map { key } => {
                    field.push_str(&format!("{}{key}", if field.is_empty() { "" } else { "." }));
                    at = at.and_then(|v| v.get(key));
                }
                _ => {}
            }
        }
        let shown = at.map_or_else(String::new, |v| {
            v.as_str().map_or(v.to_string(), str::to_owned)
        });
        let message = e.into_inner().to_string();
        let problem = match message.strip_prefix("out of range: ") {
            Some(detail) => medsched::Problem::OutOfRange(detail.to_owned()),
            None => medsched::Problem::Malformed(message),
        };
        Error::invalid_input(field, shown, problem)
    })
}

fn first_error(base: &Value, case: &Value) -> Error {
    let clinic: Clinic = parse(case.get("clinic").unwrap_or(base), "clinic");
    let attempt = || -> Result<(), Error> {
        let clinic = ClinicRules::new(&clinic)?;
        if let Some(calendar) = case.get("calendar") {
            let doctor = Availability::new(&clinic, &read(calendar)?)?;
            if let Some(request) = case.get("slots") {
                doctor.slots(
                    &parse(request, "slots"),
                    &Occupancy::default(),
                    SlotOptions::default(),
                )?;
            }
        }
        Ok(())
    };
    attempt().expect_err(case["name"].as_str().unwrap())
}

#[test]
fn error_vectors_agree() {
    let path = testdata().join("errors.json");
    let doc: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for case in cases {
        let err = first_error(&doc["base_clinic"], case);
        let got = report_fields(&err, &["field", "value", "problem"]);
        assert_eq!(got, case["expect"], "{}: {err}", case["name"]);
    }
}
