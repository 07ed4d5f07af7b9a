//! Runs `testdata/resources/*.json`, the shared vectors of joint bookings, joint searches
//! and pools (the Python binding runs the same files).
//!
//! `MEDSCHED_BLESS=1 cargo test --test resources_vectors` writes the current outputs into
//! the `expect` fields; review the diff by hand before committing it.

use std::fs;
use std::path::{Path, PathBuf};

use medsched::booking::{
    BookRequest, Bookings, JointBookRequest, PoolBookRequest, Schedule, SlotClaim,
};
use medsched::store::{Actor, InMemoryStore};
use medsched::{
    AppointmentType, Clinic, DoctorCalendar, Error, Id, Occupancy, PreparedOccupancy, SlotRequest,
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn field<T: DeserializeOwned>(value: &Value, name: &str) -> T {
    serde_json::from_value(value[name].clone()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/resources");
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// The code and the fields of the report that say why.
fn error_json(e: &Error) -> Value {
    let report = serde_json::to_value(e.report()).unwrap();
    let why: &[&str] = match e.code() {
        "invalid_input" => &["field", "problem"],
        "not_found" => &["kind", "id"],
        "slot_unavailable" => &["doctor_id", "reason"],
        _ => &[],
    };
    let mut out = serde_json::Map::new();
    for name in std::iter::once(&"code").chain(why) {
        out.insert((*name).to_owned(), report[*name].clone());
    }
    Value::Object(out)
}

fn claim_json(slot: &SlotClaim) -> Value {
    json!({
        "doctor_id": slot.doctor_id,
        "clinicians": slot.clinicians,
        "equipment": slot.equipment,
    })
}

fn script(schedule: &Schedule, case: &Value) -> Vec<Value> {
    let bookings = Bookings::new(InMemoryStore::new());
    let steps = case["steps"].as_array().expect("steps");
    steps
        .iter()
        .map(|step| {
            let actor: Actor = field(step, "actor");
            let now = field(step, "now");
            let result = match step["call"].as_str().expect("call") {
                "book" => bookings
                    .book(schedule, &actor, now, field::<BookRequest>(step, "request"))
                    .map(|a| claim_json(&a.slot)),
                "book_joint" => bookings
                    .book_joint(
                        schedule,
                        &actor,
                        now,
                        field::<JointBookRequest>(step, "request"),
                    )
                    .map(|a| claim_json(&a.slot)),
                "book_from_pool" => bookings
                    .book_from_pool(
                        schedule,
                        &actor,
                        now,
                        field::<PoolBookRequest>(step, "request"),
                    )
                    .map(|p| {
                        let mut out = claim_json(&p.appointment.slot);
                        out["assignment"] = serde_json::to_value(&p.assignment).unwrap();
                        out
                    }),
                other => panic!("unknown call {other}"),
            };
            result.unwrap_or_else(|e| json!({ "error": error_json(&e) }))
        })
        .collect()
}

fn joint_slots(schedule: &Schedule, case: &Value) -> Value {
    let lead = schedule
        .availability(case["doctor"].as_str().unwrap())
        .unwrap();
    let clinicians: Vec<Id> = field(case, "clinicians");
    let others: Vec<_> = clinicians
        .iter()
        .map(|c| schedule.availability(c).unwrap())
        .collect();
    let equipment: Vec<Id> = field(case, "equipment");
    let request: SlotRequest = field(case, "request");
    let occupancy = PreparedOccupancy::new(field::<Occupancy>(case, "occupancy")).unwrap();
    let series = lead
        .joint_slots(&others, &equipment, &request, &occupancy, None)
        .unwrap();
    json!(series.slots.iter().map(|s| s.start).collect::<Vec<_>>())
}

#[test]
fn resource_vectors() {
    let bless = std::env::var_os("MEDSCHED_BLESS").is_some();
    let mut failures = Vec::new();
    for path in files() {
        let mut doc: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let clinic: Clinic = field(&doc, "clinic");
        let calendars: Vec<DoctorCalendar> = field(&doc, "calendars");
        let types: Vec<AppointmentType> = field(&doc, "appointment_types");
        let tenant: String = field(&doc, "tenant");
        let schedule = Schedule::new(tenant.as_str(), &clinic, &calendars, &types).unwrap();
        for case in doc["cases"].as_array_mut().unwrap() {
            let name = case["name"].as_str().unwrap().to_owned();
            if case["op"] == "script" {
                let got = script(&schedule, case);
                for (step, got) in case["steps"].as_array_mut().unwrap().iter_mut().zip(got) {
                    if bless {
                        step["expect"] = got;
                    } else if step["expect"] != got {
                        failures.push(format!(
                            "{name} / {}: expected {} got {got}",
                            step["name"], step["expect"]
                        ));
                    }
                }
            } else {
                let got = joint_slots(&schedule, case);
                if bless {
                    case["expect"] = got;
                } else if case["expect"] != got {
                    failures.push(format!("{name}: expected {} got {got}", case["expect"]));
                }
            }
        }
        if bless {
            let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
            fs::write(&path, text).unwrap();
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
