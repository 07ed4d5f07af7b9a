//! Wall-clock rules to UTC instants, per location time zone: medsched's one DST policy.
//!
//! A local time `T` on local date `D` becomes **the first instant at which the wall clock shows
//! `D T` or later**:
//! - in a gap (spring forward) a time that never shows becomes the instant of the jump, so a
//!   session starting or ending inside the gap starts or ends when the clocks change;
//! - in a fold (fall back) a time that shows twice takes its first showing;
//! - a date that never happens (Pacific/Apia skipped 2011-12-30) maps every time to the same
//!   instant, so its sessions are empty.
//!
//! Instants are kept as whole seconds since the Unix epoch (`i64`).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::{GapInfo, Tz};

/// Seconds in a civil day.
pub(crate) const DAY: i64 = 86_400;

/// Days from 0001-01-01 (CE day 1) to 1970-01-01.
const UNIX_EPOCH_CE_DAY: i64 = 719_163;

/// Days since 1970-01-01 of a date.
pub(crate) fn epoch_day(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - UNIX_EPOCH_CE_DAY
}

/// The date `days` days after 1970-01-01. Callers keep dates inside the validated range
/// (1900–2200), where this always exists.
pub(crate) fn date_of_epoch_day(days: i64) -> NaiveDate {
    i32::try_from(days + UNIX_EPOCH_CE_DAY)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .unwrap_or_default()
}

/// The wall-clock reading `date` + `secs_of_day`, counted as if it were UTC.
fn naive_secs(date: NaiveDate, secs_of_day: u32) -> i64 {
    epoch_day(date) * DAY + i64::from(secs_of_day)
}

fn naive_datetime(secs: i64) -> NaiveDateTime {
    DateTime::from_timestamp(secs, 0)
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

/// The UTC offset, in seconds, of `tz` at instant `t`.
pub(crate) fn offset_at(tz: Tz, t: i64) -> i64 {
    i64::from(
        tz.offset_from_utc_datetime(&naive_datetime(t))
            .fix()
            .local_minus_utc(),
    )
}

/// The local date of instant `t` in `tz`.
pub(crate) fn local_date(tz: Tz, t: i64) -> NaiveDate {
    date_of_epoch_day((t + offset_at(tz, t)).div_euclid(DAY))
}

/// The first instant at which the wall clock in `tz` shows `date` at `secs_of_day` or later.
/// `secs_of_day` may be 86 400 (midnight ending the day) or more (a time of the next day).
pub(crate) fn wall_clock_instant(tz: Tz, date: NaiveDate, secs_of_day: u32) -> i64 {
    let naive = naive_secs(date, secs_of_day);
    match tz.offset_from_local_datetime(&naive_datetime(naive)) {
        LocalResult::Single(o) => naive - i64::from(o.fix().local_minus_utc()),
        LocalResult::Ambiguous(a, b) => {
            let a = naive - i64::from(a.fix().local_minus_utc());
            let b = naive - i64::from(b.fix().local_minus_utc());
            a.min(b)
        }
        LocalResult::None => end_of_gap(tz, naive),
    }
}

/// The instant the clocks jump over the wall-clock reading `naive`, which never shows: the
/// first instant after the gap, as the zone's own data (chrono-tz's `GapInfo`) gives it.
fn end_of_gap(tz: Tz, naive: i64) -> i64 {
    GapInfo::new(&naive_datetime(naive), &tz)
        .and_then(|gap| gap.end)
        .map_or_else(|| naive - offset_at(tz, naive - DAY), |end| end.timestamp())
}

/// One local date at a location, able to turn its wall-clock times into instants.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalDay {
    pub(crate) date: NaiveDate,
    naive_midnight: i64,
    /// The UTC offset of the whole day when no transition happens on it.
    fixed_offset: Option<i64>,
}

impl LocalDay {
    /// The UTC offset of the whole day, when no DST change falls on it.
    pub(crate) fn fixed_offset(&self) -> Option<i64> {
        self.fixed_offset
    }

    /// The instant for `secs_of_day` on this day (see the module docs); past 86 400 it is a
    /// time of the next day, whose offset may differ.
    pub(crate) fn instant(&self, tz: Tz, secs_of_day: u32) -> i64 {
        match self.fixed_offset {
            Some(offset) if i64::from(secs_of_day) <= DAY => {
                self.naive_midnight + i64::from(secs_of_day) - offset
            }
            _ => wall_clock_instant(tz, self.date, secs_of_day),
        }
    }
}

