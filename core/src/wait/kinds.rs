//! How long each kind of token and each visit type takes relative to the day's typical
//! consultation, learnt from the doctor's history.

use serde::{Deserialize, Serialize};

use crate::tokens::TokenKind;
use crate::wait::VisitType;
use crate::wait::durations::PACE_PRIOR;
use crate::wait::history::PastDay;

/// How long each kind of token's consultation takes relative to the day's typical one,
/// measured from the history (each shrunk toward 1 as if by 10 consultations of typical
/// length).
///
/// ```
/// use medsched::{tokens::TokenKind, wait::KindFactors};
///
/// let kinds = KindFactors { emergency: 2.5, ..KindFactors::default() };
/// assert_eq!(kinds.factor(TokenKind::Emergency), 2.5);
/// assert_eq!(kinds.factor(TokenKind::WalkIn), 1.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct KindFactors {
    /// Booked tokens.
    pub booked: f64,
    /// Walk-ins.
    pub walk_in: f64,
    /// Phone bookings.
    pub phone: f64,
    /// Emergencies.
    pub emergency: f64,
}

impl Default for KindFactors {
    fn default() -> Self {
        KindFactors {
            booked: 1.0,
            walk_in: 1.0,
            phone: 1.0,
            emergency: 1.0,
        }
    }
}

impl KindFactors {
    /// The factor of `kind` (1 when not a finite number; clamped to 0.25–4).
    pub fn factor(&self, kind: TokenKind) -> f64 {
        let factor = match kind {
            TokenKind::Booked => self.booked,
            TokenKind::WalkIn => self.walk_in,
            TokenKind::Phone => self.phone,
            TokenKind::Emergency => self.emergency,
        };
        if factor.is_finite() {
            factor.clamp(0.25, 4.0)
        } else {
            1.0
        }
    }

    fn slot_mut(&mut self, kind: TokenKind) -> &mut f64 {
        match kind {
            TokenKind::Booked => &mut self.booked,
            TokenKind::WalkIn => &mut self.walk_in,
            TokenKind::Phone => &mut self.phone,
            TokenKind::Emergency => &mut self.emergency,
        }
    }
}

impl KindFactors {
    /// The length factor of a consultation: `kind`'s factor times `visit`'s (each 1 when
    /// not known).
    pub(crate) fn length(
        kinds: &KindFactors,
        visits: &VisitFactors,
        kind: Option<TokenKind>,
        visit: Option<VisitType>,
    ) -> f64 {
        kind.map_or(1.0, |k| kinds.factor(k)) * visit.map_or(1.0, |v| visits.factor(v))
    }
}

/// How long each visit type takes relative to the typical consultation of its token kind,
/// measured from the history (`PastDay::visits`; each shrunk toward 1 as if by 10
/// consultations of typical length). The kinds' factors are fitted first, so a token whose
/// visit type is not known counts its kind's typical length, and one whose visit type is
/// known counts its kind's factor times its visit type's.
///
/// ```
/// use medsched::wait::{VisitFactors, VisitType};
///
/// let visits = VisitFactors { first_visit: 1.4, review: 0.8, ..VisitFactors::default() };
/// assert_eq!(visits.factor(VisitType::FirstVisit), 1.4);
/// assert_eq!(visits.factor(VisitType::Tele), 1.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct VisitFactors {
    /// First visits.
    pub first_visit: f64,
    /// Reviews (follow-ups).
    pub review: f64,
    /// Tele-consults.
    pub tele: f64,
}

impl Default for VisitFactors {
    fn default() -> Self {
        VisitFactors {
            first_visit: 1.0,
            review: 1.0,
            tele: 1.0,
        }
    }
}

impl VisitFactors {
    /// The factor of `visit` (1 when not a finite number; clamped to 0.25–4).
    pub fn factor(&self, visit: VisitType) -> f64 {
        let factor = match visit {
            VisitType::FirstVisit => self.first_visit,
            VisitType::Review => self.review,
            VisitType::Tele => self.tele,
        };
        if factor.is_finite() {
            factor.clamp(0.25, 4.0)
        } else {
            1.0
        }
    }

    fn slot_mut(&mut self, visit: VisitType) -> &mut f64 {
        match visit {
            VisitType::FirstVisit => &mut self.first_visit,
            VisitType::Review => &mut self.review,
            VisitType::Tele => &mut self.tele,
        }
    }
}

