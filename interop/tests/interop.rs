//! FHIR and iCalendar out and in: the shared vectors (testdata/interop/vectors.json), round
//! trips, DST and recurrences, refusals.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use common::{scenario, t};
use medsched::booking::{AppointmentStatus, HoldStatus};
use medsched::{BusyTime, Error, RuleKind};
use medsched_interop::fhir::{Resource, SlotSearch, SlotStatus};
use medsched_interop::{Export, IcsRead, InteropLimits, read_fhir, read_ics};
use proptest::prelude::*;
use serde_json::{Value, json};

fn vectors_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/interop/vectors.json")
}

/// One vector's call, as every binding makes it: JSON in, JSON (or text) out.
fn call(name: &str, input: &Value) -> Result<Value, Error> {
    let export = || serde_json::from_value::<Export>(input["export"].clone()).unwrap();
    Ok(match name {
        "fhir_bundle" => serde_json::to_value(export().to_fhir()?).unwrap(),
        "fhir_slot_search" => {
            let search: SlotSearch = serde_json::from_value(input["search"].clone()).unwrap();
            serde_json::to_value(export().to_fhir()?.slot_search(&search)).unwrap()
        }
        "ics" => Value::String(export().to_ics()?),
        "freebusy" => Value::String(export().to_freebusy()?),
        "read_ics" => {
            let request: IcsRead = serde_json::from_value(input["request"].clone()).unwrap();
            let ics = input["ics"].as_str().unwrap();
            serde_json::to_value(read_ics(ics, &request)?).unwrap()
        }
        "read_fhir" => {
            let text = match &input["fhir"] {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            serde_json::to_value(read_fhir(&text, &InteropLimits::DEFAULT)?).unwrap()
        }
        other => panic!("unknown call {other}"),
    })
}

#[test]
fn shared_vectors() {
    let text = std::fs::read_to_string(vectors_path()).unwrap();
    let vectors: Value = serde_json::from_str(&text).unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 15, "{}", cases.len());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let got = call(case["call"].as_str().unwrap(), &case["input"]);
        match (&case["expect"], &case["error"], got) {
            (expect, Value::Null, Ok(got)) => assert_eq!(&got, expect, "{name}"),
            (Value::Null, error, Err(e)) => {
                let report = serde_json::to_value(e.report()).unwrap();
                assert_eq!(report["code"], error["code"], "{name}: {e}");
                assert_eq!(report["field"], error["field"], "{name}: {e}");
            }
            (_, _, got) => panic!("{name}: got {got:?}"),
        }
    }
}

/// Rewrites the vectors' expectations from this implementation (after a reviewed change):
/// `cargo test -p medsched-interop --test interop -- --ignored bless`.
#[test]
#[ignore = "rewrites testdata/interop/vectors.json"]
fn bless() {
    let text = std::fs::read_to_string(vectors_path()).unwrap();
    let mut vectors: Value = serde_json::from_str(&text).unwrap();
    let export = serde_json::to_value(scenario()).unwrap();
    for case in vectors["cases"].as_array_mut().unwrap() {
        if case["input"].get("export").is_some_and(|e| e == "scenario") {
            case["input"]["export"] = export.clone();
        }
        if case["input"].get("ics").is_some_and(|e| e == "scenario") {
            let ics = call("ics", &json!({ "export": export })).unwrap();
            case["input"]["ics"] = ics;
        }
        if case["input"].get("fhir").is_some_and(|e| e == "scenario") {
            let bundle = call("fhir_bundle", &json!({ "export": export })).unwrap();
            case["input"]["fhir"] = bundle;
        }
        let result = call(case["call"].as_str().unwrap(), &case["input"]);
        let obj = case.as_object_mut().unwrap();
        obj.remove("expect");
        obj.remove("error");
        match result {
            Ok(v) => obj.insert("expect".into(), v),
            Err(e) => {
                let r = serde_json::to_value(e.report()).unwrap();
                obj.insert(
                    "error".into(),
                    json!({"code": r["code"], "field": r["field"]}),
                )
            }
        };
    }
    let out = serde_json::to_string_pretty(&vectors).unwrap() + "\n";
    std::fs::write(vectors_path(), out).unwrap();
}

