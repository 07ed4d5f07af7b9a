//! JSON text written by hand where `serde_json` is the slow part of a response body: instants
//! exactly as chrono's serde writes them (`2026-03-02T09:00:00`, then `Z` for UTC), each
//! date's text made once a day.

use chrono::{DateTime, Datelike, NaiveDate};
use serde::Serialize;

/// Seconds in a day.
const DAY: i64 = 86_400;

/// The first second chrono writes with four year digits: 0000-01-01T00:00:00.
pub(crate) const FIRST_PLAIN_SECOND: i64 = -62_167_219_200;
/// The last such second: 9999-12-31T23:59:59.
pub(crate) const LAST_PLAIN_SECOND: i64 = 253_402_300_799;

/// Where an instant's text goes: `"YYYY-MM-DDTHH:MM:SS"`, 19 bytes.
pub(crate) const STAMP: usize = 19;

/// `"00"` to `"99"`, two bytes each.
const TWO_DIGITS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

fn two_digits(n: u32) -> [u8; 2] {
    let at = (n as usize % 100) * 2;
    [TWO_DIGITS[at], TWO_DIGITS[at + 1]]
}

/// Writes instants as chrono writes them in JSON (`2026-03-02T09:00:00`, without the quotes
/// or zone), the date text kept for the next instant of the same day.
#[derive(Default)]
pub(crate) struct Stamps(Option<(i64, [u8; 10])>);

impl Stamps {
    /// Writes the instant `secs` seconds after the epoch into `to` and returns true, for a
    /// second in the years 0–9999; otherwise writes nothing and returns false.
    #[inline]
    pub(crate) fn write(&mut self, to: &mut [u8; STAMP], secs: i64) -> bool {
        if !(FIRST_PLAIN_SECOND..=LAST_PLAIN_SECOND).contains(&secs) {
            return false;
        }
        let (day, of_day) = (secs.div_euclid(DAY), secs.rem_euclid(DAY) as u32);
        let date = match self.0 {
            Some((d, text)) if d == day => text,
            _ => {
                let text = date_text(day);
                self.0 = Some((day, text));
                text
            }
        };
        to[..10].copy_from_slice(&date);
        to[10] = b'T';
        to[11..13].copy_from_slice(&two_digits(of_day / 3600));
        to[13] = b':';
        to[14..16].copy_from_slice(&two_digits(of_day / 60 % 60));
        to[16] = b':';
        to[17..19].copy_from_slice(&two_digits(of_day % 60));
        true
    }

    /// Appends the instant `secs` seconds after the epoch to `out` and returns true, for a
    /// second in the years 0–9999; otherwise appends nothing and returns false.
    pub(crate) fn push(&mut self, out: &mut Vec<u8>, secs: i64) -> bool {
        let at = out.len();
        out.resize(at + STAMP, 0);
        let written = self.write(room(out, at), secs);
        if !written {
            out.truncate(at);
        }
        written
    }
}

/// `YYYY-MM-DD` of the day `day` days after 1970-01-01, for a day in the years 0–9999.
fn date_text(day: i64) -> [u8; 10] {
    let date = DateTime::from_timestamp(day * DAY, 0)
        .map(|at| at.date_naive())
        .unwrap_or(NaiveDate::MIN);
    let year = date.year().unsigned_abs();
    let (high, low) = (two_digits(year / 100), two_digits(year));
    let (month, day) = (two_digits(date.month()), two_digits(date.day()));
    [
        high[0], high[1], low[0], low[1], b'-', month[0], month[1], b'-', day[0], day[1],
    ]
}

/// The room at `at` in `text`, as an array.
pub(crate) fn room(text: &mut [u8], at: usize) -> &mut [u8; STAMP] {
    let slice = &mut text[at..at + STAMP];
    slice.try_into().expect("a stamp's room is STAMP bytes")
}

/// Appends `value` as JSON (values of the core's types always have one).
pub(crate) fn json_into<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    if let Err(e) = serde_json::to_writer(&mut *out, value) {
        out.extend_from_slice(format!("{{\"error\":{:?}}}", e.to_string()).as_bytes());
    }
}

