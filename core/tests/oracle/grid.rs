//! The grid options and booking limits, brute force: a minute is a candidate start when it
//! is on the (shifted) grid, or next to a booking, busy time or closure, tried minute by
//! minute; a day, week or month is full when counting the doctor's reservations by their
//! local date says so.

use chrono::Datelike;
use chrono_tz::Tz;
use medsched::{
    Alignment, BookingLimitKind, BookingLimits, ConsultationMode, Id, Occupancy, SlotRequest,
    Status, Unavailable,
};

use super::decide::{CoverKey, Minute, Oracle, Scheduled};
use super::time::{DAY, date_of, local_of, minute_of};

/// The minutes where a stretch's grid starts again (`after`), and the starts that end flush
/// before something (`before`).
#[derive(Debug, Default)]
pub struct Edges {
    after: Vec<i64>,
    before: Vec<i64>,
}

impl Oracle<'_> {
    /// The edges of the stretch `key`, found minute by minute over the decided `minutes`
    /// (the first is minute `lo`).
    pub(super) fn edges(
        &self,
        request: &SlotRequest,
        occupancy: &Occupancy,
        (minutes, lo): (&[Minute], i64),
        key: &CoverKey,
    ) -> Edges {
        let hi = lo + minutes.len() as i64;
        let minute = |m: i64| &minutes[(m - lo) as usize];
        let ty = &request.appointment_type;
        let settings = self.settings_of(key);
        let b = i64::from(ty.buffer_before_minutes.max(settings.buffer_before_minutes));
        let a = i64::from(ty.buffer_after_minutes.max(settings.buffer_after_minutes));
        let dur = i64::from(ty.duration_minutes);
        let room = match ty.mode {
            ConsultationMode::InPerson => self.room_of(key),
            _ => None,
        };
        let now = minute_of(request.now);
        let mut edges = Edges::default();
        for r in &occupancy.reservations {
            let live = r.expires_at.is_none_or(|e| minute_of(e) > now);
            let in_room = r.mode == ConsultationMode::InPerson
                && room.is_some()
                && r.room_id.as_ref() == room.as_ref();
            if live && (r.doctor_id == self.cal.doctor_id || in_room) {
                let (bb, ba) = (
                    i64::from(r.buffer_before_minutes),
                    i64::from(r.buffer_after_minutes),
                );
                edges.after.push(minute_of(r.end) + ba + b);
                edges.before.push(minute_of(r.start) - bb - a - dur);
            }
        }
        for busy in &occupancy.busy {
            edges.after.push(minute_of(busy.end) + b);
            edges.before.push(minute_of(busy.start) - a - dur);
        }
        // A closure counts where the stretch goes on open after it, or was open before it.
        let here = |m: i64, status: Status| {
            (lo..hi).contains(&m)
                && minute(m).scheduled.as_ref().map(|s| &s.key) == Some(key)
                && minute(m).decision.status == status
        };
        for m in lo + 1..hi {
            if here(m - 1, Status::Closed) && here(m, Status::Open) {
                edges.after.push(m);
            }
            if here(m, Status::Closed) && here(m - 1, Status::Open) {
                edges.before.push(m - dur);
            }
        }
        edges
    }

    /// Whether minute `s` of the stretch `sched` is a candidate start.
    pub(super) fn on_grid(
        &self,
        request: &SlotRequest,
        sched: &Scheduled,
        (s, step, tz): (i64, i64, Tz),
        edges: &Edges,
    ) -> bool {
        let ty = &request.appointment_type;
        let offset = i64::from(ty.start_offset_minutes);
        if ty.fill_gaps && (edges.after.contains(&s) || edges.before.contains(&s)) {
            return true;
        }
        match ty.alignment {
            Alignment::Clock => {
                let reading = local_of(tz, s).rem_euclid(DAY);
                let on_clock = reading >= offset && (reading - offset) % step == 0;
                on_clock || (ty.restart_after_bookings && edges.after.contains(&s))
            }
            Alignment::SessionStart => {
                let mut origins = vec![sched.start + offset];
                if ty.restart_after_bookings {
                    origins.extend(edges.after.iter().filter(|&&t| t > sched.start));
                }
                origins
                    .into_iter()
                    .filter(|&o| o <= s)
                    .max()
                    .is_some_and(|o| (s - o) % step == 0)
            }
        }
    }

    /// The first booking limit a slot at minute `s` (in `tz`) of `dur` minutes reaches,
    /// counting the doctor's bookings and live holds by the local date of their start.
    pub(super) fn limit_reached(
        &self,
        request: &SlotRequest,
        occupancy: &Occupancy,
        (s, dur, tz): (i64, i64, Tz),
    ) -> Option<Unavailable> {
        let ty = &request.appointment_type;
        let now = minute_of(request.now);
        let day = date_of(local_of(tz, s));
        let mut scopes: Vec<(BookingLimits, Option<&Id>)> = vec![
            (self.cal.booking_limits, None),
            (ty.booking_limits, Some(&ty.id)),
        ];
        scopes.retain(|(l, _)| *l != BookingLimits::default());
        for (limits, of_type) in scopes {
            let mine: Vec<(chrono::NaiveDate, i64)> = occupancy
                .reservations
                .iter()
                .filter(|r| r.doctor_id == self.cal.doctor_id)
                .filter(|r| r.expires_at.is_none_or(|e| minute_of(e) > now))
                .filter(|r| of_type.is_none_or(|id| r.appointment_type_id.as_ref() == Some(id)))
                .map(|r| {
                    let start = minute_of(r.start);
                    (date_of(local_of(tz, start)), minute_of(r.end) - start)
                })
                .collect();
            let count = |same: &dyn Fn(&chrono::NaiveDate) -> bool| {
                mine.iter().filter(|(d, _)| same(d)).count() as u64
            };
            let checks = [
                (BookingLimitKind::PerDay, limits.per_day),
                (BookingLimitKind::PerWeek, limits.per_week),
                (BookingLimitKind::PerMonth, limits.per_month),
                (BookingLimitKind::MinutesPerDay, limits.minutes_per_day),
            ];
            for (limit, max) in checks {
                let Some(max) = max else { continue };
                let full = match limit {
                    BookingLimitKind::PerDay => count(&|d| *d == day) >= u64::from(max),
                    BookingLimitKind::PerWeek => {
                        count(&|d| d.iso_week() == day.iso_week()) >= u64::from(max)
                    }
                    BookingLimitKind::PerMonth => {
                        count(&|d| (d.year(), d.month()) == (day.year(), day.month()))
                            >= u64::from(max)
                    }
                    BookingLimitKind::MinutesPerDay => {
                        let used: i64 = mine.iter().filter(|(d, _)| *d == day).map(|x| x.1).sum();
                        used + dur > i64::from(max)
                    }
                };
                if full {
                    return Some(Unavailable::LimitReached {
                        limit,
                        appointment_type_id: of_type.cloned(),
                        maximum: max,
                    });
                }
            }
        }
        None
    }
}
