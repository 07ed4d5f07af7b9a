//! Slot results as JSON text, written directly: the same text `serde_json` writes for
//! [`Slot`] and [`SlotSeries`], at a fraction of its cost. A route handler that answers "the
//! slots of a date" sends this text as its response body, so the thousands of slots of a
//! long search never become objects of the host language.
//!
//! Each distinct [`Place`] is written once by `serde_json` and reused; instants of whole
//! seconds in the years 0–9999 (every slot a clinic's rules make) are written digit by digit,
//! any other value by `serde_json`, so the text is always the core's JSON.
//!
//! ```
//! use medsched::{Availability, ClinicRules, Occupancy, SlotOptions, SlotSeries};
//! use medsched_facade::{json, slot_json};
//!
//! let rules = ClinicRules::new(&json::parse(
//!     "clinic",
//!     r#"{"locations": [{"id": "kochi", "time_zone": "Asia/Kolkata"}]}"#,
//! )?)?;
//! let doctor = Availability::new(&rules, &json::parse("calendar", r#"{"doctor_id": "dr-a",
//!     "templates": [{"id": "opd", "location_id": "kochi", "weekdays": ["Mon"],
//!     "sessions": [{"start": "09:00", "end": "10:00"}]}]}"#)?)?;
//! let request = json::parse("request", r#"{"appointment_type": {"id": "consult",
//!     "duration_minutes": 15}, "start": "2026-03-02T00:00:00Z",
//!     "end": "2026-03-03T00:00:00Z", "now": "2026-03-01T00:00:00Z"}"#)?;
//! let series = doctor.slots(&request, &Occupancy::default(), SlotOptions::default())?;
//! let text = slot_json::series(&series);
//! assert_eq!(text, serde_json::to_string(&series).unwrap());
//! assert!(text.starts_with(r#"{"slots":[{"doctor_id":"dr-a","location_id":"kochi","#));
//! assert_eq!(json::parse::<SlotSeries>("series", &text)?, series);
//! # Ok::<(), medsched::Error>(())
//! ```

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};
use medsched::{Place, Slot, SlotSeries};
use serde::Serialize;

/// A list of slots as JSON text (a JSON array of `Slot`).
pub fn slots(slots: &[Slot]) -> String {
    let mut out = Vec::with_capacity(2 + slots.len() * 220);
    write_slots(&mut out, slots);
    into_text(out)
}

/// A slot search's result as JSON text (`SlotSeries`).
pub fn series(series: &SlotSeries) -> String {
    let mut out = Vec::new();
    write_series(&mut out, series);
    into_text(out)
}

/// Many searches' results as JSON text (a JSON array of `SlotSeries`), in their order.
pub fn series_list(list: &[SlotSeries]) -> String {
    let mut out = Vec::new();
    write_series_list(&mut out, list);
    into_text(out)
}

/// Appends a slot search's result's JSON (`SlotSeries`, UTF-8) to `out`: a buffer a binding
/// keeps from call to call writes without allocating.
pub fn write_series(out: &mut Vec<u8>, series: &SlotSeries) {
    out.reserve(64 + series.slots.len() * 220);
    write_one(out, series);
}

/// Appends many searches' results' JSON (a list of `SlotSeries`, UTF-8) to `out`.
pub fn write_series_list(out: &mut Vec<u8>, list: &[SlotSeries]) {
    let slots: usize = list.iter().map(|each| each.slots.len()).sum();
    out.reserve(2 + list.len() * 64 + slots * 220);
    out.push(b'[');
    for (i, each) in list.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_one(out, each);
    }
    out.push(b']');
}

fn into_text(out: Vec<u8>) -> String {
    // Only `serde_json`'s text (UTF-8) and ASCII were written.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn write_one(out: &mut Vec<u8>, series: &SlotSeries) {
    out.extend_from_slice(b"{\"slots\":");
    write_slots(out, &series.slots);
    out.extend_from_slice(b",\"unavailable\":");
    write_value(out, &series.unavailable);
    out.extend_from_slice(b",\"truncated\":");
    out.extend_from_slice(if series.truncated { b"true" } else { b"false" });
    out.push(b'}');
}

fn write_slots(out: &mut Vec<u8>, slots: &[Slot]) {
    // Each place's fields as `{"doctor_id":…,"room_id":…,` (the slot's opening).
    let mut places: Vec<(&Arc<Place>, Vec<u8>)> = Vec::new();
    let mut clock = Clock::default();
    out.push(b'[');
    for (i, slot) in slots.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let known = places
            .iter()
            .rposition(|(p, _)| Arc::ptr_eq(p, &slot.place) || **p == slot.place);
        let at = known.unwrap_or_else(|| {
            places.push((&slot.place, opening(&slot.place)));
            places.len() - 1
        });
        out.extend_from_slice(&places[at].1);
        out.extend_from_slice(b"\"start\":");
        clock.instant(out, &slot.start);
        out.extend_from_slice(b",\"end\":");
        clock.instant(out, &slot.end);
        out.extend_from_slice(b",\"local_start\":");
        clock.wall(out, &slot.local_start);
        out.extend_from_slice(b",\"buffer_before_minutes\":");
        write_count(out, slot.buffer_before_minutes);
        out.extend_from_slice(b",\"buffer_after_minutes\":");
        write_count(out, slot.buffer_after_minutes);
        out.extend_from_slice(b",\"capacity_left\":");
        write_count(out, slot.capacity_left);
        out.push(b'}');
    }
    out.push(b']');
}

/// A place's JSON object, open: its fields and a comma, for the slot's own to follow.
fn opening(place: &Place) -> Vec<u8> {
    let mut text = Vec::new();
    write_value(&mut text, place);
    if text.last() == Some(&b'}') {
        text.pop();
    }
    if text.len() > 1 {
        text.push(b',');
    }
    text
}

