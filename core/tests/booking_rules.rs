//! Given/when/then scenarios of rule changes: the policy an appointment keeps when its type
//! changes or leaves the schedule, and the collisions new calendars, capacities and schedules
//! leave behind.

mod booking_support;

use booking_support::*;
use medsched::{
    AppointmentType, BookingPolicy, DoctorCalendar, Error, Id, Leave, LeaveStatus, PolicyRule,
    RuleKind, Unavailability, Unavailable, booking::AppointmentStatus, booking::BookRequest,
    booking::Bookings, booking::Collision, booking::NotificationKind, booking::Schedule,
    store::InMemoryStore,
};

impl World {
    /// Every doctor's collisions from Monday to Friday, seen at [`now`].
    fn collisions(&self) -> Vec<Collision> {
        self.bookings
            .collisions(&self.schedule, day(MON)..=day(FRI), now())
            .unwrap()
    }
}

// ---------------------------------------------------------------------------------------
// The policy an appointment was booked under
// ---------------------------------------------------------------------------------------

/// The same clinic and doctors with other appointment types.
fn with_types(types: Vec<AppointmentType>) -> Schedule {
    Schedule::new(TENANT, &clinic(), &calendars(), &types).unwrap()
}

#[test]
fn cancelling_after_the_type_left_the_schedule_keeps_the_booked_policy() {
    let mut w = world();
    for (id, hm) in [("a-1", "09:00"), ("a-2", "10:00"), ("a-3", "11:00")] {
        w.book(
            &pat1(),
            now(),
            typed_req(id, "pat-1", "limited", at(MON, hm)),
        )
        .unwrap();
    }
    w.schedule = with_types(types().into_iter().filter(|t| t.id != "limited").collect());
    assert_eq!(
        refused(w.schedule.appointment_type("limited")).code(),
        "not_found"
    );
    // Staff cancel it.
    let a = w.cancel(&staff(), at(SUN, "10:00"), MON, "a-1").unwrap();
    assert_eq!(a.status, AppointmentStatus::Cancelled);
    // A patient still needs the 24 hours' notice it was booked with.
    let e = refused(w.cancel(&pat1(), at(SUN, "10:30"), MON, "a-2"));
    assert_eq!(
        e,
        policy("a-2", "cancel", PolicyRule::CancelNotice { minutes: 1440 })
    );
    let a = w.cancel(&pat1(), at(SUN, "10:00"), MON, "a-2").unwrap();
    assert_eq!(a.ended_by, Some(pat1()));
    // Moving it needs the type's slots, which are gone.
    let e = refused(w.reschedule(&staff(), at(SUN, "10:00"), MON, "a-3", at(MON, "11:30")));
    assert_eq!(
        e,
        Error::NotFound {
            kind: "appointment_type",
            id: "limited".into()
        }
    );
    // Its reminders are still due.
    let due: Vec<NotificationKind> = w
        .bookings
        .reminders(&w.schedule, day(MON)..=day(MON), now(), at(MON, "11:00"))
        .unwrap()
        .into_iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(due, [reminder(1440), reminder(120)]);
}

