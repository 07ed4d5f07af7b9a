//! Property tests: `Availability::slots` (and `first_available`) against an independent
//! minute-by-minute oracle (see `oracle/mod.rs`), plus minimal repros of the engine bugs the
//! properties found (module `found`).

mod oracle;

use medsched::{
    Availability, ClinicRules, PreparedOccupancy, SlotOptions, SlotSeries, first_available,
    first_available_prepared,
};
use oracle::config;
use oracle::{ExpectedSlot, Oracle, SlotScenario, at, minute_of};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

fn describe(e: &ExpectedSlot) -> String {
    format!(
        "{} ({}) at {} room {:?}: {:?}",
        at(e.start),
        e.local_start,
        e.location_id,
        e.room_id,
        e.outcome
    )
}

/// One `slots` answer against the oracle's candidates, honouring the options.
fn check_series(
    sc: &SlotScenario,
    options: SlotOptions,
    series: &SlotSeries,
    expected: &[ExpectedSlot],
) -> Result<(), TestCaseError> {
    let open: Vec<&ExpectedSlot> = expected.iter().filter(|e| e.is_open()).collect();
    prop_assert!(
        series.slots.windows(2).all(|p| p[0].start < p[1].start),
        "slots out of order"
    );
    prop_assert!(
        series
            .unavailable
            .windows(2)
            .all(|p| p[0].start < p[1].start),
        "unavailable slots out of order"
    );
    for s in &series.slots {
        prop_assert_eq!(&s.place.doctor_id, &sc.base.calendar.doctor_id);
        prop_assert!(s.capacity_left >= 1);
    }
    for s in &series.unavailable {
        prop_assert_eq!(&s.place.doctor_id, &sc.base.calendar.doctor_id);
    }

    // Bookable slots: the first `limit` of the oracle's.
    let limit = options.limit.map_or(usize::MAX, |l| l as usize);
    let want: Vec<&ExpectedSlot> = open.iter().copied().take(limit).collect();
    prop_assert_eq!(
        series.slots.len(),
        want.len(),
        "bookable slots differ (limit {:?}):\n got  {:?}\n want {:#?}",
        options.limit,
        series
            .slots
            .iter()
            .map(|s| s.start.to_string())
            .collect::<Vec<_>>(),
        want.iter().map(|e| describe(e)).collect::<Vec<_>>()
    );
    for (g, w) in series.slots.iter().zip(&want) {
        prop_assert!(
            w.matches_slot(g),
            "slot differs:\n got  {:?}\n want {}",
            g,
            describe(w)
        );
    }
    // `truncated`: "generation stopped at the limit; more slots may follow".
    if open.len() > limit {
        prop_assert!(
            series.truncated,
            "not truncated: {} > limit {}",
            open.len(),
            limit
        );
    }
    if open.len() < limit {
        prop_assert!(
            !series.truncated,
            "truncated: {} < limit {}",
            open.len(),
            limit
        );
    }

    // Unavailable slots: every one, or, when the limit stopped generation, those before the
    // last bookable slot returned.
    if !options.include_unavailable {
        prop_assert!(series.unavailable.is_empty());
        return Ok(());
    }
    let cutoff = series
        .slots
        .last()
        .filter(|_| series.truncated)
        .map(|s| minute_of(s.start));
    let want: Vec<&ExpectedSlot> = expected
        .iter()
        .filter(|e| !e.is_open() && cutoff.is_none_or(|c| e.start < c))
        .collect();
    let missing: Vec<String> = want
        .iter()
        .filter(|w| !series.unavailable.iter().any(|g| w.matches_unavailable(g)))
        .map(|w| describe(w))
        .collect();
    let unexpected: Vec<String> = series
        .unavailable
        .iter()
        .filter(|g| !want.iter().any(|w| w.matches_unavailable(g)))
        .map(|g| {
            format!(
                "{} ({}) at {} room {:?}: {:?}",
                g.start, g.local_start, g.place.location_id, g.place.room_id, g.reason
            )
        })
        .collect();
    prop_assert!(
        missing.is_empty() && unexpected.is_empty() && want.len() == series.unavailable.len(),
        "unavailable slots differ:\n missing {:#?}\n unexpected {:#?}",
        missing,
        unexpected
    );
    Ok(())
}

