//! The appointment actions a binding names as text.

use chrono::{DateTime, NaiveDate, Utc};
use medsched::booking::{Appointment, AsyncBookings, Bookings, Schedule};
use medsched::store::{Actor, AsyncEventStore, EventStore};
use medsched::{Error, Problem, Result};

/// A status change of an appointment, as a binding names it: `"confirm"`, `"decline"`,
/// `"complete"`, `"mark_no_show"` or `"cancel"`.
///
/// ```
/// use medsched_facade::AppointmentAction;
///
/// assert_eq!(AppointmentAction::from_name("cancel")?, AppointmentAction::Cancel);
/// let unknown = AppointmentAction::from_name("uncancel").unwrap_err();
/// assert_eq!(unknown.to_string(), "invalid action = \"uncancel\": refers to no known record");
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentAction {
    /// Staff confirm a pending appointment.
    Confirm,
    /// Staff decline a pending appointment.
    Decline,
    /// It took place.
    Complete,
    /// The patient did not come.
    MarkNoShow,
    /// Cancelled (the actor says by whom).
    Cancel,
}

impl AppointmentAction {
    /// The action of a name.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the field `action` for any other name.
    pub fn from_name(name: &str) -> Result<AppointmentAction> {
        Ok(match name {
            "confirm" => AppointmentAction::Confirm,
            "decline" => AppointmentAction::Decline,
            "complete" => AppointmentAction::Complete,
            "mark_no_show" => AppointmentAction::MarkNoShow,
            "cancel" => AppointmentAction::Cancel,
            other => {
                return Err(Error::invalid_input(
                    "action",
                    other,
                    Problem::UnknownReference,
                ));
            }
        })
    }

    /// Takes the action on appointment `id` of the day book of `date` (`reason` is kept by
    /// a decline or a cancellation).
    ///
    /// # Errors
    ///
    /// As the service's method for the action.
    #[allow(clippy::too_many_arguments)]
    pub fn apply<S: EventStore>(
        self,
        bookings: &Bookings<S>,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        id: &str,
        reason: Option<String>,
    ) -> Result<Appointment> {
        match self {
            AppointmentAction::Confirm => bookings.confirm(schedule, actor, now, date, id),
            AppointmentAction::Decline => bookings.decline(schedule, actor, now, date, id, reason),
            AppointmentAction::Complete => bookings.complete(schedule, actor, now, date, id),
            AppointmentAction::MarkNoShow => bookings.mark_no_show(schedule, actor, now, date, id),
            AppointmentAction::Cancel => bookings.cancel(schedule, actor, now, date, id, reason),
        }
    }

    /// Takes the action as [`apply`](AppointmentAction::apply) does, on the async service.
    ///
    /// # Errors
    ///
    /// As the service's method for the action.
    #[allow(clippy::too_many_arguments)]
    pub async fn apply_async<S: AsyncEventStore>(
        self,
        bookings: &AsyncBookings<S>,
        schedule: &Schedule,
        actor: &Actor,
        now: DateTime<Utc>,
        date: NaiveDate,
        id: &str,
        reason: Option<String>,
    ) -> Result<Appointment> {
        match self {
            AppointmentAction::Confirm => bookings.confirm(schedule, actor, now, date, id).await,
            AppointmentAction::Decline => {
                bookings
                    .decline(schedule, actor, now, date, id, reason)
                    .await
            }
            AppointmentAction::Complete => bookings.complete(schedule, actor, now, date, id).await,
            AppointmentAction::MarkNoShow => {
                bookings.mark_no_show(schedule, actor, now, date, id).await
            }
            AppointmentAction::Cancel => {
                bookings
                    .cancel(schedule, actor, now, date, id, reason)
                    .await
            }
        }
    }
}