#[test]
fn a_type_whose_policy_changes_binds_only_later_bookings() {
    let mut w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    let relaxed = BookingPolicy {
        cancel_notice_minutes: 0,
        reschedule_notice_minutes: 0,
        max_reschedules: None,
        reminder_minutes_before: vec![30],
        ..BookingPolicy::default()
    };
    w.schedule = with_types(
        types()
            .into_iter()
            .map(|t| match t.id.as_str() {
                "limited" => AppointmentType {
                    policy: relaxed.clone(),
                    ..t
                },
                _ => t,
            })
            .collect(),
    );
    let b = w
        .book(
            &pat1(),
            now(),
            typed_req("a-2", "pat-1", "limited", at(MON, "10:00")),
        )
        .unwrap();
    assert_eq!(*b.policy, relaxed);
    let late = at(MON, "08:00");
    // a-1 keeps its terms: 24 hours to cancel, 2 hours to move, one move.
    let e = refused(w.cancel(&pat1(), late, MON, "a-1"));
    assert_eq!(
        e,
        policy("a-1", "cancel", PolicyRule::CancelNotice { minutes: 1440 })
    );
    let e = refused(w.reschedule(&pat1(), late, MON, "a-1", at(MON, "11:00")));
    assert_eq!(
        e,
        policy(
            "a-1",
            "reschedule",
            PolicyRule::RescheduleNotice { minutes: 120 }
        )
    );
    // a-2 has the new ones.
    let b = w
        .reschedule(&pat1(), late, MON, "a-2", at(MON, "11:00"))
        .unwrap();
    assert_eq!(b.slot.start, at(MON, "11:00"));
    // Moved to another day, a-1 carries its terms along.
    let moved = w
        .reschedule(&staff(), now(), MON, "a-1", at(TUE, "09:00"))
        .unwrap();
    assert_eq!(moved.policy.cancel_notice_minutes, 1440);
    let e = refused(w.reschedule(&staff(), now(), TUE, "a-1", at(TUE, "10:00")));
    assert_eq!(
        e,
        policy("a-1", "reschedule", PolicyRule::RescheduleLimit { max: 1 })
    );
    // Reminders follow each booking's own terms.
    let mut reminders: Vec<(String, NotificationKind)> = w
        .bookings
        .reminders(&w.schedule, day(MON)..=day(TUE), now(), at(TUE, "09:00"))
        .unwrap()
        .into_iter()
        .map(|n| (n.appointment_id.to_string(), n.kind))
        .collect();
    reminders.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(
        reminders,
        [
            ("a-1".into(), reminder(1440)),
            ("a-1".into(), reminder(120)),
            ("a-2".into(), reminder(30)),
        ]
    );
}

#[test]
fn notice_policies_longer_than_a_year_are_invalid() {
    let year = 365 * 24 * 60;
    let with_notice = |cancel: u32, reschedule: u32| {
        let mut types = types();
        types[2].policy = BookingPolicy {
            cancel_notice_minutes: cancel,
            reschedule_notice_minutes: reschedule,
            ..BookingPolicy::default()
        };
        Schedule::new(TENANT, &clinic(), &calendars(), &types)
    };
    with_notice(year, year).unwrap();
    with_notice(0, 0).unwrap();
    let e = refused(with_notice(year + 1, 0));
    assert_eq!(
        invalid(&e),
        (
            "invalid_input",
            "appointment_types[2].policy.cancel_notice_minutes",
            "out_of_range"
        )
    );
    assert_eq!(e.value(), Some("525601"));
    let e = refused(with_notice(0, u32::MAX));
    assert_eq!(
        invalid(&e),
        (
            "invalid_input",
            "appointment_types[2].policy.reschedule_notice_minutes",
            "out_of_range"
        )
    );
}

// ---------------------------------------------------------------------------------------
// Collisions
// ---------------------------------------------------------------------------------------

