//! Given/when/then scenarios of reschedules, on the same day and across days, and of writers
//! racing the service: a lost race, moves the old day refuses (aborted moves) and concurrent
//! bookers of one seat.

mod booking_support;

use booking_support::*;
use medsched::{
    Actor, Appointment, AppointmentStatus, AppointmentType, BookingPolicy, Bookings, Change,
    Command, DayBook, Event, EventStore, Id, InMemoryStore, Leave, LeaveStatus, NotificationKind,
    PolicyRule, Result, RuleKind, Schedule, StreamId, Unavailable,
};

// ---------------------------------------------------------------------------------------
// Reschedule
// ---------------------------------------------------------------------------------------

#[test]
fn a_same_day_reschedule_moves_the_slot_and_frees_the_old_one() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(60);
    let a = w
        .reschedule(&pat1(), later, MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(a.slot.start, at(MON, "10:00"));
    assert_eq!(a.reschedule_count, 1);
    assert_eq!(a.updated_at, later);
    assert_eq!(a.status, AppointmentStatus::Confirmed);

    let events = w.events(day(MON));
    assert_eq!(events.len(), 2);
    match &events[1].change {
        Change::AppointmentRescheduled {
            appointment_id,
            from,
            to,
        } => {
            assert_eq!(appointment_id, "a-1");
            assert_eq!(from.start, at(MON, "09:00"));
            assert_eq!(to.start, at(MON, "10:00"));
        }
        other => panic!("expected appointment_rescheduled, got {other:?}"),
    }
    assert_eq!(events[1].actor, pat1());
    w.book(&pat2(), later, book_req("a-2", "pat-2", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book(&pat2(), later, book_req("a-3", "pat-2", at(MON, "10:00"))));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "10:00"), Unavailable::Booked)
    );
}

#[test]
fn a_reschedule_may_overlap_its_own_old_slot() {
    let mut types = types();
    types.push(AppointmentType::new("long", 30));
    let w = World {
        bookings: Bookings::new(InMemoryStore::new()),
        schedule: Schedule::new(TENANT, &clinic(), &calendars(), &types).unwrap(),
    };
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "long", at(MON, "09:00")),
    )
    .unwrap();
    // 09:15-09:45 overlaps 09:00-09:30, the appointment's own time: it does not count.
    let a = w
        .reschedule(&pat1(), now(), MON, "a-1", at(MON, "09:15"))
        .unwrap();
    assert_eq!(a.slot.end, at(MON, "09:45"));
}

#[test]
fn a_reschedule_to_another_day_moves_the_appointment_between_day_books() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(60);
    let a = w
        .reschedule(&pat1(), later, MON, "a-1", at(TUE, "10:00"))
        .unwrap();
    assert_eq!(a.book_date, day(TUE));
    assert_eq!(a.moved_from, Some(day(MON)));
    assert_eq!(a.moved_to, None);
    assert_eq!(a.reschedule_count, 1);
    assert_eq!(a.slot.start, at(TUE, "10:00"));
    assert_eq!(a.booked_at, now(), "the booking keeps its history");
    assert_eq!(a.updated_at, later);

    let tue = w.events(day(TUE));
    assert_eq!(tue.len(), 1);
    assert!(
        matches!(&tue[0].change, Change::AppointmentBooked { appointment } if appointment.moved_from == Some(day(MON)))
    );
    let mon = w.events(day(MON));
    assert_eq!(mon.len(), 2);
    match &mon[1].change {
        Change::AppointmentMovedOut {
            appointment_id,
            to_date,
            from_version,
            to,
        } => {
            assert_eq!(appointment_id, "a-1");
            assert_eq!(*to_date, day(TUE));
            assert_eq!(
                *from_version, 1,
                "the move read Monday after its one booking"
            );
            assert_eq!(
                a.moved_from_version,
                Some(1),
                "the copy names the same move"
            );
            assert_eq!(to, &a.slot);
        }
        other => panic!("expected appointment_moved_out, got {other:?}"),
    }
    let old = w.replay(day(MON));
    let old = old.appointment("a-1").unwrap();
    assert_eq!(old.moved_to, Some(day(TUE)));
    assert!(!old.occupies());

    // The appointment is found from its old date.
    let found = w
        .bookings
        .appointment(&w.schedule, day(MON), "a-1")
        .unwrap();
    assert_eq!(found, a);
    // Monday 09:00 is free again; Tuesday 10:00 is taken.
    w.book(&pat2(), later, book_req("a-2", "pat-2", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.book(&pat2(), later, book_req("a-3", "pat-2", at(TUE, "10:00"))));
    assert_eq!(
        e,
        unavailable("dr-a", at(TUE, "10:00"), Unavailable::Booked)
    );

    // Cancelling with the old date cancels it on its new day.
    let c = w.cancel(&pat1(), later, MON, "a-1").unwrap();
    assert_eq!(c.status, AppointmentStatus::Cancelled);
    assert_eq!(c.book_date, day(TUE));
    w.book(&pat2(), later, book_req("a-3", "pat-2", at(TUE, "10:00")))
        .unwrap();
}