/// Appends `text` as a JSON string, or `null`: as `serde_json` writes it, the bytes copied
/// as they are when none needs escaping (an id's usual case).
pub(crate) fn json_text_into(out: &mut Vec<u8>, text: Option<&str>) {
    let Some(text) = text else {
        out.extend_from_slice(b"null");
        return;
    };
    if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        json_into(out, text);
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDateTime, Utc};
    use proptest::prelude::*;

    use super::*;

    /// What chrono's serde writes for an instant, quotes and zone taken off.
    fn chronos(secs: i64) -> String {
        let at = DateTime::<Utc>::from_timestamp(secs, 0).expect("in chrono's range");
        let text = serde_json::to_string(&at.naive_utc()).expect("serializes");
        text.trim_matches('"').to_owned()
    }

    fn ours(stamps: &mut Stamps, secs: i64) -> Option<String> {
        let mut to = [0u8; STAMP];
        stamps
            .write(&mut to, secs)
            .then(|| String::from_utf8(to.to_vec()).expect("ASCII"))
    }

    proptest! {
        /// Any text, escapes included, is serde_json's string of it.
        #[test]
        fn texts_are_serde_jsons_strings(text in any::<Option<String>>()) {
            let mut out = Vec::new();
            json_text_into(&mut out, text.as_deref());
            prop_assert_eq!(Some(out), serde_json::to_vec(&text).ok());
        }
    }

    #[test]
    fn the_plain_range_is_the_years_0_to_9999() {
        let first = NaiveDateTime::parse_from_str("0000-01-01 00:00:00", "%Y-%m-%d %H:%M:%S")
            .expect("valid");
        let last = NaiveDateTime::parse_from_str("9999-12-31 23:59:59", "%Y-%m-%d %H:%M:%S")
            .expect("valid");
        assert_eq!(first.and_utc().timestamp(), FIRST_PLAIN_SECOND);
        assert_eq!(last.and_utc().timestamp(), LAST_PLAIN_SECOND);
        let mut stamps = Stamps::default();
        for secs in [FIRST_PLAIN_SECOND, LAST_PLAIN_SECOND, 0, -1, 951_782_400] {
            assert_eq!(ours(&mut stamps, secs), Some(chronos(secs)), "{secs}");
        }
        for secs in [FIRST_PLAIN_SECOND - 1, LAST_PLAIN_SECOND + 1] {
            assert_eq!(ours(&mut stamps, secs), None, "{secs}");
        }
    }

    proptest! {
        /// Instants of 1900–2200, UTC and shifted by offsets of -14 h to +14 h (as a slot's
        /// local start is), in runs of one day as the writer meets them: chrono is the oracle.
        #[test]
        fn stamps_are_chronos(
            first in -2_208_988_800i64..7_258_118_400,
            offset in -50_400i64..=50_400,
            steps in proptest::collection::vec(0i64..7_200, 1..40),
        ) {
            let (mut utc, mut local) = (Stamps::default(), Stamps::default());
            let mut secs = first;
            for step in steps {
                secs += step;
                prop_assert_eq!(ours(&mut utc, secs), Some(chronos(secs)));
                prop_assert_eq!(ours(&mut local, secs + offset), Some(chronos(secs + offset)));
            }
        }
    }

    #[test]
    fn stamps_across_dst_days_and_leap_days_are_chronos() {
        // London's and New York's DST changes of 2026, Lord Howe's half hour, a leap day,
        // the last day of 1999 and of 2199, each written at local offsets either side.
        let cases = [
            ("2026-03-29T00:59:59Z", [0, 3_600]),
            ("2026-10-25T01:00:00Z", [3_600, 0]),
            ("2026-03-08T06:59:59Z", [-18_000, -14_400]),
            ("2026-11-01T05:00:00Z", [-14_400, -18_000]),
            ("2026-04-04T15:00:00Z", [39_600, 37_800]),
            ("2028-02-29T23:30:00Z", [-36_000, 50_400]),
            ("1999-12-31T23:59:59Z", [-1, 1]),
            ("2199-12-31T23:59:59Z", [-50_400, 50_400]),
            ("1900-01-01T00:00:00Z", [-3_600, 19_800]),
        ];
        let mut stamps = Stamps::default();
        for (text, offsets) in cases {
            let at: DateTime<Utc> = text.parse().expect("valid instant");
            for secs in [at.timestamp() - 1, at.timestamp(), at.timestamp() + 1] {
                for offset in [0, offsets[0], offsets[1]] {
                    let s = secs + offset;
                    assert_eq!(ours(&mut stamps, s), Some(chronos(s)), "{text} {offset}");
                }
            }
        }
    }
}
