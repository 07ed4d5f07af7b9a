//! A doctor's past, as the estimators use it: a lognormal model of consultation durations
//! and the rates of the events that reorder a line.

use serde::{Deserialize, Serialize};

use crate::tokens::TokenKind;
use crate::wait::VisitType;
use crate::wait::calibration::{PastEstimate, WaitCalibration};
use crate::wait::durations::DurationPrior;
use crate::wait::rates::QueueRates;
use crate::{Error, Problem, Result};

/// How many of the latest durations [`DoctorHistory::recent_minutes`] keeps.
const RECENT_KEPT: usize = 30;
/// How many of the latest starts [`DoctorHistory::start_delays`] keeps.
const STARTS_KEPT: usize = 60;

/// The doctor's past: recent consultation durations from previous days and the rates the
/// host measured. Build it with [`DoctorHistory::from_days`] (or
/// [`from_durations`](DoctorHistory::from_durations) when only durations are known);
/// [`DoctorHistory::default`] is the empty history, made of the documented defaults.
///
/// Every estimate is shrunk toward its default by a fixed prior weight, so a short history
/// gives sane values (see [`DurationPrior`] and [`QueueRates`]).
///
/// # Example
///
/// ```
/// use medsched::{wait::DoctorHistory, wait::PastDay};
///
/// let day = |durations: Vec<f64>, booked, no_shows| PastDay {
///     durations,
///     booked,
///     no_shows,
///     ..PastDay::default()
/// };
/// let days = vec![day(vec![6.0, 8.5, 5.0, 7.5], 20, 3), day(vec![9.0, 7.0, 6.5], 18, 2)];
/// let history = DoctorHistory::from_days(&days)?;
/// assert_eq!(history.recent_minutes, [6.0, 8.5, 5.0, 7.5, 9.0, 7.0, 6.5]);
/// assert_eq!(history.durations.days, 2);
/// assert!((6.0..8.0).contains(&history.durations.median_minutes()));
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DoctorHistory {
    /// The latest consultation durations of previous days, minutes, oldest first (the
    /// constructors keep the last 30).
    pub recent_minutes: Vec<f64>,
    /// The doctor's duration model.
    pub durations: DurationPrior,
    /// How often lines are reordered, and how booked patients arrive.
    pub rates: QueueRates,
    /// When the doctor began past sessions, minutes after the session start (negative when
    /// early), oldest first (the constructors keep the last 60). Empty: taken as on time.
    #[serde(default)]
    pub start_delays: Vec<f64>,
    /// How the queue estimator's past estimates for this doctor fared: the correction
    /// [`CalibratedQueueEstimator`](crate::wait::CalibratedQueueEstimator) applies.
    #[serde(default)]
    pub calibration: WaitCalibration,
}

/// One past session of the doctor, as a host records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct PastDay {
    /// Consultation durations, minutes, in the order they happened (each finite and above 0).
    pub durations: Vec<f64>,
    /// For each duration, how many tokens were waiting when it began (its patient not
    /// counted); empty when not recorded. Lets the model learn how the line's length changes
    /// the doctor's pace.
    pub waiting_at_start: Vec<u32>,
    /// For each duration, when it began, minutes after the session start (negative before
    /// it); empty when not recorded. Lets the model learn the doctor's pace through the
    /// session.
    pub started_minutes: Vec<f64>,
    /// For each duration, how its token was issued; empty when not recorded. Lets the model
    /// learn how long each kind takes (emergencies, walk-ins, bookings).
    pub kinds: Vec<TokenKind>,
    /// For each duration, what its patient came for (`None` where not known); empty when not
    /// recorded. Lets the model learn how long first visits, reviews and tele-consults take.
    pub visits: Vec<Option<VisitType>>,
    /// Booked and phone tokens of the day.
    pub booked: u32,
    /// How many of them never came (at most `booked`).
    pub no_shows: u32,
    /// Emergency tokens of the day.
    pub emergencies: u32,
    /// Walk-in tokens of the day.
    pub walk_ins: u32,
    /// The session's scheduled length, minutes (the exposure for the emergency rate).
    pub session_minutes: f64,
    /// For each booked patient who came: arrival − appointment start, minutes (negative when
    /// early).
    pub arrival_offsets: Vec<f64>,
    /// For each late patient put back into the line: minutes from their return to their
    /// call (each finite, at least 0).
    pub return_waits: Vec<f64>,
    /// When the doctor began the session (arrived, or called the first patient), minutes
    /// after the session start, negative when early; `None` when not recorded.
    pub doctor_start_minutes: Option<f64>,
    /// What [`QueueEstimator`](crate::wait::QueueEstimator) (uncalibrated) estimated for
    /// patients of the day, and what they really waited: the residuals
    /// [`WaitCalibration`] is fitted on.
    pub estimates: Vec<PastEstimate>,
}