#[test]
fn a_reschedule_across_days_keeps_the_pending_status() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
    )
    .unwrap();
    let a = w
        .reschedule(&pat1(), now(), MON, "a-1", at(TUE, "09:00"))
        .unwrap();
    assert_eq!(a.status, AppointmentStatus::Pending);
    let confirmed = w
        .update(
            &staff(),
            now(),
            MON,
            Command::Confirm {
                appointment_id: "a-1".into(),
            },
        )
        .unwrap();
    assert_eq!(confirmed.book_date, day(TUE));
    assert_eq!(confirmed.status, AppointmentStatus::Confirmed);
}

#[test]
fn a_refused_reschedule_to_another_day_changes_nothing() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.reschedule(&pat1(), now(), MON, "a-1", at(THU, "09:00")));
    assert_eq!(
        e,
        unavailable(
            "dr-a",
            at(THU, "09:00"),
            closed(RuleKind::Leave, Some("annual-leave"))
        )
    );
    assert!(w.events(day(THU)).is_empty());
    assert_eq!(w.events(day(MON)).len(), 1);
}

#[test]
fn a_reschedule_back_to_the_original_day_is_allowed() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.reschedule(&pat1(), now(), MON, "a-1", at(TUE, "09:00"))
        .unwrap();
    let back = w
        .reschedule(&pat1(), now(), MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(back.book_date, day(MON));
    assert_eq!(back.slot.start, at(MON, "10:00"));
    assert_eq!(back.reschedule_count, 2);
    let found = w
        .bookings
        .appointment(&w.schedule, day(MON), "a-1")
        .unwrap();
    assert_eq!(found, back);
}

#[test]
fn the_reschedule_limit_binds_everyone() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    w.reschedule(&staff(), now(), MON, "a-1", at(MON, "10:00"))
        .unwrap();
    let limit = policy("a-1", "reschedule", PolicyRule::RescheduleLimit { max: 1 });
    let e = refused(w.reschedule(&pat1(), now(), MON, "a-1", at(MON, "11:00")));
    assert_eq!(e, limit);
    let e = refused(w.reschedule(&staff(), now(), MON, "a-1", at(MON, "11:00")));
    assert_eq!(e, limit);
    // Across days too.
    let e = refused(w.reschedule(&staff(), now(), MON, "a-1", at(TUE, "11:00")));
    assert_eq!(e, limit);
    assert!(w.events(day(TUE)).is_empty());
}

