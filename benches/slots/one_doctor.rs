//! One doctor in Kochi over 90 days: `slots`, `slot_set` on a prepared occupancy, preparing
//! it, and `resolve` (also with the timeline written as JSON).

use std::hint::black_box;

use criterion::Criterion;
use medsched::{
    Availability, Clinic, ClinicRules, DateOverride, DoctorCalendar, Holiday, Interval, Leave,
    LeaveStatus, Location, Occupancy, OverrideKind, PreparedOccupancy, SlotOptions, SlotRequest,
    WeeklyTemplate,
};

use super::{
    Lcg, MON_TO_SAT, date, free_slots, hours, request_90_days, reservations, session, settings,
};

struct OneDoctor {
    availability: Availability,
    occupancy: Occupancy,
    request: SlotRequest,
}

fn one_doctor() -> OneDoctor {
    let clinic = ClinicRules::new(&Clinic {
        locations: vec![Location::new("kochi", "Kochi OPD", "Asia/Kolkata")],
        holidays: vec![
            // Holi, inside the range (a Wednesday).
            Holiday::on("holi", "Holi", date(2026, 3, 4)),
            // Yearly, outside the range: expanded at compile time, skipped at resolve time.
            Holiday {
                rrule: Some("FREQ=YEARLY".into()),
                ..Holiday::on("republic-day", "Republic Day", date(2020, 1, 26))
            },
        ],
    })
    .expect("valid clinic");

    let mut calendar = DoctorCalendar::new("dr-asha");
    calendar.settings = settings(15);
    calendar.templates.push(WeeklyTemplate {
        weekdays: MON_TO_SAT.to_vec(),
        sessions: vec![
            session("09:00", "13:00")
                .with_break("11:00", "11:15")
                .expect("valid break"),
            session("16:00", "20:00"),
        ],
        ..WeeklyTemplate::new("mon-sat-opd", "kochi")
    });
    calendar.leaves.push(Leave {
        id: "conference".into(),
        status: LeaveStatus::Approved,
        first: date(2026, 4, 13),
        last: date(2026, 4, 14),
        start_time: None,
        end_time: None,
        reason: "conference".into(),
    });
    calendar.overrides.push(DateOverride {
        id: "short-saturday".into(),
        date: date(2026, 3, 21),
        location_id: "kochi".into(),
        room_id: None,
        kind: OverrideKind::Replace,
        hours: vec![hours("09:00", "12:00")],
        settings: None,
    });
    let availability = Availability::new(&clinic, &calendar).expect("valid calendar");

    let request = request_90_days();
    let free = free_slots(&availability, &request);
    let mut rng = Lcg(0x5EED_0001);
    let occupancy = Occupancy {
        reservations: reservations(&mut rng, "dr-asha", &free, 300, 6, request.now),
        busy: vec![],
    };
    OneDoctor {
        availability,
        occupancy,
        request,
    }
}

pub(super) fn bench_one_doctor(c: &mut Criterion) {
    let d = one_doctor();
    let series = d
        .availability
        .slots(&d.request, &d.occupancy, SlotOptions::default())
        .expect("valid request");
    let timeline = d
        .availability
        .resolve(d.request.start, d.request.end)
        .expect("valid range");
    eprintln!(
        "one_doctor_90_days: {} bookable slots ({} reservations incl. holds), {} intervals",
        series.slots.len(),
        d.occupancy.reservations.len(),
        timeline.len()
    );
    assert!(
        series.slots.len() > 1_500,
        "too few slots: {}",
        series.slots.len()
    );
    assert!(
        timeline.len() > 150,
        "too few intervals: {}",
        timeline.len()
    );

    c.bench_function("one_doctor_90_days", |b| {
        b.iter(|| {
            d.availability
                .slots(
                    black_box(&d.request),
                    black_box(&d.occupancy),
                    SlotOptions::default(),
                )
                .expect("valid request")
        })
    });
    let prepared = PreparedOccupancy::new(d.occupancy.clone()).expect("valid occupancy");
    let set = d
        .availability
        .slot_set(&d.request, &prepared, SlotOptions::default())
        .expect("valid request");
    assert_eq!(
        set.clone().into_series(),
        series,
        "slot_set gives the same slots"
    );
    c.bench_function("one_doctor_90_days_prepared", |b| {
        b.iter(|| {
            d.availability
                .slot_set(
                    black_box(&d.request),
                    black_box(&prepared),
                    SlotOptions::default(),
                )
                .expect("valid request")
        })
    });
    // The response body a host sends: the prepared search, then its JSON written into a
    // buffer kept from call to call (as the Python and Node bindings keep one per thread).
    let mut body = Vec::new();
    set.write_json(&mut body);
    assert_eq!(
        Some(&body),
        serde_json::to_vec(&series).ok().as_ref(),
        "write_json writes serde_json's text"
    );
    c.bench_function("one_doctor_90_days_json", |b| {
        b.iter(|| {
            body.clear();
            d.availability
                .slot_set(
                    black_box(&d.request),
                    black_box(&prepared),
                    SlotOptions::default(),
                )
                .expect("valid request")
                .write_json(&mut body);
            body.len()
        })
    });
    c.bench_function("one_doctor_90_days_write_json", |b| {
        b.iter(|| {
            body.clear();
            black_box(&set).write_json(&mut body);
            body.len()
        })
    });
    c.bench_function("one_doctor_90_days_prepare", |b| {
        b.iter(|| PreparedOccupancy::new(black_box(&d.occupancy).clone()).expect("valid"))
    });
    c.bench_function("one_doctor_90_days_resolve", |b| {
        b.iter(|| {
            d.availability
                .resolve(black_box(d.request.start), black_box(d.request.end))
                .expect("valid range")
        })
    });
    // The timeline as a response body: resolution, then the intervals' JSON.
    let timeline = (d.availability)
        .resolve(d.request.start, d.request.end)
        .expect("valid range");
    let mut body = Vec::new();
    Interval::write_json_list(&timeline, &mut body);
    assert_eq!(
        Some(body),
        serde_json::to_vec(&timeline).ok(),
        "write_json_list writes serde_json's text"
    );
    c.bench_function("one_doctor_90_days_resolve_json", |b| {
        b.iter(|| {
            let timeline = (d.availability)
                .resolve(black_box(d.request.start), black_box(d.request.end))
                .expect("valid range");
            let mut body = Vec::new();
            Interval::write_json_list(&timeline, &mut body);
            body
        })
    });
}
