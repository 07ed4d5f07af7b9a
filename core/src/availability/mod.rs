//! Availability: a doctor's compiled rules, resolved into open and closed time with the rule
//! behind every decision.

pub(crate) mod compile;
pub(crate) mod covers;
pub(crate) mod local_time;
mod recurrence;
pub(crate) mod sweep;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use self::compile::{CompiledCalendar, SharedClinic, check_instant, check_instant_up};
pub(crate) use self::covers::Purpose;
use self::covers::{Cover, EVERYWHERE, Effect};
pub(crate) use self::local_time::ZoneDays;
use self::sweep::{Decision, Resolution, applies, decide};
use crate::{
    Clinic, DoctorCalendar, Error, Explanation, Id, Interval, Limits, Problem, Result, RuleKind,
    RuleRef, Status,
};

/// How [`Availability::resolve_with`] reports a timeline. The default is
/// [`Availability::resolve`]'s: one interval per decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResolveOptions {
    /// Merge open intervals that touch (one rule's time running into another's, or one
    /// location's into another's) into one open interval. It keeps the rule, rule id,
    /// location and room of its first piece, and the first requested leave of its pieces;
    /// closed intervals are never merged. Off by default.
    pub merge_open: bool,
}

/// The longest range one call resolves: 1,100 days (three years).
pub const MAX_RANGE_DAYS: i64 = 1_100;

/// A clinic's locations and holidays, validated and compiled once, shared (cheaply cloned) by
/// the [`Availability`] of each of its doctors.
///
/// # Example
///
/// ```
/// use medsched::{Clinic, ClinicRules, Location};
///
/// let clinic = Clinic {
///     locations: vec![Location::new("main", "Main", "Europe/London")],
///     holidays: vec![],
/// };
/// let rules = ClinicRules::new(&clinic)?;
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Clone)]
pub struct ClinicRules {
    pub(crate) inner: SharedClinic,
}

impl ClinicRules {
    /// Validates and compiles a clinic.
    ///
    /// # Errors
    ///
    /// See [`Clinic::validate`].
    pub fn new(clinic: &Clinic) -> Result<Self> {
        ClinicRules::with_limits(clinic, &Limits::DEFAULT)
    }

    /// Validates and compiles a clinic under other [`Limits`] than the defaults: the
    /// clinic's lists and texts are checked against them, and every [`Availability`]
    /// compiled against these rules keeps them (its calendar's sizes, its slots per call).
    ///
    /// # Errors
    ///
    /// See [`Clinic::validate`]; a list or text past a limit is refused with its field and
    /// problem `out_of_range`.
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::{Clinic, ClinicRules, Holiday, Limits, Location};
    ///
    /// let mut clinic = Clinic {
    ///     locations: vec![Location::new("main", "Main", "Europe/London")],
    ///     holidays: vec![],
    /// };
    /// for i in 0..3 {
    ///     let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 24 + i).unwrap();
    ///     clinic.holidays.push(Holiday::on(format!("h{i}"), "Closed", day));
    /// }
    /// let tight = Limits { max_exceptions: 2, ..Limits::DEFAULT };
    /// let err = ClinicRules::with_limits(&clinic, &tight).unwrap_err();
    /// assert_eq!(err.field(), Some("holidays"));
    /// assert_eq!(err.problem().unwrap().code(), "out_of_range");
    /// assert!(ClinicRules::new(&clinic).is_ok());
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn with_limits(clinic: &Clinic, limits: &Limits) -> Result<Self> {
        Ok(ClinicRules {
            inner: Arc::new(compile::compile_clinic(clinic, limits)?),
        })
    }

