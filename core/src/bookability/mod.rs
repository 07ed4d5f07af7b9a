//! Bookability: whether a doctor may be shown in search and booked, from ten
//! preconditions, each with its reason, and a score.
//!
//! The ten preconditions ([`CheckKind`]) come from two sources:
//!
//! - the host's records of the doctor, passed as [`DoctorFacts`]: profile complete, license
//!   verified, fees configured, a specialty, no critical verification failure, status
//!   `active` (and locations the host assigned);
//! - medsched's own rules, gathered as [`CalendarFacts`]: a base schedule, the template
//!   locations, a bookable slot within the horizon (90 days) and no forced block in force.
//!
//! [`evaluate`] does both; [`score`] only combines facts, so a host that keeps the
//! [`CalendarFacts`] re-scores for nothing when its own records change and gathers the
//! calendar again (one bounded slot search) only when a rule changes (`docs/BOOKABILITY.md`
//! lists which changes need which).
//!
//! The verdicts ([`Bookability`]):
//!
//! - `score`: the passed preconditions' share of the [`BookabilityWeights`], 0–100;
//! - `is_bookable`: all ten pass;
//! - `can_show_in_search`: `score ≥ search_threshold` (60) and a public profile;
//! - `can_patient_book`: the doctor accepts online bookings and `is_bookable`;
//! - `can_receptionist_book`: every critical precondition passes (license, verification,
//!   status, forced block by default; [`BookabilityPolicy::critical`]).
//!
//! # Example
//!
//! ```
//! use chrono::{DateTime, Utc, Weekday};
//! use medsched::bookability::{BookabilityPolicy, CheckKind, DoctorFacts, evaluate};
//! use medsched::{AppointmentType, Clinic, ClinicRules, DoctorCalendar, Location, Session, WeeklyTemplate};
//!
//! let clinic = ClinicRules::new(&Clinic {
//!     locations: vec![Location::new("kochi", "Kochi OPD", "Asia/Kolkata")],
//!     holidays: vec![],
//! })?;
//! let mut calendar = DoctorCalendar::new("dr-asha");
//! calendar.templates.push(WeeklyTemplate {
//!     weekdays: vec![Weekday::Mon],
//!     sessions: vec![Session::new("09:00", "13:00")?],
//!     ..WeeklyTemplate::new("monday-opd", "kochi")
//! });
//! let facts = DoctorFacts {
//!     profile_complete: true,
//!     license_verified: true,
//!     fees_configured: false,
//!     specialties: vec!["cardiology".into()],
//!     public_profile_visible: true,
//!     accepts_online_bookings: true,
//!     ..DoctorFacts::active()
//! };
//! let now = "2026-03-01T06:00:00Z".parse::<DateTime<Utc>>().unwrap();
//! let consult = AppointmentType::new("consult", 15);
//! let verdict = evaluate(&facts, &clinic, &calendar, &consult, now, &BookabilityPolicy::default())?;
//! assert_eq!(verdict.score, 90);
//! assert!(verdict.can_show_in_search && verdict.can_receptionist_book);
//! assert!(!verdict.can_patient_book); // fees are not configured
//! let fees = verdict.check(CheckKind::FeesConfigured).unwrap();
//! assert_eq!((fees.passed, fees.reason.as_str()), (false, "no fees configured"));
//! let slots = verdict.check(CheckKind::SlotsAhead).unwrap();
//! assert_eq!(slots.reason, "first slot at 2026-03-02T03:30:00Z");
//! # Ok::<(), medsched::Error>(())
//! ```

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::error::cut;
use crate::{AppointmentType, ClinicRules, DoctorCalendar, Id, Result};

mod calendar;
mod policy;

pub use calendar::CalendarFacts;
pub use policy::{BookabilityPolicy, BookabilityWeights, MAX_HORIZON_DAYS, MAX_WEIGHT};

/// The host's records of a doctor that bookability reads (the rest comes from medsched's
/// own calendar). In JSON the lists default to empty; the rest is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DoctorFacts {
    /// The doctor's profile has everything the host requires.
    pub profile_complete: bool,
    /// The doctor's license has been verified.
    pub license_verified: bool,
    /// The doctor's consultation fees are configured.
    pub fees_configured: bool,
    /// Locations the host assigned the doctor to, besides those of the calendar's templates.
    #[serde(default)]
    pub location_ids: Vec<Id>,
    /// The doctor's specialties.
    #[serde(default)]
    pub specialties: Vec<String>,
    /// The names of verification checks that failed critically (e.g. `"background"`).
    #[serde(default)]
    pub critical_verification_failures: Vec<String>,
    /// The doctor's status in the host's records; bookable when `"active"`.
    pub status: String,
    /// The doctor's public profile is visible.
    pub public_profile_visible: bool,
    /// The doctor takes bookings from patients online.
    pub accepts_online_bookings: bool,
}

