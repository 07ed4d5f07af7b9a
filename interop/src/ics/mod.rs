//! iCalendar (RFC 5545): a doctor's feed and free/busy out ([`Export::to_ics`],
//! [`Export::to_freebusy`]), external calendars in as busy time ([`read_ics`]).
//!
//! [`Export::to_ics`]: crate::Export::to_ics
//! [`Export::to_freebusy`]: crate::Export::to_freebusy

mod read;
mod write;

pub use read::{IcsRead, read_ics};
