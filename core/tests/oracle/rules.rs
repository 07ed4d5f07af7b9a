//! Reading single rules: a template's open pieces and which dates it applies to.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use medsched::{Session, WeeklyTemplate};

use super::time::{DAY, tod};

/// Wall-clock hours as minutes from the day's midnight: an end at or before the start is on
/// the next day (past 1440).
pub fn span(start: NaiveTime, end: NaiveTime) -> (i64, i64) {
    let (s, e) = (tod(start), tod(end));
    (s, if e <= s { e + DAY } else { e })
}

/// Sessions less their breaks, in minutes from the day's midnight, each session cut on its
/// own; a break time before its session's start is on the next day.
pub fn open_pieces(sessions: &[Session]) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    for s in sessions {
        let (start, end) = span(s.start, s.end);
        let place = |t: NaiveTime| if tod(t) < start { tod(t) + DAY } else { tod(t) };
        let mut breaks: Vec<(i64, i64)> = s
            .breaks
            .iter()
            .map(|b| (place(b.start), place(b.end)))
            .collect();
        breaks.sort();
        let mut cursor = start;
        for (bs, be) in breaks {
            if bs > cursor {
                out.push((cursor, bs));
            }
            cursor = cursor.max(be);
        }
        if end > cursor {
            out.push((cursor, end));
        }
    }
    out
}

/// Whether a recurrence (the small grammar the generators use) selects `d`.
fn rrule_selects(rule: &str, from: NaiveDate, d: NaiveDate) -> bool {
    if d < from {
        return false;
    }
    let parts: HashMap<&str, &str> = rule
        .split(';')
        .map(|p| p.split_once('=').expect("oracle: bad rrule part"))
        .collect();
    let interval: i64 = parts.get("INTERVAL").map_or(1, |i| i.parse().unwrap());
    match parts["FREQ"] {
        "DAILY" => {
            assert!(!parts.contains_key("BYDAY"));
            (d - from).num_days() % interval == 0
        }
        "WEEKLY" => {
            assert_eq!(
                interval, 1,
                "oracle: weekly rules with an interval are not modelled"
            );
            parts["BYDAY"]
                .split(',')
                .any(|day| weekday_code(d.weekday()) == day)
        }
        other => panic!("oracle: FREQ={other} not modelled"),
    }
}

pub(super) fn weekday_code(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

pub(super) fn template_applies(t: &WeeklyTemplate, d: NaiveDate) -> bool {
    if t.effective_from.is_some_and(|f| d < f) || t.effective_until.is_some_and(|u| d > u) {
        return false;
    }
    match &t.rrule {
        Some(rule) => rrule_selects(rule, t.effective_from.unwrap(), d),
        None => t.weekdays.contains(&d.weekday()),
    }
}