fn check_slots(sc: &SlotScenario) -> Result<(), TestCaseError> {
    let clinic = ClinicRules::new(&sc.base.clinic)
        .map_err(|e| TestCaseError::fail(format!("valid clinic refused: {e}")))?;
    let availability = Availability::new(&clinic, &sc.base.calendar)
        .map_err(|e| TestCaseError::fail(format!("valid calendar refused: {e}")))?;
    let dur = i64::from(sc.request.appointment_type.duration_minutes);
    // A day before the range: a restarted grid depends on its whole stretch.
    let oracle = Oracle::new(
        &sc.base.clinic,
        &sc.base.calendar,
        minute_of(sc.request.start) - oracle::DAY,
        minute_of(sc.request.end) + dur,
    );
    let expected = oracle.slots(&sc.request, &sc.occupancy);

    // With the generated options (a limit of 0 may also be refused as invalid input).
    match availability.slots(&sc.request, &sc.occupancy, sc.options) {
        Err(e) if sc.options.limit == Some(0) && e.code() == "invalid_input" => {}
        Err(e) => return Err(TestCaseError::fail(format!("valid request refused: {e}"))),
        Ok(series) => check_series(sc, sc.options, &series, &expected)?,
    }
    // With every candidate.
    let everything = SlotOptions {
        include_unavailable: true,
        limit: None,
    };
    let series = availability
        .slots(&sc.request, &sc.occupancy, everything)
        .map_err(|e| TestCaseError::fail(format!("valid request refused: {e}")))?;
    check_series(sc, everything, &series, &expected)?;

    // The same slots from an occupancy prepared at once, and from one built up reservation by
    // reservation (with one added and taken away again), compact or as JSON.
    let prepared = PreparedOccupancy::new(sc.occupancy.clone())
        .map_err(|e| TestCaseError::fail(format!("valid occupancy refused: {e}")))?;
    let mut built = PreparedOccupancy::default();
    for r in &sc.occupancy.reservations {
        built
            .insert_reservation(r.clone())
            .map_err(|e| TestCaseError::fail(format!("valid reservation refused: {e}")))?;
        let mut twin = r.clone();
        twin.id = "twin".into();
        built
            .insert_reservation(twin)
            .map_err(|e| TestCaseError::fail(format!("valid reservation refused: {e}")))?;
        prop_assert!(built.remove_reservation("twin").is_some());
    }
    for b in &sc.occupancy.busy {
        built
            .insert_busy(b.clone())
            .map_err(|e| TestCaseError::fail(format!("valid busy time refused: {e}")))?;
    }
    for p in [&prepared, &built] {
        let set = availability
            .slot_set(&sc.request, p, everything)
            .map_err(|e| TestCaseError::fail(format!("valid request refused: {e}")))?;
        prop_assert_eq!(
            serde_json::to_string(&set).ok(),
            serde_json::to_string(&series).ok()
        );
        let mut written = Vec::new();
        set.write_json(&mut written);
        prop_assert_eq!(Some(written), serde_json::to_vec(&series).ok());
        prop_assert_eq!(&set.into_series(), &series);
    }

    // first_available: the earliest `count` bookable slots.
    let first = first_available([(&availability, &sc.occupancy)], &sc.request, sc.count)
        .map_err(|e| TestCaseError::fail(format!("first_available refused: {e}")))?;
    let want: Vec<&ExpectedSlot> = expected
        .iter()
        .filter(|e| e.is_open())
        .take(sc.count as usize)
        .collect();
    prop_assert_eq!(
        first.len(),
        want.len(),
        "first_available differs: got {:?}",
        first
            .iter()
            .map(|s| s.start.to_string())
            .collect::<Vec<_>>()
    );
    let first_prepared =
        first_available_prepared([(&availability, &prepared)], &sc.request, sc.count)
            .map_err(|e| TestCaseError::fail(format!("first_available_prepared refused: {e}")))?;
    prop_assert_eq!(&first_prepared, &first);
    for (g, w) in first.iter().zip(&want) {
        prop_assert!(
            w.matches_slot(g),
            "first_available slot differs:\n got  {:?}\n want {}",
            g,
            describe(w)
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(640))]

    /// Every candidate slot, bookable or not, is what the oracle expects; limits and
    /// first_available agree with it.
    #[test]
    fn slots_match_the_oracle(sc in oracle::arb_slot_scenario(12 * 60, 2 * 24 * 60)) {
        check_slots(&sc)?;
    }

    /// The same with booking limits (counted by the oracle per local day, ISO week and
    /// month) and the grid options (a start offset, restarts, filled gaps).
    #[test]
    fn limits_and_grid_options_match_the_oracle(
        sc in oracle::arb_limited_slot_scenario(12 * 60, 2 * 24 * 60)
    ) {
        check_slots(&sc)?;
    }
}

