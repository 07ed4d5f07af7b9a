//! Given/when/then scenarios of what the service tells others: notifications of changes,
//! reminders, and the change feed (its positions, topics and events, and event stores whose
//! positions only increase).

mod booking_support;

use booking_support::*;
use chrono::{DateTime, NaiveDate, Utc};
use medsched::{
    Id, Result, booking::Bookings, booking::Command, booking::Notification,
    booking::NotificationKind, store::Change, store::Event, store::EventStore,
    store::InMemoryStore, store::StreamId,
};

// ---------------------------------------------------------------------------------------
// Notifications
// ---------------------------------------------------------------------------------------

/// The notifications of every change in the tenant's feed, read in one go.
fn change_notifications(w: &World) -> Vec<Notification> {
    let read = w.bookings.feed_notifications(&w.schedule, 0, 1000).unwrap();
    let feed = w.bookings.feed(&w.schedule, 0, 1000).unwrap();
    assert_eq!(
        read.position,
        feed.last().map_or(0, |f| f.position),
        "read up to the end of the feed"
    );
    read.notifications
}

/// The reminders of the appointments of Monday to Friday, due in 2026.
fn all_reminders(w: &World) -> Vec<Notification> {
    w.bookings
        .reminders(
            &w.schedule,
            day(MON)..=day(FRI),
            t("2026-01-01T00:00:00Z"),
            t("2026-12-31T00:00:00Z"),
        )
        .unwrap()
}

/// The changes' notifications and the reminders, by `send_at` then id (as
/// [`medsched::booking::notifications`] orders one day book's).
fn all_notifications(w: &World) -> Vec<(String, NotificationKind, DateTime<Utc>)> {
    let mut all = change_notifications(w);
    all.extend(all_reminders(w));
    all.sort_by(|x, y| (x.send_at, &x.id).cmp(&(y.send_at, &y.id)));
    all.into_iter()
        .map(|n| (n.appointment_id.to_string(), n.kind, n.send_at))
        .collect()
}

#[test]
fn a_booking_is_confirmed_at_once_and_reminded_24h_and_2h_ahead() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let changes = change_notifications(&w);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].id, "a-1/2026-03-02/1",
        "appointment/book date/version"
    );
    assert_eq!(changes[0].kind, NotificationKind::BookingConfirmed);
    assert_eq!(changes[0].patient_id, "pat-1");
    assert_eq!(changes[0].doctor_id, "dr-a");
    assert_eq!(changes[0].start, at(MON, "09:00"));
    assert_eq!(changes[0].send_at, now());
    let reminders = all_reminders(&w);
    let ids: Vec<&str> = reminders.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "a-1/2026-03-02/reminder_1440/2026-03-02T09:00:00+00:00",
            "a-1/2026-03-02/reminder_120/2026-03-02T09:00:00+00:00",
        ]
    );
    assert_eq!(
        all_notifications(&w),
        [
            ("a-1".into(), NotificationKind::BookingConfirmed, now()),
            ("a-1".into(), reminder(1440), at(SUN, "09:00")),
            ("a-1".into(), reminder(120), at(MON, "07:00")),
        ]
    );
    // The pure function gives both for one day book's events, with the same ids.
    let mut both = changes;
    both.extend(reminders);
    assert_eq!(medsched::booking::notifications(&w.events(day(MON))), both);
}

#[test]
fn no_reminder_is_due_whose_time_had_passed_at_booking() {
    let w = world();
    w.book(
        &pat1(),
        at(SUN, "10:00"),
        book_req("a-1", "pat-1", at(MON, "09:00")),
    )
    .unwrap();
    assert_eq!(
        all_notifications(&w),
        [
            (
                "a-1".into(),
                NotificationKind::BookingConfirmed,
                at(SUN, "10:00")
            ),
            ("a-1".into(), reminder(120), at(MON, "07:00")),
        ]
    );
}

#[test]
fn a_pending_booking_is_received_and_reminded_once_confirmed() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
    )
    .unwrap();
    assert_eq!(
        all_notifications(&w),
        [("a-1".into(), NotificationKind::BookingReceived, now())]
    );
    let confirmed_at = at(SUN, "12:00");
    w.update(
        &staff(),
        confirmed_at,
        MON,
        Command::Confirm {
            appointment_id: "a-1".into(),
        },
    )
    .unwrap();
    assert_eq!(
        all_notifications(&w),
        [
            ("a-1".into(), NotificationKind::BookingReceived, now()),
            (
                "a-1".into(),
                NotificationKind::BookingConfirmed,
                confirmed_at
            ),
            ("a-1".into(), reminder(120), at(MON, "07:00")),
        ]
    );
}

