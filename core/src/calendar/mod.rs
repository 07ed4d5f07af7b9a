//! A doctor's calendar rules: weekly templates and the session settings they carry.

use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

mod exceptions;
mod weekday;

pub use exceptions::{DateOverride, Leave, LeaveStatus, OverrideKind, Unavailability};

use crate::booking_limits::BookingLimits;
use crate::id::Id;

/// Every scheduling rule of one doctor.
///
/// The rules are resolved with a fixed priority: forced block > emergency > leave > holiday >
/// override > base weekly template; outside every rule the doctor is closed.
/// Compile it with [`Availability::new`](crate::Availability::new).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DoctorCalendar {
    /// The doctor these rules belong to.
    pub doctor_id: Id,
    /// Settings used by templates and overrides that give none of their own.
    #[serde(default)]
    pub settings: SessionSettings,
    /// The base weekly schedule.
    #[serde(default)]
    pub templates: Vec<WeeklyTemplate>,
    /// Date overrides: replaced, extra or blocked hours on one date.
    #[serde(default)]
    pub overrides: Vec<DateOverride>,
    /// Leave requests in every state; only approved leave closes time.
    #[serde(default)]
    pub leaves: Vec<Leave>,
    /// Emergency unavailability (instant ranges).
    #[serde(default)]
    pub emergencies: Vec<Unavailability>,
    /// Admin forced blocks (instant ranges); they beat every other rule.
    #[serde(default)]
    pub forced_blocks: Vec<Unavailability>,
    /// The most bookings (of every type) the doctor takes per local day, week and month,
    /// and the most booked minutes per local day; none by default.
    #[serde(default)]
    pub booking_limits: BookingLimits,
}

impl DoctorCalendar {
    /// A calendar with default settings and no rules.
    pub fn new(doctor_id: impl Into<Id>) -> Self {
        DoctorCalendar {
            doctor_id: doctor_id.into(),
            settings: SessionSettings::default(),
            templates: Vec::new(),
            overrides: Vec::new(),
            leaves: Vec::new(),
            emergencies: Vec::new(),
            forced_blocks: Vec::new(),
            booking_limits: BookingLimits::default(),
        }
    }
}

/// A recurring block of working hours at one location (a row of a weekly schedule).
///
/// The days it applies to are either `weekdays`, or an `rrule` (RFC 5545, daily or coarser,
/// `DTSTART` = `effective_from`) for rosters such as every other Monday
/// (`FREQ=WEEKLY;INTERVAL=2;BYDAY=MO`) or the first Saturday of the month
/// (`FREQ=MONTHLY;BYDAY=1SA`). Exactly one of the two must be given.
///
/// # Example
///
/// ```
/// use medsched::{Session, WeeklyTemplate};
/// use chrono::Weekday;
///
/// let mornings = WeeklyTemplate {
///     weekdays: vec![Weekday::Mon, Weekday::Wed, Weekday::Fri],
///     sessions: vec![Session::new("09:00", "13:00")?.with_break("11:00", "11:15")?],
///     ..WeeklyTemplate::new("t-mornings", "main")
/// };
/// assert_eq!(mornings.sessions[0].breaks.len(), 1);
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WeeklyTemplate {
    /// The template's id, named by every interval and slot it opens.
    pub id: Id,
    /// Where these sessions are held; their wall-clock times are read in its time zone.
    pub location_id: Id,
    /// The room the sessions use, if any.
    #[serde(default)]
    pub room_id: Option<Id>,
    /// The days of the week it applies to (exclusive with `rrule`). Read from JSON as `Mon`
    /// to `Sun` or `Monday` to `Sunday`, RFC 5545's `MO` to `SU` (letters in any case), or
    /// ISO 8601's numbers 1 to 7 (1 = Monday, as a number or text); written as `Mon` to `Sun`.
    #[serde(default, deserialize_with = "weekday::read_list")]
    #[cfg_attr(feature = "schema", schemars(schema_with = "weekday::list_schema"))]
    pub weekdays: Vec<Weekday>,
    /// A recurrence selecting the days it applies to (exclusive with `weekdays`).
    #[serde(default)]
    pub rrule: Option<String>,
    /// The sessions of each such day; they must not overlap one another.
    pub sessions: Vec<Session>,
    /// First local date it applies (inclusive); required with `rrule`.
    #[serde(default)]
    pub effective_from: Option<NaiveDate>,
    /// Last local date it applies (inclusive).
    #[serde(default)]
    pub effective_until: Option<NaiveDate>,
    /// Settings for its sessions; the calendar's settings when `None`.
    #[serde(default)]
    pub settings: Option<SessionSettings>,
}

impl WeeklyTemplate {
    /// A template at a location with no days and no sessions yet.
    pub fn new(id: impl Into<Id>, location_id: impl Into<Id>) -> Self {
        WeeklyTemplate {
            id: id.into(),
            location_id: location_id.into(),
            room_id: None,
            weekdays: Vec::new(),
            rrule: None,
            sessions: Vec::new(),
            effective_from: None,
            effective_until: None,
            settings: None,
        }
    }
}