fn single_offset(tz: Tz, date: NaiveDate) -> Option<i64> {
    match tz.offset_from_local_datetime(&naive_datetime(naive_secs(date, 0))) {
        LocalResult::Single(o) => Some(i64::from(o.fix().local_minus_utc())),
        _ => None,
    }
}

/// The local days from `first` to `last` inclusive. Days whose two midnights share one
/// offset convert by arithmetic; the others (DST days) by the zone's rules.
pub(crate) fn local_days(tz: Tz, first: NaiveDate, last: NaiveDate) -> Vec<LocalDay> {
    let (first_day, last_day) = (epoch_day(first), epoch_day(last));
    let mut days = Vec::with_capacity(usize::try_from(last_day - first_day + 1).unwrap_or(0));
    let mut offset = single_offset(tz, first);
    let mut date = first;
    for day in first_day..=last_day {
        let next_date = date.succ_opt().unwrap_or(date);
        let next = single_offset(tz, next_date);
        days.push(LocalDay {
            date,
            naive_midnight: day * DAY,
            fixed_offset: offset.filter(|o| Some(*o) == next),
        });
        (date, offset) = (next_date, next);
    }
    days
}

/// The first year whose local days a [`ZoneYears`] keeps: the year before the first one
/// medsched computes with, whose last day a window of its first instant can touch.
const KEPT_FROM: i32 = 1899;
/// How many years a [`ZoneYears`] keeps: 1899 to 2201 (a window ending on medsched's last
/// instant touches the day after it).
const KEPT_YEARS: usize = 303;

/// The local days of one time zone, converted a calendar year at a time when first asked
/// for and kept: every doctor of a clinic and every call asks its zones for the same days.
/// Kept in the compiled clinic, which all its doctors share; years outside 1899–2201 are
/// converted on each call.
pub(crate) struct ZoneYears {
    tz: Tz,
    years: Box<[OnceLock<Box<[LocalDay]>>]>,
}

