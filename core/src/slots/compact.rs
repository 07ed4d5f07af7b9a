//! Slots as small plain values: instants, capacity left and an index into a table of places.

use std::cell::Cell;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::Serialize;
use serde::ser::{SerializeSeq, SerializeStruct, Serializer};

use crate::availability::local_time::DAY;
use crate::{Id, Place, Slot, SlotSeries, UnavailableSlot};

/// A bookable slot in 24 bytes: no reference count, no allocation. Its doctor, location,
/// room and buffers are the [`SlotPlace`] at [`place`](Self::place) in its [`SlotSet`].
///
/// # Example
///
/// ```
/// assert_eq!(std::mem::size_of::<medsched::CompactSlot>(), 24);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CompactSlot {
    start: i64,
    length: u32,
    utc_offset: i32,
    capacity_left: u32,
    place: u32,
}

fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// The last calendar day a count of seconds fell on (its first second and its date), so that
/// the slots of one day, read in turn, do not each work out their date again.
#[derive(Default)]
struct DayCache(Cell<Option<(i64, NaiveDate)>>);

impl DayCache {
    /// The date and time of `secs` seconds since the epoch.
    #[inline]
    fn naive(&self, secs: i64) -> NaiveDateTime {
        let (midnight, date) = match self.0.get() {
            Some((midnight, date)) if (midnight..midnight + DAY).contains(&secs) => {
                (midnight, date)
            }
            _ => {
                let midnight = secs.div_euclid(DAY) * DAY;
                let date = instant(midnight).date_naive();
                self.0.set(Some((midnight, date)));
                (midnight, date)
            }
        };
        let of_day = (secs - midnight) as u32;
        let time = NaiveTime::from_num_seconds_from_midnight_opt(of_day, 0).unwrap_or_default();
        NaiveDateTime::new(date, time)
    }
}

/// Makes the slots of a set in order, dates shared between the slots of a day.
#[derive(Default)]
struct Reader {
    utc: DayCache,
    local: DayCache,
}

impl Reader {
    /// Start, end and local start.
    #[inline]
    fn times(&self, c: &CompactSlot) -> (DateTime<Utc>, DateTime<Utc>, NaiveDateTime) {
        (
            self.utc.naive(c.start).and_utc(),
            self.utc.naive(c.end_secs()).and_utc(),
            self.local.naive(c.start + i64::from(c.utc_offset)),
        )
    }

    fn slot(&self, places: &[SlotPlace], c: &CompactSlot) -> Slot {
        let p = &places[c.place()];
        let (start, end, local_start) = self.times(c);
        Slot {
            place: p.place.clone(),
            start,
            end,
            local_start,
            buffer_before_minutes: p.buffer_before_minutes,
            buffer_after_minutes: p.buffer_after_minutes,
            capacity_left: c.capacity_left,
        }
    }
}

impl CompactSlot {
    pub(crate) fn new(
        start: i64,
        end: i64,
        utc_offset: i64,
        capacity_left: u32,
        place: u32,
    ) -> Self {
        CompactSlot {
            start,
            length: u32::try_from(end - start).unwrap_or(u32::MAX),
            utc_offset: i32::try_from(utc_offset).unwrap_or(0),
            capacity_left,
            place,
        }
    }

    /// The same slot `secs` seconds later.
    fn later(self, secs: i64) -> Self {
        CompactSlot {
            start: self.start + secs,
            ..self
        }
    }

    /// Start, in seconds since the epoch.
    pub fn start_secs(&self) -> i64 {
        self.start
    }

    /// End, in seconds since the epoch.
    pub fn end_secs(&self) -> i64 {
        self.start + i64::from(self.length)
    }

    /// Start of the appointment.
    pub fn start(&self) -> DateTime<Utc> {
        instant(self.start)
    }

    /// End of the appointment.
    pub fn end(&self) -> DateTime<Utc> {
        instant(self.end_secs())
    }

    /// Start in the location's wall-clock time.
    pub fn local_start(&self) -> NaiveDateTime {
        instant(self.start + i64::from(self.utc_offset)).naive_utc()
    }