#[test]
fn patients_may_not_reschedule_a_type_that_forbids_it() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "fixed", at(MON, "09:00")),
    )
    .unwrap();
    let e = refused(w.reschedule(&pat1(), now(), MON, "a-1", at(MON, "10:00")));
    assert_eq!(
        e,
        policy("a-1", "reschedule", PolicyRule::PatientRescheduleNotAllowed)
    );
    let e = refused(w.reschedule(&pat1(), now(), MON, "a-1", at(TUE, "10:00")));
    assert_eq!(
        e,
        policy("a-1", "reschedule", PolicyRule::PatientRescheduleNotAllowed)
    );
    let a = w
        .reschedule(&staff(), now(), MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(a.slot.start, at(MON, "10:00"));
}

#[test]
fn a_patient_reschedule_needs_notice_and_staff_are_exempt() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    // 90 minutes before, where 120 are asked.
    let late = at(MON, "07:30");
    let e = refused(w.reschedule(&pat1(), late, MON, "a-1", at(MON, "10:00")));
    assert_eq!(
        e,
        policy(
            "a-1",
            "reschedule",
            PolicyRule::RescheduleNotice { minutes: 120 }
        )
    );
    // Exactly 120 minutes before is enough.
    w.reschedule(&pat1(), at(MON, "07:00"), MON, "a-1", at(MON, "10:00"))
        .unwrap();

    w.book(
        &pat1(),
        now(),
        typed_req("a-2", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    let a = w
        .reschedule(&staff(), late, MON, "a-2", at(MON, "11:00"))
        .unwrap();
    assert_eq!(a.slot.start, at(MON, "11:00"));
}

#[test]
fn a_patient_cannot_reschedule_or_cancel_another_patients_appointment() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let e = refused(w.reschedule(&pat2(), now(), MON, "a-1", at(MON, "10:00")));
    assert_eq!(e, policy("a-1", "reschedule", PolicyRule::NotOwner));
    let e = refused(w.cancel(&pat2(), now(), MON, "a-1"));
    assert_eq!(e, policy("a-1", "cancel", PolicyRule::NotOwner));
}

#[test]
fn rescheduling_to_the_current_start_changes_nothing() {
    let w = world();
    let a = w
        .book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(30);
    let same = w
        .reschedule(&pat1(), later, MON, "a-1", at(MON, "09:00"))
        .unwrap();
    assert_eq!(same, a, "no count, no new updated_at");
    let (_, events) = w
        .execute(
            &pat1(),
            later,
            day(MON),
            &Command::Reschedule {
                appointment_id: "a-1".into(),
                start: at(MON, "09:00"),
            },
        )
        .unwrap();
    assert!(events.is_empty());
    assert_eq!(w.events(day(MON)).len(), 1);
    // A reschedule sent again after it succeeded changes nothing more, on the same day or
    // to another.
    let moved = w
        .reschedule(&pat1(), later, MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(moved.reschedule_count, 1);
    let again = w
        .reschedule(&pat1(), later, MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(again, moved);
    let tue = w
        .reschedule(&pat1(), later, MON, "a-1", at(TUE, "10:00"))
        .unwrap();
    assert_eq!(tue.reschedule_count, 2);
    let again = w
        .reschedule(&pat1(), later, MON, "a-1", at(TUE, "10:00"))
        .unwrap();
    assert_eq!(again, tue);
    assert_eq!(w.events(day(MON)).len(), 3);
    assert_eq!(w.events(day(TUE)).len(), 1);
}

/// BUG: a reschedule to the current start is checked against the reschedule policy before
/// it is found to change nothing, so a host's retry of a reschedule that succeeded is
/// refused once that reschedule used up the type's limit (or the notice has run out
/// since). `decide` documents the repeat as "changes nothing and is not an error, so a host
/// can retry a request safely".
///
/// Input: a `limited` visit (1 reschedule) booked Monday 09:00, rescheduled by staff to
/// 10:00; the same reschedule (to 10:00) sent again. Expected: `Ok`, no events, count 1.
/// Actual: `PolicyViolation { action: "reschedule", rule: RescheduleLimit { max: 1 } }`.
#[test]
fn retrying_a_reschedule_that_used_up_the_limit_changes_nothing() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "limited", at(MON, "09:00")),
    )
    .unwrap();
    let moved = w
        .reschedule(&staff(), now(), MON, "a-1", at(MON, "10:00"))
        .unwrap();
    assert_eq!(moved.reschedule_count, 1);
    let again = w.reschedule(&staff(), now(), MON, "a-1", at(MON, "10:00"));
    assert_eq!(again.unwrap(), moved);
    assert_eq!(w.events(day(MON)).len(), 2);
}

