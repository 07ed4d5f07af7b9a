//! The state of a day book: a fold of its events, with no rules of its own.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::booking::{
    Appointment, AppointmentStatus, Command, Context, Hold, HoldStatus, SlotClaim, decide,
};
use crate::store::{Change, Decider, Event};
use crate::{Occupancy, Result};

/// One tenant's bookings for one day: every hold and appointment of that day's stream, as
/// its events leave them.
///
/// A `DayBook` is a pure fold: [`apply`](Self::apply) records what an event says and checks
/// nothing (the checks were made when the event was decided). Replaying the same events
/// always gives the same `DayBook`.
///
/// # Example
///
/// ```
/// use medsched::{store::Actor, store::Change, booking::DayBook, store::Event};
///
/// let events = vec![Event {
///     tenant: "clinic-1".into(),
///     actor: Actor::staff("rcp-7"),
///     at: "2026-03-02T08:00:00Z".parse().unwrap(),
///     change: Change::AppointmentConfirmed { appointment_id: "a-unknown".into() },
/// }];
/// let book = DayBook::from_events(events);
/// assert!(book.appointments().is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayBook {
    holds: Vec<Hold>,
    hold_ix: FxHashMap<crate::Id, usize>,
    appointments: Vec<Appointment>,
    appointment_ix: FxHashMap<crate::Id, usize>,
    /// Every move out of this day: the day each appointment went to and the version the
    /// move read it at. Kept apart from the records, which a later return replaces.
    departures: FxHashMap<crate::Id, Vec<(NaiveDate, u64)>>,
    /// Every move into this day: the day each appointment came from and the version its
    /// move read it at. A move arrives once: its token is never booked here again.
    arrivals: FxHashMap<crate::Id, Vec<(NaiveDate, u64)>>,
}

impl DayBook {
    /// The empty day book.
    pub fn new() -> Self {
        DayBook::default()
    }

    /// The state the events leave, applied in order.
    pub fn from_events(events: impl IntoIterator<Item = Event>) -> Self {
        // Collecting a `Vec` reuses it; counting the records first spares the lists from
        // growing (and copying every record) as they fill.
        let events: Vec<Event> = events.into_iter().collect();
        let (mut holds, mut appointments) = (0, 0);
        for event in &events {
            match event.change {
                Change::HoldPlaced { .. } => holds += 1,
                Change::AppointmentBooked { .. } => appointments += 1,
                _ => {}
            }
        }
        let mut book = DayBook::new();
        book.holds.reserve(holds);
        book.hold_ix.reserve(holds);
        book.appointments.reserve(appointments);
        book.appointment_ix.reserve(appointments);
        for event in events {
            book.apply(event);
        }
        book
    }

    /// Records one event. An event naming a hold or appointment the book does not hold
    /// changes nothing.
    pub fn apply(&mut self, event: Event) {
        let at = event.at;
        match event.change {
            Change::HoldPlaced { hold } => {
                if let Entry::Vacant(slot) = self.hold_ix.entry(hold.id.clone()) {
                    slot.insert(self.holds.len());
                    self.holds.push(hold);
                }
            }
            Change::HoldExtended {
                hold_id,
                expires_at,
                ..
            } => {
                if let Some(hold) = self.hold_mut(&hold_id) {
                    hold.expires_at = expires_at;
                }
            }
            Change::HoldReleased { hold_id, .. } => self.end_hold(&hold_id, HoldStatus::Released),
            Change::HoldExpired { hold_id, .. } => self.end_hold(&hold_id, HoldStatus::Expired),
            Change::AppointmentBooked { appointment } => {
                if let (Some(from), Some(version)) =
                    (appointment.moved_from, appointment.moved_from_version)
                {
                    let arrivals = self.arrivals.entry(appointment.id.clone()).or_default();
                    arrivals.push((from, version));
                }
                if let Some(hold_id) = &appointment.hold_id {
                    self.end_hold(hold_id, HoldStatus::Booked);
                }
                match self.appointment_ix.entry(appointment.id.clone()) {
                    // Moved back to a day it had left: the new booking replaces the old record.
                    Entry::Occupied(i) => self.appointments[*i.get()] = appointment,
                    Entry::Vacant(slot) => {
                        slot.insert(self.appointments.len());
                        self.appointments.push(appointment);
                    }
                }
            }
            Change::AppointmentConfirmed { appointment_id } => {
                if let Some(a) = self.appointment_mut(&appointment_id) {
                    a.status = AppointmentStatus::Confirmed;
                    a.confirmed_at = Some(at);
                    a.updated_at = at;
                }
            }
            Change::AppointmentDeclined {
                appointment_id,
                reason,
                ..
            } => self.end(
                &appointment_id,
                AppointmentStatus::Declined,
                event.actor,
                reason,
                at,
            ),
            Change::AppointmentCancelled {
                appointment_id,
                reason,
                ..
            } => self.end(
                &appointment_id,
                AppointmentStatus::Cancelled,
                event.actor,
                reason,
                at,
            ),
            Change::AppointmentCompleted { appointment_id } => {
                self.set_status(&appointment_id, AppointmentStatus::Completed, at)
            }
            Change::AppointmentNoShow { appointment_id } => {
                self.set_status(&appointment_id, AppointmentStatus::NoShow, at)
            }
            Change::AppointmentRescheduled {
                appointment_id, to, ..
            } => {
                if let Some(a) = self.appointment_mut(&appointment_id) {
                    a.slot = to;
                    a.reschedule_count += 1;
                    a.updated_at = at;
                }
            }
            // Only refuses late steps of a move; the appointment stays as it is.
            Change::AppointmentMoveVoided { .. } | Change::Token(_) => {}
            Change::AppointmentMovedOut {
                appointment_id,
                to_date,
                from_version,
                ..
            } => {
                if let Some(a) = self.appointment_mut(&appointment_id) {
                    a.moved_to = Some(to_date);
                    a.updated_at = at;
                }
                let departures = self.departures.entry(appointment_id).or_default();
                departures.push((to_date, from_version));
            }
            Change::AppointmentMoveAborted {
                appointment_id,
                back_to: date,
                ..
            } => {
                if let Some(a) = self.appointment_mut(&appointment_id) {
                    a.moved_to = Some(date);
                    a.updated_at = at;
                }
            }
        }
    }

