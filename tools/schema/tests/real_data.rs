//! The schema against real data: every input of the shared vectors (`testdata/vectors`,
//! `testdata/errors.json`), every output they expect, and every golden event
//! (`testdata/events/v1`) validates against its `$defs` entry, and so does what the core
//! writes back after reading it. Values the core's reader refuses are refused by the schema
//! too. And the committed `schema/medsched.schema.json` is what the command writes now.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use jsonschema::Validator;
use medsched::store::Event;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Validators of the document's `$defs`, one per type name, built on first use.
struct Schema {
    document: Value,
    validators: BTreeMap<String, Validator>,
    /// How many values were validated, by type.
    checked: BTreeMap<String, usize>,
}

impl Schema {
    fn new() -> Schema {
        let document = medsched::schema::document();
        jsonschema::meta::validate(&document).expect("the document is a valid JSON Schema");
        Schema {
            document,
            validators: BTreeMap::new(),
            checked: BTreeMap::new(),
        }
    }

    fn validator(&mut self, name: &str) -> &Validator {
        let document = &self.document;
        self.validators.entry(name.to_owned()).or_insert_with(|| {
            assert!(
                document["$defs"].get(name).is_some(),
                "the schema has no $defs entry {name}"
            );
            let mut root = document.clone();
            root["$ref"] = json!(format!("#/$defs/{name}"));
            jsonschema::options()
                .should_validate_formats(true)
                .build(&root)
                .unwrap_or_else(|e| panic!("{name}: {e}"))
        })
    }

    /// The schema's errors for `value` as a `name`, if any.
    fn errors(&mut self, name: &str, value: &Value) -> Vec<String> {
        self.validator(name)
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    /// `value` validates as a `name`.
    fn check(&mut self, name: &str, value: &Value, what: &str) {
        let errors = self.errors(name, value);
        assert!(
            errors.is_empty(),
            "{what}: not a valid {name} by the schema: {errors:#?}\n{value:#}"
        );
        *self.checked.entry(name.to_owned()).or_default() += 1;
    }

    /// `value` validates as a `T` (named `name`), the core reads it, and what it writes back
    /// validates too.
    fn input<T: DeserializeOwned + Serialize>(&mut self, name: &str, value: &Value, what: &str) {
        self.check(name, value, what);
        let read: T = serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("{what}: the core refuses it as a {name}: {e}"));
        let written = serde_json::to_value(&read).expect("it writes");
        self.check(
            name,
            &written,
            &format!("{what}, as the core writes it back"),
        );
    }

    /// Each item of the array `value` is an input `T`.
    fn inputs<T: DeserializeOwned + Serialize>(&mut self, name: &str, value: &Value, what: &str) {
        let items = value
            .as_array()
            .unwrap_or_else(|| panic!("{what}: not an array"));
        for (i, item) in items.iter().enumerate() {
            self.input::<T>(name, item, &format!("{what}[{i}]"));
        }
    }

    /// The schema agrees with the core's reader on `value` as a `T`: both take it or both
    /// refuse it.
    fn agrees<T: DeserializeOwned>(&mut self, name: &str, value: &Value, what: &str) -> bool {
        let schema = self.errors(name, value);
        let core = serde_json::from_value::<T>(value.clone());
        assert_eq!(
            schema.is_empty(),
            core.is_ok(),
            "{what}: the schema says {schema:?}, the core says {:?}\n{value:#}",
            core.err().map(|e| e.to_string()),
        );
        core.is_ok()
    }
}

use medsched::{
    AppointmentType, Clinic, DoctorCalendar, Explanation, Interval, Occupancy, Slot, SlotOptions,
    SlotRequest, SlotSeries, booking::Command, store::Actor, tokens::QueueRules,
    tokens::TokenCommand, wait::PastDay, wait::QueueSnapshot, wait::WaitEstimate,
};

/// The vector files' inputs and expected outputs, by the `op` of each case (as
/// `core/tests/vectors.rs` reads them).
#[test]
fn every_vector_input_and_output_validates() {
    let mut schema = Schema::new();
    let mut files: Vec<PathBuf> = fs::read_dir(root().join("testdata/vectors"))
        .expect("testdata/vectors")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "the vector files: {files:?}");
    for path in files {
        let doc = load(&path);
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        schema.input::<Clinic>("Clinic", &doc["clinic"], &format!("{file}: clinic"));
        schema.inputs::<DoctorCalendar>(
            "DoctorCalendar",
            &doc["calendars"],
            &format!("{file}: calendars"),
        );
        if let Some(types) = doc.get("appointment_types") {
            let what = format!("{file}: appointment_types");
            schema.inputs::<AppointmentType>("AppointmentType", types, &what);
        }
        for case in doc["cases"].as_array().expect("cases") {
            let what = format!("{file}: {}", case["name"]);
            vector_case(&mut schema, case, &what);
        }
    }
    for name in [
        "Clinic",
        "DoctorCalendar",
        "AppointmentType",
        "SlotRequest",
        "Occupancy",
        "SlotOptions",
        "Actor",
        "Command",
        "QueueRules",
        "TokenCommand",
        "PastDay",
        "QueueSnapshot",
        "Interval",
        "Explanation",
        "SlotSeries",
        "Slot",
        "WaitEstimate",
    ] {
        assert!(
            schema.checked.get(name).copied().unwrap_or(0) > 0,
            "no vector checked a {name}: {:?}",
            schema.checked
        );
    }
}