// ---------------------------------------------------------------------------------------
// Concurrent writers
// ---------------------------------------------------------------------------------------

/// When another writer appends `event` to `target`: just before (`Before`) or just after
/// (`After`) the service's next append to `trigger`.
enum When {
    Before,
    After,
}

/// An in-memory store with one planned interference by another writer.
struct Interfering {
    inner: InMemoryStore,
    plan: std::sync::Mutex<Option<(When, StreamId, StreamId, Event)>>,
}

impl Interfering {
    fn new() -> Self {
        Interfering {
            inner: InMemoryStore::new(),
            plan: std::sync::Mutex::new(None),
        }
    }

    fn plan(&self, when: When, trigger: StreamId, target: StreamId, event: Event) {
        *self.plan.lock().unwrap() = Some((when, trigger, target, event));
    }

    fn interfere(&self, target: &StreamId, event: Event) -> Result<()> {
        let version = self.inner.load(target)?.version;
        self.inner.append(target, version, &[event]).map(|_| ())
    }

    fn take(&self, when: &When, stream: &StreamId) -> Option<(StreamId, Event)> {
        let mut plan = self.plan.lock().unwrap();
        let due = plan.as_ref().is_some_and(|(w, trigger, ..)| {
            trigger == stream
                && matches!(
                    (w, when),
                    (When::Before, When::Before) | (When::After, When::After)
                )
        });
        if !due {
            return None;
        }
        plan.take().map(|(_, _, target, event)| (target, event))
    }
}

impl EventStore for Interfering {
    fn load(&self, stream: &StreamId) -> Result<medsched::LoadedStream> {
        self.inner.load(stream)
    }

    fn append(&self, stream: &StreamId, expected_version: u64, events: &[Event]) -> Result<u64> {
        if let Some((target, event)) = self.take(&When::Before, stream) {
            self.interfere(&target, event)?;
        }
        let version = self.inner.append(stream, expected_version, events)?;
        if let Some((target, event)) = self.take(&When::After, stream) {
            self.interfere(&target, event)?;
        }
        Ok(version)
    }

    fn feed(&self, tenant: &Id, after: u64, limit: usize) -> Result<Vec<medsched::FeedEntry>> {
        self.inner.feed(tenant, after, limit)
    }
}