    /// Every hold ever placed on this day, in placing order.
    pub fn holds(&self) -> &[Hold] {
        &self.holds
    }

    /// Every appointment ever booked on this day, in booking order (moved, cancelled and
    /// declined ones included).
    pub fn appointments(&self) -> &[Appointment] {
        &self.appointments
    }

    /// Whether the appointment moved out of this day to `to` by the move that read it at
    /// `version`: whether that move is final.
    pub(crate) fn moved_out(&self, id: &str, to: NaiveDate, version: u64) -> bool {
        self.departures
            .get(id)
            .is_some_and(|d| d.contains(&(to, version)))
    }

    /// Whether the move that read the appointment on `from` at `version` has already
    /// arrived here (even if it was aborted or has left again since).
    pub(crate) fn moved_in(&self, id: &str, from: NaiveDate, version: u64) -> bool {
        self.arrivals
            .get(id)
            .is_some_and(|a| a.contains(&(from, version)))
    }

    /// The hold with this id.
    pub fn hold(&self, id: &str) -> Option<&Hold> {
        self.hold_ix.get(id).map(|&i| &self.holds[i])
    }

    /// The appointment with this id.
    pub fn appointment(&self, id: &str) -> Option<&Appointment> {
        self.appointment_ix.get(id).map(|&i| &self.appointments[i])
    }

    /// What occupies doctors and rooms at `now`: the appointments that occupy their slot and
    /// the holds still active, leaving out the hold or appointment with id `except`.
    pub fn occupancy(&self, now: DateTime<Utc>, except: Option<&str>) -> Occupancy {
        self.occupancy_where(now, except, |_| true)
    }

    /// [`occupancy`](Self::occupancy), of the claims `keep` accepts only.
    pub(crate) fn occupancy_where(
        &self,
        now: DateTime<Utc>,
        except: Option<&str>,
        keep: impl Fn(&SlotClaim) -> bool,
    ) -> Occupancy {
        let holds = self
            .holds
            .iter()
            .filter(|h| h.is_active(now) && except != Some(h.id.as_str()) && keep(&h.slot))
            .flat_map(|h| h.slot.reservations(&h.id, Some(h.expires_at)));
        let appointments = self
            .appointments
            .iter()
            .filter(|a| a.occupies() && except != Some(a.id.as_str()) && keep(&a.slot))
            .flat_map(|a| a.slot.reservations(&a.id, None));
        Occupancy {
            reservations: appointments.chain(holds).collect(),
            busy: Vec::new(),
        }
    }

    fn hold_mut(&mut self, id: &str) -> Option<&mut Hold> {
        self.hold_ix.get(id).map(|&i| &mut self.holds[i])
    }

    fn appointment_mut(&mut self, id: &str) -> Option<&mut Appointment> {
        self.appointment_ix
            .get(id)
            .map(|&i| &mut self.appointments[i])
    }

    fn end_hold(&mut self, id: &str, status: HoldStatus) {
        if let Some(hold) = self.hold_mut(id) {
            hold.status = status;
        }
    }

    fn set_status(&mut self, id: &str, status: AppointmentStatus, at: DateTime<Utc>) {
        if let Some(a) = self.appointment_mut(id) {
            a.status = status;
            a.updated_at = at;
        }
    }

    fn end(
        &mut self,
        id: &str,
        status: AppointmentStatus,
        actor: crate::store::Actor,
        reason: Option<String>,
        at: DateTime<Utc>,
    ) {
        if let Some(a) = self.appointment_mut(id) {
            a.status = status;
            a.ended_by = Some(actor);
            a.end_reason = reason;
            a.updated_at = at;
        }
    }
}

impl Decider for DayBook {
    type Command = Command;
    type Context<'c> = Context<'c>;

    fn apply(&mut self, event: Event) {
        DayBook::apply(self, event);
    }

    fn fold(events: Vec<Event>) -> Self {
        DayBook::from_events(events)
    }

    fn decide(&self, command: &Command, ctx: &Context<'_>) -> Result<Vec<Change>> {
        decide(self, command, ctx)
    }
}