/// Minimal repros of engine bugs found by the properties. Each fails until the engine is
/// fixed; the expected values follow the documented semantics.
mod found {
    use chrono::{DateTime, Utc, Weekday};
    use medsched::{
        AppointmentType, Availability, BusyTime, Clinic, ClinicRules, DoctorCalendar, Location,
        Occupancy, Room, Session, SessionSettings, SlotOptions, SlotRequest, Unavailable,
        WeeklyTemplate,
    };

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// London in January (UTC+0): Mondays 09:00-10:00 at "main", 15-minute slots.
    fn monday_clinic(room_capacity: Option<u32>, max_parallel: u32) -> Availability {
        let clinic = ClinicRules::new(&Clinic {
            locations: vec![Location {
                rooms: room_capacity
                    .map(|c| Room::new("r1", "Room 1", c))
                    .into_iter()
                    .collect(),
                ..Location::new("main", "Main", "Europe/London")
            }],
            holidays: vec![],
        })
        .unwrap();
        let mut calendar = DoctorCalendar::new("dr-a");
        calendar.settings = SessionSettings {
            max_parallel,
            ..SessionSettings::default()
        };
        calendar.templates.push(WeeklyTemplate {
            room_id: room_capacity.map(|_| "r1".into()),
            weekdays: vec![Weekday::Mon],
            sessions: vec![Session::new("09:00", "10:00").unwrap()],
            ..WeeklyTemplate::new("mon", "main")
        });
        Availability::new(&clinic, &calendar).unwrap()
    }

    fn monday_request(ty: AppointmentType) -> SlotRequest {
        SlotRequest {
            appointment_type: ty,
            start: t("2024-01-08T00:00:00Z"),
            end: t("2024-01-09T00:00:00Z"),
            now: t("2024-01-01T00:00:00Z"),
        }
    }

    /// `SlotOptions::limit` is "stop after this many bookable slots": 0 must give none
    /// (or be refused). The engine returns one slot and `truncated`.
    #[test]
    fn limit_zero_returns_no_slot() {
        let availability = monday_clinic(None, 1);
        let request = monday_request(AppointmentType::new("consult", 15));
        let options = SlotOptions {
            include_unavailable: false,
            limit: Some(0),
        };
        match availability.slots(&request, &Occupancy::default(), options) {
            Err(e) => assert_eq!(e.code(), "invalid_input"),
            Ok(series) => assert!(
                series.slots.is_empty(),
                "limit 0 returned {} slot(s), first at {}",
                series.slots.len(),
                series.slots[0].start
            ),
        }
    }

    /// `capacity_left` is the minimum over doctor, mode and room. With a room of capacity 1,
    /// `max_parallel` 2 and no reservation at all, one more in-person appointment fits, not
    /// two. (The engine only counts the room once some reservation uses it.)
    #[test]
    fn capacity_left_counts_an_unused_room() {
        let availability = monday_clinic(Some(1), 2);
        let request = monday_request(AppointmentType::new("consult", 15));
        let series = availability
            .slots(&request, &Occupancy::default(), SlotOptions::default())
            .unwrap();
        assert_eq!(series.slots.len(), 4);
        assert_eq!(
            series.slots[0].place.room_id.as_ref().unwrap().as_str(),
            "r1"
        );
        assert_eq!(series.slots[0].capacity_left, 1);
    }