#[test]
fn a_writer_that_loses_the_race_is_refused_after_a_retry() {
    let schedule = schedule(TENANT);
    let bookings = Bookings::new(Interfering::new());
    let stream = StreamId::new(TENANT, day(MON));
    // Pat 2 books Monday 09:00 between Pat 1's load and append.
    let ctx = medsched::Context {
        schedule: &schedule,
        date: day(MON),
        actor: &pat2(),
        now: now(),
    };
    let rival = Command::Book {
        appointment_id: "a-2".into(),
        patient_id: "pat-2".into(),
        doctor_id: "dr-a".into(),
        appointment_type_id: "consult".into(),
        start: at(MON, "09:00"),
    };
    let change = medsched::decide(&DayBook::new(), &rival, &ctx)
        .unwrap()
        .remove(0);
    let event = Event {
        tenant: TENANT.into(),
        actor: pat2(),
        at: now(),
        change,
    };
    bookings
        .store()
        .plan(When::Before, stream.clone(), stream.clone(), event);

    let e = refused(bookings.book(
        &schedule,
        &pat1(),
        now(),
        book_req("a-1", "pat-1", at(MON, "09:00")),
    ));
    assert_eq!(
        e,
        unavailable("dr-a", at(MON, "09:00"), Unavailable::Booked)
    );
    let book = bookings.day(&schedule, day(MON)).unwrap();
    let ids: Vec<&str> = book.appointments().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a-2"]);

    // The same race for another slot: the retry books it.
    let change = medsched::decide(
        &book,
        &Command::Book {
            appointment_id: "a-3".into(),
            patient_id: "pat-2".into(),
            doctor_id: "dr-a".into(),
            appointment_type_id: "consult".into(),
            start: at(MON, "10:00"),
        },
        &ctx,
    )
    .unwrap()
    .remove(0);
    let event = Event {
        tenant: TENANT.into(),
        actor: pat2(),
        at: now(),
        change,
    };
    bookings
        .store()
        .plan(When::Before, stream.clone(), stream, event);
    let a = bookings
        .book(
            &schedule,
            &pat1(),
            now(),
            book_req("a-1", "pat-1", at(MON, "09:15")),
        )
        .unwrap();
    assert_eq!(a.slot.start, at(MON, "09:15"));
    assert_eq!(
        bookings
            .day(&schedule, day(MON))
            .unwrap()
            .appointments()
            .len(),
        3
    );
}

