//! Team pools: "any doctor of this team", chosen by a rule, returned with the reason
//! (docs/RESOURCES.md). Scenarios on the day book, races, and the rule against a
//! brute-force oracle.

mod resources_support;

use chrono::{DateTime, Utc};
use medsched::booking::{
    AssignmentReason, AssignmentRule, Bookings, Pool, PoolBookRequest, PoolBooking, PoolCandidate,
    assign,
};
use medsched::store::InMemoryStore;
use medsched::{Error, Id, Result, RuleKind, Unavailable};
use proptest::prelude::*;
use resources_support::*;

const TEAM: [&str; 3] = ["dr-ash", "dr-bay", "dr-cole"];

fn pool(rule: AssignmentRule) -> Pool {
    Pool {
        id: "gp-team".into(),
        doctor_ids: TEAM.iter().map(|&d| d.into()).collect(),
        rule,
    }
}

fn request(id: &str, rule: AssignmentRule, start: DateTime<Utc>) -> PoolBookRequest {
    PoolBookRequest {
        appointment_id: id.into(),
        patient_id: format!("pat-{id}").into(),
        pool: pool(rule),
        appointment_type_id: "consult".into(),
        start,
    }
}

fn from_pool(b: &Bookings<InMemoryStore>, r: PoolBookRequest) -> Result<PoolBooking> {
    b.book_from_pool(&schedule(), &staff(), now(), r)
}

fn preferred(doctor: &str) -> AssignmentRule {
    AssignmentRule::Preferred {
        doctor_id: doctor.into(),
    }
}

#[test]
fn round_robin_takes_turns_by_count_of_bookings() {
    let b = Bookings::new(InMemoryStore::new());
    let starts = ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15"];
    let chosen: Vec<_> = starts
        .iter()
        .enumerate()
        .map(|(i, hm)| {
            let r = request(&format!("a-{i}"), AssignmentRule::RoundRobin, at(hm));
            from_pool(&b, r).unwrap().assignment
        })
        .collect();
    let doctors: Vec<_> = chosen.iter().map(|a| a.doctor_id.as_str()).collect();
    assert_eq!(
        doctors,
        ["dr-ash", "dr-bay", "dr-cole", "dr-ash", "dr-bay", "dr-cole"]
    );
    let counts: Vec<_> = chosen.iter().map(|a| a.reason.clone()).collect();
    let fewest = |bookings| AssignmentReason::FewestBookings { bookings };
    assert_eq!(
        counts,
        [
            fewest(0),
            fewest(0),
            fewest(0),
            fewest(1),
            fewest(1),
            fewest(1)
        ]
    );
}

#[test]
fn least_loaded_counts_minutes_and_first_free_skips_the_busy() {
    let (s, b) = (schedule(), Bookings::new(InMemoryStore::new()));
    // Ash has a 60-minute operation, Bay two 15-minute consultations.
    b.book(&s, &staff(), now(), book("op", "dr-ash", "op", at("09:00")))
        .unwrap();
    for (id, hm) in [("c-1", "10:00"), ("c-2", "10:15")] {
        b.book(&s, &staff(), now(), book(id, "dr-bay", "consult", at(hm)))
            .unwrap();
    }
    let least = from_pool(&b, request("a-1", AssignmentRule::LeastLoaded, at("11:00"))).unwrap();
    assert_eq!(least.assignment.doctor_id.as_str(), "dr-cole");
    let least = from_pool(&b, request("a-2", AssignmentRule::LeastLoaded, at("11:15"))).unwrap();
    assert_eq!(least.assignment.doctor_id.as_str(), "dr-cole");
    let least = from_pool(&b, request("a-3", AssignmentRule::LeastLoaded, at("11:30"))).unwrap();
    assert_eq!(least.assignment.doctor_id.as_str(), "dr-bay");
    assert_eq!(
        least.assignment.reason,
        AssignmentReason::LeastLoaded { booked_minutes: 30 }
    );
    let first = from_pool(&b, request("a-4", AssignmentRule::FirstFree, at("09:15"))).unwrap();
    assert_eq!(first.assignment.doctor_id.as_str(), "dr-bay");
    assert_eq!(
        first.assignment.reason,
        AssignmentReason::FirstFree { position: 1 }
    );
    assert_eq!(first.assignment.passed_over.len(), 1);
    assert_eq!(first.assignment.passed_over[0].doctor_id.as_str(), "dr-ash");
    assert_eq!(first.assignment.passed_over[0].reason, Unavailable::Booked);
    assert_eq!(first.appointment.slot.doctor_id.as_str(), "dr-bay");
}

