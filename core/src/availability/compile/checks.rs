//! Checks shared by every compilation step: field paths, years, instants, minutes, ids and
//! hours.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};

use crate::{BookingLimits, Error, Hours, Id, Problem, Result};

use super::model::*;

pub(super) fn at(list: &str, i: usize, field: &str) -> String {
    if field.is_empty() {
        format!("{list}[{i}]")
    } else {
        format!("{list}[{i}].{field}")
    }
}

pub(crate) fn check_date(field: impl FnOnce() -> String, date: NaiveDate) -> Result<()> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(())
    } else {
        Err(Error::invalid(field(), date, years_problem()))
    }
}

pub(crate) fn years_problem() -> Problem {
    Problem::OutOfRange(format!(
        "must fall in the years {FIRST_YEAR} to {LAST_YEAR}"
    ))
}

/// 1900-01-01T00:00:00Z and 2201-01-02T00:00:00Z, in seconds since the epoch: the instants
/// of the years 1900-2200 in every time zone.
const FIRST_INSTANT: i64 = -2_208_988_800;
const END_INSTANT: i64 = 7_289_740_800;

/// Seconds since the epoch of an instant inside the years medsched computes with.
/// Leap seconds are refused: a `:60` second is no instant of the UTC medsched computes in
/// (every day has 86,400 seconds), and other languages' clocks cannot hold it.
pub(crate) fn check_instant(field: impl FnOnce() -> String, t: DateTime<Utc>) -> Result<i64> {
    let secs = t.timestamp();
    if t.timestamp_subsec_nanos() >= 1_000_000_000 {
        Err(Error::invalid(
            field(),
            t.to_rfc3339(),
            leap_second_problem(),
        ))
    } else if (FIRST_INSTANT..END_INSTANT).contains(&secs) {
        Ok(secs)
    } else {
        Err(Error::invalid(field(), t.to_rfc3339(), years_problem()))
    }
}

pub(crate) fn leap_second_problem() -> Problem {
    Problem::OutOfRange("a leap second (second 60) is refused".into())
}

/// A time of day that is not a leap second (`23:59:60`): see [`check_instant`].
pub(crate) fn check_time(field: impl FnOnce() -> String, t: NaiveTime) -> Result<()> {
    if t.nanosecond() >= 1_000_000_000 {
        return Err(Error::invalid(field(), t, leap_second_problem()));
    }
    Ok(())
}

/// Minutes in a day: the longest slot, step or buffer.
pub(crate) const DAY_MINUTES: u32 = 24 * 60;

/// A count of minutes between `min` and `max`, in seconds.
pub(crate) fn check_minutes(
    field: impl FnOnce() -> String,
    value: u32,
    min: u32,
    max: u32,
) -> Result<i64> {
    if value < min {
        Err(Error::invalid(field(), value, Problem::NotPositive))
    } else if value > max {
        Err(Error::invalid(
            field(),
            value,
            Problem::OutOfRange(format!("at most {max} minutes")),
        ))
    } else {
        Ok(i64::from(value) * 60)
    }
}

/// Booking limits, each at least 1 when set.
pub(crate) fn check_booking_limits(path: &str, limits: BookingLimits) -> Result<BookingLimits> {
    for (kind, max) in limits.entries() {
        if max == Some(0) {
            return Err(Error::invalid(
                format!("{path}.{}", kind.field()),
                0,
                Problem::NotPositive,
            ));
        }
    }
    Ok(limits)
}

/// Seconds since the epoch, rounded up to a whole second.
pub(crate) fn seconds_up(t: DateTime<Utc>) -> i64 {
    t.timestamp() + i64::from(t.timestamp_subsec_nanos() > 0)
}

/// [`check_instant`] rounded up to the next whole second.
pub(crate) fn check_instant_up(field: impl FnOnce() -> String, t: DateTime<Utc>) -> Result<i64> {
    check_instant(field, t)?;
    Ok(seconds_up(t))
}

