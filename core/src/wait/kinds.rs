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
        bounded(factor)
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
        bounded(factor)
    }

    fn slot_mut(&mut self, visit: VisitType) -> &mut f64 {
        match visit {
            VisitType::FirstVisit => &mut self.first_visit,
            VisitType::Review => &mut self.review,
            VisitType::Tele => &mut self.tele,
        }
    }
}

/// A fitted factor as it is used: 1 when not a finite number, else clamped to 0.25–4.
fn bounded(factor: f64) -> f64 {
    if factor.is_finite() {
        factor.clamp(0.25, 4.0)
    } else {
        1.0
    }
}

/// Each label's factor: the mean, over consultations whose label is recorded
/// (`label(day, i)`), of `log(i)` less its day's mean, shrunk toward 0 by `PACE_PRIOR`
/// consultations, as a factor. Days with fewer than two consultations, or whose labels
/// are not recorded one per consultation (`labelled`), are left out.
fn effects<K: PartialEq + Copy>(
    days: &[PastDay],
    labelled: impl Fn(&PastDay) -> bool,
    label: impl Fn(&PastDay, usize) -> Option<K>,
    log: impl Fn(&PastDay, usize) -> f64,
) -> Vec<(K, f64)> {
    let mut sums: Vec<(K, f64, f64)> = Vec::new();
    for day in days
        .iter()
        .filter(|d| d.durations.len() >= 2 && labelled(d))
    {
        let logs: Vec<f64> = (0..day.durations.len()).map(|i| log(day, i)).collect();
        let mean = logs.iter().sum::<f64>() / logs.len() as f64;
        for (i, l) in logs.iter().enumerate() {
            let Some(key) = label(day, i) else { continue };
            match sums.iter_mut().find(|s| s.0 == key) {
                Some(s) => {
                    s.1 += l - mean;
                    s.2 += 1.0;
                }
                None => sums.push((key, l - mean, 1.0)),
            }
        }
    }
    (sums.into_iter())
        .map(|(key, sum, n)| (key, (sum / (n + PACE_PRIOR)).exp()))
        .collect()
}

/// Each kind's factor: the mean, over consultations with a recorded kind, of `log(i)` (the
/// log duration at reference load and average pace) less its day's mean, shrunk toward 0 by
/// `PACE_PRIOR` consultations.
pub(crate) fn kind_effect(days: &[PastDay], log: impl Fn(&PastDay, usize) -> f64) -> KindFactors {
    let mut factors = KindFactors::default();
    let labelled = |d: &PastDay| d.kinds.len() == d.durations.len();
    for (kind, factor) in effects(days, labelled, |d, i| Some(d.kinds[i]), log) {
        *factors.slot_mut(kind) = factor;
    }
    factors
}

/// Each visit type's factor: the mean, over consultations with a recorded visit type, of
/// `log(i)` (the log duration at reference load, average pace and its kind's typical
/// length) less its day's mean, shrunk toward 0 by `PACE_PRIOR` consultations.
pub(crate) fn visit_effect(days: &[PastDay], log: impl Fn(&PastDay, usize) -> f64) -> VisitFactors {
    let mut factors = VisitFactors::default();
    let labelled = |d: &PastDay| d.visits.len() == d.durations.len();
    for (visit, factor) in effects(days, labelled, |d, i| d.visits[i], log) {
        *factors.slot_mut(visit) = factor;
    }
    factors
}
