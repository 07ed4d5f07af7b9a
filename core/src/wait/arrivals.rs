//! Booked patients not checked in yet: whether they will come, and when.
//!
//! A booked patient comes with probability `1 − p` (the no-show share) and, if they come,
//! arrives at `expected_at + offset` with a normal offset (mean and standard deviation
//! from history). Not having arrived by `now` is evidence: by Bayes, they still come with
//! probability `(1 − p)·S / (p + (1 − p)·S)`, where `S` is the chance of arriving after
//! `now`, and their arrival is the offset distribution truncated to after `now`.

use crate::wait::rates::{
    DEFAULT_ARRIVAL_OFFSET_MEAN, DEFAULT_ARRIVAL_OFFSET_SD, DEFAULT_NO_SHOW_SHARE, QueueRates,
};
use crate::wait::stats::{norm_cdf, norm_cdf_pdf_fast, truncated_below};

/// Arrival probabilities beyond this many standard deviations are taken as 0 or 1.
const REACH_SDS: f64 = 4.0;

/// How booked patients arrive, with sanitized rates.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arrivals {
    no_show: f64,
    offset_mean: f64,
    offset_sd: f64,
}

impl Arrivals {
    pub(crate) fn new(rates: &QueueRates) -> Arrivals {
        let finite = |x: f64, default: f64| if x.is_finite() { x } else { default };
        Arrivals {
            no_show: finite(rates.no_show_share, DEFAULT_NO_SHOW_SHARE).clamp(0.001, 0.999),
            offset_mean: finite(rates.arrival_offset_mean, DEFAULT_ARRIVAL_OFFSET_MEAN)
                .clamp(-600.0, 600.0),
            offset_sd: finite(rates.arrival_offset_sd, DEFAULT_ARRIVAL_OFFSET_SD).clamp(1.0, 240.0),
        }
    }

    /// The share of booked patients who never come.
    pub(crate) fn no_show(&self) -> f64 {
        self.no_show
    }

    /// A patient whose appointment starts `expected` minutes from now and who is not here.
    pub(crate) fn absent(&self, expected: f64) -> Absent {
        let center = (expected + self.offset_mean).clamp(-1e7, 1e7);
        let tail_now = norm_cdf(center / self.offset_sd);
        let p = self.no_show;
        Absent {
            center,
            sd: self.offset_sd,
            tail_now,
            scale: (1.0 - p) / (p + (1.0 - p) * tail_now),
        }
    }
}

/// One absent patient's prospects (times in minutes from now).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Absent {
    /// Mean arrival if they come, before knowing they are not here yet.
    center: f64,
    sd: f64,
    /// P(arrival after now | they come).
    tail_now: f64,
    /// `P(comes | not here) / tail_now`.
    scale: f64,
}

impl Absent {
    /// The chance they still come.
    pub(crate) fn comes(&self) -> f64 {
        self.scale * self.tail_now
    }

    /// The chance they come and arrive by `t`, and its density in `t`, when `t` is itself
    /// uncertain with variance `blur` (the arrival's and the instant's spreads add: the
    /// expected count before an uncertain instant, not the count before its mean).
    pub(crate) fn by(&self, t: f64, blur: f64) -> (f64, f64) {
        if t.is_nan() || t <= 0.0 {
            return (0.0, 0.0);
        }
        let sd = (self.sd * self.sd + blur.max(0.0)).sqrt();
        let (below, density) = norm_cdf_pdf_fast((t - self.center) / sd);
        let arrived = (self.tail_now - (1.0 - below)).max(0.0);
        (self.scale * arrived, self.scale * density / sd)
    }

    /// Mean and variance of their arrival, given they come.
    pub(crate) fn arrival(&self) -> (f64, f64) {
        truncated_below(self.center, self.sd, 0.0)
    }
}

/// Absent patients who may come back ahead of a token: every skipped one, and the absent
/// ones passed over on the way to it, counted by who arrives by a time. Patients are
/// grouped by their expected arrival on a grid of `sd / 4`, so a count costs a few groups
/// around `t` plus a prefix sum over the groups sure to have arrived (a Fenwick tree),
/// whatever the number of patients.
pub(crate) struct LateSet {
    centers: Vec<f64>,
    groups: Vec<Absent>,
    counts: Vec<f64>,
    /// Fenwick tree over groups of (Σ comes, Σ comes·(1 − comes)) of entered patients.
    tree: Vec<[f64; 2]>,
    /// How many patients are in the set.
    members: usize,
    /// The arrival offsets' standard deviation.
    sd: f64,
}

