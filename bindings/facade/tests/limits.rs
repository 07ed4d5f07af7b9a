//! Limits raised from JSON, as every binding passes them: what the defaults refuse goes
//! through.

use medsched::booking::Schedule;
use medsched::{Clinic, ClinicRules, Problem};
use medsched_facade::json;

/// A clinic with `n` yearly recurring holidays (`rrule`s), JSON as a host sends it.
fn clinic_with_recurring_holidays(n: usize) -> Clinic {
    let holidays: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id": "h{i}", "first": "2026-01-{:02}", "last": "2026-01-{:02}",
                    "rrule": "FREQ=YEARLY"}}"#,
                i % 28 + 1,
                i % 28 + 1
            )
        })
        .collect();
    let text = format!(
        r#"{{"locations": [{{"id": "main", "name": "Main", "time_zone": "UTC"}}],
            "holidays": [{}]}}"#,
        holidays.join(",")
    );
    json::parse("clinic", &text).unwrap()
}

#[test]
fn raised_limits_let_through_what_the_defaults_refuse() {
    let clinic = clinic_with_recurring_holidays(33);
    let defaults = json::limits(None).unwrap();
    let refused = ClinicRules::with_limits(&clinic, &defaults).unwrap_err();
    assert_eq!(refused.field(), Some("holidays[].rrule"));
    assert_eq!(refused.value(), Some("33 entries"));
    assert_eq!(refused.problem().map(Problem::code), Some("out_of_range"));
    let refused = Schedule::with_limits("clinic-1", &clinic, &[], &[], &defaults).unwrap_err();
    assert_eq!(refused.value(), Some("33 entries"));

    let roomy = json::limits(Some(r#"{"max_recurrence_rules": 40}"#)).unwrap();
    assert_eq!(roomy.max_recurrence_rules, 40);
    assert_eq!(roomy.max_slots, medsched::Limits::DEFAULT.max_slots);
    let rules = ClinicRules::with_limits(&clinic, &roomy).unwrap();
    assert_eq!(rules.limits(), &roomy);
    let schedule = Schedule::with_limits("clinic-1", &clinic, &[], &[], &roomy).unwrap();
    assert_eq!(schedule.clinic().limits(), &roomy);
}

#[test]
fn limits_json_is_refused_with_its_field() {
    let unknown = json::limits(Some(r#"{"max_slot": 5}"#)).unwrap_err();
    assert_eq!(unknown.field(), Some("limits.max_slot"));
    assert!(unknown.to_string().contains("unknown field"), "{unknown}");
    let negative = json::limits(Some(r#"{"max_templates": -3}"#)).unwrap_err();
    assert_eq!(negative.field(), Some("limits.max_templates"));
    assert_eq!(negative.value(), Some("-3"));
}
