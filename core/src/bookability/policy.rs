//! The weights and thresholds of a bookability evaluation, which a host may change.

use serde::{Deserialize, Serialize};

use super::CheckKind;
use crate::{Error, Problem, Result};

/// The weight of each precondition in the score. The score is the passed weights' share of
/// the total, 0–100 rounded down, so the weights need not add up to 100 (the defaults do).
///
/// ```
/// use medsched::bookability::{CheckKind, BookabilityWeights};
///
/// let weights = BookabilityWeights::default();
/// assert_eq!(weights.total(), 100);
/// assert_eq!(weights.of(CheckKind::LicenseVerified), 15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct BookabilityWeights {
    /// Default 10.
    pub profile_complete: u32,
    /// Default 15.
    pub license_verified: u32,
    /// Default 10.
    pub fees_configured: u32,
    /// Default 10.
    pub location: u32,
    /// Default 5.
    pub specialty: u32,
    /// Default 10.
    pub base_schedule: u32,
    /// Default 15.
    pub slots_ahead: u32,
    /// Default 10.
    pub no_critical_verification_failure: u32,
    /// Default 10.
    pub status_active: u32,
    /// Default 5.
    pub no_forced_block: u32,
}

impl Default for BookabilityWeights {
    fn default() -> Self {
        BookabilityWeights {
            profile_complete: 10,
            license_verified: 15,
            fees_configured: 10,
            location: 10,
            specialty: 5,
            base_schedule: 10,
            slots_ahead: 15,
            no_critical_verification_failure: 10,
            status_active: 10,
            no_forced_block: 5,
        }
    }
}

/// The largest weight of one precondition.
pub const MAX_WEIGHT: u32 = 1_000;

impl BookabilityWeights {
    /// The weight of one precondition.
    pub fn of(&self, kind: CheckKind) -> u32 {
        match kind {
            CheckKind::ProfileComplete => self.profile_complete,
            CheckKind::LicenseVerified => self.license_verified,
            CheckKind::FeesConfigured => self.fees_configured,
            CheckKind::Location => self.location,
            CheckKind::Specialty => self.specialty,
            CheckKind::BaseSchedule => self.base_schedule,
            CheckKind::SlotsAhead => self.slots_ahead,
            CheckKind::NoCriticalVerificationFailure => self.no_critical_verification_failure,
            CheckKind::StatusActive => self.status_active,
            CheckKind::NoForcedBlock => self.no_forced_block,
        }
    }

    /// The sum of the weights.
    pub fn total(&self) -> u32 {
        CheckKind::ALL.iter().map(|kind| self.of(*kind)).sum()
    }
}

/// How a bookability evaluation scores and decides: the [`BookabilityWeights`], the score a doctor
/// needs to show in search, which preconditions are critical (block even receptionist
/// bookings), and how far ahead a slot must exist. In JSON every field is optional and
/// defaults as here.
///
/// ```
/// use medsched::bookability::{BookabilityPolicy, CheckKind};
///
/// let policy = BookabilityPolicy::default();
/// assert_eq!((policy.search_threshold, policy.horizon_days), (60, 90));
/// assert!(policy.critical.contains(&CheckKind::StatusActive));
/// assert!(BookabilityPolicy { horizon_days: 0, ..policy }.validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct BookabilityPolicy {
    /// The weight of each precondition in the score.
    pub weights: BookabilityWeights,
    /// The least score that shows a doctor in search (with a public profile), 0–100.
    /// Default 60.
    pub search_threshold: u32,
    /// The preconditions whose failure blocks every booking, a receptionist's too. Default:
    /// license verified, no critical verification failure, status active, no forced block.
    pub critical: Vec<CheckKind>,
    /// How many days from `now` a bookable slot must start within, 1–366. Default 90.
    pub horizon_days: u32,
}

impl Default for BookabilityPolicy {
    fn default() -> Self {
        BookabilityPolicy {
            weights: BookabilityWeights::default(),
            search_threshold: 60,
            critical: vec![
                CheckKind::LicenseVerified,
                CheckKind::NoCriticalVerificationFailure,
                CheckKind::StatusActive,
                CheckKind::NoForcedBlock,
            ],
            horizon_days: 90,
        }
    }
}

/// The longest horizon of a bookability evaluation, in days.
pub const MAX_HORIZON_DAYS: u32 = 366;

impl BookabilityPolicy {
    /// Refuses a weight above [`MAX_WEIGHT`], weights that are all zero, a threshold above
    /// 100 and a horizon of 0 or above [`MAX_HORIZON_DAYS`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the field, e.g. `weights.slots_ahead`.
    pub fn validate(&self) -> Result<()> {
        for kind in CheckKind::ALL {
            let weight = self.weights.of(kind);
            if weight > MAX_WEIGHT {
                return Err(Error::invalid(
                    format!("weights.{}", kind.as_str()),
                    weight,
                    Problem::OutOfRange(format!("at most {MAX_WEIGHT}")),
                ));
            }
        }
        if self.weights.total() == 0 {
            return Err(Error::invalid("weights", 0, Problem::NotPositive));
        }
        if self.search_threshold > 100 {
            return Err(Error::invalid(
                "search_threshold",
                self.search_threshold,
                Problem::OutOfRange("a score, 0 to 100".into()),
            ));
        }
        if self.horizon_days == 0 {
            return Err(Error::invalid("horizon_days", 0, Problem::NotPositive));
        }
        if self.horizon_days > MAX_HORIZON_DAYS {
            return Err(Error::invalid(
                "horizon_days",
                self.horizon_days,
                Problem::OutOfRange(format!("at most {MAX_HORIZON_DAYS} days")),
            ));
        }
        Ok(())
    }
}