#[test]
fn a_preferred_doctor_first_then_the_first_free() {
    let b = Bookings::new(InMemoryStore::new());
    let mine = from_pool(&b, request("a-1", preferred("dr-cole"), at("09:00"))).unwrap();
    assert_eq!(mine.assignment.doctor_id.as_str(), "dr-cole");
    assert_eq!(mine.assignment.reason, AssignmentReason::Preferred);
    let next = from_pool(&b, request("a-2", preferred("dr-cole"), at("09:00"))).unwrap();
    assert_eq!(next.assignment.doctor_id.as_str(), "dr-ash");
    assert_eq!(
        next.assignment.reason,
        AssignmentReason::PreferredUnavailable {
            reason: Unavailable::Booked,
            position: 0
        }
    );
}

#[test]
fn nobody_free_is_refused_with_the_first_doctors_reason() {
    let b = Bookings::new(InMemoryStore::new());
    for i in 0..3 {
        from_pool(
            &b,
            request(&format!("a-{i}"), AssignmentRule::FirstFree, at("09:00")),
        )
        .unwrap();
    }
    let full = from_pool(&b, request("a-9", AssignmentRule::FirstFree, at("09:00")));
    assert!(matches!(
        full,
        Err(Error::SlotUnavailable { ref doctor_id, reason: Unavailable::Booked, .. }) if doctor_id.as_str() == "dr-ash"
    ));
    let late = from_pool(&b, request("a-9", AssignmentRule::FirstFree, at("12:30")));
    assert!(matches!(
        late,
        Err(Error::SlotUnavailable {
            reason: Unavailable::Closed {
                rule: RuleKind::OutsideHours,
                ..
            },
            ..
        })
    ));
}

#[test]
fn a_repeat_returns_the_same_appointment() {
    let b = Bookings::new(InMemoryStore::new());
    let r = request("a-1", AssignmentRule::RoundRobin, at("09:00"));
    let first = from_pool(&b, r.clone()).unwrap();
    let again = from_pool(&b, r).unwrap();
    assert_eq!(first.appointment, again.appointment);
    assert_eq!(again.assignment.reason, AssignmentReason::AlreadyBooked);
    let day = b.day(&schedule(), DAY.parse().unwrap()).unwrap();
    assert_eq!(day.appointments().len(), 1);
}

