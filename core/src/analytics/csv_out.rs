//! A report's tables as CSV text (RFC 4180, written by the `csv` crate).

use serde::{Deserialize, Serialize};

use crate::analytics::report::Report;

/// A table of a [`Report`], for [`Report::csv`].
///
/// ```
/// use medsched::analytics::ReportTable;
///
/// assert_eq!(ReportTable::ALL.len(), 7);
/// assert_eq!(ReportTable::Doctors.name(), "doctors");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportTable {
    /// [`Report::utilisation`].
    Utilisation,
    /// [`Report::doctors`].
    Doctors,
    /// [`Report::hours`].
    Hours,
    /// [`Report::lead_times`].
    LeadTimes,
    /// [`Report::token_kinds`].
    TokenKinds,
    /// [`Report::calibration`].
    Calibration,
    /// [`Report::conversion`].
    Conversion,
}

impl ReportTable {
    /// Every table, in the report's order.
    pub const ALL: [ReportTable; 7] = [
        ReportTable::Utilisation,
        ReportTable::Doctors,
        ReportTable::Hours,
        ReportTable::LeadTimes,
        ReportTable::TokenKinds,
        ReportTable::Calibration,
        ReportTable::Conversion,
    ];

    /// The table's name, as in JSON and the report's field: e.g. `"lead_times"`.
    pub fn name(self) -> &'static str {
        match self {
            ReportTable::Utilisation => "utilisation",
            ReportTable::Doctors => "doctors",
            ReportTable::Hours => "hours",
            ReportTable::LeadTimes => "lead_times",
            ReportTable::TokenKinds => "token_kinds",
            ReportTable::Calibration => "calibration",
            ReportTable::Conversion => "conversion",
        }
    }
}

/// The rows as CSV: a header of the field names, then one line per row (`\n` ends each
/// line); a `None` is an empty cell. A table without rows is its header alone.
fn write<T: Serialize>(header: &[&str], rows: &[T]) -> String {
    let mut out = csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing plain records to memory cannot fail: no I/O, no nested values.
    out.write_record(header).expect("CSV to memory");
    for row in rows {
        out.serialize(row).expect("CSV to memory");
    }
    String::from_utf8(out.into_inner().expect("CSV to memory")).expect("CSV of UTF-8 text")
}

impl Report {
    /// One table as CSV text, e.g. for a clinic's spreadsheet. Numbers print as in JSON
    /// (rates and means to 4 decimals); a missing value is an empty cell.
    ///
    /// ```
    /// use medsched::analytics::{Analytics, ReportTable};
    ///
    /// let day = "2026-03-02".parse()?;
    /// let report = Analytics::new("Asia/Kolkata")?.report(day, day)?;
    /// let csv = report.csv(ReportTable::TokenKinds);
    /// assert_eq!(csv, "kind,tokens\nbooked,0\nwalk_in,0\nphone,0\nemergency,0\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn csv(&self, table: ReportTable) -> String {
        match table {
            ReportTable::Utilisation => write(
                &[
                    "dimension",
                    "key",
                    "offered_minutes",
                    "booked_minutes",
                    "utilisation",
                ],
                &self.utilisation,
            ),
            ReportTable::Doctors => write(
                &[
                    "doctor_id",
                    "booked",
                    "cancelled",
                    "declined",
                    "completed",
                    "no_show",
                    "cancellation_rate",
                    "no_show_rate",
                    "mean_lead_hours",
                    "tokens",
                    "late",
                    "skipped",
                    "late_rate",
                    "consults",
                    "mean_consult_minutes",
                    "waits",
                    "mean_wait_minutes",
                    "estimates",
                    "mean_estimated_minutes",
                    "mean_actual_minutes",
                ],
                &self.doctors,
            ),
            ReportTable::Hours => write(&["hour", "appointments", "tokens"], &self.hours),
            ReportTable::LeadTimes => write(&["bucket", "bookings"], &self.lead_times),
            ReportTable::TokenKinds => write(&["kind", "tokens"], &self.token_kinds),
            ReportTable::Calibration => write(
                &[
                    "doctor_id",
                    "from_minutes",
                    "to_minutes",
                    "estimates",
                    "mean_estimated_minutes",
                    "mean_actual_minutes",
                ],
                &self.calibration,
            ),
            ReportTable::Conversion => {
                write(&["date", "searches", "bookings", "rate"], &self.conversion)
            }
        }
    }
}
