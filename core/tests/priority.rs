//! The priority chain, pair by pair: for every two rule kinds covering the same instant, the
//! higher one decides and the lower one is reported as overruled.

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use medsched::{
    Availability, Clinic, ClinicRules, DateOverride, DoctorCalendar, Holiday, Hours, Leave,
    LeaveStatus, Location, OverrideKind, RuleKind, Session, Status, Unavailability, WeeklyTemplate,
};

const TIERS: [RuleKind; 6] = [
    RuleKind::ForcedBlock,
    RuleKind::Emergency,
    RuleKind::Leave,
    RuleKind::Holiday,
    RuleKind::Override,
    RuleKind::Base,
];

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

fn clinic(holiday: bool) -> ClinicRules {
    let mut locations = vec![
        Location::new("a", "A", "UTC"),
        Location::new("b", "B", "Asia/Kolkata"),
    ];
    locations[0]
        .rooms
        .push(medsched::Room::new("ra", "Room A", 1));
    ClinicRules::new(&Clinic {
        locations,
        holidays: if holiday {
            vec![Holiday::on("festival", "Festival", monday())]
        } else {
            vec![]
        },
    })
    .unwrap()
}

fn base(id: &str, location: &str, start: &str, end: &str) -> WeeklyTemplate {
    WeeklyTemplate {
        weekdays: vec![Weekday::Mon],
        sessions: vec![Session::new(start, end).unwrap()],
        ..WeeklyTemplate::new(id, location)
    }
}

fn unavailability(id: &str, start: &str, end: &str) -> Unavailability {
    Unavailability {
        id: id.into(),
        start: t(start),
        end: t(end),
        reason: String::new(),
    }
}

/// A doctor at location `a` (UTC) with the rules of `kinds` all covering Monday 10:00 UTC.
fn doctor_with(kinds: &[RuleKind]) -> Availability {
    let mut cal = DoctorCalendar::new("dr");
    for kind in kinds {
        match kind {
            RuleKind::Base => cal.templates.push(base("base", "a", "09:00", "17:00")),
            RuleKind::Override => cal.overrides.push(DateOverride {
                id: "override".into(),
                date: monday(),
                location_id: "a".into(),
                room_id: None,
                kind: OverrideKind::Block,
                hours: vec![Hours::new("09:00", "12:00").unwrap()],
                settings: None,
            }),
            RuleKind::Leave => cal.leaves.push(Leave {
                id: "leave".into(),
                status: LeaveStatus::Approved,
                first: monday(),
                last: monday(),
                start_time: None,
                end_time: None,
                reason: String::new(),
            }),
            RuleKind::Emergency => cal.emergencies.push(unavailability(
                "emergency",
                "2026-03-02T09:30:00Z",
                "2026-03-02T10:30:00Z",
            )),
            RuleKind::ForcedBlock => cal.forced_blocks.push(unavailability(
                "forced_block",
                "2026-03-02T09:45:00Z",
                "2026-03-02T10:15:00Z",
            )),
            RuleKind::Holiday | RuleKind::Break | RuleKind::OutsideHours => {}
        }
    }
    Availability::new(&clinic(kinds.contains(&RuleKind::Holiday)), &cal).unwrap()
}

fn id_of(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::ForcedBlock => "forced_block",
        RuleKind::Emergency => "emergency",
        RuleKind::Leave => "leave",
        RuleKind::Holiday => "festival",
        RuleKind::Override => "override",
        RuleKind::Base => "base",
        RuleKind::Break | RuleKind::OutsideHours => unreachable!(),
    }
}

#[test]
fn every_pair_of_priorities() {
    let mut pairs = 0;
    for (i, &high) in TIERS.iter().enumerate() {
        for &low in &TIERS[i + 1..] {
            let doctor = doctor_with(&[low, high]);
            let why = doctor.explain(t("2026-03-02T10:00:00Z")).unwrap();
            assert_eq!(why.rule, high, "{high:?} over {low:?}");
            assert_eq!(why.rule_id.as_ref().unwrap().as_str(), id_of(high));
            assert_eq!(
                why.status,
                if high == RuleKind::Base {
                    Status::Open
                } else {
                    Status::Closed
                }
            );
            assert!(
                why.overruled
                    .iter()
                    .any(|r| r.kind == low && r.id.as_str() == id_of(low)),
                "{high:?} over {low:?}: {:?}",
                why.overruled
            );
            pairs += 1;
        }
    }
    assert_eq!(pairs, 15);
}

#[test]
fn each_rule_alone_decides_and_nothing_is_outside_hours() {
    for kind in TIERS {
        let why = doctor_with(&[kind])
            .explain(t("2026-03-02T10:00:00Z"))
            .unwrap();
        assert_eq!(why.rule, kind);
        assert!(why.overruled.is_empty());
    }
    let why = doctor_with(&[]).explain(t("2026-03-02T10:00:00Z")).unwrap();
    assert_eq!(
        (why.status, why.rule, why.rule_id),
        (Status::Closed, RuleKind::OutsideHours, None)
    );
}

