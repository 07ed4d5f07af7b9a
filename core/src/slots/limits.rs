//! Booking limits in slot generation: the doctor's bookings and live holds counted per local
//! day, ISO week and calendar month of the slot's location.

use std::cell::RefCell;

use chrono::{Datelike, Days, Months, NaiveDate};
use chrono_tz::Tz;

use super::load::Load;
use crate::availability::local_time::{local_date, wall_clock_instant};
use crate::{BookingLimitKind, BookingLimits, Id, Unavailable};

/// Reservation starts in order, with the running sum of their lengths (seconds).
#[derive(Debug, Default)]
struct Counted {
    starts: Vec<i64>,
    /// `seconds[i]`: the summed lengths of the first `i` reservations.
    seconds: Vec<i64>,
}

impl Counted {
    fn new(mut spans: Vec<(i64, i64)>) -> Counted {
        spans.sort_unstable();
        let mut seconds = Vec::with_capacity(spans.len() + 1);
        seconds.push(0);
        let mut total = 0;
        for (start, end) in &spans {
            total += (end - start).max(0);
            seconds.push(total);
        }
        Counted {
            starts: spans.into_iter().map(|(start, _)| start).collect(),
            seconds,
        }
    }

    /// How many reservations start in `[from, to)`, and their summed length.
    fn within(&self, (from, to): (i64, i64)) -> (u64, i64) {
        let a = self.starts.partition_point(|&s| s < from);
        let b = self.starts.partition_point(|&s| s < to);
        let count = u64::try_from(b.saturating_sub(a)).unwrap_or(u64::MAX);
        (count, self.seconds[b] - self.seconds[a])
    }
}

/// The instants a local day, its ISO week and its calendar month span, at one location.
#[derive(Debug, Clone, Copy)]
struct Periods {
    tz: Tz,
    day: (i64, i64),
    week: (i64, i64),
    month: (i64, i64),
}

impl Periods {
    fn of(tz: Tz, t: i64) -> Periods {
        let date = local_date(tz, t);
        let midnight = |d: Option<NaiveDate>| d.map_or(i64::MAX, |d| wall_clock_instant(tz, d, 0));
        let monday =
            date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())));
        let first = date.with_day(1);
        Periods {
            tz,
            day: (midnight(Some(date)), midnight(date.succ_opt())),
            week: (
                midnight(monday),
                midnight(monday.and_then(|m| m.checked_add_days(Days::new(7)))),
            ),
            month: (
                midnight(first),
                midnight(first.and_then(|f| f.checked_add_months(Months::new(1)))),
            ),
        }
    }

    fn holds(&self, tz: Tz, t: i64) -> bool {
        self.tz == tz && self.day.0 <= t && t < self.day.1
    }
}

/// One set of limits and the reservations it counts.
#[derive(Debug)]
struct Scope {
    limits: BookingLimits,
    /// The appointment type, for a type's limits.
    appointment_type_id: Option<Id>,
    counted: Counted,
}

impl Scope {
    /// The first limit a new booking of `length` seconds in `periods` would pass.
    fn reached(&self, periods: &Periods, length: i64) -> Option<Unavailable> {
        let day = self.counted.within(periods.day);
        self.limits.entries().into_iter().find_map(|(limit, max)| {
            let max = max?;
            let full = match limit {
                BookingLimitKind::PerDay => day.0 >= u64::from(max),
                BookingLimitKind::PerWeek => self.counted.within(periods.week).0 >= u64::from(max),
                BookingLimitKind::PerMonth => {
                    self.counted.within(periods.month).0 >= u64::from(max)
                }
                BookingLimitKind::MinutesPerDay => day.1 + length > i64::from(max) * 60,
            };
            full.then(|| Unavailable::LimitReached {
                limit,
                appointment_type_id: self.appointment_type_id.clone(),
                maximum: max,
            })
        })
    }
}

/// The booking limits of one slot call: the doctor's and the appointment type's, with the
/// reservations each counts (the doctor's bookings, and holds live at `now`).
#[derive(Debug)]
pub(crate) struct LimitCheck {
    scopes: Vec<Scope>,
    /// The periods of the last slot asked about (slots come in order, mostly on one day).
    last: RefCell<Option<Periods>>,
}

impl LimitCheck {
    /// The check, or `None` when neither the doctor nor the type sets a limit.
    pub(crate) fn new(
        load: &Load<'_>,
        doctor: BookingLimits,
        (type_id, of_type): (&Id, BookingLimits),
    ) -> Option<LimitCheck> {
        if doctor.is_empty() && of_type.is_empty() {
            return None;
        }
        let own: Vec<_> = load.own_reservations().collect();
        let spans = |of: Option<&Id>| {
            own.iter()
                .filter(|r| of.is_none_or(|id| r.appointment_type_id.as_ref() == Some(id)))
                .map(|r| (r.start.timestamp(), r.end.timestamp()))
                .collect()
        };
        let mut scopes = Vec::with_capacity(2);
        if !doctor.is_empty() {
            scopes.push(Scope {
                limits: doctor,
                appointment_type_id: None,
                counted: Counted::new(spans(None)),
            });
        }
        if !of_type.is_empty() {
            scopes.push(Scope {
                limits: of_type,
                appointment_type_id: Some(type_id.clone()),
                counted: Counted::new(spans(Some(type_id))),
            });
        }
        Some(LimitCheck {
            scopes,
            last: RefCell::new(None),
        })
    }

    /// The limit a booking `[start, end)` at a location in `tz` would pass, if any: the
    /// doctor's limits first, then the type's, each in the order of
    /// [`BookingLimits::entries`].
    pub(crate) fn reached(&self, tz: Tz, start: i64, end: i64) -> Option<Unavailable> {
        let mut last = self.last.borrow_mut();
        let periods = match *last {
            Some(p) if p.holds(tz, start) => p,
            _ => *last.insert(Periods::of(tz, start)),
        };
        self.scopes
            .iter()
            .find_map(|scope| scope.reached(&periods, end - start))
    }
}
