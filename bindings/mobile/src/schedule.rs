//! Clinic rules, a doctor's availability (resolve, explain, slots), first-available search
//! and a tenant's schedule.

use std::sync::Arc;
use std::time::SystemTime;

use medsched::{
    Availability as CoreAvailability, Clinic, ClinicRules as CoreClinicRules, DoctorCalendar,
    Occupancy, ResolveOptions, SlotOptions, SlotRequest, SlotSeries as CoreSeries,
    booking::Schedule as CoreSchedule,
};
use medsched_facade::ScheduleHandle;
use medsched_facade::json::{parse, text};
use medsched_facade::occupancy::{Taken, first_available as first_available_of};
use medsched_facade::resources::clinic_rules;
use medsched_facade::values::{date, zone};

use crate::error::Result;
use crate::values::{instant, timestamp};

/// A clinic's compiled rules (locations, rooms, holidays).
#[derive(uniffi::Object)]
pub struct ClinicRules {
    inner: Arc<CoreClinicRules>,
}

#[uniffi::export]
impl ClinicRules {
    /// Compiles `Clinic` JSON; `limits_json` (a `Limits`) raises the bounds (the defaults
    /// when absent); `roster`, the ids of the clinic's doctors, refuses a calendar or a
    /// reservation of any other doctor (`invalid_input` naming the field) when given.
    #[uniffi::constructor(default(limits_json = None, roster = None))]
    pub fn new(
        clinic_json: String,
        limits_json: Option<String>,
        roster: Option<Vec<String>>,
    ) -> Result<Arc<ClinicRules>> {
        let rules = clinic_rules(&clinic_json, limits_json.as_deref(), roster.as_deref())?;
        Ok(Arc::new(ClinicRules {
            inner: Arc::new(rules),
        }))
    }

    /// The IANA zone of a location, if the clinic has it.
    pub fn time_zone(&self, location_id: String) -> Option<String> {
        self.inner
            .time_zone(&location_id)
            .map(|tz| tz.name().to_owned())
    }
}

/// One doctor's compiled availability: open and closed intervals, why a time is closed, and
/// bookable slots.
#[derive(uniffi::Object)]
pub struct Availability {
    pub(crate) inner: Arc<CoreAvailability>,
}

#[uniffi::export]
impl Availability {
    /// Compiles a `DoctorCalendar` JSON under the clinic's rules.
    #[uniffi::constructor]
    pub fn new(rules: Arc<ClinicRules>, calendar_json: String) -> Result<Arc<Availability>> {
        let calendar: DoctorCalendar = parse("", &calendar_json)?;
        Ok(Arc::new(Availability {
            inner: Arc::new(CoreAvailability::new(&rules.inner, &calendar)?),
        }))
    }

    /// The doctor.
    pub fn doctor_id(&self) -> String {
        self.inner.doctor_id().as_str().to_owned()
    }

    /// The doctor's time from `start` to `end`, open and closed, as `Interval` JSON (a list);
    /// with `merge_open`, open intervals that touch are one interval.
    #[uniffi::method(default(merge_open = false))]
    pub fn resolve(&self, start: SystemTime, end: SystemTime, merge_open: bool) -> Result<String> {
        let (start, end) = (instant("start", start)?, instant("end", end)?);
        let options = ResolveOptions { merge_open };
        Ok(text(&self.inner.resolve_with(start, end, options)?))
    }

    /// The doctor's time at a location over local dates `first`..=`last` (`2026-03-02`), as
    /// `Interval` JSON (a list).
    pub fn resolve_dates(
        &self,
        location_id: String,
        first: String,
        last: String,
    ) -> Result<String> {
        let (first, last) = (date("first", &first)?, date("last", &last)?);
        Ok(text(&self.inner.resolve_dates(
            &location_id,
            first,
            last,
        )?))
    }

    /// Why the doctor is open or closed at `at` (which rule decides, and every rule that
    /// applies), as `Explanation` JSON.
    pub fn explain(&self, at: SystemTime) -> Result<String> {
        Ok(text(&self.inner.explain(instant("at", at)?)?))
    }

