//! RFC 5545 recurrence rules that select dates, expanded with the `rrule` crate.

use chrono::{Datelike, NaiveDate};
use rrule::{Frequency, RRule, Tz, Unvalidated};

use crate::{Error, Problem, Result};

/// How far past its start a recurrence is expanded.
pub(crate) const EXPANSION_YEARS: i32 = 50;

/// The dates selected by `rule` (daily or coarser) from `start` (its `DTSTART`) up to and
/// including `until`, or [`EXPANSION_YEARS`] after `start`.
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
    let horizon = start
        .with_year(start.year() + EXPANSION_YEARS)
        .unwrap_or(start);
    let until = until.map_or(horizon, |u| u.min(horizon));
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
        .all(u16::MAX)
        .dates
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
    fn refuses_bad_and_sub_daily_rules() {
        for rule in ["FREQ=SOMETIMES", "FREQ=HOURLY", "", "BYDAY=MO"] {
            let err = expand_dates("t.rrule", rule, date(2026, 1, 1), None).unwrap_err();
            assert_eq!(err.code(), "invalid_input", "{rule}");
        }
    }
}
