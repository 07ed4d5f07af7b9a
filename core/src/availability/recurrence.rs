//! RFC 5545 recurrence rules that select dates, expanded with the `rrule` crate.

use chrono::NaiveDate;
use rrule::{Frequency, RRule, Tz, Unvalidated};

use super::compile::LAST_YEAR;
use crate::{Error, Problem, Result};

/// The dates selected by `rule` from `start` (its `DTSTART`) up to and including `until`, or
/// the end of the last year medsched computes with.
///
/// A rule selects whole days, so it must repeat daily or less often and pick no hours,
/// minutes or seconds. It is expanded once, when the rules are compiled: about 2 ms for a
/// fortnightly roster to the year 2200, 30 ms for a daily rule from 1900.
pub(crate) fn expand_dates(
    field: &str,
    rule: &str,
    start: NaiveDate,
    until: Option<NaiveDate>,
) -> Result<Vec<NaiveDate>> {
    let invalid = |reason: String| Error::invalid(field, rule, Problem::InvalidRecurrence(reason));
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
    let last_day = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).unwrap_or(start);
    let until = until.map_or(last_day, |u| u.min(last_day));
    let at_midnight = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(Tz::UTC).single())
            .ok_or_else(|| invalid(format!("date {d} is out of range")))
    };
    let set = parsed
        .build(at_midnight(start)?)
        .map_err(|e| invalid(format!("{e}")))?
        .before(at_midnight(until)?);
    let mut dates: Vec<NaiveDate> = set
        .all_unchecked()
        .into_iter()
        .map(|d| d.date_naive())
        .filter(|d| *d <= until)
        .collect();
    dates.dedup();
    Ok(dates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_other_monday() {
        let dates = expand_dates(
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
        let dates = expand_dates(
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
        let dates = expand_dates("rrule", "FREQ=YEARLY", date(1950, 1, 26), None).unwrap();
        assert_eq!(dates.len(), 251);
        assert_eq!(dates[76], date(2026, 1, 26));
        assert_eq!(dates.last(), Some(&date(2200, 1, 26)));
    }

    #[test]
    fn a_rule_starting_on_29_february() {
        let weekdays = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR";
        let dates =
            expand_dates("rrule", weekdays, date(2024, 2, 29), Some(date(2024, 3, 8))).unwrap();
        assert_eq!(dates.len(), 7);
        let leap = expand_dates(
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
            let err = expand_dates("t.rrule", rule, date(2026, 1, 1), None).unwrap_err();
            assert_eq!(err.code(), "invalid_input", "{rule}");
        }
    }
}
