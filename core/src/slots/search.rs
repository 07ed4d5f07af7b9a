//! The first available slots across many doctors, stopping early.

use super::compact::SlotSet;
use super::generate::{Generation, may_find};
use super::load::{Load, check_now};
use super::params::TypeParams;
use super::prepared::PreparedOccupancy;
use crate::availability::local_time::DAY;
use crate::availability::{ZoneDays, check_range};
use crate::{Availability, Error, Occupancy, Problem, Result, Slot, SlotRequest, SlotSeries};

/// The most slots one [`first_available`] call returns.
pub const MAX_SEARCH_COUNT: u32 = 10_000;

/// The `count` earliest bookable slots of `request` across `doctors`, by start (ties in the
/// order the doctors are given): the call behind "first available doctor" in a patient
/// search.
///
/// It searches windows of 1, 2, 4, … days from `request.start` and stops at the first window
/// that fills `count`; within a window each doctor stops once it cannot beat the slots
/// already found.
///
/// Each doctor's candidates (bookable or not) are bounded over the whole call by its rules'
/// [`Limits::max_slots`](crate::Limits::max_slots), as one [`Availability::slots`] call is: a
/// doctor who reaches it is searched no further, and the call returns the earliest of the
/// slots it considered (fewer than `count` when every doctor stopped). Its work is therefore
/// at most `max_slots` candidates per doctor, whatever the range. To tell "no more slots"
/// from "stopped looking", call [`first_available_series`]: its `truncated` says a doctor
/// reached that bound.
///
/// # Errors
///
/// [`Error::InvalidInput`] for a `count` of zero or above [`MAX_SEARCH_COUNT`], a bad
/// request, or a bad reservation or busy time that the search examines (its field is prefixed
/// with the doctor's position, e.g. `doctors[3].reservations[0].end`). A doctor's occupancy
/// is checked and indexed only when the search reaches the doctor, and then only what can
/// touch the days it looks at (from three days before the window to three days after): a
/// search that fills `count` on its first day never reads the rest. A doctor whose hours by
/// weekday open nothing in a window (nothing before the last of the `count` slots found so
/// far, once there are that many; from the day before the window when the type restarts its
/// grid after bookings) is passed over in it without reading their occupancy at all.
/// [`first_available_prepared`] takes occupancies prepared once instead.
///
/// # Example
///
/// ```
/// use medsched::{booking::*, store::*, tokens::*, wait::*, *};
/// use chrono::{DateTime, Utc, Weekday};
///
/// let clinic = ClinicRules::new(&Clinic {
///     locations: vec![Location::new("main", "Main", "Asia/Kolkata")],
///     holidays: vec![],
/// })?;
/// let doctor = |id: &str, day: Weekday| {
///     let mut calendar = DoctorCalendar::new(id);
///     calendar.templates.push(WeeklyTemplate {
///         weekdays: vec![day],
///         sessions: vec![Session::new("10:00", "12:00").unwrap()],
///         ..WeeklyTemplate::new("opd", "main")
///     });
///     Availability::new(&clinic, &calendar)
/// };
/// let (wed, thu) = (doctor("dr-wed", Weekday::Wed)?, doctor("dr-thu", Weekday::Thu)?);
/// let none = Occupancy::default();
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let request = SlotRequest {
///     appointment_type: AppointmentType::new("consult", 15),
///     start: t("2026-03-04T00:00:00Z"), // a Wednesday
///     end: t("2026-03-18T00:00:00Z"),
///     now: t("2026-03-01T00:00:00Z"),
/// };
/// let first = first_available([(&thu, &none), (&wed, &none)], &request, 3)?;
/// assert!(first.iter().all(|s| s.place.doctor_id.as_str() == "dr-wed"));
/// assert_eq!(first[0].local_start.to_string(), "2026-03-04 10:00:00");
/// # Ok::<(), medsched::Error>(())
/// ```
pub fn first_available<'a>(
    doctors: impl IntoIterator<Item = (&'a Availability, &'a Occupancy)>,
    request: &SlotRequest,
    count: u32,
) -> Result<Vec<Slot>> {
    first_available_series(doctors, request, count).map(|found| found.slots)
}

