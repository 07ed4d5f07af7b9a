//! Rule changes, and the collisions the model expects after them.

use medsched::{
    AppointmentType, DoctorCalendar, Leave, LeaveStatus, RuleKind, Unavailability,
    booking::Schedule,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::model::{MAppt, OClaim, counts, fail, occupies, reason_code, span, upcoming};
use super::rules::{Closure, clinic, policy};
use super::run::Run;
use super::strategies::RuleChange;
use super::{BASE, TENANT, day_date, instant, local, minute, time_of_day};

impl Run<'_> {
    /// Adds leave or a forced block, or lowers `max_parallel` (through
    /// `Schedule::set_calendar`, which also brings a removed doctor back); or changes a
    /// type's policy, removes or restores a type or the doctor, or lowers a room's capacity
    /// (through a new `Schedule`). Then checks every doctor's collisions.
    pub fn change_rules(
        &mut self,
        what: &str,
        d: usize,
        change: &RuleChange,
    ) -> Result<(), TestCaseError> {
        self.rule_seq += 1;
        let seq = self.rule_seq;
        let mut new_closure = None;
        let (nt, nr) = (self.types.len(), self.room_capacity.len());
        let mut new_schedule = true;
        {
            let doc = &mut self.doctors[d];
            match *change {
                RuleChange::Policy { ty, preset } => {
                    self.types[ty as usize % nt].policy = policy(preset);
                }
                RuleChange::ToggleType { ty } => {
                    let gone = &mut self.type_gone[ty as usize % nt];
                    *gone = !*gone;
                }
                RuleChange::ShrinkRoom { room } => {
                    let capacity = &mut self.room_capacity[room as usize % nr];
                    *capacity = (*capacity - 1).max(1);
                }
                RuleChange::ToggleDoctor => doc.removed = !doc.removed,
                RuleChange::Leave {
                    day,
                    from,
                    len,
                    whole_day,
                    approved,
                } => {
                    let day = day as usize;
                    let (start, end) = if whole_day {
                        (0, 1440)
                    } else {
                        let start = BASE + 5 * i64::from(from);
                        (start, start + 5 * i64::from(len))
                    };
                    new_schedule = false;
                    let status = if approved {
                        LeaveStatus::Approved
                    } else {
                        LeaveStatus::Requested
                    };
                    let mut leave =
                        Leave::new(format!("leave-{seq}"), status, day_date(day), day_date(day));
                    if !whole_day {
                        leave.start_time = Some(time_of_day(start));
                        leave.end_time = Some(time_of_day(end));
                    }
                    doc.leaves.push(leave);
                    if approved {
                        new_closure = Some(Closure {
                            from: local(day, start),
                            to: local(day, end),
                            kind: RuleKind::Leave,
                        });
                    }
                }
                RuleChange::Block { day, from, len } => {
                    new_schedule = false;
                    let start = local(day as usize, BASE + 5 * i64::from(from));
                    let end = start + 5 * i64::from(len);
                    doc.blocks.push(Unavailability::new(
                        format!("block-{seq}"),
                        instant(start),
                        instant(end),
                    ));
                    new_closure = Some(Closure {
                        from: start,
                        to: end,
                        kind: RuleKind::ForcedBlock,
                    });
                }
                RuleChange::ReduceParallel => {
                    new_schedule = false;
                    doc.max_parallel = (doc.max_parallel - 1).max(1);
                }
            }
            if let Some(c) = &new_closure {
                doc.closures.push(c.clone());
            }
        }
        if new_schedule {
            let calendars: Vec<DoctorCalendar> = (0..self.doctors.len())
                .filter(|&i| !self.doctors[i].removed)
                .map(|i| self.doctors[i].calendar(i))
                .collect();
            let types: Vec<AppointmentType> = (0..nt)
                .filter(|&t| !self.type_gone[t])
                .map(|t| self.types[t].clone())
                .collect();
            self.schedule = Schedule::new(TENANT, &clinic(&self.room_capacity), &calendars, &types)
                .map_err(|e| fail(format!("{what}: new schedule refused: {e}")))?;
        } else {
            let calendar = self.doctors[d].calendar(d);
            self.schedule
                .set_calendar(&calendar)
                .map_err(|e| fail(format!("{what}: set_calendar refused: {e}")))?;
            self.doctors[d].removed = false;
        }

        let got = self
            .bookings
            .collisions(&self.schedule, day_date(0)..=day_date(1), self.now_t())
            .map_err(|e| fail(format!("{what}: collisions failed: {e}")))?;
        let got: Vec<(String, String)> = got
            .iter()
            .map(|c| (c.appointment.id.to_string(), reason_code(&c.reason)))
            .collect();
        // (c) every upcoming appointment of the doctor overlapping the newly closed period.
        if let Some(c) = &new_closure {
            for a in &self.appts {
                let (s, e) = (minute(a.slot.start), minute(a.slot.end));
                if a.doctor == d
                    && a.moved_to.is_none()
                    && occupies(a.status)
                    && upcoming(a.status)
                    && a.slot.end > self.now
                    && s < c.to
                    && c.from < e
                {
                    prop_assert!(
                        got.iter().any(|(id, _)| *id == a.id),
                        "MISSED COLLISION {}: appointment {} at {}..{} overlaps new closure {:?} \
                         ({}..{}), not listed in {:?}",
                        what,
                        a.id,
                        a.slot.start,
                        a.slot.end,
                        c.kind,
                        instant(c.from),
                        instant(c.to),
                        got
                    );
                }
            }
        }
        let want = self.expected_collisions();
        prop_assert_eq!(got, want, "{}: collisions", what);
        Ok(())
    }

    /// The model's collisions: on each day, in booking order, each upcoming appointment
    /// still to end is checked against the schedule (a doctor no longer in it closes it
    /// `outside_hours`), its doctor's closures, and the appointments kept before it, of
    /// every doctor (those not checked, and the checked ones that still fit).
    fn expected_collisions(&self) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for day in 0..2 {
            let on_day = || {
                self.appts
                    .iter()
                    .filter(|a| a.day == day && a.moved_to.is_none() && occupies(a.status))
            };
            let checked = |a: &MAppt| upcoming(a.status) && a.slot.end > self.now;
            let mut kept: Vec<&MAppt> = on_day().filter(|a| !checked(a)).collect();
            for a in on_day().filter(|a| checked(a)) {
                let doc = &self.doctors[a.doctor];
                if doc.removed {
                    found.push((a.id.clone(), "closed:OutsideHours".to_owned()));
                    continue;
                }
                let (s, e) = (minute(a.slot.start), minute(a.slot.end));
                if let Some(rule) = (s..e).find_map(|m| doc.closed_at(day, m)) {
                    found.push((a.id.clone(), format!("closed:{rule:?}")));
                    continue;
                }
                let claims: Vec<OClaim<'_>> = kept
                    .iter()
                    .map(|k| {
                        let (from, to) = span(&k.slot);
                        OClaim {
                            id: &k.id,
                            doctor: k.slot.doctor_id.as_str(),
                            room: k.slot.room_id.as_deref(),
                            mode: k.slot.mode,
                            from,
                            to,
                            held: false,
                        }
                    })
                    .collect();
                let c = counts(
                    &claims,
                    a.slot.doctor_id.as_str(),
                    a.slot.mode,
                    a.slot.room_id.as_deref(),
                    span(&a.slot),
                );
                if c.doctor_all >= doc.max_parallel || c.mode_all >= doc.mode_capacity(a.slot.mode)
                {
                    found.push((a.id.clone(), "booked".to_owned()));
                } else if let Some(room) = a.slot.room_id.as_deref()
                    && c.room_all >= self.room_cap(room)
                {
                    found.push((a.id.clone(), "room_full".to_owned()));
                } else {
                    kept.push(a);
                }
            }
        }
        found
    }
}
