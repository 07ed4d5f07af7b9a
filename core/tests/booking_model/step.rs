//! One step of a scenario, run through the service and the model.

use chrono::Duration;
use medsched::{
    booking::AppointmentStatus, booking::BookRequest, booking::Command, booking::HoldRequest,
    booking::HoldStatus, store::Actor, store::Change,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::commands::{UPCOMING, appointment_in, hold_in};
use super::model::{Ask, MHold, agree, fail, upcoming};
use super::rules::doctor_id;
use super::run::Run;
use super::strategies::Op;
use super::{BASE, day_date, instant, local, mins, minute};

impl Run<'_> {
    pub fn step(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let what = format!("step {} {:?} at {}", self.step, op, self.now_t());
        let nd = self.doctors.len();
        let nt = self.types.len();
        let now = self.now_t();
        match op.clone() {
            Op::Advance(secs) => self.now += Duration::seconds(i64::from(secs)),
            Op::Hold {
                who,
                patient,
                doctor,
                ty,
                day,
                slot,
                minutes,
                wrapper,
            } => {
                let (d, t, day) = (doctor as usize % nd, ty as usize % nt, day as usize);
                let patient = format!("p{patient}");
                let actor = self.actor(&who, &patient);
                let start = self.slot_start(d, t, day, slot);
                let id = self.fresh("h");
                let expected = Self::own(&actor, &patient)
                    .and_then(|_| self.type_exists(t))
                    .and_then(|_| self.hold_minutes(&actor, t, minutes))
                    .and_then(|m| Ok((self.expect_slot(Ask::new(d, t, day, start))?, m)));
                let actual = if wrapper {
                    let request = HoldRequest {
                        hold_id: id.as_str().into(),
                        patient_id: patient.as_str().into(),
                        doctor_id: doctor_id(d).into(),
                        appointment_type_id: self.types[t].id.clone(),
                        start: instant(start),
                        minutes,
                    };
                    let r = self.bookings.hold(&self.schedule, &actor, now, request);
                    if r.is_ok() {
                        self.last_book[day] = None;
                    }
                    r
                } else {
                    let command = Command::PlaceHold {
                        hold_id: id.as_str().into(),
                        patient_id: patient.as_str().into(),
                        doctor_id: doctor_id(d).into(),
                        appointment_type_id: self.types[t].id.clone(),
                        start: instant(start),
                        minutes,
                    };
                    self.exec(day, &command, &actor)
                        .and_then(|(book, _)| hold_in(&book, &id))
                };
                if let Ok(hold) = &actual {
                    self.assert_within_capacity(&what, day, &hold.slot, None)?;
                }
                agree(&what, &expected, &actual)?;
                if let (Ok((claim, m)), Ok(hold)) = (expected, actual) {
                    prop_assert_eq!(&hold.slot, &claim, "{}", what);
                    prop_assert_eq!(hold.expires_at, self.now + mins(m), "{}", what);
                    prop_assert_eq!(hold.status, HoldStatus::Held);
                    prop_assert_eq!(hold.patient_id.as_str(), patient.as_str());
                    prop_assert_eq!(&hold.placed_by, &actor);
                    self.holds.push(MHold {
                        id,
                        day,
                        doctor: d,
                        ty: t,
                        patient,
                        slot: hold.slot,
                        placed_at: now,
                        expires_at: hold.expires_at,
                        status: HoldStatus::Held,
                    });
                }
            }
            Op::Extend {
                who,
                hold,
                minutes,
                wrapper,
            } => {
                let h = self.pick_hold(hold);
                let (id, day, owner) = match h {
                    Some(i) => (
                        self.holds[i].id.clone(),
                        self.holds[i].day,
                        self.holds[i].patient.clone(),
                    ),
                    None => ("h-missing".to_owned(), 0, "p0".to_owned()),
                };
                let actor = self.actor(&who, &owner);
                let expected = self.active_hold(h, "extend").and_then(|i| {
                    let hold = &self.holds[i];
                    Self::own(&actor, &hold.patient)?;
                    self.type_exists(hold.ty)?;
                    let m = self.hold_minutes(&actor, hold.ty, minutes)?;
                    let expires = self.now + mins(m);
                    let limit = hold.placed_at + mins(self.types[hold.ty].policy.max_hold_minutes);
                    if expires > limit {
                        return Err("policy_violation:hold_limit".to_owned());
                    }
                    Ok(expires.max(hold.expires_at))
                });
                let actual = if wrapper {
                    let r = self.bookings.extend_hold(
                        &self.schedule,
                        &actor,
                        now,
                        day_date(day),
                        &id,
                        minutes,
                    );
                    if r.is_ok() {
                        self.last_book[day] = None;
                    }
                    r
                } else {
                    let command = Command::ExtendHold {
                        hold_id: id.as_str().into(),
                        minutes,
                    };
                    self.exec(day, &command, &actor)
                        .and_then(|(book, _)| hold_in(&book, &id))
                };
                agree(&what, &expected, &actual)?;
                if let (Ok(expires), Ok(got), Some(i)) = (expected, actual, h) {
                    prop_assert_eq!(got.expires_at, expires, "{}", what);
                    self.holds[i].expires_at = expires;
                }
            }
            Op::Release { who, hold, wrapper } => {
                let h = self.pick_hold(hold);
                let (id, day, owner) = match h {
                    Some(i) => (
                        self.holds[i].id.clone(),
                        self.holds[i].day,
                        self.holds[i].patient.clone(),
                    ),
                    None => ("h-missing".to_owned(), 1, "p0".to_owned()),
                };
                let actor = self.actor(&who, &owner);
                let expected = self
                    .active_hold(h, "release")
                    .and_then(|i| Self::own(&actor, &self.holds[i].patient));
                let actual = if wrapper {
                    let r =
                        self.bookings
                            .release_hold(&self.schedule, &actor, now, day_date(day), &id);
                    if r.is_ok() {
                        self.last_book[day] = None;
                    }
                    r
                } else {
                    let command = Command::ReleaseHold {
                        hold_id: id.as_str().into(),
                    };
                    self.exec(day, &command, &actor)
                        .and_then(|(book, _)| hold_in(&book, &id))
                };
                agree(&what, &expected, &actual)?;
                if let (Ok(()), Ok(got), Some(i)) = (expected, actual, h) {
                    prop_assert_eq!(got.status, HoldStatus::Released, "{}", what);
                    self.holds[i].status = HoldStatus::Released;
                }
            }
            Op::Expire { day, wrapper } => {
                let day = day as usize;
                let days: Vec<usize> = if wrapper { vec![0, 1] } else { vec![day] };
                let expected: Vec<String> = days
                    .iter()
                    .flat_map(|&day| {
                        self.holds
                            .iter()
                            .filter(move |h| {
                                h.day == day && h.status == HoldStatus::Held && h.expires_at <= now
                            })
                            .map(|h| h.id.clone())
                    })
                    .collect();
                let actor = Actor::system("expiry");
                let got: Vec<String> = if wrapper {
                    let expired = self
                        .bookings
                        .expire_holds(&self.schedule, &actor, now, day_date(0)..=day_date(1))
                        .map_err(|e| fail(format!("{what}: expire_holds failed: {e}")))?;
                    for h in &expired {
                        prop_assert_eq!(h.status, HoldStatus::Expired, "{}", what);
                    }
                    if !expired.is_empty() {
                        self.last_book = [None, None];
                    }
                    expired.into_iter().map(|h| h.id.to_string()).collect()
                } else {
                    let (_, events) = self
                        .exec(day, &Command::ExpireHolds, &actor)
                        .map_err(|e| fail(format!("{what}: ExpireHolds failed: {e}")))?;
                    events
                        .into_iter()
                        .map(|e| match e.change {
                            Change::HoldExpired { hold_id, .. } => Ok(hold_id.to_string()),
                            other => Err(fail(format!("{what}: unexpected event {other:?}"))),
                        })
                        .collect::<Result<_, _>>()?
                };
                prop_assert_eq!(&got, &expected, "{}: expired holds", what);
                for h in &mut self.holds {
                    if expected.contains(&h.id) {
                        h.status = HoldStatus::Expired;
                    }
                }
            }
            Op::Book {
                who,
                patient,
                doctor,
                ty,
                day,
                slot,
                wrapper,
            } => {
                let (d, t, day) = (doctor as usize % nd, ty as usize % nt, day as usize);
                let start = self.slot_start(d, t, day, slot);
                self.book_direct(
                    &what,
                    &who,
                    format!("p{patient}"),
                    d,
                    t,
                    day,
                    start,
                    wrapper,
                )?;
            }
            Op::BookHeldSlot { who, hold, wrapper } => {
                if let Some(i) = self.pick_hold(hold) {
                    let h = self.holds[i].clone();
                    let start = minute(h.slot.start);
                    self.book_direct(
                        &what, &who, h.patient, h.doctor, h.ty, h.day, start, wrapper,
                    )?;
                }
            }
            Op::RepeatHold {
                who,
                hold,
                vary,
                wrapper,
            } => {
                if let Some(i) = self.pick_hold(hold) {
                    let h = self.holds[i].clone();
                    let (patient, t, start) =
                        self.varied(&h.patient, h.ty, minute(h.slot.start), vary);
                    let actor = self.repeat_actor(&who, &patient);
                    // The same request while the hold is active changes nothing, any other
                    // is a duplicate.
                    let expected =
                        if vary % 4 == 0 && h.status == HoldStatus::Held && h.expires_at > now {
                            Ok(())
                        } else {
                            Err("invalid_input:duplicate_id".to_owned())
                        };
                    let version = self.version(h.day)?;
                    let actual = if wrapper {
                        let request = HoldRequest {
                            hold_id: h.id.as_str().into(),
                            patient_id: patient.as_str().into(),
                            doctor_id: doctor_id(h.doctor).into(),
                            appointment_type_id: self.types[t].id.clone(),
                            start: instant(start),
                            minutes: None,
                        };
                        self.bookings.hold(&self.schedule, &actor, now, request)
                    } else {
                        let command = Command::PlaceHold {
                            hold_id: h.id.as_str().into(),
                            patient_id: patient.as_str().into(),
                            doctor_id: doctor_id(h.doctor).into(),
                            appointment_type_id: self.types[t].id.clone(),
                            start: instant(start),
                            minutes: None,
                        };
                        self.exec(h.day, &command, &actor)
                            .and_then(|(book, _)| hold_in(&book, &h.id))
                    };
                    agree(&what, &expected, &actual)?;
                    if let Ok(got) = actual {
                        prop_assert_eq!(
                            self.version(h.day)?,
                            version,
                            "{}: a repeat appended",
                            what
                        );
                        prop_assert_eq!(got.expires_at, h.expires_at, "{}", what);
                        prop_assert_eq!(&got.slot, &h.slot, "{}", what);
                    }
                }
            }
            Op::RepeatBook {
                who,
                appt,
                vary,
                wrapper,
            } => {
                if let Some(i) = self.pick_appt(appt) {
                    let r = self.appts[i].clone();
                    let (patient, t, start) =
                        self.varied(&r.patient, r.ty, minute(r.slot.start), vary);
                    let actor = self.repeat_actor(&who, &patient);
                    let expected = if vary % 4 == 0 && r.moved_to.is_none() && upcoming(r.status) {
                        Ok(())
                    } else {
                        Err("invalid_input:duplicate_id".to_owned())
                    };
                    let version = self.version(r.day)?;
                    let actual = if wrapper {
                        let request = BookRequest {
                            appointment_id: r.id.as_str().into(),
                            patient_id: patient.as_str().into(),
                            doctor_id: doctor_id(r.doctor).into(),
                            appointment_type_id: self.types[t].id.clone(),
                            start: instant(start),
                        };
                        self.bookings.book(&self.schedule, &actor, now, request)
                    } else {
                        let command = Command::Book {
                            appointment_id: r.id.as_str().into(),
                            patient_id: patient.as_str().into(),
                            doctor_id: doctor_id(r.doctor).into(),
                            appointment_type_id: self.types[t].id.clone(),
                            start: instant(start),
                        };
                        self.exec(r.day, &command, &actor)
                            .and_then(|(book, _)| appointment_in(&book, &r.id))
                    };
                    agree(&what, &expected, &actual)?;
                    if let Ok(got) = actual {
                        prop_assert_eq!(
                            self.version(r.day)?,
                            version,
                            "{}: a repeat appended",
                            what
                        );
                        prop_assert_eq!(&got.slot, &r.slot, "{}", what);
                        prop_assert_eq!(got.status, r.status, "{}", what);
                    }
                }
            }
            Op::RepeatBookHold {
                who,
                appt,
                hold,
                wrapper,
            } => {
                if let Some(i) = self.pick_appt(appt) {
                    let r = self.appts[i].clone();
                    let hold_id = match hold {
                        None => r.hold_id.clone(),
                        Some(k) => self.pick_hold(k).map(|j| self.holds[j].id.clone()),
                    }
                    .unwrap_or_else(|| "h-missing".to_owned());
                    let actor = self.repeat_actor(&who, &r.patient);
                    let same = r.hold_id.as_deref() == Some(hold_id.as_str());
                    let expected = if same && r.moved_to.is_none() && upcoming(r.status) {
                        Ok(())
                    } else {
                        Err("invalid_input:duplicate_id".to_owned())
                    };
                    let version = self.version(r.day)?;
                    let actual = if wrapper {
                        self.bookings.book_hold(
                            &self.schedule,
                            &actor,
                            now,
                            day_date(r.day),
                            &hold_id,
                            &r.id,
                        )
                    } else {
                        let command = Command::BookHold {
                            appointment_id: r.id.as_str().into(),
                            hold_id: hold_id.as_str().into(),
                        };
                        self.exec(r.day, &command, &actor)
                            .and_then(|(book, _)| appointment_in(&book, &r.id))
                    };
                    agree(&what, &expected, &actual)?;
                    if let Ok(got) = actual {
                        prop_assert_eq!(
                            self.version(r.day)?,
                            version,
                            "{}: a repeat appended",
                            what
                        );
                        prop_assert_eq!(&got.slot, &r.slot, "{}", what);
                    }
                }
            }
            Op::BookHold { who, hold, wrapper } => {
                let h = self.pick_hold(hold);
                let (hold_id, day, owner) = match h {
                    Some(i) => (
                        self.holds[i].id.clone(),
                        self.holds[i].day,
                        self.holds[i].patient.clone(),
                    ),
                    None => ("h-missing".to_owned(), 0, "p0".to_owned()),
                };
                let actor = self.actor(&who, &owner);
                let id = self.fresh("a");
                let expected = self.active_hold(h, "book").and_then(|i| {
                    let hold = &self.holds[i];
                    Self::own(&actor, &hold.patient)?;
                    self.expect_slot(Ask {
                        except: Some(&hold_id),
                        held_since: Some(hold.placed_at),
                        ..Ask::new(hold.doctor, hold.ty, day, minute(hold.slot.start))
                    })
                });
                let actual = if wrapper {
                    let r = self.bookings.book_hold(
                        &self.schedule,
                        &actor,
                        now,
                        day_date(day),
                        &hold_id,
                        &id,
                    );
                    if r.is_ok() {
                        self.last_book[day] = None;
                    }
                    r
                } else {
                    let command = Command::BookHold {
                        appointment_id: id.as_str().into(),
                        hold_id: hold_id.as_str().into(),
                    };
                    self.exec(day, &command, &actor)
                        .and_then(|(book, _)| appointment_in(&book, &id))
                };
                if let Ok(a) = &actual {
                    self.assert_within_capacity(&what, day, &a.slot, Some(&hold_id))?;
                }
                agree(&what, &expected, &actual)?;
                if let (Ok(claim), Ok(a), Some(i)) = (expected, actual, h) {
                    let (d, t) = (self.holds[i].doctor, self.holds[i].ty);
                    self.booked(
                        &what,
                        day,
                        d,
                        t,
                        &id,
                        &owner,
                        &actor,
                        claim,
                        &a,
                        Some(&hold_id),
                    )?;
                    self.holds[i].status = HoldStatus::Booked;
                }
            }
            Op::Cancel { who, appt, wrapper } => {
                let a = self.pick_appt(appt);
                let (id, day, owner) = self.appt_ref(a);
                let actor = self.actor(&who, &owner);
                let target = self.target(a, wrapper);
                let expected = target
                    .ok_or_else(|| "not_found:appointment".to_owned())
                    .and_then(|i| {
                        Self::own(&actor, &self.appts[i].patient)?;
                        self.appt_status(Some(i), UPCOMING, "cancel")?;
                        let ap = &self.appts[i];
                        // The policy it was booked under, even if its type changed or left.
                        let notice = ap.policy.cancel_notice_minutes;
                        if actor.is_patient() && self.now + mins(notice) > ap.slot.start {
                            return Err("policy_violation:cancel_notice".to_owned());
                        }
                        Ok(())
                    });
                let command = Command::Cancel {
                    appointment_id: id.as_str().into(),
                    reason: Some("props".into()),
                };
                let actual = self.lifecycle(day, &command, &actor, wrapper);
                agree(&what, &expected, &actual)?;
                if let (Ok(()), Ok(got), Some(i)) = (expected, actual, target) {
                    prop_assert_eq!(got.status, AppointmentStatus::Cancelled, "{}", what);
                    prop_assert_eq!(got.ended_by.as_ref(), Some(&actor), "{}", what);
                    self.appts[i].status = AppointmentStatus::Cancelled;
                }
            }
            Op::Review {
                who,
                appt,
                decline,
                wrapper,
            } => {
                let a = self.pick_appt(appt);
                let (id, day, owner) = self.appt_ref(a);
                let actor = self.actor(&who, &owner);
                let action = if decline { "decline" } else { "confirm" };
                let expected = self
                    .target(a, wrapper)
                    .ok_or_else(|| "not_found:appointment".to_owned())
                    .and_then(|i| {
                        Self::staff_only(&actor)?;
                        self.appt_status(Some(i), &[AppointmentStatus::Pending], action)
                    });
                let command = if decline {
                    Command::Decline {
                        appointment_id: id.as_str().into(),
                        reason: None,
                    }
                } else {
                    Command::Confirm {
                        appointment_id: id.as_str().into(),
                    }
                };
                let actual = self.lifecycle(day, &command, &actor, wrapper);
                agree(&what, &expected, &actual)?;
                if let (Ok(i), Ok(got)) = (expected, actual) {
                    let status = if decline {
                        AppointmentStatus::Declined
                    } else {
                        AppointmentStatus::Confirmed
                    };
                    prop_assert_eq!(got.status, status, "{}", what);
                    self.appts[i].status = status;
                }
            }
            Op::Finish {
                who,
                appt,
                no_show,
                wrapper,
            } => {
                let a = self.pick_appt(appt);
                let (id, day, owner) = self.appt_ref(a);
                let actor = self.actor(&who, &owner);
                let action = if no_show { "mark_no_show" } else { "complete" };
                let expected = self
                    .target(a, wrapper)
                    .ok_or_else(|| "not_found:appointment".to_owned())
                    .and_then(|i| {
                        Self::staff_only(&actor)?;
                        self.appt_status(Some(i), &[AppointmentStatus::Confirmed], action)?;
                        if self.now < self.appts[i].slot.start {
                            return Err("policy_violation:not_started".to_owned());
                        }
                        Ok(i)
                    });
                let command = if no_show {
                    Command::MarkNoShow {
                        appointment_id: id.as_str().into(),
                    }
                } else {
                    Command::Complete {
                        appointment_id: id.as_str().into(),
                    }
                };
                let actual = self.lifecycle(day, &command, &actor, wrapper);
                agree(&what, &expected, &actual)?;
                if let (Ok(i), Ok(got)) = (expected, actual) {
                    let status = if no_show {
                        AppointmentStatus::NoShow
                    } else {
                        AppointmentStatus::Completed
                    };
                    prop_assert_eq!(got.status, status, "{}", what);
                    self.appts[i].status = status;
                }
            }
            Op::Reschedule {
                who,
                appt,
                slot,
                other_day,
                same_start,
                wrapper,
            } => {
                let a = self.pick_upcoming(appt);
                let (id, day, owner) = self.appt_ref(a);
                let actor = self.actor(&who, &owner);
                let target = self.target(a, wrapper);
                // The day the appointment is on now (the wrapper follows moves), and the day
                // of the new start.
                let from_day = target.map_or(day, |i| self.appts[i].day);
                let to_day = if other_day { 1 - from_day } else { from_day };
                // To its current start: a retry, which changes nothing once status and owner
                // allow it, whatever the policy says now.
                let start = match (a, target) {
                    (_, Some(i)) if same_start && !other_day => minute(self.appts[i].slot.start),
                    (Some(i), _) => {
                        self.slot_start(self.appts[i].doctor, self.appts[i].ty, to_day, slot)
                    }
                    (None, _) => local(to_day, BASE),
                };
                // `Ok(None)`: to its current start, which changes nothing.
                let expected = target
                    .ok_or_else(|| "not_found:appointment".to_owned())
                    .and_then(|i| {
                        let ap = &self.appts[i];
                        if to_day == from_day && start == minute(ap.slot.start) {
                            self.appt_status(Some(i), UPCOMING, "reschedule")?;
                            Self::own(&actor, &ap.patient)?;
                            return Ok(None);
                        }
                        self.may_reschedule(i, &actor)?;
                        // `Command::Reschedule` decides on the appointment's day book, so a
                        // start on another day is out of its range.
                        let book_day = if wrapper { to_day } else { from_day };
                        self.expect_slot(Ask {
                            except: (to_day == from_day).then_some(id.as_str()),
                            ..Ask::new(ap.doctor, ap.ty, book_day, start)
                        })
                        .map(Some)
                    });
                let before = [self.version(0)?, self.version(1)?];
                let actual = if wrapper {
                    let r = self.bookings.reschedule(
                        &self.schedule,
                        &actor,
                        now,
                        day_date(day),
                        &id,
                        instant(start),
                    );
                    if r.is_ok() {
                        self.last_book = [None, None];
                    }
                    r
                } else {
                    let command = Command::Reschedule {
                        appointment_id: id.as_str().into(),
                        start: instant(start),
                    };
                    self.exec(day, &command, &actor)
                        .and_then(|(book, _)| appointment_in(&book, &id))
                };
                if let (Ok(got), Ok(Some(_))) = (&actual, &expected) {
                    let except = (to_day == from_day).then_some(id.as_str());
                    self.assert_within_capacity(&what, to_day, &got.slot, except)?;
                }
                agree(&what, &expected, &actual)?;
                match (expected, actual, target) {
                    (Ok(None), Ok(got), Some(i)) => {
                        let ap = &self.appts[i];
                        prop_assert_eq!(&got.slot, &ap.slot, "{}", what);
                        prop_assert_eq!(got.reschedule_count, ap.reschedule_count, "{}", what);
                        prop_assert_eq!(got.book_date, day_date(ap.day), "{}", what);
                        let after = [self.version(0)?, self.version(1)?];
                        prop_assert_eq!(after, before, "{}: nothing appended", what);
                    }
                    (Ok(Some(claim)), Ok(got), Some(i)) => {
                        prop_assert_eq!(&got.slot, &claim, "{}", what);
                        prop_assert_eq!(got.reschedule_count, self.appts[i].reschedule_count + 1);
                        prop_assert_eq!(got.book_date, day_date(to_day));
                        prop_assert_eq!(got.moved_to, None);
                        prop_assert_eq!(got.status, self.appts[i].status);
                        if to_day == from_day {
                            self.appts[i].slot = got.slot;
                            self.appts[i].reschedule_count += 1;
                        } else {
                            prop_assert_eq!(got.moved_from, Some(day_date(from_day)), "{}", what);
                            self.moved(i, to_day, got.slot);
                        }
                    }
                    _ => {}
                }
            }
            Op::Rule { doctor, change } => {
                let d = doctor as usize % nd;
                self.change_rules(&what, d, &change)?;
            }
        }
        self.step += 1;
        self.check_books(&what)
    }
}
