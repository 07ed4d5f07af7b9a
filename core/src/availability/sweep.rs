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

/// Decides one stretch of time covered by `active`.
pub(crate) fn decide(covers: &[Cover], active: &[CoverIx]) -> Decision {
    match active {
        [] => {
            return Decision {
                open: false,
                decider: None,
                scheduled: None,
                tentative: None,
            };
        }
        &[only] => {
            let effect = covers[only as usize].effect;
            let on = |kind: Effect| (effect == kind).then_some(only);
            return Decision {
                open: effect == Effect::Open,
                decider: (on(Effect::Open).or(on(Effect::Closed))).or(on(Effect::Break)),
                scheduled: on(Effect::Open),
                tentative: on(Effect::Tentative),
            };
        }
        _ => {}
    }
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
pub(crate) fn sweep(mut covers: Vec<Cover>, start: i64, end: i64) -> Resolution {
    covers.sort_by_key(|c| c.start);
    let mut points: Vec<i64> = Vec::with_capacity(covers.len() * 2 + 2);
    points.push(start);
    points.push(end);
    for c in &covers {
        points.push(c.start.max(start));
        points.push(c.end.min(end));
    }
    points.sort_unstable();
    points.dedup();
    let mut next = 0;
    let mut active: Vec<CoverIx> = Vec::new();
    let mut segments: Vec<Segment> = Vec::with_capacity(points.len());
    for pair in points.windows(2) {
        let (from, to) = (pair[0], pair[1]);
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
        let decision = decide(&covers, &active);
        match segments.last_mut() {
            Some(last) if last.decision == decision && last.end == from => last.end = to,
            _ => segments.push(Segment {
                start: from,
                end: to,
                decision,
            }),
        }
    }
    Resolution { covers, segments }
}
