//! The wire format of events: the JSON a store keeps forever.
//!
//! An event is one flat JSON object: the format version `"v"`, the envelope (`tenant`,
//! `actor`, `at`) and the change's fields, tagged by `"type"`. Writing always writes the
//! current version, [`Event::VERSION`]. Reading takes the version the object says (none:
//! version 0, the format written before events carried one), rewrites the object step by
//! step into the current version ([`Event::upcast`]), then decodes it; a version newer than
//! this medsched reads is refused.
//!
//! A change is read by its `"type"`: a token change's name goes to [`TokenChange`], a
//! booking change's to the booking variants of [`Change`], and any other name is refused.
//! Nothing is tried in turn.

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeOwned, Deserializer, Error as _};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{
    Id,
    store::{Actor, Change, Event, token_change::TokenChange},
};

/// A JSON object as read: an event or a change before it is decoded.
type Object = Map<String, Value>;

/// One step of the upcasting chain: rewrites an event object written in version `n` into
/// version `n + 1` (the chain then sets its `"v"`).
type Upcast = fn(&mut Object) -> serde_json::Result<()>;

/// The upcasting chain, oldest first: `UPCASTS[n]` rewrites version `n` into version
/// `n + 1`. Its length is [`Event::VERSION`], so raising the version without adding its
/// step does not compile.
///
/// To add version 2: raise [`Event::VERSION`] to 2, change the types, append `v1_to_v2`
/// here (rewriting a v1 object, as `testdata/events/v1` holds them, into the v2 shape), and
/// add `testdata/events/v2`. The files of the older versions stay as they are, and must
/// still read.
const UPCASTS: [Upcast; Event::VERSION as usize] = [v0_to_v1];

/// Version 0 → 1. Version 0 is the format written before events carried a version: the
/// same object without `"v"`. Version 1 made the `index` and `from_index` of token changes
/// `u32` (they were `usize`, written as JSON integers); that holds every place a line can
/// have, so nothing is rewritten.
fn v0_to_v1(_event: &mut Object) -> serde_json::Result<()> {
    Ok(())
}

impl Event {
    /// The format version this medsched writes, as `"v"` on every event. It reads this
    /// version and every older one.
    pub const VERSION: u32 = 1;

    /// Rewrites an event's JSON object, written in any version up to [`Event::VERSION`],
    /// into the current version, in place: each step of the upcasting chain from the
    /// object's `"v"` (version 0 when it has none) on, then `"v"` set to the current
    /// version. Reading an event does this first; a store may use it to migrate what it
    /// keeps.
    ///
    /// A `"v"` newer than [`Event::VERSION`], or one that is not a non-negative integer, is
    /// an error naming it, and leaves the object as it was.
    ///
    /// ```
    /// use medsched::store::Event;
    /// use serde_json::json;
    ///
    /// let mut v0 = json!({
    ///     "tenant": "clinic-1",
    ///     "actor": {"kind": "staff", "id": "rcp-7"},
    ///     "at": "2026-03-02T08:00:00Z",
    ///     "type": "appointment_confirmed",
    ///     "appointment_id": "a-1",
    /// });
    /// Event::upcast(v0.as_object_mut().unwrap()).unwrap();
    /// assert_eq!(v0["v"], Event::VERSION);
    /// let event: Event = serde_json::from_value(v0).unwrap();
    /// assert_eq!(event.change.name(), "appointment_confirmed");
    ///
    /// let mut future = json!({"v": 9, "type": "appointment_confirmed"});
    /// let refused = Event::upcast(future.as_object_mut().unwrap()).unwrap_err();
    /// assert!(refused.to_string().starts_with("event format version 9 is newer"));
    /// ```
    pub fn upcast(event: &mut Map<String, Value>) -> serde_json::Result<()> {
        let version = version(event)?;
        for step in &UPCASTS[version..] {
            step(event)?;
        }
        event.insert("v".into(), Event::VERSION.into());
        Ok(())
    }

