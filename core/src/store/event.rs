//! Events: what happened to a day book or a token queue, with who did it and when.
//!
//! Their JSON form (its version, and how older versions are read) is implemented in
//! `wire.rs`: see [`Event::VERSION`] and [`Event::upcast`]. `docs/EVENTS.md` describes every
//! event type.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    Id,
    store::{
        Actor,
        appointment::{Appointment, Hold, SlotClaim},
        token_change::TokenChange,
    },
};

/// One fact in a day book's history: the tenant, the actor, the instant (the `now` of the
/// command) and the change. Events are never edited; state is their fold.
///
/// In JSON the change's fields sit beside the envelope's, tagged by `"type"`, and every event
/// carries the format version it was written in as `"v"` ([`Event::VERSION`]; see
/// [`Event::upcast`] for how older versions are read):
///
/// ```
/// use medsched::{store::Actor, store::Change, store::Event};
///
/// let event = Event {
///     tenant: "clinic-1".into(),
///     actor: Actor::staff("rcp-7"),
///     at: "2026-03-02T08:00:00Z".parse().unwrap(),
///     change: Change::AppointmentConfirmed { appointment_id: "a-1".into() },
/// };
/// let json = serde_json::to_value(&event).unwrap();
/// assert_eq!(json["v"], 1);
/// assert_eq!(json["type"], "appointment_confirmed");
/// assert_eq!(event.change.name(), "appointment_confirmed");
/// assert_eq!(json["appointment_id"], "a-1");
/// assert_eq!(json["actor"]["kind"], "staff");
/// assert_eq!(event.change.topic(), "appointment_updated");
/// assert_eq!(serde_json::from_value::<Event>(json).unwrap(), event);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The tenant (clinic, hospital) whose day book this is.
    pub tenant: Id,
    /// Who caused it.
    pub actor: Actor,
    /// When it happened: the `now` the command was decided with.
    pub at: DateTime<Utc>,
    /// What happened.
    pub change: Change,
}

/// What happened. Past tense; each carries what an audit timeline shows.
///
/// In JSON a change is an object tagged by `"type"`: one of [`Change::TYPES`], a booking
/// change's name or a [`TokenChange`]'s. Reading dispatches on that name, and refuses a
/// name it does not know:
///
/// ```
/// use medsched::store::Change;
/// use serde_json::json;
///
/// let called: Change = serde_json::from_value(json!({"type": "token_called", "number": 7}))
///     .unwrap();
/// assert_eq!(called.name(), "token_called");
/// let unknown = serde_json::from_value::<Change>(json!({"type": "token_eaten", "number": 7}));
/// assert!(unknown.unwrap_err().to_string().contains("unknown change type `token_eaten`"));
/// ```
// The derived impls (kept as inherent functions by `remote = "Self"`) read and write the
// booking variants; `wire` implements the traits, sending token changes to `TokenChange`.
// Its schema (feature `schema`) is derived from the same attributes: the booking variants
// tagged by `"type"`, and a token change as its own object (`untagged` for the schema only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(!remote))]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// A slot was held.
    HoldPlaced {
        /// The hold.
        hold: Hold,
    },
    /// A hold was given more time (e.g. payment in progress).
    HoldExtended {
        /// The hold.
        hold_id: Id,
        /// Its end before.
        previous_expires_at: DateTime<Utc>,
        /// Its new end.
        expires_at: DateTime<Utc>,
    },
    /// A hold was released before it lapsed.
    HoldReleased {
        /// The hold.
        hold_id: Id,
        /// The slot it frees.
        slot: SlotClaim,
    },
    /// A hold lapsed and the expiry job ended it.
    HoldExpired {
        /// The hold.
        hold_id: Id,
        /// The slot it frees.
        slot: SlotClaim,
    },
    /// An appointment was booked (from a hold, directly, or moved here from another day).
    AppointmentBooked {
        /// The appointment as booked.
        appointment: Appointment,
    },
    /// Staff confirmed a pending appointment.
    AppointmentConfirmed {
        /// The appointment.
        appointment_id: Id,
    },
    /// Staff declined a pending appointment.
    AppointmentDeclined {
        /// The appointment.
        appointment_id: Id,
        /// The slot it frees.
        slot: SlotClaim,
        /// Why, if given.
        reason: Option<String>,
    },
    /// The appointment was cancelled (the actor says by whom).
    AppointmentCancelled {
        /// The appointment.
        appointment_id: Id,
        /// The slot it frees.
        slot: SlotClaim,
        /// Why, if given.
        reason: Option<String>,
    },
    /// The appointment took place.
    AppointmentCompleted {
        /// The appointment.
        appointment_id: Id,
    },
    /// The patient did not come.
    AppointmentNoShow {
        /// The appointment.
        appointment_id: Id,
    },
    /// The appointment moved to another slot on the same day.
    AppointmentRescheduled {
        /// The appointment.
        appointment_id: Id,
        /// The slot it left.
        from: SlotClaim,
        /// The slot it moved to.
        to: SlotClaim,
    },
    /// The appointment moved to another day; that day's book has its `AppointmentBooked`.
    AppointmentMovedOut {
        /// The appointment.
        appointment_id: Id,
        /// The day book it moved to.
        to_date: NaiveDate,
        /// The version of this day book the move read the appointment at (the copy on
        /// `to_date` carries it as `moved_from_version`).
        from_version: u64,
        /// The slot it moved to.
        to: SlotClaim,
    },
    /// A move to this day was booked here, but its old day refused to let it go (it had been
    /// cancelled or moved meanwhile): the booking here is void, and the appointment stays
    /// where it was.
    AppointmentMoveAborted {
        /// The appointment.
        appointment_id: Id,
        /// The slot it frees here.
        slot: SlotClaim,
        /// The day book the appointment stays on.
        back_to: NaiveDate,
    },
    /// On the day an appointment is on: a move of it to another day that never finished
    /// (its arrival there was booked, but this day never let it go) is void. Any late step
    /// of that move is refused from now on, and the copy there is aborted. The appointment
    /// itself does not change.
    AppointmentMoveVoided {
        /// The appointment.
        appointment_id: Id,
        /// The day book holding the void copy.
        copy_on: NaiveDate,
    },
    /// A change to a doctor's token queue (only in token-queue streams). In JSON it is the
    /// token change's own object, tagged by its own name.
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(!skip, untagged))]
    Token(TokenChange),
}

