//! The schema file: [`text`] is what `cargo run -p medsched-schema` writes, at
//! [`committed_path`].

use std::path::PathBuf;

use serde_json::Value;

/// The schema document as the committed file holds it: pretty-printed JSON with a final
/// newline.
pub fn text() -> String {
    let mut text = serde_json::to_string_pretty(&sorted(medsched::schema::document()))
        .expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// The value with the keys of every object in order, whatever order `serde_json` keeps them
/// in (its `preserve_order` feature may be on in some builds): the file is the same in every
/// build.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(object) => {
            let mut entries: Vec<(String, Value)> = object.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Where the schema is committed: `schema/medsched.schema.json` in the workspace.
pub fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/medsched.schema.json")
}
