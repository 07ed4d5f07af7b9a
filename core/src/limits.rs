//! The limits on the work one call may ask for: every bound medsched enforces on the size of
//! its inputs, in one place, with defaults a host can raise (`docs/LIMITS.md` lists them all).

use serde::{Deserialize, Serialize};

use crate::{Error, Problem, Result};

/// Bounds on the size of rules and on the work of one call. A value past a bound is refused
/// with [`Error::InvalidInput`] naming the field, its size and the bound (problem
/// `out_of_range`); slot generation stops at [`max_slots`](Limits::max_slots) with
/// [`SlotSeries::truncated`](crate::SlotSeries::truncated) set.
///
/// The defaults ([`Limits::DEFAULT`]) are far above what a clinic needs and low enough that
/// one call stays within about a second on a small machine (the worst case: 32 daily
/// recurrence rules from 1900, about 1.7 s to compile; slots stop at 20,000 candidates). A host raises them for a clinic with
/// [`ClinicRules::with_limits`](crate::ClinicRules::with_limits) (and
/// [`Schedule::with_limits`](crate::booking::Schedule::with_limits)); every
/// [`Availability`](crate::Availability) compiled against those rules keeps them.
///
/// In JSON every field is optional and defaults as here.
///
/// # Example
///
/// ```
/// use medsched::{Clinic, ClinicRules, Limits, Location};
///
/// let clinic = Clinic {
///     locations: vec![Location::new("main", "Main", "Europe/London")],
///     holidays: vec![],
/// };
/// let roomy = Limits { max_slots: 200_000, ..Limits::DEFAULT };
/// let rules = ClinicRules::with_limits(&clinic, &roomy)?;
/// assert_eq!(rules.limits().max_slots, 200_000);
/// assert_eq!(ClinicRules::new(&clinic)?.limits(), &Limits::default());
/// # Ok::<(), medsched::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// The most recurrence rules (`rrule`s) of a clinic's holidays, and of one calendar's
    /// templates. Default 32. A rule costs up to about 50 ms to expand (a daily rule from
    /// 1900 to 2200; a yearly one about 1.3 ms), whether it fires or not.
    pub max_recurrence_rules: u32,
    /// The most templates of one calendar. Default 1,000.
    pub max_templates: u32,
    /// The most sessions of a template, and breaks of a session or hours of an override.
    /// Default 100.
    pub max_sessions: u32,
    /// The most entries of each list of exceptions: a clinic's holidays and locations (and a
    /// location's rooms), and a calendar's overrides, leaves, emergencies and forced blocks.
    /// Default 10,000.
    pub max_exceptions: u32,
    /// The most characters of one text field of the rules: an id, a name, a reason, a time
    /// zone, a recurrence rule. Default 1,000.
    pub max_text_length: u32,
    /// The most candidate slots (bookable or not) one call to
    /// [`Availability::slots`](crate::Availability::slots) considers: it stops there and
    /// sets [`truncated`](crate::SlotSeries::truncated). Also the most candidates of one
    /// doctor a [`first_available`](crate::first_available) call considers. Default 20,000.
    pub max_slots: u32,
}

impl Limits {
    /// The defaults.
    ///
    /// ```
    /// assert_eq!(medsched::Limits::DEFAULT.max_slots, 20_000);
    /// ```
    pub const DEFAULT: Limits = Limits {
        max_recurrence_rules: 32,
        max_templates: 1_000,
        max_sessions: 100,
        max_exceptions: 10_000,
        max_text_length: 1_000,
        max_slots: 20_000,
    };

    /// Refuses a list longer than `max`: `field` names the list, the value is its length.
    pub(crate) fn count(field: impl FnOnce() -> String, len: usize, max: u32) -> Result<()> {
        if len > max as usize {
            return Err(Error::invalid(
                field(),
                format!("{len} entries"),
                Problem::OutOfRange(format!("at most {max} (Limits)")),
            ));
        }
        Ok(())
    }

    /// Refuses a text longer than [`max_text_length`](Self::max_text_length) characters.
    pub(crate) fn text(&self, field: impl FnOnce() -> String, text: &str) -> Result<()> {
        // Bytes bound characters from above: count characters only for a long text.
        if text.len() > self.max_text_length as usize {
            let chars = text.chars().count();
            if chars > self.max_text_length as usize {
                return Err(Error::invalid(
                    field(),
                    text,
                    Problem::OutOfRange(format!(
                        "{chars} characters; at most {} (Limits::max_text_length)",
                        self.max_text_length
                    )),
                ));
            }
        }
        Ok(())
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_and_counts_past_a_limit_are_refused() {
        let limits = Limits {
            max_text_length: 3,
            ..Limits::DEFAULT
        };
        assert!(limits.text(|| "id".into(), "abc").is_ok());
        assert!(limits.text(|| "id".into(), "ééé").is_ok());
        let err = limits.text(|| "id".into(), "abcd").unwrap_err();
        assert_eq!(err.field(), Some("id"));
        assert_eq!(err.problem().map(Problem::code), Some("out_of_range"));
        assert!(Limits::count(|| "holidays".into(), 2, 2).is_ok());
        let err = Limits::count(|| "holidays".into(), 3, 2).unwrap_err();
        assert_eq!(err.value(), Some("3 entries"));
    }

    #[test]
    fn every_field_defaults_in_json() {
        let limits: Limits = serde_json::from_str(r#"{"max_slots": 5}"#).unwrap();
        assert_eq!(
            limits,
            Limits {
                max_slots: 5,
                ..Limits::DEFAULT
            }
        );
        assert!(serde_json::from_str::<Limits>(r#"{"max_slot": 5}"#).is_err());
    }
}
