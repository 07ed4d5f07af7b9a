//! Who did something: a patient, a staff member or the system.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Id;

/// The kind of actor behind a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A patient acting for themselves (patient portal, app).
    Patient,
    /// A staff member: receptionist, nurse, doctor, administrator.
    Staff,
    /// The host system itself, e.g. the every-minute job that expires holds.
    System,
}

/// Who issued a command; every event records it for the audit timeline.
///
/// # Example
///
/// ```
/// use medsched::{store::Actor, store::ActorKind};
///
/// let reception = Actor::staff("rcp-7");
/// assert_eq!(reception.kind, ActorKind::Staff);
/// assert_eq!(reception.to_string(), "staff rcp-7");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Patient, staff or system.
    pub kind: ActorKind,
    /// The patient's, staff member's or job's id.
    pub id: Id,
}

impl Actor {
    /// A patient.
    pub fn patient(id: impl Into<Id>) -> Self {
        Actor {
            kind: ActorKind::Patient,
            id: id.into(),
        }
    }

    /// A staff member.
    pub fn staff(id: impl Into<Id>) -> Self {
        Actor {
            kind: ActorKind::Staff,
            id: id.into(),
        }
    }

    /// The host system (e.g. a scheduled job), named by `id`.
    pub fn system(id: impl Into<Id>) -> Self {
        Actor {
            kind: ActorKind::System,
            id: id.into(),
        }
    }

    /// Whether this actor is a patient.
    pub fn is_patient(&self) -> bool {
        self.kind == ActorKind::Patient
    }
}

impl ActorKind {
    /// `"patient"`, `"staff"` or `"system"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Patient => "patient",
            ActorKind::Staff => "staff",
            ActorKind::System => "system",
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.as_str(), self.id.as_str())
    }
}
