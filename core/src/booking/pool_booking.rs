//! Booking any doctor of a pool: each doctor asked about the slot on the day book, one
//! chosen by the pool's rule, booked in the same decision (docs/RESOURCES.md).

use std::sync::Mutex;

use chrono::{DateTime, Utc};

use super::check::{SlotAsk, claim};
use super::service::{appointment_in, start_date};
use crate::store::{Actor, AsyncEventStore, Change, EventStore, now_or_never};
use crate::{
    Error, Id, Problem, Result, RuleKind, Unavailable,
    booking::{Appointment, AsyncBookings, Bookings, Command, Context, DayBook, Schedule, decide},
    booking::{Assignment, AssignmentReason, Pool, PoolCandidate, assign},
};

/// A booking with whichever doctor of `pool` its rule chooses.
///
/// # Example
///
/// ```
/// use medsched::booking::{AssignmentRule, Pool, PoolBookRequest};
/// use chrono::{DateTime, Utc};
///
/// let request = PoolBookRequest {
///     appointment_id: "a-1".into(),
///     patient_id: "pat-1".into(),
///     pool: Pool { id: "gp-team".into(), doctor_ids: vec!["dr-ash".into()], rule: AssignmentRule::FirstFree },
///     appointment_type_id: "consult".into(),
///     start: "2026-03-03T09:00:00Z".parse::<DateTime<Utc>>().unwrap(),
/// };
/// assert_eq!(request.pool.id.as_str(), "gp-team");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PoolBookRequest {
    /// The new appointment's id.
    pub appointment_id: Id,
    /// The patient.
    pub patient_id: Id,
    /// The doctors who may take it and how one is chosen.
    pub pool: Pool,
    /// The appointment type.
    pub appointment_type_id: Id,
    /// The slot's start.
    pub start: DateTime<Utc>,
}

/// A pool booking: the appointment and the pool's choice.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PoolBooking {
    /// The appointment booked (or found, for a repeat).
    pub appointment: Appointment,
    /// Which doctor was chosen and why.
    pub assignment: Assignment,
}

/// The pool's doctors as the day book sees them at `request.start`: free or why not, and
/// their appointments and booked minutes that day.
///
/// # Errors
///
/// [`Error::NotFound`] for a doctor or type the schedule does not know; the slot engine's
/// errors for a bad start or type.
pub fn pool_candidates(
    book: &DayBook,
    request: &PoolBookRequest,
    ctx: &Context<'_>,
) -> Result<Vec<PoolCandidate>> {
    request.pool.validate()?;
    request
        .pool
        .doctor_ids
        .iter()
        .map(|doctor_id| {
            let ask = SlotAsk {
                doctor_id,
                appointment_type_id: &request.appointment_type_id,
                start: request.start,
                except: None,
                held_since: None,
            };
            let unavailable = match claim(ctx, book, &ask) {
                Ok(_) => None,
                Err(Error::SlotUnavailable { reason, .. }) => Some(reason),
                Err(Error::InvalidInput {
                    problem: Problem::NotSlotStart,
                    ..
                }) => Some(Unavailable::Closed {
                    rule: RuleKind::OutsideHours,
                    rule_id: None,
                }),
                Err(e) => return Err(e),
            };
            let theirs = book.appointments().iter().filter(|a| {
                a.occupies()
                    && (a.slot.doctor_id == *doctor_id || a.slot.clinicians.contains(doctor_id))
            });
            let (bookings, seconds) = theirs.fold((0u32, 0i64), |(n, s), a| {
                (
                    n.saturating_add(1),
                    s + (a.slot.end - a.slot.start).num_seconds(),
                )
            });
            Ok(PoolCandidate {
                doctor_id: doctor_id.clone(),
                unavailable,
                bookings,
                booked_minutes: u32::try_from(seconds / 60).unwrap_or(u32::MAX),
            })
        })
        .collect()
}

/// Decides a [`PoolBookRequest`] on a day book: the candidates ([`pool_candidates`]), the
/// choice ([`assign`]), and the booking of the chosen doctor as [`Command::Book`], all on
/// the same state. An appointment id already booked by the same patient, type and start
/// with a doctor of the pool is a repeat: no change, reason `already_booked`.
///
/// # Errors
///
/// As [`pool_candidates`], [`assign`] and [`decide`] for [`Command::Book`].
pub fn decide_pool(
    book: &DayBook,
    request: &PoolBookRequest,
    ctx: &Context<'_>,
) -> Result<(Vec<Change>, Assignment)> {
    request.pool.validate()?;
    let book_with = |doctor_id: &Id| Command::Book {
        appointment_id: request.appointment_id.clone(),
        patient_id: request.patient_id.clone(),
        doctor_id: doctor_id.clone(),
        appointment_type_id: request.appointment_type_id.clone(),
        start: request.start,
    };
    if let Some(a) = book.appointment(&request.appointment_id)
        && request.pool.doctor_ids.contains(&a.slot.doctor_id)
    {
        let changes = decide(book, &book_with(&a.slot.doctor_id), ctx)?;
        let assignment = Assignment {
            pool_id: request.pool.id.clone(),
            doctor_id: a.slot.doctor_id.clone(),
            reason: AssignmentReason::AlreadyBooked,
            passed_over: Vec::new(),
        };
        return Ok((changes, assignment));
    }
    let candidates = pool_candidates(book, request, ctx)?;
    let assignment = assign(&request.pool, request.start, &candidates)?;
    let changes = decide(book, &book_with(&assignment.doctor_id), ctx)?;
    Ok((changes, assignment))
}

impl<S: AsyncEventStore> AsyncBookings<S> {
    /// Books any doctor of a pool by its rule, choosing and booking in one decision on the
    /// day book of `request.start` (see [`decide_pool`]): a racing booking either lands
    /// first and the choice is made again on the book with it, or is refused.
    ///
    /// # Errors
    ///
    /// As [`decide_pool`]; [`Error::Conflict`] when every attempt met a concurrent write;
    /// the store's errors.
    pub async fn book_from_pool(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        request: PoolBookRequest,
    ) -> Result<PoolBooking> {
        let date = start_date(schedule, request.start)?;
        let chosen: Mutex<Option<Assignment>> = Mutex::new(None);
        let (book, _) = self
            .decide_and_append(schedule, actor, now, date, |book, ctx| {
                let (changes, assignment) = decide_pool(book, &request, ctx)?;
                *chosen.lock().unwrap_or_else(|e| e.into_inner()) = Some(assignment);
                Ok(changes)
            })
            .await?;
        let appointment = appointment_in(&book, &request.appointment_id)?;
        let assignment = chosen
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .ok_or_else(|| {
                Error::invalid(
                    "pool",
                    &request.pool.id,
                    Problem::Missing("a choice".into()),
                )
            })?;
        Ok(PoolBooking {
            appointment,
            assignment,
        })
    }
}

impl<S: EventStore> Bookings<S> {
    /// As [`AsyncBookings::book_from_pool`].
    ///
    /// # Errors
    ///
    /// As [`AsyncBookings::book_from_pool`].
    pub fn book_from_pool(
        &self,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        request: PoolBookRequest,
    ) -> Result<PoolBooking> {
        now_or_never(self.inner.book_from_pool(schedule, actor, now, request))
    }
}
