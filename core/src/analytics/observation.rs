//! What a host records that medsched does not store: searches and shown wait estimates.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{Error, Id, Problem, Result};

/// The largest wait estimate, in minutes, an observation may carry (a week).
pub const MAX_ESTIMATE_MINUTES: f64 = 10_080.0;

/// A fact the host records itself and hands to [`Analytics::record`](super::Analytics::record):
/// medsched never stores these, so they need no event type and no wire-format version.
///
/// In JSON an observation is tagged by `"type"`:
///
/// ```
/// use medsched::analytics::Observation;
/// use serde_json::json;
///
/// let search: Observation = serde_json::from_value(json!({
///     "type": "search_recorded",
///     "at": "2026-03-02T04:00:00Z",
///     "doctor_id": "dr-asha",
///     "patient_id": null,
/// }))?;
/// let shown: Observation = serde_json::from_value(json!({
///     "type": "wait_estimated",
///     "at": "2026-03-02T04:10:00Z",
///     "doctor_id": "dr-asha",
///     "date": "2026-03-02",
///     "number": 3,
///     "minutes": 25.0,
/// }))?;
/// assert!(matches!(search, Observation::SearchRecorded { .. }));
/// assert!(matches!(shown, Observation::WaitEstimated { number: 3, .. }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Observation {
    /// A patient (or the public site) searched for slots: the denominator of the
    /// search-to-booking conversion.
    SearchRecorded {
        /// When.
        at: DateTime<Utc>,
        /// The doctor searched for, if the search named one.
        #[serde(default)]
        doctor_id: Option<Id>,
        /// Who searched, if known.
        #[serde(default)]
        patient_id: Option<Id>,
    },
    /// A wait estimate was shown for a token: compared with the wait that followed (until
    /// its consultation started) for the estimator's calibration.
    WaitEstimated {
        /// When it was shown.
        at: DateTime<Utc>,
        /// The doctor whose queue it is.
        doctor_id: Id,
        /// The queue's date.
        date: NaiveDate,
        /// The token's number.
        number: u32,
        /// The estimate shown, minutes (finite, 0 to [`MAX_ESTIMATE_MINUTES`]).
        minutes: f64,
    },
}

impl Observation {
    pub(crate) fn validate(&self) -> Result<()> {
        if let Observation::WaitEstimated {
            minutes, doctor_id, ..
        } = self
        {
            if doctor_id.is_empty() {
                return Err(Error::invalid(
                    "observation.doctor_id",
                    "",
                    Problem::Missing("a doctor id".into()),
                ));
            }
            if !(minutes.is_finite() && (0.0..=MAX_ESTIMATE_MINUTES).contains(minutes)) {
                return Err(Error::invalid(
                    "observation.minutes",
                    minutes,
                    Problem::OutOfRange(format!(
                        "a finite number of minutes, 0 to {MAX_ESTIMATE_MINUTES}"
                    )),
                ));
            }
        }
        Ok(())
    }
}
