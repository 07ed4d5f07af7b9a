//! What is taken, in columns: a host's bookings as numbers in typed arrays and their ids as
//! one JSON list, so that an occupancy of plain objects crosses without writing and reading
//! an ISO text per instant (`index.js` reads each `Date`'s milliseconds, which is cheap in
//! JavaScript, where converting a `Date` field by field through napi is not).
//!
//! The columns carry exactly what the `Occupancy` JSON of the same objects would; whatever
//! they cannot carry (instant text, an unknown field, an Invalid Date), `index.js` sends as
//! JSON, so every refusal is the JSON path's, naming its field.

use chrono::{DateTime, Utc};
use medsched::{
    BusyTime, ConsultationMode, Error, Id, Occupancy as CoreOccupancy, Problem, Reservation,
};
use napi::bindgen_prelude::{Float64Array, Uint32Array};
use napi_derive::napi;
use serde::Deserialize;
use serde::de::value::{Error as ValueError, StrDeserializer};

use crate::errors::{Result, done};
use crate::schedule::Occupancy;

/// An `Occupancy` in columns: reservations first, then busy times.
#[napi(object)]
pub struct OccupancyColumns {
    /// How many reservations there are; the busy times follow them in every column.
    pub reservations: u32,
    /// Each reservation's `id`, `doctor_id`, `room_id` and `mode` (null when absent), then
    /// each busy time's `id`, as one JSON list.
    pub texts: String,
    /// Each reservation's `start`, `end` and `expires_at` (NaN when none), then each busy
    /// time's `start` and `end`, in milliseconds since the epoch.
    pub instants: Float64Array,
    /// Each reservation's `buffer_before_minutes`, `buffer_after_minutes` and `seats`.
    pub counts: Uint32Array,
}

/// Reads an occupancy from columns into a prepared `Occupancy`.
#[napi]
pub fn occupancy_from_columns(columns: OccupancyColumns) -> Result<Occupancy> {
    Ok(Occupancy::given(done(read(&columns))?))
}

fn malformed(why: &str) -> Error {
    Error::invalid_input("occupancy", "", Problem::Malformed(why.to_owned()))
}

fn at(ms: f64) -> medsched::Result<DateTime<Utc>> {
    if ms.fract() != 0.0 {
        return Err(malformed("an instant is not whole milliseconds"));
    }
    DateTime::from_timestamp_millis(ms as i64)
        .ok_or_else(|| malformed("an instant is out of range"))
}

fn id(text: Option<String>) -> medsched::Result<Id> {
    text.map(Id::from)
        .ok_or_else(|| malformed("an id is missing"))
}

/// An id, the previous one's when the text is the same (a doctor's reservations name one
/// doctor, so they share one `Arc`).
fn shared(last: &mut Option<Id>, text: Option<String>) -> medsched::Result<Id> {
    let text = text.ok_or_else(|| malformed("an id is missing"))?;
    match last {
        Some(known) if known.as_str() == text => Ok(known.clone()),
        _ => Ok(last.insert(Id::from(text)).clone()),
    }
}

fn read(columns: &OccupancyColumns) -> medsched::Result<CoreOccupancy> {
    let texts: Vec<Option<String>> =
        serde_json::from_str(&columns.texts).map_err(|e| malformed(&e.to_string()))?;
    let reservations = columns.reservations as usize;
    let (instants, counts): (&[f64], &[u32]) = (&columns.instants, &columns.counts);
    let Some(busy) = texts.len().checked_sub(reservations * 4) else {
        return Err(malformed("fewer texts than reservations"));
    };
    if instants.len() != reservations * 3 + busy * 2 || counts.len() != reservations * 3 {
        return Err(malformed("the columns' lengths differ"));
    }
    let mut texts = texts.into_iter();
    let mut occupancy = CoreOccupancy {
        reservations: Vec::with_capacity(reservations),
        busy: Vec::with_capacity(busy),
    };
    let (reserved, busy_times) = instants.split_at(reservations * 3);
    let mut doctor_id = None;
    for (times, count) in reserved.chunks_exact(3).zip(counts.chunks_exact(3)) {
        let (id_text, doctor, room, mode) =
            (texts.next(), texts.next(), texts.next(), texts.next());
        let mode = match mode.flatten() {
            None => ConsultationMode::default(),
            Some(name) => ConsultationMode::deserialize(StrDeserializer::<ValueError>::new(&name))
                .map_err(|e| malformed(&e.to_string()))?,
        };
        occupancy.reservations.push(Reservation {
            id: id(id_text.flatten())?,
            doctor_id: shared(&mut doctor_id, doctor.flatten())?,
            start: at(times[0])?,
            end: at(times[1])?,
            buffer_before_minutes: count[0],
            buffer_after_minutes: count[1],
            seats: count[2],
            mode,
            room_id: room.flatten().map(Id::from),
            expires_at: if times[2].is_nan() {
                None
            } else {
                Some(at(times[2])?)
            },
            // Reservations naming their type go as JSON (`index.js`).
            appointment_type_id: None,
        });
    }
    for (times, busy_id) in busy_times.chunks_exact(2).zip(texts) {
        occupancy
            .busy
            .push(BusyTime::new(id(busy_id)?, at(times[0])?, at(times[1])?));
    }
    Ok(occupancy)
}
