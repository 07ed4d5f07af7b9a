//! Slots in columns: the numbers of every slot in typed arrays and its place by index, so
//! that JavaScript makes its objects without reading text (a 90-day search returns thousands
//! of slots, and parsing their JSON and its instants would cost many times the search).

use std::sync::Arc;

use medsched::{CompactSlot, Place, Slot, SlotSeries, SlotSet};
use medsched_facade::json::text;
use napi::bindgen_prelude::{Float64Array, Uint32Array};
use napi_derive::napi;
use serde_json::json;

/// Slots as columns, slot `i` at index `i` of each.
#[napi(object)]
pub struct SlotColumns {
    /// Each slot's start, in milliseconds since the epoch.
    pub start: Float64Array,
    /// Each slot's end, in milliseconds since the epoch.
    pub end: Float64Array,
    /// Each slot's start on the wall clock of its location, in milliseconds since the epoch
    /// read as if that wall clock were UTC.
    pub local_start: Float64Array,
    /// Each slot's buffer before, in minutes.
    pub buffer_before_minutes: Uint32Array,
    /// Each slot's buffer after, in minutes.
    pub buffer_after_minutes: Uint32Array,
    /// How many more appointments each slot could take.
    pub capacity_left: Uint32Array,
    /// Each slot's place, an index in `places`.
    pub place: Uint32Array,
    /// The places, as `Place` JSON (a list).
    pub places: String,
}

/// A slot search's result: its slots as columns, the rest as JSON.
#[napi(object)]
pub struct SeriesColumns {
    /// The bookable slots.
    pub slots: SlotColumns,
    /// `{"unavailable": [UnavailableSlot…], "truncated": bool}` as JSON.
    pub rest: String,
}

/// The columns of slots.
pub fn columns(slots: &[Slot]) -> SlotColumns {
    let n = slots.len();
    let (mut start, mut end, mut local) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut before, mut after, mut left, mut place) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut places: Vec<Arc<Place>> = Vec::new();
    for slot in slots {
        start.push(slot.start.timestamp_millis() as f64);
        end.push(slot.end.timestamp_millis() as f64);
        local.push(slot.local_start.and_utc().timestamp_millis() as f64);
        before.push(slot.buffer_before_minutes);
        after.push(slot.buffer_after_minutes);
        left.push(slot.capacity_left);
        let at = match places
            .iter()
            .rposition(|p| Arc::ptr_eq(p, &slot.place) || **p == *slot.place)
        {
            Some(at) => at,
            None => {
                places.push(slot.place.clone());
                places.len() - 1
            }
        };
        place.push(at as u32);
    }
    SlotColumns {
        start: start.into(),
        end: end.into(),
        local_start: local.into(),
        buffer_before_minutes: before.into(),
        buffer_after_minutes: after.into(),
        capacity_left: left.into(),
        place: place.into(),
        places: text(&places),
    }
}

/// The columns of a search's compact result: read from the 24-byte slots and the table of
/// places, no `Slot` made.
pub fn set_columns(set: &SlotSet) -> SeriesColumns {
    let (slots, places) = (set.compact(), set.places());
    let millis = |secs: i64| (secs * 1000) as f64;
    let column = |of: &dyn Fn(&CompactSlot) -> u32| slots.iter().map(of).collect::<Vec<u32>>();
    let table: Vec<&Place> = places.iter().map(|p| &*p.place).collect();
    SeriesColumns {
        slots: SlotColumns {
            start: slots
                .iter()
                .map(|s| millis(s.start_secs()))
                .collect::<Vec<f64>>()
                .into(),
            end: slots
                .iter()
                .map(|s| millis(s.end_secs()))
                .collect::<Vec<f64>>()
                .into(),
            local_start: slots
                .iter()
                .map(|s| millis(s.start_secs() + i64::from(s.utc_offset_secs())))
                .collect::<Vec<f64>>()
                .into(),
            buffer_before_minutes: column(&|s| places[s.place()].buffer_before_minutes).into(),
            buffer_after_minutes: column(&|s| places[s.place()].buffer_after_minutes).into(),
            capacity_left: column(&|s| s.capacity_left()).into(),
            place: column(&|s| s.place() as u32).into(),
            places: text(&table),
        },
        rest: text(&json!({"unavailable": set.unavailable(), "truncated": set.truncated()})),
    }
}

/// The columns of a search's result.
pub fn series_columns(series: &SlotSeries) -> SeriesColumns {
    SeriesColumns {
        slots: columns(&series.slots),
        rest: text(&json!({"unavailable": series.unavailable, "truncated": series.truncated})),
    }
}
