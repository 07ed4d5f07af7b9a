//! Analytics and pictures for apps: the core's `Analytics` fold and SVG pictures, JSON in
//! and out (docs/ANALYTICS.md), as the Python and Node bindings expose them.

use std::sync::{Mutex, MutexGuard};

use medsched::{
    Interval,
    analytics::{Analytics as CoreAnalytics, CalibrationRow, Observation, Report, ReportTable},
    pictures::{self, WeekPicture},
    store::{Event, FeedEntry},
};
use medsched_facade::json::{parse, text};
use medsched_facade::values::date;

use crate::error::Result;

/// A tenant's running analytics (`medsched::analytics::Analytics`): feed pages, observations
/// and offered timelines folded in, reports out. Safe to share between threads; calls on
/// one object run one at a time.
#[derive(uniffi::Object)]
pub struct Analytics {
    inner: Mutex<CoreAnalytics>,
}

impl Analytics {
    fn lock(&self) -> MutexGuard<'_, CoreAnalytics> {
        // Only a panic in the core (a bug, which UniFFI reports to the caller) poisons the
        // lock; later calls take it over rather than fail for good, though a fold that
        // panicked may have left part of its page folded.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[uniffi::export]
impl Analytics {
    /// Empty analytics of a clinic in `time_zone` (an IANA name).
    #[uniffi::constructor]
    pub fn new(time_zone: String) -> Result<Self> {
        Ok(Analytics {
            inner: Mutex::new(CoreAnalytics::new(&time_zone)?),
        })
    }

    /// The last feed position folded.
    pub fn position(&self) -> u64 {
        self.lock().position()
    }

    /// Folds a page of `FeedEntry` JSON (a list).
    pub fn fold(&self, page_json: String) -> Result<()> {
        let page: Vec<FeedEntry> = parse("page", &page_json)?;
        Ok(self.lock().fold(&page)?)
    }

    /// Records an `Observation` (JSON).
    pub fn record(&self, observation_json: String) -> Result<()> {
        let observation: Observation = parse("observation", &observation_json)?;
        Ok(self.lock().record(&observation)?)
    }

    /// Offers a doctor's timeline (`Interval` JSON, a list) for the dates `first` to `last`.
    pub fn offer(
        &self,
        doctor_id: String,
        first: String,
        last: String,
        intervals_json: String,
    ) -> Result<()> {
        let (first, last) = (date("first", &first)?, date("last", &last)?);
        let intervals: Vec<Interval> = parse("intervals", &intervals_json)?;
        Ok(self.lock().offer(&doctor_id, first, last, &intervals)?)
    }

    /// The report of the dates `first` to `last`, as `Report` JSON.
    pub fn report(&self, first: String, last: String) -> Result<String> {
        let (first, last) = (date("first", &first)?, date("last", &last)?);
        Ok(text(&self.lock().report(first, last)?))
    }
}

/// One table of a `Report` (JSON) as CSV text; `table` is its name, e.g. `"doctors"`.
#[uniffi::export]
pub fn report_csv(report_json: String, table: String) -> Result<String> {
    let report: Report = parse("report", &report_json)?;
    let table: ReportTable = parse("table", &text(&table))?;
    Ok(report.csv(table))
}

/// A doctor's week (`WeekPicture` JSON) as SVG text.
#[uniffi::export]
pub fn week_svg(picture_json: String) -> Result<String> {
    let picture: WeekPicture = parse("picture", &picture_json)?;
    Ok(pictures::week_svg(&picture)?)
}

/// A day's token queue (`Event` JSON, a list) as SVG text.
#[uniffi::export]
pub fn queue_svg(title: String, time_zone: String, events_json: String) -> Result<String> {
    let events: Vec<Event> = parse("events", &events_json)?;
    Ok(pictures::queue_svg(&title, &time_zone, &events)?)
}

/// The wait calibration (`CalibrationRow` JSON, a list) as SVG text.
#[uniffi::export]
pub fn calibration_svg(title: String, rows_json: String) -> Result<String> {
    let rows: Vec<CalibrationRow> = parse("rows", &rows_json)?;
    Ok(pictures::calibration_svg(&title, &rows)?)
}