#[test]
fn a_cancelled_appointment_is_notified_and_not_reminded() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(60);
    w.cancel(&pat1(), later, MON, "a-1").unwrap();
    assert_eq!(
        all_notifications(&w),
        [
            ("a-1".into(), NotificationKind::BookingConfirmed, now()),
            ("a-1".into(), NotificationKind::Cancelled, later),
        ]
    );
}

#[test]
fn a_declined_appointment_is_notified() {
    let w = world();
    w.book(
        &pat1(),
        now(),
        typed_req("a-1", "pat-1", "review", at(MON, "09:00")),
    )
    .unwrap();
    w.update(&staff(), now(), MON, lifecycle_command("decline", "a-1"))
        .unwrap();
    assert_eq!(
        all_notifications(&w),
        [
            ("a-1".into(), NotificationKind::BookingReceived, now()),
            ("a-1".into(), NotificationKind::Declined, now()),
        ]
    );
}

#[test]
fn a_rescheduled_appointment_is_reminded_at_its_new_time() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(60);
    w.reschedule(&pat1(), later, MON, "a-1", at(MON, "10:00"))
        .unwrap();
    let changes = change_notifications(&w);
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[1].kind, NotificationKind::Rescheduled);
    assert_eq!(changes[1].start, at(MON, "10:00"));
    assert_eq!(changes[1].id, "a-1/2026-03-02/2");
    assert_eq!(
        all_notifications(&w),
        [
            ("a-1".into(), NotificationKind::BookingConfirmed, now()),
            ("a-1".into(), NotificationKind::Rescheduled, later),
            ("a-1".into(), reminder(1440), at(SUN, "10:00")),
            ("a-1".into(), reminder(120), at(MON, "08:00")),
        ]
    );
    // The reminders of the new time have new ids: the old ones are never sent.
    let ids: Vec<String> = all_reminders(&w).into_iter().map(|n| n.id).collect();
    assert_eq!(
        ids,
        [
            "a-1/2026-03-02/reminder_1440/2026-03-02T10:00:00+00:00",
            "a-1/2026-03-02/reminder_120/2026-03-02T10:00:00+00:00",
        ]
    );
}

#[test]
fn a_move_to_another_day_is_notified_once_and_reminded_there() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let later = now() + minutes(60);
    w.reschedule(&pat1(), later, MON, "a-1", at(TUE, "10:00"))
        .unwrap();
    let changes = change_notifications(&w);
    let rescheduled: Vec<&Notification> = changes
        .iter()
        .filter(|n| n.kind == NotificationKind::Rescheduled)
        .collect();
    assert_eq!(rescheduled.len(), 1, "{changes:?}");
    // Told by the old day, when the move is final, with the new start.
    assert_eq!(rescheduled[0].id, "a-1/2026-03-02/2");
    assert_eq!(rescheduled[0].start, at(TUE, "10:00"));
    assert_eq!(rescheduled[0].doctor_id, "dr-a");
    assert_eq!(changes.len(), 2, "the arrival on Tuesday gives none");
    assert_eq!(
        all_notifications(&w),
        [
            ("a-1".into(), NotificationKind::BookingConfirmed, now()),
            ("a-1".into(), NotificationKind::Rescheduled, later),
            ("a-1".into(), reminder(1440), at(MON, "10:00")),
            ("a-1".into(), reminder(120), at(TUE, "08:00")),
        ]
    );
    let ids: Vec<String> = all_reminders(&w).into_iter().map(|n| n.id).collect();
    assert_eq!(
        ids,
        [
            "a-1/2026-03-03/reminder_1440/2026-03-03T10:00:00+00:00",
            "a-1/2026-03-03/reminder_120/2026-03-03T10:00:00+00:00",
        ]
    );
    // Each day book's own notifications: Tuesday's arrival gives reminders only.
    let tue: Vec<NotificationKind> = medsched::booking::notifications(&w.events(day(TUE)))
        .into_iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(tue, [reminder(1440), reminder(120)]);
}

