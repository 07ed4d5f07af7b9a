//! The JSON Schema of every record medsched reads and writes (feature `schema`).
//!
//! Every serde type of the crate implements [`schemars::JsonSchema`] under this feature, and
//! [`document`] gathers them into one JSON Schema (draft 2020-12) with a `$defs` entry per
//! type, named as the type is: the inputs (clinic, calendar, slot requests, commands), the
//! outputs (slots, appointments, tokens, estimates, error reports) and the events.
//!
//! The schema describes what the core **reads**: a field it fills when the host leaves it out
//! is not `required` and carries the core's value as its `default`. What the core writes
//! always reads back, so every output validates too. A type that implements `Default` has
//! that value as the `default` of its own entry (what `T::default()` builds); it does not
//! make the type's required fields optional.
//!
//! ```
//! let schema = medsched::schema::document();
//! let defs = &schema["$defs"];
//! assert_eq!(defs["SessionSettings"]["properties"]["slot_minutes"]["default"], 15);
//! assert!(defs["Event"]["required"].as_array().unwrap().contains(&"v".into()));
//! ```

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Value, json};

use crate::analytics::{
    CalibrationRow, ConversionRow, DoctorRow, HourRow, LeadTimeRow, Observation, Report,
    ReportTable, TokenKindRow, UtilisationRow,
};
use crate::bookability::{
    Bookability, BookabilityCheck, BookabilityPolicy, BookabilityWeights, CalendarFacts, CheckKind,
    DoctorFacts,
};
use crate::booking::{Appointment, AppointmentStatus, Hold, HoldStatus, SlotClaim};
use crate::booking::{
    Assignment, AssignmentReason, AssignmentRule, JointBookRequest, PassedOver, Pool,
    PoolBookRequest, PoolBooking,
};
use crate::booking::{
    BookRequest, Collision, Command, FeedNotifications, HoldRequest, Notification, NotificationKind,
};
use crate::pictures::{Span, WeekPicture};
use crate::rate_limit::{KeyKind, Rate, RateDecision, RateKey, RateLimits};
use crate::store::{Actor, ActorKind, Change, Event, FeedEntry, LoadedStream, StreamId};
use crate::tokens::{
    ChannelQuota, EmergencyOrder, QueueDay, QueueNotification, QueueNotificationKind, QueueRules,
    Reassignment, Token, TokenChange, TokenCommand, TokenCounts, TokenKind, TokenRequest,
    TokenSession, TokenState, WalkInPlacement,
};
use crate::wait::{
    Consultation, DoctorHistory, DurationPrior, HorizonCalibration, IssuedCounts, KindFactors,
    PastDay, PastEstimate, QueueRates, QueueSnapshot, SkippedToken, VisitFactors, VisitType,
    WaitCalibration, WaitEstimate, WaitingToken,
};
use crate::{
    Alignment, AppointmentType, BookingLimitKind, BookingLimits, BookingPolicy, BusyTime, Clinic,
    ConsultationMode, DateOverride, DoctorCalendar, ErrorReport, Explanation, Holiday, Hours, Id,
    Interval, Leave, LeaveStatus, Limits, Location, ModeCapacity, Occupancy, OverrideKind, Place,
    Reservation, ResourceNeed, Room, RuleKind, RuleRef, Session, SessionSettings, Slot,
    SlotOptions, SlotRequest, SlotSeries, Status, Unavailability, Unavailable, UnavailableSlot,
    WeeklyTemplate,
};

