//! The model's holds and appointments, its claim counting, and how its predictions
//! are compared with the service's answers.

use chrono::{DateTime, Utc};
use medsched::{
    BookingPolicy, ConsultationMode, Error, Unavailable, booking::AppointmentStatus,
    booking::HoldStatus, booking::SlotClaim,
};
use proptest::test_runner::TestCaseError;

use super::minute;

#[derive(Debug, Clone)]
pub struct MHold {
    pub id: String,
    pub day: usize,
    pub doctor: usize,
    pub ty: usize,
    pub patient: String,
    pub slot: SlotClaim,
    pub placed_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub status: HoldStatus,
}

#[derive(Debug, Clone)]
pub struct MAppt {
    pub id: String,
    pub day: usize,
    pub doctor: usize,
    pub ty: usize,
    pub patient: String,
    pub slot: SlotClaim,
    pub status: AppointmentStatus,
    pub reschedule_count: u32,
    pub hold_id: Option<String>,
    /// The day it moved to (this record no longer occupies its day) and the day it came from.
    pub moved_to: Option<usize>,
    pub moved_from: Option<usize>,
    /// The type's policy when it was booked: cancelling and rescheduling follow it.
    pub policy: BookingPolicy,
}

/// A claim on a doctor and a room, for counting: UTC minutes `[from, to)` with buffers.
pub struct OClaim<'a> {
    pub id: &'a str,
    pub doctor: &'a str,
    pub room: Option<&'a str>,
    pub mode: ConsultationMode,
    pub from: i64,
    pub to: i64,
    pub held: bool,
}

pub fn span(slot: &SlotClaim) -> (i64, i64) {
    (
        minute(slot.start) - i64::from(slot.buffer_before_minutes),
        minute(slot.end) + i64::from(slot.buffer_after_minutes),
    )
}

/// The most claims at any minute of a span, on the doctor, the mode and the room.
#[derive(Debug, Default)]
pub struct Counts {
    pub doctor_all: u32,
    pub doctor_booked: u32,
    pub mode_all: u32,
    pub mode_booked: u32,
    pub room_all: u32,
    pub room_booked: u32,
}

pub fn occupies(status: AppointmentStatus) -> bool {
    !matches!(
        status,
        AppointmentStatus::Cancelled | AppointmentStatus::Declined
    )
}

pub fn upcoming(status: AppointmentStatus) -> bool {
    matches!(
        status,
        AppointmentStatus::Pending | AppointmentStatus::Confirmed
    )
}

pub fn counts(
    claims: &[OClaim<'_>],
    doctor: &str,
    mode: ConsultationMode,
    room: Option<&str>,
    (from, to): (i64, i64),
) -> Counts {
    let mut c = Counts::default();
    for m in from..to {
        let mut here = Counts::default();
        for k in claims.iter().filter(|k| k.from <= m && m < k.to) {
            let booked = u32::from(!k.held);
            if k.doctor == doctor {
                here.doctor_all += 1;
                here.doctor_booked += booked;
                if k.mode == mode {
                    here.mode_all += 1;
                    here.mode_booked += booked;
                }
            }
            if room.is_some() && k.room == room && k.mode == ConsultationMode::InPerson {
                here.room_all += 1;
                here.room_booked += booked;
            }
        }
        c.doctor_all = c.doctor_all.max(here.doctor_all);
        c.doctor_booked = c.doctor_booked.max(here.doctor_booked);
        c.mode_all = c.mode_all.max(here.mode_all);
        c.mode_booked = c.mode_booked.max(here.mode_booked);
        c.room_all = c.room_all.max(here.room_all);
        c.room_booked = c.room_booked.max(here.room_booked);
    }
    c
}

/// The stable text of a refusal: code and detail, as the model predicts them.
fn code(e: &Error) -> String {
    match e {
        Error::InvalidInput { problem, .. } => format!("invalid_input:{}", problem.code()),
        Error::NotFound { kind, .. } => format!("not_found:{kind}"),
        Error::SlotUnavailable { reason, .. } => {
            format!("slot_unavailable:{}", reason_code(reason))
        }
        Error::InvalidTransition { from, action, .. } => {
            format!("invalid_transition:{action}:{from}")
        }
        Error::PolicyViolation { rule, .. } => format!("policy_violation:{}", rule.code()),
        other => format!("unexpected:{}", other.code()),
    }
}

pub fn reason_code(reason: &Unavailable) -> String {
    match reason {
        Unavailable::Closed { rule, .. } => format!("closed:{rule:?}"),
        other => other.code().to_owned(),
    }
}

pub fn fail(message: String) -> TestCaseError {
    TestCaseError::fail(message)
}

/// The model's prediction and the service's answer agree: both succeed, or both refuse
/// with the same code.
pub fn agree<E, A>(
    what: &str,
    expected: &Result<E, String>,
    actual: &Result<A, Error>,
) -> Result<(), TestCaseError> {
    match (expected, actual) {
        (Ok(_), Ok(_)) => Ok(()),
        (Err(want), Err(e)) if *want == code(e) => Ok(()),
        (Ok(_), Err(e)) => Err(fail(format!(
            "WRONG REFUSAL {what}: refused with `{e}` ({}) but the model accepts",
            code(e)
        ))),
        (Err(want), Ok(_)) => Err(fail(format!(
            "WRONG ACCEPTANCE {what}: accepted but the model refuses with {want}"
        ))),
        (Err(want), Err(e)) => Err(fail(format!(
            "WRONG REASON {what}: refused with `{e}` ({}) but the model expects {want}",
            code(e)
        ))),
    }
}

/// A slot the model is asked about: doctor `d`, type `t`, book day `day`, UTC minute
/// `start`; `except` does not count against it; `held_since` is the placing of the hold being
/// booked.
pub struct Ask<'a> {
    pub d: usize,
    pub t: usize,
    pub day: usize,
    pub start: i64,
    pub except: Option<&'a str>,
    pub held_since: Option<DateTime<Utc>>,
}

impl Ask<'_> {
    pub fn new(d: usize, t: usize, day: usize, start: i64) -> Self {
        Ask {
            d,
            t,
            day,
            start,
            except: None,
            held_since: None,
        }
    }
}