impl DoctorFacts {
    /// Facts of an `active` doctor with nothing else done: every flag false, every list
    /// empty. A start for struct update syntax.
    pub fn active() -> Self {
        DoctorFacts {
            profile_complete: false,
            license_verified: false,
            fees_configured: false,
            location_ids: Vec::new(),
            specialties: Vec::new(),
            critical_verification_failures: Vec::new(),
            status: "active".into(),
            public_profile_visible: false,
            accepts_online_bookings: false,
        }
    }
}

/// One of the ten preconditions of bookability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// 1. The profile is complete.
    ProfileComplete,
    /// 2. The license is verified.
    LicenseVerified,
    /// 3. Fees are configured.
    FeesConfigured,
    /// 4. At least one location: assigned by the host or in a template.
    Location,
    /// 5. At least one specialty.
    Specialty,
    /// 6. A base schedule: a weekly template with a session.
    BaseSchedule,
    /// 7. A bookable slot within the horizon (90 days).
    SlotsAhead,
    /// 8. No critical verification failure.
    NoCriticalVerificationFailure,
    /// 9. Status `active`.
    StatusActive,
    /// 10. No forced block in force.
    NoForcedBlock,
}

impl CheckKind {
    /// The ten, in the order of seed 000 §12 (and of [`Bookability::checks`]).
    pub const ALL: [CheckKind; 10] = [
        CheckKind::ProfileComplete,
        CheckKind::LicenseVerified,
        CheckKind::FeesConfigured,
        CheckKind::Location,
        CheckKind::Specialty,
        CheckKind::BaseSchedule,
        CheckKind::SlotsAhead,
        CheckKind::NoCriticalVerificationFailure,
        CheckKind::StatusActive,
        CheckKind::NoForcedBlock,
    ];

    /// The snake_case name, as in JSON: `"profile_complete"`, …
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::ProfileComplete => "profile_complete",
            CheckKind::LicenseVerified => "license_verified",
            CheckKind::FeesConfigured => "fees_configured",
            CheckKind::Location => "location",
            CheckKind::Specialty => "specialty",
            CheckKind::BaseSchedule => "base_schedule",
            CheckKind::SlotsAhead => "slots_ahead",
            CheckKind::NoCriticalVerificationFailure => "no_critical_verification_failure",
            CheckKind::StatusActive => "status_active",
            CheckKind::NoForcedBlock => "no_forced_block",
        }
    }
}

/// One precondition's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BookabilityCheck {
    /// Which precondition.
    pub kind: CheckKind,
    /// Whether it holds.
    pub passed: bool,
    /// Whether its failure blocks every booking ([`BookabilityPolicy::critical`]).
    pub critical: bool,
    /// Its weight in the score.
    pub weight: u32,
    /// Why it passed or failed, in words (e.g. `"no slot within 90 days"`).
    pub reason: String,
}

/// A bookability evaluation: each precondition and the verdicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Bookability {
    /// The ten preconditions, in [`CheckKind::ALL`] order.
    pub checks: Vec<BookabilityCheck>,
    /// The passed weights' share of the total weight, 0–100, rounded down.
    pub score: u32,
    /// All ten preconditions pass.
    pub is_bookable: bool,
    /// `score ≥ search_threshold` and the profile is public.
    pub can_show_in_search: bool,
    /// The doctor accepts online bookings and is bookable.
    pub can_patient_book: bool,
    /// No critical precondition fails: staff may still book.
    pub can_receptionist_book: bool,
    /// The first bookable slot within the horizon, if any.
    pub first_slot: Option<DateTime<Utc>>,
    /// When to evaluate again if nothing changes before ([`CalendarFacts::recheck_at`]).
    pub recheck_at: DateTime<Utc>,
}

impl Bookability {
    /// The outcome of one precondition.
    pub fn check(&self, kind: CheckKind) -> Option<&BookabilityCheck> {
        self.checks.iter().find(|check| check.kind == kind)
    }

    /// The preconditions that failed.
    pub fn failed(&self) -> impl Iterator<Item = &BookabilityCheck> {
        self.checks.iter().filter(|check| !check.passed)
    }
}

/// Evaluates a doctor's bookability at `now`: gathers the [`CalendarFacts`] (one slot
/// search, stopping at the first slot) and [`score`]s them with the host's facts.
///
/// # Errors
///
/// [`Error::InvalidInput`](crate::Error::InvalidInput) for a bad policy, a calendar the
/// rules refuse, a bad appointment type or a `now` out of range.
pub fn evaluate(
    facts: &DoctorFacts,
    clinic: &ClinicRules,
    calendar: &DoctorCalendar,
    appointment_type: &AppointmentType,
    now: DateTime<Utc>,
    policy: &BookabilityPolicy,
) -> Result<Bookability> {
    policy.validate()?;
    let gathered =
        CalendarFacts::gather(clinic, calendar, appointment_type, now, policy.horizon_days)?;
    score(facts, &gathered, policy)
}