    /// The location's offset from UTC at the start, in seconds.
    pub fn utc_offset_secs(&self) -> i32 {
        self.utc_offset
    }

    /// How many more appointments could still be booked over this slot (at least 1).
    pub fn capacity_left(&self) -> u32 {
        self.capacity_left
    }

    /// The index of its [`SlotPlace`] in [`SlotSet::places`].
    pub fn place(&self) -> usize {
        self.place as usize
    }
}

/// What the slots of one run share: the doctor, location and room, and the buffers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotPlace {
    /// The doctor, location and room.
    pub place: Arc<Place>,
    /// Minutes kept free before each slot (see [`Slot::buffer_before_minutes`]).
    pub buffer_before_minutes: u32,
    /// Minutes kept free after each slot (see [`Slot::buffer_after_minutes`]).
    pub buffer_after_minutes: u32,
}

/// The slots of one call as [`CompactSlot`]s and a table of [`SlotPlace`]s: what
/// [`Availability::slot_set`](crate::Availability::slot_set) returns. A [`Slot`] is made
/// only for the slots read ([`get`](Self::get), [`iter`](Self::iter)); counting them
/// ([`len`](Self::len)) makes none. It serializes as [`SlotSeries`] JSON, slot by slot, and
/// [`slots_json`](Self::slots_json) as the JSON list of slots.
///
/// # Example
///
/// ```
/// use medsched::{Availability, ClinicRules, Clinic, DoctorCalendar, Location, Session};
/// use medsched::{AppointmentType, PreparedOccupancy, Occupancy, SlotOptions, SlotRequest};
/// use medsched::WeeklyTemplate;
/// use chrono::{DateTime, Utc, Weekday};
///
/// let clinic = ClinicRules::new(&Clinic {
///     locations: vec![Location::new("main", "Main", "Europe/London")],
///     holidays: vec![],
/// })?;
/// let mut calendar = DoctorCalendar::new("dr-lee");
/// calendar.templates.push(WeeklyTemplate {
///     weekdays: vec![Weekday::Tue],
///     sessions: vec![Session::new("09:00", "10:00")?],
///     ..WeeklyTemplate::new("tue", "main")
/// });
/// let availability = Availability::new(&clinic, &calendar)?;
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let request = SlotRequest {
///     appointment_type: AppointmentType::new("consult", 30),
///     start: t("2026-03-03T00:00:00Z"),
///     end: t("2026-03-04T00:00:00Z"),
///     now: t("2026-03-01T12:00:00Z"),
/// };
/// let nothing = PreparedOccupancy::new(Occupancy::default())?;
/// let set = availability.slot_set(&request, &nothing, SlotOptions::default())?;
/// assert_eq!(set.len(), 3); // 09:00, 09:15, 09:30
/// let first = set.get(0).unwrap();
/// assert_eq!(first.place.location_id.as_str(), "main");
/// assert_eq!(first.local_start.to_string(), "2026-03-03 09:00:00");
/// let json = serde_json::to_string(&set.slots_json()).unwrap();
/// assert_eq!(json, serde_json::to_string(&set.clone().into_series().slots).unwrap());
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlotSet {
    places: Vec<SlotPlace>,
    slots: Vec<CompactSlot>,
    unavailable: Vec<UnavailableSlot>,
    truncated: bool,
}

impl SlotSet {
    /// How many bookable slots.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// No bookable slot.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Generation stopped at the limit (as [`SlotSeries::truncated`]).
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// The same set, marked truncated when `truncated` is (a set made from a search's slots,
    /// [`first_available_series`](crate::first_available_series), keeps its flag).
    ///
    /// ```
    /// use medsched::SlotSet;
    ///
    /// let set: SlotSet = Vec::new().into_iter().collect();
    /// assert!(!set.truncated());
    /// assert!(set.with_truncated(true).truncated());
    /// ```
    pub fn with_truncated(mut self, truncated: bool) -> SlotSet {
        self.truncated |= truncated;
        self
    }

    /// The bookable slots, by start.
    pub fn compact(&self) -> &[CompactSlot] {
        &self.slots
    }

    /// The places the slots point to.
    pub fn places(&self) -> &[SlotPlace] {
        &self.places
    }

    /// Candidate slots that cannot be booked, by start (only when asked for).
    pub fn unavailable(&self) -> &[UnavailableSlot] {
        &self.unavailable
    }

    /// The `i`th bookable slot as a [`Slot`].
    pub fn get(&self, i: usize) -> Option<Slot> {
        self.slots.get(i).map(|c| self.slot(c))
    }

    /// A compact slot of this set as a [`Slot`].
    pub fn slot(&self, c: &CompactSlot) -> Slot {
        Reader::default().slot(&self.places, c)
    }

    /// The bookable slots as [`Slot`]s, made one at a time as the iterator is read.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Slot> + '_ {
        let reader = Reader::default();
        self.slots.iter().map(move |c| reader.slot(&self.places, c))
    }

    /// The whole set as a [`SlotSeries`].
    pub fn into_series(self) -> SlotSeries {
        SlotSeries {
            slots: self.iter().collect(),
            unavailable: self.unavailable,
            truncated: self.truncated,
        }
    }

    /// The bookable slots as a JSON list of [`Slot`]s, written slot by slot.
    pub fn slots_json(&self) -> SlotsJson<'_> {
        SlotsJson(self)
    }
}