#[test]
fn collisions_list_the_appointments_new_closures_cover() {
    let mut w = world();
    for (id, hm) in [("a-1", "09:00"), ("a-2", "10:00"), ("a-3", "11:00")] {
        w.book(&staff(), now(), book_req(id, "pat-1", at(MON, hm)))
            .unwrap();
    }
    assert!(w.collisions().is_empty());

    let mut calendar = dr_a();
    calendar.leaves.push(Leave {
        start_time: Some("09:00".parse().unwrap()),
        end_time: Some("09:30".parse().unwrap()),
        ..Leave::new("sick-morning", LeaveStatus::Approved, day(MON), day(MON))
    });
    calendar.forced_blocks.push(Unavailability::new(
        "board-meeting",
        at(MON, "10:10"),
        at(MON, "10:40"),
    ));
    w.schedule.set_calendar(&calendar).unwrap();

    let found = w.collisions();
    let got: Vec<(&str, &Unavailable)> = found
        .iter()
        .map(|c| (c.appointment.id.as_str(), &c.reason))
        .collect();
    assert_eq!(
        got,
        [
            ("a-1", &closed(RuleKind::Leave, Some("sick-morning"))),
            ("a-2", &closed(RuleKind::ForcedBlock, Some("board-meeting"))),
        ]
    );
    assert_eq!(found[0].appointment.status, AppointmentStatus::Confirmed);
    // Nothing was changed by the new rules.
    assert_eq!(w.events(day(MON)).len(), 3);
    // Dr B, who shares room r1 with Dr A, is not touched by Dr A's new rules.
    w.book(
        &staff(),
        now(),
        BookRequest {
            doctor_id: "dr-b".into(),
            ..book_req("b-1", "pat-2", at(TUE, "09:00"))
        },
    )
    .unwrap();
    let ids: Vec<Id> = w
        .collisions()
        .into_iter()
        .map(|c| c.appointment.id)
        .collect();
    assert_eq!(ids, ["a-1", "a-2"]);
}

