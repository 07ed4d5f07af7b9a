//! Analytics and pictures: the core's `Analytics` fold and SVG pictures, JSON in and out.

use medsched::analytics::{
    Analytics as CoreAnalytics, CalibrationRow, Observation, Report, ReportTable,
};
use medsched::pictures::{self, WeekPicture};
use medsched::store::{Event, FeedEntry};
use medsched_facade::json::{parse, text};
use medsched_facade::values::date;
use napi::Result;
use napi_derive::napi;

use crate::errors::done;

/// A tenant's running analytics (`medsched::analytics::Analytics`).
#[napi]
pub struct Analytics {
    inner: CoreAnalytics,
}

#[napi]
impl Analytics {
    /// Analytics read in the IANA time zone `time_zone`.
    #[napi(constructor)]
    pub fn new(time_zone: String) -> Result<Analytics> {
        Ok(Analytics {
            inner: done(CoreAnalytics::new(&time_zone))?,
        })
    }

    /// The last feed position folded.
    #[napi(getter)]
    pub fn position(&self) -> i64 {
        self.inner.position() as i64
    }

    /// Folds a page of `FeedEntry` JSON (a list).
    #[napi]
    pub fn fold(&mut self, page: String) -> Result<()> {
        let page: Vec<FeedEntry> = done(parse("page", &page))?;
        done(self.inner.fold(&page))
    }

    /// Records an `Observation` (JSON).
    #[napi]
    pub fn record(&mut self, observation: String) -> Result<()> {
        let observation: Observation = done(parse("observation", &observation))?;
        done(self.inner.record(&observation))
    }

    /// Offers a doctor's timeline (`Interval` JSON, a list) for the dates `first` to `last`.
    #[napi]
    pub fn offer(
        &mut self,
        doctor_id: String,
        first: String,
        last: String,
        intervals: String,
    ) -> Result<()> {
        let first = done(date("first", &first))?;
        let last = done(date("last", &last))?;
        let intervals: Vec<medsched::Interval> = done(parse("intervals", &intervals))?;
        done(self.inner.offer(&doctor_id, first, last, &intervals))
    }

    /// The report of the dates `first` to `last`, as `Report` JSON.
    #[napi]
    pub fn report(&self, first: String, last: String) -> Result<String> {
        let first = done(date("first", &first))?;
        let last = done(date("last", &last))?;
        Ok(text(&done(self.inner.report(first, last))?))
    }
}

/// One table of a `Report` (JSON) as CSV text; `table` is its name, e.g. `"doctors"`.
#[napi]
pub fn report_csv(report: String, table: String) -> Result<String> {
    let report: Report = done(parse("report", &report))?;
    let table: ReportTable = done(parse("table", &text(&table)))?;
    Ok(report.csv(table))
}

/// A doctor's week (`WeekPicture` JSON) as SVG text.
#[napi]
pub fn week_svg(picture: String) -> Result<String> {
    let picture: WeekPicture = done(parse("picture", &picture))?;
    done(pictures::week_svg(&picture))
}

/// A day's token queue (`Event` JSON, a list) as SVG text.
#[napi]
pub fn queue_svg(title: String, time_zone: String, events: String) -> Result<String> {
    let events: Vec<Event> = done(parse("events", &events))?;
    done(pictures::queue_svg(&title, &time_zone, &events))
}

/// The wait calibration (`CalibrationRow` JSON, a list) as SVG text.
#[napi]
pub fn calibration_svg(title: String, rows: String) -> Result<String> {
    let rows: Vec<CalibrationRow> = done(parse("rows", &rows))?;
    done(pictures::calibration_svg(&title, &rows))
}
