//! Property tests of the booking service: random interleavings of holds, bookings,
//! lifecycle changes and rule changes, run through `Bookings<InMemoryStore>` and checked
//! after every step against an independent model (in `booking_model/`).
//!
//! The model never calls medsched's slot engine. It keeps its own list of holds and
//! appointments (updated from successful commands only), and decides slots minute by minute:
//! a start is a candidate when it lies on the session's step grid and the slot fits in the
//! session; it is closed when any of its minutes is outside the session, on approved leave
//! or in a forced block; it fits when, at every minute of it and its buffers, the claims
//! already there (appointments that occupy their slot, holds active at `now`, each with its
//! own buffers) leave room for one more on the doctor (`max_parallel`), the mode and the
//! room (`capacity`).
//!
//! Each case builds a small clinic (one location in Asia/Kolkata, 2-3 doctors working
//! Monday and Tuesday mornings, 1-2 rooms of capacity 1 or 2 that doctors may share,
//! `max_parallel` 1 or 2, sometimes a video capacity of 1; 2-4 appointment types of 10, 15,
//! 20 or 30 minutes with buffers 0 or 5, some with minimum notice or stricter policies), then
//! runs 10-100 random steps: `now` moves on (by whole minutes or by seconds); holds are
//! placed, extended, released, expired and booked; slots are booked directly (by a patient
//! who holds that very slot, from their hold); holds, bookings and bookings of holds are sent
//! again with an id already used, as the same request or another; appointments are
//! confirmed, declined, cancelled, completed, marked no-show and rescheduled (on their day
//! through `execute`, or to either day through `Bookings::reschedule`; sometimes to their
//! current start); a doctor's rules change through `Schedule::set_calendar` (approved or
//! requested leave, a forced block, a lower `max_parallel`); and a new `Schedule` changes a
//! type's policy, removes or restores a type or a doctor, or lowers a room's capacity.
//! Actors are the patient concerned, another patient, staff or the system. Commands go
//! through `Bookings::execute` or the convenience methods.
//!
//! The model also keeps what the booking layer promises beyond slots: a repeat of a hold
//! (while active) or of a booking or a hold's booking (while upcoming) with the same id and
//! request changes nothing, any other use of the id is a duplicate; a reschedule to the
//! current start changes nothing; cancelling and rescheduling follow the policy an
//! appointment was booked under, even once its type changed or left the schedule; a doctor
//! or type no longer in the schedule is not found.
//!
//! Properties:
//!
//! - every command gives what the model predicts: the same success or the same typed
//!   refusal (never a panic, never a `Conflict` from a single writer), and a command that
//!   changes nothing appends nothing;
//! - every successful hold, booking or reschedule leaves the doctor, mode and room counts
//!   within the capacity in force at that moment, over the whole span of the new claim;
//! - the day books replay: folding a stream's events gives the book the last `execute` on
//!   that day returned, and folding twice gives equal books; the model agrees with them;
//! - after a rule change, `Bookings::collisions` lists exactly the upcoming appointments, of
//!   every doctor, the model finds no longer allowed, checked in booking order against the
//!   ones kept before them (in particular every one overlapping a newly closed period, and
//!   every one of a doctor no longer in the schedule);
//! - the tenant feed holds every stream's events in order, at positions 1, 2, 3, ... (as
//!   the in-memory store numbers them).
//!
//! `PROPTEST_CASES=n` runs `n` cases instead of the default.

mod booking_model;

use medsched::{
    booking::DayBook, booking::SlotClaim, store::Event, store::EventStore, store::StreamId,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use booking_model::{
    MAppt, MHold, Run, Scenario, TENANT, arb_scenario, counts, day_date, fail, instant, minute,
    span,
};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..ProptestConfig::default()
    }
}