    /// Validates and compiles a clinic that declares its **roster**, the ids of its doctors:
    /// then a calendar of a doctor not on it is refused (`doctor_id`), and so is a
    /// reservation naming one in an occupancy a slot call or search reads
    /// (`reservations[i].doctor_id`), where without a roster a mistyped doctor id would
    /// silently block nothing. Without a roster ([`new`](Self::new),
    /// [`with_limits`](Self::with_limits)) every doctor id is accepted. See docs/RULES.md.
    ///
    /// # Errors
    ///
    /// As [`with_limits`](Self::with_limits); a doctor twice on the roster is refused
    /// (`roster[i]`, `duplicate_id`).
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::{Clinic, ClinicRules, DoctorCalendar, Id, Limits, Location, Availability};
    ///
    /// let clinic = Clinic {
    ///     locations: vec![Location::new("main", "Main", "Europe/London")],
    ///     holidays: vec![],
    /// };
    /// let roster: Vec<Id> = vec!["dr-asha".into(), "dr-ben".into()];
    /// let rules = ClinicRules::with_roster(&clinic, &Limits::DEFAULT, &roster)?;
    /// assert!(Availability::new(&rules, &DoctorCalendar::new("dr-asha")).is_ok());
    /// let err = Availability::new(&rules, &DoctorCalendar::new("dr-asa")).unwrap_err();
    /// assert_eq!((err.field(), err.value()), (Some("doctor_id"), Some("dr-asa")));
    /// assert_eq!(err.problem().unwrap().code(), "unknown_reference");
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn with_roster(clinic: &Clinic, limits: &Limits, roster: &[Id]) -> Result<Self> {
        let mut compiled = compile::compile_clinic(clinic, limits)?;
        compiled.roster = Some(compile::compile_roster(roster)?);
        Ok(ClinicRules {
            inner: Arc::new(compiled),
        })
    }

    /// The doctors the clinic declared, sorted, if it declared them
    /// ([`with_roster`](Self::with_roster)).
    pub fn roster(&self) -> Option<&[Id]> {
        self.inner.roster.as_deref()
    }

    /// The limits these rules were compiled with.
    ///
    /// ```
    /// # use medsched::{Clinic, ClinicRules, Limits};
    /// let rules = ClinicRules::new(&Clinic { locations: vec![], holidays: vec![] })?;
    /// assert_eq!(rules.limits(), &Limits::DEFAULT);
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// The time zone of a location, to show instants as local wall-clock times.
    ///
    /// ```
    /// # use medsched::{Clinic, ClinicRules, Location};
    /// let rules = ClinicRules::new(&Clinic {
    ///     locations: vec![Location::new("main", "Main", "Asia/Kathmandu")],
    ///     holidays: vec![],
    /// })?;
    /// assert_eq!(rules.time_zone("main"), Some(chrono_tz::Asia::Kathmandu));
    /// assert_eq!(rules.time_zone("elsewhere"), None);
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn time_zone(&self, location_id: &str) -> Option<chrono_tz::Tz> {
        let ix = self.inner.location_ix.get(location_id)?;
        Some(self.inner.locations[usize::from(*ix)].tz)
    }
}

impl std::fmt::Debug for ClinicRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClinicRules")
            .field("locations", &self.inner.locations.len())
            .field("holidays", &self.inner.holidays.len())
            .finish()
    }
}

