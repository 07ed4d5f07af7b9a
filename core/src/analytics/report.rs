//! The report: plain records summed from the aggregates over a range of local dates.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    Id,
    analytics::fold::{Bin, DoctorDay, ESTIMATE_BINS, LEAD_BUCKETS, State},
    analytics::local::weekday_index,
};

/// The analytics of a range of local dates, as plain records (every table is also CSV:
/// [`Report::csv`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The first local date covered.
    pub first: NaiveDate,
    /// The last local date covered (inclusive).
    pub last: NaiveDate,
    /// The feed position folded up to.
    pub position: u64,
    /// Booked ÷ offered minutes: overall (`all`), then by doctor, location, room, hour of
    /// day and weekday.
    pub utilisation: Vec<UtilisationRow>,
    /// Per doctor: appointment outcomes and rates, lead time, tokens, consults and waits.
    pub doctors: Vec<DoctorRow>,
    /// Per local hour of day (all 24): appointments starting, tokens issued.
    pub hours: Vec<HourRow>,
    /// The busiest hours (appointments starting plus tokens issued), busiest first, at most
    /// three, none without activity.
    pub peak_hours: Vec<u32>,
    /// New bookings by lead time (booking to slot start).
    pub lead_times: Vec<LeadTimeRow>,
    /// Tokens issued by kind (all four kinds).
    pub token_kinds: Vec<TokenKindRow>,
    /// Wait estimates shown against the waits that followed, per doctor and estimate bin.
    pub calibration: Vec<CalibrationRow>,
    /// Searches against bookings patients made themselves.
    pub conversion: Vec<ConversionRow>,
}

/// Booked against offered minutes for one key of one dimension.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UtilisationRow {
    /// `all`, `doctor`, `location`, `room`, `hour` or `weekday`.
    pub dimension: String,
    /// The doctor, location or room id; the hour `00` to `23`; the weekday `mon` to `sun`;
    /// empty for `all`.
    pub key: String,
    /// Open minutes the host offered ([`Analytics::offer`](super::Analytics::offer)).
    pub offered_minutes: f64,
    /// Minutes of appointments that occupy their slot (not cancelled, declined or moved).
    pub booked_minutes: f64,
    /// Booked ÷ offered (`None` when nothing was offered; above 1 when booked beyond hours).
    pub utilisation: Option<f64>,
}

/// One doctor's outcomes over the range. Rates are `None` when their denominator is 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DoctorRow {
    /// The doctor.
    pub doctor_id: Id,
    /// New appointments (moves not counted), by slot date.
    pub booked: u64,
    /// Cancelled appointments.
    pub cancelled: u64,
    /// Declined appointments.
    pub declined: u64,
    /// Completed appointments.
    pub completed: u64,
    /// Appointments marked no-show.
    pub no_show: u64,
    /// Cancelled ÷ booked.
    pub cancellation_rate: Option<f64>,
    /// No-show ÷ (completed + no-show).
    pub no_show_rate: Option<f64>,
    /// Mean hours from booking to slot start.
    pub mean_lead_hours: Option<f64>,
    /// Tokens issued.
    pub tokens: u64,
    /// Tokens marked late.
    pub late: u64,
    /// Tokens skipped (not there when called).
    pub skipped: u64,
    /// Late ÷ tokens.
    pub late_rate: Option<f64>,
    /// Consultations timed (started and completed).
    pub consults: u64,
    /// Their mean duration, minutes.
    pub mean_consult_minutes: Option<f64>,
    /// Waits timed (arrival, or the appointment's time if later, to consultation start).
    pub waits: u64,
    /// Their mean, minutes.
    pub mean_wait_minutes: Option<f64>,
    /// Wait estimates compared with the wait that followed.
    pub estimates: u64,
    /// Their mean, minutes.
    pub mean_estimated_minutes: Option<f64>,
    /// The mean wait that followed them, minutes.
    pub mean_actual_minutes: Option<f64>,
}

/// One local hour of the day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HourRow {
    /// 0 to 23.
    pub hour: u32,
    /// New appointments starting in that hour.
    pub appointments: u64,
    /// Tokens issued in that hour.
    pub tokens: u64,
}

/// New bookings whose lead time falls in one bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LeadTimeRow {
    /// `<1h`, `1h-1d`, `1d-3d`, `3d-7d`, `7d-30d` or `30d+`.
    pub bucket: String,
    /// How many.
    pub bookings: u64,
}

/// Tokens issued of one kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenKindRow {
    /// `booked`, `walk_in`, `phone` or `emergency`.
    pub kind: String,
    /// How many.
    pub tokens: u64,
}

/// One doctor's wait estimates in one bin of estimated minutes, against what followed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CalibrationRow {
    /// The doctor.
    pub doctor_id: Id,
    /// The bin's lower edge, minutes.
    pub from_minutes: f64,
    /// Its upper edge, minutes (`None` for the last, open bin).
    pub to_minutes: Option<f64>,
    /// Estimates in the bin.
    pub estimates: u64,
    /// Their mean, minutes.
    pub mean_estimated_minutes: f64,
    /// The mean wait that followed, minutes.
    pub mean_actual_minutes: f64,
}