    /// `Unavailable::Busy { busy_id }` must name a busy time the slot overlaps. Busy times
    /// a = 09:00-09:05 and b = 09:00-09:30: the 09:15 slot overlaps only b. (The engine
    /// merges overlapping busy times and keeps the first id.)
    #[test]
    fn busy_reason_names_an_overlapping_busy_time() {
        let availability = monday_clinic(None, 1);
        let request = monday_request(AppointmentType::new("consult", 15));
        let occupancy = Occupancy {
            reservations: vec![],
            busy: vec![
                BusyTime {
                    id: "a".into(),
                    start: t("2024-01-08T09:00:00Z"),
                    end: t("2024-01-08T09:05:00Z"),
                },
                BusyTime {
                    id: "b".into(),
                    start: t("2024-01-08T09:00:00Z"),
                    end: t("2024-01-08T09:30:00Z"),
                },
            ],
        };
        let options = SlotOptions {
            include_unavailable: true,
            limit: None,
        };
        let series = availability.slots(&request, &occupancy, options).unwrap();
        let at_0915 = series
            .unavailable
            .iter()
            .find(|u| u.start == t("2024-01-08T09:15:00Z"))
            .unwrap();
        assert_eq!(
            at_0915.reason,
            Unavailable::Busy {
                busy_id: "b".into()
            }
        );
    }

    /// A huge `max_days_ahead` must not panic (medsched "never panics on bad input"). The
    /// engine panics with "`NaiveDate + Days` out of range" computing the horizon.
    #[test]
    fn huge_max_days_ahead_does_not_panic() {
        let availability = monday_clinic(None, 1);
        let request = monday_request(AppointmentType {
            max_days_ahead: Some(1_000_000_000),
            ..AppointmentType::new("consult", 15)
        });
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            availability
                .slots(&request, &Occupancy::default(), SlotOptions::default())
                .map(|s| s.slots.len())
        }));
        match result {
            Err(_) => panic!("slots panicked with max_days_ahead = 1_000_000_000"),
            Ok(Err(e)) => assert_eq!(e.code(), "invalid_input"),
            Ok(Ok(n)) => assert_eq!(n, 4),
        }
    }

    /// Found by the slot oracle: a template at another location that opens after the last
    /// candidate start, but before that candidate would end, still ends the first run.
    #[test]
    fn hours_opening_after_the_last_start_still_end_an_earlier_run() {
        let clinic = ClinicRules::new(&Clinic {
            locations: vec![
                Location::new("kolkata", "Kolkata", "Asia/Kolkata"),
                Location::new("kathmandu", "Kathmandu", "Asia/Kathmandu"),
            ],
            holidays: vec![],
        })
        .unwrap();
        let mut calendar = DoctorCalendar::new("dr-asha");
        calendar.settings = SessionSettings {
            slot_minutes: 5,
            ..SessionSettings::default()
        };
        // Mondays 01:00 in Kathmandu is 19:15 UTC on Sunday; the rule listed first wins.
        calendar.templates.push(WeeklyTemplate {
            weekdays: vec![Weekday::Mon],
            sessions: vec![Session::new("01:00", "03:00").unwrap()],
            ..WeeklyTemplate::new("kathmandu-mornings", "kathmandu")
        });
        // Every day 00:00-01:00 in Kolkata: 18:30-19:30 UTC the day before.
        calendar.templates.push(WeeklyTemplate {
            weekdays: vec![Weekday::Sun, Weekday::Mon],
            sessions: vec![Session::new("00:00", "01:00").unwrap()],
            ..WeeklyTemplate::new("kolkata-midnights", "kolkata")
        });
        let doctor = Availability::new(&clinic, &calendar).unwrap();
        let request = SlotRequest {
            appointment_type: AppointmentType::new("consult", 45),
            start: t("2024-06-16T18:00:00Z"),
            end: t("2024-06-16T18:36:00Z"),
            now: t("2024-06-01T00:00:00Z"),
        };
        let found = doctor
            .slots(&request, &Occupancy::default(), SlotOptions::default())
            .unwrap();
        let starts: Vec<_> = found.slots.iter().map(|s| s.start.to_rfc3339()).collect();
        // 18:35 would end at 19:20, after Kathmandu's hours take over at 19:15.
        assert_eq!(starts, ["2024-06-16T18:30:00+00:00"]);
    }
}
