//! Bookings, moves and lifecycle changes on the model's records, and reading the
//! returned books.

use medsched::{
    Error, booking::Appointment, booking::AppointmentStatus, booking::BookRequest,
    booking::Command, booking::DayBook, booking::Hold, booking::HoldStatus, booking::SlotClaim,
    store::Actor, store::EventStore, store::StreamId,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::model::{Ask, MAppt, agree, fail};
use super::rules::doctor_id;
use super::run::Run;
use super::strategies::{SlotSel, Who};
use super::{BASE, PATIENTS, TENANT, day_date, instant, local, mins, minute};

impl Run<'_> {
    /// Whether `actor` may reschedule live record `i`: its status, its owner, and the policy
    /// it was booked under (even if its type changed or left the schedule).
    pub fn may_reschedule(&self, i: usize, actor: &Actor) -> Result<(), String> {
        self.appt_status(Some(i), UPCOMING, "reschedule")?;
        let ap = &self.appts[i];
        Self::own(actor, &ap.patient)?;
        let p = &ap.policy;
        if let Some(max) = p.max_reschedules
            && ap.reschedule_count >= max
        {
            return Err("policy_violation:reschedule_limit".to_owned());
        }
        if actor.is_patient() {
            if !p.allow_patient_reschedule {
                return Err("policy_violation:patient_reschedule_not_allowed".to_owned());
            }
            if self.now + mins(p.reschedule_notice_minutes) > ap.slot.start {
                return Err("policy_violation:reschedule_notice".to_owned());
            }
        }
        Ok(())
    }

    /// A direct booking with a fresh id. A patient who holds that very slot (an active hold
    /// of theirs, same doctor, type and start; the first placed) books it from the hold.
    #[allow(clippy::too_many_arguments)]
    pub fn book_direct(
        &mut self,
        what: &str,
        who: &Who,
        patient: String,
        d: usize,
        t: usize,
        day: usize,
        start: i64,
        wrapper: bool,
    ) -> Result<(), TestCaseError> {
        let now = self.now_t();
        let actor = self.actor(who, &patient);
        let id = self.fresh("a");
        let own_hold = self.holds.iter().position(|h| {
            h.day == day
                && h.status == HoldStatus::Held
                && h.expires_at > now
                && h.patient == patient
                && h.doctor == d
                && h.ty == t
                && minute(h.slot.start) == start
        });
        let hold_id = own_hold.map(|i| self.holds[i].id.clone());
        let expected = Self::own(&actor, &patient).and_then(|_| {
            self.expect_slot(Ask {
                except: hold_id.as_deref(),
                held_since: own_hold.map(|i| self.holds[i].placed_at),
                ..Ask::new(d, t, day, start)
            })
        });
        let actual = if wrapper {
            let request = BookRequest {
                appointment_id: id.as_str().into(),
                patient_id: patient.as_str().into(),
                doctor_id: doctor_id(d).into(),
                appointment_type_id: self.types[t].id.clone(),
                start: instant(start),
            };
            let r = self.bookings.book(&self.schedule, &actor, now, request);
            if r.is_ok() {
                self.last_book[day] = None;
            }
            r
        } else {
            let command = Command::Book {
                appointment_id: id.as_str().into(),
                patient_id: patient.as_str().into(),
                doctor_id: doctor_id(d).into(),
                appointment_type_id: self.types[t].id.clone(),
                start: instant(start),
            };
            self.exec(day, &command, &actor)
                .and_then(|(book, _)| appointment_in(&book, &id))
        };
        if let Ok(a) = &actual {
            self.assert_within_capacity(what, day, &a.slot, hold_id.as_deref())?;
        }
        agree(what, &expected, &actual)?;
        if let (Ok(claim), Ok(a)) = (expected, actual) {
            self.booked(
                what,
                day,
                d,
                t,
                &id,
                &patient,
                &actor,
                claim,
                &a,
                hold_id.as_deref(),
            )?;
            if let Some(i) = own_hold {
                self.holds[i].status = HoldStatus::Booked;
            }
        }
        Ok(())
    }

    /// A request's patient, type and start, as they were (`vary % 4 == 0`) or with one of
    /// them changed: the start 5 minutes later, the next patient or the next type.
    pub fn varied(&self, patient: &str, t: usize, start: i64, vary: u8) -> (String, usize, i64) {
        match vary % 4 {
            0 => (patient.to_owned(), t, start),
            1 => (patient.to_owned(), t, start + 5),
            2 => {
                let n: u8 = patient[1..].parse().unwrap();
                (format!("p{}", (n + 1) % PATIENTS), t, start)
            }
            _ => (patient.to_owned(), (t + 1) % self.types.len(), start),
        }
    }

    /// The version of a day's stream.
    pub fn version(&self, day: usize) -> Result<u64, TestCaseError> {
        let stream = StreamId::new(TENANT, day_date(day));
        let loaded = self
            .bookings
            .store()
            .load(&stream)
            .map_err(|e| fail(format!("load failed: {e}")))?;
        Ok(loaded.version)
    }

    /// The UTC minute a slot selection names for doctor `d` and type `t`.
    pub fn slot_start(&self, d: usize, t: usize, day: usize, slot: SlotSel) -> i64 {
        match slot {
            SlotSel::Grid(k) => {
                let doc = &self.doctors[d];
                let step = self.sc.types[t].step.unwrap_or(doc.spec.slot_minutes);
                doc.session(day).0 + i64::from(k) * i64::from(step)
            }
            SlotSel::Raw(n) => local(day, BASE + 5 * i64::from(n)),
        }
    }

    /// The record a command on record `a` acts on: the wrappers follow an appointment to the
    /// day it moved to; `execute` on a day it left finds nothing.
    pub fn target(&self, a: Option<usize>, wrapper: bool) -> Option<usize> {
        let i = a?;
        if wrapper {
            let id = &self.appts[i].id;
            self.appts
                .iter()
                .position(|r| r.id == *id && r.moved_to.is_none())
        } else {
            self.appts[i].moved_to.is_none().then_some(i)
        }
    }

    /// Records a move of live record `i` to `to_day`: the record there (if it left that day
    /// before) is replaced in place, else a new one is added.
    pub fn moved(&mut self, i: usize, to_day: usize, slot: SlotClaim) {
        let from = self.appts[i].clone();
        self.appts[i].moved_to = Some(to_day);
        let arrived = MAppt {
            day: to_day,
            slot,
            reschedule_count: from.reschedule_count + 1,
            hold_id: None,
            moved_to: None,
            moved_from: Some(from.day),
            ..from
        };
        match self
            .appts
            .iter()
            .position(|r| r.id == arrived.id && r.day == to_day)
        {
            Some(j) => self.appts[j] = arrived,
            None => self.appts.push(arrived),
        }
    }

    pub fn appt_ref(&self, a: Option<usize>) -> (String, usize, String) {
        match a {
            Some(i) => (
                self.appts[i].id.clone(),
                self.appts[i].day,
                self.appts[i].patient.clone(),
            ),
            None => ("a-missing".to_owned(), 0, "p0".to_owned()),
        }
    }

    /// A status change through `execute` or the service's method for it (`confirm`,
    /// `decline`, `cancel`, `complete`, `mark_no_show`).
    pub fn lifecycle(
        &mut self,
        day: usize,
        command: &Command,
        actor: &Actor,
        wrapper: bool,
    ) -> Result<Appointment, Error> {
        if !wrapper {
            let (Command::Confirm { appointment_id }
            | Command::Decline { appointment_id, .. }
            | Command::Cancel { appointment_id, .. }
            | Command::Complete { appointment_id }
            | Command::MarkNoShow { appointment_id }) = command
            else {
                unreachable!()
            };
            let id = appointment_id.clone();
            return self
                .exec(day, command, actor)
                .and_then(|(book, _)| appointment_in(&book, &id));
        }
        let (b, s, now, date) = (&self.bookings, &self.schedule, self.now_t(), day_date(day));
        let r = match command {
            Command::Confirm { appointment_id } => b.confirm(s, actor, now, date, appointment_id),
            Command::Decline {
                appointment_id,
                reason,
            } => b.decline(s, actor, now, date, appointment_id, reason.clone()),
            Command::Cancel {
                appointment_id,
                reason,
            } => b.cancel(s, actor, now, date, appointment_id, reason.clone()),
            Command::Complete { appointment_id } => b.complete(s, actor, now, date, appointment_id),
            Command::MarkNoShow { appointment_id } => {
                b.mark_no_show(s, actor, now, date, appointment_id)
            }
            _ => unreachable!(),
        };
        if r.is_ok() {
            self.last_book = [None, None];
        }
        r
    }

    /// Checks a new appointment against the model's expectation and records it.
    #[allow(clippy::too_many_arguments)]
    pub fn booked(
        &mut self,
        what: &str,
        day: usize,
        d: usize,
        t: usize,
        id: &str,
        patient: &str,
        actor: &Actor,
        claim: SlotClaim,
        a: &Appointment,
        hold_id: Option<&str>,
    ) -> Result<(), TestCaseError> {
        let status = self.booked_status(t, actor);
        prop_assert_eq!(&a.slot, &claim, "{}", what);
        prop_assert_eq!(a.status, status, "{}", what);
        prop_assert_eq!(a.patient_id.as_str(), patient, "{}", what);
        prop_assert_eq!(a.book_date, day_date(day), "{}", what);
        prop_assert_eq!(a.hold_id.as_deref(), hold_id, "{}", what);
        prop_assert_eq!(&a.booked_by, actor, "{}", what);
        self.appts.push(MAppt {
            id: id.to_owned(),
            day,
            doctor: d,
            ty: t,
            patient: patient.to_owned(),
            slot: claim,
            status,
            reschedule_count: 0,
            hold_id: hold_id.map(str::to_owned),
            moved_to: None,
            moved_from: None,
            policy: self.types[t].policy.clone(),
        });
        Ok(())
    }
}

pub const UPCOMING: &[AppointmentStatus] =
    &[AppointmentStatus::Pending, AppointmentStatus::Confirmed];

pub fn hold_in(book: &DayBook, id: &str) -> Result<Hold, Error> {
    book.hold(id)
        .cloned()
        .ok_or_else(|| Error::storage(format!("test: hold {id} missing from the returned book")))
}

pub fn appointment_in(book: &DayBook, id: &str) -> Result<Appointment, Error> {
    book.appointment(id).cloned().ok_or_else(|| {
        Error::storage(format!(
            "test: appointment {id} missing from the returned book"
        ))
    })
}