/// Combines the host's facts and gathered [`CalendarFacts`] into a [`Bookability`], with no
/// slot search: what a host runs again when only its own records change.
///
/// # Errors
///
/// [`Error::InvalidInput`](crate::Error::InvalidInput) for a bad policy.
///
/// # Example
///
/// ```
/// use chrono::{DateTime, Duration, Utc};
/// use medsched::bookability::{BookabilityPolicy, CalendarFacts, DoctorFacts, score};
///
/// let now = "2026-03-01T06:00:00Z".parse::<DateTime<Utc>>().unwrap();
/// let calendar = CalendarFacts {
///     at: now,
///     base_templates: 1,
///     location_ids: vec!["kochi".into()],
///     first_slot: Some(now + Duration::hours(3)),
///     forced_block: None,
///     recheck_at: now + Duration::hours(3),
/// };
/// let suspended = DoctorFacts { status: "suspended".into(), ..DoctorFacts::active() };
/// let verdict = score(&suspended, &calendar, &BookabilityPolicy::default())?;
/// assert!(!verdict.can_receptionist_book);
/// assert_eq!(verdict.failed().count(), 5); // profile, license, fees, specialty, status
/// # Ok::<(), medsched::Error>(())
/// ```
pub fn score(
    facts: &DoctorFacts,
    calendar: &CalendarFacts,
    policy: &BookabilityPolicy,
) -> Result<Bookability> {
    policy.validate()?;
    let checks: Vec<BookabilityCheck> = CheckKind::ALL
        .into_iter()
        .map(|kind| {
            let (passed, reason) = outcome(kind, facts, calendar, policy.horizon_days);
            BookabilityCheck {
                kind,
                passed,
                critical: policy.critical.contains(&kind),
                weight: policy.weights.of(kind),
                reason,
            }
        })
        .collect();
    let total = u64::from(policy.weights.total());
    let passed: u64 = checks
        .iter()
        .filter(|c| c.passed)
        .map(|c| u64::from(c.weight))
        .sum();
    let score = (passed * 100 / total) as u32;
    let is_bookable = checks.iter().all(|c| c.passed);
    Ok(Bookability {
        score,
        is_bookable,
        can_show_in_search: score >= policy.search_threshold && facts.public_profile_visible,
        can_patient_book: facts.accepts_online_bookings && is_bookable,
        can_receptionist_book: checks.iter().all(|c| c.passed || !c.critical),
        first_slot: calendar.first_slot,
        recheck_at: calendar.recheck_at,
        checks,
    })
}

/// Whether one precondition holds, and why.
fn outcome(
    kind: CheckKind,
    facts: &DoctorFacts,
    calendar: &CalendarFacts,
    horizon_days: u32,
) -> (bool, String) {
    let flag = |ok: bool, yes: &str, no: &str| (ok, if ok { yes } else { no }.to_owned());
    match kind {
        CheckKind::ProfileComplete => flag(
            facts.profile_complete,
            "profile complete",
            "profile incomplete",
        ),
        CheckKind::LicenseVerified => flag(
            facts.license_verified,
            "license verified",
            "license not verified",
        ),
        CheckKind::FeesConfigured => flag(
            facts.fees_configured,
            "fees configured",
            "no fees configured",
        ),
        CheckKind::Location => match (facts.location_ids.first(), calendar.location_ids.first()) {
            (Some(id), _) => (true, cut(format!("assigned to location {id}"))),
            (None, Some(id)) => (true, cut(format!("schedule at location {id}"))),
            (None, None) => (false, "no location".into()),
        },
        CheckKind::Specialty => match facts.specialties.first() {
            Some(first) => (true, cut(format!("specialty {first}"))),
            None => (false, "no specialty".into()),
        },
        CheckKind::BaseSchedule => match calendar.base_templates {
            0 => (false, "no weekly template with a session".into()),
            n => (true, format!("{n} weekly template(s)")),
        },
        CheckKind::SlotsAhead => match calendar.first_slot {
            Some(start) => (
                true,
                format!(
                    "first slot at {}",
                    start.to_rfc3339_opts(SecondsFormat::AutoSi, true)
                ),
            ),
            None => (false, format!("no slot within {horizon_days} days")),
        },
        CheckKind::NoCriticalVerificationFailure => {
            match facts.critical_verification_failures.first() {
                None => (true, "no critical verification failure".into()),
                Some(name) => (
                    false,
                    cut(format!(
                        "{} critical verification failure(s), first {name}",
                        facts.critical_verification_failures.len()
                    )),
                ),
            }
        }
        CheckKind::StatusActive => {
            let ok = facts.status == "active";
            (ok, cut(format!("status {}", facts.status)))
        }
        CheckKind::NoForcedBlock => match &calendar.forced_block {
            None => (true, "no forced block in force".into()),
            Some(id) => (false, cut(format!("forced block {id} in force"))),
        },
    }
}