/// Every type of the document, once: `names` gives their names, `generate` adds each to a
/// generator's definitions.
macro_rules! type_list {
    ($callback:ident $(, $arg:ident)?) => {
        type_list!(@$callback [$($arg)?]
            // inputs: the clinic and the calendar rules
            Clinic, Location, Room, Holiday, DoctorCalendar, WeeklyTemplate, Session, Hours,
            SessionSettings, ModeCapacity, ConsultationMode, DateOverride, OverrideKind, Leave,
            LeaveStatus, Unavailability, Limits, BookingLimits, BookingLimitKind,
            // inputs: slot search
            AppointmentType, Alignment, BookingPolicy, SlotRequest, Occupancy, Reservation,
            BusyTime, SlotOptions,
            // inputs: bookings and token queues
            Command, HoldRequest, BookRequest, ActorKind, Actor, StreamId, TokenRequest,
            TokenCommand, TokenSession, ChannelQuota, QueueRules, TokenKind, WalkInPlacement,
            EmergencyOrder,
            // inputs: several resources and pools
            ResourceNeed, JointBookRequest, Pool, AssignmentRule, PoolBookRequest,
            // inputs: wait estimates
            QueueSnapshot, WaitingToken, VisitType, SkippedToken, Consultation, IssuedCounts,
            DoctorHistory, PastDay, QueueRates, DurationPrior, KindFactors, VisitFactors,
            PastEstimate, WaitCalibration, HorizonCalibration,
            // inputs: bookability and rate limits
            DoctorFacts, BookabilityPolicy, BookabilityWeights, CheckKind, KeyKind, Rate,
            RateLimits, RateKey,
            // inputs: analytics and pictures
            Observation, ReportTable, WeekPicture, Span,
            // outputs
            Place, Slot, SlotSeries, UnavailableSlot, Unavailable, Interval, Status, RuleKind,
            RuleRef, Explanation, SlotClaim, HoldStatus, Hold, AppointmentStatus, Appointment,
            Token, TokenState, Reassignment, TokenCounts, QueueDay, QueueNotificationKind,
            QueueNotification, WaitEstimate, NotificationKind, Notification,
            FeedNotifications, Collision, FeedEntry, LoadedStream, ErrorReport, CalendarFacts,
            BookabilityCheck, Bookability, RateDecision,
            Report, UtilisationRow, DoctorRow, HourRow, LeadTimeRow, TokenKindRow,
            CalibrationRow, ConversionRow, PassedOver, AssignmentReason, Assignment,
            PoolBooking,
            // events
            Event, Change, TokenChange,
        )
    };
    (@names [] $($name:ident),* $(,)?) => { [$(stringify!($name)),*] };
    (@generate [$generator:ident] $($name:ident),* $(,)?) => {
        $( $generator.subschema_for::<$name>(); )*
    };
}

/// Gives the `$defs` entry of each type its Rust `Default` as its own `default`: the value
/// `T::default()` builds (a binding's constructor without arguments), whether or not the
/// core fills its fields when they are left out (that is each property's `default`).
macro_rules! type_defaults {
    ($defs:ident, $($name:ident),* $(,)?) => {
        $(
            let value = serde_json::to_value($name::default()).expect("a default serializes");
            match $defs.get_mut(stringify!($name)) {
                Some(Value::Object(def)) => {
                    def.insert("default".into(), value);
                }
                _ => unreachable!(concat!("no $defs entry for ", stringify!($name))),
            }
        )*
    };
}

/// The pattern of a wall-clock time of day as the core reads it: `"HH:MM"`, or with seconds
/// and a fraction (`"09:30:00"`, as the core writes it).
pub const TIME_OF_DAY_PATTERN: &str = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$";

/// The names of every type [`document`] defines, in the order it lists them (inputs,
/// outputs, events), each the key of its `$defs` entry and the Rust type's own name.
pub const TYPE_NAMES: &[&str] = &type_list!(names);

