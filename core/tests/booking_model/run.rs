//! A scenario's run: the service and the model side by side, and the model's queries
//! (claims, the slot check, permissions, picks).

use chrono::{DateTime, Duration, Utc};
use medsched::{
    AppointmentType, ConsultationMode, DoctorCalendar, Error, RuleKind, booking::AppointmentStatus,
    booking::Bookings, booking::Command, booking::DayBook, booking::HoldStatus, booking::Schedule,
    booking::SlotClaim, store::Actor, store::Event, store::InMemoryStore,
};
use proptest::test_runner::TestCaseError;

use super::model::{Ask, MAppt, MHold, OClaim, counts, fail, occupies, span, upcoming};
use super::rules::{DoctorState, appointment_type, clinic, doctor_id, room_id};
use super::strategies::{Scenario, Who};
use super::{LOCATION, PATIENTS, TENANT, day_date, day_of, instant, local, mins};

pub struct Run<'s> {
    pub sc: &'s Scenario,
    pub types: Vec<AppointmentType>,
    pub schedule: Schedule,
    pub bookings: Bookings<InMemoryStore>,
    pub doctors: Vec<DoctorState>,
    pub room_capacity: Vec<u32>,
    /// Types left out of the schedule.
    pub type_gone: Vec<bool>,
    pub holds: Vec<MHold>,
    pub appts: Vec<MAppt>,
    pub now: DateTime<Utc>,
    /// The book the last successful `execute` on each day returned (`None` once a wrapper
    /// wrote to the day).
    pub last_book: [Option<DayBook>; 2],
    next_id: u32,
    pub rule_seq: u32,
    pub step: usize,
}