    /// The bookable slots of a `SlotRequest` JSON, given what is taken (`Occupancy` JSON;
    /// none when absent) and `SlotOptions` JSON (the defaults when absent).
    pub fn slots(
        &self,
        request_json: String,
        occupancy_json: Option<String>,
        options_json: Option<String>,
    ) -> Result<Arc<SlotSeries>> {
        let request: SlotRequest = parse("request", &request_json)?;
        let occupancy = occupancy("occupancy", occupancy_json.as_deref())?;
        let options: SlotOptions = match options_json {
            Some(o) => parse("options", &o)?,
            None => SlotOptions::default(),
        };
        Ok(Arc::new(SlotSeries {
            inner: self.inner.slots(&request, &occupancy, options)?,
        }))
    }
}

/// Occupancy JSON, or nothing taken.
pub(crate) fn occupancy(what: &str, json: Option<&str>) -> Result<Occupancy> {
    Ok(match json {
        Some(json) => parse(what, json)?,
        None => Occupancy::default(),
    })
}

/// A bookable slot.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Slot {
    /// The doctor.
    pub doctor_id: String,
    /// The location.
    pub location_id: String,
    /// The room, if the session has one.
    pub room_id: Option<String>,
    /// The start.
    pub start: SystemTime,
    /// The end.
    pub end: SystemTime,
    /// The start in the location's local time, `2026-03-08T09:00:00`.
    pub local_start: String,
    /// Buffer kept before the slot, in minutes.
    pub buffer_before_minutes: u32,
    /// Buffer kept after the slot, in minutes.
    pub buffer_after_minutes: u32,
    /// How many more bookings the slot takes.
    pub capacity_left: u32,
}

fn slot(slot: &medsched::Slot) -> Slot {
    Slot {
        doctor_id: slot.place.doctor_id.as_str().to_owned(),
        location_id: slot.place.location_id.as_str().to_owned(),
        room_id: slot.place.room_id.as_ref().map(|r| r.as_str().to_owned()),
        start: timestamp(slot.start),
        end: timestamp(slot.end),
        local_start: slot.local_start.format("%Y-%m-%dT%H:%M:%S").to_string(),
        buffer_before_minutes: slot.buffer_before_minutes,
        buffer_after_minutes: slot.buffer_after_minutes,
        capacity_left: slot.capacity_left,
    }
}

/// The result of a slot search, kept in Rust until read.
#[derive(uniffi::Object)]
pub struct SlotSeries {
    pub(crate) inner: CoreSeries,
}

#[uniffi::export]
impl SlotSeries {
    /// The bookable slots.
    pub fn slots(&self) -> Vec<Slot> {
        self.inner.slots.iter().map(slot).collect()
    }

    /// How many slots were found.
    pub fn count(&self) -> u32 {
        u32::try_from(self.inner.slots.len()).unwrap_or(u32::MAX)
    }

    /// Whether the search stopped at its limit.
    pub fn truncated(&self) -> bool {
        self.inner.truncated
    }

    /// The candidates that cannot be had, and why, as `UnavailableSlot` JSON (a list).
    pub fn unavailable_json(&self) -> String {
        text(&self.inner.unavailable)
    }

    /// The whole series as the core's `SlotSeries` JSON.
    pub fn to_json(&self) -> String {
        text(&self.inner)
    }
}

/// A doctor and what is taken of their time (`Occupancy` JSON; none when absent), for
/// [`first_available`].
#[derive(uniffi::Record)]
pub struct DoctorOccupancy {
    /// The doctor.
    pub doctor: Arc<Availability>,
    /// What is taken.
    pub occupancy_json: Option<String>,
}

/// The first `count` slots across doctors for a `SlotRequest` JSON, earliest first.
#[uniffi::export]
pub fn first_available(
    doctors: Vec<DoctorOccupancy>,
    request_json: String,
    count: u32,
) -> Result<Vec<Slot>> {
    let request: SlotRequest = parse("request", &request_json)?;
    let found = first_available_of(&doctor_pairs(&doctors)?, &request, count)?;
    Ok(found.slots.iter().map(slot).collect())
}