fn vector_case(schema: &mut Schema, case: &Value, what: &str) {
    let op = case["op"].as_str().expect("op");
    let expect = &case["expect"];
    match op {
        "resolve" | "resolve_dates" => {
            schema.inputs::<Interval>("Interval", expect, &format!("{what}: expect"));
        }
        "explain" => {
            schema.input::<Explanation>("Explanation", expect, &format!("{what}: expect"));
        }
        "slots" => {
            schema.input::<SlotRequest>(
                "SlotRequest",
                &case["request"],
                &format!("{what}: request"),
            );
            if let Some(occupancy) = case.get("occupancy") {
                schema.input::<Occupancy>("Occupancy", occupancy, &format!("{what}: occupancy"));
            }
            schema.input::<SlotOptions>(
                "SlotOptions",
                &case["options"],
                &format!("{what}: options"),
            );
            schema.input::<SlotSeries>("SlotSeries", expect, &format!("{what}: expect"));
        }
        "first_available" => {
            schema.input::<SlotRequest>(
                "SlotRequest",
                &case["request"],
                &format!("{what}: request"),
            );
            let occupancies = &case["occupancies"];
            schema.inputs::<Occupancy>("Occupancy", occupancies, &format!("{what}: occupancies"));
            schema.inputs::<Slot>("Slot", expect, &format!("{what}: expect"));
        }
        "booking_script" | "token_script" => {
            if let Some(rules) = case.get("rules") {
                schema.input::<QueueRules>("QueueRules", rules, &format!("{what}: rules"));
            }
            for (i, step) in case["steps"].as_array().expect("steps").iter().enumerate() {
                let what = format!("{what}, step {i} {}", step["name"]);
                schema.input::<Actor>("Actor", &step["actor"], &format!("{what}: actor"));
                let command = &step["command"];
                if op == "booking_script" {
                    schema.input::<Command>("Command", command, &format!("{what}: command"));
                } else {
                    schema.input::<TokenCommand>(
                        "TokenCommand",
                        command,
                        &format!("{what}: command"),
                    );
                }
            }
        }
        "wait_estimates" => {
            if let Some(days) = case.get("days") {
                schema.inputs::<PastDay>("PastDay", days, &format!("{what}: days"));
            }
            let snapshot = &case["snapshot"];
            schema.input::<QueueSnapshot>("QueueSnapshot", snapshot, &format!("{what}: snapshot"));
            schema.inputs::<WaitEstimate>("WaitEstimate", expect, &format!("{what}: expect"));
        }
        other => panic!("{what}: unknown op {other}"),
    }
}

/// `testdata/errors.json`: clinics and calendars the core compiles into an error. Their JSON
/// reads (the errors are the rules of a whole clinic), so it validates.
#[test]
fn every_error_vector_input_validates() {
    let mut schema = Schema::new();
    let doc = load(&root().join("testdata/errors.json"));
    schema.input::<Clinic>("Clinic", &doc["base_clinic"], "errors.json: base_clinic");
    for case in doc["cases"].as_array().expect("cases") {
        let what = format!("errors.json: {}", case["name"]);
        if let Some(clinic) = case.get("clinic") {
            schema.input::<Clinic>("Clinic", clinic, &format!("{what}: clinic"));
        }
        if let Some(calendar) = case.get("calendar") {
            // A calendar the core's reader refuses (a 24:00, a weekday in no accepted form)
            // is refused by the schema too; any other is valid, refused by a rule.
            let what = format!("{what}: calendar");
            if schema.agrees::<DoctorCalendar>("DoctorCalendar", calendar, &what) {
                schema.input::<DoctorCalendar>("DoctorCalendar", calendar, &what);
            }
        }
        if let Some(request) = case.get("slots") {
            schema.input::<SlotRequest>("SlotRequest", request, &format!("{what}: slots"));
        }
    }
}

/// Every golden event of the current format version validates as an `Event`, as written
/// and as the core writes it back; its change alone validates as a `Change`.
#[test]
fn every_golden_event_validates() {
    let mut schema = Schema::new();
    let dir = root().join(format!("testdata/events/v{}", Event::VERSION));
    let mut count = 0;
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("an entry").path();
        let what = path.display().to_string();
        let event = load(&path);
        schema.input::<Event>("Event", &event, &what);
        let mut change = event.clone();
        let object = change.as_object_mut().expect("an object");
        for envelope in ["v", "tenant", "actor", "at"] {
            object.remove(envelope);
        }
        schema.input::<medsched::store::Change>("Change", &change, &format!("{what}: change"));
        count += 1;
    }
    assert!(count >= 27, "{count} golden events");
}

