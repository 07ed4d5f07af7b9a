//! Clinic rules, one doctor's availability, slot searches, and a tenant's schedule.

use std::sync::{Arc, OnceLock};

use medsched::{
    Availability as CoreAvailability, Clinic, ClinicRules as CoreClinicRules, DoctorCalendar,
    Occupancy as CoreOccupancy, PreparedOccupancy as CorePrepared, ResolveOptions, SlotOptions,
    SlotRequest, SlotSet, booking::Schedule as CoreSchedule,
};
use medsched_facade::ScheduleHandle;
use medsched_facade::json::{parse, text};
use medsched_facade::occupancy::{Taken, first_available};
use medsched_facade::resources;
use medsched_facade::values::{date, instant, zone};
use napi::Env;
use napi::bindgen_prelude::{BufferSlice, ClassInstance, Either, PromiseRaw};
use napi_derive::napi;

use crate::body::{body, spawn_body};
use crate::columns::{SeriesColumns, series_columns, set_columns};
use crate::errors::{Result, done, spawn};

/// A clinic's compiled rules.
#[napi]
pub struct ClinicRules {
    inner: Arc<CoreClinicRules>,
}

impl ClinicRules {
    /// The compiled rules.
    pub(crate) fn core(&self) -> &CoreClinicRules {
        &self.inner
    }
}

#[napi]
impl ClinicRules {
    /// Compiles `Clinic` JSON with `Limits` JSON (the defaults when absent) and a roster
    /// (the clinic's doctors' ids: any other doctor is refused, when given).
    #[napi(constructor)]
    pub fn new(
        clinic: String,
        limits: Option<String>,
        roster: Option<Vec<String>>,
    ) -> Result<Self> {
        let rules = resources::clinic_rules(&clinic, limits.as_deref(), roster.as_deref());
        Ok(ClinicRules {
            inner: Arc::new(done(rules)?),
        })
    }

    /// The IANA zone of a location, if the clinic has it.
    #[napi]
    pub fn time_zone(&self, location_id: String) -> Option<String> {
        self.inner
            .time_zone(&location_id)
            .map(|tz| tz.name().to_owned())
    }
}

/// One doctor's compiled availability.
#[napi]
pub struct Availability {
    pub(crate) inner: Arc<CoreAvailability>,
}

/// An occupancy argument: `Occupancy` JSON, a prepared [`Occupancy`], or nothing taken.
pub type OccupancyArg<'a> = Option<Either<String, ClassInstance<'a, Occupancy>>>;

/// The occupancy of an argument, read.
pub(crate) fn occupancy_of(what: &str, arg: OccupancyArg<'_>) -> Result<Taken> {
    match arg {
        None => Ok(Taken::Given(Arc::new(CoreOccupancy::default()))),
        Some(Either::A(json)) => Ok(Taken::Given(Arc::new(done(parse(what, &json))?))),
        Some(Either::B(given)) => Ok(match given.prepared.get() {
            Some(prepared) => Taken::Prepared(prepared.clone()),
            None => Taken::Given(given.inner.clone()),
        }),
    }
}

/// Slot options from JSON, the defaults when not given.
fn options_of(options: Option<String>) -> Result<SlotOptions> {
    match options {
        Some(o) => done(parse("options", &o)),
        None => Ok(SlotOptions::default()),
    }
}

#[napi]
impl Availability {
    /// Compiles a doctor's `DoctorCalendar` JSON against the clinic's rules.
    #[napi(constructor)]
    pub fn new(rules: &ClinicRules, calendar: String) -> Result<Self> {
        let calendar: DoctorCalendar = done(parse("", &calendar))?;
        Ok(Availability {
            inner: Arc::new(done(CoreAvailability::new(&rules.inner, &calendar))?),
        })
    }

    /// The doctor.
    #[napi(getter)]
    pub fn doctor_id(&self) -> String {
        self.inner.doctor_id().as_str().to_owned()
    }

