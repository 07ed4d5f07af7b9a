//! A doctor's week: a column per local day, open time and closed time by reason, and the
//! booked and free slots on top.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::{
    Interval, Result, RuleKind, Status,
    pictures::{check_count, colours, svg::Svg, zone},
};

/// A span of time: a slot, free or booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Span {
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
}

/// What [`week_svg`](crate::pictures::week_svg) draws: a doctor's timeline over seven
/// local days from `first`, and the slots free and booked in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WeekPicture {
    /// The doctor (its name, as the title shows it).
    pub doctor: String,
    /// The IANA time zone the days and hours are read in.
    pub time_zone: String,
    /// The first of the seven days.
    pub first: NaiveDate,
    /// The doctor's timeline, as [`Availability::resolve`](crate::Availability::resolve)
    /// gives it (at most [`MAX_ITEMS`](crate::pictures::MAX_ITEMS)).
    pub intervals: Vec<Interval>,
    /// Slots still free, e.g. from [`Availability::slots`](crate::Availability::slots) (at
    /// most [`MAX_ITEMS`](crate::pictures::MAX_ITEMS)).
    #[serde(default)]
    pub free: Vec<Span>,
    /// Slots booked (at most [`MAX_ITEMS`](crate::pictures::MAX_ITEMS)).
    #[serde(default)]
    pub booked: Vec<Span>,
}

const LEFT: f64 = 56.0;
const TOP: f64 = 64.0;
const COLUMN: f64 = 128.0;
const HOUR: f64 = 36.0;

/// What a closed interval is drawn as, by its rule.
fn band(interval: &Interval) -> Option<(&'static str, &'static str)> {
    match (interval.status, interval.rule) {
        (_, RuleKind::OutsideHours) => None,
        // Closed time outside the doctor's sessions (a holiday's night) is not drawn.
        (Status::Closed, _) if interval.location_id.is_none() => None,
        (Status::Open, _) => Some((colours::OPEN, "open")),
        (Status::Closed, RuleKind::Leave) => Some((colours::LEAVE, "leave")),
        (Status::Closed, RuleKind::Holiday) => Some((colours::HOLIDAY, "holiday")),
        (Status::Closed, RuleKind::ForcedBlock | RuleKind::Emergency) => {
            Some((colours::BLOCK, "blocked"))
        }
        (Status::Closed, _) => Some((colours::CLOSED, "closed")),
    }
}

/// The pieces of `[start, end)` on each of the seven days: (day index, minute from, minute to)
/// in local wall-clock time.
fn per_day(
    tz: Tz,
    first: NaiveDate,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<(i64, f64, f64)> {
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).naive_local();
    let (s, e) = (local(start), local(end));
    let mut out = Vec::new();
    for d in 0..7 {
        let day = first + Duration::days(d);
        let from: NaiveDateTime = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        let to = from + Duration::days(1);
        let (a, b) = (s.max(from), e.min(to));
        if a < b {
            let minute = |t: NaiveDateTime| (t - from).num_seconds() as f64 / 60.0;
            out.push((d, minute(a), minute(b)));
        }
    }
    out
}

pub(crate) fn draw(week: &WeekPicture) -> Result<String> {
    let tz = zone(&week.time_zone)?;
    check_count("intervals", week.intervals.len())?;
    check_count("free", week.free.len())?;
    check_count("booked", week.booked.len())?;
    crate::availability::compile::check_date(|| "first".into(), week.first)?;
    // The hours shown: from the first hour any rule covers to the last, 08-18 if none.
    let mut lo = 24.0_f64;
    let mut hi = 0.0_f64;
    for interval in week.intervals.iter().filter(|i| band(i).is_some()) {
        for (_, a, b) in per_day(tz, week.first, interval.start, interval.end) {
            lo = lo.min((a / 60.0).floor());
            hi = hi.max((b / 60.0).ceil());
        }
    }
    if lo >= hi {
        (lo, hi) = (8.0, 18.0);
    }
    let height = TOP + (hi - lo) * HOUR + 48.0;
    let width = LEFT + 7.0 * COLUMN + 16.0;
    let y = |minute: f64| TOP + (minute / 60.0 - lo) * HOUR;
    let x = |day: i64| LEFT + day as f64 * COLUMN;
    let title = format!(
        "{}: the week of {}",
        week.doctor,
        week.first.format("%-d %B %Y")
    );
    let mut svg = Svg::new(
        width,
        height,
        &title,
        "Each column is a day, time runs down. Open hours are light green; leave, holidays \
         and blocks have their own colours; booked slots are blue and free slots green.",
    );
    svg.text(LEFT, 24.0, 16.0, "start", &title);
    for d in 0..7 {
        let day = week.first + Duration::days(d);
        svg.text(
            x(d) + COLUMN / 2.0,
            TOP - 10.0,
            13.0,
            "middle",
            &day.format("%a %-d %b").to_string(),
        );
        svg.rect(
            x(d) + 1.0,
            TOP,
            COLUMN - 2.0,
            (hi - lo) * HOUR,
            colours::OUTSIDE,
            "",
        );
    }
    for h in (lo as i64)..=(hi as i64) {
        let at = y(h as f64 * 60.0);
        svg.line((LEFT - 4.0, at), (width - 16.0, at), colours::GRID, 1.0);
        svg.text(LEFT - 8.0, at + 4.0, 11.0, "end", &format!("{h:02}:00"));
    }
    let clock = |m: f64| format!("{:02}:{:02}", (m / 60.0) as u32, m as u32 % 60);
    for interval in &week.intervals {
        let Some((fill, what)) = band(interval) else {
            continue;
        };
        for (d, a, b) in per_day(tz, week.first, interval.start, interval.end) {
            let label = format!("{what} {}-{}", clock(a), clock(b));
            svg.rect(x(d) + 4.0, y(a), COLUMN - 8.0, y(b) - y(a), fill, &label);
        }
    }
    for (spans, fill, what) in [
        (&week.free, colours::FREE, "free"),
        (&week.booked, colours::BOOKED, "booked"),
    ] {
        for span in spans {
            for (d, a, b) in per_day(tz, week.first, span.start, span.end) {
                let label = format!("{what} {}", clock(a));
                svg.rect(
                    x(d) + 14.0,
                    y(a) + 1.0,
                    COLUMN - 28.0,
                    y(b) - y(a) - 2.0,
                    fill,
                    &label,
                );
            }
        }
    }
    svg.legend(
        LEFT,
        height - 16.0,
        &[
            (colours::OPEN, "open"),
            (colours::FREE, "free slot"),
            (colours::BOOKED, "booked slot"),
            (colours::LEAVE, "leave"),
            (colours::HOLIDAY, "holiday"),
            (colours::BLOCK, "blocked"),
            (colours::CLOSED, "closed"),
        ],
    );
    Ok(svg.finish())
}
