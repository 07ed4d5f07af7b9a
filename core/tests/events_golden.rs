//! The golden corpus of the event wire format, `testdata/events/`: one event of every kind
//! in every format version. Stores keep events forever, so every file must still read, as
//! the same event, in every later version (see `testdata/events/README.md`).
//!
//! - every `v1` file reads, and writes back as the identical JSON;
//! - the corpus has one file of every change type, named by it;
//! - every `v0` file (the format before versions) reads as its `v1` counterpart;
//! - a newer version, a malformed version and an unknown type are refused, naming them;
//! - the JSON examples of `docs/EVENTS.md` are the corpus files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use medsched::{
    store::{Change, Event},
    tokens::TokenChange,
};
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The files of one version of the corpus, by change type (the file name).
fn corpus(version: &str) -> BTreeMap<String, Value> {
    let dir = root().join("testdata/events").join(version);
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a file name");
        let text = fs::read_to_string(&path).expect("a readable file");
        let value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
        files.insert(name.to_owned(), value);
    }
    files
}

fn read(value: &Value) -> Result<Event, String> {
    serde_json::from_value(value.clone()).map_err(|e| e.to_string())
}

fn refusal(value: Value) -> String {
    match read(&value) {
        Ok(event) => panic!("read {value} as {event:?}"),
        Err(message) => message,
    }
}

#[test]
fn every_v1_event_reads_and_writes_back_unchanged() {
    for (name, value) in corpus("v1") {
        assert_eq!(value["v"], 1, "{name}");
        let event = read(&value).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(event.change.name(), name, "{name}: its type");
        assert_eq!(value["type"], name, "{name}: its type");
        let written = serde_json::to_value(&event).expect("an event writes");
        assert_eq!(written, value, "{name}: written back");
        let text = serde_json::to_string(&event).expect("an event writes");
        let reread: Event = serde_json::from_str(&text).expect("its text reads");
        assert_eq!(reread, event, "{name}: read from its text");
    }
}

#[test]
fn the_corpus_has_one_event_of_every_change_type() {
    let mut types = Change::TYPES.to_vec();
    types.sort_unstable();
    types.dedup();
    assert_eq!(
        types.len(),
        Change::TYPES.len(),
        "Change::TYPES has no repeats"
    );
    assert!(Change::TYPES.ends_with(TokenChange::TYPES));
    let current = corpus("v1");
    let files: Vec<&str> = current.keys().map(String::as_str).collect();
    assert_eq!(files, types, "testdata/events/v1 against Change::TYPES");
    // An older version keeps the types it had: v0 had all 27 (and v1 has each of them).
    assert_eq!(corpus("v0").len(), 27, "testdata/events/v0");
    for (name, value) in corpus("v1") {
        let event = read(&value).expect("a v1 event reads");
        let token = matches!(event.change, Change::Token(_));
        assert_eq!(token, TokenChange::TYPES.contains(&name.as_str()), "{name}");
    }
}

#[test]
fn every_v0_event_reads_as_its_v1_counterpart() {
    let v1 = corpus("v1");
    for (name, value) in corpus("v0") {
        assert!(
            value.get("v").is_none(),
            "{name}: a v0 event has no version"
        );
        let current = v1.get(&name).expect("a v1 counterpart");
        let event = read(&value).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(event, read(current).expect("a v1 event reads"), "{name}");
        assert_eq!(
            serde_json::to_value(&event).expect("writes"),
            *current,
            "{name}"
        );
        let mut upcast = value.as_object().expect("an object").clone();
        Event::upcast(&mut upcast).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(Value::Object(upcast), *current, "{name}: upcast");
    }
}

#[test]
fn a_newer_or_malformed_version_is_refused_naming_it() {
    let mut event = corpus("v1")["hold_placed"].clone();
    event["v"] = json!(2);
    assert_eq!(
        refusal(event.clone()),
        "event format version 2 is newer than this medsched reads (up to 1)"
    );
    event["v"] = json!(u64::MAX);
    assert!(refusal(event.clone()).starts_with("event format version 18446744073709551615 is"));
    for malformed in [json!("1"), json!(-1), json!(1.5), json!(null)] {
        event["v"] = malformed.clone();
        assert_eq!(
            refusal(event.clone()),
            format!("event format version must be a non-negative integer, got {malformed}")
        );
    }
    let mut object = event.as_object().expect("an object").clone();
    let before = object.clone();
    assert!(Event::upcast(&mut object).is_err());
    assert_eq!(
        object, before,
        "a refused upcast leaves the object as it was"
    );
}

#[test]
fn an_unknown_or_missing_type_is_refused_naming_it() {
    let mut event = corpus("v1")["token_called"].clone();
    event["type"] = json!("token_eaten");
    assert_eq!(refusal(event.clone()), "unknown change type `token_eaten`");
    event["type"] = json!("Token");
    assert_eq!(refusal(event.clone()), "unknown change type `Token`");
    event["type"] = json!(7);
    assert_eq!(
        refusal(event.clone()),
        "change type must be a string, got 7"
    );
    event.as_object_mut().expect("an object").remove("type");
    assert_eq!(refusal(event), "missing field `type`");
    let change = serde_json::from_value::<Change>(json!({"type": "hold_stolen", "hold_id": "h"}));
    assert_eq!(
        change.expect_err("refused").to_string(),
        "unknown change type `hold_stolen`"
    );
}

#[test]
fn a_broken_envelope_or_change_is_refused_naming_the_field() {
    let event = corpus("v1")["token_moved"].clone();
    let mut late = event.clone();
    late["at"] = json!("yesterday");
    assert!(refusal(late).starts_with("at: "));
    let mut anonymous = event.clone();
    anonymous
        .as_object_mut()
        .expect("an object")
        .remove("actor");
    assert_eq!(refusal(anonymous), "missing field `actor`");
    let mut far = event.clone();
    far["index"] = json!(1_u64 << 32);
    assert!(refusal(far).contains("expected u32"));
    let mut incomplete = corpus("v0")["hold_placed"].clone();
    incomplete
        .as_object_mut()
        .expect("an object")
        .remove("hold");
    assert_eq!(refusal(incomplete), "missing field `hold`");
    assert!(refusal(json!([1, 2])).contains("expected a map"));
}

#[test]
fn the_examples_of_the_events_doc_are_the_corpus_files() {
    let doc = fs::read_to_string(root().join("docs/EVENTS.md")).expect("docs/EVENTS.md");
    let v1 = corpus("v1");
    let mut shown = Vec::new();
    let mut blocks = doc.split("```json\n").skip(1);
    for block in blocks.by_ref() {
        let (json, _) = block.split_once("```").expect("a closed code block");
        let value: Value = serde_json::from_str(json).expect("an example is JSON");
        let Some(name) = value["type"].as_str() else {
            continue;
        };
        assert_eq!(value, v1[name], "docs/EVENTS.md: the example of {name}");
        shown.push(name.to_owned());
    }
    let mut types: Vec<String> = Change::TYPES.iter().map(|&t| t.to_owned()).collect();
    types.sort_unstable();
    shown.sort_unstable();
    assert_eq!(
        shown, types,
        "docs/EVENTS.md shows one example of every type"
    );
}