    /// The resolved intervals between two instants, as `Interval` JSON (a list); open
    /// intervals that touch merged into one when `merge_open`.
    #[napi]
    pub fn resolve(&self, start: String, end: String, merge_open: Option<bool>) -> Result<String> {
        let (start, end) = (done(instant("start", &start))?, done(instant("end", &end))?);
        let options = ResolveOptions {
            merge_open: merge_open.unwrap_or(false),
        };
        Ok(text(&done(self.inner.resolve_with(start, end, options))?))
    }

    /// The resolved intervals of a location's local dates, as `Interval` JSON (a list).
    #[napi]
    pub fn resolve_dates(
        &self,
        location_id: String,
        first: String,
        last: String,
    ) -> Result<String> {
        let (first, last) = (done(date("first", &first))?, done(date("last", &last))?);
        Ok(text(&done(self.inner.resolve_dates(
            &location_id,
            first,
            last,
        ))?))
    }

    /// Why the doctor is or is not available at an instant, as `Explanation` JSON.
    #[napi]
    pub fn explain(&self, at: String) -> Result<String> {
        let at = done(instant("at", &at))?;
        Ok(text(&done(self.inner.explain(at))?))
    }

    /// The slots of a `SlotRequest` (JSON), in columns.
    #[napi]
    pub fn slots(
        &self,
        request: String,
        #[napi(ts_arg_type = "string | Occupancy | null")] occupancy: OccupancyArg<'_>,
        options: Option<String>,
    ) -> Result<SeriesColumns> {
        let request: SlotRequest = done(parse("request", &request))?;
        let occupancy = occupancy_of("occupancy", occupancy)?;
        let options = options_of(options)?;
        let set = done(occupancy.slot_set(&self.inner, &request, options))?;
        Ok(set_columns(&set))
    }

    /// As [`slots`](Availability::slots), off the JavaScript thread.
    #[napi(ts_return_type = "Promise<SeriesColumns>")]
    pub fn slots_async<'env>(
        &self,
        env: &'env Env,
        request: String,
        #[napi(ts_arg_type = "string | Occupancy | null")] occupancy: OccupancyArg<'_>,
        options: Option<String>,
    ) -> Result<PromiseRaw<'env, SeriesColumns>> {
        let request: SlotRequest = done(parse("request", &request))?;
        let occupancy = occupancy_of("occupancy", occupancy)?;
        let options = options_of(options)?;
        let doctor = self.inner.clone();
        spawn(env, async move {
            Ok(set_columns(
                &occupancy.slot_set(&doctor, &request, options)?,
            ))
        })
    }

    /// The slots of a `SlotRequest` (JSON) as the UTF-8 bytes of their `SlotSeries` JSON: a
    /// route handler's response body as it is sent, the slots never made into objects (and
    /// the text never into a JavaScript string).
    #[napi(ts_return_type = "Buffer")]
    pub fn slots_json<'env>(
        &self,
        env: &'env Env,
        request: String,
        #[napi(ts_arg_type = "string | Occupancy | null")] occupancy: OccupancyArg<'_>,
        options: Option<String>,
    ) -> Result<BufferSlice<'env>> {
        let request: SlotRequest = done(parse("request", &request))?;
        let occupancy = occupancy_of("occupancy", occupancy)?;
        let options = options_of(options)?;
        let set = done(occupancy.slot_set(&self.inner, &request, options))?;
        body(env, |out| set.write_json(out))
    }

    /// As [`slots_json`](Availability::slots_json), off the JavaScript thread.
    #[napi(ts_return_type = "Promise<Buffer>")]
    pub fn slots_json_async<'env>(
        &self,
        env: &'env Env,
        request: String,
        #[napi(ts_arg_type = "string | Occupancy | null")] occupancy: OccupancyArg<'_>,
        options: Option<String>,
    ) -> Result<PromiseRaw<'env, BufferSlice<'env>>> {
        let request: SlotRequest = done(parse("request", &request))?;
        let occupancy = occupancy_of("occupancy", occupancy)?;
        let options = options_of(options)?;
        let doctor = self.inner.clone();
        spawn_body(env, async move {
            let set = occupancy.slot_set(&doctor, &request, options)?;
            let mut out = Vec::new();
            set.write_json(&mut out);
            Ok(out)
        })
    }
}