/// Each kind's factor: the mean, over consultations with a recorded kind, of `log(i)` (the
/// log duration at reference load and average pace) less its day's mean, shrunk toward 0 by
/// `PACE_PRIOR` consultations.
pub(crate) fn kind_effect(days: &[PastDay], log: impl Fn(&PastDay, usize) -> f64) -> KindFactors {
    let mut sums: Vec<(TokenKind, f64, f64)> = Vec::new();
    for day in days
        .iter()
        .filter(|d| d.durations.len() >= 2 && d.kinds.len() == d.durations.len())
    {
        let logs: Vec<f64> = (0..day.durations.len()).map(|i| log(day, i)).collect();
        let mean = logs.iter().sum::<f64>() / logs.len() as f64;
        for (l, &kind) in logs.iter().zip(&day.kinds) {
            match sums.iter_mut().find(|s| s.0 == kind) {
                Some(s) => {
                    s.1 += l - mean;
                    s.2 += 1.0;
                }
                None => sums.push((kind, l - mean, 1.0)),
            }
        }
    }
    let mut factors = KindFactors::default();
    for (kind, sum, n) in sums {
        *factors.slot_mut(kind) = (sum / (n + PACE_PRIOR)).exp();
    }
    factors
}

/// Each visit type's factor: the mean, over consultations with a recorded visit type, of
/// `log(i)` (the log duration at reference load, average pace and its kind's typical
/// length) less its day's mean, shrunk toward 0 by `PACE_PRIOR` consultations.
pub(crate) fn visit_effect(days: &[PastDay], log: impl Fn(&PastDay, usize) -> f64) -> VisitFactors {
    let mut sums: Vec<(VisitType, f64, f64)> = Vec::new();
    for day in days
        .iter()
        .filter(|d| d.durations.len() >= 2 && d.visits.len() == d.durations.len())
    {
        let logs: Vec<f64> = (0..day.durations.len()).map(|i| log(day, i)).collect();
        let mean = logs.iter().sum::<f64>() / logs.len() as f64;
        for (l, visit) in logs.iter().zip(&day.visits) {
            let Some(visit) = *visit else { continue };
            match sums.iter_mut().find(|s| s.0 == visit) {
                Some(s) => {
                    s.1 += l - mean;
                    s.2 += 1.0;
                }
                None => sums.push((visit, l - mean, 1.0)),
            }
        }
    }
    let mut factors = VisitFactors::default();
    for (visit, sum, n) in sums {
        *factors.slot_mut(visit) = (sum / (n + PACE_PRIOR)).exp();
    }
    factors
}

#[cfg(test)]
mod tests {
    use crate::tokens::TokenKind;
    use crate::wait::durations::DurationPrior;
    use crate::wait::{PastDay, VisitType};

    #[test]
    fn learns_how_long_each_visit_type_takes_within_its_kind() {
        // Booked first visits take 12 minutes, booked reviews 6; walk-ins 9 whatever they
        // come for. One day of each mix, many times over.
        let day = PastDay {
            durations: vec![12.0, 6.0, 6.0, 12.0, 9.0, 9.0],
            kinds: [&[TokenKind::Booked; 4][..], &[TokenKind::WalkIn; 2]].concat(),
            visits: vec![
                Some(VisitType::FirstVisit),
                Some(VisitType::Review),
                Some(VisitType::Review),
                Some(VisitType::FirstVisit),
                None,
                None,
            ],
            ..PastDay::default()
        };
        let days = vec![day; 1000];
        let prior = DurationPrior::fit(&days);
        let first = prior.length_factor(Some(TokenKind::Booked), Some(VisitType::FirstVisit));
        let review = prior.length_factor(Some(TokenKind::Booked), Some(VisitType::Review));
        // Within booked tokens the day's mean log is that of √72; first visits are √2 above
        // it, reviews √2 below (an independent reading of the numbers above).
        assert!((first / review - 2.0).abs() < 0.01, "{first} {review}");
        assert_eq!(prior.visits.factor(VisitType::Tele), 1.0);
        // Without a visit type a token counts its kind's typical length, as before.
        let stripped: Vec<PastDay> = days
            .iter()
            .map(|d| PastDay {
                visits: Vec::new(),
                ..d.clone()
            })
            .collect();
        assert_eq!(DurationPrior::fit(&stripped).kinds, prior.kinds);
        // Once the visit type is taken out, the booked consults' spread is gone.
        assert!(prior.log_sd < 0.2, "{}", prior.log_sd);
    }
}
