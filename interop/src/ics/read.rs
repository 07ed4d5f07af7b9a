//! External calendars (`.ics`) as busy time: events with their recurrences, and free/busy.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::parser::{Component, Property, read_calendar};
use medsched::{BusyTime, Error, Problem, Result};
use rrule::{Frequency, RRule, Unvalidated};
use serde::{Deserialize, Serialize};

use crate::InteropLimits;

/// What [`read_ics`] reads: busy time overlapping `start`..`end`, floating times and
/// all-day events without a `TZID` in `time_zone`.
///
/// ```
/// use medsched_interop::IcsRead;
///
/// let read: IcsRead = serde_json::from_str(r#"{"start": "2026-03-01T00:00:00Z",
///     "end": "2026-04-01T00:00:00Z", "time_zone": "Europe/London"}"#).unwrap();
/// assert_eq!(read.limits.max_occurrences, 20_000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IcsRead {
    /// Start of the window (busy times ending at or before it are left out).
    pub start: DateTime<Utc>,
    /// End of the window (busy times starting at or after it are left out).
    pub end: DateTime<Utc>,
    /// The zone of floating times and of all-day events (the doctor's zone).
    pub time_zone: Tz,
    /// Bounds on the input and the expansion.
    #[serde(default)]
    pub limits: InteropLimits,
}

impl IcsRead {
    /// A window with the default limits.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>, time_zone: Tz) -> IcsRead {
        IcsRead {
            start,
            end,
            time_zone,
            limits: InteropLimits::DEFAULT,
        }
    }
}

/// A date or date-time value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Date(NaiveDate),
    Utc(DateTime<Utc>),
    Local(NaiveDateTime, Tz),
}

/// The content lines of a calendar, unfolded, with the first physical line of each.
struct Text {
    unfolded: String,
    starts: Vec<(usize, usize)>,
}

impl Text {
    fn new(text: &str) -> Text {
        let mut unfolded = String::with_capacity(text.len());
        let mut starts = Vec::new();
        for (n, raw) in text.split('\n').enumerate() {
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            if let Some(rest) = raw.strip_prefix([' ', '\t']).filter(|_| !starts.is_empty()) {
                unfolded.push_str(rest);
            } else {
                if !starts.is_empty() {
                    unfolded.push_str("\r\n");
                }
                starts.push((unfolded.len(), n + 1));
                unfolded.push_str(raw);
            }
        }
        unfolded.push_str("\r\n");
        Text { unfolded, starts }
    }

    /// The physical line a property starts on.
    fn line(&self, property: &Property<'_>) -> usize {
        let base = self.unfolded.as_ptr() as usize;
        let at = (property.name.as_str().as_ptr() as usize).wrapping_sub(base);
        match self.starts.binary_search_by(|(start, _)| start.cmp(&at)) {
            Ok(i) => self.starts[i].1,
            Err(i) => self.starts[i.saturating_sub(1)].1,
        }
    }
}

struct Reader<'t> {
    text: &'t Text,
    request: &'t IcsRead,
    busy: Vec<BusyTime>,
}

/// One event as read.
struct Event<'a> {
    line: usize,
    uid: Option<String>,
    start: When,
    length: Length,
    rrule: Option<&'a Property<'a>>,
    rdates: Vec<When>,
    exdates: Vec<When>,
    recurrence_id: Option<When>,
    busy: bool,
}

enum Length {
    Exact(Duration),
    Days(i64),
}