impl Default for PastDay {
    fn default() -> Self {
        PastDay {
            durations: Vec::new(),
            waiting_at_start: Vec::new(),
            started_minutes: Vec::new(),
            kinds: Vec::new(),
            visits: Vec::new(),
            booked: 0,
            no_shows: 0,
            emergencies: 0,
            walk_ins: 0,
            session_minutes: 240.0,
            arrival_offsets: Vec::new(),
            return_waits: Vec::new(),
            doctor_start_minutes: None,
            estimates: Vec::new(),
        }
    }
}

impl DoctorHistory {
    /// Fits the duration model and measures the rates from past days (oldest first).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a duration that is not a finite number of minutes above
    /// 0, waiting counts, start minutes, kinds or visits that are neither empty nor one per
    /// duration, a
    /// non-finite start minute, a non-finite arrival
    /// offset or doctor start, a return wait that is not finite and at least 0, more
    /// no-shows than booked tokens, a session length that is not a finite number of
    /// minutes, at least 0, or a past estimate whose minutes are not finite and at least 0.
    /// The field names the day, e.g. `days[3].durations[7]`.
    pub fn from_days(days: &[PastDay]) -> Result<DoctorHistory> {
        for (i, day) in days.iter().enumerate() {
            validate(day).map_err(|e| e.within(&format!("days[{i}]")))?;
        }
        let total = days.iter().map(|d| d.durations.len()).sum::<usize>();
        let all = days.iter().flat_map(|d| d.durations.iter().copied());
        let starts: Vec<f64> = days.iter().filter_map(|d| d.doctor_start_minutes).collect();
        let estimates: Vec<&[PastEstimate]> = days.iter().map(|d| d.estimates.as_slice()).collect();
        Ok(DoctorHistory {
            recent_minutes: all.skip(total.saturating_sub(RECENT_KEPT)).collect(),
            durations: DurationPrior::fit(days),
            rates: QueueRates::measure(days),
            start_delays: starts[starts.len().saturating_sub(STARTS_KEPT)..].to_vec(),
            calibration: WaitCalibration::fit_days(&estimates),
        })
    }

    /// A history known only by its durations (minutes, oldest first), taken as one day; the
    /// rates are the defaults.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a duration that is not a finite number of minutes above
    /// 0 (field `durations[i]`).
    ///
    /// ```
    /// use medsched::wait::DoctorHistory;
    ///
    /// assert!(DoctorHistory::from_durations(&[6.0, 7.0, 8.0]).is_ok());
    /// let err = DoctorHistory::from_durations(&[6.0, f64::NAN]).unwrap_err();
    /// assert_eq!(err.field(), Some("durations[1]"));
    /// ```
    pub fn from_durations(minutes: &[f64]) -> Result<DoctorHistory> {
        let day = PastDay {
            durations: minutes.to_vec(),
            ..PastDay::default()
        };
        validate(&day)?;
        Ok(DoctorHistory {
            recent_minutes: minutes[minutes.len().saturating_sub(RECENT_KEPT)..].to_vec(),
            durations: DurationPrior::fit(std::slice::from_ref(&day)),
            rates: QueueRates::default(),
            start_delays: Vec::new(),
            calibration: WaitCalibration::default(),
        })
    }
}

