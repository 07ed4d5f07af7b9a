//! A [`SlotSet`] written as [`SlotSeries`](crate::SlotSeries) JSON straight from its compact
//! slots: the body of an HTTP response, byte for byte what `serde_json` writes for the
//! series, at a fraction of its cost.
//!
//! Each place's slot text is made once, with room left for the instants; a slot fills the
//! room in and copies the text out, then its capacity. Instants are written by [`Stamps`],
//! which makes a date's ten characters once a day.

use super::compact::{CompactSlot, SlotPlace, SlotSet};
use crate::json_text::{STAMP, Stamps, json_into, room};

/// One place's slot text with room for the instants and the capacity left: filled in and
/// copied for each of its slots.
struct Template {
    text: Vec<u8>,
    start: usize,
    end: usize,
    local_start: usize,
}

impl Template {
    fn new(p: &SlotPlace) -> Template {
        let room = [b'0'; STAMP];
        let mut text = br#"{"doctor_id":"#.to_vec();
        json_into(&mut text, &p.place.doctor_id);
        text.extend_from_slice(br#","location_id":"#);
        json_into(&mut text, &p.place.location_id);
        text.extend_from_slice(br#","room_id":"#);
        json_into(&mut text, &p.place.room_id);
        text.extend_from_slice(br#","start":""#);
        let start = text.len();
        text.extend_from_slice(&room);
        text.extend_from_slice(br#"Z","end":""#);
        let end = text.len();
        text.extend_from_slice(&room);
        text.extend_from_slice(br#"Z","local_start":""#);
        let local_start = text.len();
        text.extend_from_slice(&room);
        text.extend_from_slice(br#"","buffer_before_minutes":"#);
        text.extend_from_slice(
            itoa::Buffer::new()
                .format(p.buffer_before_minutes)
                .as_bytes(),
        );
        text.extend_from_slice(br#","buffer_after_minutes":"#);
        text.extend_from_slice(
            itoa::Buffer::new()
                .format(p.buffer_after_minutes)
                .as_bytes(),
        );
        text.extend_from_slice(br#","capacity_left":"#);
        Template {
            text,
            start,
            end,
            local_start,
        }
    }
}

impl SlotSet {
    /// Writes the set as [`SlotSeries`](crate::SlotSeries) JSON to `out`: the same text as
    /// `serde_json` writes for the set (or its series), many times faster. Each place's slot
    /// text is made once; for each slot its instants are filled in (each date's text made
    /// once a day) and it is copied out, then the capacity. An instant outside the years 0–9999 (never one a clinic's
    /// rules make) is written by `serde_json`, so the text stays the core's JSON.
    ///
    /// The work is one pass over the slots and the places; `out` grows by about 240 bytes a
    /// slot (reserved at once).
    ///
    /// # Example
    ///
    /// ```
    /// let set = medsched::SlotSet::default();
    /// let mut body = Vec::new();
    /// set.write_json(&mut body);
    /// assert_eq!(body, br#"{"slots":[],"unavailable":[],"truncated":false}"#);
    /// ```
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let mut templates: Vec<Template> = self.places().iter().map(Template::new).collect();
        let widest = templates.iter().map(|t| t.text.len()).max().unwrap_or(0);
        out.reserve(self.len() * (widest + 12) + 64);
        out.extend_from_slice(br#"{"slots":["#);
        let (mut utc, mut local) = (Stamps::default(), Stamps::default());
        let mut count = itoa::Buffer::new();
        for (i, c) in self.compact().iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            // The place's text is filled in where it is kept, then copied out whole: filled
            // in after the copy, the small stores wait on the copy's (about 12% slower).
            let t = &mut templates[c.place()];
            let local_secs = c.start_secs() + i64::from(c.utc_offset_secs());
            let written = utc.write(room(&mut t.text, t.start), c.start_secs())
                && utc.write(room(&mut t.text, t.end), c.end_secs())
                && local.write(room(&mut t.text, t.local_start), local_secs);
            if !written {
                self.write_slot_slowly(out, c);
                continue;
            }
            out.extend_from_slice(&t.text);
            out.extend_from_slice(count.format(c.capacity_left()).as_bytes());
            out.push(b'}');
        }
        out.extend_from_slice(br#"],"unavailable":"#);
        json_into(out, self.unavailable());
        out.extend_from_slice(if self.truncated() {
            br#","truncated":true}"#
        } else {
            br#","truncated":false}"#
        });
    }

    /// A slot with an instant outside the years 0–9999, as `serde_json` writes it.
    #[cold]
    fn write_slot_slowly(&self, out: &mut Vec<u8>, c: &CompactSlot) {
        json_into(out, &self.slot(c));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{DateTime, Utc};

    use super::*;
    use crate::json_text::{FIRST_PLAIN_SECOND, LAST_PLAIN_SECOND};
    use crate::{Place, Slot};

    /// A slot of the given instants (seconds) at a place.
    fn slot(place: &Arc<Place>, start: i64, end: i64, offset: i64, left: u32) -> Slot {
        let at = |secs: i64| DateTime::<Utc>::from_timestamp(secs, 0).expect("in chrono's range");
        Slot {
            place: place.clone(),
            start: at(start),
            end: at(end),
            local_start: at(start + offset).naive_utc(),
            buffer_before_minutes: 5,
            buffer_after_minutes: u32::from(place.room_id.is_some()) * 10,
            capacity_left: left,
        }
    }

    #[test]
    fn the_written_body_is_serde_jsons_text_across_places_and_outside_the_plain_years() {
        let kochi = Arc::new(Place {
            doctor_id: "dr-\"asha\"".into(),
            location_id: "kochi".into(),
            room_id: None,
        });
        let room = Arc::new(Place {
            doctor_id: "dr-b".into(),
            location_id: "köln".into(),
            room_id: Some("r-1".into()),
        });
        let day = 86_400;
        let set: SlotSet = [
            slot(&kochi, 1_772_433_000, 1_772_433_900, 19_800, 1),
            slot(&room, 1_772_433_900, 1_772_434_800, 3_600, 12),
            // A start in the last minute of 9999 whose end falls in 10000 (serde_json's path),
            // then one whose local start does, then plain slots again on other days.
            slot(
                &kochi,
                LAST_PLAIN_SECOND - 59,
                LAST_PLAIN_SECOND + 841,
                0,
                3,
            ),
            slot(
                &room,
                LAST_PLAIN_SECOND - 899,
                LAST_PLAIN_SECOND + 1,
                3_600,
                2,
            ),
            slot(&kochi, FIRST_PLAIN_SECOND, FIRST_PLAIN_SECOND + 900, 0, 1),
            slot(
                &room,
                1_772_433_900 + day,
                1_772_434_800 + day,
                -18_000,
                100,
            ),
        ]
        .into_iter()
        .collect();
        let mut body = Vec::new();
        set.write_json(&mut body);
        let want = serde_json::to_vec(&set).expect("serializes");
        assert_eq!(String::from_utf8(body).ok(), String::from_utf8(want).ok());
    }
}