/// Working hours starting on one day, in local wall-clock time, with optional breaks.
///
/// An `end` at or before `start` is on the next day: `20:00`-`08:00` is a night session,
/// `18:00`-`00:00` ends at midnight. The session belongs to the day it starts on (templates,
/// holidays, leave and the booking horizon count that day); see docs/RULES.md. An `end`
/// equal to `start` is refused. On a day with a DST change the session keeps its wall-clock
/// start and end, so it is shorter or longer in elapsed time; see the crate docs on DST.

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// Local start time.
    #[serde(deserialize_with = "read_time")]
    #[cfg_attr(feature = "schema", schemars(with = "NaiveTime"))]
    pub start: NaiveTime,
    /// Local end time (exclusive); at or before `start`, a time of the next day.
    #[serde(deserialize_with = "read_time")]
    #[cfg_attr(feature = "schema", schemars(with = "NaiveTime"))]
    pub end: NaiveTime,
    /// Breaks inside the session, when the doctor is not bookable; a break time before the
    /// session's start is on the next day.
    #[serde(default)]
    pub breaks: Vec<Hours>,
}

impl Session {
    /// A session from `"HH:MM"` to `"HH:MM"` (an end at or before the start is on the next
    /// day).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) when a time does not parse; for
    /// `24:00` the error says to write `00:00`.
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::Session;
    ///
    /// let night = Session::new("20:00", "08:00")?.with_break("02:00", "02:30")?;
    /// assert_eq!(night.breaks.len(), 1);
    /// let err = Session::new("20:00", "24:00").unwrap_err();
    /// assert!(err.to_string().contains("write 00:00"));
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn new(start: &str, end: &str) -> crate::Result<Self> {
        Ok(Session {
            start: parse_time("start", start)?,
            end: parse_time("end", end)?,
            breaks: Vec::new(),
        })
    }

    /// The same session with one more break from `"HH:MM"` to `"HH:MM"`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) when a time does not parse.
    pub fn with_break(mut self, start: &str, end: &str) -> crate::Result<Self> {
        self.breaks.push(Hours::new(start, end)?);
        Ok(self)
    }
}

/// A range of local wall-clock time: a break, or override hours. Override hours whose `end`
/// is at or before their `start` run into the next day, as sessions do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Hours {
    /// Local start time.
    #[serde(deserialize_with = "read_time")]
    #[cfg_attr(feature = "schema", schemars(with = "NaiveTime"))]
    pub start: NaiveTime,
    /// Local end time (exclusive).
    #[serde(deserialize_with = "read_time")]
    #[cfg_attr(feature = "schema", schemars(with = "NaiveTime"))]
    pub end: NaiveTime,
}

impl Hours {
    /// Hours from `"HH:MM"` to `"HH:MM"`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) when a time does not parse.
    pub fn new(start: &str, end: &str) -> crate::Result<Self> {
        Ok(Hours {
            start: parse_time("start", start)?,
            end: parse_time("end", end)?,
        })
    }
}

fn parse_time(field: &str, value: &str) -> crate::Result<NaiveTime> {
    time_of_day(value).map_err(|problem| {
        crate::Error::invalid(field, value, crate::Problem::OutOfRange(problem.into()))
    })
}

/// A wall-clock time `HH:MM` (or `HH:MM:SS`), or what is wrong with the text: `24:00` is
/// refused with how to write the midnight ending a day.
fn time_of_day(value: &str) -> Result<NaiveTime, &'static str> {
    use chrono::Timelike;
    NaiveTime::parse_from_str(value, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(value, "%H:%M:%S"))
        .ok()
        // A leap second (23:59:60) is refused, as everywhere in medsched.
        .filter(|t| t.nanosecond() < 1_000_000_000)
        .ok_or(if value.starts_with("24:") {
            "24:00 is not a time of day (HH:MM): write 00:00, the midnight ending the day \
             (an end at or before the start is on the next day)"
        } else {
            "not a time of day (HH:MM)"
        })
}

/// Reads a session's or hours' time from JSON: what chrono reads (`HH:MM`, `HH:MM:SS`, with
/// a fraction), and for anything else the error [`Session::new`] gives, as
/// [`Problem::OutOfRange`](crate::Problem::OutOfRange)'s message (`out of range: …`), which
/// says how to write `24:00`.
fn read_time<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
    let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
    if let Ok(time) = text.parse::<NaiveTime>() {
        return Ok(time);
    }
    time_of_day(&text)
        .map_err(|problem| serde::de::Error::custom(crate::Problem::OutOfRange(problem.into())))
}

/// How the slots of a session are cut and how many patients it takes at once.
///
/// The defaults are 15-minute slots, no buffers, one patient at a time, every mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct SessionSettings {
    /// Minutes between slot starts when the appointment type sets no step.
    pub slot_minutes: u32,
    /// Minutes kept free before every appointment (the larger of this and the type's).
    pub buffer_before_minutes: u32,
    /// Minutes kept free after every appointment (the larger of this and the type's).
    pub buffer_after_minutes: u32,
    /// How many appointments may overlap (at least 1).
    pub max_parallel: u32,
    /// The consultation modes offered, each with its own capacity (a capacity above
    /// `max_parallel` is bounded by it). Empty offers every mode, limited by `max_parallel`
    /// only.
    pub modes: Vec<ModeCapacity>,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            slot_minutes: 15,
            buffer_before_minutes: 0,
            buffer_after_minutes: 0,
            max_parallel: 1,
            modes: Vec::new(),
        }
    }
}

/// A consultation mode offered in a session and how many of its appointments may overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ModeCapacity {
    /// The mode.
    pub mode: ConsultationMode,
    /// How many appointments of this mode may overlap (at least 1).
    pub capacity: u32,
}

/// How a consultation takes place. Only in-person appointments occupy a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsultationMode {
    /// At the location, in a room.
    #[default]
    InPerson,
    /// By video call.
    Video,
    /// By phone.
    Phone,
}
