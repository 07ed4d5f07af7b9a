//! Event JSON with a repeated key is refused at every depth: a second `tenant`, `type` or
//! field must never silently replace the first (a stored event must not move tenant).
use medsched::store::Event;

const REST: &str = r#""actor":{"kind":"staff","id":"s-1"},"at":"2026-03-02T08:00:00Z""#;

#[test]
fn an_event_with_two_tenants_is_refused() {
    let json = format!(
        r#"{{"v":1,"tenant":"c-1",{REST},"tenant":"c-2","type":"appointment_confirmed","appointment_id":"a-1"}}"#
    );
    let decoded = serde_json::from_str::<Event>(&json);
    assert!(decoded.is_err(), "decoded as {decoded:?}");
}

#[test]
fn an_event_with_two_types_is_refused() {
    let json = format!(
        r#"{{"v":1,"tenant":"c-1",{REST},"type":"appointment_confirmed","type":"appointment_completed","appointment_id":"a-1"}}"#
    );
    let decoded = serde_json::from_str::<Event>(&json);
    assert!(decoded.is_err(), "decoded as {decoded:?}");
}

#[test]
fn a_change_field_given_twice_is_refused() {
    let json =
        format!(r#"{{"v":1,"tenant":"c-1",{REST},"type":"token_called","number":7,"number":8}}"#);
    let decoded = serde_json::from_str::<Event>(&json);
    assert!(decoded.is_err(), "decoded as {decoded:?}");
}