fn window(export: &Export) -> IcsRead {
    IcsRead::new(export.start, export.end, export.time_zone)
}

fn times(busy: &[BusyTime]) -> BTreeSet<(DateTime<Utc>, DateTime<Utc>)> {
    busy.iter().map(|b| (b.start, b.end)).collect()
}

#[test]
fn ics_round_trip_keeps_every_occupying_appointment_and_hold() {
    let export = scenario();
    let busy = read_ics(&export.to_ics().unwrap(), &window(&export)).unwrap();
    let mut expected: BTreeSet<String> = (export.appointments.iter())
        .filter(|a| a.status.occupies())
        .map(|a| format!("{}/appointment/{}", export.system, a.id))
        .collect();
    expected.extend(
        (export.holds.iter())
            .filter(|h| h.status == HoldStatus::Held)
            .map(|h| format!("{}/hold/{}", export.system, h.id)),
    );
    let ids: BTreeSet<String> = busy.iter().map(|b| b.id.to_string()).collect();
    assert_eq!(ids, expected);
    for a in export.appointments.iter().filter(|a| a.status.occupies()) {
        let id = format!("{}/appointment/{}", export.system, a.id);
        let b = busy.iter().find(|b| b.id.as_str() == id).unwrap();
        assert_eq!((b.start, b.end), (a.slot.start, a.slot.end), "{id}");
    }
}

#[test]
fn freebusy_round_trip_keeps_busy_and_closed_time() {
    let export = scenario();
    let busy = read_ics(&export.to_freebusy().unwrap(), &window(&export)).unwrap();
    let mut expected: BTreeSet<_> = (export.appointments.iter())
        .filter(|a| a.status.occupies())
        .map(|a| (a.slot.start, a.slot.end))
        .collect();
    expected.extend(export.holds.iter().map(|h| (h.slot.start, h.slot.end)));
    expected.extend(
        (export.intervals.iter())
            .filter(|i| i.status == medsched::Status::Closed)
            .filter(|i| !matches!(i.rule, RuleKind::OutsideHours | RuleKind::Break))
            .map(|i| (i.start, i.end)),
    );
    assert_eq!(times(&busy), expected);
}

#[test]
fn fhir_round_trip_keeps_every_appointment() {
    let export = scenario();
    let bundle = serde_json::to_string(&export.to_fhir().unwrap()).unwrap();
    let found = read_fhir(&bundle, &InteropLimits::DEFAULT).unwrap();
    // Appointments, then holds as proposed (pending) appointments.
    assert_eq!(found.appointments.len(), export.appointments.len() + 1);
    for (a, got) in export.appointments.iter().zip(&found.appointments) {
        assert_eq!(got.id, a.id);
        assert_eq!(got.doctor_id, a.slot.doctor_id);
        assert_eq!(got.patient_id.as_ref(), Some(&a.patient_id));
        assert_eq!(got.location_id.as_ref(), Some(&a.slot.location_id));
        assert_eq!(
            got.appointment_type_id.as_ref(),
            Some(&a.slot.appointment_type_id)
        );
        assert_eq!((got.start, got.end), (a.slot.start, a.slot.end));
        assert_eq!(got.status, a.status, "{}", a.id);
    }
    let hold = found.appointments.last().unwrap();
    assert_eq!(
        (hold.id.as_str(), hold.status),
        ("h-1", AppointmentStatus::Pending)
    );
}

#[test]
fn fhir_statuses_follow_the_lifecycle_and_tokens() {
    let bundle = scenario().to_fhir().unwrap();
    let statuses: Vec<(String, String)> = (bundle.entry.iter())
        .filter_map(|e| match &e.resource {
            Resource::Appointment(a) => Some((
                a.id.clone().unwrap(),
                serde_json::to_value(a.status)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )),
            _ => None,
        })
        .collect();
    let expected = [
        ("a-friday", "booked"),
        ("a-arrived", "arrived"),
        ("a-consulting", "checked-in"),
        ("a-done", "fulfilled"),
        ("a-no-show", "noshow"),
        ("a-cancelled", "cancelled"),
        ("a-declined", "cancelled"),
        ("a-pending", "pending"),
        ("hold.h-1", "proposed"),
    ];
    let got: Vec<(&str, &str)> = statuses
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(got, expected);
    let slots: std::collections::HashSet<SlotStatus> = (bundle.entry.iter())
        .filter_map(|e| match &e.resource {
            Resource::Slot(s) => Some(s.status),
            _ => None,
        })
        .collect();
    for status in [
        SlotStatus::Free,
        SlotStatus::Busy,
        SlotStatus::BusyTentative,
        SlotStatus::BusyUnavailable,
    ] {
        assert!(slots.contains(&status), "{status:?}");
    }
}

