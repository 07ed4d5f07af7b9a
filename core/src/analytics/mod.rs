//! Analytics over the event log, folded incrementally from the change feed.
//!
//! An [`Analytics`] keeps running aggregates and the last feed position it folded: a host
//! hands it each new page of its tenant's feed ([`fold`](Analytics::fold)), never the
//! history again. Two things the feed does not hold come from the host: the time each doctor
//! was open for booking ([`offer`](Analytics::offer), the open intervals of
//! [`Availability::resolve`](crate::Availability::resolve)), and what it records itself
//! ([`record`](Analytics::record) an [`Observation`]: searches, and the wait estimates it
//! showed). [`report`](Analytics::report) sums a range of local dates into a [`Report`] of
//! plain records, each table also CSV ([`Report::csv`]).
//!
//! `docs/ANALYTICS.md` defines every figure.
//!
//! ```
//! use medsched::analytics::{Analytics, ReportTable};
//!
//! let analytics = Analytics::new("Asia/Kolkata")?;
//! let first = "2026-03-02".parse()?;
//! let report = analytics.report(first, first)?;
//! assert_eq!(report.position, 0);
//! assert!(report.csv(ReportTable::Utilisation).starts_with("dimension,key,"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod csv_out;
mod fold;
mod local;
mod observation;
mod report;

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::{Error, Id, Interval, MAX_RANGE_DAYS, Problem, Result, store::FeedEntry};

pub use csv_out::ReportTable;
pub use observation::{MAX_ESTIMATE_MINUTES, Observation};
pub use report::{
    CalibrationRow, ConversionRow, DoctorRow, HourRow, LeadTimeRow, Report, TokenKindRow,
    UtilisationRow,
};

/// The most feed entries one [`Analytics::fold`] call takes, and the most intervals one
/// [`Analytics::offer`] call takes.
pub const MAX_PAGE: usize = 10_000;

/// The running analytics of one tenant: aggregates by local date, and the feed position
/// folded up to.
///
/// Folding is incremental and order-preserving: folding a feed in pages of any size gives
/// the same aggregates as folding it at once. Entries at or below [`position`](Self::position)
/// are skipped, so re-reading a page is harmless.
///
/// Memory grows with the days, doctors and places reported on, plus one small record per
/// appointment that occupies its slot and per token (to time its wait and consultation).
///
/// # Example
///
/// ```
/// use chrono::{DateTime, Utc};
/// use medsched::analytics::{Analytics, Observation};
///
/// let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
/// let mut analytics = Analytics::new("Asia/Kolkata")?;
/// analytics.fold(&[])?; // a host folds each new page of its feed
/// analytics.record(&Observation::SearchRecorded {
///     at: t("2026-03-02T04:00:00Z"),
///     doctor_id: None,
///     patient_id: None,
/// })?;
/// let day = "2026-03-02".parse()?;
/// let report = analytics.report(day, day)?;
/// assert_eq!(report.conversion[0].searches, 1);
/// assert_eq!(report.conversion[0].rate, Some(0.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Analytics {
    tz: Tz,
    tenant: Option<Id>,
    position: u64,
    state: fold::State,
}

impl Analytics {
    /// Analytics whose hours, weekdays and dates are read in the IANA time zone `time_zone`
    /// (the clinic's).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] (field `time_zone`, problem `unknown_time_zone`).
    pub fn new(time_zone: &str) -> Result<Analytics> {
        let tz = time_zone
            .parse::<Tz>()
            .map_err(|_| Error::invalid("time_zone", time_zone, Problem::UnknownTimeZone))?;
        Ok(Analytics {
            tz,
            tenant: None,
            position: 0,
            state: fold::State::default(),
        })
    }

    /// The last feed position folded (0 before any).
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Folds a page of the tenant's feed (as [`Bookings::feed`](crate::booking::Bookings::feed)
    /// returns it). Entries at or below [`position`](Self::position) are skipped; the page
    /// is checked whole before anything is folded, so a refused page changes nothing.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`]: more than [`MAX_PAGE`] entries (field `feed`), positions not
    /// increasing (`feed[i].position`), an event of another tenant than the first folded
    /// (`feed[i].event.tenant`), or an appointment slot longer than a day
    /// (`feed[i].event.appointment.slot`).
    pub fn fold(&mut self, page: &[FeedEntry]) -> Result<()> {
        if page.len() > MAX_PAGE {
            return Err(Error::invalid(
                "feed",
                format!("{} entries", page.len()),
                Problem::OutOfRange(format!("at most {MAX_PAGE} entries a call")),
            ));
        }
        let mut tenant = self.tenant.clone();
        let mut last = self.position;
        let mut fresh = Vec::with_capacity(page.len());
        for (i, entry) in page.iter().enumerate() {
            if entry.position <= self.position {
                continue;
            }
            if entry.position <= last {
                return Err(Error::invalid(
                    format!("feed[{i}].position"),
                    entry.position,
                    Problem::OutOfRange(format!("a position after {last}")),
                ));
            }
            last = entry.position;
            match &tenant {
                Some(t) if *t != entry.event.tenant => {
                    return Err(Error::invalid(
                        format!("feed[{i}].event.tenant"),
                        &entry.event.tenant,
                        Problem::Conflicting(format!("the tenant folded so far, {t}")),
                    ));
                }
                Some(_) => {}
                None => tenant = Some(entry.event.tenant.clone()),
            }
            check_slot(i, entry)?;
            fresh.push(entry);
        }
        for entry in fresh {
            self.state.event(self.tz, entry);
        }
        self.tenant = tenant;
        self.position = last;
        Ok(())
    }

