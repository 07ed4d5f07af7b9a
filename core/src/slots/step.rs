//! Piecewise-constant seat counts over time, built once and updated in place.

use std::cell::Cell;

/// A piecewise-constant count of seats in use: `levels[i]` holds on `[starts[i], starts[i+1])`,
/// and nothing is in use before the first start.
#[derive(Debug, Default, Clone)]
pub(crate) struct StepFn {
    starts: Vec<i64>,
    levels: Vec<u64>,
}

impl StepFn {
    /// The sum of `seats` over `[start, end)` of every range: the starts and the ends sorted
    /// apart by instant, then merged.
    pub(crate) fn build(ranges: impl Iterator<Item = (i64, i64, u32)>) -> StepFn {
        let (fewest, most) = ranges.size_hint();
        let count = most.unwrap_or(fewest);
        let mut opens: Vec<(i64, u32)> = Vec::with_capacity(count);
        let mut closes: Vec<(i64, u32)> = Vec::with_capacity(count);
        for (s, e, seats) in ranges {
            opens.push((s, seats));
            closes.push((e, seats));
        }
        opens.sort_unstable_by_key(|&(t, _)| t);
        closes.sort_unstable_by_key(|&(t, _)| t);
        let mut f = StepFn {
            starts: Vec::with_capacity(2 * opens.len()),
            levels: Vec::with_capacity(2 * opens.len()),
        };
        let (mut opened, mut closed) = (opens.iter().peekable(), closes.iter().peekable());
        let mut level = 0i64;
        loop {
            // One breakpoint per instant, and only where the level changes (ranges that abut
            // leave it as it was).
            let t = match (opened.peek(), closed.peek()) {
                (Some(o), Some(c)) => o.0.min(c.0),
                (Some(o), None) => o.0,
                (None, Some(c)) => c.0,
                (None, None) => break,
            };
            while let Some(&(_, seats)) = opened.next_if(|o| o.0 == t) {
                level += i64::from(seats);
            }
            while let Some(&(_, seats)) = closed.next_if(|c| c.0 == t) {
                level -= i64::from(seats);
            }
            let value = u64::try_from(level).unwrap_or(0);
            if f.levels.last().copied().unwrap_or(0) != value {
                f.starts.push(t);
                f.levels.push(value);
            }
        }
        f
    }

    /// Nothing in use, ever.
    pub(crate) const fn empty() -> StepFn {
        StepFn {
            starts: Vec::new(),
            levels: Vec::new(),
        }
    }

    /// The index of the step holding at `t`, a breakpoint added there if there was none.
    fn split_at(&mut self, t: i64) -> usize {
        let i = self.starts.partition_point(|&s| s < t);
        if self.starts.get(i) != Some(&t) {
            let level = if i == 0 { 0 } else { self.levels[i - 1] };
            self.starts.insert(i, t);
            self.levels.insert(i, level);
        }
        i
    }

    /// Adds `seats` over `[start, end)` (`add` true) or takes them away: no sorting, one
    /// pass over the steps from `start`.
    pub(crate) fn update(&mut self, start: i64, end: i64, seats: u32, add: bool) {
        let first = self.split_at(start);
        let last = self.split_at(end);
        for level in &mut self.levels[first..last] {
            *level = if add {
                level.saturating_add(u64::from(seats))
            } else {
                level.saturating_sub(u64::from(seats))
            };
        }
        // Drop the breakpoints that no longer change the level.
        for i in [last, first] {
            let before = if i == 0 { 0 } else { self.levels[i - 1] };
            if self.levels[i] == before {
                self.starts.remove(i);
                self.levels.remove(i);
            }
        }
    }

    /// The first step starting after `from`, found from `hint` (where the last query
    /// stopped), so queries in increasing time cost almost nothing.
    #[inline]
    fn seek(&self, from: i64, hint: &Cell<usize>) -> usize {
        let n = self.starts.len();
        let mut i = hint.get().min(n);
        if i > 0 && self.starts[i - 1] > from {
            i = self.starts.partition_point(|&s| s <= from);
        } else {
            while i < n && self.starts[i] <= from {
                i += 1;
            }
        }
        hint.set(i);
        i
    }

    /// The first instant after `from` where the seats taken change (`i64::MAX` if none).
    #[inline]
    pub(crate) fn next_change(&self, from: i64, hint: &Cell<usize>) -> i64 {
        let i = self.seek(from, hint);
        self.starts.get(i).copied().unwrap_or(i64::MAX)
    }

