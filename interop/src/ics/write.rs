//! A doctor's time as iCalendar text: content lines folded at 75 octets, text escaped, times
//! in the doctor's zone with the zone's `VTIMEZONE` made from its transitions in the range.

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use medsched::booking::{AppointmentStatus as Status, HoldStatus};
use medsched::{Result, Status as Open};

use crate::Export;
use crate::export::is_off_hours;

/// iCalendar text being written.
struct Lines(String);

impl Lines {
    /// One content line, `name` with its parameters and `value` as given, folded.
    fn line(&mut self, name: &str, value: &str) {
        let line = format!("{name}:{value}");
        let mut width = 0;
        for c in line.chars() {
            if width + c.len_utf8() > 75 {
                self.0.push_str("\r\n ");
                width = 1;
            }
            self.0.push(c);
            width += c.len_utf8();
        }
        self.0.push_str("\r\n");
    }

    /// A TEXT value, escaped.
    fn text(&mut self, name: &str, value: &str) {
        let mut escaped = String::with_capacity(value.len());
        for c in value.chars() {
            match c {
                '\\' | ';' | ',' => {
                    escaped.push('\\');
                    escaped.push(c);
                }
                '\n' => escaped.push_str("\\n"),
                '\r' => {}
                _ => escaped.push(c),
            }
        }
        self.line(name, &escaped);
    }
}

fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

fn local(at: NaiveDateTime) -> String {
    at.format("%Y%m%dT%H%M%S").to_string()
}

fn offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    if s.is_multiple_of(60) {
        format!("{sign}{:02}{:02}", s / 3600, s / 60 % 60)
    } else {
        format!("{sign}{:02}{:02}{:02}", s / 3600, s / 60 % 60, s % 60)
    }
}

/// The zone's offset, whether it is daylight time, and its abbreviation at `at`.
fn observance(tz: Tz, at: DateTime<Utc>) -> (i32, bool, String) {
    let o = tz.offset_from_utc_datetime(&at.naive_utc());
    let name = o
        .abbreviation()
        .map_or_else(|| offset(o.fix().local_minus_utc()), str::to_owned);
    (o.fix().local_minus_utc(), !o.dst_offset().is_zero(), name)
}

