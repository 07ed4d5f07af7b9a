//! Time helpers: minutes since the Unix epoch; "naive" minutes are wall-clock readings
//! counted as if they were UTC.

use chrono::{
    DateTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

/// Minutes in a civil day.
pub const DAY: i64 = 1440;

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
}

/// A date from year, month and day.
pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Days since 1970-01-01.
pub fn epoch_days(d: NaiveDate) -> i64 {
    (d - epoch()).num_days()
}

/// The wall-clock reading `d` + `minute_of_day` as naive minutes.
pub fn naive(d: NaiveDate, minute_of_day: i64) -> i64 {
    epoch_days(d) * DAY + minute_of_day
}

/// The date of a naive minute.
pub fn date_of(x: i64) -> NaiveDate {
    add_days(epoch(), x.div_euclid(DAY))
}

/// `d` plus `n` days.
pub fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    d.checked_add_signed(TimeDelta::days(n)).unwrap()
}

/// Minute of the day of a wall-clock time (the generators never use seconds).
pub fn tod(t: NaiveTime) -> i64 {
    i64::from(t.hour() * 60 + t.minute())
}

/// A time of day from minutes (`< 1440`).
pub fn hm(minutes: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).unwrap()
}

/// The UTC instant of a minute.
pub fn at(m: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(m * 60, 0).unwrap()
}

/// The minute of an instant that lies on a whole minute.
pub fn minute_of(t: DateTime<Utc>) -> i64 {
    assert_eq!(
        t.timestamp().rem_euclid(60),
        0,
        "{t} is not on a whole minute"
    );
    t.timestamp().div_euclid(60)
}

/// The local wall-clock reading (naive minutes) of UTC minute `m` in `tz`.
pub fn local_of(tz: Tz, m: i64) -> i64 {
    let off = tz
        .offset_from_utc_datetime(&at(m).naive_utc())
        .fix()
        .local_minus_utc();
    assert_eq!(off % 60, 0, "{tz} has a sub-minute offset at {}", at(m));
    m + i64::from(off / 60)
}

/// The naive date-time of naive minutes.
pub fn naive_datetime(x: i64) -> NaiveDateTime {
    at(x).naive_utc()
}

/// A time zone by name (generated zones only).
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap()
}