impl LateSet {
    /// Groups the patients expected at `expected` minutes from now; returns the set (with
    /// nobody in it yet) and each patient's group.
    pub(crate) fn new(arrivals: &Arrivals, expected: &[f64]) -> (LateSet, Vec<usize>) {
        let step = arrivals.offset_sd / 4.0;
        let cell = |e: f64| ((e / step).round().clamp(-1e12, 1e12)) as i64;
        let mut cells: Vec<i64> = expected.iter().map(|&e| cell(e)).collect();
        let of_patient = cells.clone();
        cells.sort_unstable();
        cells.dedup();
        let groups: Vec<Absent> = cells
            .iter()
            .map(|&c| arrivals.absent(c as f64 * step))
            .collect();
        let index = of_patient
            .iter()
            .map(|c| cells.binary_search(c).unwrap_or_default())
            .collect();
        let set = LateSet {
            // Arrivals are after now: a group is settled a few sds after max(center, 0).
            centers: groups.iter().map(|g| g.center.max(0.0)).collect(),
            counts: vec![0.0; groups.len()],
            tree: vec![[0.0; 2]; groups.len() + 1],
            members: 0,
            groups,
            sd: arrivals.offset_sd,
        };
        (set, index)
    }

    /// Puts a patient of `group` in the set.
    pub(crate) fn enter(&mut self, group: usize) {
        let Some(absent) = self.groups.get(group) else {
            return;
        };
        let comes = absent.comes();
        self.members += 1;
        self.counts[group] += 1.0;
        let mut i = group + 1;
        while i < self.tree.len() {
            self.tree[i][0] += comes;
            self.tree[i][1] += comes * (1.0 - comes);
            i += i & i.wrapping_neg();
        }
    }

    /// Among entered patients: the expected number who come by `t` (itself uncertain with
    /// variance `blur`), its variance, and the density of that number in `t`.
    pub(crate) fn by(&self, t: f64, blur: f64) -> (f64, f64, f64) {
        if self.members == 0 || t.is_nan() || t <= 0.0 {
            return (0.0, 0.0, 0.0);
        }
        let reach = REACH_SDS * (self.sd * self.sd + blur.max(0.0)).sqrt();
        let low = self.centers.partition_point(|&c| c < t - reach);
        let high = self.centers.partition_point(|&c| c <= t + reach);
        let [mut mean, mut variance] = self.prefix(low);
        let mut density = 0.0;
        for g in low..high {
            if self.counts[g] > 0.5 {
                let (p, d) = self.groups[g].by(t, blur);
                mean += self.counts[g] * p;
                variance += self.counts[g] * p * (1.0 - p);
                density += self.counts[g] * d;
            }
        }
        (mean.max(0.0), variance.max(0.0), density)
    }

    fn prefix(&self, groups: usize) -> [f64; 2] {
        let (mut sum, mut i) = ([0.0; 2], groups);
        while i > 0 {
            sum[0] += self.tree[i][0];
            sum[1] += self.tree[i][1];
            i &= i - 1;
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrivals() -> Arrivals {
        Arrivals::new(&QueueRates {
            no_show_share: 0.2,
            arrival_offset_mean: -10.0,
            arrival_offset_sd: 15.0,
            ..QueueRates::default()
        })
    }

    #[test]
    fn not_being_here_yet_makes_a_no_show_likelier() {
        let arrivals = arrivals();
        let early = arrivals.absent(120.0);
        assert!((early.comes() - 0.8).abs() < 1e-6);
        let late = arrivals.absent(-20.0);
        assert!(late.comes() < 0.5, "{}", late.comes());
        // Coming at all is coming by some time.
        assert!((early.by(1e6, 0.0).0 - early.comes()).abs() < 1e-9);
        assert_eq!(early.by(0.0, 0.0), (0.0, 0.0));
        // An uncertain instant spreads the count: more before the mean arrival, fewer after.
        assert!(early.by(100.0, 400.0).0 > early.by(100.0, 0.0).0);
        assert!(early.by(130.0, 400.0).0 < early.by(130.0, 0.0).0);
        let (mean, _) = late.arrival();
        assert!(mean > 0.0);
    }

    #[test]
    fn the_late_set_matches_the_patients_one_by_one() {
        let arrivals = arrivals();
        let expected = [-5.0, 10.0, 10.0, 30.0, 200.0, 50.0];
        let (mut set, groups) = LateSet::new(&arrivals, &expected);
        for &g in &groups[..5] {
            set.enter(g);
        }

        for t in [1.0, 15.0, 40.0, 90.0, 400.0] {
            let direct: f64 = expected[..5]
                .iter()
                .map(|&e| arrivals.absent(e).by(t, 25.0).0)
                .sum();
            let (grouped, variance, _) = set.by(t, 25.0);
            // Grouping moves expected arrivals by at most sd / 8.
            assert!(
                (grouped - direct).abs() < 0.15,
                "{t}: {grouped} vs {direct}"
            );
            assert!(variance >= 0.0 && variance <= grouped);
        }
    }
}