/// What is taken (`Occupancy` JSON), read once and kept for many searches; once
/// [`prepare`](Occupancy::prepare)d, also checked and indexed once.
#[napi]
pub struct Occupancy {
    pub(crate) inner: Arc<CoreOccupancy>,
    pub(crate) prepared: OnceLock<Arc<CorePrepared>>,
}

impl Occupancy {
    /// An occupancy, not prepared.
    pub(crate) fn given(inner: CoreOccupancy) -> Self {
        Occupancy {
            inner: Arc::new(inner),
            prepared: OnceLock::new(),
        }
    }
}

#[napi]
impl Occupancy {
    /// Reads `Occupancy` JSON.
    #[napi(constructor)]
    pub fn new(occupancy: String) -> Result<Self> {
        Ok(Occupancy::given(done(parse("occupancy", &occupancy))?))
    }

    /// Checks and indexes every reservation and busy time once (the core's
    /// `PreparedOccupancy`), so that searches skip it; one the core refuses stays as it is,
    /// and each search reports it, naming the field, as before.
    #[napi]
    pub fn prepare(&self) {
        if self.prepared.get().is_none()
            && let Ok(prepared) = CorePrepared::new(self.inner.as_ref().clone())
        {
            let _ = self.prepared.set(Arc::new(prepared));
        }
    }

    /// The occupancy as JSON.
    #[napi]
    pub fn to_json(&self) -> String {
        text(&*self.inner)
    }
}

/// The doctors and their occupancies of a multi-doctor call, read.
type Doctors = Vec<(Arc<CoreAvailability>, Taken)>;

fn doctors_of(
    doctors: Vec<ClassInstance<'_, Availability>>,
    occupancies: Vec<Option<Either<String, ClassInstance<'_, Occupancy>>>>,
) -> Result<Doctors> {
    let mut occupancies = occupancies.into_iter();
    let mut pairs = Vec::with_capacity(doctors.len());
    for (i, doctor) in doctors.iter().enumerate() {
        let occupancy = occupancy_of(
            &format!("doctors[{i}].occupancy"),
            occupancies.next().flatten(),
        )?;
        pairs.push((doctor.inner.clone(), occupancy));
    }
    Ok(pairs)
}

fn first_of(pairs: &Doctors, request: &SlotRequest, count: u32) -> medsched::Result<SeriesColumns> {
    Ok(series_columns(&first_available(pairs, request, count)?))
}

/// A search of each doctor's slots for one request, its arguments read.
struct EachSearch {
    pairs: Doctors,
    request: SlotRequest,
    options: SlotOptions,
}

impl EachSearch {
    /// Reads the arguments of `slotsForDoctors` and its twins.
    fn read(
        doctors: Vec<ClassInstance<'_, Availability>>,
        occupancies: Vec<Option<Either<String, ClassInstance<'_, Occupancy>>>>,
        request: String,
        options: Option<String>,
    ) -> Result<EachSearch> {
        let request: SlotRequest = done(parse("request", &request))?;
        let options = options_of(options)?;
        let pairs = doctors_of(doctors, occupancies)?;
        Ok(EachSearch {
            pairs,
            request,
            options,
        })
    }

    /// Each doctor's slots, in the doctors' order.
    fn sets(&self) -> medsched::Result<Vec<SlotSet>> {
        self.pairs
            .iter()
            .map(|(doctor, occupancy)| occupancy.slot_set(doctor, &self.request, self.options))
            .collect()
    }

    /// Each doctor's slots, in columns.
    fn columns(&self) -> medsched::Result<Vec<SeriesColumns>> {
        Ok(self.sets()?.iter().map(set_columns).collect())
    }

    /// Each doctor's slots as the bytes of their JSON.
    fn json(&self) -> medsched::Result<Vec<u8>> {
        let mut out = Vec::new();
        write_sets(&mut out, &self.sets()?);
        Ok(out)
    }
}

