//! Notifications as data: what a host should send, to whom and when. medsched sends
//! nothing.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ops::RangeInclusive;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    Id, Result, booking::Appointment, booking::AppointmentStatus, booking::AsyncBookings,
    booking::DayBook, booking::Schedule, booking::SlotClaim, store::AsyncEventStore, store::Change,
    store::Event, store::StreamId,
};

/// What a notification tells the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Notification {
    /// A stable id, the same each time it is computed: send each id once. For a change it is
    /// `{appointment}/{book date}/{stream version}`; for a reminder
    /// `{appointment}/{book date}/reminder_{minutes}/{start}`.
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
    /// When to send it: when the change happened, or when the reminder is due.
    pub send_at: DateTime<Utc>,
}

/// Notifications read from the change feed, and where to read on from.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FeedNotifications {
    /// The notifications the changes call for, in feed order.
    pub notifications: Vec<Notification>,
    /// The feed position read up to: pass it as `after` next time.
    pub position: u64,
}

/// Every notification one day book's events call for, by `send_at` then id: the
/// notifications of its changes (see [`Bookings::feed_notifications`](crate::booking::Bookings::feed_notifications)) and the reminders of
/// its confirmed, upcoming appointments, past or future (see [`Bookings::reminders`](crate::booking::Bookings::reminders) for the
/// ones due in a window).
pub fn notifications(events: &[Event]) -> Vec<Notification> {
    let mut book = DayBook::new();
    let mut out = Vec::new();
    for (i, event) in events.iter().enumerate() {
        book.apply(event.clone());
        out.extend(change_notification(event, &book, i as u64 + 1));
    }
    out.extend(reminders(&book));
    out.sort_by(|x, y| (x.send_at, &x.id).cmp(&(y.send_at, &y.id)));
    out
}

/// The notification one change calls for, read from the book just after it (`version` is
/// the event's version in its stream).
///
/// A booking gives "received" (pending) or "confirmed"; a confirmation "confirmed"; a
/// reschedule or a move to another day "rescheduled"; a cancellation or decline its own.
/// The arrival of a move on its new day, and an aborted move, give none: the move is told
/// once, by the old day, when it is final.
fn change_notification(event: &Event, book: &DayBook, version: u64) -> Option<Notification> {
    let (id, kind, slot): (&Id, NotificationKind, Option<&SlotClaim>) = match &event.change {
        Change::AppointmentBooked { appointment } if appointment.moved_from.is_none() => {
            let kind = match appointment.status {
                AppointmentStatus::Pending => NotificationKind::BookingReceived,
                _ => NotificationKind::BookingConfirmed,
            };
            (&appointment.id, kind, None)
        }
        Change::AppointmentConfirmed { appointment_id } => {
            (appointment_id, NotificationKind::BookingConfirmed, None)
        }
        Change::AppointmentRescheduled {
            appointment_id, to, ..
        }
        | Change::AppointmentMovedOut {
            appointment_id, to, ..
        } => (appointment_id, NotificationKind::Rescheduled, Some(to)),
        Change::AppointmentCancelled { appointment_id, .. } => {
            (appointment_id, NotificationKind::Cancelled, None)
        }
        Change::AppointmentDeclined { appointment_id, .. } => {
            (appointment_id, NotificationKind::Declined, None)
        }
        _ => return None,
    };
    let a = book.appointment(id)?;
    let slot = slot.unwrap_or(&a.slot);
    Some(Notification {
        id: format!("{}/{}/{version}", a.id.as_str(), a.book_date),
        kind,
        appointment_id: a.id.clone(),
        patient_id: a.patient_id.clone(),
        doctor_id: slot.doctor_id.clone(),
        start: slot.start,
        send_at: event.at,
    })
}