impl Change {
    /// Every change type name, as tagged in JSON: the booking changes, then
    /// [`TokenChange::TYPES`]. A new variant adds its name here (and its sample to
    /// `testdata/events`).
    ///
    /// ```
    /// use medsched::store::Change;
    ///
    /// assert_eq!(Change::TYPES.len(), 27);
    /// assert!(Change::TYPES.contains(&"hold_placed"));
    /// assert!(Change::TYPES.contains(&"token_issued"));
    /// ```
    pub const TYPES: &[&str] = &[
        "hold_placed",
        "hold_extended",
        "hold_released",
        "hold_expired",
        "appointment_booked",
        "appointment_confirmed",
        "appointment_declined",
        "appointment_cancelled",
        "appointment_completed",
        "appointment_no_show",
        "appointment_rescheduled",
        "appointment_moved_out",
        "appointment_move_aborted",
        "appointment_move_voided",
        "token_issued",
        "token_checked_in",
        "token_amended",
        "token_called",
        "consultation_started",
        "consultation_completed",
        "token_cancelled",
        "token_skipped",
        "token_marked_late",
        "token_reinserted",
        "token_reassigned",
        "token_moved",
        "meet_link_updated",
    ];

    /// The change's type as tagged in JSON, e.g. `"appointment_booked"`.
    pub fn name(&self) -> &'static str {
        match self {
            Change::HoldPlaced { .. } => "hold_placed",
            Change::HoldExtended { .. } => "hold_extended",
            Change::HoldReleased { .. } => "hold_released",
            Change::HoldExpired { .. } => "hold_expired",
            Change::AppointmentBooked { .. } => "appointment_booked",
            Change::AppointmentConfirmed { .. } => "appointment_confirmed",
            Change::AppointmentDeclined { .. } => "appointment_declined",
            Change::AppointmentCancelled { .. } => "appointment_cancelled",
            Change::AppointmentCompleted { .. } => "appointment_completed",
            Change::AppointmentNoShow { .. } => "appointment_no_show",
            Change::AppointmentRescheduled { .. } => "appointment_rescheduled",
            Change::AppointmentMovedOut { .. } => "appointment_moved_out",
            Change::AppointmentMoveAborted { .. } => "appointment_move_aborted",
            Change::AppointmentMoveVoided { .. } => "appointment_move_voided",
            Change::Token(change) => change.name(),
        }
    }

    /// The live-update topic a host pushes to its clients: `"hold_created"`,
    /// `"hold_extended"`, `"hold_released"`, `"slot_booked"`, `"slot_availability_changed"`
    /// (a slot freed or moved), `"appointment_updated"` (status only), or for token queues
    /// `"queue_updated"` and `"meet_link_updated"`.
    pub fn topic(&self) -> &'static str {
        match self {
            Change::HoldPlaced { .. } => "hold_created",
            Change::HoldExtended { .. } => "hold_extended",
            Change::HoldReleased { .. } | Change::HoldExpired { .. } => "hold_released",
            Change::AppointmentBooked { .. } => "slot_booked",
            Change::AppointmentDeclined { .. }
            | Change::AppointmentCancelled { .. }
            | Change::AppointmentRescheduled { .. }
            | Change::AppointmentMovedOut { .. }
            | Change::AppointmentMoveAborted { .. } => "slot_availability_changed",
            Change::AppointmentConfirmed { .. }
            | Change::AppointmentCompleted { .. }
            | Change::AppointmentNoShow { .. }
            | Change::AppointmentMoveVoided { .. } => "appointment_updated",
            Change::Token(change) => change.topic(),
        }
    }
}
