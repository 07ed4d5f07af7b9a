//! RFC 5545 recurrence rules that select dates, expanded with the `rrule` crate.

use chrono::{DateTime, Datelike, Months, NaiveDate};
use rrule::{Frequency, RRule, RRuleSet, Tz, Unvalidated};

use super::compile::LAST_YEAR;
use crate::error::cut;
use crate::{Error, Limits, Problem, Result};

/// Years after which the Gregorian calendar repeats itself exactly: dates, weekdays, leap
/// days and ISO weeks (400 years are 146,097 days, 20,871 weeks).
const CYCLE_YEARS: i32 = 400;

/// The last year the `rrule` crate iterates to: once a rule has no more dates, its iterator
/// searches on to the end of this year.
const RRULE_LAST_YEAR: i32 = 9999;

/// The dates selected by `rule` from `start` (its `DTSTART`) up to and including `until`, or
/// the end of the last year medsched computes with.
///
/// A rule selects whole days, so it must repeat daily or less often and pick no hours,
/// minutes or seconds. It is expanded once, when the rules are compiled: about 2 ms for a
/// fortnightly roster to the year 2200, 30 ms for a daily rule from 1900.
///
/// The cost is bounded whatever the rule: the `rrule` crate looks for a rule's next date up
/// to the year 9999, so a rule with no more dates would be searched for thousands of years.
/// Since the calendar repeats every 400 years and a rule counts from its own `DTSTART`, the
/// rule is expanded moved forward by whole 400-year cycles, as close to 9999 as they go, and
/// its dates moved back: the search past `until` then lasts less than one cycle. A rule that
/// can never fire (`INTERVAL=0`, `COUNT=0`, or no date at all from `start` to the end of
/// 2200, such as `FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30`) is refused.
pub(crate) fn expand_dates(
    field: &str,
    rule: &str,
    start: NaiveDate,
    until: Option<NaiveDate>,
    limits: &Limits,
) -> Result<Vec<NaiveDate>> {
    limits.text(|| field.to_owned(), rule)?;
    let invalid =
        |reason: String| Error::invalid(field, rule, Problem::InvalidRecurrence(cut(reason)));
    // RFC 5545 rules are ASCII, and the `rrule` crate slices a weekday such as `BYDAY=Rë`
    // at a byte that is not a character boundary, which panics: refused before parsing.
    if let Some(c) = rule.chars().find(|c| !c.is_ascii()) {
        return Err(invalid(format!("it must be ASCII text, not {c:?}")));
    }
    let text = rule.trim();
    let text = text.strip_prefix("RRULE:").unwrap_or(text);
    let parsed: RRule<Unvalidated> = text.parse().map_err(|e| invalid(format!("{e}")))?;
    if matches!(
        parsed.get_freq(),
        Frequency::Hourly | Frequency::Minutely | Frequency::Secondly
    ) {
        return Err(invalid("it must repeat daily or less often".into()));
    }
    if !(parsed.get_by_hour().is_empty()
        && parsed.get_by_minute().is_empty()
        && parsed.get_by_second().is_empty())
    {
        return Err(invalid(
            "it selects days, not hours, minutes or seconds".into(),
        ));
    }
    if parsed.get_interval() == 0 {
        return Err(invalid(
            "INTERVAL=0 never repeats: it selects no date".into(),
        ));
    }
    if parsed.get_count() == Some(0) {
        return Err(invalid("COUNT=0 selects no date".into()));
    }
    let last_day = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).unwrap_or(start);
    let until = until.map_or(last_day, |u| u.min(last_day));
    let (set, cycles) = moved_forward(&parsed, start, until, &invalid)?;
    let set = set.before(at_midnight(until + cycles, &invalid)?);
    let mut dates: Vec<NaiveDate> = set
        .all_unchecked()
        .into_iter()
        .map(|d| d.date_naive() - cycles)
        .filter(|d| *d <= until)
        .collect();
    dates.dedup();
    if dates.is_empty() && !fires_by(&parsed, start, last_day, &invalid)? {
        return Err(invalid(format!(
            "it selects no date from {start} to {last_day}"
        )));
    }
    Ok(dates)
}

