//! Instants read on the report's wall clock: a span cut at local hour boundaries.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

/// One piece of a span inside one local hour: its date, hour and length in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HourPiece {
    pub date: NaiveDate,
    pub hour: u32,
    pub seconds: i64,
}

/// The span `[start, end)` cut at the local hour boundaries of `tz`, in order. The number of
/// pieces is the number of local hours the span touches (the caller bounds the span).
pub(crate) fn hour_pieces(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<HourPiece> {
    let mut out = Vec::new();
    let mut cursor = start;
    while cursor < end {
        let local = cursor.with_timezone(&tz);
        let into_hour = i64::from(local.minute() * 60 + local.second());
        let next = (cursor + chrono::Duration::seconds(3600 - into_hour))
            .with_nanosecond(0)
            .unwrap_or(cursor + chrono::Duration::seconds(1))
            .min(end);
        out.push(HourPiece {
            date: local.date_naive(),
            hour: local.hour(),
            seconds: (next - cursor).num_seconds(),
        });
        cursor = next;
    }
    out
}

/// The local date and hour of an instant.
pub(crate) fn date_hour(tz: Tz, at: DateTime<Utc>) -> (NaiveDate, u32) {
    let local = at.with_timezone(&tz);
    (local.date_naive(), local.hour())
}

/// `0` for Monday to `6` for Sunday.
pub(crate) fn weekday_index(date: NaiveDate) -> usize {
    date.weekday().num_days_from_monday() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_local_hours_in_a_half_hour_zone() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // 09:15 to 10:45 in Kolkata (UTC+5:30).
        let pieces = hour_pieces(
            chrono_tz::Asia::Kolkata,
            t("2026-03-02T03:45:00Z"),
            t("2026-03-02T05:15:00Z"),
        );
        let got: Vec<_> = pieces.iter().map(|p| (p.hour, p.seconds / 60)).collect();
        assert_eq!(got, [(9, 45), (10, 45)]);
        assert_eq!(weekday_index(pieces[0].date), 0);
    }
}
