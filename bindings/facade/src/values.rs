//! Instants, dates and zones as a binding hands them over (text), with typed errors naming
//! the argument.

use chrono::{DateTime, NaiveDate, Utc};
use medsched::{Error, Problem};

/// An instant from its UTC text (`2026-03-02T09:00:00Z`), `what` naming the argument. A
/// leap second (`23:59:60`) is refused, as the core refuses it (`docs/LIMITS.md`).
///
/// ```
/// use medsched_facade::values::instant;
///
/// assert!(instant("now", "2016-12-31T23:59:59Z").is_ok());
/// let leap = instant("now", "2016-12-31T23:59:60Z").unwrap_err();
/// assert_eq!(leap.problem().unwrap().code(), "out_of_range");
/// ```
pub fn instant(what: &str, text: &str) -> Result<DateTime<Utc>, Error> {
    let t: DateTime<Utc> = text.parse().map_err(|e: chrono::ParseError| {
        Error::invalid_input(what, text, Problem::Malformed(e.to_string()))
    })?;
    if t.timestamp_subsec_nanos() >= 1_000_000_000 {
        return Err(Error::invalid_input(
            what,
            text,
            Problem::OutOfRange("a leap second (second 60) is refused".into()),
        ));
    }
    Ok(t)
}

/// A date from its ISO text (`2026-03-02`), `what` naming the argument.
pub fn date(what: &str, text: &str) -> Result<NaiveDate, Error> {
    text.parse().map_err(|e: chrono::ParseError| {
        Error::invalid_input(what, text, Problem::Malformed(e.to_string()))
    })
}

/// A zone from its IANA name, `what` naming the argument.
pub fn zone(what: &str, name: &str) -> Result<chrono_tz::Tz, Error> {
    name.parse()
        .map_err(|_| Error::invalid_input(what, name, Problem::UnknownTimeZone))
}
