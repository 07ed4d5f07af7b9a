//! JSON in and out of the core's types: what crosses between a binding and Rust.

use medsched::{Error, Limits, Problem};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

/// Reads a `T` from JSON text; a value the core's types refuse is
/// [`Error::InvalidInput`] naming the field (`what` and the path inside it) and its value.
/// The text is read once, straight into `T`; only a refusal reads it again to find the value.
///
/// ```
/// use medsched::DoctorCalendar;
/// use medsched_facade::json;
///
/// let text = r#"{"doctor_id": "dr-a", "templates": [{"id": "t", "location_id": "main",
///     "weekdays": ["MO", 2, "wed"], "sessions": [{"start": "18:00", "end": "24:00"}]}]}"#;
/// let err = json::parse::<DoctorCalendar>("calendar", text).unwrap_err();
/// assert_eq!(err.field(), Some("calendar.templates[0].sessions[0].end"));
/// assert_eq!(err.value(), Some("24:00"));
/// assert_eq!(err.problem().unwrap().code(), "out_of_range");
/// assert!(err.to_string().contains("write 00:00"), "{err}");
/// ```
pub fn parse<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, Error> {
    let mut reader = serde_json::Deserializer::from_str(text);
    let read = serde_path_to_error::deserialize::<_, T>(&mut reader);
    match read {
        Ok(parsed) if reader.end().is_ok() => Ok(parsed),
        _ => {
            let value: Value = serde_json::from_str(text)
                .map_err(|e| invalid(what.to_owned(), text, e.to_string()))?;
            from_value(what, value)
        }
    }
}

/// Reads a `T` from a JSON value, as [`parse`].
pub fn from_value<T: DeserializeOwned>(what: &str, value: Value) -> Result<T, Error> {
    match serde_path_to_error::deserialize::<_, T>(&value) {
        Ok(parsed) => Ok(parsed),
        Err(e) => {
            let mut field = what.to_owned();
            let mut at = Some(&value);
            for segment in e.path().iter() {
                match segment {
                    Segment::Seq { index } => {
                        field.push_str(&format!("[{index}]"));
                        at = at.and_then(|v| v.get(index));
                    }
                    Segment::Map { key } => {
                        if !field.is_empty() {
                            field.push('.');
                        }
                        field.push_str(key);
                        at = at.and_then(|v| v.get(key));
                    }
                    Segment::Enum { .. } | Segment::Unknown => {}
                }
            }
            if field.is_empty() {
                field.push_str("value");
            }
            let shown = at.map_or_else(String::new, |v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            Err(invalid(field, &shown, e.into_inner().to_string()))
        }
    }
}

/// The host's [`Limits`] from optional JSON text, as a binding takes them where a schedule,
/// clinic rules or a token service is built: no text is [`Limits::DEFAULT`], and so is every
/// field the text leaves out. A field the core does not know, or a value that is not a
/// count, is [`Error::InvalidInput`] naming it (`limits.max_slots`).
///
/// ```
/// use medsched::Limits;
/// use medsched_facade::json;
///
/// let roomy = json::limits(Some(r#"{"max_slots": 200000}"#))?;
/// assert_eq!(roomy, Limits { max_slots: 200_000, ..Limits::DEFAULT });
/// assert_eq!(json::limits(None)?, Limits::DEFAULT);
/// let refused = json::limits(Some(r#"{"max_slots": -1}"#)).unwrap_err();
/// assert_eq!(refused.field(), Some("limits.max_slots"));
/// assert_eq!(refused.value(), Some("-1"));
/// # Ok::<(), medsched::Error>(())
/// ```
pub fn limits(text: Option<&str>) -> Result<Limits, Error> {
    text.map_or(Ok(Limits::DEFAULT), |text| parse("limits", text))
}

/// Reads an optional argument: a `T` from JSON text, or `T`'s default when the host passed
/// none. A refused value is [`Error::InvalidInput`] naming the field, as with [`parse`].
///
/// ```
/// use medsched::rate_limit::RateLimits;
/// use medsched_facade::json;
///
/// let limits: RateLimits = json::parse_or_default("limits", None)?;
/// assert_eq!(limits, RateLimits::default());
/// let refused = json::parse_or_default::<RateLimits>("limits", Some(r#"{"ip": 1}"#)).unwrap_err();
/// assert_eq!(refused.field(), Some("limits.ip"));
/// # Ok::<(), medsched::Error>(())
/// ```
pub fn parse_or_default<T: DeserializeOwned + Default>(
    what: &str,
    text: Option<&str>,
) -> Result<T, Error> {
    text.map_or_else(|| Ok(T::default()), |text| parse(what, text))
}

/// JSON text of a core value.
pub fn text<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// A refused value: `malformed`, or `out_of_range` when the core's reader said so in its
/// message (a time such as `24:00`, with how to write it).
fn invalid(field: String, value: &str, message: String) -> Error {
    let problem = match message.strip_prefix("out of range: ") {
        Some(detail) => Problem::OutOfRange(detail.to_owned()),
        None => Problem::Malformed(message),
    };
    Error::invalid_input(field, value, problem)
}