/// Whether `rule` from `start` selects a date on or before `last`.
fn fires_by(
    rule: &RRule<Unvalidated>,
    start: NaiveDate,
    last: NaiveDate,
    invalid: &impl Fn(String) -> Error,
) -> Result<bool> {
    let (set, cycles) = moved_forward(rule, start, last, invalid)?;
    Ok(set
        .into_iter()
        .next()
        .is_some_and(|d| d.date_naive() - cycles <= last))
}

/// The rule from `start`, moved forward by the whole 400-year cycles that bring `until`
/// closest to the end of 9999 (its own `UNTIL` moved too, and cut at `until`), and the move.
fn moved_forward(
    rule: &RRule<Unvalidated>,
    start: NaiveDate,
    until: NaiveDate,
    invalid: &impl Fn(String) -> Error,
) -> Result<(RRuleSet, Months)> {
    let cycles = (RRULE_LAST_YEAR - until.year()).max(0) / CYCLE_YEARS;
    let cycles = Months::new(u32::try_from(cycles * CYCLE_YEARS * 12).unwrap_or(0));
    let mut moved = rule.clone();
    if let Some(own) = rule.get_until() {
        let cut_at = at_midnight(until, invalid)?.min(*own);
        let own = cut_at
            .checked_add_months(cycles)
            .ok_or_else(|| invalid(format!("UNTIL {own} is out of range")))?;
        moved = moved.until(own);
    }
    let set = moved
        .build(at_midnight(start + cycles, invalid)?)
        .map_err(|e| invalid(format!("{e}")))?;
    Ok((set, cycles))
}