    /// When `capacity` or more seats are taken at `t`: the first instant after it with fewer
    /// (`i64::MAX` if none). `None` when fewer are taken at `t`.
    #[inline]
    pub(crate) fn full_until(&self, t: i64, capacity: u64, hint: &Cell<usize>) -> Option<i64> {
        let mut i = self.seek(t, hint);
        if self.level_before(i) < capacity {
            return None;
        }
        while self.levels.get(i).is_some_and(|&level| level >= capacity) {
            i += 1;
        }
        Some(self.starts.get(i).copied().unwrap_or(i64::MAX))
    }

    #[inline]
    fn level_before(&self, i: usize) -> u64 {
        if i == 0 { 0 } else { self.levels[i - 1] }
    }

    /// The highest level anywhere in `[from, to)`.
    #[inline]
    pub(crate) fn max_over(&self, from: i64, to: i64, hint: &Cell<usize>) -> u64 {
        let i = self.seek(from, hint);
        let mut max = self.level_before(i);
        for j in i..self.starts.len() {
            if self.starts[j] >= to {
                break;
            }
            max = max.max(self.levels[j]);
        }
        max
    }

    /// `self + other`, in one pass over both (no sorting).
    pub(crate) fn sum(&self, other: &StepFn) -> StepFn {
        let steps = self.starts.len() + other.starts.len();
        let mut f = StepFn {
            starts: Vec::with_capacity(steps),
            levels: Vec::with_capacity(steps),
        };
        let (mut i, mut j) = (0, 0);
        let (mut a, mut b) = (0, 0);
        loop {
            let next_a = self.starts.get(i).copied().unwrap_or(i64::MAX);
            let next_b = other.starts.get(j).copied().unwrap_or(i64::MAX);
            let next = next_a.min(next_b);
            if next == i64::MAX {
                return f;
            }
            if next_a == next {
                a = self.levels[i];
                i += 1;
            }
            if next_b == next {
                b = other.levels[j];
                j += 1;
            }
            if f.levels.last().copied().unwrap_or(0) != a + b {
                f.starts.push(next);
                f.levels.push(a + b);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The level at `t` by summing every range: the oracle.
    fn level(ranges: &[(i64, i64, u32)], t: i64) -> u64 {
        ranges
            .iter()
            .filter(|(s, e, _)| *s <= t && t < *e)
            .map(|(_, _, k)| u64::from(*k))
            .sum()
    }

    fn lcg(state: &mut u64) -> i64 {
        *state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((*state >> 33) % 100) as i64
    }

    #[test]
    fn updates_and_sums_agree_with_counting_every_range() {
        let mut seed = 7;
        for _ in 0..200 {
            let mut ranges: Vec<(i64, i64, u32)> = (0..lcg(&mut seed) % 12)
                .map(|_| {
                    let s = lcg(&mut seed);
                    (
                        s,
                        s + 1 + lcg(&mut seed) % 20,
                        1 + (lcg(&mut seed) % 3) as u32,
                    )
                })
                .collect();
            let other: Vec<(i64, i64, u32)> = (0..lcg(&mut seed) % 4)
                .map(|_| {
                    let s = lcg(&mut seed);
                    (s, s + 1 + lcg(&mut seed) % 10, 1)
                })
                .collect();
            let mut f = StepFn::build(ranges.iter().copied());
            // Remove some ranges and add others incrementally.
            let removed = ranges.split_off(ranges.len() / 2);
            for &(s, e, k) in &removed {
                f.update(s, e, k, false);
            }
            let added = (lcg(&mut seed), lcg(&mut seed) + 101, 2);
            f.update(added.0, added.1, added.2, true);
            ranges.push(added);
            let g = StepFn::build(other.iter().copied());
            assert_eq!(f.starts, StepFn::build(ranges.iter().copied()).starts);
            let (h0, h1, h2) = (Cell::new(0), Cell::new(0), Cell::new(0));
            for from in -2..210 {
                let to = from + 1 + lcg(&mut seed) % 15;
                let want = (from..to).map(|t| level(&ranges, t)).max().unwrap();
                assert_eq!(f.max_over(from, to, &h0), want);
                let sum = (from..to)
                    .map(|t| level(&ranges, t) + level(&other, t))
                    .max()
                    .unwrap();
                assert_eq!(f.sum(&g).max_over(from, to, &h1), sum);
                assert_eq!(g.sum(&f).max_over(from, to, &h2), sum);
            }
        }
    }
}