#[test]
fn ids_are_stable_across_exports() {
    let a = serde_json::to_string(&scenario().to_fhir().unwrap()).unwrap();
    let mut later = scenario();
    later.now += Duration::hours(3);
    let b = later.to_fhir().unwrap();
    let ids = |bundle: &medsched_interop::fhir::Bundle| -> Vec<String> {
        (bundle.entry.iter())
            .map(|e| match &e.resource {
                Resource::Schedule(s) => s.id.clone().unwrap(),
                Resource::Slot(s) => s.id.clone().unwrap(),
                Resource::Appointment(s) => s.id.clone().unwrap(),
            })
            .collect()
    };
    let first: medsched_interop::fhir::Bundle = serde_json::from_str(&a).unwrap();
    assert_eq!(ids(&first), ids(&b));
    let unique: BTreeSet<_> = ids(&b).into_iter().collect();
    assert_eq!(unique.len(), b.entry.len());
}

fn ics(events: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{events}END:VCALENDAR\r\n")
}

fn london_march() -> IcsRead {
    IcsRead::new(
        t("2026-03-23T00:00:00Z"),
        t("2026-04-06T00:00:00Z"),
        chrono_tz::Europe::London,
    )
}

#[test]
fn weekly_rule_stays_at_local_time_across_dst_with_exdate_and_override() {
    let text = ics(
        "BEGIN:VEVENT\r\nUID:ward\r\nDTSTART;TZID=Europe/London:20260323T140000\r\n\
         DTEND;TZID=Europe/London:20260323T150000\r\nRRULE:FREQ=DAILY;COUNT=14\r\n\
         EXDATE;TZID=Europe/London:20260325T140000,20260326T140000\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:ward\r\nRECURRENCE-ID;TZID=Europe/London:20260330T140000\r\n\
         DTSTART;TZID=Europe/London:20260330T160000\r\nDURATION:PT30M\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:ward\r\nRECURRENCE-ID;TZID=Europe/London:20260331T140000\r\n\
         DTSTART;TZID=Europe/London:20260331T140000\r\nDTEND;TZID=Europe/London:20260331T150000\r\n\
         STATUS:CANCELLED\r\nEND:VEVENT\r\n",
    );
    let busy = read_ics(&text, &london_march()).unwrap();
    let ids: Vec<&str> = busy.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(busy.len(), 14 - 2 - 1, "{ids:?}");
    // Before BST 14:00 is 14:00 UTC, after it 13:00 UTC.
    assert_eq!(busy[0].start, t("2026-03-23T14:00:00Z"));
    let sunday = busy
        .iter()
        .find(|b| b.id.as_str() == "ward/20260329T130000Z")
        .unwrap();
    assert_eq!(sunday.end, t("2026-03-29T14:00:00Z"));
    let moved = busy
        .iter()
        .find(|b| b.id.as_str() == "ward/20260330T130000Z")
        .unwrap();
    assert_eq!(
        (moved.start, moved.end),
        (t("2026-03-30T15:00:00Z"), t("2026-03-30T15:30:00Z"))
    );
    assert!(!ids.contains(&"ward/20260325T140000Z"));
    assert!(!ids.contains(&"ward/20260331T130000Z"));
}