#[test]
fn reminders_are_due_in_a_window_after_exclusive_until_inclusive() {
    let w = world();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    let due = |after: DateTime<Utc>, until: DateTime<Utc>| -> Vec<NotificationKind> {
        w.bookings
            .reminders(&w.schedule, day(MON)..=day(MON), after, until)
            .unwrap()
            .into_iter()
            .map(|n| n.kind)
            .collect()
    };
    // The 24 h reminder at Sunday 09:00 sits exactly on `until`: due; on `after`: not.
    assert_eq!(due(now(), at(SUN, "09:00")), [reminder(1440)]);
    assert_eq!(due(now(), at(SUN, "08:59")), []);
    assert_eq!(due(at(SUN, "09:00"), at(MON, "07:00")), [reminder(120)]);
    assert_eq!(
        due(now(), at(MON, "09:00")),
        [reminder(1440), reminder(120)]
    );
    // Reminders only: the booking's own notification comes from the feed.
    assert_eq!(due(now() - minutes(1), at(SUN, "08:30")), []);
    // Only the day books asked for are read.
    let other_days = w
        .bookings
        .reminders(&w.schedule, day(TUE)..=day(FRI), now(), at(MON, "09:00"))
        .unwrap();
    assert!(other_days.is_empty());
    // A bad range is refused.
    let e =
        refused(
            w.bookings
                .reminders(&w.schedule, day(TUE)..=day(MON), now(), at(MON, "07:00")),
        );
    assert_eq!(e.code(), "invalid_input");
}

#[test]
fn feed_notifications_resume_from_the_returned_position() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.book_hold(&pat1(), now(), "h-1", "a-1").unwrap();
    w.book(
        &pat2(),
        now(),
        typed_req("a-2", "pat-2", "review", at(MON, "10:00")),
    )
    .unwrap();
    w.hold(&pat2(), now(), hold_req("h-2", "pat-2", at(MON, "11:00")))
        .unwrap();
    w.update(&staff(), now(), MON, lifecycle_command("confirm", "a-2"))
        .unwrap();
    w.reschedule(&pat1(), now(), MON, "a-1", at(TUE, "09:00"))
        .unwrap();
    w.cancel(&pat2(), now(), MON, "a-2").unwrap();
    w.release(&pat2(), now(), "h-2").unwrap();

    let all = w.bookings.feed_notifications(&w.schedule, 0, 1000).unwrap();
    let kinds: Vec<(&str, NotificationKind)> = all
        .notifications
        .iter()
        .map(|n| (n.appointment_id.as_str(), n.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("a-1", NotificationKind::BookingConfirmed),
            ("a-2", NotificationKind::BookingReceived),
            ("a-2", NotificationKind::BookingConfirmed),
            ("a-1", NotificationKind::Rescheduled),
            ("a-2", NotificationKind::Cancelled),
        ]
    );
    let feed = w.bookings.feed(&w.schedule, 0, 1000).unwrap();
    assert_eq!(all.position, feed.last().unwrap().position);

    // Read in pages of every size, each from the position the last page returned: the same
    // notifications, none missed or told twice.
    for limit in 1..=feed.len() {
        let (mut after, mut got) = (0, Vec::new());
        loop {
            let page = w
                .bookings
                .feed_notifications(&w.schedule, after, limit)
                .unwrap();
            if page.position == after {
                assert!(page.notifications.is_empty());
                break;
            }
            assert!(page.position > after);
            after = page.position;
            got.extend(page.notifications);
        }
        assert_eq!(got, all.notifications, "pages of {limit}");
        assert_eq!(after, all.position);
    }
    // Nothing new: nothing more, and the position stays.
    let again = w
        .bookings
        .feed_notifications(&w.schedule, all.position, 10)
        .unwrap();
    assert_eq!(again.notifications, []);
    assert_eq!(again.position, all.position);
    // A later change is read from there.
    w.book(&pat1(), now(), book_req("a-3", "pat-1", at(WED, "10:00")))
        .unwrap();
    let next = w
        .bookings
        .feed_notifications(&w.schedule, all.position, 10)
        .unwrap();
    let ids: Vec<&str> = next.notifications.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["a-3/2026-03-04/1"]);
    assert_eq!(next.position, all.position + 1);
}