#[test]
fn a_bad_pool_is_refused_naming_the_field() {
    let b = Bookings::new(InMemoryStore::new());
    let field = |r: PoolBookRequest| match from_pool(&b, r) {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("expected invalid_input, got {other:?}"),
    };
    let mut empty = request("a-1", AssignmentRule::FirstFree, at("09:00"));
    empty.pool.doctor_ids.clear();
    assert_eq!(field(empty), "pool.doctor_ids");
    let mut twice = request("a-1", AssignmentRule::FirstFree, at("09:00"));
    twice.pool.doctor_ids.push("dr-ash".into());
    assert_eq!(field(twice), "pool.doctor_ids[3]");
    assert_eq!(
        field(request("a-1", preferred("dr-cut"), at("09:00"))),
        "pool.rule.doctor_id"
    );
    let mut unknown = request("a-1", AssignmentRule::FirstFree, at("09:00"));
    unknown.pool.doctor_ids.push("dr-nobody".into());
    assert!(matches!(
        from_pool(&b, unknown),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn racing_pool_bookings_give_each_doctor_one_patient() {
    let b = Bookings::new(InMemoryStore::new());
    let booked: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..9)
            .map(|i| {
                let b = &b;
                scope.spawn(move || {
                    let r = request(&format!("a-{i}"), AssignmentRule::RoundRobin, at("09:00"));
                    from_pool(b, r)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut doctors: Vec<_> = booked
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|p| p.appointment.slot.doctor_id.to_string())
        .collect();
    doctors.sort();
    assert_eq!(doctors, TEAM);
    for r in booked.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(r.code(), "slot_unavailable");
    }
}

/// The oracle: every free doctor compared with every other, by the rule's key then pool
/// order; the one no other beats.
fn oracle(rule: &AssignmentRule, candidates: &[PoolCandidate]) -> Option<Id> {
    let free: Vec<usize> = (0..candidates.len())
        .filter(|&i| candidates[i].unavailable.is_none())
        .collect();
    let key = |i: usize| match rule {
        AssignmentRule::FirstFree => (0, i),
        AssignmentRule::RoundRobin => (u64::from(candidates[i].bookings), i),
        AssignmentRule::LeastLoaded => (u64::from(candidates[i].booked_minutes), i),
        AssignmentRule::Preferred { doctor_id } => {
            (u64::from(candidates[i].doctor_id != *doctor_id), i)
        }
    };
    let best = free
        .iter()
        .copied()
        .find(|&i| free.iter().all(|&j| key(i) <= key(j)))?;
    Some(candidates[best].doctor_id.clone())
}

fn candidates() -> impl Strategy<Value = (AssignmentRule, Vec<PoolCandidate>)> {
    (1usize..7).prop_flat_map(|n| {
        let one = (any::<bool>(), 0u32..4, 0u32..4)
            .prop_map(|(free, bookings, quarter)| (free, bookings, bookings * 15 + quarter * 5));
        let rule = prop_oneof![
            Just(AssignmentRule::FirstFree),
            Just(AssignmentRule::RoundRobin),
            Just(AssignmentRule::LeastLoaded),
            (0..n).prop_map(|i| AssignmentRule::Preferred {
                doctor_id: format!("dr-{i}").into()
            }),
        ];
        (rule, proptest::collection::vec(one, n)).prop_map(|(rule, people)| {
            let candidates = people
                .into_iter()
                .enumerate()
                .map(|(i, (free, bookings, booked_minutes))| PoolCandidate {
                    doctor_id: format!("dr-{i}").into(),
                    unavailable: (!free).then_some(Unavailable::Booked),
                    bookings,
                    booked_minutes,
                })
                .collect();
            (rule, candidates)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_rule_chooses_as_the_brute_force_oracle((rule, candidates) in candidates()) {
        let pool = Pool {
            id: "p".into(),
            doctor_ids: candidates.iter().map(|c| c.doctor_id.clone()).collect(),
            rule: rule.clone(),
        };
        let start = at("09:00");
        let chosen = assign(&pool, start, &candidates);
        match oracle(&rule, &candidates) {
            Some(expected) => {
                let chosen = chosen.unwrap();
                prop_assert_eq!(&chosen.doctor_id, &expected);
                let passed: Vec<_> = chosen.passed_over.iter().map(|p| p.doctor_id.clone()).collect();
                let busy: Vec<_> = candidates.iter().filter(|c| c.unavailable.is_some()).map(|c| c.doctor_id.clone()).collect();
                prop_assert_eq!(passed, busy);
                // Deterministic: the same input, the same choice.
                prop_assert_eq!(assign(&pool, start, &candidates).unwrap(), chosen);
            }
            None => prop_assert_eq!(chosen.unwrap_err().code(), "slot_unavailable"),
        }
    }
}