/// One doctor's rules, validated and compiled: the object every availability and slot
/// question is asked of.
///
/// Compile once (when the rules change), then ask as often as needed: an `Availability` is
/// immutable, `Send` and `Sync`.
///
/// # Example
///
/// ```
/// use medsched::{
///     Availability, Clinic, ClinicRules, DoctorCalendar, Location, RuleKind, Session, Status,
///     WeeklyTemplate,
/// };
/// use chrono::{DateTime, Utc, Weekday};
///
/// let clinic = ClinicRules::new(&Clinic {
///     locations: vec![Location::new("kochi", "Kochi OPD", "Asia/Kolkata")],
///     holidays: vec![],
/// })?;
/// let mut calendar = DoctorCalendar::new("dr-asha");
/// calendar.templates.push(WeeklyTemplate {
///     weekdays: vec![Weekday::Mon],
///     sessions: vec![Session::new("09:00", "13:00")?],
///     ..WeeklyTemplate::new("mon-opd", "kochi")
/// });
/// let availability = Availability::new(&clinic, &calendar)?;
///
/// // Monday 2 March 2026, 09:00-13:00 in Kochi is 03:30-07:30 UTC.
/// let start: DateTime<Utc> = "2026-03-02T00:00:00Z".parse().unwrap();
/// let end: DateTime<Utc> = "2026-03-03T00:00:00Z".parse().unwrap();
/// let timeline = availability.resolve(start, end)?;
/// let open: Vec<_> = timeline.iter().filter(|i| i.status == Status::Open).collect();
/// assert_eq!(open.len(), 1);
/// assert_eq!(open[0].start.to_rfc3339(), "2026-03-02T03:30:00+00:00");
/// assert_eq!(open[0].rule, RuleKind::Base);
/// assert_eq!(open[0].rule_id.as_ref().unwrap().as_str(), "mon-opd");
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Clone)]
pub struct Availability {
    pub(crate) clinic: SharedClinic,
    pub(crate) calendar: Arc<CompiledCalendar>,
    /// The calendar's [`OneSite`](compile::OneSite), copied here: what a search reads to pass
    /// the doctor over.
    pub(crate) one_site: Option<compile::OneSite>,
}

impl std::fmt::Debug for Availability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Availability")
            .field("doctor_id", &self.calendar.doctor_id)
            .field("templates", &self.calendar.templates.len())
            .finish()
    }
}