#[test]
fn a_booking_far_ahead_is_notified_from_the_feed() {
    let w = world();
    // Monday 1 March 2027, a year ahead (London is on UTC then too).
    let far = t("2027-03-01T09:00:00Z");
    let a = w
        .book(&pat1(), now(), book_req("a-1", "pat-1", far))
        .unwrap();
    assert_eq!(a.book_date, day("2027-03-01"));
    let changes = change_notifications(&w);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].kind, NotificationKind::BookingConfirmed);
    assert_eq!(changes[0].id, "a-1/2027-03-01/1");
    assert_eq!(changes[0].start, far);
    assert_eq!(changes[0].send_at, now());
    // Its reminders come when the reminder job reads its day.
    let due = w
        .bookings
        .reminders(
            &w.schedule,
            day("2027-02-28")..=day("2027-03-01"),
            t("2027-02-28T00:00:00Z"),
            far,
        )
        .unwrap();
    let kinds: Vec<NotificationKind> = due.into_iter().map(|n| n.kind).collect();
    assert_eq!(kinds, [reminder(1440), reminder(120)]);
}

// ---------------------------------------------------------------------------------------
// Change feed
// ---------------------------------------------------------------------------------------

#[test]
fn the_in_memory_feed_is_gapless_and_names_each_changes_topic() {
    let w = world();
    w.hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.extend(&pat1(), now(), "h-1", Some(20)).unwrap();
    w.release(&pat1(), now(), "h-1").unwrap();
    w.book(&pat1(), now(), book_req("a-1", "pat-1", at(TUE, "09:00")))
        .unwrap();
    w.hold(&pat2(), now(), hold_req("h-2", "pat-2", at(MON, "09:15")))
        .unwrap();
    w.expire(now() + minutes(10)).unwrap();
    w.reschedule(&pat1(), now(), TUE, "a-1", at(TUE, "10:00"))
        .unwrap();
    w.cancel(&pat1(), now(), TUE, "a-1").unwrap();
    w.book(
        &staff(),
        now(),
        typed_req("a-2", "pat-2", "review", at(MON, "11:00")),
    )
    .unwrap();
    w.update(
        &staff(),
        at(MON, "11:00"),
        MON,
        lifecycle_command("complete", "a-2"),
    )
    .unwrap();

    let feed = w.bookings.feed(&w.schedule, 0, 100).unwrap();
    let positions: Vec<u64> = feed.iter().map(|f| f.position).collect();
    assert_eq!(positions, (1..=10).collect::<Vec<u64>>());
    let topics: Vec<&str> = feed.iter().map(|f| f.event.change.topic()).collect();
    assert_eq!(
        topics,
        [
            "hold_created",
            "hold_extended",
            "hold_released",
            "slot_booked",
            "hold_created",
            "hold_released",
            "slot_availability_changed",
            "slot_availability_changed",
            "slot_booked",
            "appointment_updated",
        ]
    );
    let streams: Vec<(NaiveDate, u64)> = feed.iter().map(|f| (f.stream.date, f.version)).collect();
    assert_eq!(
        streams,
        [
            (day(MON), 1),
            (day(MON), 2),
            (day(MON), 3),
            (day(TUE), 1),
            (day(MON), 4),
            (day(MON), 5),
            (day(TUE), 2),
            (day(TUE), 3),
            (day(MON), 6),
            (day(MON), 7),
        ]
    );
    assert!(feed.iter().all(|f| f.stream.tenant == TENANT));
    // Each entry is the stored event.
    for f in &feed {
        assert_eq!(w.events(f.stream.date)[f.version as usize - 1], f.event);
    }
    // Reading on from a position.
    let page = w.bookings.feed(&w.schedule, 2, 3).unwrap();
    let positions: Vec<u64> = page.iter().map(|f| f.position).collect();
    assert_eq!(positions, [3, 4, 5]);
    assert_eq!(page, feed[2..5]);
    assert!(w.bookings.feed(&w.schedule, 10, 100).unwrap().is_empty());
}

