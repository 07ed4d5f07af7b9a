//! Identifiers of clinic records (doctors, locations, rooms, rules, bookings).

use std::borrow::Borrow;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// The identifier of a record the host owns: a doctor, location, room, rule, booking or hold.
///
/// Ids are opaque strings chosen by the host (UUIDs, database keys, slugs). They are cheap to
/// clone (`Arc<str>`), so every slot and interval can name its doctor, location and rule
/// without copying strings. In JSON an id is a plain string.
///
/// # Example
///
/// ```
/// use medsched::Id;
///
/// let id = Id::from("dr-asha");
/// assert_eq!(id.as_str(), "dr-asha");
/// assert_eq!(id, Id::from(String::from("dr-asha")));
/// assert_eq!(id, "dr-asha");
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Id(Arc<str>);

impl Id {
    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An id reads as the string it is, so `&Id` passes where `&str` is expected.
impl std::ops::Deref for Id {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Id {
    fn from(value: &str) -> Self {
        Id(Arc::from(value))
    }
}

impl From<String> for Id {
    fn from(value: String) -> Self {
        Id(Arc::from(value))
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}
