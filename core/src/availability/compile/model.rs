//! The compiled form of the host's records: what resolution and slot generation read.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;

use crate::availability::local_time::ZoneYears;
use crate::{BookingLimits, ConsultationMode, Id, Limits, OverrideKind};

/// Index of a location in [`ClinicRules::locations`].
pub(crate) type LocationIx = u16;

/// The earliest and latest years medsched computes with.
pub(crate) const FIRST_YEAR: i32 = 1900;
pub(crate) const LAST_YEAR: i32 = 2200;

pub(crate) struct CompiledLocation {
    pub(crate) id: Id,
    pub(crate) tz: Tz,
    /// The local days of `tz`, shared by the locations in the same zone.
    pub(crate) zone: Arc<ZoneYears>,
    pub(crate) rooms: Vec<(Id, u32)>,
}

pub(crate) struct CompiledHoliday {
    pub(crate) id: Id,
    pub(crate) location: Option<LocationIx>,
    /// Closed spans of local dates `(first, last)`, sorted.
    pub(crate) spans: Vec<(NaiveDate, NaiveDate)>,
}

pub(crate) struct CompiledClinic {
    pub(crate) locations: Vec<CompiledLocation>,
    pub(crate) location_ix: HashMap<Id, LocationIx>,
    pub(crate) holidays: Vec<CompiledHoliday>,
    /// The limits the clinic was compiled with, which its calendars and slots keep too.
    pub(crate) limits: Limits,
    /// The doctors the clinic declared (sorted), when it declared them: a calendar or a
    /// reservation of any other doctor is refused.
    pub(crate) roster: Option<Vec<Id>>,
}

impl CompiledClinic {
    /// Whether `doctor` may appear: on the roster, or any doctor without one.
    pub(crate) fn knows_doctor(&self, doctor: &Id) -> bool {
        (self.roster.as_ref()).is_none_or(|roster| roster.binary_search(doctor).is_ok())
    }
}

/// Settings in the units resolution and slot generation use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) slot_secs: i64,
    pub(crate) buffer_before: i64,
    pub(crate) buffer_after: i64,
    pub(crate) max_parallel: u32,
    /// Capacity per mode (in-person, video, phone); 0 where the mode is not offered.
    pub(crate) mode_capacity: [u32; 3],
}

pub(crate) fn mode_index(mode: ConsultationMode) -> usize {
    match mode {
        ConsultationMode::InPerson => 0,
        ConsultationMode::Video => 1,
        ConsultationMode::Phone => 2,
    }
}

pub(crate) enum DaySet {
    /// Bit `n` set for the weekday `n` days from Monday.
    Weekly(u8),
    /// Sorted dates selected by a recurrence rule.
    Dates(Vec<NaiveDate>),
}

pub(crate) struct CompiledTemplate {
    pub(crate) id: Id,
    pub(crate) location: LocationIx,
    pub(crate) room: Option<Id>,
    pub(crate) days: DaySet,
    pub(crate) from: Option<NaiveDate>,
    pub(crate) until: Option<NaiveDate>,
    /// Open pieces of each day (sessions less breaks), as seconds from the day's midnight,
    /// sorted; a piece of a night session ends past 86 400.
    pub(crate) pieces: Vec<(u32, u32)>,
    /// The breaks of each day: the gaps between its open pieces (a break inside a session,
    /// or the time between two sessions), in the same seconds, sorted.
    pub(crate) breaks: Vec<(u32, u32)>,
    /// The latest session end, in seconds from the day's midnight (past 86 400 for a
    /// session running into the next day).
    pub(crate) last_end: u32,
    pub(crate) settings: Settings,
}

impl CompiledTemplate {
    pub(crate) fn applies(&self, date: NaiveDate) -> bool {
        if self.from.is_some_and(|f| date < f) || self.until.is_some_and(|u| date > u) {
            return false;
        }
        match &self.days {
            DaySet::Weekly(mask) => mask & (1 << date.weekday().num_days_from_monday()) != 0,
            DaySet::Dates(dates) => dates.binary_search(&date).is_ok(),
        }
    }
}

pub(crate) struct CompiledOverride {
    pub(crate) id: Id,
    pub(crate) date: NaiveDate,
    pub(crate) location: LocationIx,
    pub(crate) room: Option<Id>,
    pub(crate) kind: OverrideKind,
    /// Hours as seconds from the day's midnight, sorted and disjoint (past 86 400 for hours
    /// running into the next day).
    pub(crate) hours: Vec<(u32, u32)>,
    pub(crate) settings: Settings,
}