/// [`first_available`], saying whether the search stopped looking: the slots found, and
/// `truncated` when a doctor reached its work bound ([`Limits::max_slots`](crate::Limits::max_slots)
/// candidates) before the search ended, so that slots of that doctor after the last one it
/// considered may be missing (fewer than `count` slots, or later ones than that doctor had).
/// Without `truncated`, fewer than `count` slots means there are no more in the range.
/// `unavailable` is always empty.
///
/// # Errors
///
/// As [`first_available`].
///
/// # Example
///
/// ```
/// use medsched::*;
/// use chrono::{DateTime, Utc, Weekday};
///
/// let tight = Limits { max_slots: 4, ..Limits::DEFAULT };
/// let clinic = ClinicRules::with_limits(
///     &Clinic { locations: vec![Location::new("main", "Main", "UTC")], holidays: vec![] },
///     &tight,
/// )?;
/// let mut calendar = DoctorCalendar::new("dr-mon");
/// calendar.templates.push(WeeklyTemplate {
///     weekdays: vec![Weekday::Mon],
///     sessions: vec![Session::new("10:00", "12:00")?],
///     ..WeeklyTemplate::new("opd", "main")
/// });
/// let monday = Availability::new(&clinic, &calendar)?;
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let request = SlotRequest {
///     appointment_type: AppointmentType::new("consult", 15),
///     start: t("2026-03-02T00:00:00Z"),
///     end: t("2026-03-09T00:00:00Z"),
///     now: t("2026-03-01T00:00:00Z"),
/// };
/// let none = Occupancy::default();
/// // Eight slots on Monday, but the search looks at four candidates only.
/// let found = first_available_series([(&monday, &none)], &request, 6)?;
/// assert_eq!((found.slots.len(), found.truncated), (4, true));
/// // With room to look, three slots are all there is: not truncated.
/// let short = SlotRequest { end: t("2026-03-02T10:45:00Z"), ..request };
/// let found = first_available_series([(&monday, &none)], &short, 6)?;
/// assert_eq!((found.slots.len(), found.truncated), (3, false));
/// # Ok::<(), medsched::Error>(())
/// ```
pub fn first_available_series<'a>(
    doctors: impl IntoIterator<Item = (&'a Availability, &'a Occupancy)>,
    request: &SlotRequest,
    count: u32,
) -> Result<SlotSeries> {
    let doctors = doctors.into_iter().map(|(a, o)| (a, Source::Given(o)));
    search(doctors.collect(), request, count)
}

/// The first slots across doctors as [`first_available`] does, each doctor's occupancy
/// prepared once ([`PreparedOccupancy`]; doctors may share one): nothing is checked or sorted
/// during the search, so its work is the slots it examines.
///
/// # Errors
///
/// [`Error::InvalidInput`] for a `count` of zero or above [`MAX_SEARCH_COUNT`], or a bad
/// request.
///
/// # Example
///
/// ```
/// use medsched::*;
/// use chrono::{DateTime, Utc, Weekday};
///
/// let clinic = ClinicRules::new(&Clinic {
///     locations: vec![Location::new("main", "Main", "UTC")],
///     holidays: vec![],
/// })?;
/// let mut calendar = DoctorCalendar::new("dr-mon");
/// calendar.templates.push(WeeklyTemplate {
///     weekdays: vec![Weekday::Mon],
///     sessions: vec![Session::new("10:00", "11:00")?],
///     ..WeeklyTemplate::new("opd", "main")
/// });
/// let monday = Availability::new(&clinic, &calendar)?;
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let booked = Reservation::new("a1", "dr-mon", t("2026-03-02T10:00:00Z"), t("2026-03-02T10:15:00Z"));
/// let taken = PreparedOccupancy::new(Occupancy { reservations: vec![booked], busy: vec![] })?;
/// let request = SlotRequest {
///     appointment_type: AppointmentType::new("consult", 15),
///     start: t("2026-03-02T00:00:00Z"),
///     end: t("2026-03-09T00:00:00Z"),
///     now: t("2026-03-01T00:00:00Z"),
/// };
/// let first = first_available_prepared([(&monday, &taken)], &request, 2)?;
/// assert_eq!(first[0].start, t("2026-03-02T10:15:00Z"));
/// # Ok::<(), medsched::Error>(())
/// ```
pub fn first_available_prepared<'a>(
    doctors: impl IntoIterator<Item = (&'a Availability, &'a PreparedOccupancy)>,
    request: &SlotRequest,
    count: u32,
) -> Result<Vec<Slot>> {
    first_available_prepared_series(doctors, request, count).map(|found| found.slots)
}