impl<'s> Run<'s> {
    pub fn new(sc: &'s Scenario) -> Result<Self, TestCaseError> {
        let clinic = clinic(&sc.rooms);
        let doctors: Vec<DoctorState> = sc
            .doctors
            .iter()
            .map(|spec| DoctorState {
                spec: spec.clone(),
                room: spec.room.map(|r| room_id(r as usize % sc.rooms.len())),
                max_parallel: spec.max_parallel,
                leaves: Vec::new(),
                blocks: Vec::new(),
                closures: Vec::new(),
                removed: false,
            })
            .collect();
        let calendars: Vec<DoctorCalendar> = doctors
            .iter()
            .enumerate()
            .map(|(d, s)| s.calendar(d))
            .collect();
        let types: Vec<AppointmentType> = sc
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| appointment_type(i, t))
            .collect();
        let schedule = Schedule::new(TENANT, &clinic, &calendars, &types)
            .map_err(|e| fail(format!("schedule refused: {e}")))?;
        Ok(Run {
            sc,
            types,
            schedule,
            bookings: Bookings::new(InMemoryStore::new()),
            type_gone: vec![false; sc.types.len()],
            doctors,
            room_capacity: sc.rooms.clone(),
            holds: Vec::new(),
            appts: Vec::new(),
            now: instant(local(0, sc.start_now)) + Duration::seconds(sc.start_seconds),
            last_book: [None, None],
            next_id: 0,
            rule_seq: 0,
            step: 0,
        })
    }

    pub fn now_t(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn fresh(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}", self.next_id)
    }

    pub fn actor(&self, who: &Who, owner: &str) -> Actor {
        match who {
            Who::Owner => Actor::patient(owner),
            Who::Patient(n) => Actor::patient(format!("p{}", n % PATIENTS)),
            Who::Staff => Actor::staff("staff-1"),
            Who::System => Actor::system("job"),
        }
    }

    /// The actor of a repeated request: the request's own patient, staff or the system. (A
    /// patient repeating another patient's request is refused as `not_owner`;
    /// `booking_appointments.rs` tests that.)
    pub fn repeat_actor(&self, who: &Who, patient: &str) -> Actor {
        match who {
            Who::Patient(_) => Actor::patient(patient),
            other => self.actor(other, patient),
        }
    }

    /// Decides `command` through the service, remembering the book it returns.
    pub fn exec(
        &mut self,
        day: usize,
        command: &Command,
        actor: &Actor,
    ) -> Result<(DayBook, Vec<Event>), Error> {
        let result =
            self.bookings
                .execute(&self.schedule, actor, self.now_t(), day_date(day), command);
        if let Ok((book, _)) = &result {
            self.last_book[day] = Some(book.clone());
        }
        result
    }

    /// Claims on book day `day` at `now`: appointments that occupy their slot and active
    /// holds, but `except`.
    pub fn claims(&self, day: usize, except: Option<&str>) -> Vec<OClaim<'_>> {
        let now = self.now_t();
        let holds = self
            .holds
            .iter()
            .filter(|h| h.day == day && h.status == HoldStatus::Held && h.expires_at > now)
            .map(|h| (h.id.as_str(), &h.slot, true));
        let appts = self
            .appts
            .iter()
            .filter(|a| a.day == day && a.moved_to.is_none() && occupies(a.status))
            .map(|a| (a.id.as_str(), &a.slot, false));
        appts
            .chain(holds)
            .filter(|(id, _, _)| Some(*id) != except)
            .map(|(id, slot, held)| {
                let (from, to) = span(slot);
                OClaim {
                    id,
                    doctor: slot.doctor_id.as_str(),
                    room: slot.room_id.as_deref(),
                    mode: slot.mode,
                    from,
                    to,
                    held,
                }
            })
            .collect()
    }

    /// The model's slot check: the claim a hold or booking of type `t` with doctor `d` at
    /// `start` gets, or the refusal it meets.
    pub fn expect_slot(&self, ask: Ask<'_>) -> Result<SlotClaim, String> {
        let Ask {
            d,
            t,
            day,
            start,
            except,
            held_since,
        } = ask;
        let doc = &self.doctors[d];
        let ty = &self.sc.types[t];
        // The slot engine is asked only for a doctor and type of the schedule, and a start
        // on the day book decided on.
        if doc.removed {
            return Err("not_found:doctor".into());
        }
        self.type_exists(t)?;
        if day_of(start) != Some(day) {
            return Err("invalid_input:out_of_range".into());
        }
        let (s0, s1) = doc.session(day);
        let step = i64::from(ty.step.unwrap_or(doc.spec.slot_minutes));
        let end = start + i64::from(ty.duration);
        let closed = |rule: RuleKind| Err(format!("slot_unavailable:closed:{rule:?}"));
        let candidate = start >= s0 && (start - s0) % step == 0 && end <= s1;
        if !candidate {
            for m in [start, end - 1] {
                if let Some(rule) = doc.closed_at(day, m) {
                    return closed(rule);
                }
            }
            return Err("invalid_input:not_slot_start".into());
        }
        if let Some(rule) = (start..end).find_map(|m| doc.closed_at(day, m)) {
            return closed(rule);
        }
        // Booking a hold counts minimum notice from the hold's placing.
        let earliest = match held_since {
            Some(placed) => self.now.max(placed + mins(ty.min_notice)),
            None => self.now + mins(ty.min_notice),
        };
        if instant(start) < earliest {
            return Err("slot_unavailable:too_soon".into());
        }
        let buffer_before = doc.spec.buffer_before.max(ty.buffer_before);
        let buffer_after = doc.spec.buffer_after.max(ty.buffer_after);
        let mode = self.types[t].mode;
        let room = match mode {
            ConsultationMode::InPerson => doc.room.clone(),
            _ => None,
        };
        let from = start - i64::from(buffer_before);
        let to = end + i64::from(buffer_after);
        let claims = self.claims(day, except);
        let doctor = doctor_id(d);
        let c = counts(&claims, &doctor, mode, room.as_deref(), (from, to));
        let cap = doc.max_parallel;
        let mode_cap = doc.mode_capacity(mode);
        let room_cap = room.as_deref().map(|r| self.room_cap(r));
        let mut fits = c.doctor_all < cap && c.mode_all < mode_cap;
        if let Some(rc) = room_cap {
            fits &= c.room_all < rc;
        }
        if fits {
            return Ok(SlotClaim {
                doctor_id: doctor.into(),
                location_id: LOCATION.into(),
                room_id: room.map(Into::into),
                appointment_type_id: self.types[t].id.clone(),
                mode,
                start: instant(start),
                end: instant(end),
                buffer_before_minutes: buffer_before,
                buffer_after_minutes: buffer_after,
                clinicians: Vec::new(),
                equipment: Vec::new(),
            });
        }
        if c.doctor_booked >= cap || c.mode_booked >= mode_cap {
            return Err("slot_unavailable:booked".into());
        }
        if room_cap.is_some_and(|rc| c.room_booked >= rc) {
            return Err("slot_unavailable:room_full".into());
        }
        Err("slot_unavailable:held".into())
    }

    pub fn type_exists(&self, t: usize) -> Result<(), String> {
        if self.type_gone[t] {
            return Err("not_found:appointment_type".into());
        }
        Ok(())
    }

    pub fn room_cap(&self, room: &str) -> u32 {
        let i: usize = room[1..].parse().unwrap();
        self.room_capacity[i]
    }

    pub fn hold_minutes(&self, actor: &Actor, t: usize, asked: Option<u32>) -> Result<u32, String> {
        let p = &self.types[t].policy;
        let minutes = asked.unwrap_or(if actor.is_patient() {
            p.patient_hold_minutes
        } else {
            p.staff_hold_minutes
        });
        if minutes == 0 {
            return Err("invalid_input:not_positive".into());
        }
        if minutes > p.max_hold_minutes {
            return Err("policy_violation:hold_limit".into());
        }
        Ok(minutes)
    }

    pub fn own(actor: &Actor, patient: &str) -> Result<(), String> {
        if actor.is_patient() && actor.id.as_str() != patient {
            return Err("policy_violation:not_owner".into());
        }
        Ok(())
    }

    pub fn staff_only(actor: &Actor) -> Result<(), String> {
        if actor.is_patient() {
            return Err("policy_violation:staff_only".into());
        }
        Ok(())
    }

    pub fn active_hold(&self, h: Option<usize>, action: &str) -> Result<usize, String> {
        let Some(i) = h else {
            return Err("not_found:hold".into());
        };
        let hold = &self.holds[i];
        let from = match hold.status {
            HoldStatus::Held if hold.expires_at > self.now_t() => return Ok(i),
            HoldStatus::Held | HoldStatus::Expired => "expired",
            HoldStatus::Released => "released",
            HoldStatus::Booked => "booked",
        };
        Err(format!("invalid_transition:{action}:{from}"))
    }

    pub fn appt_status(
        &self,
        a: Option<usize>,
        allowed: &[AppointmentStatus],
        action: &str,
    ) -> Result<usize, String> {
        let Some(i) = a else {
            return Err("not_found:appointment".into());
        };
        let status = self.appts[i].status;
        if allowed.contains(&status) {
            Ok(i)
        } else {
            Err(format!("invalid_transition:{action}:{}", status.as_str()))
        }
    }

    pub fn pick_hold(&self, k: u8) -> Option<usize> {
        (!self.holds.is_empty()).then(|| k as usize % self.holds.len())
    }

    pub fn pick_appt(&self, k: u8) -> Option<usize> {
        (!self.appts.is_empty()).then(|| k as usize % self.appts.len())
    }

    /// Mostly a live, upcoming appointment (the ones that can move); sometimes any record.
    pub fn pick_upcoming(&self, k: u8) -> Option<usize> {
        let live: Vec<usize> = (0..self.appts.len())
            .filter(|&i| self.appts[i].moved_to.is_none() && upcoming(self.appts[i].status))
            .collect();
        if k.is_multiple_of(4) || live.is_empty() {
            return self.pick_appt(k / 4);
        }
        Some(live[k as usize % live.len()])
    }

    pub fn booked_status(&self, t: usize, actor: &Actor) -> AppointmentStatus {
        if self.types[t].policy.requires_confirmation && actor.is_patient() {
            AppointmentStatus::Pending
        } else {
            AppointmentStatus::Confirmed
        }
    }
}
