//! A day's token queue: how many tokens stood in each state, over the day.

use chrono::{DateTime, Timelike, Utc};
use rustc_hash::FxHashMap;

use crate::{
    Result,
    pictures::{check_count, colours, svg::Svg, zone},
    store::{Change, Event, token::TokenState, token_change::TokenChange},
};

/// The states in the order they stack, bottom up, with their colours.
const STACK: [(TokenState, &str); 6] = [
    (TokenState::Completed, colours::COMPLETED),
    (TokenState::Consulting, colours::CONSULTING),
    (TokenState::Waiting, colours::WAITING),
    (TokenState::Late, colours::LATE),
    (TokenState::Skipped, colours::SKIPPED),
    (TokenState::Cancelled, colours::CANCELLED),
];

fn slot(state: TokenState) -> usize {
    STACK.iter().position(|(s, _)| *s == state).unwrap_or(0)
}

/// The count of tokens in each state after each event: (instant, counts in `STACK` order).
fn steps(events: &[Event]) -> Vec<(DateTime<Utc>, [u32; 6])> {
    let mut states: FxHashMap<u32, TokenState> = FxHashMap::default();
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        let Change::Token(change) = &event.change else {
            continue;
        };
        let set = |states: &mut FxHashMap<u32, TokenState>, n: u32, s: TokenState| {
            states.insert(n, s);
        };
        match change {
            TokenChange::TokenIssued { token, .. } => {
                set(&mut states, token.number, TokenState::Waiting)
            }
            TokenChange::TokenReassigned { from, token, .. } => {
                set(&mut states, *from, TokenState::Cancelled);
                set(&mut states, token.number, TokenState::Waiting);
            }
            TokenChange::ConsultationStarted { number, .. } => {
                set(&mut states, *number, TokenState::Consulting)
            }
            TokenChange::ConsultationCompleted { number } => {
                set(&mut states, *number, TokenState::Completed)
            }
            TokenChange::TokenCancelled { number, .. } => {
                set(&mut states, *number, TokenState::Cancelled)
            }
            TokenChange::TokenSkipped { number, .. } => {
                set(&mut states, *number, TokenState::Skipped)
            }
            TokenChange::TokenMarkedLate { number, .. } => {
                set(&mut states, *number, TokenState::Late)
            }
            TokenChange::TokenReinserted { number, .. } => {
                set(&mut states, *number, TokenState::Waiting)
            }
            TokenChange::TokenCheckedIn { .. }
            | TokenChange::TokenAmended { .. }
            | TokenChange::TokenCalled { .. }
            | TokenChange::TokenMoved { .. }
            | TokenChange::MeetLinkUpdated { .. } => continue,
        }
        let mut counts = [0; 6];
        for state in states.values() {
            counts[slot(*state)] += 1;
        }
        out.push((event.at, counts));
    }
    out
}

const LEFT: f64 = 48.0;
const TOP: f64 = 48.0;
const WIDTH: f64 = 840.0;
const HEIGHT: f64 = 300.0;

pub(crate) fn draw(title: &str, time_zone: &str, events: &[Event]) -> Result<String> {
    let tz = zone(time_zone)?;
    check_count("events", events.len())?;
    let steps = steps(events);
    let width = LEFT + WIDTH + 24.0;
    let height = TOP + HEIGHT + 64.0;
    let mut svg = Svg::new(
        width,
        height,
        title,
        "Tokens by state over the day, stacked: completed at the bottom, then consulting, \
         waiting, late, skipped and cancelled.",
    );
    svg.text(LEFT, 24.0, 16.0, "start", title);
    svg.rect(LEFT, TOP, WIDTH, HEIGHT, colours::OUTSIDE, "");
    let (Some(first), Some(last)) = (steps.first(), steps.last()) else {
        svg.text(
            LEFT + WIDTH / 2.0,
            TOP + HEIGHT / 2.0,
            14.0,
            "middle",
            "no tokens",
        );
        return Ok(svg.finish());
    };
    // Time from the first change to ten minutes after the last; height to the most tokens.
    let start = first.0;
    let end = last.0 + chrono::Duration::minutes(10);
    let span = (end - start).num_seconds().max(1) as f64;
    let most = steps
        .iter()
        .map(|(_, c)| c.iter().sum::<u32>())
        .max()
        .unwrap_or(1)
        .max(1);
    let x = |t: DateTime<Utc>| LEFT + (t - start).num_seconds() as f64 / span * WIDTH;
    let per_token = HEIGHT / f64::from(most);
    for (i, (at, counts)) in steps.iter().enumerate() {
        let until = steps.get(i + 1).map_or(end, |s| s.0);
        let (x0, x1) = (x(*at), x(until));
        let mut base = TOP + HEIGHT;
        for (k, (state, fill)) in STACK.iter().enumerate() {
            let h = f64::from(counts[k]) * per_token;
            if h > 0.0 {
                let when = at.with_timezone(&tz).format("%H:%M");
                let label = format!("{} {} at {when}", counts[k], state.as_str());
                svg.rect(x0, base - h, x1 - x0, h, fill, &label);
                base -= h;
            }
        }
    }
    // Hour ticks on the local clock.
    let local = start.with_timezone(&tz);
    let into_hour = i64::from(local.minute() * 60 + local.second());
    let mut tick = start + chrono::Duration::seconds((3600 - into_hour) % 3600);
    while tick <= end {
        let at = x(tick);
        let label = tick.with_timezone(&tz).format("%H:%M").to_string();
        svg.line(
            (at, TOP + HEIGHT),
            (at, TOP + HEIGHT + 5.0),
            colours::GRID,
            1.0,
        );
        svg.text(at, TOP + HEIGHT + 18.0, 11.0, "middle", &label);
        tick += chrono::Duration::hours(1);
    }
    svg.text(LEFT - 8.0, TOP + 4.0, 11.0, "end", &most.to_string());
    svg.text(LEFT - 8.0, TOP + HEIGHT + 4.0, 11.0, "end", "0");
    let legend: Vec<(&str, &str)> = STACK.iter().map(|(s, c)| (*c, s.as_str())).collect();
    svg.legend(LEFT, height - 14.0, &legend);
    Ok(svg.finish())
}