/// Where slot generation puts what it finds: bookable slots as the sink keeps them, and a
/// table of places, the unavailable slots and a truncation flag that every sink keeps alike.
pub(crate) trait Sink {
    /// The table of places, the unavailable slots and the truncation flag.
    fn parts(&mut self) -> (&mut Vec<SlotPlace>, &mut Vec<UnavailableSlot>, &mut bool);
    /// Room for `more` slots.
    fn reserve(&mut self, more: usize);
    fn push(&mut self, slot: CompactSlot);
    /// Pushes `first` and the `more` slots after it, each `step` seconds later than the one
    /// before, alike in all else.
    fn push_every(&mut self, first: CompactSlot, step: i64, more: usize) {
        for k in 0..=more {
            self.push(first.later(step * k as i64));
        }
    }
    /// How many bookable slots so far.
    fn len(&self) -> usize;

    /// The index of a place in the sink's table, added if new.
    fn place_index(
        &mut self,
        doctor_id: &Id,
        location_id: &Id,
        room_id: Option<&Id>,
        buffers: (u32, u32),
    ) -> u32 {
        let places = self.parts().0;
        let found = places.iter().position(|p| {
            (p.buffer_before_minutes, p.buffer_after_minutes) == buffers
                && &p.place.location_id == location_id
                && p.place.room_id.as_ref() == room_id
                && &p.place.doctor_id == doctor_id
        });
        let at = found.unwrap_or_else(|| {
            places.push(SlotPlace {
                place: Arc::new(Place {
                    doctor_id: doctor_id.clone(),
                    location_id: location_id.clone(),
                    room_id: room_id.cloned(),
                }),
                buffer_before_minutes: buffers.0,
                buffer_after_minutes: buffers.1,
            });
            places.len() - 1
        });
        u32::try_from(at).unwrap_or(u32::MAX)
    }

    fn push_unavailable(&mut self, place: u32, slot: impl FnOnce(Arc<Place>) -> UnavailableSlot) {
        let (places, unavailable, _) = self.parts();
        let place = places[place as usize].place.clone();
        unavailable.push(slot(place));
    }

    fn set_truncated(&mut self) {
        *self.parts().2 = true;
    }
}

impl SlotSet {
    /// Empties the set, keeping its memory.
    pub(crate) fn clear(&mut self) {
        self.places.clear();
        self.slots.clear();
        self.unavailable.clear();
        self.truncated = false;
    }
}

impl Sink for SlotSet {
    fn parts(&mut self) -> (&mut Vec<SlotPlace>, &mut Vec<UnavailableSlot>, &mut bool) {
        (&mut self.places, &mut self.unavailable, &mut self.truncated)
    }

    fn reserve(&mut self, more: usize) {
        self.slots.reserve(more);
    }

    fn push(&mut self, slot: CompactSlot) {
        self.slots.push(slot);
    }

