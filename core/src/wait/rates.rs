//! The rates at which a doctor's line is reordered, and how booked patients arrive.

use serde::{Deserialize, Serialize};

use crate::wait::history::PastDay;

/// Share of booked tokens whose patient never comes, assumed without history (Dantas et
/// al., 2018: 23% on average across studies).
pub(crate) const DEFAULT_NO_SHOW_SHARE: f64 = 0.2;
/// Emergencies per session hour assumed without history.
pub(crate) const DEFAULT_EMERGENCIES_PER_HOUR: f64 = 0.1;
/// Walk-ins per session hour assumed without history.
pub(crate) const DEFAULT_WALK_INS_PER_HOUR: f64 = 2.0;
/// Mean arrival offset (arrival − appointment start) assumed without history, minutes.
pub(crate) const DEFAULT_ARRIVAL_OFFSET_MEAN: f64 = -10.0;
/// Standard deviation of arrival offsets assumed without history, minutes.
pub(crate) const DEFAULT_ARRIVAL_OFFSET_SD: f64 = 15.0;
/// Return wait of a late patient assumed without history, in consultations: the rest of
/// the consult in progress and the 3 patients they go behind.
pub(crate) const DEFAULT_RETURN_WAIT_CONSULTS: f64 = 3.5;

/// Prior weights: each default counts as this many observations against measured ones.
const PRIOR_BOOKED: f64 = 20.0;
pub(crate) const PRIOR_HOURS: f64 = 10.0;
const PRIOR_ARRIVALS: f64 = 10.0;

/// How often the line is reordered, and how booked patients arrive, as measured by the host.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QueueRates {
    /// Share of booked tokens whose patient never came, 0 to 1.
    pub no_show_share: f64,
    /// Emergencies per session hour.
    pub emergencies_per_hour: f64,
    /// Mean arrival offset of booked patients who came (arrival − appointment start),
    /// minutes; negative when early.
    pub arrival_offset_mean: f64,
    /// Standard deviation of those offsets, minutes.
    pub arrival_offset_sd: f64,
    /// Session hours the emergency rate rests on: its weight against today's count.
    pub session_hours: f64,
    /// Mean wait of a late patient from their return to their call, in consultations (of
    /// their day's mean length).
    pub return_wait_consults: f64,
    /// How many returns that mean rests on (0: none measured; the estimator then reckons
    /// the wait from the line).
    pub returns_observed: u32,
    /// Walk-ins per session hour (they go ahead of later booked patients when walk-ins are
    /// placed between slots).
    #[serde(default = "default_walk_ins_per_hour")]
    pub walk_ins_per_hour: f64,
}

fn default_walk_ins_per_hour() -> f64 {
    DEFAULT_WALK_INS_PER_HOUR
}

impl Default for QueueRates {
    fn default() -> Self {
        QueueRates {
            no_show_share: DEFAULT_NO_SHOW_SHARE,
            emergencies_per_hour: DEFAULT_EMERGENCIES_PER_HOUR,
            arrival_offset_mean: DEFAULT_ARRIVAL_OFFSET_MEAN,
            arrival_offset_sd: DEFAULT_ARRIVAL_OFFSET_SD,
            session_hours: 0.0,
            return_wait_consults: DEFAULT_RETURN_WAIT_CONSULTS,
            returns_observed: 0,
            walk_ins_per_hour: DEFAULT_WALK_INS_PER_HOUR,
        }
    }
}

impl QueueRates {
    /// The rates of validated days, each shrunk toward its default: the no-show share as
    /// if by 20 more booked tokens, the emergency rate by 10 session hours, the arrival
    /// offsets by 10 arrivals, the walk-in rate by 10 session hours. Return waits are
    /// divided by their day's mean duration (days without durations give none).
    pub(crate) fn measure(days: &[PastDay]) -> QueueRates {
        let sum = |f: fn(&PastDay) -> f64| days.iter().map(f).sum::<f64>();
        let booked = sum(|d| f64::from(d.booked));
        let no_shows = sum(|d| f64::from(d.no_shows));
        let emergencies = sum(|d| f64::from(d.emergencies));
        let walk_ins = sum(|d| f64::from(d.walk_ins));
        let hours = sum(|d| d.session_minutes / 60.0);
        let offsets = days.iter().flat_map(|d| d.arrival_offsets.iter().copied());
        let (mut n, mut total, mut squares) = (0.0, 0.0, 0.0);
        for offset in offsets {
            // Welford's update of the mean and the sum of squared deviations.
            n += 1.0;
            let before = if n > 1.0 { total / (n - 1.0) } else { offset };
            total += offset;
            squares += (offset - before) * (offset - total / n);
        }
        let (mut returns, mut return_consults) = (0u32, 0.0);
        for day in days.iter().filter(|d| !d.durations.is_empty()) {
            let day_mean = day.durations.iter().sum::<f64>() / day.durations.len() as f64;
            for wait in &day.return_waits {
                returns = returns.saturating_add(1);
                return_consults += wait / day_mean;
            }
        }
        let offset_sd = DEFAULT_ARRIVAL_OFFSET_SD;
        QueueRates {
            no_show_share: (no_shows + PRIOR_BOOKED * DEFAULT_NO_SHOW_SHARE)
                / (booked + PRIOR_BOOKED),
            emergencies_per_hour: (emergencies + PRIOR_HOURS * DEFAULT_EMERGENCIES_PER_HOUR)
                / (hours + PRIOR_HOURS),
            arrival_offset_mean: (total + PRIOR_ARRIVALS * DEFAULT_ARRIVAL_OFFSET_MEAN)
                / (n + PRIOR_ARRIVALS),
            arrival_offset_sd: ((squares + PRIOR_ARRIVALS * offset_sd * offset_sd)
                / (n + PRIOR_ARRIVALS))
                .sqrt(),
            session_hours: hours,
            return_wait_consults: if returns > 0 {
                return_consults / f64::from(returns)
            } else {
                DEFAULT_RETURN_WAIT_CONSULTS
            },
            returns_observed: returns,
            walk_ins_per_hour: (walk_ins + PRIOR_HOURS * DEFAULT_WALK_INS_PER_HOUR)
                / (hours + PRIOR_HOURS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_move_from_the_defaults_toward_what_was_measured() {
        let days: Vec<PastDay> = (0..50)
            .map(|_| PastDay {
                durations: vec![5.0, 15.0],
                booked: 20,
                no_shows: 2,
                emergencies: 2,
                walk_ins: 12,
                session_minutes: 240.0,
                arrival_offsets: vec![-20.0, 0.0],
                return_waits: vec![30.0],
                ..PastDay::default()
            })
            .collect();
        let rates = QueueRates::measure(&days);
        assert!((rates.no_show_share - 0.1).abs() < 0.01);
        assert!((rates.emergencies_per_hour - 0.5).abs() < 0.02);
        assert!((rates.walk_ins_per_hour - 3.0).abs() < 0.06);
        assert!((rates.arrival_offset_mean + 10.0).abs() < 1e-9);
        assert!((rates.arrival_offset_sd - 10.0).abs() < 0.6);
        assert_eq!(rates.session_hours, 200.0);
        assert_eq!(
            (rates.return_wait_consults, rates.returns_observed),
            (3.0, 50)
        );
    }

    #[test]
    fn no_days_are_the_defaults() {
        assert_eq!(QueueRates::measure(&[]), QueueRates::default());
    }
}