/// The doctors of a multi-doctor call and what is taken of each, read.
pub(crate) fn doctor_pairs(
    doctors: &[DoctorOccupancy],
) -> Result<Vec<(Arc<medsched::Availability>, Taken)>> {
    let mut pairs = Vec::with_capacity(doctors.len());
    for (i, doctor) in doctors.iter().enumerate() {
        let what = format!("doctors[{i}].occupancy");
        let taken = occupancy(&what, doctor.occupancy_json.as_deref())?;
        pairs.push((doctor.doctor.inner.clone(), Taken::Given(Arc::new(taken))));
    }
    Ok(pairs)
}

/// A tenant's compiled clinic, doctors and appointment types: what bookings run on.
#[derive(uniffi::Object)]
pub struct Schedule {
    inner: ScheduleHandle,
}

impl Schedule {
    /// The schedule as it is now.
    pub(crate) fn current(&self) -> Arc<CoreSchedule> {
        self.inner.current()
    }
}

#[uniffi::export]
impl Schedule {
    /// Compiles `Clinic` JSON, `DoctorCalendar` JSON (a list) and `AppointmentType` JSON (a
    /// list); `book_time_zone` (IANA) names the zone whose dates key the day books (the first
    /// location's when absent); `limits_json` (a `Limits`) raises the bounds on the rules and
    /// on slot searches (the defaults when absent, and for every field it leaves out).
    #[uniffi::constructor(default(limits_json = None))]
    pub fn new(
        tenant: String,
        clinic_json: String,
        calendars_json: String,
        appointment_types_json: String,
        book_time_zone: Option<String>,
        limits_json: Option<String>,
    ) -> Result<Arc<Schedule>> {
        let clinic: Clinic = parse("clinic", &clinic_json)?;
        let calendars: Vec<DoctorCalendar> = parse("calendars", &calendars_json)?;
        let types: Vec<medsched::AppointmentType> =
            parse("appointment_types", &appointment_types_json)?;
        let zone = book_time_zone
            .map(|z| zone("book_time_zone", &z))
            .transpose()?;
        let limits = medsched_facade::json::limits(limits_json.as_deref())?;
        let schedule =
            CoreSchedule::with_limits(tenant.as_str(), &clinic, &calendars, &types, &limits)?;
        let schedule = match zone {
            Some(zone) => schedule.with_book_time_zone(zone),
            None => schedule,
        };
        Ok(Arc::new(Schedule {
            inner: ScheduleHandle::new(schedule),
        }))
    }

    /// The tenant.
    pub fn tenant(&self) -> String {
        self.current().tenant().as_str().to_owned()
    }

    /// The zone whose dates key the day books.
    pub fn book_time_zone(&self) -> String {
        self.current().book_time_zone().name().to_owned()
    }

    /// The day book date of an instant, `2026-03-02`.
    pub fn book_date(&self, at: SystemTime) -> Result<String> {
        Ok(self
            .current()
            .book_date(instant("instant", at)?)?
            .to_string())
    }

    /// Adds a doctor or replaces their rules (`DoctorCalendar` JSON, e.g. synced from the
    /// server); calls in flight keep the schedule they started with.
    pub fn set_calendar(&self, calendar_json: String) -> Result<()> {
        let calendar: DoctorCalendar = parse("calendar", &calendar_json)?;
        Ok(self.inner.set_calendar(&calendar)?)
    }

    /// A doctor's availability.
    pub fn availability(&self, doctor_id: String) -> Result<Arc<Availability>> {
        Ok(Arc::new(Availability {
            inner: Arc::new(self.current().availability(&doctor_id)?.clone()),
        }))
    }

    /// An appointment type as `AppointmentType` JSON.
    pub fn appointment_type(&self, id: String) -> Result<String> {
        Ok(text(self.current().appointment_type(&id)?))
    }

    /// The doctors, sorted.
    pub fn doctor_ids(&self) -> Vec<String> {
        self.inner.doctor_ids()
    }

    /// The clinic's rules.
    pub fn clinic_rules(&self) -> Arc<ClinicRules> {
        Arc::new(ClinicRules {
            inner: Arc::new(self.current().clinic().clone()),
        })
    }
}