#[test]
fn a_move_the_old_day_refuses_is_recorded_as_aborted_on_the_new_day() {
    let schedule = schedule(TENANT);
    let bookings = Bookings::new(Interfering::new());
    let a1 = bookings
        .book(
            &schedule,
            &pat1(),
            now(),
            book_req("a-1", "pat-1", at(MON, "09:00")),
        )
        .unwrap();
    bookings
        .book(
            &schedule,
            &pat2(),
            now(),
            book_req("a-2", "pat-2", at(MON, "10:00")),
        )
        .unwrap();
    // Staff cancel a-1 on Monday right after the move booked it on Tuesday.
    let cancel = Event {
        tenant: TENANT.into(),
        actor: staff(),
        at: now(),
        change: Change::AppointmentCancelled {
            appointment_id: "a-1".into(),
            slot: a1.slot.clone(),
            reason: Some("patient called".into()),
        },
    };
    bookings.store().plan(
        When::After,
        StreamId::new(TENANT, day(TUE)),
        StreamId::new(TENANT, day(MON)),
        cancel,
    );
    let later = now() + minutes(30);
    let e =
        refused(bookings.reschedule(&schedule, &pat1(), later, day(MON), "a-1", at(TUE, "10:00")));
    assert_eq!(
        e,
        transition("appointment", "a-1", "cancelled", "reschedule")
    );

    // Tuesday records the arrival, then its abort: not a cancellation.
    let tue_events = bookings
        .store()
        .load(&StreamId::new(TENANT, day(TUE)))
        .unwrap()
        .events;
    let types: Vec<String> = tue_events.iter().map(|e| type_of(&e.change)).collect();
    assert_eq!(types, ["appointment_booked", "appointment_move_aborted"]);
    let aborted = &tue_events[1];
    assert_eq!((&aborted.actor, aborted.at), (&pat1(), later));
    match &aborted.change {
        Change::AppointmentMoveAborted {
            appointment_id,
            slot,
            back_to,
        } => {
            assert_eq!(appointment_id, "a-1");
            assert_eq!(slot.start, at(TUE, "10:00"));
            assert_eq!(*back_to, day(MON));
        }
        other => panic!("expected appointment_move_aborted, got {other:?}"),
    }
    assert_eq!(aborted.change.topic(), "slot_availability_changed");
    let json = serde_json::to_value(aborted).unwrap();
    assert_eq!(json["type"], aborted.change.name());
    assert_eq!(json["back_to"], "2026-03-02");
    assert_eq!(serde_json::from_value::<Event>(json).unwrap(), *aborted);

    let tue = bookings.day(&schedule, day(TUE)).unwrap();
    let arrival = tue.appointment("a-1").unwrap();
    assert_eq!(arrival.status, AppointmentStatus::Confirmed);
    assert_eq!(arrival.moved_to, Some(day(MON)));
    assert_eq!(arrival.moved_from, Some(day(MON)));
    assert_eq!(
        (arrival.ended_by.as_ref(), arrival.updated_at),
        (None, later)
    );
    assert!(!arrival.occupies() && !arrival.is_upcoming());
    let mon = bookings.day(&schedule, day(MON)).unwrap();
    let old = mon.appointment("a-1").unwrap();
    assert_eq!(old.status, AppointmentStatus::Cancelled);
    assert_eq!(old.ended_by, Some(staff()));
    assert_eq!(old.moved_to, None);
    // Looked up from Tuesday, the appointment is followed back to where it stayed.
    let found = bookings.appointment(&schedule, day(TUE), "a-1").unwrap();
    assert_eq!(&found, old);

    // Tuesday 10:00 is free again: a later move to that slot works.
    let a2 = bookings
        .reschedule(&schedule, &pat2(), later, day(MON), "a-2", at(TUE, "10:00"))
        .unwrap();
    assert_eq!((a2.book_date, a2.slot.start), (day(TUE), at(TUE, "10:00")));
    // Nothing calls the aborted record upcoming or colliding.
    let reminders = bookings
        .reminders(&schedule, day(TUE)..=day(TUE), now(), at(TUE, "10:00"))
        .unwrap();
    assert!(reminders.iter().all(|n| n.appointment_id == "a-2"));
    assert_eq!(reminders.len(), 2);
    let mut closed_tuesday = schedule.clone();
    let mut calendar = dr_a();
    calendar
        .leaves
        .push(Leave::new("off", LeaveStatus::Approved, day(TUE), day(TUE)));
    closed_tuesday.set_calendar(&calendar).unwrap();
    let ids: Vec<Id> = bookings
        .collisions(&closed_tuesday, day(MON)..=day(TUE), now())
        .unwrap()
        .into_iter()
        .map(|c| c.appointment.id)
        .collect();
    assert_eq!(ids, ["a-2"]);
    // The arrival and its abort are never told: the patient hears of the cancellation, and
    // a-2's patient of the move.
    let told: Vec<(String, NotificationKind)> = bookings
        .feed_notifications(&schedule, 0, 100)
        .unwrap()
        .notifications
        .into_iter()
        .map(|n| (n.appointment_id.to_string(), n.kind))
        .collect();
    assert_eq!(
        told,
        [
            ("a-1".into(), NotificationKind::BookingConfirmed),
            ("a-2".into(), NotificationKind::BookingConfirmed),
            ("a-1".into(), NotificationKind::Cancelled),
            ("a-2".into(), NotificationKind::Rescheduled),
        ]
    );
}