#[test]
fn extra_override_hours_beat_the_base_schedule_and_block_beats_extra() {
    let mut cal = DoctorCalendar::new("dr");
    cal.templates.push(WeeklyTemplate {
        room_id: Some("ra".into()),
        ..base("base", "a", "09:00", "17:00")
    });
    let over = |id: &str, kind, start, end| DateOverride {
        id: id.into(),
        date: monday(),
        location_id: "a".into(),
        room_id: None,
        kind,
        hours: vec![Hours::new(start, end).unwrap()],
        settings: None,
    };
    cal.overrides
        .push(over("extra", OverrideKind::Extra, "08:00", "10:00"));
    cal.overrides
        .push(over("block", OverrideKind::Block, "09:30", "11:00"));
    let doctor = Availability::new(&clinic(false), &cal).unwrap();
    let at = |s: &str| doctor.explain(t(s)).unwrap();
    let early = at("2026-03-02T08:30:00Z");
    assert_eq!(
        (early.status, early.rule, early.room_id),
        (Status::Open, RuleKind::Override, None)
    );
    let both = at("2026-03-02T09:15:00Z");
    assert_eq!(
        (both.rule, both.rule_id.unwrap().as_str()),
        (RuleKind::Override, "extra")
    );
    assert_eq!(both.overruled[0].id.as_str(), "base");
    let blocked = at("2026-03-02T09:45:00Z");
    assert_eq!(
        (blocked.status, blocked.rule_id.unwrap().as_str()),
        (Status::Closed, "block")
    );
    let later = at("2026-03-02T11:30:00Z");
    assert_eq!(
        (later.status, later.rule, later.room_id.unwrap().as_str()),
        (Status::Open, RuleKind::Base, "ra")
    );
}

#[test]
fn a_location_holiday_closes_only_sessions_at_that_location() {
    let mut cal = DoctorCalendar::new("dr");
    // Morning at A (UTC), evening at B (Kolkata, 17:00-19:00 local = 11:30-13:30 UTC).
    cal.templates.push(base("at-a", "a", "08:00", "10:00"));
    cal.templates.push(base("at-b", "b", "17:00", "19:00"));
    let clinic = ClinicRules::new(&Clinic {
        locations: vec![
            Location::new("a", "A", "UTC"),
            Location::new("b", "B", "Asia/Kolkata"),
        ],
        holidays: vec![Holiday {
            location_id: Some("a".into()),
            ..Holiday::on("a-day", "A day", monday())
        }],
    })
    .unwrap();
    let doctor = Availability::new(&clinic, &cal).unwrap();
    let morning = doctor.explain(t("2026-03-02T09:00:00Z")).unwrap();
    assert_eq!(
        (morning.status, morning.rule),
        (Status::Closed, RuleKind::Holiday)
    );
    let evening = doctor.explain(t("2026-03-02T12:00:00Z")).unwrap();
    assert_eq!(
        (evening.status, evening.rule),
        (Status::Open, RuleKind::Base)
    );
    assert_eq!(evening.location_id.unwrap().as_str(), "b");
    assert!(
        evening.overruled.is_empty(),
        "A's holiday does not concern B's session"
    );
}

#[test]
fn replacing_a_day_at_one_location_keeps_the_other_location() {
    let mut cal = DoctorCalendar::new("dr");
    cal.templates.push(base("at-a", "a", "08:00", "10:00"));
    cal.templates.push(base("at-b", "b", "17:00", "19:00"));
    cal.overrides.push(DateOverride {
        id: "a-off".into(),
        date: monday(),
        location_id: "a".into(),
        room_id: None,
        kind: OverrideKind::Replace,
        hours: vec![],
        settings: None,
    });
    let doctor = Availability::new(&clinic(false), &cal).unwrap();
    let timeline = doctor
        .resolve(t("2026-03-02T00:00:00Z"), t("2026-03-03T00:00:00Z"))
        .unwrap();
    let open: Vec<_> = timeline
        .iter()
        .filter(|i| i.status == Status::Open)
        .collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].rule_id.as_ref().unwrap().as_str(), "at-b");
    assert_eq!(open[0].start, t("2026-03-02T11:30:00Z"));
    assert!(
        timeline
            .iter()
            .any(|i| i.rule == RuleKind::Override && i.start == t("2026-03-02T08:00:00Z"))
    );
}

#[test]
fn requested_leave_warns_without_closing_and_rejected_leave_is_ignored() {
    let mut cal = DoctorCalendar::new("dr");
    cal.templates.push(base("base", "a", "09:00", "17:00"));
    for (id, status) in [
        ("asked", LeaveStatus::Requested),
        ("no", LeaveStatus::Rejected),
        ("gone", LeaveStatus::Cancelled),
    ] {
        cal.leaves.push(Leave {
            id: id.into(),
            status,
            first: monday(),
            last: monday(),
            start_time: None,
            end_time: None,
            reason: String::new(),
        });
    }
    let doctor = Availability::new(&clinic(false), &cal).unwrap();
    let why = doctor.explain(t("2026-03-02T10:00:00Z")).unwrap();
    assert_eq!(why.status, Status::Open);
    assert_eq!(why.tentative_leave_id.unwrap().as_str(), "asked");
    assert!(why.overruled.is_empty());
}

#[test]
fn two_templates_at_once_are_refused_naming_the_day() {
    let mut cal = DoctorCalendar::new("dr");
    cal.templates.push(base("first", "a", "09:00", "12:00"));
    cal.templates.push(WeeklyTemplate {
        weekdays: vec![Weekday::Mon, Weekday::Wed],
        ..base("second", "a", "11:00", "13:00")
    });
    let err = Availability::new(&clinic(false), &cal).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid templates[1].sessions[0].start = \"11:00:00\": overlaps templates[0].sessions[0] on Mondays"
    );
    // At another location in another zone the same wall-clock hours are not compared.
    cal.templates[1].location_id = "b".into();
    assert!(Availability::new(&clinic(false), &cal).is_ok());
}
