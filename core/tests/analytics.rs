//! The analytics fold over a clinic week: folding in pages of any size against one fold,
//! the outcome counts and booked minutes against a naive recomputation from the final
//! appointments, and the shared JSON vector `testdata/analytics/clinic_week.json` (an event
//! log in; the report and its CSV out) that every binding runs.
//!
//! `MEDSCHED_BLESS=1 cargo test --test analytics` writes the vector anew.

mod analytics_support;

use std::collections::BTreeMap;

use analytics_support::{Week, ZONE, date, timelines, week};
use medsched::{
    Id,
    analytics::{Analytics, Observation, Report, ReportTable},
    booking::{Appointment, AppointmentStatus},
    store::{Change, FeedEntry},
};
use proptest::prelude::*;
use serde_json::{Value, json};

const VECTOR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../testdata/analytics/clinic_week.json"
);

fn fresh() -> Analytics {
    let mut analytics = Analytics::new(ZONE).unwrap();
    for (doctor, timeline) in timelines() {
        analytics
            .offer(&doctor, date(2), date(8), &timeline)
            .unwrap();
    }
    analytics
}

fn whole(week: &Week) -> Report {
    let mut analytics = fresh();
    analytics.fold(&week.feed).unwrap();
    for observation in &week.observations {
        analytics.record(observation).unwrap();
    }
    analytics.report(date(2), date(8)).unwrap()
}

/// The vector: inputs (zone, range, offers, feed, observations) and outputs (report, CSV).
fn vector(week: &Week, report: &Report) -> Value {
    let offers: Vec<Value> = timelines()
        .into_iter()
        .map(|(doctor, intervals)| {
            json!({"doctor_id": doctor, "first": date(2), "last": date(8), "intervals": intervals})
        })
        .collect();
    let csv: serde_json::Map<String, Value> = ReportTable::ALL
        .iter()
        .map(|table| (table.name().to_owned(), Value::from(report.csv(*table))))
        .collect();
    json!({
        "comment": "A clinic week in Kochi (core/tests/analytics_support): the feed and the host's records in, the report and its CSV tables out. Folded in pages of 50. MEDSCHED_BLESS=1 cargo test --test analytics writes it.",
        "time_zone": ZONE,
        "first": date(2),
        "last": date(8),
        "page_size": 50,
        "offers": offers,
        "feed": week.feed,
        "observations": week.observations,
        "report": report,
        "csv": csv,
    })
}

#[test]
fn the_shared_vector_holds() {
    let week = week().unwrap();
    let report = whole(&week);
    let now = vector(&week, &report);
    if std::env::var_os("MEDSCHED_BLESS").is_some() {
        std::fs::create_dir_all(std::path::Path::new(VECTOR).parent().unwrap()).unwrap();
        std::fs::write(VECTOR, serde_json::to_string_pretty(&now).unwrap() + "\n").unwrap();
    }
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(VECTOR).unwrap()).unwrap();
    assert_eq!(
        stored, now,
        "run MEDSCHED_BLESS=1 cargo test --test analytics"
    );
    // And the stored inputs, read back, give the stored outputs.
    let feed: Vec<FeedEntry> = serde_json::from_value(stored["feed"].clone()).unwrap();
    let observations: Vec<Observation> =
        serde_json::from_value(stored["observations"].clone()).unwrap();
    let mut analytics = fresh();
    for page in feed.chunks(50) {
        analytics.fold(page).unwrap();
    }
    for observation in &observations {
        analytics.record(observation).unwrap();
    }
    let again = analytics.report(date(2), date(8)).unwrap();
    assert_eq!(serde_json::to_value(&again).unwrap(), stored["report"]);
}

/// The appointments as the feed leaves them, each read once from the last event about it.
fn final_appointments(feed: &[FeedEntry]) -> BTreeMap<(chrono::NaiveDate, Id), Appointment> {
    let mut out: BTreeMap<(chrono::NaiveDate, Id), Appointment> = BTreeMap::new();
    for entry in feed {
        let key = |id: &Id| (entry.stream.date, id.clone());
        match &entry.event.change {
            Change::AppointmentBooked { appointment } => {
                out.insert(key(&appointment.id), appointment.clone());
            }
            Change::AppointmentCancelled { appointment_id, .. } => {
                out.get_mut(&key(appointment_id)).unwrap().status = AppointmentStatus::Cancelled;
            }
            Change::AppointmentCompleted { appointment_id } => {
                out.get_mut(&key(appointment_id)).unwrap().status = AppointmentStatus::Completed;
            }
            Change::AppointmentNoShow { appointment_id } => {
                out.get_mut(&key(appointment_id)).unwrap().status = AppointmentStatus::NoShow;
            }
            _ => {}
        }
    }
    out
}