fn at_midnight(d: NaiveDate, invalid: &impl Fn(String) -> Error) -> Result<DateTime<Tz>> {
    d.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(Tz::UTC).single())
        .ok_or_else(|| invalid(format!("date {d} is out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(
        field: &str,
        rule: &str,
        start: NaiveDate,
        until: Option<NaiveDate>,
    ) -> Result<Vec<NaiveDate>> {
        expand_dates(field, rule, start, until, &Limits::DEFAULT)
    }

    /// The dates as the `rrule` crate gives them, unmoved.
    fn direct(rule: &str, start: NaiveDate, until: NaiveDate) -> Vec<NaiveDate> {
        let invalid = |reason: String| Error::invalid("rrule", rule, Problem::Malformed(reason));
        let parsed: RRule<Unvalidated> = rule.parse().unwrap();
        let set = parsed.build(at_midnight(start, &invalid).unwrap()).unwrap();
        let set = set.before(at_midnight(until, &invalid).unwrap());
        set.all(u16::MAX)
            .dates
            .iter()
            .map(|d| d.date_naive())
            .collect()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_other_monday() {
        let dates = expand(
            "rrule",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            date(2026, 1, 5),
            Some(date(2026, 2, 28)),
        )
        .unwrap();
        assert_eq!(
            dates,
            [
                date(2026, 1, 5),
                date(2026, 1, 19),
                date(2026, 2, 2),
                date(2026, 2, 16)
            ]
        );
    }

    #[test]
    fn first_saturday_of_the_month() {
        let dates = expand(
            "rrule",
            "RRULE:FREQ=MONTHLY;BYDAY=1SA",
            date(2026, 1, 1),
            Some(date(2026, 3, 31)),
        )
        .unwrap();
        assert_eq!(
            dates,
            [date(2026, 1, 3), date(2026, 2, 7), date(2026, 3, 7)]
        );
    }

    #[test]
    fn a_yearly_rule_runs_to_the_last_computable_year() {
        let dates = expand("rrule", "FREQ=YEARLY", date(1950, 1, 26), None).unwrap();
        assert_eq!(dates.len(), 251);
        assert_eq!(dates[76], date(2026, 1, 26));
        assert_eq!(dates.last(), Some(&date(2200, 1, 26)));
    }

    #[test]
    fn a_rule_starting_on_29_february() {
        let weekdays = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR";
        let dates = expand("rrule", weekdays, date(2024, 2, 29), Some(date(2024, 3, 8))).unwrap();
        assert_eq!(dates.len(), 7);
        let leap = expand(
            "rrule",
            "FREQ=YEARLY",
            date(2024, 2, 29),
            Some(date(2033, 1, 1)),
        )
        .unwrap();
        assert_eq!(
            leap,
            [date(2024, 2, 29), date(2028, 2, 29), date(2032, 2, 29)]
        );
    }

    #[test]
    fn refuses_bad_and_sub_daily_rules() {
        for rule in [
            "FREQ=SOMETIMES",
            "FREQ=HOURLY",
            "",
            "BYDAY=MO",
            "FREQ=DAILY;BYHOUR=9",
            "FREQ=DAILY;BYMINUTE=0,30",
        ] {
            let err = expand("t.rrule", rule, date(2026, 1, 1), None).unwrap_err();
            assert_eq!(err.code(), "invalid_input", "{rule}");
        }
    }

    #[test]
    fn moving_by_whole_cycles_changes_no_date() {
        for (rule, start) in [
            ("FREQ=MONTHLY;BYDAY=-1FR", date(2026, 1, 1)),
            ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", date(1904, 2, 29)),
            ("FREQ=DAILY;INTERVAL=17", date(1999, 12, 31)),
            (
                "FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,SA;WKST=SU",
                date(2026, 3, 3),
            ),
            ("FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH", date(1950, 1, 1)),
            (
                "FREQ=MONTHLY;BYMONTHDAY=31;UNTIL=20300101T000000Z",
                date(2026, 1, 31),
            ),
            ("FREQ=YEARLY;BYYEARDAY=-1;COUNT=7", date(2000, 1, 1)),
        ] {
            let until = date(2060, 6, 30);
            let moved = expand("rrule", rule, start, Some(until)).unwrap();
            assert_eq!(moved, direct(rule, start, until), "{rule}");
            assert!(!moved.is_empty(), "{rule}");
        }
    }

    #[test]
    fn rules_that_never_fire_are_refused() {
        for rule in [
            "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
            "FREQ=WEEKLY;BYMONTH=4,6,9,11;BYMONTHDAY=31",
            "FREQ=YEARLY;BYYEARDAY=366;BYMONTH=1",
            "FREQ=DAILY;INTERVAL=0",
            "FREQ=DAILY;COUNT=0",
        ] {
            let err = expand("holidays[0].rrule", rule, date(1900, 1, 1), None).unwrap_err();
            assert_eq!(err.field(), Some("holidays[0].rrule"), "{rule}");
            assert_eq!(
                err.problem().map(Problem::code),
                Some("invalid_recurrence"),
                "{rule}"
            );
        }
        // Leap days only: it fires, just rarely.
        let leap = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29";
        assert_eq!(
            expand("r", leap, date(2025, 1, 1), None).unwrap()[0],
            date(2028, 2, 29)
        );
    }

    #[test]
    fn a_rule_with_no_date_in_its_window_but_later_is_kept() {
        let later = expand(
            "r",
            "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25",
            date(2026, 1, 1),
            Some(date(2026, 6, 30)),
        )
        .unwrap();
        assert!(later.is_empty());
    }

    #[test]
    fn a_rule_that_is_not_ascii_is_refused_not_a_panic() {
        // Found by the `recurrence` fuzz target (fuzz/regressions/recurrence/).
        for rule in [
            "FREQ=MONTHLY;BYSETPOS=-0;BYDAY=MO,RBë,TH,FR",
            "FREQ=WEEKLY;BYDAY=Më",
            "FREQ=WEEKLY;BYDAY=ëMO",
            "FREQ=DAÏLY",
        ] {
            let err = expand("holidays[0].rrule", rule, date(2026, 1, 1), None).unwrap_err();
            assert_eq!(err.problem().map(Problem::code), Some("invalid_recurrence"));
            assert!(err.to_string().contains("must be ASCII"), "{err}");
        }
    }

    #[test]
    fn a_long_rule_is_refused_by_its_length() {
        let long = format!("FREQ=WEEKLY;BYDAY={}", vec!["MO"; 400].join(","));
        let err = expand("t.rrule", &long, date(2026, 1, 1), None).unwrap_err();
        assert_eq!(err.problem().map(Problem::code), Some("out_of_range"));
        assert!(err.value().unwrap().ends_with("(1217 characters)"));
    }
}
