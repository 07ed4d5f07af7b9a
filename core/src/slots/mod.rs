//! Slot generation: bookable slots of an appointment type, one doctor or many.

mod compact;
mod generate;
mod grid;
mod json_body;
mod limits;
mod load;
mod output;
mod params;
mod policy;
mod prepared;
mod request;
mod resources;
mod search;
mod step;

pub use compact::{CompactSlot, SlotPlace, SlotSet, SlotsJson};
pub use output::{Place, Slot, SlotSeries, UnavailableSlot};
pub use policy::BookingPolicy;
pub use prepared::PreparedOccupancy;
pub use request::{
    Alignment, AppointmentType, BusyTime, Occupancy, Reservation, SlotOptions, SlotRequest,
};
pub use resources::{MAX_RESOURCES, ResourceNeed};
pub(crate) use resources::{Taken, check_clinicians, find_equipment, first_refusal, misplaced};
pub use search::{
    MAX_SEARCH_COUNT, first_available, first_available_prepared, first_available_prepared_series,
    first_available_series,
};

use self::compact::{SeriesSink, Sink};
use self::generate::Generation;
pub(crate) use self::load::Load;
use self::load::check_now;
pub(crate) use self::load::counts_for;
pub(crate) use self::params::TypeParams;
use crate::availability::{ZoneDays, check_range};
use crate::{Availability, Error, Problem, Result};

impl Availability {
    /// The slots of `request.appointment_type` starting in `[request.start, request.end)`.
    ///
    /// A slot is a candidate when it lies inside one scheduled stretch (a session less its
    /// breaks, or override hours) on the grid of its step. It is bookable when, in order:
    /// no rule closes any of it; it starts at least the minimum notice after `now`; its local
    /// date is within the booking horizon; it and its buffers overlap no busy time; and at
    /// every instant of it and its buffers, the reservations (each with its own buffers)
    /// leave capacity for one more appointment on the doctor, the mode and the room.
    ///
    /// One call considers at most [`Limits::max_slots`](crate::Limits::max_slots)
    /// candidates (bookable or not, by count, whatever the range): past it, or past
    /// `options.limit` bookable slots, it stops and sets
    /// [`truncated`](SlotSeries::truncated). Every candidate before the stop was decided,
    /// so the host asks for the rest from the start of the last slot returned.
    ///
    /// It checks every reservation and busy time of `occupancy` on every call and sums the
    /// doctor's seats once (one sort of their reservations' ends);
    /// [`slot_set`](Self::slot_set) takes an occupancy prepared once and returns the slots
    /// compact.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for a bad range (as in
    /// [`resolve`](Self::resolve)), appointment type or reservation.
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::{booking::*, store::*, tokens::*, wait::*, *};
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
    /// let booked = Reservation {
    ///     id: "appt-1".into(),
    ///     doctor_id: "dr-lee".into(),
    ///     start: t("2026-03-03T09:00:00Z"),
    ///     end: t("2026-03-03T09:30:00Z"),
    ///     buffer_before_minutes: 0,
    ///     buffer_after_minutes: 0,
    ///     seats: 1,
    ///     mode: ConsultationMode::InPerson,
    ///     room_id: None,
    ///     expires_at: None,
    ///     appointment_type_id: Some("consult".into()),
    /// };
    /// let occupancy = Occupancy { reservations: vec![booked], busy: vec![] };
    /// let options = SlotOptions { include_unavailable: true, limit: None };
    /// let series = availability.slots(&request, &occupancy, options)?;
    /// // With 15-minute steps: 09:15 (overlaps the booking) and 09:00 are taken.
    /// let starts: Vec<_> = series.slots.iter().map(|s| s.local_start.time().to_string()).collect();
    /// assert_eq!(starts, ["09:30:00"]);
    /// assert_eq!(series.unavailable.len(), 2);
    /// assert_eq!(series.unavailable[0].reason, Unavailable::Booked);
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn slots(
        &self,
        request: &SlotRequest,
        occupancy: &Occupancy,
        options: SlotOptions,
    ) -> Result<SlotSeries> {
        // The request is checked before the occupancy, and the limit after, as they always
        // were.
        let load = self.load_of(request, occupancy)?;
        let mut out = SeriesSink::default();
        self.generate(request, &load, options, &mut out)?;
        Ok(out.series)
    }

    /// The slots of [`slots`](Self::slots) as a compact [`SlotSet`], `occupancy` checked and
    /// indexed on this call.
    ///
    /// # Errors
    ///
    /// As [`slots`](Self::slots).
    pub fn slot_set_of(
        &self,
        request: &SlotRequest,
        occupancy: &Occupancy,
        options: SlotOptions,
    ) -> Result<SlotSet> {
        // The request is checked before the occupancy, and the limit after, as they always
        // were.
        let load = self.load_of(request, occupancy)?;
        let mut out = SlotSet::default();
        self.generate(request, &load, options, &mut out)?;
        Ok(out)
    }

    /// The slots of [`slots`](Self::slots), against an occupancy prepared once, as a compact
    /// [`SlotSet`]: 24 bytes a slot, a [`Slot`] made only for the slots read.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for a bad range (as in
    /// [`resolve`](Self::resolve)) or appointment type.
    ///
    /// # Example
    ///
    /// See [`SlotSet`].
    pub fn slot_set(
        &self,
        request: &SlotRequest,
        occupancy: &PreparedOccupancy,
        options: SlotOptions,
    ) -> Result<SlotSet> {
        let params = check_request(request)?.0;
        occupancy.check_roster(&self.clinic)?;
        let reservations = &occupancy.occupancy().reservations;
        let load = Load::new(
            (occupancy, reservations),
            self.doctor_id(),
            params.mode,
            request.now,
        );
        let mut out = SlotSet::default();
        self.generate(request, &load, options, &mut out)?;
        Ok(out)
    }

    /// `occupancy` checked, as this doctor sees it for `request` (the request is checked
    /// first, as it always was).
    fn load_of<'a>(&'a self, request: &SlotRequest, occupancy: &'a Occupancy) -> Result<Load<'a>> {
        let params = check_request(request)?.0;
        PreparedOccupancy::check_with_roster(occupancy, &self.clinic)?;
        Ok(Load::given(
            &occupancy.reservations,
            occupancy.reservations.iter(),
            occupancy.busy.iter(),
            self.doctor_id(),
            params.mode,
            request.now,
        ))
    }

    /// The slots of `request` against `load`, into `out`.
    fn generate(
        &self,
        request: &SlotRequest,
        load: &Load<'_>,
        options: SlotOptions,
        out: &mut impl Sink,
    ) -> Result<()> {
        let (params, start, end, now) = check_request(request)?;
        let limit = match options.limit {
            None => usize::MAX,
            Some(0) => return Err(Error::invalid("options.limit", 0, Problem::NotPositive)),
            Some(l) => l as usize,
        };
        let zone_days = ZoneDays::default();
        let candidates = self.clinic.limits.max_slots as usize;
        let what = (options.include_unavailable, limit, candidates);
        Generation::new(self, &params, load, now, what, &zone_days).run(start, end, out);
        Ok(())
    }
}

/// The request checked: the type, the range and `now`.
fn check_request(request: &SlotRequest) -> Result<(TypeParams, i64, i64, i64)> {
    let params = TypeParams::new(&request.appointment_type)?;
    let (start, end) = check_range(request.start, request.end)?;
    let now = check_now(request.now)?;
    Ok((params, start, end, now))
}