pub(crate) struct CompiledLeave {
    pub(crate) id: Id,
    pub(crate) approved: bool,
    pub(crate) first: NaiveDate,
    pub(crate) start_secs: u32,
    /// The local date and time the leave ends.
    pub(crate) end_date: NaiveDate,
    pub(crate) end_secs: u32,
    /// Whether it starts with its first day (no start time): after the night sessions of the
    /// day before.
    pub(crate) whole_first_day: bool,
    /// Whether it ends with its last day (no end time): after that day's night sessions.
    pub(crate) whole_last_day: bool,
}

pub(crate) struct InstantRule {
    pub(crate) id: Id,
    pub(crate) start: i64,
    pub(crate) end: i64,
}

/// For each weekday from Monday, the earliest start and the latest end of a site's open
/// hours, in seconds from the day's midnight ([`Site::week`]).
pub(crate) type WeekHours = [Option<(u32, u32)>; 7];

/// The one site of a doctor seen at a single location with no session past midnight: its
/// location, its hours by weekday and the span of its date overrides are then all that says
/// whether the doctor may open in a window. Kept inline in [`crate::Availability`], so a
/// search passing over thousands of doctors reads neither their compiled calendar nor its
/// sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OneSite {
    pub(crate) location: LocationIx,
    pub(crate) week: WeekHours,
    /// The first and the last date of the site's date overrides, when it has any: from the
    /// one to the other the hours by weekday do not tell.
    pub(crate) overrides: Option<(NaiveDate, NaiveDate)>,
}

/// The rules of one location the doctor works at.
pub(crate) struct Site {
    pub(crate) location: LocationIx,
    pub(crate) templates: Vec<u32>,
    /// Override indices sorted by date.
    pub(crate) overrides: Vec<u32>,
    /// For each weekday from Monday, the earliest start and the latest end of the open
    /// pieces of the templates that can fall on it (every weekday for a recurrence rule's
    /// dates), in seconds from the day's midnight; `None` where no template can open.
    pub(crate) week: WeekHours,
    /// The most covers its templates give one day (open pieces and breaks): what a window's
    /// expansion reserves per day.
    pub(crate) day_covers: usize,
}

impl Site {
    pub(crate) fn new(location: LocationIx) -> Site {
        Site {
            location,
            templates: Vec::new(),
            overrides: Vec::new(),
            week: [None; 7],
            day_covers: 0,
        }
    }

    /// Fills [`Site::week`] and [`Site::day_covers`] from the site's templates.
    pub(crate) fn learn_week(&mut self, templates: &[CompiledTemplate]) {
        for &t in &self.templates {
            let template = &templates[t as usize];
            self.day_covers += template.pieces.len() + template.breaks.len();
            let (Some(first), Some(last)) = (template.pieces.first(), template.pieces.last())
            else {
                continue;
            };
            let (start, end) = (
                first.0,
                template.pieces.iter().map(|p| p.1).fold(last.1, u32::max),
            );
            for (weekday, hours) in self.week.iter_mut().enumerate() {
                let falls = match &template.days {
                    DaySet::Weekly(mask) => mask & (1 << weekday) != 0,
                    DaySet::Dates(_) => true,
                };
                if falls {
                    *hours = Some(hours.map_or((start, end), |(s, e)| (s.min(start), e.max(end))));
                }
            }
        }
    }
}

pub(crate) struct CompiledCalendar {
    pub(crate) doctor_id: Id,
    pub(crate) sites: Vec<Site>,
    pub(crate) templates: Vec<CompiledTemplate>,
    pub(crate) overrides: Vec<CompiledOverride>,
    pub(crate) leaves: Vec<CompiledLeave>,
    pub(crate) emergencies: Vec<InstantRule>,
    pub(crate) forced_blocks: Vec<InstantRule>,
    /// Every room a template or override puts the doctor in, sorted, once each.
    pub(crate) rooms: Vec<Id>,
    /// The widest session buffers before and after, in seconds, over templates and overrides.
    pub(crate) widest_buffers: (i64, i64),
    /// Whether a session or override hours run past midnight into the next day.
    pub(crate) night: bool,
    /// The doctor's booking limits, checked.
    pub(crate) booking_limits: BookingLimits,
}

impl CompiledCalendar {
    /// The doctor's only site when its hours by weekday tell everything ([`OneSite`]).
    pub(crate) fn one_site(&self) -> Option<OneSite> {
        match self.sites.as_slice() {
            [site] if !self.night => {
                let date = |i: &u32| self.overrides[*i as usize].date;
                let dates = || site.overrides.iter().map(date);
                let span = dates().min().zip(dates().max());
                Some(OneSite {
                    location: site.location,
                    week: site.week,
                    overrides: span,
                })
            }
            _ => None,
        }
    }
}

/// A compiled clinic shared by the availabilities of its doctors.
pub(crate) type SharedClinic = Arc<CompiledClinic>;