    fn push_every(&mut self, first: CompactSlot, step: i64, more: usize) {
        // One reservation, then a loop of plain stores.
        (self.slots).extend((0..=more).map(|k| first.later(step * k as i64)));
    }

    fn len(&self) -> usize {
        self.slots.len()
    }
}

/// A sink that makes each [`Slot`] as it is found: what [`SlotSeries`] callers get, without
/// a compact copy in between.
#[derive(Default)]
pub(crate) struct SeriesSink {
    places: Vec<SlotPlace>,
    reader: Reader,
    pub(crate) series: SlotSeries,
}

impl Sink for SeriesSink {
    fn parts(&mut self) -> (&mut Vec<SlotPlace>, &mut Vec<UnavailableSlot>, &mut bool) {
        let series = &mut self.series;
        (
            &mut self.places,
            &mut series.unavailable,
            &mut series.truncated,
        )
    }

    /// Reserves nothing: the slots grow as they are found. The hint counts every candidate
    /// on the grid, booked ones too (a third more than a 90-day call keeps), and at 56 bytes
    /// a `Slot` that overshoot took the call's memory past what the allocator keeps between
    /// calls: each call then asked the system for fresh pages (`brk`) and faulted them in,
    /// 9% of a one-doctor, 90-day call (docs/SPEED.md, stop 31).
    fn reserve(&mut self, _more: usize) {}

    fn push(&mut self, c: CompactSlot) {
        let slot = self.reader.slot(&self.places, &c);
        self.series.slots.push(slot);
    }

    fn len(&self) -> usize {
        self.series.slots.len()
    }
}

impl FromIterator<Slot> for SlotSet {
    /// The slots in the order given, their places shared in the table.
    fn from_iter<I: IntoIterator<Item = Slot>>(slots: I) -> SlotSet {
        let mut set = SlotSet::default();
        for slot in slots {
            let p = &slot.place;
            let place = set.place_index(
                &p.doctor_id,
                &p.location_id,
                p.room_id.as_ref(),
                (slot.buffer_before_minutes, slot.buffer_after_minutes),
            );
            let (start, end) = (slot.start.timestamp(), slot.end.timestamp());
            let offset = slot.local_start.and_utc().timestamp() - start;
            set.push(CompactSlot::new(
                start,
                end,
                offset,
                slot.capacity_left,
                place,
            ));
        }
        set
    }
}

/// The slots of a [`SlotSet`] as JSON: a list of [`Slot`]s ([`SlotSet::slots_json`]).
#[derive(Debug, Clone, Copy)]
pub struct SlotsJson<'a>(&'a SlotSet);

/// One slot as [`Slot`] JSON, borrowed from its set.
struct SlotJson<'a>(&'a SlotSet, &'a CompactSlot, &'a Reader);

impl Serialize for SlotJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (set, c) = (self.0, self.1);
        let p = &set.places[c.place()];
        let (start, end, local_start) = self.2.times(c);
        let mut s = serializer.serialize_struct("Slot", 9)?;
        s.serialize_field("doctor_id", &p.place.doctor_id)?;
        s.serialize_field("location_id", &p.place.location_id)?;
        s.serialize_field("room_id", &p.place.room_id)?;
        s.serialize_field("start", &start)?;
        s.serialize_field("end", &end)?;
        s.serialize_field("local_start", &local_start)?;
        s.serialize_field("buffer_before_minutes", &p.buffer_before_minutes)?;
        s.serialize_field("buffer_after_minutes", &p.buffer_after_minutes)?;
        s.serialize_field("capacity_left", &c.capacity_left)?;
        s.end()
    }
}

impl Serialize for SlotsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.slots.len()))?;
        let reader = Reader::default();
        for c in &self.0.slots {
            seq.serialize_element(&SlotJson(self.0, c, &reader))?;
        }
        seq.end()
    }
}

impl Serialize for SlotSet {
    /// As the [`SlotSeries`] it holds.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("SlotSeries", 3)?;
        s.serialize_field("slots", &self.slots_json())?;
        s.serialize_field("unavailable", &self.unavailable)?;
        s.serialize_field("truncated", &self.truncated)?;
        s.end()
    }
}