#[test]
fn dst_gap_and_overlap_follow_rfc_5545() {
    let gap = ics(
        "BEGIN:VEVENT\r\nUID:gap\r\nDTSTART;TZID=Europe/London:20260329T013000\r\n\
         DURATION:PT1H\r\nEND:VEVENT\r\n",
    );
    let busy = read_ics(&gap, &london_march()).unwrap();
    // 01:30 does not exist: read with the offset before the gap (GMT), i.e. 02:30 BST.
    assert_eq!(busy[0].start, t("2026-03-29T01:30:00Z"));
    let autumn = IcsRead::new(
        t("2026-10-20T00:00:00Z"),
        t("2026-11-01T00:00:00Z"),
        chrono_tz::Europe::London,
    );
    let overlap = ics(
        "BEGIN:VEVENT\r\nUID:twice\r\nDTSTART;TZID=Europe/London:20261025T013000\r\n\
         DURATION:PT30M\r\nEND:VEVENT\r\n",
    );
    let busy = read_ics(&overlap, &autumn).unwrap();
    // 01:30 happens twice: the first, in BST.
    assert_eq!(busy[0].start, t("2026-10-25T00:30:00Z"));
}

#[test]
fn all_day_and_floating_events_are_in_the_readers_zone() {
    let text = ics(
        "BEGIN:VEVENT\r\nUID:leave\r\nDTSTART;VALUE=DATE:20260327\r\n\
         DTEND;VALUE=DATE:20260331\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:float\r\n\
         DTSTART:20260401T090000\r\nDTEND:20260401T100000\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:free\r\nDTSTART:20260401T090000Z\r\nDURATION:PT1H\r\n\
         TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n",
    );
    let busy = read_ics(&text, &london_march()).unwrap();
    assert_eq!(busy.len(), 2);
    // Friday 00:00 GMT to Tuesday 00:00 BST: 95 hours, the night of the change is short.
    assert_eq!(
        (busy[0].start, busy[0].end),
        (t("2026-03-27T00:00:00Z"), t("2026-03-30T23:00:00Z"))
    );
    assert_eq!(busy[1].start, t("2026-04-01T08:00:00Z"));
}

#[test]
fn refusals_name_the_line_and_property() {
    let cases = [
        (
            "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:2026-03-24\r\nEND:VEVENT\r\n",
            "line 6 DTSTART",
        ),
        (
            "BEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=Mars/Olympus:20260324T090000\r\nEND:VEVENT\r\n",
            "line 6 DTSTART;TZID",
        ),
        (
            "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260324T090000Z\r\nRRULE:FREQ=SOMETIMES\r\nEND:VEVENT\r\n",
            "line 7 RRULE",
        ),
        (
            "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260324T090000Z\r\nRRULE:FREQ=WEEKLY;BYDAY=Rë\r\nEND:VEVENT\r\n",
            "line 7 RRULE",
        ),
        (
            "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260324T090000Z\r\n\
             DTEND:20260324T080000Z\r\nEND:VEVENT\r\n",
            "line 7 DTEND",
        ),
        (
            "BEGIN:VEVENT\r\nUID:x\r\nDURATION:PT1H\r\nEND:VEVENT\r\n",
            "line 5 VEVENT",
        ),
        (
            "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260324T090000Z\r\nDURATION:1 hour\r\nEND:VEVENT\r\n",
            "line 7 DURATION",
        ),
        (
            "BEGIN:VFREEBUSY\r\nFREEBUSY:20260324T090000Z\r\nEND:VFREEBUSY\r\n",
            "line 5 FREEBUSY",
        ),
        (
            "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:19000101T090000Z\r\nDURATION:PT1M\r\n\
             RRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\n",
            "line 8 RRULE",
        ),
    ];
    for (events, field) in cases {
        let err = read_ics(&ics(events), &london_march()).unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{events}");
        assert_eq!(err.field(), Some(field), "{events}: {err}");
    }
    // Folded lines count as the line they start on.
    let folded =
        ics("BEGIN:VEVENT\r\nUID:a very\r\n  long uid\r\nDTSTART:2026\r\n 03-24\r\nEND:VEVENT\r\n");
    let err = read_ics(&folded, &london_march()).unwrap_err();
    assert_eq!(err.field(), Some("line 7 DTSTART"), "{err}");
    let err = read_ics("BEGIN:VCALENDAR\r\nBEGIN:", &london_march()).unwrap_err();
    assert_eq!(err.field(), Some("ics"));
}