fn validate(day: &PastDay) -> Result<()> {
    let minutes = |ok: fn(f64) -> bool, name: &str, values: &[f64], what: &str| match values
        .iter()
        .position(|&v| !ok(v))
    {
        Some(j) => Err(Error::invalid(
            format!("{name}[{j}]"),
            values[j],
            Problem::OutOfRange(what.into()),
        )),
        None => Ok(()),
    };
    let above_zero = "a finite number of minutes above 0";
    let at_least_zero = "a finite number of minutes, at least 0";
    minutes(
        |v| v.is_finite() && v > 0.0,
        "durations",
        &day.durations,
        above_zero,
    )?;
    minutes(
        f64::is_finite,
        "arrival_offsets",
        &day.arrival_offsets,
        "a finite number",
    )?;
    minutes(
        |v| v.is_finite() && v >= 0.0,
        "return_waits",
        &day.return_waits,
        at_least_zero,
    )?;
    minutes(
        |v| v.is_finite() && v >= 0.0,
        "session_minutes",
        &[day.session_minutes],
        at_least_zero,
    )
    .map_err(|e| e.map_field(|_| "session_minutes".into()))?;
    if let Some(start) = day.doctor_start_minutes.filter(|s| !s.is_finite()) {
        return Err(Error::invalid(
            "doctor_start_minutes",
            start,
            Problem::OutOfRange("a finite number".into()),
        ));
    }
    for (j, estimate) in day.estimates.iter().enumerate() {
        estimate
            .validate()
            .map_err(|e| e.within(&format!("estimates[{j}]")))?;
    }
    minutes(
        f64::is_finite,
        "started_minutes",
        &day.started_minutes,
        "a finite number",
    )?;
    let kinds = day.kinds.len();
    if kinds != 0 && kinds != day.durations.len() {
        let problem = Problem::OutOfRange(format!("one per duration ({})", day.durations.len()));
        return Err(Error::invalid("kinds", format!("{kinds} kinds"), problem));
    }
    let visits = day.visits.len();
    if visits != 0 && visits != day.durations.len() {
        let problem = Problem::OutOfRange(format!("one per duration ({})", day.durations.len()));
        return Err(Error::invalid(
            "visits",
            format!("{visits} visits"),
            problem,
        ));
    }
    let starts = day.started_minutes.len();
    if starts != 0 && starts != day.durations.len() {
        let problem = Problem::OutOfRange(format!("one per duration ({})", day.durations.len()));
        return Err(Error::invalid(
            "started_minutes",
            format!("{starts} starts"),
            problem,
        ));
    }
    let counts = day.waiting_at_start.len();
    if counts != 0 && counts != day.durations.len() {
        let problem = Problem::OutOfRange(format!("one per duration ({})", day.durations.len()));
        return Err(Error::invalid(
            "waiting_at_start",
            format!("{counts} counts"),
            problem,
        ));
    }
    if day.no_shows > day.booked {
        let problem = Problem::OutOfRange(format!("more than the {} booked", day.booked));
        return Err(Error::invalid("no_shows", day.no_shows, problem));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_history_is_the_defaults() {
        let history = DoctorHistory::from_days(&[]).unwrap();
        assert_eq!(history, DoctorHistory::default());
        assert!((history.durations.median_minutes() - 7.0).abs() < 1e-12);
    }

    #[test]
    fn keeps_the_latest_starts() {
        let days: Vec<PastDay> = (0..70)
            .map(|d| PastDay {
                doctor_start_minutes: (d % 2 == 0).then_some(f64::from(d)),
                ..PastDay::default()
            })
            .collect();
        let history = DoctorHistory::from_days(&days).unwrap();
        assert_eq!(history.start_delays.len(), 35);
        assert_eq!(history.start_delays.last(), Some(&68.0));
    }

    #[test]
    fn keeps_the_latest_durations() {
        let minutes: Vec<f64> = (1..=40).map(f64::from).collect();
        let history = DoctorHistory::from_durations(&minutes).unwrap();
        assert_eq!(history.recent_minutes, minutes[10..]);
        assert_eq!(history.durations.consultations, 40);
    }

    #[test]
    fn refuses_bad_days_naming_the_field() {
        let field = |day: PastDay| {
            let err = DoctorHistory::from_days(&[PastDay::default(), day]).unwrap_err();
            err.field().map(str::to_owned)
        };
        let bad = PastDay {
            durations: vec![5.0, -1.0],
            ..PastDay::default()
        };
        assert_eq!(field(bad).as_deref(), Some("days[1].durations[1]"));
        let bad = PastDay {
            booked: 2,
            no_shows: 3,
            ..PastDay::default()
        };
        assert_eq!(field(bad).as_deref(), Some("days[1].no_shows"));
        let bad = PastDay {
            session_minutes: f64::NAN,
            ..PastDay::default()
        };
        assert_eq!(field(bad).as_deref(), Some("days[1].session_minutes"));
        let bad = PastDay {
            durations: vec![5.0],
            waiting_at_start: vec![1, 2],
            ..PastDay::default()
        };
        assert_eq!(field(bad).as_deref(), Some("days[1].waiting_at_start"));
        let bad = PastDay {
            durations: vec![5.0, 6.0],
            visits: vec![Some(VisitType::Review)],
            ..PastDay::default()
        };
        assert_eq!(field(bad).as_deref(), Some("days[1].visits"));
        let bad = PastDay {
            return_waits: vec![f64::INFINITY],
            ..PastDay::default()
        };
        assert_eq!(field(bad).as_deref(), Some("days[1].return_waits[0]"));
        let bad = PastDay {
            doctor_start_minutes: Some(f64::NAN),
            ..PastDay::default()
        };
        assert_eq!(field(bad).as_deref(), Some("days[1].doctor_start_minutes"));
        let bad = PastDay {
            estimates: vec![PastEstimate {
                minutes: 3.0,
                p90_minutes: 8.0,
                waited: -1.0,
            }],
            ..PastDay::default()
        };
        assert_eq!(field(bad).as_deref(), Some("days[1].estimates[0].waited"));
    }
}