#[test]
fn collisions_skip_cancelled_and_past_appointments() {
    let mut w = world();
    w.book(&staff(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.book(&staff(), now(), book_req("a-2", "pat-1", at(MON, "09:15")))
        .unwrap();
    w.cancel(&staff(), now(), MON, "a-2").unwrap();
    let mut calendar = dr_a();
    calendar
        .leaves
        .push(Leave::new("off", LeaveStatus::Approved, day(MON), day(MON)));
    w.schedule.set_calendar(&calendar).unwrap();
    let ids: Vec<Id> = w
        .collisions()
        .into_iter()
        .map(|c| c.appointment.id)
        .collect();
    assert_eq!(ids, ["a-1"]);
    let after = w
        .bookings
        .collisions(&w.schedule, day(MON)..=day(MON), at(MON, "09:15"))
        .unwrap();
    assert!(after.is_empty(), "a-1 has ended: {after:?}");
}

#[test]
fn a_reduced_capacity_lists_the_later_booking() {
    let mut w = world();
    let with_dr_c = |id: &str, patient: &str, hm: &str| BookRequest {
        doctor_id: "dr-c".into(),
        ..book_req(id, patient, at(MON, hm))
    };
    w.book(&staff(), now(), with_dr_c("c-1", "pat-1", "09:00"))
        .unwrap();
    w.book(&staff(), now(), with_dr_c("c-2", "pat-2", "09:00"))
        .unwrap();
    w.book(&staff(), now(), with_dr_c("c-3", "pat-3", "10:00"))
        .unwrap();
    let e = refused(w.book(&staff(), now(), with_dr_c("c-4", "pat-4", "09:00")));
    assert_eq!(
        e,
        unavailable("dr-c", at(MON, "09:00"), Unavailable::Booked)
    );
    assert!(w.collisions().is_empty());

    w.schedule.set_calendar(&dr_c(1)).unwrap();
    let found = w.collisions();
    let got: Vec<(&str, &Unavailable)> = found
        .iter()
        .map(|c| (c.appointment.id.as_str(), &c.reason))
        .collect();
    assert_eq!(got, [("c-2", &Unavailable::Booked)]);
}

#[test]
fn a_shared_room_whose_capacity_is_lowered_lists_only_the_later_booking() {
    // Room r1 first takes two patients at once: Dr A and Dr B see one each.
    let roomy = |capacity| {
        let mut clinic = clinic();
        clinic.locations[0].rooms[0].capacity = capacity;
        Schedule::new(TENANT, &clinic, &calendars(), &types()).unwrap()
    };
    let mut w = World {
        bookings: Bookings::new(InMemoryStore::new()),
        schedule: roomy(2),
    };
    let with = |doctor: &str, id: &str, start| BookRequest {
        doctor_id: doctor.into(),
        ..book_req(id, "pat-1", start)
    };
    // Monday: Dr B books first; Tuesday: Dr A does.
    w.book(&staff(), now(), with("dr-b", "b-1", at(MON, "09:00")))
        .unwrap();
    w.book(&staff(), now(), with("dr-a", "a-1", at(MON, "09:00")))
        .unwrap();
    w.book(&staff(), now(), with("dr-a", "a-2", at(TUE, "09:00")))
        .unwrap();
    w.book(&staff(), now(), with("dr-b", "b-2", at(TUE, "09:00")))
        .unwrap();
    // Alone in the room at their time.
    w.book(&staff(), now(), with("dr-a", "a-3", at(MON, "10:00")))
        .unwrap();
    w.book(&staff(), now(), with("dr-b", "b-3", at(TUE, "11:00")))
        .unwrap();
    assert!(w.collisions().is_empty());

    // A new schedule takes the room back to one patient at a time.
    w.schedule = roomy(1);
    let full = Unavailable::RoomFull {
        room_id: "r1".into(),
    };
    let found = w.collisions();
    let got: Vec<(&str, &Unavailable)> = found
        .iter()
        .map(|c| (c.appointment.id.as_str(), &c.reason))
        .collect();
    assert_eq!(got, [("a-1", &full), ("b-2", &full)]);
    assert_eq!(found[0].appointment.book_date, day(MON));
    // Once the later booking moves away, the room holds what is left.
    w.reschedule(&staff(), now(), MON, "a-1", at(MON, "11:00"))
        .unwrap();
    w.cancel(&staff(), now(), TUE, "b-2").unwrap();
    assert!(w.collisions().is_empty());
}

#[test]
fn appointments_of_a_doctor_no_longer_in_the_schedule_are_listed_outside_hours() {
    let mut w = world();
    let with = |doctor: &str, id: &str, start| BookRequest {
        doctor_id: doctor.into(),
        ..book_req(id, "pat-1", start)
    };
    w.book(&staff(), now(), with("dr-a", "a-1", at(MON, "09:00")))
        .unwrap();
    w.book(&staff(), now(), with("dr-b", "b-1", at(MON, "09:15")))
        .unwrap();
    w.book(&staff(), now(), with("dr-b", "b-2", at(TUE, "10:00")))
        .unwrap();
    w.book(&staff(), now(), with("dr-b", "b-3", at(MON, "09:45")))
        .unwrap();
    w.cancel(&staff(), now(), MON, "b-3").unwrap();
    w.book(&staff(), now(), with("dr-c", "c-1", at(MON, "09:00")))
        .unwrap();
    let without_b: Vec<DoctorCalendar> = calendars()
        .into_iter()
        .filter(|c| c.doctor_id != "dr-b")
        .collect();
    w.schedule = Schedule::new(TENANT, &clinic(), &without_b, &types()).unwrap();
    let found = w.collisions();
    let outside = closed(RuleKind::OutsideHours, None);
    let got: Vec<(&str, &Unavailable)> = found
        .iter()
        .map(|c| (c.appointment.id.as_str(), &c.reason))
        .collect();
    assert_eq!(got, [("b-1", &outside), ("b-2", &outside)]);
    // Once ended, it is no longer listed.
    let later = w
        .bookings
        .collisions(&w.schedule, day(MON)..=day(MON), at(MON, "09:30"))
        .unwrap();
    assert!(later.is_empty(), "{later:?}");
    // Staff can still cancel it (its policy came with it), and its room is free for Dr A.
    w.cancel(&staff(), now(), MON, "b-1").unwrap();
    w.book(&staff(), now(), with("dr-a", "a-2", at(MON, "09:15")))
        .unwrap();
    // Nothing else can be done with its doctor's slots.
    let e = refused(w.reschedule(&staff(), now(), TUE, "b-2", at(TUE, "10:15")));
    assert_eq!(
        e,
        Error::NotFound {
            kind: "doctor",
            id: "dr-b".into()
        }
    );
}