fn write_value<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing the core's types into a Vec cannot fail: they serialize without error.
    if serde_json::to_writer(&mut *out, value).is_err() {
        out.extend_from_slice(b"null");
    }
}

/// Writes instants as `serde_json` does, each date's ten digits made once (a search's slots
/// share their dates).
#[derive(Default)]
struct Clock {
    day: Option<NaiveDate>,
    date: [u8; 10],
}

impl Clock {
    fn instant(&mut self, out: &mut Vec<u8>, at: &DateTime<Utc>) {
        if !self.digits(out, &at.naive_utc(), true) {
            write_value(out, at);
        }
    }

    fn wall(&mut self, out: &mut Vec<u8>, at: &NaiveDateTime) {
        if !self.digits(out, at, false) {
            write_value(out, at);
        }
    }

    /// `"YYYY-MM-DDThh:mm:ss"` (and `Z`) for whole seconds in the years 0–9999; false
    /// (nothing written) for any other value.
    fn digits(&mut self, out: &mut Vec<u8>, at: &NaiveDateTime, utc: bool) -> bool {
        if at.nanosecond() != 0 {
            return false;
        }
        let day = at.date();
        if self.day != Some(day) {
            let Ok(year) = u32::try_from(day.year()) else {
                return false;
            };
            if year > 9999 {
                return false;
            }
            let (month, date) = (day.month(), day.day());
            self.date = [
                digit(year / 1000),
                digit(year / 100),
                digit(year / 10),
                digit(year),
                b'-',
                digit(month / 10),
                digit(month),
                b'-',
                digit(date / 10),
                digit(date),
            ];
            self.day = Some(day);
        }
        let seconds = at.num_seconds_from_midnight();
        let (hour, minute, second) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        let mut text = *b"\"YYYY-MM-DDThh:mm:ssZ\"";
        text[1..11].copy_from_slice(&self.date);
        text[12..20].copy_from_slice(&[
            digit(hour / 10),
            digit(hour),
            b':',
            digit(minute / 10),
            digit(minute),
            b':',
            digit(second / 10),
            digit(second),
        ]);
        if utc {
            out.extend_from_slice(&text);
        } else {
            out.extend_from_slice(&text[..20]);
            out.push(b'"');
        }
        true
    }
}

/// The last decimal digit of `n`, as ASCII.
fn digit(n: u32) -> u8 {
    b'0' + (n % 10) as u8
}

fn write_count(out: &mut Vec<u8>, n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use medsched::{Id, Unavailable, UnavailableSlot};

    fn place(doctor: &str, room: Option<&str>) -> Arc<Place> {
        Arc::new(Place {
            doctor_id: Id::from(doctor),
            location_id: Id::from("kochi \"east\" \u{e9}"),
            room_id: room.map(Id::from),
        })
    }

    fn slot(place: &Arc<Place>, start: DateTime<Utc>, local: NaiveDateTime, n: u32) -> Slot {
        Slot {
            place: place.clone(),
            start,
            end: start + chrono::Duration::minutes(15),
            local_start: local,
            buffer_before_minutes: n,
            buffer_after_minutes: n * 7,
            capacity_left: u32::MAX - n,
        }
    }

    fn wall(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|day| day.and_hms_opt(h, mi, s))
            .expect("a valid wall-clock time")
    }

    #[test]
    fn the_text_is_serde_jsons_for_every_kind_of_value() {
        let (a, b) = (place("dr-a", None), place("dr-\\b", Some("room 1")));
        let same_as_a = place("dr-a", None);
        let utc = |w: NaiveDateTime| Utc.from_utc_datetime(&w);
        let list = vec![
            slot(
                &a,
                utc(wall(2026, 3, 2, 3, 30, 0)),
                wall(2026, 3, 2, 9, 0, 0),
                0,
            ),
            slot(
                &b,
                utc(wall(2026, 12, 31, 23, 59, 59)),
                wall(2027, 1, 1, 5, 29, 59),
                10,
            ),
            slot(
                &same_as_a,
                utc(wall(999, 1, 9, 0, 0, 1)),
                wall(5, 10, 10, 10, 10, 10),
                123,
            ),
            slot(
                &a,
                utc(wall(0, 1, 1, 0, 0, 0)),
                wall(9999, 12, 31, 23, 59, 59),
                5,
            ),
            slot(
                &a,
                utc(wall(10000, 1, 1, 0, 0, 0)),
                wall(-1, 6, 15, 12, 0, 0),
                1,
            ),
            slot(
                &b,
                utc(wall(2026, 3, 2, 3, 30, 0)) + chrono::Duration::milliseconds(250),
                wall(2026, 3, 2, 9, 0, 0) + chrono::Duration::nanoseconds(7),
                2,
            ),
        ];
        assert_eq!(slots(&list), serde_json::to_string(&list).unwrap());
        assert_eq!(slots(&[]), "[]");

        let first = &list[0];
        let series_of = |slots: Vec<Slot>, truncated| SlotSeries {
            slots,
            unavailable: vec![UnavailableSlot {
                place: first.place.clone(),
                start: first.start,
                end: first.end,
                local_start: first.local_start,
                reason: Unavailable::TooSoon,
            }],
            truncated,
        };
        let (one, two) = (series_of(list.clone(), true), series_of(Vec::new(), false));
        assert_eq!(series(&one), serde_json::to_string(&one).unwrap());
        let both = [one, two];
        assert_eq!(series_list(&both), serde_json::to_string(&both).unwrap());
        assert_eq!(series_list(&[]), "[]");
    }
}