/// Values the core's reader refuses are refused by the schema: an unknown field, a wrong
/// type, an unknown enum value or change type, a missing required field, a version the
/// schema does not describe. And values it takes with fields left out are taken.
#[test]
fn the_schema_refuses_what_the_core_refuses() {
    let mut schema = Schema::new();
    let calendar = json!({"doctor_id": "dr-a"});
    assert!(schema.agrees::<DoctorCalendar>("DoctorCalendar", &calendar, "defaults"));
    for (name, bad) in [
        (
            "unknown field",
            json!({"doctor_id": "dr-a", "colour": "red"}),
        ),
        ("missing doctor_id", json!({"settings": {}})),
        (
            "wrong type",
            json!({"doctor_id": "dr-a", "settings": {"slot_minutes": "15"}}),
        ),
        (
            "negative",
            json!({"doctor_id": "dr-a", "settings": {"slot_minutes": -1}}),
        ),
        (
            "unknown weekday",
            json!({"doctor_id": "d", "templates": [{"id": "t", "location_id": "l",
                "weekdays": ["Funday"], "sessions": []}]}),
        ),
        (
            "not a time of day",
            json!({"doctor_id": "d", "templates": [{"id": "t", "location_id": "l",
                "weekdays": ["Mon"], "sessions": [{"start": "9am", "end": "13:00"}]}]}),
        ),
        (
            "24:00",
            json!({"doctor_id": "d", "templates": [{"id": "t", "location_id": "l",
                "weekdays": ["Mon"], "sessions": [{"start": "18:00", "end": "24:00"}]}]}),
        ),
        (
            "weekday 0",
            json!({"doctor_id": "d", "templates": [{"id": "t", "location_id": "l",
                "weekdays": [0], "sessions": []}]}),
        ),
        (
            "weekday \"8\"",
            json!({"doctor_id": "d", "templates": [{"id": "t", "location_id": "l",
                "weekdays": ["8"], "sessions": []}]}),
        ),
        (
            "weekday Mond",
            json!({"doctor_id": "d", "templates": [{"id": "t", "location_id": "l",
                "weekdays": ["Mond"], "sessions": []}]}),
        ),
        (
            "unknown leave status",
            json!({"doctor_id": "d", "leaves": [{"id": "l", "status": "maybe",
                "first": "2026-03-02", "last": "2026-03-02"}]}),
        ),
    ] {
        assert!(
            !schema.agrees::<DoctorCalendar>("DoctorCalendar", &bad, name),
            "{name}"
        );
    }
    let every_form = json!({"doctor_id": "d", "templates": [{"id": "t", "location_id": "l",
        "weekdays": ["MO", 2, "wed", "THURSDAY", "5", "sa", "Sun"], "sessions": []}]});
    assert!(schema.agrees::<DoctorCalendar>("DoctorCalendar", &every_form, "weekday forms"));
    let session = json!({"start": "09:00", "end": "13:00:30"});
    assert!(schema.agrees::<medsched::Session>("Session", &session, "HH:MM and HH:MM:SS"));

    let command = json!({"command": "confirm", "appointment_id": "a-1"});
    schema.agrees::<Command>("Command", &command, "confirm");
    let unknown = json!({"command": "teleport", "appointment_id": "a-1"});
    assert!(!schema.agrees::<Command>("Command", &unknown, "unknown command"));

    let event = load(&root().join("testdata/events/v1/token_called.json"));
    for (name, change) in [
        ("unknown change type", json!({"type": "token_eaten"})),
        ("missing type", json!({"type": null})),
        ("a newer version", json!({"v": Event::VERSION + 1})),
        ("missing tenant", json!({"tenant": null})),
        ("a token change without its number", json!({"number": null})),
    ] {
        let mut bad = event.clone();
        for (key, value) in change.as_object().unwrap() {
            if value.is_null() {
                bad.as_object_mut().unwrap().remove(key);
            } else {
                bad[key] = value.clone();
            }
        }
        let errors = schema.errors("Event", &bad);
        assert!(!errors.is_empty(), "{name}: the schema takes {bad:#}");
        assert!(
            serde_json::from_value::<Event>(bad).is_err(),
            "{name}: the core takes it"
        );
    }
}

/// The committed schema file is what `cargo run -p medsched-schema` writes now.
#[test]
fn the_committed_schema_is_current() {
    let path = medsched_schema::committed_path();
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == medsched_schema::text(),
        "{} is not the schema of these types: run `cargo run -p medsched-schema` and commit it",
        path.display()
    );
}