/// Reads an iCalendar text as busy time in the window of `request`, by start then id.
///
/// - `VEVENT`s are busy unless `STATUS:CANCELLED` or `TRANSP:TRANSPARENT`. Their end is
///   `DTEND`, or `DTSTART` + `DURATION`, or one day for an all-day event; an event without
///   one lasts no time and is left out.
/// - Times are read in their own zone: `TZID` (an IANA name), UTC (`…Z`), or floating and
///   all-day in `request.time_zone`. A local time in a DST gap is read with the offset
///   before the gap (09:30 that does not exist is 10:30 after a one-hour spring gap), and a
///   repeated one as its first occurrence, as RFC 5545 3.3.5 says.
/// - `RRULE` (expanded with the `rrule` crate in the event's zone, so a weekly 09:00 stays
///   at 09:00 across DST), `RDATE`, `EXDATE` and overriding instances (`RECURRENCE-ID`,
///   which replace or, when cancelled, remove one occurrence).
/// - `VFREEBUSY`: each `FREEBUSY` period of type `BUSY`, `BUSY-UNAVAILABLE` or
///   `BUSY-TENTATIVE` (the default is `BUSY`; `FREE` is left out).
///
/// Ids are the event's `UID` (`line N` when it has none), with `/` and the occurrence's
/// start in UTC (`20260302T083000Z`) for a recurring event or a free/busy period.
///
/// Refused, naming `line N PROPERTY` (the physical line): text that is not iCalendar or
/// past [`InteropLimits::max_bytes`]; a missing or malformed `DTSTART`, date, duration or
/// period; a `TZID` that is not an IANA zone; an invalid `RRULE`; an end before the start;
/// more components, busy times or recurrence steps than the limits.
///
/// ```
/// use chrono::{DateTime, Utc};
/// use medsched_interop::{IcsRead, read_ics};
///
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let window = IcsRead::new(t("2026-03-01T00:00:00Z"), t("2026-04-01T00:00:00Z"),
///     chrono_tz::Europe::London);
/// let ics = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:leave\nDTSTART;VALUE=DATE:20260330\n\
///     END:VEVENT\nEND:VCALENDAR\n";
/// let busy = read_ics(ics, &window)?;
/// // An all-day event on the first day of British Summer Time: midnight to midnight there.
/// assert_eq!((busy[0].start, busy[0].end), (t("2026-03-29T23:00:00Z"), t("2026-03-30T23:00:00Z")));
///
/// let err = read_ics("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:2026-03-02\nEND:VEVENT\nEND:VCALENDAR\n", &window).unwrap_err();
/// assert_eq!(err.field(), Some("line 4 DTSTART"));
/// # Ok::<(), medsched::Error>(())
/// ```
pub fn read_ics(ics: &str, request: &IcsRead) -> Result<Vec<BusyTime>> {
    let limits = &request.limits;
    InteropLimits::check("ics", ics.len(), limits.max_bytes, "bytes")?;
    if request.end <= request.start {
        return Err(Error::invalid_input(
            "end",
            request.end.to_rfc3339(),
            Problem::EndNotAfterStart,
        ));
    }
    let text = Text::new(ics);
    let calendar = read_calendar(&text.unfolded).map_err(|e| {
        let first = e.lines().take(3).collect::<Vec<_>>().join(" / ");
        Error::invalid_input("ics", cut(ics), Problem::Malformed(cut(&first)))
    })?;
    let components: Vec<&Component<'_>> = (calendar.components.iter())
        .filter(|c| matches!(c.name.as_str(), "VEVENT" | "VFREEBUSY"))
        .collect();
    InteropLimits::check("ics", components.len(), limits.max_components, "components")?;
    let mut reader = Reader {
        text: &text,
        request,
        busy: Vec::new(),
    };
    let mut events: Vec<Event<'_>> = Vec::new();
    for c in &components {
        if c.name.as_str() == "VFREEBUSY" {
            reader.free_busy(c)?;
        } else if let Some(event) = reader.event(c)? {
            events.push(event);
        }
    }
    // Overriding instances by UID and RECURRENCE-ID.
    let mut overrides: BTreeMap<&str, Vec<DateTime<Utc>>> = BTreeMap::new();
    for e in &events {
        if let (Some(uid), Some(at)) = (&e.uid, e.recurrence_id) {
            let at = reader.instant(at);
            overrides.entry(uid.as_str()).or_default().push(at);
        }
    }
    for e in &events {
        let skip = match (&e.uid, e.recurrence_id) {
            (Some(uid), None) => overrides.get(uid.as_str()).map_or(&[][..], Vec::as_slice),
            _ => &[],
        };
        reader.occurrences(e, skip)?;
    }
    let mut busy = reader.busy;
    busy.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    Ok(busy)
}

fn cut(text: &str) -> String {
    text.chars().take(200).collect()
}

fn param<'a>(p: &'a Property<'a>, key: &str) -> Option<&'a str> {
    (p.params.iter())
        .find(|x| x.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|x| x.val.as_ref())
        .map(|v| v.as_str().trim_matches('"'))
}

fn compact(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The instant of a local time: the first of two, the offset before a gap.
fn resolve(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    if let Some(at) = tz.from_local_datetime(&local).earliest() {
        return at.with_timezone(&Utc);
    }
    for back in [6, 30, 54] {
        let probe = local - Duration::hours(back);
        if let Some(at) = tz.from_local_datetime(&probe).earliest() {
            let offset = at.offset().fix_seconds();
            return (local - Duration::seconds(offset.into())).and_utc();
        }
    }
    local.and_utc()
}

trait FixSeconds {
    fn fix_seconds(&self) -> i32;
}

impl FixSeconds for chrono_tz::TzOffset {
    fn fix_seconds(&self) -> i32 {
        chrono::Offset::fix(self).local_minus_utc()
    }
}

/// An RFC 5545 duration: `[+-]P…W`, or `[+-]P[nD][T[nH][nM][nS]]`.
fn duration(text: &str) -> Option<Duration> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let rest = rest.strip_prefix('P')?;
    let mut total = Duration::zero();
    let mut number = String::new();
    let mut in_time = false;
    let mut any = false;
    for c in rest.chars() {
        match c {
            '0'..='9' if number.len() < 9 => number.push(c),
            'T' if !in_time && number.is_empty() => in_time = true,
            'W' | 'D' | 'H' | 'M' | 'S' if !number.is_empty() => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                any = true;
                total += match (c, in_time) {
                    ('W', false) => Duration::weeks(n),
                    ('D', false) => Duration::days(n),
                    ('H', true) => Duration::hours(n),
                    ('M', true) => Duration::minutes(n),
                    ('S', true) => Duration::seconds(n),
                    _ => return None,
                };
            }
            _ => return None,
        }
    }
    (any && number.is_empty()).then_some(if negative { -total } else { total })
}