    /// Reads an event from its JSON object, in any version this medsched reads.
    fn from_object(mut event: Object) -> serde_json::Result<Event> {
        Event::upcast(&mut event)?;
        event.remove("v");
        Ok(Event {
            tenant: field(&mut event, "tenant")?,
            actor: field(&mut event, "actor")?,
            at: field(&mut event, "at")?,
            change: Change::from_object(event)?,
        })
    }
}

/// The version an event object was written in: its `"v"`, or 0 without one.
fn version(event: &Object) -> serde_json::Result<usize> {
    let Some(v) = event.get("v") else {
        return Ok(0);
    };
    let Some(number) = v.as_u64() else {
        return Err(serde_json::Error::custom(format_args!(
            "event format version must be a non-negative integer, got {v}"
        )));
    };
    match usize::try_from(number) {
        Ok(version) if version <= UPCASTS.len() => Ok(version),
        _ => Err(serde_json::Error::custom(format_args!(
            "event format version {number} is newer than this medsched reads (up to {})",
            Event::VERSION
        ))),
    }
}

/// Takes `key` out of an object and decodes it; an error names the key.
fn field<T: DeserializeOwned>(object: &mut Object, key: &'static str) -> serde_json::Result<T> {
    let value = object
        .remove(key)
        .ok_or_else(|| serde_json::Error::missing_field(key))?;
    T::deserialize(value).map_err(|e| serde_json::Error::custom(format_args!("{key}: {e}")))
}

/// An event as written: the version and the envelope, with the change's fields beside them.
#[derive(Serialize)]
struct Wire<'a> {
    v: u32,
    tenant: &'a Id,
    actor: &'a Actor,
    at: &'a DateTime<Utc>,
    #[serde(flatten)]
    change: &'a Change,
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Event {
            tenant,
            actor,
            at,
            change,
        } = self;
        let wire = Wire {
            v: Event::VERSION,
            tenant,
            actor,
            at,
            change,
        };
        wire.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Event::from_object(strict_object(deserializer)?).map_err(de::Error::custom)
    }
}

impl Change {
    /// Reads a change from its JSON object by its `"type"`.
    fn from_object(change: Object) -> serde_json::Result<Change> {
        let token = match change.get("type") {
            Some(Value::String(name)) if TokenChange::TYPES.contains(&name.as_str()) => true,
            Some(Value::String(name)) if Change::TYPES.contains(&name.as_str()) => false,
            Some(Value::String(name)) => {
                return Err(serde_json::Error::custom(format_args!(
                    "unknown change type `{name}`"
                )));
            }
            Some(other) => {
                return Err(serde_json::Error::custom(format_args!(
                    "change type must be a string, got {other}"
                )));
            }
            None => return Err(serde_json::Error::missing_field("type")),
        };
        let change = Value::Object(change);
        if token {
            TokenChange::deserialize(change).map(Change::Token)
        } else {
            // The derived reader of the booking variants (see `Change`).
            Change::deserialize(change)
        }
    }
}

impl Serialize for Change {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Change::Token(change) => change.serialize(serializer),
            // The derived writer of the booking variants (see `Change`).
            booking => Change::serialize(booking, serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Change {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Change::from_object(strict_object(deserializer)?).map_err(de::Error::custom)
    }
}

/// Reads a JSON object as serde_json does, but refuses a key given twice at any depth (the
/// derived readers refuse a repeated field, and an event's fields must not be overwritten
/// silently: a second `tenant` would move it to another tenant).
fn strict_object<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Object, D::Error> {
    match deserializer.deserialize_any(StrictValue)? {
        Value::Object(object) => Ok(object),
        other => Err(D::Error::invalid_type(unexpected(&other), &"a map")),
    }
}

/// A JSON value whose objects have no repeated keys.
struct StrictValue;

impl<'de> de::DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(StrictValue)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Object::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(A::Error::custom(format_args!("duplicate field `{key}`")));
            }
            let value = map.next_value_seed(StrictValue)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// How a value that is not an object is named in an error.
fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("a number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}
