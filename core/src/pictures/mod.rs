//! Pictures as SVG text, for people who would rather look than read: a doctor's week
//! ([`week_svg`]), a day's token queue ([`queue_svg`]) and the wait estimator's calibration
//! ([`calibration_svg`]). No I/O: each returns a string a host serves or saves.
//!
//! Each picture is an `<svg role="img">` with a `<title>` and a `<desc>`, text labels and a
//! tooltip (`<title>`) on every mark, and fixed colours ([`colours`]), so the same input
//! gives the same bytes. Inputs are bounded ([`MAX_ITEMS`] records each), so is the output
//! (about 200 bytes a record).
//!
//! ```
//! use medsched::pictures::calibration_svg;
//!
//! let svg = calibration_svg("Wait estimates", &[])?;
//! assert!(svg.starts_with("<svg"));
//! assert!(svg.contains("<title id=\"title\">Wait estimates</title>"));
//! # Ok::<(), medsched::Error>(())
//! ```

mod calibration;
mod queue;
mod svg;
mod week;

use chrono_tz::Tz;

use crate::{Error, Problem, Result, analytics::CalibrationRow, store::Event};

pub use week::{Span, WeekPicture};

/// The most records (intervals, slots, events, rows) one picture takes.
pub const MAX_ITEMS: usize = 10_000;

/// The colours of the pictures, as `#rrggbb`.
pub mod colours {
    /// Open time.
    pub const OPEN: &str = "#cdeccd";
    /// A free slot.
    pub const FREE: &str = "#3fa34d";
    /// A booked slot.
    pub const BOOKED: &str = "#1f4fd1";
    /// Leave.
    pub const LEAVE: &str = "#f28c28";
    /// A holiday.
    pub const HOLIDAY: &str = "#8e44ad";
    /// A forced block or an emergency.
    pub const BLOCK: &str = "#555555";
    /// Closed by a date override.
    pub const CLOSED: &str = "#bbbbbb";
    /// Time no rule covers: the background of a day.
    pub const OUTSIDE: &str = "#f5f5f5";
    /// Grid lines and ticks.
    pub const GRID: &str = "#cccccc";
    /// Tokens waiting.
    pub const WAITING: &str = "#f2b705";
    /// Tokens with the doctor.
    pub const CONSULTING: &str = "#1f4fd1";
    /// Tokens seen.
    pub const COMPLETED: &str = "#2e9e44";
    /// Tokens marked late.
    pub const LATE: &str = "#d6336c";
    /// Tokens skipped.
    pub const SKIPPED: &str = "#7048e8";
    /// Tokens cancelled.
    pub const CANCELLED: &str = "#999999";
    /// The calibration's line of perfect estimates.
    pub const DIAGONAL: &str = "#888888";
    /// The calibration's doctors, in order.
    pub const SERIES: [&str; 6] = [
        "#1f4fd1", "#e8590c", "#2e9e44", "#ae3ec9", "#c92a2a", "#0b7285",
    ];
}

fn zone(name: &str) -> Result<Tz> {
    name.parse::<Tz>()
        .map_err(|_| Error::invalid("time_zone", name, Problem::UnknownTimeZone))
}

fn check_count(field: &str, len: usize) -> Result<()> {
    if len > MAX_ITEMS {
        return Err(Error::invalid(
            field,
            format!("{len} entries"),
            Problem::OutOfRange(format!("at most {MAX_ITEMS} entries")),
        ));
    }
    Ok(())
}

/// A doctor's week as SVG: seven columns of local days, time running down; open time,
/// closed time by reason (leave, holiday, block), booked and free slots.
///
/// # Errors
///
/// [`Error::InvalidInput`]: an unknown `time_zone`, a `first` date out of range, or more
/// than [`MAX_ITEMS`] intervals or slots.
///
/// # Example
///
/// ```
/// use medsched::pictures::{WeekPicture, week_svg};
///
/// let week = WeekPicture {
///     doctor: "Dr Asha".into(),
///     time_zone: "Asia/Kolkata".into(),
///     first: "2026-03-02".parse()?,
///     intervals: vec![],
///     free: vec![],
///     booked: vec![],
/// };
/// let svg = week_svg(&week)?;
/// assert!(svg.contains("Mon 2 Mar") && svg.contains("Sun 8 Mar"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn week_svg(week: &WeekPicture) -> Result<String> {
    week::draw(week)
}

/// A day's token queue as SVG: stacked counts of tokens by state (completed, consulting,
/// waiting, late, skipped, cancelled) after each change, over the local clock. `events` are
/// the queue stream's events in order (other changes are ignored).
///
/// # Errors
///
/// [`Error::InvalidInput`]: an unknown `time_zone` or more than [`MAX_ITEMS`] events.
///
/// # Example
///
/// ```
/// let svg = medsched::pictures::queue_svg("Dr Asha, Monday", "Asia/Kolkata", &[])?;
/// assert!(svg.contains("no tokens"));
/// # Ok::<(), medsched::Error>(())
/// ```
pub fn queue_svg(title: &str, time_zone: &str, events: &[Event]) -> Result<String> {
    queue::draw(title, time_zone, events)
}

/// The wait estimator's calibration as SVG: for each doctor and bin of estimates
/// ([`Report::calibration`](crate::analytics::Report::calibration)), the mean estimate
/// across and the mean wait that followed up, with the diagonal of perfect estimates.
///
/// # Errors
///
/// [`Error::InvalidInput`] for more than [`MAX_ITEMS`] rows.
///
/// # Example
///
/// ```
/// use medsched::analytics::CalibrationRow;
///
/// let row = CalibrationRow {
///     doctor_id: "dr-asha".into(),
///     from_minutes: 10.0,
///     to_minutes: Some(15.0),
///     estimates: 12,
///     mean_estimated_minutes: 12.0,
///     mean_actual_minutes: 18.5,
/// };
/// let svg = medsched::pictures::calibration_svg("Dr Asha", &[row])?;
/// assert!(svg.contains("12 estimates, mean 12 min estimated, 18.5 min waited"));
/// # Ok::<(), medsched::Error>(())
/// ```
pub fn calibration_svg(title: &str, rows: &[CalibrationRow]) -> Result<String> {
    calibration::draw(title, rows)
}
