//! Property tests: `Availability::resolve` and `Availability::explain` against an independent
//! minute-by-minute oracle, and malformed input never panics.

mod oracle;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc, Weekday};
use medsched::{
    Alignment, Availability, ClinicRules, ConsultationMode, Hours, Id, Interval, ModeCapacity,
    OverrideKind, ResolveOptions, Session, SlotOptions, Status, first_available,
};
use oracle::config;
use oracle::{
    DAY, Decision, Oracle, Scenario, SlotScenario, ZoneLine, add_days, at, date_of, minute_of,
    naive, zone,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

fn check_resolution(sc: &Scenario) -> Result<(), TestCaseError> {
    let clinic = ClinicRules::new(&sc.clinic)
        .map_err(|e| TestCaseError::fail(format!("valid clinic refused: {e}")))?;
    let availability = Availability::new(&clinic, &sc.calendar)
        .map_err(|e| TestCaseError::fail(format!("valid calendar refused: {e}")))?;
    let intervals = availability
        .resolve(sc.start, sc.end)
        .map_err(|e| TestCaseError::fail(format!("valid range refused: {e}")))?;
    let (from, to) = (minute_of(sc.start), minute_of(sc.end));
    let oracle = Oracle::new(&sc.clinic, &sc.calendar, from, to);

    // Shape: consecutive, non-empty, covering the range exactly, merged.
    prop_assert!(!intervals.is_empty());
    prop_assert_eq!(intervals[0].start, sc.start);
    prop_assert_eq!(intervals[intervals.len() - 1].end, sc.end);
    for pair in intervals.windows(2) {
        prop_assert_eq!(pair[0].end, pair[1].start, "gap or overlap: {:?}", pair);
        prop_assert!(
            Decision::of_interval(&pair[0]) != Decision::of_interval(&pair[1]),
            "adjacent intervals with one decision: {:?}",
            pair
        );
    }
    for i in &intervals {
        prop_assert!(i.start < i.end, "empty interval {:?}", i);
        prop_assert_eq!(
            i.start.timestamp() % 60,
            0,
            "boundary off the minute: {:?}",
            i
        );
        prop_assert_eq!(
            i.end.timestamp() % 60,
            0,
            "boundary off the minute: {:?}",
            i
        );
    }

    // Every minute agrees with the oracle.
    let mut open_minutes: Vec<bool> = Vec::new();
    for i in &intervals {
        let got = Decision::of_interval(i);
        for m in minute_of(i.start)..minute_of(i.end) {
            let want = oracle.decide(m).decision;
            open_minutes.push(want.status == Status::Open);
            prop_assert_eq!(
                &got,
                &want,
                "resolve disagrees at {} (interval {} .. {})",
                at(m),
                i.start,
                i.end
            );
        }
    }

    // Merged on request: the open intervals are the maximal runs of minutes the oracle says
    // are open, and the closed intervals are those of `resolve`.
    let merged = availability
        .resolve_with(sc.start, sc.end, ResolveOptions { merge_open: true })
        .map_err(|e| TestCaseError::fail(format!("valid range refused: {e}")))?;
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for (k, &open) in open_minutes.iter().enumerate() {
        let m = from + k as i64;
        match runs.last_mut() {
            Some(run) if open && run.1 == m => run.1 = m + 1,
            _ if open => runs.push((m, m + 1)),
            _ => {}
        }
    }
    let spans = |list: &[Interval], status: Status| -> Vec<(i64, i64)> {
        (list.iter().filter(|i| i.status == status))
            .map(|i| (minute_of(i.start), minute_of(i.end)))
            .collect()
    };
    prop_assert_eq!(spans(&merged, Status::Open), runs, "merged open intervals");
    prop_assert_eq!(
        spans(&merged, Status::Closed),
        spans(&intervals, Status::Closed),
        "merging touches closed intervals"
    );

    // explain agrees at every boundary, at the last second of every interval, and on a
    // sample of minutes.
    let mut probes: Vec<DateTime<Utc>> = Vec::new();
    for i in &intervals {
        probes.push(i.start);
        probes.push(i.end - TimeDelta::seconds(1));
    }
    probes.extend((from..to).step_by(97).map(at));
    for t in probes {
        let e = availability
            .explain(t)
            .map_err(|e| TestCaseError::fail(format!("explain refused {t}: {e}")))?;
        let want = oracle.decide(t.timestamp().div_euclid(60)).decision;
        prop_assert_eq!(
            Decision::of_explanation(&e),
            want,
            "explain disagrees at {}",
            t
        );
        prop_assert_eq!(e.instant, t);
    }

    // resolve_dates at the first location: the same as resolve over the instants at which
    // the wall clock there first shows `first` 00:00 and the end of `last`: its midnight, or
    // the end of its sessions running past it (the last date's night is whole).
    let location = &sc.clinic.locations[0];
    let line = ZoneLine::new(zone(&location.time_zone), from - 3 * DAY, to + 2 * DAY);
    let first = date_of(line.max_local(from));
    let last = add_days(first, (to - from) / DAY);
    let (s, e) = (
        line.reached(naive(first, 0)),
        line.reached(naive(last, oracle.last_end(0, last))),
    );
    match availability.resolve_dates(location.id.as_str(), first, last) {
        Ok(by_dates) => {
            prop_assert!(
                s < e,
                "resolve_dates of {} .. {}: no such time",
                first,
                last
            );
            let by_instants = availability.resolve(at(s), at(e)).unwrap();
            prop_assert_eq!(by_dates, by_instants, "resolve_dates {} .. {}", first, last);
        }
        Err(err) => {
            prop_assert_eq!(err.code(), "invalid_input");
            prop_assert!(
                s == e,
                "resolve_dates {} .. {} refused: {}",
                first,
                last,
                err
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    /// resolve and explain decide every minute as the oracle does.
    #[test]
    fn resolve_and_explain_match_the_oracle(sc in oracle::arb_scenario(24 * 60, 3 * 24 * 60)) {
        check_resolution(&sc)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed input: a valid scenario with random breakages applied.
// ---------------------------------------------------------------------------------------------

const HUGE: [u32; 12] = [
    0,
    1,
    1439,
    1440,
    1441,
    100_000,
    1_584_000,
    1_584_001,
    95_000_000,
    1_000_000_000,
    u32::MAX - 1,
    u32::MAX,
];

const BAD_ZONES: [&str; 10] = [
    "Mars/Olympus_Mons",
    "",
    "utc",
    "UTC",
    "Etc/GMT+12",
    "Etc/GMT-14",
    "America/New_York ",
    "../../etc/passwd",
    "Pacific/Kiritimati",
    "America/St_Johns",
];

const RRULES: [&str; 20] = [
    "FREQ=HOURLY",
    "FREQ=MINUTELY",
    "FREQ=SECONDLY;INTERVAL=86400",
    "garbage",
    "",
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=YEARLY;BYMONTH=13",
    "FREQ=WEEKLY;BYDAY=XX",
    "FREQ=DAILY;COUNT=0",
    "FREQ=DAILY;UNTIL=19000101T000000Z",
    "FREQ=DAILY;UNTIL=22500101",
    "RRULE:FREQ=MONTHLY;BYDAY=1SA",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=YEARLY;BYYEARDAY=366",
    "FREQ=DAILY;BYSETPOS=1",
    "FREQ=WEEKLY;INTERVAL=65535",
    "FREQ=DAILY;COUNT=4294967295",
    "DTSTART:20240101\nRRULE:FREQ=DAILY",
    "FREQ=DAILY;BYHOUR=25",
    "FREQ=DAILY",
];

fn extreme_date(k: u32, near: NaiveDate) -> NaiveDate {
    let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    match k % 9 {
        0 => NaiveDate::MIN,
        1 => NaiveDate::MAX,
        2 => ymd(1, 1, 1),
        3 => ymd(1899, 12, 31),
        4 => ymd(1900, 1, 1),
        5 => ymd(2200, 12, 31),
        6 => ymd(2201, 1, 1),
        7 => near - TimeDelta::days(400),
        _ => near,
    }
}

fn extreme_instant(k: u32, near: DateTime<Utc>) -> DateTime<Utc> {
    let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    match k % 11 {
        0 => DateTime::<Utc>::MIN_UTC,
        1 => DateTime::<Utc>::MAX_UTC,
        2 => t("1899-12-31T23:59:59Z"),
        3 => t("1900-01-01T00:00:00Z"),
        4 => t("2200-12-31T23:59:59Z"),
        5 => t("2201-01-01T00:00:00Z"),
        6 => near + TimeDelta::seconds(1),
        7 => near - TimeDelta::days(1),
        8 => near + TimeDelta::days(1099),
        9 => near + TimeDelta::days(1101),
        _ => near,
    }
}

/// One breakage: (what, which record, which value).
type Mutation = (u8, usize, u32);

fn mutate(sc: &mut SlotScenario, (what, which, value): Mutation) {
    let near = sc.base.start;
    let near_date = near.date_naive();
    let clinic = &mut sc.base.clinic;
    let cal = &mut sc.base.calendar;
    let pick = |len: usize| which % len.max(1);
    let huge = HUGE[value as usize % HUGE.len()];
    let t = pick(cal.templates.len());
    match what {
        0 => {
            if let Some(s) = cal
                .templates
                .get_mut(t)
                .and_then(|t| t.sessions.first_mut())
            {
                if value % 2 == 0 {
                    std::mem::swap(&mut s.start, &mut s.end);
                } else {
                    s.end = s.start;
                }
            }
        }
        1 => {
            if let Some(tpl) = cal.templates.get_mut(t)
                && let Some(s) = tpl.sessions.first().cloned()
            {
                tpl.sessions.push(s);
            }
        }
        2 => {
            if let Some(s) = cal
                .templates
                .get_mut(t)
                .and_then(|t| t.sessions.first_mut())
            {
                s.breaks.push(Hours {
                    start: oracle::hm(value % 1440),
                    end: oracle::hm((value / 7) % 1440),
                });
            }
        }
        3 => {
            let l = pick(clinic.locations.len());
            clinic.locations[l].time_zone = BAD_ZONES[value as usize % BAD_ZONES.len()].into();
        }
        4 => {
            if let Some(tpl) = cal.templates.get_mut(t) {
                tpl.weekdays.clear();
                tpl.rrule = Some(RRULES[value as usize % RRULES.len()].into());
                if value % 3 != 0 {
                    tpl.effective_from.get_or_insert(near_date);
                }
            }
        }
        5 => {
            if let Some(tpl) = cal.templates.get_mut(t) {
                if value % 2 == 0 {
                    tpl.rrule = Some("FREQ=DAILY".into());
                    tpl.weekdays.push(Weekday::Mon);
                } else {
                    tpl.weekdays.clear();
                    tpl.rrule = None;
                }
            }
        }
        6 => {
            let l = pick(clinic.locations.len());
            for r in &mut clinic.locations[l].rooms {
                r.capacity = huge;
            }
        }
        7 | 8 => {
            let settings = if what == 7 {
                Some(&mut cal.settings)
            } else {
                cal.templates
                    .get_mut(t)
                    .map(|t| t.settings.get_or_insert_with(Default::default))
            };
            if let Some(s) = settings {
                match which % 5 {
                    0 => s.slot_minutes = huge,
                    1 => s.buffer_before_minutes = huge,
                    2 => s.buffer_after_minutes = huge,
                    3 => s.max_parallel = huge,
                    _ => {
                        s.modes.push(ModeCapacity {
                            mode: ConsultationMode::InPerson,
                            capacity: huge,
                        });
                        if value % 2 == 0 {
                            s.modes.push(ModeCapacity {
                                mode: ConsultationMode::InPerson,
                                capacity: 1,
                            });
                        }
                    }
                }
            }
        }
        9 => {
            let ty = &mut sc.request.appointment_type;
            match which % 6 {
                0 => ty.duration_minutes = huge,
                1 => ty.step_minutes = Some(huge),
                2 => ty.buffer_before_minutes = huge,
                3 => ty.buffer_after_minutes = huge,
                4 => ty.min_notice_minutes = huge,
                _ => ty.max_days_ahead = Some(huge),
            }
        }
        10 => {
            let n = sc.occupancy.reservations.len();
            if let Some(r) = sc.occupancy.reservations.get_mut(which % n.max(1)) {
                match value % 6 {
                    0 => r.seats = huge,
                    1 => r.buffer_before_minutes = huge,
                    2 => r.buffer_after_minutes = huge,
                    3 => std::mem::swap(&mut r.start, &mut r.end),
                    4 => r.expires_at = Some(extreme_instant(value / 6, near)),
                    _ => r.seats = 0,
                }
            }
        }
        11 => {
            let d = extreme_date(value, near_date);
            match which % 6 {
                0 => {
                    if let Some(tpl) = cal.templates.get_mut(t) {
                        tpl.effective_from = Some(d);
                    }
                }
                1 => {
                    if let Some(tpl) = cal.templates.get_mut(t) {
                        tpl.effective_until = Some(d);
                    }
                }
                2 => {
                    if let Some(h) = clinic.holidays.first_mut() {
                        h.first = d;
                    }
                }
                3 => {
                    if let Some(h) = clinic.holidays.first_mut() {
                        h.last = d;
                    }
                }
                4 => {
                    if let Some(l) = cal.leaves.first_mut() {
                        if value % 2 == 0 {
                            l.first = d;
                        } else {
                            l.last = d;
                        }
                    }
                }
                _ => {
                    if let Some(o) = cal.overrides.first_mut() {
                        o.date = d;
                    }
                }
            }
        }
        12 => {
            let i = extreme_instant(value, near);
            match which % 7 {
                0 => {
                    if let Some(e) = cal.emergencies.first_mut() {
                        e.start = i;
                    }
                }
                1 => {
                    if let Some(e) = cal.forced_blocks.first_mut() {
                        e.end = i;
                    }
                }
                2 => {
                    if let Some(b) = sc.occupancy.busy.first_mut() {
                        b.start = i;
                    }
                }
                3 => sc.request.start = i,
                4 => sc.request.end = i,
                5 => sc.request.now = i,
                _ => {
                    if let Some(r) = sc.occupancy.reservations.first_mut() {
                        r.start = i;
                    }
                }
            }
        }
        13 => {
            let unknown: Id = "nowhere".into();
            match which % 5 {
                0 => {
                    if let Some(tpl) = cal.templates.get_mut(t) {
                        tpl.location_id = unknown;
                    }
                }
                1 => {
                    if let Some(tpl) = cal.templates.get_mut(t) {
                        tpl.room_id = Some(unknown);
                    }
                }
                2 => {
                    if let Some(o) = cal.overrides.first_mut() {
                        o.location_id = unknown;
                    }
                }
                3 => {
                    if let Some(o) = cal.overrides.first_mut() {
                        o.room_id = Some(unknown);
                    }
                }
                _ => {
                    if let Some(h) = clinic.holidays.first_mut() {
                        h.location_id = Some(unknown);
                    }
                }
            }
        }
        14 => match which % 5 {
            0 => {
                if let Some(tpl) = cal.templates.first().cloned() {
                    cal.templates.push(tpl);
                }
            }
            1 => {
                if let Some(o) = cal.overrides.first().cloned() {
                    cal.overrides.push(o);
                }
            }
            2 => {
                if let Some(l) = cal.leaves.first().cloned() {
                    cal.leaves.push(l);
                }
            }
            3 => {
                if let Some(h) = clinic.holidays.first().cloned() {
                    clinic.holidays.push(h);
                }
            }
            _ => {
                let l = clinic.locations[0].clone();
                clinic.locations.push(l);
            }
        },
        15 => {
            if let Some(o) = cal.overrides.first_mut() {
                match value % 4 {
                    0 => o.hours.clear(),
                    1 => {
                        if let Some(h) = o.hours.first().copied() {
                            o.hours.push(h);
                        }
                    }
                    2 => o.hours.push(Hours {
                        start: oracle::hm(600),
                        end: oracle::hm(540),
                    }),
                    _ => o.kind = OverrideKind::Extra,
                }
            }
        }
        16 => {
            if let Some(l) = cal.leaves.first_mut() {
                l.last = l.first;
                l.start_time = Some(oracle::hm(600));
                l.end_time = Some(oracle::hm(value % 601));
            }
        }
        17 => {
            if let Some(h) = clinic.holidays.first_mut() {
                h.rrule = Some(RRULES[value as usize % RRULES.len()].into());
            }
        }
        18 => {
            let days = [0i64, -1, 1, 30, 1099, 1100, 1101][value as usize % 7];
            if let Some(end) = sc
                .request
                .start
                .checked_add_signed(TimeDelta::days(days) + TimeDelta::minutes(1))
            {
                sc.request.end = end;
            }
        }
        19 => {
            if let Some(s) = cal
                .templates
                .get_mut(t)
                .and_then(|t| t.sessions.first_mut())
            {
                let b = Hours {
                    start: s.start,
                    end: s.end,
                };
                s.breaks.push(b);
                s.breaks.push(b);
            }
        }
        20 => {
            if let Some(tpl) = cal.templates.get_mut(t) {
                tpl.sessions.clear();
            }
        }
        22 => {
            let ty = &mut sc.request.appointment_type;
            ty.alignment = Alignment::Clock;
            if value % 2 == 0 {
                ty.step_minutes = Some(1 + value % 1440);
            }
        }
        _ => {
            // Sessions spanning the whole day, or starting at midnight.
            if let Some(tpl) = cal.templates.get_mut(t) {
                tpl.sessions = vec![Session {
                    start: oracle::hm(0),
                    end: chrono::NaiveTime::from_hms_opt(23, 59, 59).unwrap(),
                    breaks: Vec::new(),
                }];
            }
        }
    }
}

fn arb_malformed() -> impl Strategy<Value = (SlotScenario, Vec<Mutation>)> {
    (
        oracle::arb_slot_scenario(12 * 60, 2 * 24 * 60),
        prop::collection::vec((0u8..24, any::<usize>(), any::<u32>()), 1..=4),
    )
}

fn expect_ok_or_invalid<T>(what: &str, r: &medsched::Result<T>) -> Result<(), TestCaseError> {
    if let Err(e) = r {
        prop_assert_eq!(e.code(), "invalid_input", "{} failed with {}", what, e);
        prop_assert!(e.is_invalid_input());
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(768))]

    /// Whatever the input, the engine answers Ok or invalid_input, and never panics.
    #[test]
    fn malformed_input_never_panics((mut sc, mutations) in arb_malformed()) {
        for m in &mutations {
            mutate(&mut sc, *m);
        }
        let _ = sc.base.clinic.validate();
        let clinic = ClinicRules::new(&sc.base.clinic);
        expect_ok_or_invalid("ClinicRules::new", &clinic)?;
        let Ok(clinic) = clinic else { return Ok(()) };
        let availability = Availability::new(&clinic, &sc.base.calendar);
        expect_ok_or_invalid("Availability::new", &availability)?;
        let Ok(availability) = availability else { return Ok(()) };

        let (start, end) = (sc.request.start, sc.request.end);
        expect_ok_or_invalid("resolve", &availability.resolve(start, end))?;
        let later = start.checked_add_signed(TimeDelta::seconds(61)).unwrap_or(start);
        for t in [start, end, sc.request.now, later] {
            expect_ok_or_invalid("explain", &availability.explain(t))?;
        }
        let location: Id = sc.base.clinic.locations[0].id.clone();
        let (d0, d1) = (start.date_naive(), end.date_naive());
        expect_ok_or_invalid("resolve_dates", &availability.resolve_dates(location.as_str(), d0, d1))?;
        let options = SlotOptions { include_unavailable: true, limit: Some(200) };
        expect_ok_or_invalid("slots", &availability.slots(&sc.request, &sc.occupancy, options))?;
        expect_ok_or_invalid(
            "first_available",
            &first_available([(&availability, &sc.occupancy)], &sc.request, sc.count),
        )?;
    }
}