/// The instants in `[start, end)` at which the zone's offset, daylight flag or name changes,
/// found day by day and then to the second.
fn transitions(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let mut found = Vec::new();
    let mut at = start;
    while at < end {
        let next = (at + Duration::days(1)).min(end);
        if observance(tz, at) != observance(tz, next) {
            let (mut lo, mut hi) = (at, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if observance(tz, mid) == observance(tz, lo) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            found.push(hi);
        }
        at = next;
    }
    found
}

impl Export {
    fn vtimezone(&self, lines: &mut Lines) {
        let tz = self.time_zone;
        // A day either side: an event's local time near the ends needs its offset.
        let from = self.start - Duration::days(1);
        let to = self.end + Duration::days(1);
        lines.line("BEGIN", "VTIMEZONE");
        lines.line("TZID", tz.name());
        let mut onsets = vec![(from, observance(tz, from))];
        onsets.extend(
            transitions(tz, from, to)
                .into_iter()
                .map(|t| (t, observance(tz, t))),
        );
        let mut before = observance(tz, from).0;
        for (at, (to_offset, daylight, name)) in onsets {
            let kind = if daylight { "DAYLIGHT" } else { "STANDARD" };
            lines.line("BEGIN", kind);
            // The onset in the local time in force before it.
            lines.line(
                "DTSTART",
                &local(at.naive_utc() + Duration::seconds(before.into())),
            );
            lines.line("TZOFFSETFROM", &offset(before));
            lines.line("TZOFFSETTO", &offset(to_offset));
            lines.text("TZNAME", &name);
            lines.line("END", kind);
            before = to_offset;
        }
        lines.line("END", "VTIMEZONE");
    }

    fn calendar_head(&self, lines: &mut Lines) {
        lines.line("BEGIN", "VCALENDAR");
        lines.line("VERSION", "2.0");
        lines.line("PRODID", "-//medsched//medsched-interop//EN");
        lines.line("CALSCALE", "GREGORIAN");
        lines.line("METHOD", "PUBLISH");
    }

    fn at_local(&self, lines: &mut Lines, name: &str, at: DateTime<Utc>) {
        let wall = at.with_timezone(&self.time_zone).naive_local();
        lines.line(
            &format!("{name};TZID={}", self.time_zone.name()),
            &local(wall),
        );
    }

    fn uid(&self, kind: &str, id: &str) -> String {
        format!("{}/{kind}/{id}", self.system)
    }

    #[allow(clippy::too_many_arguments)]
    fn event(
        &self,
        lines: &mut Lines,
        uid: &str,
        stamp: DateTime<Utc>,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        summary: &str,
        status: Option<&str>,
        busy: bool,
        location: Option<&str>,
    ) {
        lines.line("BEGIN", "VEVENT");
        lines.text("UID", uid);
        lines.line("DTSTAMP", &utc(stamp));
        self.at_local(lines, "DTSTART", start);
        self.at_local(lines, "DTEND", end);
        lines.text("SUMMARY", summary);
        if let Some(location) = location {
            lines.text("LOCATION", location);
        }
        if let Some(status) = status {
            lines.line("STATUS", status);
        }
        lines.line("TRANSP", if busy { "OPAQUE" } else { "TRANSPARENT" });
        lines.line("END", "VEVENT");
    }

    /// The doctor's iCalendar feed: one `VEVENT` per appointment (`STATUS` `TENTATIVE` when
    /// pending, `CONFIRMED` when confirmed, completed or a no-show, `CANCELLED` when
    /// cancelled or declined), per hold still held (`TENTATIVE`), and per open interval
    /// (`TRANSPARENT`, summary `Open hours`), with start and end in the export's zone
    /// (`DTSTART;TZID=…`) and the zone's `VTIMEZONE`, its observances computed from the
    /// zone's transitions around the range. `UID`s are `{system}/appointment/{id}`,
    /// `{system}/hold/{id}` and `{system}/open/{doctor}/{start}`; `DTSTAMP` is the
    /// appointment's last change, the hold's placing or the export's `now`.
    ///
    /// ```
    /// use chrono::{DateTime, Utc};
    /// use medsched::{Interval, RuleKind, Status};
    /// use medsched_interop::Export;
    ///
    /// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    /// let mut export = Export::new("dr-asha", chrono_tz::Asia::Kolkata,
    ///     t("2026-03-02T00:00:00Z"), t("2026-03-03T00:00:00Z"), t("2026-03-01T06:00:00Z"));
    /// export.intervals.push(Interval {
    ///     start: t("2026-03-02T03:30:00Z"), end: t("2026-03-02T07:30:00Z"),
    ///     status: Status::Open, rule: RuleKind::Base, rule_id: Some("weekday-opd".into()),
    ///     location_id: Some("kochi".into()), room_id: None, tentative_leave_id: None,
    /// });
    /// let ics = export.to_ics()?;
    /// assert!(ics.contains("DTSTART;TZID=Asia/Kolkata:20260302T090000\r\n"));
    /// assert!(ics.contains("TRANSP:TRANSPARENT\r\n"));
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn to_ics(&self) -> Result<String> {
        self.validate()?;
        let mut lines = Lines(String::new());
        self.calendar_head(&mut lines);
        lines.text("X-WR-CALNAME", &format!("{} (medsched)", self.doctor_id));
        lines.line("X-WR-TIMEZONE", self.time_zone.name());
        self.vtimezone(&mut lines);
        for a in &self.appointments {
            let status = match a.status {
                Status::Pending => "TENTATIVE",
                Status::Cancelled | Status::Declined => "CANCELLED",
                Status::Confirmed | Status::Completed | Status::NoShow => "CONFIRMED",
            };
            let summary = format!(
                "{} with {} ({})",
                a.slot.appointment_type_id,
                a.patient_id,
                a.status.as_str()
            );
            self.event(
                &mut lines,
                &self.uid("appointment", &a.id),
                a.updated_at,
                a.slot.start,
                a.slot.end,
                &summary,
                Some(status),
                a.status.occupies(),
                Some(&a.slot.location_id),
            );
        }
        for h in self.holds.iter().filter(|h| h.status == HoldStatus::Held) {
            let summary = format!("{} held for {}", h.slot.appointment_type_id, h.patient_id);
            self.event(
                &mut lines,
                &self.uid("hold", &h.id),
                h.placed_at,
                h.slot.start,
                h.slot.end,
                &summary,
                Some("TENTATIVE"),
                true,
                Some(&h.slot.location_id),
            );
        }
        for i in self.intervals.iter().filter(|i| i.status == Open::Open) {
            let uid = self.uid("open", &format!("{}/{}", self.doctor_id, utc(i.start)));
            self.event(
                &mut lines,
                &uid,
                self.now,
                i.start,
                i.end,
                "Open hours",
                None,
                false,
                i.location_id.as_deref(),
            );
        }
        lines.line("END", "VCALENDAR");
        Ok(lines.0)
    }

    /// The doctor's time as one `VFREEBUSY` from `start` to `end` (in UTC, as RFC 5545 asks):
    /// `FBTYPE=BUSY` for occupying appointments, `BUSY-TENTATIVE` for pending ones and held
    /// holds, `BUSY-UNAVAILABLE` for closed intervals other than outside hours, and `FREE`
    /// for open intervals, one period each, in that order.
    ///
    /// ```
    /// use chrono::{DateTime, Utc};
    /// use medsched::{Interval, RuleKind, Status};
    /// use medsched_interop::Export;
    ///
    /// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    /// let mut export = Export::new("dr-asha", chrono_tz::Asia::Kolkata,
    ///     t("2026-03-02T00:00:00Z"), t("2026-03-03T00:00:00Z"), t("2026-03-01T06:00:00Z"));
    /// export.intervals.push(Interval {
    ///     start: t("2026-03-02T03:30:00Z"), end: t("2026-03-02T07:30:00Z"),
    ///     status: Status::Closed, rule: RuleKind::Holiday, rule_id: Some("holi".into()),
    ///     location_id: Some("kochi".into()), room_id: None, tentative_leave_id: None,
    /// });
    /// let ics = export.to_freebusy()?;
    /// assert!(ics.contains("FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260302T033000Z/20260302T073000Z\r\n"));
    /// # Ok::<(), medsched::Error>(())
    /// ```
    pub fn to_freebusy(&self) -> Result<String> {
        self.validate()?;
        let mut lines = Lines(String::new());
        self.calendar_head(&mut lines);
        lines.line("BEGIN", "VFREEBUSY");
        lines.text(
            "UID",
            &self.uid(
                "freebusy",
                &format!("{}/{}", self.doctor_id, utc(self.start)),
            ),
        );
        lines.line("DTSTAMP", &utc(self.now));
        lines.line("DTSTART", &utc(self.start));
        lines.line("DTEND", &utc(self.end));
        let mut period = |kind: &str, start: DateTime<Utc>, end: DateTime<Utc>| {
            lines.line(
                &format!("FREEBUSY;FBTYPE={kind}"),
                &format!("{}/{}", utc(start), utc(end)),
            );
        };
        for a in self.appointments.iter().filter(|a| a.status.occupies()) {
            let kind = if a.status == Status::Pending {
                "BUSY-TENTATIVE"
            } else {
                "BUSY"
            };
            period(kind, a.slot.start, a.slot.end);
        }
        for h in self.holds.iter().filter(|h| h.status == HoldStatus::Held) {
            period("BUSY-TENTATIVE", h.slot.start, h.slot.end);
        }
        for i in &self.intervals {
            match (i.status, i.rule) {
                (Open::Closed, rule) if is_off_hours(rule) => {}
                (Open::Closed, _) => period("BUSY-UNAVAILABLE", i.start, i.end),
                (Open::Open, _) => period("FREE", i.start, i.end),
            }
        }
        lines.line("END", "VFREEBUSY");
        lines.line("END", "VCALENDAR");
        Ok(lines.0)
    }
}