impl Run<'_> {
    /// THE invariant: a new claim, beside the claims that existed when it was made, stays
    /// within the capacity in force (doctor, mode, room) at every minute of its span, and
    /// lies in open time not before `now`.
    pub fn assert_within_capacity(
        &self,
        what: &str,
        day: usize,
        slot: &SlotClaim,
        except: Option<&str>,
    ) -> Result<(), TestCaseError> {
        let d: usize = slot.doctor_id[2..].parse().unwrap();
        let doc = &self.doctors[d];
        let claims = self.claims(day, except);
        let c = counts(
            &claims,
            slot.doctor_id.as_str(),
            slot.mode,
            slot.room_id.as_deref(),
            span(slot),
        );
        let overlapping = || {
            claims
                .iter()
                .filter(|k| k.from < span(slot).1 && span(slot).0 < k.to)
                .map(|k| format!("{}@{}..{}", k.id, instant(k.from), instant(k.to)))
                .collect::<Vec<_>>()
        };
        prop_assert!(
            c.doctor_all < doc.max_parallel,
            "DOUBLE BOOKING {}: {:?} makes {} claims on the doctor, max_parallel {}; beside {:?}",
            what,
            slot,
            c.doctor_all + 1,
            doc.max_parallel,
            overlapping()
        );
        prop_assert!(
            c.mode_all < doc.mode_capacity(slot.mode),
            "DOUBLE BOOKING {}: {:?} makes {} claims of its mode, capacity {}",
            what,
            slot,
            c.mode_all + 1,
            doc.mode_capacity(slot.mode)
        );
        if let Some(room) = slot.room_id.as_deref() {
            prop_assert!(
                c.room_all < self.room_cap(room),
                "ROOM OVERBOOKED {}: {:?} makes {} claims in room {}, capacity {}; beside {:?}",
                what,
                slot,
                c.room_all + 1,
                room,
                self.room_cap(room),
                overlapping()
            );
        }
        let (start, end) = (minute(slot.start), minute(slot.end));
        prop_assert!(
            (start..end).all(|m| doc.closed_at(day, m).is_none()),
            "CLOSED TIME BOOKED {}: {:?}",
            what,
            slot
        );
        prop_assert!(
            slot.start >= self.now,
            "PAST SLOT BOOKED {}: {:?}",
            what,
            slot
        );
        Ok(())
    }

    /// Replay and model agreement, for both day books.
    pub fn check_books(&self, what: &str) -> Result<(), TestCaseError> {
        for day in 0..2 {
            let stream = StreamId::new(TENANT, day_date(day));
            let loaded = self
                .bookings
                .store()
                .load(&stream)
                .map_err(|e| fail(format!("{what}: load failed: {e}")))?;
            prop_assert_eq!(loaded.version, loaded.events.len() as u64);
            let book = DayBook::from_events(loaded.events.clone());
            let again = DayBook::from_events(loaded.events.clone());
            prop_assert_eq!(&book, &again, "{}: folding twice differs", what);
            if let Some(last) = &self.last_book[day] {
                prop_assert_eq!(
                    &book,
                    last,
                    "{}: replay differs from the last execute's book",
                    what
                );
            }
            let by_service = self
                .bookings
                .day(&self.schedule, day_date(day))
                .map_err(|e| fail(format!("{what}: day failed: {e}")))?;
            prop_assert_eq!(&book, &by_service);

            let holds: Vec<&MHold> = self.holds.iter().filter(|h| h.day == day).collect();
            prop_assert_eq!(
                book.holds().len(),
                holds.len(),
                "{}: holds on day {}",
                what,
                day
            );
            for (got, want) in book.holds().iter().zip(holds) {
                prop_assert_eq!(got.id.as_str(), want.id.as_str(), "{}", what);
                prop_assert_eq!(got.status, want.status, "{}: hold {}", what, want.id);
                prop_assert_eq!(
                    got.expires_at,
                    want.expires_at,
                    "{}: hold {}",
                    what,
                    want.id
                );
                prop_assert_eq!(&got.slot, &want.slot, "{}: hold {}", what, want.id);
                prop_assert_eq!(got.patient_id.as_str(), want.patient.as_str());
                prop_assert_eq!(got.placed_at, want.placed_at);
            }
            let appts: Vec<&MAppt> = self.appts.iter().filter(|a| a.day == day).collect();
            prop_assert_eq!(
                book.appointments().len(),
                appts.len(),
                "{}: appointments on day {}",
                what,
                day
            );
            for (got, want) in book.appointments().iter().zip(appts) {
                prop_assert_eq!(got.id.as_str(), want.id.as_str(), "{}", what);
                prop_assert_eq!(got.status, want.status, "{}: appointment {}", what, want.id);
                prop_assert_eq!(&got.slot, &want.slot, "{}: appointment {}", what, want.id);
                prop_assert_eq!(got.reschedule_count, want.reschedule_count);
                prop_assert_eq!(got.patient_id.as_str(), want.patient.as_str());
                prop_assert_eq!(got.hold_id.as_deref(), want.hold_id.as_deref());
                prop_assert_eq!(
                    &*got.policy,
                    &want.policy,
                    "{}: appointment {}",
                    what,
                    want.id
                );
                prop_assert_eq!(
                    got.moved_to,
                    want.moved_to.map(day_date),
                    "{}: appointment {}",
                    what,
                    want.id
                );
                prop_assert_eq!(
                    got.moved_from,
                    want.moved_from.map(day_date),
                    "{}: appointment {}",
                    what,
                    want.id
                );
            }
        }
        Ok(())
    }

    /// The tenant feed: positions 1..=n without gaps, each stream's events in order.
    fn check_feed(&self) -> Result<(), TestCaseError> {
        let feed = self
            .bookings
            .feed(&self.schedule, 0, usize::MAX)
            .map_err(|e| fail(format!("feed failed: {e}")))?;
        let mut per_day: [Vec<Event>; 2] = [Vec::new(), Vec::new()];
        for (i, entry) in feed.iter().enumerate() {
            prop_assert_eq!(entry.position, i as u64 + 1);
            let day = (0..2).find(|&d| day_date(d) == entry.stream.date);
            let Some(day) = day else {
                return Err(fail(format!(
                    "feed entry of an unknown stream {}",
                    entry.stream
                )));
            };
            per_day[day].push(entry.event.clone());
            prop_assert_eq!(entry.version, per_day[day].len() as u64);
        }
        for (day, events) in per_day.into_iter().enumerate() {
            let loaded = self
                .bookings
                .store()
                .load(&StreamId::new(TENANT, day_date(day)))
                .map_err(|e| fail(format!("load failed: {e}")))?;
            prop_assert_eq!(events, loaded.events);
        }
        Ok(())
    }
}

fn run_scenario(sc: &Scenario) -> Result<(), TestCaseError> {
    let mut run = Run::new(sc)?;
    for op in &sc.ops {
        run.step(op)?;
    }
    run.check_feed()
}

proptest! {
    #![proptest_config(config(512))]

    /// Random interleavings of commands and rule changes agree with the model, never
    /// overbook a doctor, mode or room, replay to the same books, and report collisions.
    #[test]
    fn bookings_follow_the_model(sc in arb_scenario()) {
        run_scenario(&sc)?;
    }
}
