//! Given/when/then scenarios of reschedules and bookings with writers racing the service: a
//! lost race, moves the old day refuses (aborted moves) and concurrent bookers of one seat.

mod booking_support;

use booking_support::*;
use medsched::{
    AppointmentType, BookingPolicy, Id, Leave, LeaveStatus, PolicyRule, Result, Unavailable,
    booking::Appointment, booking::AppointmentStatus, booking::Bookings, booking::Command,
    booking::DayBook, booking::NotificationKind, booking::Schedule, store::Actor, store::Change,
    store::Event, store::EventStore, store::InMemoryStore, store::StreamId,
};

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
    fn load(&self, stream: &StreamId) -> Result<medsched::store::LoadedStream> {
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

    fn feed(
        &self,
        tenant: &Id,
        after: u64,
        limit: usize,
    ) -> Result<Vec<medsched::store::FeedEntry>> {
        self.inner.feed(tenant, after, limit)
    }
}

#[test]
fn a_writer_that_loses_the_race_is_refused_after_a_retry() {
    let schedule = schedule(TENANT);
    let bookings = Bookings::new(Interfering::new());
    let stream = StreamId::new(TENANT, day(MON));
    // Pat 2 books Monday 09:00 between Pat 1's load and append.
    let ctx = medsched::booking::Context {
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
    let change = medsched::booking::decide(&DayBook::new(), &rival, &ctx)
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
    let change = medsched::booking::decide(
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
    let ctx = medsched::booking::Context {
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
    let change = medsched::booking::decide(&mon, &earlier, &ctx)
        .unwrap()
        .remove(0);
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
