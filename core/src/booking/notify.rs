//! Notifications as data: what a host should send, to whom and when. medsched sends
//! nothing.

use std::ops::RangeInclusive;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    AppointmentStatus, Bookings, Change, DayBook, Event, EventStore, Id, Result, Schedule,
};

/// What a notification tells the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NotificationKind {
    /// The booking was received and waits for confirmation.
    BookingReceived,
    /// The booking is confirmed.
    BookingConfirmed,
    /// The appointment is coming up.
    Reminder {
        /// How long before the start.
        minutes_before: u32,
    },
    /// The appointment moved to another time.
    Rescheduled,
    /// The appointment was cancelled.
    Cancelled,
    /// The booking was declined.
    Declined,
}

impl NotificationKind {
    /// The snake_case code used in JSON, e.g. `"booking_confirmed"` or `"reminder"`.
    pub fn code(&self) -> &'static str {
        match self {
            NotificationKind::BookingReceived => "booking_received",
            NotificationKind::BookingConfirmed => "booking_confirmed",
            NotificationKind::Reminder { .. } => "reminder",
            NotificationKind::Rescheduled => "rescheduled",
            NotificationKind::Cancelled => "cancelled",
            NotificationKind::Declined => "declined",
        }
    }
}

/// A notification a host should send: to whom, about what, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// A stable id, the same each time it is computed: send each id once.
    pub id: String,
    /// What it says.
    #[serde(flatten)]
    pub kind: NotificationKind,
    /// The appointment.
    pub appointment_id: Id,
    /// The patient to notify.
    pub patient_id: Id,
    /// The doctor.
    pub doctor_id: Id,
    /// The appointment's start (its new start, for a reschedule).
    pub start: DateTime<Utc>,
    /// When to send it.
    pub send_at: DateTime<Utc>,
}

/// The notifications a day book's events call for, by `send_at` then id.
///
/// Each booking, confirmation, reschedule, cancellation and decline gives one, due when it
/// happened. A confirmed appointment still to come gets a reminder at each of its
/// `reminder_minutes_before`, unless that instant had passed when it was booked, confirmed
/// or last rescheduled.
pub fn notifications(events: &[Event]) -> Vec<Notification> {
    let mut book = DayBook::new();
    let mut out = Vec::new();
    for event in events {
        let at = event.at;
        let id = match &event.change {
            Change::AppointmentBooked { appointment } => {
                let kind = match (appointment.moved_from, appointment.status) {
                    (Some(_), _) => NotificationKind::Rescheduled,
                    (None, AppointmentStatus::Pending) => NotificationKind::BookingReceived,
                    (None, _) => NotificationKind::BookingConfirmed,
                };
                Some((appointment.id.clone(), kind))
            }
            Change::AppointmentConfirmed { appointment_id } => {
                Some((appointment_id.clone(), NotificationKind::BookingConfirmed))
            }
            Change::AppointmentRescheduled { appointment_id, .. } => {
                Some((appointment_id.clone(), NotificationKind::Rescheduled))
            }
            Change::AppointmentCancelled { appointment_id, .. } => {
                Some((appointment_id.clone(), NotificationKind::Cancelled))
            }
            Change::AppointmentDeclined { appointment_id, .. } => {
                Some((appointment_id.clone(), NotificationKind::Declined))
            }
            _ => None,
        };
        book.apply(event.clone());
        if let Some((appointment_id, kind)) = id
            && let Some(a) = book.appointment(&appointment_id)
        {
            out.push(notification(a, kind, at));
        }
    }
    for a in book.appointments() {
        if !a.is_upcoming() || a.status != AppointmentStatus::Confirmed {
            continue;
        }
        for &minutes_before in &a.reminder_minutes_before {
            let send_at = a.slot.start - Duration::minutes(i64::from(minutes_before));
            if send_at > a.updated_at {
                out.push(notification(
                    a,
                    NotificationKind::Reminder { minutes_before },
                    send_at,
                ));
            }
        }
    }
    out.sort_by(|x, y| (x.send_at, &x.id).cmp(&(y.send_at, &y.id)));
    out
}

fn notification(
    a: &crate::Appointment,
    kind: NotificationKind,
    send_at: DateTime<Utc>,
) -> Notification {
    let name = match kind {
        NotificationKind::Reminder { minutes_before } => format!("reminder_{minutes_before}"),
        other => other.code().to_owned(),
    };
    Notification {
        id: format!("{}/{name}/{}", a.id.as_str(), send_at.to_rfc3339()),
        kind,
        appointment_id: a.id.clone(),
        patient_id: a.patient_id.clone(),
        doctor_id: a.slot.doctor_id.clone(),
        start: a.slot.start,
        send_at,
    }
}

impl<S: EventStore> Bookings<S> {
    /// The notifications of the day books of `dates` that are due in `(after, until]`: what
    /// a host's notification job sends since its last run. Include the days as far ahead as
    /// the longest reminder lead.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for a bad range; the store's
    /// errors.
    pub fn notifications(
        &self,
        schedule: &Schedule,
        dates: RangeInclusive<NaiveDate>,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Notification>> {
        let mut due = Vec::new();
        for (_, events) in self.days(schedule, &dates)? {
            due.extend(
                notifications(&events)
                    .into_iter()
                    .filter(|n| after < n.send_at && n.send_at <= until),
            );
        }
        due.sort_by(|x, y| (x.send_at, &x.id).cmp(&(y.send_at, &y.id)));
        Ok(due)
    }
}