#[test]
fn after_an_aborted_move_the_appointment_can_move_to_that_day_again() {
    // Patients must move a "noticed" visit at least two hours ahead; no reschedule limit.
    let mut types = types();
    types.push(AppointmentType {
        policy: BookingPolicy {
            reschedule_notice_minutes: 120,
            max_reschedules: None,
            ..BookingPolicy::default()
        },
        ..AppointmentType::new("noticed", 15)
    });
    let schedule = Schedule::new(TENANT, &clinic(), &calendars(), &types).unwrap();
    let bookings = Bookings::new(Interfering::new());
    bookings
        .book(
            &schedule,
            &pat1(),
            now(),
            typed_req("a-1", "pat-1", "noticed", at(MON, "11:00")),
        )
        .unwrap();
    // At 08:30 the patient moves it to Tuesday (11:00 is far enough ahead). Between the two
    // steps, staff move it to Monday 09:00 on its day: too close for the patient's move now.
    let moment = at(MON, "08:30");
    let ctx = medsched::Context {
        schedule: &schedule,
        date: day(MON),
        actor: &staff(),
        now: moment,
    };
    let mon = bookings.day(&schedule, day(MON)).unwrap();
    let earlier = Command::Reschedule {
        appointment_id: "a-1".into(),
        start: at(MON, "09:00"),
    };
    let change = medsched::decide(&mon, &earlier, &ctx).unwrap().remove(0);
    bookings.store().plan(
        When::After,
        StreamId::new(TENANT, day(TUE)),
        StreamId::new(TENANT, day(MON)),
        Event {
            tenant: TENANT.into(),
            actor: staff(),
            at: moment,
            change,
        },
    );
    let e = refused(bookings.reschedule(
        &schedule,
        &pat1(),
        moment,
        day(MON),
        "a-1",
        at(TUE, "10:00"),
    ));
    assert_eq!(
        e,
        policy(
            "a-1",
            "reschedule",
            PolicyRule::RescheduleNotice { minutes: 120 }
        )
    );
    let stays = bookings.appointment(&schedule, day(TUE), "a-1").unwrap();
    assert_eq!(
        (stays.book_date, stays.slot.start, stays.reschedule_count),
        (day(MON), at(MON, "09:00"), 1)
    );

    // Staff (exempt from notice) move it to the same Tuesday slot: the aborted record there
    // no longer occupies it, and the new arrival replaces it.
    let moved = bookings
        .reschedule(
            &schedule,
            &staff(),
            moment,
            day(MON),
            "a-1",
            at(TUE, "10:00"),
        )
        .unwrap();
    assert_eq!(moved.book_date, day(TUE));
    assert_eq!(moved.slot.start, at(TUE, "10:00"));
    assert_eq!(moved.moved_from, Some(day(MON)));
    assert_eq!(moved.moved_to, None);
    assert_eq!(moved.reschedule_count, 2);
    assert_eq!(moved.booked_at, now(), "the booking keeps its history");
    let tue_events = bookings
        .store()
        .load(&StreamId::new(TENANT, day(TUE)))
        .unwrap()
        .events;
    let types: Vec<String> = tue_events.iter().map(|e| type_of(&e.change)).collect();
    assert_eq!(
        types,
        [
            "appointment_booked",
            "appointment_move_aborted",
            "appointment_booked"
        ]
    );
    let tue = bookings.day(&schedule, day(TUE)).unwrap();
    assert_eq!(
        tue.appointments(),
        std::slice::from_ref(&moved),
        "one record, replaced"
    );
    let mon = bookings.day(&schedule, day(MON)).unwrap();
    assert_eq!(mon.appointment("a-1").unwrap().moved_to, Some(day(TUE)));
    assert_eq!(
        bookings.appointment(&schedule, day(MON), "a-1").unwrap(),
        moved
    );
    // Told once: the staff move, by Monday. The aborted attempt is never told.
    let kinds: Vec<NotificationKind> = bookings
        .feed_notifications(&schedule, 0, 100)
        .unwrap()
        .notifications
        .into_iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            NotificationKind::BookingConfirmed,
            NotificationKind::Rescheduled,
            NotificationKind::Rescheduled,
        ],
        "booked, moved to 09:00 by staff, moved to Tuesday"
    );
}

#[test]
fn concurrent_bookers_of_the_last_seat_get_one_success() {
    let w = world();
    let results: Vec<Result<Appointment>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let w = &w;
                scope.spawn(move || {
                    let patient = format!("pat-{i}");
                    w.bookings.book(
                        &w.schedule,
                        &Actor::patient(patient.as_str()),
                        now(),
                        book_req(&format!("a-{i}"), &patient, at(MON, "09:00")),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    for e in results.into_iter().filter_map(Result::err) {
        assert_eq!(
            e,
            unavailable("dr-a", at(MON, "09:00"), Unavailable::Booked)
        );
    }
    assert_eq!(w.events(day(MON)).len(), 1);
}
