//! The bounds on what one reading call takes in and expands.

use medsched::{Error, Problem, Result};
use serde::{Deserialize, Serialize};

/// Bounds on the inputs of [`read_ics`](crate::read_ics) and
/// [`read_fhir`](crate::read_fhir). A value past a bound is refused with
/// [`Error::InvalidInput`] (problem `out_of_range`) naming what was too large; no call
/// expands more than these.
///
/// In JSON every field is optional and defaults as here.
///
/// ```
/// use medsched_interop::InteropLimits;
///
/// let roomy = InteropLimits { max_occurrences: 100_000, ..InteropLimits::DEFAULT };
/// assert_eq!(roomy.max_bytes, 4 * 1024 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InteropLimits {
    /// The most bytes of one `.ics` text or FHIR JSON text. Default 4 MiB.
    pub max_bytes: u32,
    /// The most components (`VEVENT`, `VFREEBUSY`) of one calendar, and entries of one
    /// bundle. Default 10,000.
    pub max_components: u32,
    /// The most busy times one call returns, recurrences expanded. Default 20,000.
    pub max_occurrences: u32,
    /// The most periods of its frequency (days of a daily rule, hours of an hourly one) a
    /// recurrence rule may step through from its `DTSTART` to the end of the window asked
    /// for, whether they are kept or not. Default 200,000 (a daily rule from 1500).
    pub max_recurrence_steps: u32,
}

impl InteropLimits {
    /// The defaults.
    pub const DEFAULT: InteropLimits = InteropLimits {
        max_bytes: 4 * 1024 * 1024,
        max_components: 10_000,
        max_occurrences: 20_000,
        max_recurrence_steps: 200_000,
    };

    /// Refuses `size` past `max`, naming `field`.
    pub(crate) fn check(field: &str, size: usize, max: u32, what: &str) -> Result<()> {
        if size > max as usize {
            return Err(Error::invalid_input(
                field,
                size,
                Problem::OutOfRange(format!("at most {max} {what}")),
            ));
        }
        Ok(())
    }
}

impl Default for InteropLimits {
    fn default() -> Self {
        InteropLimits::DEFAULT
    }
}
