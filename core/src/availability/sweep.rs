//! The priority chain: a sweep over the covers that decides every stretch of time.

use super::compile::LocationIx;
use super::covers::{Cover, EVERYWHERE, Effect};
use crate::RuleKind;

/// Index of a cover in the list a [`Resolution`] holds.
pub(crate) type CoverIx = u32;

/// The decision for one stretch of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    pub(crate) open: bool,
    /// The deciding cover; `None` outside every rule.
    pub(crate) decider: Option<CoverIx>,
    /// The open cover the doctor is scheduled by (override or base), also when closed.
    pub(crate) scheduled: Option<CoverIx>,
    /// A requested leave covering this time.
    pub(crate) tentative: Option<CoverIx>,
}

/// A stretch of time with one decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segment {
    pub(crate) start: i64,
    pub(crate) end: i64,
    pub(crate) decision: Decision,
}

/// The covers of a window and the decided segments partitioning it.
pub(crate) struct Resolution {
    pub(crate) covers: Vec<Cover>,
    pub(crate) segments: Vec<Segment>,
}

/// The closing tiers, highest first.
const CLOSING_TIERS: [RuleKind; 5] = [
    RuleKind::ForcedBlock,
    RuleKind::Emergency,
    RuleKind::Leave,
    RuleKind::Holiday,
    RuleKind::Override,
];

/// Whether `cover` concerns time the doctor spends at `location` (`None`: not scheduled).
pub(crate) fn applies(cover: &Cover, location: Option<LocationIx>) -> bool {
    cover.location == EVERYWHERE || location.is_none_or(|l| l == cover.location)
}

/// The cover among `active` the doctor is scheduled by: an override's open hours beat the
/// base schedule; within a kind the earlier rule wins.
fn scheduled_by(covers: &[Cover], active: &[CoverIx]) -> Option<CoverIx> {
    active
        .iter()
        .copied()
        .filter(|&c| covers[c as usize].effect == Effect::Open)
        .min_by_key(|&c| (covers[c as usize].kind, covers[c as usize].rule, c))
}

/// Decides one stretch of time covered by `active`: inlined into the sweep, which calls it
/// for every stretch, most of them covered by one rule or none.
#[inline(always)]
pub(crate) fn decide(covers: &[Cover], active: &[CoverIx]) -> Decision {
    match active {
        [] => Decision {
            open: false,
            decider: None,
            scheduled: None,
            tentative: None,
        },
        &[only] => {
            let effect = covers[only as usize].effect;
            let on = |kind: Effect| (effect == kind).then_some(only);
            Decision {
                open: effect == Effect::Open,
                decider: (on(Effect::Open).or(on(Effect::Closed))).or(on(Effect::Break)),
                scheduled: on(Effect::Open),
                tentative: on(Effect::Tentative),
            }
        }
        _ => decide_among(covers, active),
    }
}

/// [`decide`] where several rules cover the stretch.
#[inline(never)]
fn decide_among(covers: &[Cover], active: &[CoverIx]) -> Decision {
    let scheduled = scheduled_by(covers, active);
    let location = scheduled.map(|c| covers[c as usize].location);
    let first_with = |kind: RuleKind, effect: Effect| {
        active
            .iter()
            .copied()
            .filter(|&c| {
                let cover = &covers[c as usize];
                cover.kind == kind && cover.effect == effect && applies(cover, location)
            })
            .min_by_key(|&c| (covers[c as usize].rule, c))
    };
    let tentative = first_with(RuleKind::Leave, Effect::Tentative);
    for kind in CLOSING_TIERS {
        if let Some(c) = first_with(kind, Effect::Closed) {
            return Decision {
                open: false,
                decider: Some(c),
                scheduled,
                tentative,
            };
        }
    }
    Decision {
        open: scheduled.is_some(),
        decider: scheduled.or_else(|| first_with(RuleKind::Break, Effect::Break)),
        scheduled,
        tentative,
    }
}

