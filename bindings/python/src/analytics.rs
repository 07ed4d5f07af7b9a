//! Analytics and pictures: the core's `Analytics` fold and SVG pictures, JSON in and out.

use medsched::{
    analytics::{Analytics as CoreAnalytics, CalibrationRow, Observation, Report, ReportTable},
    pictures::{self, WeekPicture},
    store::{Event, FeedEntry},
};
use medsched_facade::json::{parse, text};
use medsched_facade::values::date;
use pyo3::prelude::*;

use crate::errors::Result;

/// A tenant's running analytics (`medsched::analytics::Analytics`).
#[pyclass(name = "Analytics", module = "medsched._native")]
pub struct Analytics {
    inner: CoreAnalytics,
}

#[pymethods]
impl Analytics {
    #[new]
    fn new(time_zone: &str) -> Result<Self> {
        Ok(Analytics {
            inner: CoreAnalytics::new(time_zone)?,
        })
    }

    /// The last feed position folded.
    #[getter]
    fn position(&self) -> u64 {
        self.inner.position()
    }

    /// Folds a page of `FeedEntry` JSON (a list).
    fn fold(&mut self, page: &str) -> Result<()> {
        let page: Vec<FeedEntry> = parse("page", page)?;
        Ok(self.inner.fold(&page)?)
    }

    /// Records an `Observation` (JSON).
    fn record(&mut self, observation: &str) -> Result<()> {
        let observation: Observation = parse("observation", observation)?;
        Ok(self.inner.record(&observation)?)
    }

    /// Offers a doctor's timeline (`Interval` JSON, a list) for the dates `first` to `last`.
    fn offer(&mut self, doctor_id: &str, first: &str, last: &str, intervals: &str) -> Result<()> {
        let (first, last) = (date("first", first)?, date("last", last)?);
        let intervals: Vec<medsched::Interval> = parse("intervals", intervals)?;
        Ok(self.inner.offer(doctor_id, first, last, &intervals)?)
    }

    /// The report of the dates `first` to `last`, as `Report` JSON.
    fn report(&self, first: &str, last: &str) -> Result<String> {
        let (first, last) = (date("first", first)?, date("last", last)?);
        Ok(text(&self.inner.report(first, last)?))
    }
}

/// One table of a `Report` (JSON) as CSV text; `table` is its name, e.g. `"doctors"`.
#[pyfunction]
pub fn report_csv(report: &str, table: &str) -> Result<String> {
    let report: Report = parse("report", report)?;
    let table: ReportTable = parse("table", &text(&table))?;
    Ok(report.csv(table))
}

/// A doctor's week (`WeekPicture` JSON) as SVG text.
#[pyfunction]
pub fn week_svg(picture: &str) -> Result<String> {
    let picture: WeekPicture = parse("picture", picture)?;
    Ok(pictures::week_svg(&picture)?)
}

/// A day's token queue (`Event` JSON, a list) as SVG text.
#[pyfunction]
pub fn queue_svg(title: &str, time_zone: &str, events: &str) -> Result<String> {
    let events: Vec<Event> = parse("events", events)?;
    Ok(pictures::queue_svg(title, time_zone, &events)?)
}

/// The wait calibration (`CalibrationRow` JSON, a list) as SVG text.
#[pyfunction]
pub fn calibration_svg(title: &str, rows: &str) -> Result<String> {
    let rows: Vec<CalibrationRow> = parse("rows", rows)?;
    Ok(pictures::calibration_svg(title, &rows)?)
}