    /// Records a host observation (a search, a wait estimate shown).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an estimate that is not a finite number of minutes from
    /// 0 to [`MAX_ESTIMATE_MINUTES`] (`observation.minutes`) or has no doctor.
    pub fn record(&mut self, observation: &Observation) -> Result<()> {
        observation.validate()?;
        match observation {
            Observation::SearchRecorded { at, .. } => self.state.search(self.tz, *at),
            Observation::WaitEstimated {
                at,
                doctor_id,
                date,
                number,
                minutes,
            } => self
                .state
                .wait_estimated((*date, doctor_id.clone(), *number), *at, *minutes),
        }
        Ok(())
    }

    /// Sets the time `doctor_id` was open for booking on the local dates `first` to `last`:
    /// the open intervals among `intervals` (what
    /// [`Availability::resolve`](crate::Availability::resolve) returns for those dates),
    /// cut at local hours. It replaces what was offered for those dates before, so a host
    /// offers again after a rule change; time outside the dates is ignored.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`]: an empty doctor id, `last` before `first` or more than
    /// [`MAX_RANGE_DAYS`] days, more than [`MAX_PAGE`] intervals, or an interval that
    /// ends before it starts.
    pub fn offer(
        &mut self,
        doctor_id: &str,
        first: NaiveDate,
        last: NaiveDate,
        intervals: &[Interval],
    ) -> Result<()> {
        if doctor_id.is_empty() {
            return Err(Error::invalid(
                "doctor_id",
                "",
                Problem::Missing("a doctor id".into()),
            ));
        }
        check_dates(first, last)?;
        if intervals.len() > MAX_PAGE {
            return Err(Error::invalid(
                "intervals",
                format!("{} entries", intervals.len()),
                Problem::OutOfRange(format!("at most {MAX_PAGE} entries a call")),
            ));
        }
        let day = chrono::Duration::days(1);
        for (i, interval) in intervals.iter().enumerate() {
            if interval.end < interval.start {
                return Err(Error::invalid(
                    format!("intervals[{i}].end"),
                    interval.end,
                    Problem::EndNotAfterStart,
                ));
            }
        }
        // Only the part within the dates (a day of margin for the zone) is cut into hours.
        let lo = first.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - day;
        let hi = last.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() + day * 2;
        let clipped: Vec<Interval> = intervals
            .iter()
            .filter(|iv| iv.end > lo && iv.start < hi)
            .map(|iv| Interval {
                start: iv.start.max(lo),
                end: iv.end.min(hi),
                ..iv.clone()
            })
            .collect();
        self.state
            .offer(self.tz, &Id::from(doctor_id), (first, last), &clipped);
        Ok(())
    }

    /// The report of the local dates `first` to `last` (inclusive).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for `last` before `first` or a range of more than
    /// [`MAX_RANGE_DAYS`] days (field `last`).
    pub fn report(&self, first: NaiveDate, last: NaiveDate) -> Result<Report> {
        check_dates(first, last)?;
        Ok(report::build(&self.state, self.position, first, last))
    }
}

fn check_dates(first: NaiveDate, last: NaiveDate) -> Result<()> {
    let days = (last - first).num_days();
    if !(0..MAX_RANGE_DAYS).contains(&days) {
        return Err(Error::invalid(
            "last",
            last,
            Problem::OutOfRange(format!(
                "from first ({first}) to at most {MAX_RANGE_DAYS} days later"
            )),
        ));
    }
    Ok(())
}

/// Refuses an appointment slot longer than a day (no slot engine makes one): cutting it into
/// hours is the fold's only work that grows with a value.
fn check_slot(i: usize, entry: &FeedEntry) -> Result<()> {
    use crate::store::Change;
    let claim = match &entry.event.change {
        Change::AppointmentBooked { appointment } => &appointment.slot,
        Change::AppointmentRescheduled { to, .. } => to,
        _ => return Ok(()),
    };
    let length = claim.end - claim.start;
    if length < chrono::Duration::zero() || length > chrono::Duration::days(1) {
        return Err(Error::invalid(
            format!("feed[{i}].event.appointment.slot"),
            format!("{} to {}", claim.start, claim.end),
            Problem::OutOfRange("a slot of at most a day".into()),
        ));
    }
    Ok(())
}