#[test]
fn outcomes_and_booked_minutes_match_a_naive_count() {
    let week = week().unwrap();
    let report = whole(&week);
    let appointments = final_appointments(&week.feed);
    for row in &report.doctors {
        let mine: Vec<_> = appointments
            .values()
            .filter(|a| a.slot.doctor_id == row.doctor_id)
            .collect();
        let count = |s: AppointmentStatus| mine.iter().filter(|a| a.status == s).count() as u64;
        assert_eq!(row.booked, mine.len() as u64);
        assert_eq!(row.cancelled, count(AppointmentStatus::Cancelled));
        assert_eq!(row.completed, count(AppointmentStatus::Completed));
        assert_eq!(row.no_show, count(AppointmentStatus::NoShow));
        let booked: i64 = mine
            .iter()
            .filter(|a| a.occupies())
            .map(|a| (a.slot.end - a.slot.start).num_minutes())
            .sum();
        let utilisation = report
            .utilisation
            .iter()
            .find(|u| u.dimension == "doctor" && u.key == row.doctor_id.as_str())
            .unwrap();
        assert_eq!(utilisation.booked_minutes, booked as f64);
    }
    // Offered minutes: Dr Asha 4 h on Mon, Thu, Sat, 3 h Tue (the block), none Wed (leave)
    // or Fri (the holiday); Dr Menon 4 h Monday to Thursday.
    let offered = |key: &str| {
        report
            .utilisation
            .iter()
            .find(|u| u.dimension == "doctor" && u.key == key)
            .unwrap()
            .offered_minutes
    };
    assert_eq!(offered("dr-asha"), 15.0 * 60.0);
    assert_eq!(offered("dr-menon"), 16.0 * 60.0);
    assert_eq!(report.peak_hours.len(), 3);
}

#[test]
fn refolding_a_page_and_bad_input_change_nothing() {
    let week = week().unwrap();
    let mut analytics = fresh();
    analytics.fold(&week.feed[..60]).unwrap();
    analytics.fold(&week.feed[30..]).unwrap(); // overlaps: the first 30 are skipped
    for observation in &week.observations {
        analytics.record(observation).unwrap();
    }
    assert_eq!(analytics.report(date(2), date(8)).unwrap(), whole(&week));
    // Out of order, another tenant, a bad estimate, a bad range: refused, naming the field.
    let mut other = fresh();
    let mut page = week.feed[..3].to_vec();
    page.swap(1, 2);
    assert_eq!(
        other.fold(&page).unwrap_err().field(),
        Some("feed[2].position")
    );
    assert_eq!(other.position(), 0);
    let mut stranger = week.feed[..2].to_vec();
    stranger[1].event.tenant = "elsewhere".into();
    assert_eq!(
        other.fold(&stranger).unwrap_err().field(),
        Some("feed[1].event.tenant")
    );
    let bad = Observation::WaitEstimated {
        at: week.feed[0].event.at,
        doctor_id: "dr-asha".into(),
        date: date(2),
        number: 1,
        minutes: f64::NAN,
    };
    assert_eq!(
        other.record(&bad).unwrap_err().field(),
        Some("observation.minutes")
    );
    assert_eq!(
        other.report(date(8), date(2)).unwrap_err().field(),
        Some("last")
    );
    assert_eq!(
        Analytics::new("Mars/Olympus").unwrap_err().field(),
        Some("time_zone")
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any cut of the feed into pages, with the host's records interleaved anywhere, gives
    /// the report of one fold.
    #[test]
    fn pages_of_any_size_fold_alike(cuts in prop::collection::vec(1usize..80, 1..20),
                                    record_after in 0usize..20) {
        let week = week().unwrap();
        let mut analytics = fresh();
        let mut rest = &week.feed[..];
        let mut pages = 0;
        for cut in cuts.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            if pages == record_after {
                for observation in &week.observations {
                    analytics.record(observation).unwrap();
                }
            }
            let (page, tail) = rest.split_at((*cut).min(rest.len()));
            analytics.fold(page).unwrap();
            rest = tail;
            pages += 1;
        }
        if record_after >= pages {
            for observation in &week.observations {
                analytics.record(observation).unwrap();
            }
        }
        prop_assert_eq!(analytics.report(date(2), date(8)).unwrap(), whole(&week));
    }
}