#[test]
fn bounds_are_refused_not_expanded() {
    let daily = ics(
        "BEGIN:VEVENT\r\nUID:d\r\nDTSTART:20260301T090000Z\r\nDURATION:PT1H\r\n\
         RRULE:FREQ=HOURLY\r\nEND:VEVENT\r\n",
    );
    let mut small = london_march();
    small.limits.max_occurrences = 10;
    let err = read_ics(&daily, &small).unwrap_err();
    assert_eq!(err.field(), Some("line 8 RRULE"), "{err}");
    small.limits.max_bytes = 10;
    assert_eq!(read_ics(&daily, &small).unwrap_err().field(), Some("ics"));
    let bundle = json!({"resourceType": "Bundle", "type": "collection",
        "entry": [{"resource": {"resourceType": "Schedule", "actor": []}}, {"resource": {"resourceType": "Schedule", "actor": []}}]});
    let limits = InteropLimits {
        max_components: 1,
        ..InteropLimits::DEFAULT
    };
    let err = read_fhir(&bundle.to_string(), &limits).unwrap_err();
    assert_eq!(err.field(), Some("entry"));
}

#[test]
fn fhir_refusals_name_the_json_path() {
    let slot = |status: &str, start: &str| {
        json!({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {
            "resourceType": "Slot", "id": "s", "schedule": {"reference": "Schedule/x"},
            "status": status, "start": start, "end": "2026-03-24T10:00:00Z"}}]})
        .to_string()
    };
    let cases = [
        (slot("maybe", "2026-03-24T09:00:00Z"), "entry[0].resource.status"),
        (slot("busy", "yesterday"), "entry[0].resource.start"),
        (slot("busy", "2026-03-24T11:00:00Z"), "entry[0].resource.end"),
        ("{".to_owned(), "fhir"),
        (
            json!({"resourceType": "Appointment", "id": "a", "status": "booked",
                "start": "2026-03-24T09:00:00Z", "end": "2026-03-24T10:00:00Z",
                "participant": [{"actor": {"reference": "Patient/p"}, "status": "accepted"}]})
            .to_string(),
            "participant",
        ),
        (
            json!({"resourceType": "Appointment", "id": "a", "status": "booked", "participant": []})
                .to_string(),
            "start",
        ),
    ];
    for (text, field) in cases {
        let err = read_fhir(&text, &InteropLimits::DEFAULT).unwrap_err();
        assert_eq!(err.field(), Some(field), "{text}: {err}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random calendars: any appointments the core could give survive both formats, and
    /// nothing panics on random text.
    #[test]
    fn random_days_round_trip(
        offsets in proptest::collection::vec((0i64..(5 * 24 * 4), 1i64..9), 0..12),
        zone in prop::sample::select(vec!["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]),
    ) {
        let mut export = scenario();
        export.time_zone = zone.parse().unwrap();
        let template = export.appointments[0].clone();
        export.appointments.clear();
        for (i, (quarter, length)) in offsets.iter().enumerate() {
            let mut a = template.clone();
            a.id = format!("r{i}").into();
            a.slot.start = export.start + Duration::minutes(quarter * 15);
            a.slot.end = a.slot.start + Duration::minutes(length * 15);
            export.appointments.push(a);
        }
        let busy = read_ics(&export.to_ics().unwrap(), &window(&export)).unwrap();
        let expected: BTreeSet<_> = export.appointments.iter().map(|a| (a.slot.start, a.slot.end))
            .chain(export.holds.iter().map(|h| (h.slot.start, h.slot.end)))
            .filter(|(s, _)| *s < export.end)
            .collect();
        prop_assert_eq!(times(&busy), expected);
        let bundle = serde_json::to_string(&export.to_fhir().unwrap()).unwrap();
        let found = read_fhir(&bundle, &InteropLimits::DEFAULT).unwrap();
        prop_assert_eq!(found.appointments.len(), export.appointments.len() + 1);
    }

    #[test]
    fn random_text_never_panics(text in "(BEGIN:VEVENT\r\n|DTSTART[;:A-Z=/_0-9]{0,30}\r\n|RRULE:[A-Z=;0-9,-]{0,30}\r\n|EXDATE:[0-9TZ,]{0,20}\r\n|END:VEVENT\r\n|[ -~]{0,12}\r\n){0,12}") {
        let _ = read_ics(&ics(&text), &london_march());
        let _ = read_fhir(&text, &InteropLimits::DEFAULT);
    }
}