/// Searches against patients' own bookings on one local date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConversionRow {
    /// The date (local), or `None` for the row of the whole range (last).
    pub date: Option<NaiveDate>,
    /// Searches recorded.
    pub searches: u64,
    /// New bookings patients made themselves that day.
    pub bookings: u64,
    /// Bookings ÷ searches.
    pub rate: Option<f64>,
}

/// Rounds to 4 decimals, so every binding prints the same digits.
fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| round(num / den))
}

fn minutes(seconds: i64) -> f64 {
    round(seconds as f64 / 60.0)
}

pub(crate) const LEAD_NAMES: [&str; LEAD_BUCKETS.len() + 1] =
    ["<1h", "1h-1d", "1d-3d", "3d-7d", "7d-30d", "30d+"];
pub(crate) const KIND_NAMES: [&str; 4] = ["booked", "walk_in", "phone", "emergency"];
pub(crate) const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn add_day(total: &mut DoctorDay, day: &DoctorDay) {
    total.booked += day.booked;
    total.cancelled += day.cancelled;
    total.declined += day.declined;
    total.completed += day.completed;
    total.no_show += day.no_show;
    total.lead_seconds += day.lead_seconds;
    total.tokens_late += day.tokens_late;
    total.tokens_skipped += day.tokens_skipped;
    total.consults += day.consults;
    total.consult_seconds += day.consult_seconds;
    total.waits += day.waits;
    total.wait_seconds += day.wait_seconds;
    for (t, d) in total.lead_buckets.iter_mut().zip(day.lead_buckets) {
        *t += d;
    }
    for (t, d) in total
        .appointments_by_hour
        .iter_mut()
        .zip(day.appointments_by_hour)
    {
        *t += d;
    }
    for (t, d) in total.tokens_by_kind.iter_mut().zip(day.tokens_by_kind) {
        *t += d;
    }
    for (t, d) in total.tokens_by_hour.iter_mut().zip(day.tokens_by_hour) {
        *t += d;
    }
    for (t, d) in total.bins.iter_mut().zip(day.bins) {
        t.count += d.count;
        t.estimated += d.estimated;
        t.actual += d.actual;
    }
}

/// Offered and booked seconds of one key.
type Minutes = BTreeMap<String, (i64, i64)>;

fn utilisation_rows(dimension: &str, sums: Minutes) -> impl Iterator<Item = UtilisationRow> {
    sums.into_iter()
        .map(move |(key, (offered, booked))| UtilisationRow {
            dimension: dimension.into(),
            key,
            offered_minutes: minutes(offered),
            booked_minutes: minutes(booked),
            utilisation: ratio(booked as f64, offered as f64),
        })
}