impl ZoneYears {
    /// An empty table for `tz`: no year is converted until asked for.
    pub(crate) fn new(tz: Tz) -> ZoneYears {
        ZoneYears {
            tz,
            years: (0..KEPT_YEARS).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The zone.
    pub(crate) fn tz(&self) -> Tz {
        self.tz
    }

    /// Every local day of `year`, converted on the first call.
    fn year(&self, year: i32) -> Option<&[LocalDay]> {
        let kept = self.years.get(usize::try_from(year - KEPT_FROM).ok()?)?;
        Some(kept.get_or_init(|| {
            let first = NaiveDate::from_yo_opt(year, 1).unwrap_or_default();
            let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
            local_days(self.tz, first, last).into()
        }))
    }

    /// The local days from `first` to `last` inclusive: [`local_days`], read from the kept
    /// years.
    pub(crate) fn days(&self, first: NaiveDate, last: NaiveDate) -> Vec<LocalDay> {
        if first > last {
            return Vec::new();
        }
        let mut days = Vec::with_capacity(
            usize::try_from(epoch_day(last) - epoch_day(first) + 1).unwrap_or(0),
        );
        for year in first.year()..=last.year() {
            let from = if year == first.year() {
                first
            } else {
                NaiveDate::from_yo_opt(year, 1).unwrap_or(first)
            };
            let to = if year == last.year() {
                last
            } else {
                NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(last)
            };
            match self.year(year) {
                Some(kept) => {
                    days.extend_from_slice(
                        &kept[from.ordinal0() as usize..=to.ordinal0() as usize],
                    );
                }
                None => days.extend(local_days(self.tz, from, to)),
            }
        }
        days
    }
}

/// The local days a window touches, per time zone: read once and shared by every doctor
/// of a search whose locations share a zone.
#[derive(Default)]
pub(crate) struct ZoneDays(RefCell<Vec<ZoneWindow>>);

struct ZoneWindow {
    tz: Tz,
    window: (i64, i64),
    days: Rc<[LocalDay]>,
}

impl ZoneDays {
    /// The local days of `[start, end)` in `tz`, from the local date of `start` to the day
    /// after the local date of the last instant (a fall-back can show a date after the next
    /// one has begun; a session of an earlier date has ended once `start`'s date shows).
    pub(crate) fn get(&self, zone: &ZoneYears, start: i64, end: i64) -> Rc<[LocalDay]> {
        let tz = zone.tz();
        let mut zones = self.0.borrow_mut();
        let at = zones.iter().position(|z| z.tz == tz);
        if let Some(z) = at.map(|i| &zones[i])
            && z.window == (start, end)
        {
            return z.days.clone();
        }
        let first = local_date(tz, start);
        let last = local_date(tz, end - 1).succ_opt().unwrap_or(first);
        let days: Rc<[LocalDay]> = zone.days(first, last).into();
        let entry = ZoneWindow {
            tz,
            window: (start, end),
            days: days.clone(),
        };
        // One window per zone: a search moves its window forward and never back.
        match at {
            Some(i) => zones[i] = entry,
            None => zones.push(entry),
        }
        days
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_time_in_the_spring_gap_becomes_the_jump() {
        let ny = chrono_tz::America::New_York;
        // 2024-03-10 02:30 never shows in New York: clocks go 01:59:59 EST -> 03:00 EDT.
        assert_eq!(
            wall_clock_instant(ny, date(2024, 3, 10), 2 * 3600 + 1800),
            utc("2024-03-10T07:00:00Z")
        );
        assert_eq!(
            wall_clock_instant(ny, date(2024, 3, 10), 3 * 3600),
            utc("2024-03-10T07:00:00Z")
        );
    }

    #[test]
    fn a_time_in_the_autumn_fold_takes_its_first_showing() {
        let ny = chrono_tz::America::New_York;
        assert_eq!(
            wall_clock_instant(ny, date(2024, 11, 3), 3600 + 1800),
            utc("2024-11-03T05:30:00Z")
        );
    }

    #[test]
    fn a_skipped_date_collapses_to_one_instant() {
        let apia = chrono_tz::Pacific::Apia;
        let nine = wall_clock_instant(apia, date(2011, 12, 30), 9 * 3600);
        let five = wall_clock_instant(apia, date(2011, 12, 30), 17 * 3600);
        assert_eq!(nine, five);
        assert_eq!(nine, utc("2011-12-30T10:00:00Z"));
    }

    #[test]
    fn fixed_offset_days_match_the_zone_rules() {
        for tz in [
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Europe::London,
            chrono_tz::Asia::Kathmandu,
        ] {
            for day in local_days(tz, date(2024, 1, 1), date(2024, 12, 31)) {
                for tod in [0, 3600 * 2 + 900, 3600 * 9, DAY as u32] {
                    assert_eq!(
                        day.instant(tz, tod),
                        wall_clock_instant(tz, day.date, tod),
                        "{tz} {} {tod}",
                        day.date
                    );
                }
            }
        }
    }

    #[test]
    fn local_date_reads_the_zone() {
        let kolkata = chrono_tz::Asia::Kolkata;
        assert_eq!(
            local_date(kolkata, utc("2024-01-25T18:30:00Z")),
            date(2024, 1, 26)
        );
        assert_eq!(
            local_date(kolkata, utc("2024-01-25T18:29:59Z")),
            date(2024, 1, 25)
        );
    }
    #[test]
    fn kept_years_give_the_days_a_conversion_gives() {
        for tz in [
            chrono_tz::America::New_York,
            chrono_tz::Australia::Lord_Howe,
        ] {
            let zone = ZoneYears::new(tz);
            for (first, last) in [
                (date(2024, 3, 1), date(2024, 3, 31)),
                // Across a new year, and twice (the second read from the kept years).
                (date(2024, 12, 20), date(2025, 1, 10)),
                (date(2024, 12, 20), date(2025, 1, 10)),
                (date(2023, 12, 31), date(2026, 1, 1)),
                // Outside the kept years: converted on the call.
                (date(2201, 12, 30), date(2202, 1, 2)),
                (date(2024, 5, 2), date(2024, 5, 1)),
            ] {
                let kept = zone.days(first, last);
                let converted = local_days(tz, first, last);
                assert_eq!(kept.len(), converted.len(), "{tz} {first}..{last}");
                for (k, c) in kept.iter().zip(&converted) {
                    assert_eq!(
                        (k.date, k.naive_midnight, k.fixed_offset),
                        (c.date, c.naive_midnight, c.fixed_offset)
                    );
                }
            }
        }
    }
}
