//! Google Meet links for tele-consultations.

use crate::{Error, Problem, Result};

const PREFIX: &str = "https://meet.google.com/";

/// Checks that `link` is a Google Meet meeting link: `https://meet.google.com/` followed by
/// a meeting code of three, four and three lowercase letters joined by hyphens, optionally
/// followed by a query string (`?authuser=1`).
///
/// ```
/// use medsched::tokens::validate_meet_link;
///
/// assert!(validate_meet_link("https://meet.google.com/abc-defg-hij").is_ok());
/// assert!(validate_meet_link("https://meet.google.com/abc-defg-hij?authuser=1").is_ok());
/// let err = validate_meet_link("http://meet.google.com/abc-defg-hij").unwrap_err();
/// assert_eq!(err.code(), "invalid_input");
/// assert!(validate_meet_link("https://zoom.us/j/123").is_err());
/// ```
///
/// # Errors
///
/// [`Error::InvalidInput`] for the field `meet_link` with the value.
pub fn validate_meet_link(link: &str) -> Result<()> {
    let code = link
        .strip_prefix(PREFIX)
        .map(|rest| rest.split_once('?').map_or(rest, |(code, _)| code));
    let valid = code.is_some_and(|code| {
        let groups: Vec<&str> = code.split('-').collect();
        groups.len() == 3
            && groups
                .iter()
                .zip([3, 4, 3])
                .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_lowercase()))
    });
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(
            "meet_link",
            link,
            Problem::Malformed(format!("expected {PREFIX}abc-defg-hij")),
        ))
    }
}