/// The reminders of a day book's confirmed, upcoming appointments: one at each of the
/// `reminder_minutes_before` of the policy it was booked under, unless that instant had
/// passed when it was confirmed or last rescheduled.
fn reminders(book: &DayBook) -> Vec<Notification> {
    let mut out = Vec::new();
    let confirmed = book
        .appointments()
        .iter()
        .filter(|a| a.is_upcoming() && a.status == AppointmentStatus::Confirmed);
    for a in confirmed {
        for &minutes_before in &a.policy.reminder_minutes_before {
            let send_at = a.slot.start - Duration::minutes(i64::from(minutes_before));
            if send_at > a.updated_at {
                out.push(reminder(a, minutes_before, send_at));
            }
        }
    }
    out
}

fn reminder(a: &Appointment, minutes_before: u32, send_at: DateTime<Utc>) -> Notification {
    Notification {
        id: format!(
            "{}/{}/reminder_{minutes_before}/{}",
            a.id.as_str(),
            a.book_date,
            a.slot.start.to_rfc3339()
        ),
        kind: NotificationKind::Reminder { minutes_before },
        appointment_id: a.id.clone(),
        patient_id: a.patient_id.clone(),
        doctor_id: a.slot.doctor_id.clone(),
        start: a.slot.start,
        send_at,
    }
}

impl<S: AsyncEventStore> AsyncBookings<S> {
    /// The notifications the changes after feed position `after` call for (at most `limit`
    /// feed entries read): bookings received or confirmed, reschedules, cancellations and
    /// declines. A host's notification job reads on from the returned `position`, so no
    /// change is missed or told twice, however far ahead the appointment is.
    ///
    /// # Errors
    ///
    /// The store's errors.
    pub async fn feed_notifications(
        &self,
        schedule: &Schedule,
        after: u64,
        limit: usize,
    ) -> Result<FeedNotifications> {
        let entries = self.feed(schedule, after, limit).await?;
        let mut books: HashMap<NaiveDate, (Vec<Event>, DayBook, u64)> = HashMap::new();
        let mut out = FeedNotifications {
            notifications: Vec::new(),
            position: after,
        };
        for entry in entries {
            out.position = entry.position;
            if !matters(&entry.event.change) {
                continue;
            }
            let date = entry.stream.date;
            let (events, book, folded) = match books.entry(date) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => {
                    let stream = StreamId::new(schedule.tenant().clone(), date);
                    let loaded = crate::store::load(self.store(), &stream).await?;
                    e.insert((loaded.events, DayBook::new(), 0))
                }
            };
            while *folded < entry.version {
                let Some(event) = events.get(*folded as usize) else {
                    break;
                };
                book.apply(event.clone());
                *folded += 1;
            }
            out.notifications
                .extend(change_notification(&entry.event, book, entry.version));
        }
        Ok(out)
    }

    /// The reminders due in `(after, until]` for the appointments of the day books of
    /// `dates`: what a host's notification job sends since its last run. Include the days
    /// as far ahead as the longest reminder lead (24 hours by default). The copy of a move to
    /// another day that is not final yet gets none (its old day's record does).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for a bad range; the store's
    /// errors.
    pub async fn reminders(
        &self,
        schedule: &Schedule,
        dates: RangeInclusive<NaiveDate>,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Notification>> {
        let mut due = Vec::new();
        for (_, events) in self.days(schedule, &dates).await? {
            let book = DayBook::from_events(events);
            for reminder in reminders(&book) {
                if reminder.send_at <= after || until < reminder.send_at {
                    continue;
                }
                // A copy of a move not yet final is not the appointment: its old day reminds.
                let record = book.appointment(&reminder.appointment_id);
                if let Some(copy) = record.filter(|a| a.moved_from.is_some())
                    && self.in_transit_from(schedule, copy).await?.is_some()
                {
                    continue;
                }
                due.push(reminder);
            }
        }
        due.sort_by(|x, y| (x.send_at, &x.id).cmp(&(y.send_at, &y.id)));
        Ok(due)
    }
}

/// Whether a change can call for a notification.
fn matters(change: &Change) -> bool {
    matches!(
        change,
        Change::AppointmentBooked { .. }
            | Change::AppointmentConfirmed { .. }
            | Change::AppointmentRescheduled { .. }
            | Change::AppointmentMovedOut { .. }
            | Change::AppointmentCancelled { .. }
            | Change::AppointmentDeclined { .. }
    )
}