/// Checks a UTC range and turns it into seconds.
pub(crate) fn check_range(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<(i64, i64)> {
    let s = check_instant_up(|| "start".into(), start)?;
    let e = check_instant_up(|| "end".into(), end)?;
    if e <= s {
        return Err(Error::invalid(
            "end",
            end.to_rfc3339(),
            Problem::EndNotAfterStart,
        ));
    }
    if e - s > MAX_RANGE_DAYS * local_time::DAY {
        return Err(Error::invalid(
            "end",
            end.to_rfc3339(),
            Problem::OutOfRange(format!("a range spans at most {MAX_RANGE_DAYS} days")),
        ));
    }
    Ok((s, e))
}

pub(crate) fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

impl Availability {
    /// Validates and compiles one doctor's calendar against its clinic.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the first bad field, for example
    /// `templates[0].sessions[1].start` overlapping another session, a break outside its
    /// session, an end before its start, an unknown location or room, a duplicate id, an
    /// `rrule` that does not parse, a zero slot length or capacity.
    pub fn new(clinic: &ClinicRules, calendar: &DoctorCalendar) -> Result<Self> {
        let calendar = compile::compile_calendar(&clinic.inner, calendar)?;
        Ok(Availability {
            clinic: clinic.inner.clone(),
            one_site: calendar.one_site(),
            calendar: Arc::new(calendar),
        })
    }

    /// The doctor these rules belong to.
    pub fn doctor_id(&self) -> &Id {
        &self.calendar.doctor_id
    }

    /// Whether a resolution of `[start, end)` for slots starting before `starts_before` may
    /// schedule anything (see [`covers::may_schedule`]): a search skips the doctors it says
    /// cannot.
    pub(crate) fn may_schedule(
        &self,
        start: i64,
        end: i64,
        starts_before: i64,
        zone_days: &ZoneDays,
    ) -> bool {
        match &self.one_site {
            Some(site) => covers::one_site_may_open(
                &self.clinic,
                site,
                (start, end),
                starts_before,
                zone_days,
            ),
            None => covers::may_schedule(
                &self.clinic,
                &self.calendar,
                (start, end),
                starts_before,
                zone_days,
            ),
        }
    }

    pub(crate) fn resolution(
        &self,
        start: i64,
        end: i64,
        purpose: Purpose,
        zone_days: &ZoneDays,
    ) -> Resolution {
        let covers = covers::covers(
            &self.clinic,
            &self.calendar,
            (start, end),
            purpose,
            zone_days,
        );
        if covers.is_empty() && matches!(purpose, Purpose::Slots { .. }) {
            // Nothing scheduled: no time to decide (a search passes many such doctors).
            return Resolution {
                covers,
                segments: Vec::new(),
            };
        }
        sweep::sweep(covers, start, end)
    }

    /// The timeline of `[start, end)`: consecutive intervals, each open or closed, each with
    /// the kind and id of the rule that decided it. Adjacent intervals with the same decision
    /// are merged; the first starts at `start` and the last ends at `end`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when `end` is not after `start`, the range exceeds
    /// [`MAX_RANGE_DAYS`], or an instant falls outside the years 1900–2200.
    pub fn resolve(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Vec<Interval>> {
        self.resolve_with(start, end, ResolveOptions::default())
    }

    /// [`resolve`](Self::resolve) with options: with
    /// [`merge_open`](ResolveOptions::merge_open), open intervals that touch are merged into
    /// one, for a host that shows when the doctor can be booked rather than which rule opens
    /// each stretch.
    ///
    /// # Errors
    ///
    /// As [`resolve`](Self::resolve).
    ///
    /// # Example
    ///
    /// ```
    /// use medsched::{
    ///     Availability, Clinic, ClinicRules, DoctorCalendar, Location, ResolveOptions,
    ///     Session, Status, WeeklyTemplate,
    /// };
    /// use chrono::{DateTime, Utc, Weekday};
    ///
    /// let clinic = ClinicRules::new(&Clinic {
    ///     locations: vec![Location::new("main", "Main", "UTC")],
    ///     holidays: vec![],
    /// })?;
    /// let mut calendar = DoctorCalendar::new("dr-asha");
    /// for (id, start, end) in [("morning", "09:00", "12:00"), ("noon", "12:00", "13:00")] {
    ///     calendar.templates.push(WeeklyTemplate {
    ///         weekdays: vec![Weekday::Mon],
    ///         sessions: vec![Session::new(start, end)?],
    ///         ..WeeklyTemplate::new(id, "main")
    ///     });
    /// }
    /// let doctor = Availability::new(&clinic, &calendar)?;
    /// let (start, end): (DateTime<Utc>, DateTime<Utc>) =
    ///     ("2026-03-02T08:00:00Z".parse().unwrap(), "2026-03-02T14:00:00Z".parse().unwrap());
    ///
    /// // By rule: 09:00-12:00 (morning) and 12:00-13:00 (noon) are two open intervals.
    /// let by_rule = doctor.resolve(start, end)?;
    /// assert_eq!(by_rule.iter().filter(|i| i.status == Status::Open).count(), 2);
    ///
    /// // Merged: one open interval 09:00-13:00, named by its first rule (morning).
    /// let merged = doctor.resolve_with(start, end, ResolveOptions { merge_open: true })?;
    /// let open: Vec<_> = merged.iter().filter(|i| i.status == Status::Open).collect();
    /// assert_eq!(open.len(), 1);
    /// assert_eq!(open[0].start.to_rfc3339(), "2026-03-02T09:00:00+00:00");
    /// assert_eq!(open[0].end.to_rfc3339(), "2026-03-02T13:00:00+00:00");
    /// assert_eq!(open[0].rule_id.as_ref().unwrap().as_str(), "morning");
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn resolve_with(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        options: ResolveOptions,
    ) -> Result<Vec<Interval>> {
        let (s, e) = check_range(start, end)?;
        let resolution = self.resolution(s, e, Purpose::Timeline, &ZoneDays::default());
        let mut out: Vec<Interval> = Vec::with_capacity(resolution.segments.len());
        for seg in &resolution.segments {
            let interval = self.interval(&resolution.covers, seg.start, seg.end, &seg.decision);
            match out.last_mut() {
                Some(last) if same_decision(last, &interval) => last.end = interval.end,
                Some(last) if options.merge_open && both_open(last, &interval) => {
                    last.end = interval.end;
                    last.tentative_leave_id = last
                        .tentative_leave_id
                        .take()
                        .or(interval.tentative_leave_id);
                }
                _ => out.push(interval),
            }
        }
        Ok(out)
    }

    /// The timeline of whole local dates `first` to `last` (inclusive) at a location, read in
    /// that location's time zone: from the midnight starting `first` to the midnight ending
    /// `last`, or, when a night session (or override hours) of `last` at that location runs
    /// past that midnight, to the end of that night, so the last date's night is whole. See
    /// [`resolve`](Self::resolve) and docs/RULES.md.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an unknown location, `last` before `first`, or a range
    /// [`resolve`](Self::resolve) refuses.
    pub fn resolve_dates(
        &self,
        location_id: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<Interval>> {
        let (start, end) = self.local_dates(location_id, first, last)?;
        if start == end {
            // Dates that never happened (Pacific/Apia skipped 2011-12-30).
            return Ok(Vec::new());
        }
        self.resolve(start, end)
    }

    /// The UTC range covering local dates `first` to `last` at a location, the night of
    /// `last` included.
    pub(crate) fn local_dates(
        &self,
        location_id: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
        let ix =
            *self.clinic.location_ix.get(location_id).ok_or_else(|| {
                Error::invalid("location_id", location_id, Problem::UnknownReference)
            })?;
        compile::check_date(|| "first".into(), first)?;
        compile::check_date(|| "last".into(), last)?;
        if last < first {
            return Err(Error::invalid("last", last, Problem::EndNotAfterStart));
        }
        let tz = self.clinic.locations[usize::from(ix)].tz;
        let midnight = local_time::wall_clock_instant(tz, last, compile::DAY_SECS);
        Ok((
            instant(local_time::wall_clock_instant(tz, first, 0)),
            instant(midnight.max(self.day_end(ix, last))),
        ))
    }

    /// The decision at one instant, the rule behind it, and the rules it overruled.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an instant outside the years 1900–2200.
    pub fn explain(&self, at: DateTime<Utc>) -> Result<Explanation> {
        let t = check_instant(|| "instant".into(), at)?;
        let covers = covers::covers(
            &self.clinic,
            &self.calendar,
            (t, t + 1),
            Purpose::Timeline,
            &ZoneDays::default(),
        );
        let active: Vec<u32> = (0..covers.len() as u32)
            .filter(|&c| covers[c as usize].start <= t && t < covers[c as usize].end)
            .collect();
        let decision = decide(&covers, &active);
        let location = decision.scheduled.map(|c| covers[c as usize].location);
        let mut overruled: Vec<(RuleKind, u32, RuleRef)> = active
            .iter()
            .map(|&c| &covers[c as usize])
            .filter(|c| {
                (applies(c, location) || c.effect == Effect::Open)
                    && !matches!(c.effect, Effect::Tentative | Effect::Break)
            })
            .map(|c| (c.kind, c.rule, self.rule_ref(c)))
            .filter(|(_, _, r)| {
                decision
                    .decider
                    .is_none_or(|d| *r != self.rule_ref(&covers[d as usize]))
            })
            .collect();
        overruled.sort_by_key(|a| (a.0, a.1));
        overruled.dedup_by(|a, b| a.2 == b.2);
        let interval = self.interval(&covers, t, t + 1, &decision);
        Ok(Explanation {
            instant: at,
            status: interval.status,
            rule: interval.rule,
            rule_id: interval.rule_id,
            location_id: interval.location_id,
            room_id: interval.room_id,
            tentative_leave_id: interval.tentative_leave_id,
            overruled: overruled.into_iter().map(|(_, _, r)| r).collect(),
        })
    }

    /// The id of the rule behind a cover.
    pub(crate) fn rule_id(&self, cover: &Cover) -> &Id {
        let i = cover.rule as usize;
        let cal = &self.calendar;
        match cover.kind {
            RuleKind::ForcedBlock => &cal.forced_blocks[i].id,
            RuleKind::Emergency => &cal.emergencies[i].id,
            RuleKind::Leave => &cal.leaves[i].id,
            RuleKind::Holiday => &self.clinic.holidays[i].id,
            RuleKind::Override => &cal.overrides[i].id,
            RuleKind::Base | RuleKind::Break | RuleKind::OutsideHours => &cal.templates[i].id,
        }
    }

    fn rule_ref(&self, cover: &Cover) -> RuleRef {
        RuleRef {
            kind: cover.kind,
            id: self.rule_id(cover).clone(),
        }
    }

    /// The room of an open (scheduling) cover.
    pub(crate) fn room_of(&self, cover: &Cover) -> Option<&Id> {
        match cover.kind {
            RuleKind::Override => self.calendar.overrides[cover.rule as usize].room.as_ref(),
            _ => self.calendar.templates[cover.rule as usize].room.as_ref(),
        }
    }

    /// Whether any template or override of this doctor puts them in `room`.
    pub(crate) fn uses_room(&self, room: &Id) -> bool {
        self.calendar.rooms.binary_search(room).is_ok()
    }

    /// Whether the doctor's calendar sets a booking limit.
    pub(crate) fn has_booking_limits(&self) -> bool {
        !self.calendar.booking_limits.is_empty()
    }

    /// The widest session buffers (before, after) of this doctor, in seconds.
    pub(crate) fn widest_buffers(&self) -> (i64, i64) {
        self.calendar.widest_buffers
    }

    /// The instant local `date` ends at a location for the booking horizon: its midnight,
    /// or the end of its sessions running past it (a night session belongs to the day it
    /// starts on).
    pub(crate) fn day_end(&self, location: compile::LocationIx, date: NaiveDate) -> i64 {
        let tz = self.clinic.locations[usize::from(location)].tz;
        match self.calendar.sites.iter().find(|s| s.location == location) {
            Some(site) => covers::day_end(&self.calendar, site, tz, date),
            None => local_time::wall_clock_instant(tz, date, compile::DAY_SECS),
        }
    }

    pub(crate) fn location_id(&self, location: compile::LocationIx) -> Option<&Id> {
        (location != EVERYWHERE).then(|| &self.clinic.locations[usize::from(location)].id)
    }

    fn interval(&self, covers: &[Cover], start: i64, end: i64, d: &Decision) -> Interval {
        let scheduled = d.scheduled.map(|c| &covers[c as usize]);
        let decider = d.decider.map(|c| &covers[c as usize]);
        Interval {
            start: instant(start),
            end: instant(end),
            status: if d.open { Status::Open } else { Status::Closed },
            rule: decider.map_or(RuleKind::OutsideHours, |c| c.kind),
            rule_id: decider.map(|c| self.rule_id(c).clone()),
            location_id: scheduled
                .and_then(|c| self.location_id(c.location))
                .cloned(),
            room_id: scheduled.and_then(|c| self.room_of(c)).cloned(),
            tentative_leave_id: d
                .tentative
                .map(|c| self.rule_id(&covers[c as usize]).clone()),
        }
    }
}

fn both_open(a: &Interval, b: &Interval) -> bool {
    a.end == b.start && a.status == Status::Open && b.status == Status::Open
}

fn same_decision(a: &Interval, b: &Interval) -> bool {
    a.end == b.start
        && a.status == b.status
        && a.rule == b.rule
        && a.rule_id == b.rule_id
        && a.location_id == b.location_id
        && a.room_id == b.room_id
        && a.tentative_leave_id == b.tentative_leave_id
}

impl Clinic {
    /// Checks every location and holiday.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) naming the first bad field: an
    /// unknown time zone, a duplicate id, a room capacity of zero, a holiday ending before it
    /// starts, a recurrence rule that does not parse or never fires, a list or text past the
    /// default [`Limits`].
    pub fn validate(&self) -> Result<()> {
        compile::compile_clinic(self, &Limits::DEFAULT).map(|_| ())
    }
}