/// Decides every stretch of `[start, end)`.
///
/// One pass over the covers by start: each stretch ends at the next cover's start or the
/// first end among the covers in force, whichever comes first (no list of every boundary
/// to sort).
pub(crate) fn sweep(mut covers: Vec<Cover>, start: i64, end: i64) -> Resolution {
    sort_by_start(&mut covers);
    let mut next = 0;
    let mut active: Vec<CoverIx> = Vec::new();
    let mut segments: Vec<Segment> = Vec::with_capacity(covers.len() * 2 + 1);
    let mut from = start;
    while from < end {
        active.retain(|&c| covers[c as usize].end > from);
        while let Some(c) = covers.get(next) {
            if c.start.max(start) > from {
                break;
            }
            if c.end > from {
                active.push(next as CoverIx);
            }
            next += 1;
        }
        let next_start = covers.get(next).map_or(end, |c| c.start);
        let to = (active.iter())
            .map(|&c| covers[c as usize].end)
            .fold(next_start.min(end), i64::min);
        let decision = decide(&covers, &active);
        match segments.last_mut() {
            Some(last) if last.decision == decision && last.end == from => last.end = to,
            _ => segments.push(Segment {
                start: from,
                end: to,
                decision,
            }),
        }
        from = to;
    }
    Resolution { covers, segments }
}

/// Sorts `covers` by start, keeping the order of covers that start together: in one pass
/// when they come as [`covers`](super::covers::covers) makes them (days in order, then a few
/// closing rules, which are sorted apart and merged in).
fn sort_by_start(covers: &mut Vec<Cover>) {
    let sorted = 1
        + (covers.windows(2))
            .take_while(|pair| pair[0].start <= pair[1].start)
            .count();
    if sorted >= covers.len() {
        return;
    }
    let mut rest = covers.split_off(sorted);
    rest.sort_by_key(|c| c.start);
    let head = std::mem::replace(covers, Vec::with_capacity(sorted + rest.len()));
    let (mut head, mut rest) = (head.into_iter().peekable(), rest.into_iter().peekable());
    while let (Some(a), Some(b)) = (head.peek(), rest.peek()) {
        let taken = if b.start < a.start {
            rest.next()
        } else {
            head.next()
        };
        covers.extend(taken);
    }
    covers.extend(head);
    covers.extend(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cover(start: i64, end: i64, rule: u32) -> Cover {
        Cover {
            start,
            end,
            kind: RuleKind::Base,
            effect: Effect::Open,
            rule,
            location: 0,
            day_offset: None,
        }
    }

    #[test]
    fn sorting_by_start_keeps_the_order_of_covers_starting_together() {
        let mut seed: u64 = 11;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            i64::try_from((seed >> 33) % n).unwrap_or(0)
        };
        for _ in 0..300 {
            let len = next(12);
            let covers: Vec<Cover> = (0..len)
                .map(|i| cover(next(6), 10, u32::try_from(i).unwrap_or(0)))
                .collect();
            let mut want = covers.clone();
            want.sort_by_key(|c| c.start);
            let mut got = covers;
            sort_by_start(&mut got);
            assert_eq!(got, want);
        }
    }

    /// The stretches by brute force: the decision at every instant, merged.
    fn by_instant(covers: &[Cover], start: i64, end: i64) -> Vec<(i64, i64, Decision)> {
        let mut out: Vec<(i64, i64, Decision)> = Vec::new();
        for t in start..end {
            let active: Vec<CoverIx> = (0..covers.len())
                .filter(|&c| covers[c].start <= t && t < covers[c].end)
                .map(|c| c as CoverIx)
                .collect();
            let decision = decide(covers, &active);
            match out.last_mut() {
                Some(last) if last.2 == decision => last.1 = t + 1,
                _ => out.push((t, t + 1, decision)),
            }
        }
        out
    }

    #[test]
    fn sweeping_agrees_with_deciding_every_instant() {
        let mut seed: u64 = 5;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            i64::try_from((seed >> 33) % n).unwrap_or(0)
        };
        let kinds = [
            (RuleKind::Base, Effect::Open),
            (RuleKind::Override, Effect::Open),
            (RuleKind::Holiday, Effect::Closed),
            (RuleKind::Leave, Effect::Tentative),
            (RuleKind::Break, Effect::Break),
        ];
        for _ in 0..300 {
            let covers: Vec<Cover> = (0..next(7))
                .map(|i| {
                    let s = next(40) - 5;
                    let (kind, effect) = kinds[usize::try_from(next(5)).unwrap_or(0)];
                    Cover {
                        kind,
                        effect,
                        ..cover(s, s + 1 + next(15), u32::try_from(i).unwrap_or(0))
                    }
                })
                .collect();
            let resolution = sweep(covers, 0, 40);
            let got: Vec<(i64, i64, Decision)> = (resolution.segments.iter())
                .map(|s| (s.start, s.end, s.decision))
                .collect();
            assert_eq!(got, by_instant(&resolution.covers, 0, 40));
        }
    }
}