/// The JSON Schema (draft 2020-12) of every type medsched reads or writes, one `$defs` entry
/// per type (see [`TYPE_NAMES`]). The same medsched always writes the same document, so it
/// can be committed and checked for drift.
pub fn document() -> Value {
    let settings = SchemaSettings::draft2020_12();
    let meta_schema = settings.meta_schema.clone();
    let mut generator = settings
        .with_transform(RecursiveTransform(time_of_day))
        .with_transform(RecursiveTransform(null_by_default))
        .into_generator();
    type_list!(generate, generator);
    let mut defs = generator.take_definitions(true);
    type_defaults!(
        defs,
        Clinic,
        Limits,
        BookingLimits,
        SessionSettings,
        ConsultationMode,
        Alignment,
        BookingPolicy,
        Occupancy,
        SlotOptions,
        SlotSeries,
        PastDay,
        DoctorHistory,
        DurationPrior,
        QueueRates,
        IssuedCounts,
        TokenCounts,
        FeedNotifications,
        LoadedStream,
        ErrorReport,
        BookabilityPolicy,
        BookabilityWeights,
        RateLimits
    );
    json!({
        "$schema": meta_schema,
        "title": "medsched",
        "description": "Every record medsched reads and writes, by its Rust type name under \
            $defs. A field that is not required is filled by the core when the host leaves \
            it out, with the value given as its default. A type's own default is its Rust \
            Default value.",
        "$defs": defs,
    })
}

/// Gives every time of day (chrono's `NaiveTime`, format `partial-time`) the pattern the
/// core reads: `"HH:MM"` with optional seconds.
fn time_of_day(schema: &mut Schema) {
    if schema.get("format").and_then(Value::as_str) == Some("partial-time") {
        schema.insert("pattern".into(), TIME_OF_DAY_PATTERN.into());
    }
}

/// Gives every optional field that may be `null` and has no default of its own the default
/// `null`, which is what the core fills it with (an `Option` left out is `None`): every field
/// that is not `required` then names its default.
fn null_by_default(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let required: Vec<Value> = match object.get("required") {
        Some(Value::Array(required)) => required.clone(),
        _ => Vec::new(),
    };
    let Some(Value::Object(properties)) = object.get_mut("properties") else {
        return;
    };
    for (name, property) in properties.iter_mut() {
        let Value::Object(property) = property else {
            continue;
        };
        if !required.contains(&Value::String(name.clone()))
            && !property.contains_key("default")
            && may_be_null(property)
        {
            property.insert("default".into(), Value::Null);
        }
    }
}

/// Whether a property's schema takes `null`: `"type"` names it, or one of its `anyOf` is it.
fn may_be_null(property: &serde_json::Map<String, Value>) -> bool {
    let null = Value::from("null");
    match property.get("type") {
        Some(Value::Array(types)) if types.contains(&null) => return true,
        Some(kind) if *kind == null => return true,
        _ => {}
    }
    matches!(property.get("anyOf"), Some(Value::Array(options))
        if options.iter().any(|o| o.get("type") == Some(&null)))
}

/// An event is one flat object (see `store/wire.rs`): the format version `"v"` and the
/// envelope beside the change's own fields, tagged by `"type"`.
impl JsonSchema for Event {
    fn schema_name() -> Cow<'static, str> {
        "Event".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "medsched::store::Event".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let tenant = generator.subschema_for::<Id>();
        let actor = generator.subschema_for::<Actor>();
        let at = generator.subschema_for::<DateTime<Utc>>();
        let change = generator.subschema_for::<Change>();
        json_schema!({
            "description": "One fact in a day book's history, as a store keeps it: the format \
                version `v`, the envelope (`tenant`, `actor`, `at`) and the change's fields \
                beside them, tagged by `type`. This is the current version; the core also \
                reads older versions (without `v`) by upcasting them.",
            "type": "object",
            "properties": {
                "v": {
                    "description": "The event format version.",
                    "type": "integer",
                    "const": Event::VERSION,
                },
                "tenant": tenant,
                "actor": actor,
                "at": at,
            },
            "required": ["v", "tenant", "actor", "at"],
            "allOf": [change],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_type_has_its_own_definition() {
        let schema = document();
        let defs = schema["$defs"].as_object().unwrap();
        for name in TYPE_NAMES {
            assert!(defs.contains_key(*name), "no $defs entry named {name}");
        }
        // No other entry (a second type of the same name would be `Name2`), but `Id`.
        for name in defs.keys() {
            assert!(
                TYPE_NAMES.contains(&name.as_str()) || name == "Id",
                "an entry no listed type names: {name}"
            );
        }
    }
}