/// Appends a JSON list of each set's `SlotSeries`.
fn write_sets(out: &mut Vec<u8>, sets: &[SlotSet]) {
    out.push(b'[');
    for (i, set) in sets.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        set.write_json(out);
    }
    out.push(b']');
}

/// The first `count` slots across doctors (`occupancies[i]` is doctor `i`'s), in columns,
/// with whether the search stopped looking (`truncated`).
#[napi]
pub fn first_available_slots(
    doctors: Vec<ClassInstance<'_, Availability>>,
    #[napi(ts_arg_type = "Array<string | Occupancy | null>")] occupancies: Vec<
        Option<Either<String, ClassInstance<'_, Occupancy>>>,
    >,
    request: String,
    count: u32,
) -> Result<SeriesColumns> {
    let request: SlotRequest = done(parse("request", &request))?;
    let pairs = doctors_of(doctors, occupancies)?;
    done(first_of(&pairs, &request, count))
}

/// As [`first_available_slots`], off the JavaScript thread.
#[napi(ts_return_type = "Promise<SeriesColumns>")]
pub fn first_available_slots_async<'env>(
    env: &'env Env,
    doctors: Vec<ClassInstance<'_, Availability>>,
    #[napi(ts_arg_type = "Array<string | Occupancy | null>")] occupancies: Vec<
        Option<Either<String, ClassInstance<'_, Occupancy>>>,
    >,
    request: String,
    count: u32,
) -> Result<PromiseRaw<'env, SeriesColumns>> {
    let request: SlotRequest = done(parse("request", &request))?;
    let pairs = doctors_of(doctors, occupancies)?;
    spawn(env, async move { first_of(&pairs, &request, count) })
}

/// Each doctor's slots for one request (`occupancies[i]` is doctor `i`'s), in columns, in the
/// doctors' order.
#[napi]
pub fn slots_for_doctors(
    doctors: Vec<ClassInstance<'_, Availability>>,
    #[napi(ts_arg_type = "Array<string | Occupancy | null>")] occupancies: Vec<
        Option<Either<String, ClassInstance<'_, Occupancy>>>,
    >,
    request: String,
    options: Option<String>,
) -> Result<Vec<SeriesColumns>> {
    done(EachSearch::read(doctors, occupancies, request, options)?.columns())
}

/// As [`slots_for_doctors`], off the JavaScript thread.
#[napi(ts_return_type = "Promise<Array<SeriesColumns>>")]
pub fn slots_for_doctors_async<'env>(
    env: &'env Env,
    doctors: Vec<ClassInstance<'_, Availability>>,
    #[napi(ts_arg_type = "Array<string | Occupancy | null>")] occupancies: Vec<
        Option<Either<String, ClassInstance<'_, Occupancy>>>,
    >,
    request: String,
    options: Option<String>,
) -> Result<PromiseRaw<'env, Vec<SeriesColumns>>> {
    let search = EachSearch::read(doctors, occupancies, request, options)?;
    spawn(env, async move { search.columns() })
}

/// Each doctor's slots for one request (`occupancies[i]` is doctor `i`'s) as the UTF-8 bytes
/// of their JSON: a list of `SlotSeries`, in the doctors' order.
#[napi(ts_return_type = "Buffer")]
pub fn slots_for_doctors_json<'env>(
    env: &'env Env,
    doctors: Vec<ClassInstance<'_, Availability>>,
    #[napi(ts_arg_type = "Array<string | Occupancy | null>")] occupancies: Vec<
        Option<Either<String, ClassInstance<'_, Occupancy>>>,
    >,
    request: String,
    options: Option<String>,
) -> Result<BufferSlice<'env>> {
    let found = done(EachSearch::read(doctors, occupancies, request, options)?.sets())?;
    body(env, |out| write_sets(out, &found))
}

