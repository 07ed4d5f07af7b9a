//! `joint_slots` against a brute-force oracle: a start is offered when, minute by minute,
//! the lead doctor's session holds the slot on their grid, every other clinician's session
//! holds it, no reservation of any of them touches it (with the type's buffer after), and
//! the equipment has a seat at every minute.

use chrono::{DateTime, Duration, Utc, Weekday};
use medsched::{
    AppointmentType, Availability, Clinic, ClinicRules, DoctorCalendar, Location, Occupancy,
    PreparedOccupancy, Reservation, Room, Session, SlotRequest, WeeklyTemplate,
};
use proptest::prelude::*;

/// Minutes since the day's midnight (2026-03-03, a Tuesday, UTC).
fn at(minute: u32) -> DateTime<Utc> {
    "2026-03-03T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(minute.into())
}

fn hm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

#[derive(Debug, Clone)]
struct Case {
    /// Each doctor's session, minutes `[from, to)`; the first leads.
    sessions: Vec<(u32, u32)>,
    duration: u32,
    step: u32,
    buffer_after: u32,
    /// With the equipment, its capacity.
    equipment: Option<u32>,
    /// Reservations: whose (a doctor's index, or the equipment past the doctors), from, length.
    taken: Vec<(usize, u32, u32)>,
}

fn case() -> impl Strategy<Value = Case> {
    let session =
        (32u32..48, 4u32..20).prop_map(|(from, quarters)| (from * 15, from * 15 + quarters * 15));
    (
        proptest::collection::vec(session, 2..4),
        prop_oneof![Just(15u32), Just(30), Just(45), Just(60)],
        prop_oneof![Just(15u32), Just(30)],
        prop_oneof![Just(0u32), Just(5)],
        proptest::option::of(1u32..3),
        proptest::collection::vec((0usize..4, 32u32..60, 1u32..5), 0..8),
    )
        .prop_map(
            |(sessions, duration, step, buffer_after, equipment, taken)| Case {
                taken: taken
                    .into_iter()
                    .map(|(who, from, quarters)| {
                        (who.min(sessions.len()), from * 15, quarters * 15)
                    })
                    .collect(),
                sessions,
                duration,
                step,
                buffer_after,
                equipment,
            },
        )
}

fn doctor_id(i: usize) -> String {
    format!("dr-{i}")
}

/// The engine's answer: the starts `joint_slots` offers.
fn engine(case: &Case) -> Vec<u32> {
    let clinic = ClinicRules::new(&Clinic {
        locations: vec![Location {
            rooms: vec![Room::new("eq", "Equipment", case.equipment.unwrap_or(1))],
            ..Location::new("main", "Main", "UTC")
        }],
        holidays: vec![],
    })
    .unwrap();
    let doctors: Vec<Availability> = case
        .sessions
        .iter()
        .enumerate()
        .map(|(i, &(from, to))| {
            let mut calendar = DoctorCalendar::new(doctor_id(i));
            calendar.templates.push(WeeklyTemplate {
                weekdays: vec![Weekday::Tue],
                sessions: vec![Session::new(&hm(from), &hm(to)).unwrap()],
                ..WeeklyTemplate::new("tue", "main")
            });
            Availability::new(&clinic, &calendar).unwrap()
        })
        .collect();
    let reservations = case
        .taken
        .iter()
        .enumerate()
        .map(|(k, &(who, from, length))| {
            let owner = if who < doctors.len() {
                doctor_id(who)
            } else {
                "eq".into()
            };
            let mut r = Reservation::new(format!("r-{k}"), owner, at(from), at(from + length));
            if who >= doctors.len() {
                r.room_id = Some("eq".into());
            }
            r
        })
        .collect();
    let occupancy = PreparedOccupancy::new(Occupancy {
        reservations,
        busy: vec![],
    })
    .unwrap();
    let request = SlotRequest {
        appointment_type: AppointmentType {
            step_minutes: Some(case.step),
            buffer_after_minutes: case.buffer_after,
            ..AppointmentType::new("op", case.duration)
        },
        start: at(0),
        end: at(24 * 60),
        now: at(0) - Duration::days(1),
    };
    let others: Vec<&Availability> = doctors[1..].iter().collect();
    let equipment: Vec<medsched::Id> = case.equipment.map(|_| "eq".into()).into_iter().collect();
    doctors[0]
        .joint_slots(&others, &equipment, &request, &occupancy, None)
        .unwrap()
        .slots
        .iter()
        .map(|s| ((s.start - at(0)).num_minutes()) as u32)
        .collect()
}

/// The oracle: every start on the lead's grid, every minute checked.
fn oracle(case: &Case) -> Vec<u32> {
    let (lead_from, lead_to) = case.sessions[0];
    let busy = |who: usize, minute: u32| {
        case.taken
            .iter()
            .filter(|&&(w, from, length)| w == who && from <= minute && minute < from + length)
            .count() as u32
    };
    let free = |who: usize, t: u32| {
        let (from, to) = case.sessions[who];
        from <= t
            && t + case.duration <= to
            && (t..t + case.duration + case.buffer_after).all(|m| busy(who, m) == 0)
    };
    let equipment_free = |t: u32| match case.equipment {
        None => true,
        Some(capacity) => (t..t + case.duration + case.buffer_after)
            .all(|m| busy(case.sessions.len(), m) < capacity),
    };
    (lead_from..lead_to)
        .step_by(case.step as usize)
        .filter(|&t| (0..case.sessions.len()).all(|who| free(who, t)) && equipment_free(t))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn joint_slots_are_the_brute_force_intersection(case in case()) {
        prop_assert_eq!(engine(&case), oracle(&case));
    }
}