pub(crate) fn build(state: &State, position: u64, first: NaiveDate, last: NaiveDate) -> Report {
    // Utilisation: offered and booked seconds by each dimension.
    let mut all = (0_i64, 0_i64);
    let mut by: [Minutes; 5] = Default::default();
    for hour in 0..24 {
        by[3].insert(format!("{hour:02}"), (0, 0));
    }
    for day in WEEKDAYS {
        by[4].insert(day.into(), (0, 0));
    }
    let mut add = |date: NaiveDate, place: &crate::analytics::fold::Place, s: i64, booked: bool| {
        let keys = [
            Some(place.doctor.to_string()),
            Some(place.location.to_string()),
            place.room.as_ref().map(|r| r.to_string()),
            Some(format!("{:02}", place.hour)),
            Some(WEEKDAYS[weekday_index(date)].to_string()),
        ];
        let pick = |pair: &mut (i64, i64)| {
            if booked { pair.1 += s } else { pair.0 += s }
        };
        pick(&mut all);
        for (sums, key) in by.iter_mut().zip(keys) {
            if let Some(key) = key {
                pick(sums.entry(key).or_default());
            }
        }
    };
    for ((_, date), places) in &state.offered {
        if (first..=last).contains(date) {
            for (place, s) in places {
                add(*date, place, *s, false);
            }
        }
    }
    for ((date, place), s) in state.booked.range((first, min_place())..) {
        if *date > last {
            break;
        }
        add(*date, place, *s, true);
    }
    let mut utilisation = vec![UtilisationRow {
        dimension: "all".into(),
        key: String::new(),
        offered_minutes: minutes(all.0),
        booked_minutes: minutes(all.1),
        utilisation: ratio(all.1 as f64, all.0 as f64),
    }];
    let [doctor, location, room, hour, weekday] = by;
    // Weekdays in calendar order, not by name.
    let weekday_rows: Vec<UtilisationRow> = utilisation_rows("weekday", weekday).collect();
    let mut weekday_rows = weekday_rows;
    weekday_rows.sort_by_key(|r| WEEKDAYS.iter().position(|d| *d == r.key));
    utilisation.extend(utilisation_rows("doctor", doctor));
    utilisation.extend(utilisation_rows("location", location));
    utilisation.extend(utilisation_rows("room", room));
    utilisation.extend(utilisation_rows("hour", hour));
    utilisation.extend(weekday_rows);

    // Per doctor, and the clinic's totals.
    let mut per_doctor: BTreeMap<Id, DoctorDay> = BTreeMap::new();
    let mut total = DoctorDay::default();
    for ((date, doctor_id), day) in &state.doctors {
        if (first..=last).contains(date) {
            add_day(per_doctor.entry(doctor_id.clone()).or_default(), day);
            add_day(&mut total, day);
        }
    }
    let doctors = per_doctor
        .iter()
        .map(|(doctor_id, d)| doctor_row(doctor_id, d))
        .collect();
    let hours: Vec<HourRow> = (0..24)
        .map(|h| HourRow {
            hour: h as u32,
            appointments: total.appointments_by_hour[h],
            tokens: total.tokens_by_hour[h],
        })
        .collect();
    let mut busiest: Vec<&HourRow> = hours
        .iter()
        .filter(|h| h.appointments + h.tokens > 0)
        .collect();
    busiest.sort_by_key(|h| (std::cmp::Reverse(h.appointments + h.tokens), h.hour));
    let peak_hours = busiest.iter().take(3).map(|h| h.hour).collect();
    let lead_times = LEAD_NAMES
        .iter()
        .zip(total.lead_buckets)
        .map(|(name, bookings)| LeadTimeRow {
            bucket: (*name).into(),
            bookings,
        })
        .collect();
    let token_kinds = KIND_NAMES
        .iter()
        .zip(total.tokens_by_kind)
        .map(|(name, tokens)| TokenKindRow {
            kind: (*name).into(),
            tokens,
        })
        .collect();
    let calibration = per_doctor
        .iter()
        .flat_map(|(doctor_id, d)| {
            d.bins
                .iter()
                .enumerate()
                .filter(|(_, bin)| bin.count > 0)
                .map(move |(i, bin)| calibration_row(doctor_id, i, bin))
        })
        .collect();

    // Conversion per date, then over the range.
    let mut per_date: BTreeMap<NaiveDate, (u64, u64)> = BTreeMap::new();
    for (date, n) in state.searches.range(first..=last) {
        per_date.entry(*date).or_default().0 += n;
    }
    for (date, n) in state.patient_bookings.range(first..=last) {
        per_date.entry(*date).or_default().1 += n;
    }
    let (searches, bookings) = per_date
        .values()
        .fold((0, 0), |(s, b), (ds, db)| (s + ds, b + db));
    let conversion = per_date
        .iter()
        .map(|(date, (s, b))| (Some(*date), *s, *b))
        .chain([(None, searches, bookings)])
        .map(|(date, searches, bookings)| ConversionRow {
            date,
            searches,
            bookings,
            rate: ratio(bookings as f64, searches as f64),
        })
        .collect();

    Report {
        first,
        last,
        position,
        utilisation,
        doctors,
        hours,
        peak_hours,
        lead_times,
        token_kinds,
        calibration,
        conversion,
    }
}

fn min_place() -> crate::analytics::fold::Place {
    crate::analytics::fold::Place {
        doctor: Id::from(""),
        location: Id::from(""),
        room: None,
        hour: 0,
    }
}

fn mean(total: f64, count: u64) -> Option<f64> {
    ratio(total, count as f64)
}

fn doctor_row(doctor_id: &Id, d: &DoctorDay) -> DoctorRow {
    let tokens: u64 = d.tokens_by_kind.iter().sum();
    let estimates: u64 = d.bins.iter().map(|b| b.count).sum();
    let estimated: f64 = d.bins.iter().map(|b| b.estimated).sum();
    let actual: f64 = d.bins.iter().map(|b| b.actual).sum();
    DoctorRow {
        doctor_id: doctor_id.clone(),
        booked: d.booked,
        cancelled: d.cancelled,
        declined: d.declined,
        completed: d.completed,
        no_show: d.no_show,
        cancellation_rate: ratio(d.cancelled as f64, d.booked as f64),
        no_show_rate: ratio(d.no_show as f64, (d.completed + d.no_show) as f64),
        mean_lead_hours: mean(d.lead_seconds as f64 / 3600.0, d.booked),
        tokens,
        late: d.tokens_late,
        skipped: d.tokens_skipped,
        late_rate: ratio(d.tokens_late as f64, tokens as f64),
        consults: d.consults,
        mean_consult_minutes: mean(d.consult_seconds as f64 / 60.0, d.consults),
        waits: d.waits,
        mean_wait_minutes: mean(d.wait_seconds as f64 / 60.0, d.waits),
        estimates,
        mean_estimated_minutes: mean(estimated, estimates),
        mean_actual_minutes: mean(actual, estimates),
    }
}

fn calibration_row(doctor_id: &Id, i: usize, bin: &Bin) -> CalibrationRow {
    let n = bin.count as f64;
    CalibrationRow {
        doctor_id: doctor_id.clone(),
        from_minutes: if i == 0 { 0.0 } else { ESTIMATE_BINS[i - 1] },
        to_minutes: ESTIMATE_BINS.get(i).copied(),
        estimates: bin.count,
        mean_estimated_minutes: round(bin.estimated / n),
        mean_actual_minutes: round(bin.actual / n),
    }
}