/// As [`slots_for_doctors_json`], off the JavaScript thread.
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn slots_for_doctors_json_async<'env>(
    env: &'env Env,
    doctors: Vec<ClassInstance<'_, Availability>>,
    #[napi(ts_arg_type = "Array<string | Occupancy | null>")] occupancies: Vec<
        Option<Either<String, ClassInstance<'_, Occupancy>>>,
    >,
    request: String,
    options: Option<String>,
) -> Result<PromiseRaw<'env, BufferSlice<'env>>> {
    let search = EachSearch::read(doctors, occupancies, request, options)?;
    spawn_body(env, async move { search.json() })
}

/// A tenant's compiled clinic, doctors and appointment types.
#[napi]
pub struct Schedule {
    inner: Arc<ScheduleHandle>,
}

impl Schedule {
    /// The schedule as it is now (a calendar set later does not change it).
    pub fn current(&self) -> Arc<CoreSchedule> {
        self.inner.current()
    }
}

#[napi]
impl Schedule {
    /// Compiles a tenant's `Clinic`, `DoctorCalendar` list and `AppointmentType` list (JSON);
    /// day books are dated in `book_time_zone` (an IANA name; the first location's zone by
    /// default); `limits` (a `Limits` JSON) raises the bounds, the defaults when absent.
    #[napi(constructor)]
    pub fn new(
        tenant: String,
        clinic: String,
        calendars: String,
        appointment_types: String,
        book_time_zone: Option<String>,
        limits: Option<String>,
    ) -> Result<Self> {
        let clinic: Clinic = done(parse("clinic", &clinic))?;
        let calendars: Vec<DoctorCalendar> = done(parse("calendars", &calendars))?;
        let types: Vec<medsched::AppointmentType> =
            done(parse("appointment_types", &appointment_types))?;
        let zone = book_time_zone
            .map(|z| done(zone("book_time_zone", &z)))
            .transpose()?;
        let limits = done(medsched_facade::json::limits(limits.as_deref()))?;
        let schedule = done(CoreSchedule::with_limits(
            tenant.as_str(),
            &clinic,
            &calendars,
            &types,
            &limits,
        ))?;
        let schedule = match zone {
            Some(zone) => schedule.with_book_time_zone(zone),
            None => schedule,
        };
        Ok(Schedule {
            inner: Arc::new(ScheduleHandle::new(schedule)),
        })
    }

    /// The tenant.
    #[napi(getter)]
    pub fn tenant(&self) -> String {
        self.current().tenant().as_str().to_owned()
    }

    /// The IANA zone day books are dated in.
    #[napi(getter)]
    pub fn book_time_zone(&self) -> String {
        self.current().book_time_zone().name().to_owned()
    }

    /// The day book date (`YYYY-MM-DD`) of an instant.
    #[napi]
    pub fn book_date(&self, instant_text: String) -> Result<String> {
        let at = done(instant("instant", &instant_text))?;
        Ok(done(self.current().book_date(at))?.to_string())
    }

    /// Compiles a `DoctorCalendar` (JSON) into a copy of the schedule and swaps it in:
    /// concurrent changes each land, searches keep the schedule they started with.
    #[napi]
    pub fn set_calendar(&self, calendar: String) -> Result<()> {
        let calendar: DoctorCalendar = done(parse("calendar", &calendar))?;
        done(self.inner.set_calendar(&calendar))
    }

    /// A doctor's availability.
    #[napi]
    pub fn availability(&self, doctor_id: String) -> Result<Availability> {
        let schedule = self.current();
        Ok(Availability {
            inner: Arc::new(done(schedule.availability(&doctor_id))?.clone()),
        })
    }

    /// An appointment type, as `AppointmentType` JSON.
    #[napi]
    pub fn appointment_type(&self, id: String) -> Result<String> {
        Ok(text(done(self.current().appointment_type(&id))?))
    }

    /// The doctors' ids, sorted.
    #[napi]
    pub fn doctor_ids(&self) -> Vec<String> {
        self.inner.doctor_ids()
    }

    /// The clinic's compiled rules.
    #[napi]
    pub fn clinic_rules(&self) -> ClinicRules {
        ClinicRules {
            inner: Arc::new(self.current().clinic().clone()),
        }
    }
}
