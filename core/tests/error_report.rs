//! The error report: every kind of error gives its code, message, retry safety and its
//! own fields (and no others), reads back from JSON, and a storage error keeps the host's
//! error for a binding to raise again.

use chrono::{DateTime, Utc};
use medsched::{Error, ErrorReport, PolicyRule, Problem, RuleKind, Unavailable};
use serde_json::{Value, json};

fn keys(report: &ErrorReport) -> Vec<String> {
    let Value::Object(map) = serde_json::to_value(report).unwrap() else {
        panic!("a report is an object");
    };
    let mut keys: Vec<String> = map.keys().cloned().collect();
    keys.sort();
    keys
}

fn start() -> DateTime<Utc> {
    "2026-03-02T09:00:00Z".parse().unwrap()
}

#[test]
fn each_kind_reports_its_own_fields_and_no_others() {
    let cases = [
        (
            Error::InvalidInput {
                field: "templates[0].sessions[1].end".into(),
                value: "25:00".into(),
                problem: Problem::Malformed("a time of day HH:MM".into()),
            },
            vec!["field", "problem", "problem_message", "value"],
        ),
        (
            Error::NotFound {
                kind: "appointment",
                id: "a-9".into(),
            },
            vec!["id", "kind"],
        ),
        (
            Error::SlotUnavailable {
                doctor_id: "dr-a".into(),
                start: start(),
                reason: Unavailable::Closed {
                    rule: RuleKind::Leave,
                    rule_id: Some("annual".into()),
                },
            },
            vec!["doctor_id", "reason", "start"],
        ),
        (
            Error::InvalidTransition {
                kind: "appointment",
                id: "a-1".into(),
                from: "cancelled",
                action: "complete",
            },
            vec!["action", "from", "id", "kind"],
        ),
        (
            Error::PolicyViolation {
                id: "a-1".into(),
                action: "reschedule",
                rule: PolicyRule::RescheduleLimit { max: 2 },
            },
            vec!["action", "id", "rule", "rule_message"],
        ),
        (
            Error::Conflict {
                stream: "clinic-1/2026-03-02".into(),
                expected: 3,
                actual: 4,
            },
            vec!["actual", "expected", "stream"],
        ),
        (Error::storage("disk full"), vec!["storage_message"]),
    ];
    for (error, own) in cases {
        let report = error.report();
        assert_eq!(report.code, error.code());
        assert_eq!(report.message, error.to_string());
        assert_eq!(report.retry_safe, error.is_conflict(), "{error}");
        let mut expected: Vec<String> = ["code", "message", "retry_safe"]
            .into_iter()
            .chain(own)
            .map(String::from)
            .collect();
        expected.sort();
        assert_eq!(keys(&report), expected, "{error}");
        let json = serde_json::to_string(&report).unwrap();
        assert_eq!(serde_json::from_str::<ErrorReport>(&json).unwrap(), report);
    }
}

#[test]
fn a_report_carries_the_values_a_host_shows() {
    let error = Error::PolicyViolation {
        id: "a-1".into(),
        action: "reschedule",
        rule: PolicyRule::RescheduleLimit { max: 2 },
    };
    assert_eq!(
        serde_json::to_value(error.report()).unwrap(),
        json!({
            "code": "policy_violation",
            "message": "cannot reschedule \"a-1\": already rescheduled 2 times, the most allowed",
            "retry_safe": false,
            "id": "a-1",
            "action": "reschedule",
            "rule": "reschedule_limit",
            "rule_message": "already rescheduled 2 times, the most allowed",
        })
    );
    let slot = Error::SlotUnavailable {
        doctor_id: "dr-a".into(),
        start: start(),
        reason: Unavailable::Held,
    };
    let json = serde_json::to_value(slot.report()).unwrap();
    assert_eq!(json["start"], "2026-03-02T09:00:00Z");
    assert_eq!(json["reason"], json!({ "code": "held" }));
}

#[test]
fn a_storage_error_keeps_the_host_error_whole() {
    let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "server closed");
    let error = Error::from_host("postgres", io);
    let report = error.report();
    assert_eq!(report.storage_kind.as_deref(), Some("postgres"));
    assert_eq!(report.storage_message.as_deref(), Some("server closed"));
    assert!(
        !report.retry_safe,
        "a write may have landed: the host must look first"
    );
    let source = std::error::Error::source(&error).expect("the host's error is the source");
    let io = source
        .downcast_ref::<medsched::HostError>()
        .and_then(|host| host.get().downcast_ref::<std::io::Error>())
        .expect("the original error, downcast");
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionReset);
    let copy = error.clone();
    assert_eq!(copy, error, "a clone is the same error");
    assert_ne!(
        Error::from_host("postgres", std::io::Error::other("x")),
        Error::from_host("postgres", std::io::Error::other("x")),
        "two host errors are equal only when they are the same error"
    );
}

fn every_problem() -> [Problem; 13] {
    [
        Problem::EndNotAfterStart,
        Problem::NotPositive,
        Problem::UnknownTimeZone,
        Problem::UnknownReference,
        Problem::DuplicateId,
        Problem::Overlap("session 09:00-13:00".into()),
        Problem::BreakOutsideSession,
        Problem::InvalidRecurrence("FREQ=SOMETIMES".into()),
        Problem::Missing("rrule or until".into()),
        Problem::Conflicting("stream clinic-1/2026-03-02".into()),
        Problem::Malformed("a time of day HH:MM".into()),
        Problem::OutOfRange("at most 1100 days".into()),
        Problem::NotSlotStart,
    ]
}

#[test]
fn every_problem_reads_back_from_its_code_and_message() {
    for problem in every_problem() {
        let back = Problem::from_code(problem.code(), &problem.to_string());
        assert_eq!(back, problem);
    }
    assert_eq!(
        Problem::from_code("no_such_code", "odd"),
        Problem::Malformed("odd".into())
    );
}

/// docs/MOBILE.md lists the codes exactly as the core defines them: every error code and
/// every problem code, and says how many there are.
#[test]
fn the_mobile_docs_list_every_code() {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/MOBILE.md")).unwrap();
    let errors = [
        Error::invalid_input("f", "v", Problem::NotPositive),
        Error::NotFound {
            kind: "hold",
            id: "h".into(),
        },
        Error::SlotUnavailable {
            doctor_id: "dr-a".into(),
            start: start(),
            reason: Unavailable::Booked,
        },
        Error::InvalidTransition {
            kind: "hold",
            id: "h".into(),
            from: "expired",
            action: "book",
        },
        Error::PolicyViolation {
            id: "a".into(),
            action: "cancel",
            rule: PolicyRule::StaffOnly,
        },
        Error::Conflict {
            stream: "s".into(),
            expected: 1,
            actual: 2,
        },
        Error::RateLimited {
            key_kind: medsched::rate_limit::KeyKind::Phone,
            retry_after_ms: 1,
            retry_at: start(),
        },
        Error::storage("disk full"),
    ];
    for error in &errors {
        assert!(
            docs.contains(&format!("| `{}`", error.code())),
            "{}",
            error.code()
        );
    }
    assert!(docs.contains("the eight codes"));
    for problem in every_problem() {
        assert!(
            docs.contains(&format!("`{}`", problem.code())),
            "{}",
            problem.code()
        );
    }
    assert!(docs.contains("thirteen codes of `medsched::Problem::code`"));
}