/// Seconds since the epoch of a `[start, end)` range of instants that occupies or closes
/// time, checked (both inside the years medsched computes with, `end` after `start`) and
/// widened to whole seconds. `field` names a field of the range.
pub(crate) fn check_span(
    field: impl Fn(&str) -> String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<(i64, i64)> {
    let s = check_instant(|| field("start"), start)?;
    let e = check_instant_up(|| field("end"), end)?;
    if e <= s {
        return Err(Error::invalid(
            field("end"),
            end.to_rfc3339(),
            Problem::EndNotAfterStart,
        ));
    }
    Ok((s, e))
}

pub(super) fn secs_of_day(t: NaiveTime) -> u32 {
    t.num_seconds_from_midnight()
}

pub(super) fn unique_ids<'a>(list: &str, ids: impl Iterator<Item = &'a Id>) -> Result<()> {
    let mut seen = HashSet::new();
    for (i, id) in ids.enumerate() {
        if !seen.insert(id) {
            return Err(Error::invalid(at(list, i, "id"), id, Problem::DuplicateId));
        }
    }
    Ok(())
}

/// Seconds in a day, the offset of a next-day end.
pub(crate) const DAY_SECS: u32 = 86_400;

/// The problem of hours whose end equals their start: no length, or 24 hours meant.
pub(crate) fn same_start_and_end(t: NaiveTime) -> Problem {
    Problem::OutOfRange(format!(
        "start and end are both {}: hours last less than 24 hours; an end at or before the \
         start is on the next day (20:00-08:00) and 00:00 is the midnight ending the day, so \
         write a whole day as 00:00-12:00 and 12:00-00:00",
        t.format("%H:%M")
    ))
}

/// The end of wall-clock hours as seconds from the start day's midnight: an end at or
/// before the start is on the next day (above [`DAY_SECS`]); an end equal to the start is
/// refused.
pub(super) fn end_secs(
    field: impl FnOnce() -> String,
    start: NaiveTime,
    end: NaiveTime,
) -> Result<u32> {
    let (s, e) = (secs_of_day(start), secs_of_day(end));
    if e == s {
        return Err(Error::invalid(field(), end, same_start_and_end(end)));
    }
    Ok(if e < s { e + DAY_SECS } else { e })
}

/// Checks hours lie after one another without overlap and turns them into seconds from the
/// day's midnight; an end at or before its start is on the next day.
pub(super) fn compile_hours(path: &str, hours: &[Hours]) -> Result<Vec<(u32, u32)>> {
    let mut out: Vec<(u32, u32, usize)> = Vec::with_capacity(hours.len());
    for (i, h) in hours.iter().enumerate() {
        check_time(|| at(path, i, "start"), h.start)?;
        check_time(|| at(path, i, "end"), h.end)?;
        let end = end_secs(|| at(path, i, "end"), h.start, h.end)?;
        out.push((secs_of_day(h.start), end, i));
    }
    out.sort_unstable();
    for pair in out.windows(2) {
        if pair[1].0 < pair[0].1 {
            return Err(Error::invalid(
                at(path, pair[1].2, "start"),
                hours[pair[1].2].start,
                Problem::Overlap(at(path, pair[0].2, "")),
            ));
        }
    }
    Ok(out.into_iter().map(|(s, e, _)| (s, e)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instant_bounds_are_the_first_and_past_the_last_year() {
        let first = DateTime::<Utc>::from_timestamp(FIRST_INSTANT, 0).unwrap();
        let end = DateTime::<Utc>::from_timestamp(END_INSTANT, 0).unwrap();
        assert_eq!(first.to_rfc3339(), "1900-01-01T00:00:00+00:00");
        assert_eq!(
            end.to_rfc3339(),
            format!("{}-01-02T00:00:00+00:00", LAST_YEAR + 1)
        );
        assert!(check_instant(String::new, end).is_err());
        assert!(check_instant(String::new, end - chrono::Duration::seconds(1)).is_ok());
    }
}