#[test]
fn events_carry_the_slot_they_free_and_the_time_they_change() {
    let w = world();
    let h1 = w
        .hold(&pat1(), now(), hold_req("h-1", "pat-1", at(MON, "09:00")))
        .unwrap();
    w.extend(&pat1(), now() + minutes(5), "h-1", Some(20))
        .unwrap();
    w.release(&pat1(), now() + minutes(6), "h-1").unwrap();
    let h2 = w
        .hold(&pat1(), now(), hold_req("h-2", "pat-1", at(MON, "09:15")))
        .unwrap();
    w.expire(now() + minutes(10)).unwrap();
    let a1 = w
        .book(
            &pat1(),
            now(),
            typed_req("a-1", "pat-1", "review", at(MON, "09:30")),
        )
        .unwrap();
    w.update(
        &staff(),
        now(),
        MON,
        Command::Decline {
            appointment_id: "a-1".into(),
            reason: Some("no referral".into()),
        },
    )
    .unwrap();
    let a2 = w
        .book(&pat1(), now(), book_req("a-2", "pat-1", at(MON, "09:45")))
        .unwrap();
    w.cancel(&pat1(), now(), MON, "a-2").unwrap();
    let changes: Vec<Change> = w
        .events(day(MON))
        .into_iter()
        .map(|e| e.change)
        .filter(|c| {
            !matches!(
                c,
                Change::HoldPlaced { .. } | Change::AppointmentBooked { .. }
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            Change::HoldExtended {
                hold_id: "h-1".into(),
                previous_expires_at: now() + minutes(10),
                expires_at: now() + minutes(25),
            },
            Change::HoldReleased {
                hold_id: "h-1".into(),
                slot: h1.slot,
            },
            Change::HoldExpired {
                hold_id: "h-2".into(),
                slot: h2.slot,
            },
            Change::AppointmentDeclined {
                appointment_id: "a-1".into(),
                slot: a1.slot,
                reason: Some("no referral".into()),
            },
            Change::AppointmentCancelled {
                appointment_id: "a-2".into(),
                slot: a2.slot,
                reason: Some("changed plans".into()),
            },
        ]
    );
    let json = serde_json::to_value(&changes[0]).unwrap();
    assert_eq!(json["previous_expires_at"], "2026-03-01T08:10:00Z");
    assert_eq!(json["expires_at"], "2026-03-01T08:25:00Z");
    let json = serde_json::to_value(&changes[4]).unwrap();
    assert_eq!(json["slot"]["start"], "2026-03-02T09:45:00Z");
    assert_eq!(json["slot"]["room_id"], "r1");
}

/// An `InMemoryStore` whose feed positions have gaps (17, 27, 37, ...), as an SQL sequence
/// may give them.
struct Gapped(InMemoryStore);

impl Gapped {
    fn outer(position: u64) -> u64 {
        10 * position + 7
    }
}

impl EventStore for Gapped {
    fn load(&self, stream: &StreamId) -> Result<medsched::store::LoadedStream> {
        self.0.load(stream)
    }

    fn append(&self, stream: &StreamId, expected_version: u64, events: &[Event]) -> Result<u64> {
        self.0.append(stream, expected_version, events)
    }

    fn feed(
        &self,
        tenant: &Id,
        after: u64,
        limit: usize,
    ) -> Result<Vec<medsched::store::FeedEntry>> {
        let inner_after = after.saturating_sub(7) / 10;
        let mut entries = self.0.feed(tenant, inner_after, limit)?;
        for e in &mut entries {
            e.position = Gapped::outer(e.position);
        }
        Ok(entries)
    }
}

#[test]
fn feed_positions_need_only_increase() {
    // Notifications read on from a gapped feed: none missed, none told twice. (The store
    // checks of medsched-testkit pass on such a feed.)
    let schedule = schedule(TENANT);
    let bookings = Bookings::new(Gapped(InMemoryStore::new()));
    for (id, hm) in [("a-1", "09:00"), ("a-2", "10:00"), ("a-3", "11:00")] {
        bookings
            .book(
                &schedule,
                &pat1(),
                now(),
                book_req(id, "pat-1", at(MON, hm)),
            )
            .unwrap();
    }
    bookings
        .hold(
            &schedule,
            &pat2(),
            now(),
            hold_req("h-1", "pat-2", at(TUE, "09:00")),
        )
        .unwrap();
    bookings
        .cancel(&schedule, &pat1(), now(), day(MON), "a-2", None)
        .unwrap();
    let positions: Vec<u64> = bookings
        .feed(&schedule, 0, 100)
        .unwrap()
        .iter()
        .map(|f| f.position)
        .collect();
    assert_eq!(positions, [17, 27, 37, 47, 57]);
    let mut after = 0;
    let mut ids = Vec::new();
    loop {
        let page = bookings.feed_notifications(&schedule, after, 2).unwrap();
        if page.position == after {
            break;
        }
        after = page.position;
        ids.extend(page.notifications.into_iter().map(|n| n.id));
    }
    assert_eq!(after, 57);
    assert_eq!(
        ids,
        [
            "a-1/2026-03-02/1",
            "a-2/2026-03-02/2",
            "a-3/2026-03-02/3",
            "a-2/2026-03-02/4",
        ]
    );
}
