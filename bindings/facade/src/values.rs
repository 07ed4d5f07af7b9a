//! Instants, dates and zones as a binding hands them over (text), with typed errors naming
//! the argument.

use chrono::{DateTime, NaiveDate, Utc};
use medsched::{Error, Problem};

/// An instant from its UTC text (`2026-03-02T09:00:00Z`), `what` naming the argument.
pub fn instant(what: &str, text: &str) -> Result<DateTime<Utc>, Error> {
    text.parse()
        .map_err(|e: chrono::ParseError| Error::InvalidInput {
            field: what.into(),
            value: text.into(),
            problem: Problem::Malformed(e.to_string()),
        })
}

/// A date from its ISO text (`2026-03-02`), `what` naming the argument.
pub fn date(what: &str, text: &str) -> Result<NaiveDate, Error> {
    text.parse()
        .map_err(|e: chrono::ParseError| Error::InvalidInput {
            field: what.into(),
            value: text.into(),
            problem: Problem::Malformed(e.to_string()),
        })
}

/// A zone from its IANA name, `what` naming the argument.
pub fn zone(what: &str, name: &str) -> Result<chrono_tz::Tz, Error> {
    name.parse().map_err(|_| Error::InvalidInput {
        field: what.into(),
        value: name.into(),
        problem: Problem::UnknownTimeZone,
    })
}