impl<'t> Reader<'t> {
    fn error(&self, p: &Property<'_>, problem: Problem) -> Error {
        let field = format!("line {} {}", self.text.line(p), p.name.as_str());
        Error::invalid_input(field, cut(p.val.as_str()), problem)
    }

    fn when_text(&self, p: &Property<'_>, value: &str) -> Result<When> {
        let bad = |what: &str| self.error(p, Problem::Malformed(what.into()));
        let is_date =
            param(p, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE")) || value.len() == 8;
        if is_date {
            let date = NaiveDate::parse_from_str(value, "%Y%m%d")
                .map_err(|_| bad("a date is YYYYMMDD"))?;
            return Ok(When::Date(date));
        }
        let (local, utc) = match value.strip_suffix('Z') {
            Some(v) => (v, true),
            None => (value, false),
        };
        let at = NaiveDateTime::parse_from_str(local, "%Y%m%dT%H%M%S")
            .map_err(|_| bad("a date-time is YYYYMMDDTHHMMSS, with Z for UTC"))?;
        if utc {
            return Ok(When::Utc(at.and_utc()));
        }
        match param(p, "TZID") {
            None => Ok(When::Local(at, self.request.time_zone)),
            Some(name) => {
                let tz: Tz = name.trim_start_matches('/').parse().map_err(|_| {
                    Error::invalid_input(
                        format!("line {} {};TZID", self.text.line(p), p.name.as_str()),
                        name,
                        Problem::UnknownTimeZone,
                    )
                })?;
                Ok(When::Local(at, tz))
            }
        }
    }

    fn when(&self, p: &Property<'_>) -> Result<When> {
        self.when_text(p, p.val.as_str().trim())
    }

    fn whens(&self, p: &Property<'_>) -> Result<Vec<When>> {
        let value = p.val.as_str();
        (value.split(',').map(str::trim).filter(|v| !v.is_empty()))
            .map(|v| self.when_text(p, v))
            .collect()
    }

    fn instant(&self, when: When) -> DateTime<Utc> {
        match when {
            When::Utc(at) => at,
            When::Local(at, tz) => resolve(tz, at),
            When::Date(d) => resolve(self.request.time_zone, d.and_time(chrono::NaiveTime::MIN)),
        }
    }

    fn push(&mut self, id: String, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<()> {
        if end <= start || end <= self.request.start || start >= self.request.end {
            return Ok(());
        }
        let max = self.request.limits.max_occurrences;
        InteropLimits::check("ics", self.busy.len() + 1, max, "busy times")?;
        self.busy.push(BusyTime::new(id, start, end));
        Ok(())
    }

    fn event<'a>(&self, c: &'a Component<'a>) -> Result<Option<Event<'a>>> {
        let find = |name: &str| c.properties.iter().find(|p| p.name.as_str() == name);
        let Some(start_prop) = find("DTSTART") else {
            let line = c.properties.first().map_or(0, |p| self.text.line(p));
            return Err(Error::invalid_input(
                format!("line {line} VEVENT"),
                "",
                Problem::Missing("DTSTART".into()),
            ));
        };
        let start = self.when(start_prop)?;
        let length = if let Some(end) = find("DTEND") {
            let end_at = self.when(end)?;
            let length = match (start, end_at) {
                (When::Date(a), When::Date(b)) => Length::Days((b - a).num_days()),
                (a, b) => Length::Exact(self.instant(b) - self.instant(a)),
            };
            if matches!(length, Length::Days(d) if d < 0)
                || matches!(length, Length::Exact(d) if d < Duration::zero())
            {
                return Err(self.error(end, Problem::EndNotAfterStart));
            }
            length
        } else if let Some(d) = find("DURATION") {
            let length = duration(d.val.as_str().trim()).ok_or_else(|| {
                self.error(
                    d,
                    Problem::Malformed("a duration such as PT1H30M or P1D".into()),
                )
            })?;
            if length < Duration::zero() {
                return Err(self.error(d, Problem::EndNotAfterStart));
            }
            match start {
                When::Date(_) if length.num_seconds() % 86_400 == 0 => {
                    Length::Days(length.num_days())
                }
                _ => Length::Exact(length),
            }
        } else if matches!(start, When::Date(_)) {
            Length::Days(1)
        } else {
            Length::Exact(Duration::zero())
        };
        let is = |name: &str, value: &str| {
            find(name).is_some_and(|p| p.val.as_str().trim().eq_ignore_ascii_case(value))
        };
        let mut rdates = Vec::new();
        let mut exdates = Vec::new();
        for p in &c.properties {
            match p.name.as_str() {
                "RDATE" if param(p, "VALUE").is_none_or(|v| !v.eq_ignore_ascii_case("PERIOD")) => {
                    rdates.extend(self.whens(p)?);
                }
                "EXDATE" => exdates.extend(self.whens(p)?),
                _ => {}
            }
        }
        let recurrence_id = find("RECURRENCE-ID").map(|p| self.when(p)).transpose()?;
        Ok(Some(Event {
            line: self.text.line(start_prop),
            uid: find("UID")
                .map(|p| p.val.as_str().trim().to_owned())
                .filter(|u| !u.is_empty()),
            start,
            length,
            rrule: find("RRULE"),
            rdates,
            exdates,
            recurrence_id,
            busy: !is("STATUS", "CANCELLED") && !is("TRANSP", "TRANSPARENT"),
        }))
    }

    fn end_of(&self, start: When, length: &Length) -> DateTime<Utc> {
        match (start, length) {
            (When::Date(d), Length::Days(n)) => {
                let end = d.checked_add_signed(Duration::days(*n)).unwrap_or(d);
                self.instant(When::Date(end))
            }
            (s, Length::Exact(d)) => self.instant(s) + *d,
            (s, Length::Days(n)) => self.instant(s) + Duration::days(*n),
        }
    }

    fn occurrences(&mut self, e: &Event<'_>, overridden: &[DateTime<Utc>]) -> Result<()> {
        if !e.busy {
            return Ok(());
        }
        let base = e.uid.clone().unwrap_or_else(|| format!("line {}", e.line));
        if let Some(recurrence_id) = e.recurrence_id {
            let id = format!("{base}/{}", compact(self.instant(recurrence_id)));
            return self.push(id, self.instant(e.start), self.end_of(e.start, &e.length));
        }
        let mut starts: Vec<When> = e.rdates.clone();
        match e.rrule {
            Some(rule) => starts.extend(self.expand(e, rule)?),
            None if starts.is_empty() => {
                return self.push(base, self.instant(e.start), self.end_of(e.start, &e.length));
            }
            None => starts.push(e.start),
        }
        let excluded: Vec<DateTime<Utc>> = e.exdates.iter().map(|w| self.instant(*w)).collect();
        starts.sort_by_key(|w| self.instant(*w));
        starts.dedup_by_key(|w| self.instant(*w));
        for s in starts {
            let at = self.instant(s);
            if excluded.contains(&at) || overridden.contains(&at) {
                continue;
            }
            self.push(
                format!("{base}/{}", compact(at)),
                at,
                self.end_of(s, &e.length),
            )?;
        }
        Ok(())
    }

    /// The starts of a recurring event that can overlap the window, in its own zone.
    fn expand(&self, e: &Event<'_>, rule: &Property<'_>) -> Result<Vec<When>> {
        let text = rule.val.as_str().trim();
        let invalid = |reason: String| self.error(rule, Problem::InvalidRecurrence(cut(&reason)));
        // The rrule crate slices a weekday such as `BYDAY=Rë` inside a character: refused.
        if let Some(c) = text.chars().find(|c| !c.is_ascii()) {
            return Err(invalid(format!("it must be ASCII text, not {c:?}")));
        }
        let parsed: RRule<Unvalidated> = text.parse().map_err(|e| invalid(format!("{e}")))?;
        let (zone, local) = match e.start {
            When::Utc(at) => (chrono_tz::UTC, at.naive_utc()),
            When::Local(at, tz) => (tz, at),
            When::Date(d) => (self.request.time_zone, d.and_time(chrono::NaiveTime::MIN)),
        };
        let rtz = rrule::Tz::Tz(zone);
        let dtstart = match rtz.from_local_datetime(&local).earliest() {
            Some(at) => at,
            None => resolve(zone, local).with_timezone(&rtz),
        };
        let first = self.instant(e.start);
        // The work of stepping from DTSTART to the window's end, bounded.
        let step = match parsed.get_freq() {
            Frequency::Yearly => 366 * 86_400,
            Frequency::Monthly => 28 * 86_400,
            Frequency::Weekly => 7 * 86_400,
            Frequency::Daily => 86_400,
            Frequency::Hourly => 3_600,
            Frequency::Minutely => 60,
            Frequency::Secondly => 1,
        } * i64::from(parsed.get_interval().max(1));
        let steps = (self.request.end - first).num_seconds().max(0) / step;
        let limits = &self.request.limits;
        let counted = parsed
            .get_count()
            .is_some_and(|c| c <= limits.max_recurrence_steps);
        if !counted && steps > i64::from(limits.max_recurrence_steps) {
            return Err(self.error(
                rule,
                Problem::OutOfRange(format!(
                    "{steps} steps from DTSTART to the window's end, at most {}",
                    limits.max_recurrence_steps
                )),
            ));
        }
        let set = parsed.build(dtstart).map_err(|e| invalid(format!("{e}")))?;
        let longest = self.end_of(e.start, &e.length) - first + Duration::days(2);
        let after = (self.request.start - longest).with_timezone(&rtz);
        let before = self.request.end.with_timezone(&rtz);
        let room = limits
            .max_occurrences
            .saturating_sub(self.busy.len() as u32);
        let cap = u16::try_from(room.saturating_add(1)).unwrap_or(u16::MAX);
        let found = set.after(after).before(before).all(cap);
        if found.dates.len() >= usize::from(cap) && usize::from(cap) > room as usize {
            return Err(self.error(
                rule,
                Problem::OutOfRange(format!("more than {room} occurrences in the window")),
            ));
        }
        Ok(found
            .dates
            .into_iter()
            .map(|d| match e.start {
                When::Date(_) => When::Date(d.date_naive()),
                When::Utc(_) => When::Utc(d.with_timezone(&Utc)),
                When::Local(_, tz) => When::Local(d.naive_local(), tz),
            })
            .collect())
    }

    fn free_busy(&mut self, c: &Component<'_>) -> Result<()> {
        let uid = (c.properties.iter())
            .find(|p| p.name.as_str() == "UID")
            .map_or_else(
                || "freebusy".to_owned(),
                |p| p.val.as_str().trim().to_owned(),
            );
        for p in c
            .properties
            .iter()
            .filter(|p| p.name.as_str() == "FREEBUSY")
        {
            let kind = param(p, "FBTYPE").unwrap_or("BUSY").to_ascii_uppercase();
            if kind == "FREE" {
                continue;
            }
            for period in p.val.as_str().split(',').map(str::trim) {
                let bad = || {
                    self.error(
                        p,
                        Problem::Malformed("a period is start/end or start/duration".into()),
                    )
                };
                let (start, rest) = period.split_once('/').ok_or_else(bad)?;
                let start = self.instant(self.when_text(p, start)?);
                let end = if rest.starts_with(['P', '+', '-']) {
                    start + duration(rest).ok_or_else(bad)?
                } else {
                    self.instant(self.when_text(p, rest)?)
                };
                if end <= start {
                    return Err(self.error(p, Problem::EndNotAfterStart));
                }
                self.push(format!("{uid}/{}", compact(start)), start, end)?;
            }
        }
        Ok(())
    }
}