/// [`first_available_prepared`], saying whether the search stopped looking, as
/// [`first_available_series`] does.
///
/// # Errors
///
/// As [`first_available_prepared`].
pub fn first_available_prepared_series<'a>(
    doctors: impl IntoIterator<Item = (&'a Availability, &'a PreparedOccupancy)>,
    request: &SlotRequest,
    count: u32,
) -> Result<SlotSeries> {
    let doctors = doctors.into_iter().map(|(a, o)| (a, Source::Prepared(o)));
    search(doctors.collect(), request, count)
}

/// A doctor's occupancy in a search: as given (checked and indexed window by window), or
/// prepared.
#[derive(Clone, Copy)]
enum Source<'a> {
    Given(&'a Occupancy),
    Prepared(&'a PreparedOccupancy),
}

fn search(
    doctors: Vec<(&Availability, Source<'_>)>,
    request: &SlotRequest,
    count: u32,
) -> Result<SlotSeries> {
    if count == 0 {
        return Err(Error::invalid("count", 0, Problem::NotPositive));
    }
    if count > MAX_SEARCH_COUNT {
        return Err(Error::invalid(
            "count",
            count,
            Problem::OutOfRange(format!("a search returns at most {MAX_SEARCH_COUNT} slots")),
        ));
    }
    let count = count as usize;
    let params = TypeParams::new(&request.appointment_type)?;
    let (start, end) = check_range(request.start, request.end)?;
    let now = check_now(request.now)?;

    // Found slots keyed by (start, doctor position); sorted and cut back to `count` whenever
    // they reach twice that, so the search stays O(n log count).
    let mut best: Vec<(i64, usize, Slot)> = Vec::new();
    let keep_best = |best: &mut Vec<(i64, usize, Slot)>| {
        best.sort_unstable_by_key(|b| (b.0, b.1));
        best.truncate(count);
    };
    // Once `count` slots are found, a later doctor must start strictly before the last of them.
    let mut cutoff: Option<i64> = None;
    // Candidates each doctor may still consider in this call (`Limits::max_slots`).
    let mut budgets: Vec<usize> = doctors
        .iter()
        .map(|(availability, _)| availability.clinic.limits.max_slots as usize)
        .collect();
    // A prepared occupancy's doctors are checked against the roster once, up front.
    for (d, (availability, source)) in doctors.iter().enumerate() {
        if let Source::Prepared(prepared) = source {
            prepared
                .check_roster(&availability.clinic)
                .map_err(|e| e.within(&format!("doctors[{d}]")))?;
        }
    }
    let mut found = SlotSet::default();
    // Whether a doctor reached its budget: slots of its after the last it considered may be
    // missing.
    let mut truncated = false;
    let (mut from, mut width) = (start, DAY);
    while from < end {
        let to = end.min(from.saturating_add(width));
        let zone_days = ZoneDays::default();
        for (d, &(availability, source)) in doctors.iter().enumerate() {
            let until = cutoff.map_or(to, |c| c.min(to));
            if until <= from {
                break;
            }
            if budgets[d] == 0 || !may_find(availability, &params, (from, until), &zone_days) {
                // Out of candidates, or no rule of the doctor's schedules time beginning in
                // the window before the cutoff (read from the hours by weekday).
                continue;
            }
            let doctor = availability.doctor_id();
            let load = match source {
                Source::Prepared(prepared) => Load::new(
                    (prepared, &prepared.occupancy().reservations),
                    doctor,
                    params.mode,
                    request.now,
                ),
                Source::Given(occupancy) => {
                    let (reservations, busy) = PreparedOccupancy::near(
                        occupancy,
                        doctor,
                        from,
                        until,
                        &availability.clinic,
                    )
                    .map_err(|e| e.within(&format!("doctors[{d}]")))?;
                    let (reservations, busy) = (reservations.into_iter(), busy.into_iter());
                    let all = &occupancy.reservations;
                    Load::given(all, reservations, busy, doctor, params.mode, request.now)
                }
            };
            found.clear();
            let generation = Generation::new(
                availability,
                &params,
                &load,
                now,
                (false, count, budgets[d]),
                &zone_days,
            );
            generation.run(from, until, &mut found);
            budgets[d] = generation.candidates_left();
            // Stopped by its budget, not by having found `count` in this window.
            truncated |= found.truncated() && found.len() < count;
            best.extend(found.iter().map(|slot| (slot.start.timestamp(), d, slot)));
            if best.len() >= 2 * count || (cutoff.is_none() && best.len() >= count) {
                keep_best(&mut best);
                cutoff = Some(best[count - 1].0);
            }
        }
        keep_best(&mut best);
        if best.len() == count || budgets.iter().all(|&left| left == 0) {
            break;
        }
        from = to;
        width = width.saturating_mul(2);
    }
    Ok(SlotSeries {
        slots: best.into_iter().map(|(_, _, slot)| slot).collect(),
        unavailable: Vec::new(),
        truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AppointmentType, Clinic, ClinicRules, DoctorCalendar, Limits, Location};
    use crate::{Session, WeeklyTemplate};
    use chrono::{DateTime, Utc, Weekday};

    /// Dr `id`, 09:00-12:00 every Monday, with the clinic's `max_slots`.
    fn doctor(id: &str, max_slots: u32) -> Availability {
        let clinic = Clinic {
            locations: vec![Location::new("main", "Main", "UTC")],
            holidays: vec![],
        };
        let limits = Limits {
            max_slots,
            ..Limits::DEFAULT
        };
        let rules = ClinicRules::with_limits(&clinic, &limits).unwrap();
        let mut calendar = DoctorCalendar::new(id);
        calendar.templates.push(WeeklyTemplate {
            weekdays: vec![Weekday::Mon],
            sessions: vec![Session::new("09:00", "12:00").unwrap()],
            ..WeeklyTemplate::new("opd", "main")
        });
        Availability::new(&rules, &calendar).unwrap()
    }

    fn request() -> SlotRequest {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        SlotRequest {
            appointment_type: AppointmentType::new("consult", 15),
            start: t("2026-03-02T00:00:00Z"), // a Monday
            end: t("2026-06-01T00:00:00Z"),
            now: t("2026-03-01T00:00:00Z"),
        }
    }

    #[test]
    fn each_doctor_considers_at_most_its_max_slots_candidates() {
        let none = Occupancy::default();
        // 12 slots a Monday: 13 weeks hold 156.
        let roomy = doctor("dr-roomy", Limits::DEFAULT.max_slots);
        assert_eq!(
            first_available([(&roomy, &none)], &request(), 100)
                .unwrap()
                .len(),
            100
        );
        let tight = doctor("dr-tight", 30);
        let found = first_available([(&tight, &none)], &request(), 100).unwrap();
        assert_eq!(found.len(), 30, "30 candidates, all bookable");
        // Mondays 2, 9 and 16 March: 12, 12 and the first 6 of the 16th.
        assert_eq!(found[29].start.to_rfc3339(), "2026-03-16T10:15:00+00:00");
        // The other doctor's own limit lets the search go on.
        let both = first_available([(&tight, &none), (&roomy, &none)], &request(), 100).unwrap();
        assert_eq!(both.len(), 100);
        let tight_ones = both
            .iter()
            .filter(|s| s.place.doctor_id.as_str() == "dr-tight");
        assert!(tight_ones.count() <= 30);
    }
}
