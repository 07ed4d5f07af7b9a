//! Reading a day of the week from JSON in the forms hosts write: `Mon` (chrono's and
//! medsched's own), the full name `Monday`, RFC 5545's `MO`, and ISO 8601's number 1 to 7
//! (1 = Monday). Letters are read in any case. Written back, a day is always `Mon`.

use std::fmt;

use chrono::Weekday;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

/// What an error says a day of the week may be written as.
pub(crate) const FORMS: &str = "a day of the week: Mon to Sun or Monday to Sunday, MO to SU \
     (RFC 5545), in any case, or 1 to 7 (ISO 8601, 1 = Monday)";

/// The day a text names, in any of the accepted forms.
pub(crate) fn parse(text: &str) -> Option<Weekday> {
    if let [digit @ b'1'..=b'7'] = text.as_bytes() {
        return number(u64::from(digit - b'0'));
    }
    const CODES: [(&str, Weekday); 7] = [
        ("mo", Weekday::Mon),
        ("tu", Weekday::Tue),
        ("we", Weekday::Wed),
        ("th", Weekday::Thu),
        ("fr", Weekday::Fri),
        ("sa", Weekday::Sat),
        ("su", Weekday::Sun),
    ];
    if let Some(&(_, day)) = CODES
        .iter()
        .find(|(code, _)| text.eq_ignore_ascii_case(code))
    {
        return Some(day);
    }
    // chrono reads `Mon` and `Monday` in any case, and nothing else.
    text.parse().ok()
}

fn number(n: u64) -> Option<Weekday> {
    match n {
        1..=7 => Weekday::try_from(u8::try_from(n - 1).ok()?).ok(),
        _ => None,
    }
}

/// One day of the week, read in any accepted form.
struct Day(Weekday);

struct DayVisitor;

impl Visitor<'_> for DayVisitor {
    type Value = Day;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(FORMS)
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Day, E> {
        number(n)
            .map(Day)
            .ok_or_else(|| E::custom(format!("{n} is not {FORMS}")))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Day, E> {
        match u64::try_from(n) {
            Ok(n) => self.visit_u64(n),
            Err(_) => Err(E::custom(format!("{n} is not {FORMS}"))),
        }
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Day, E> {
        parse(text)
            .map(Day)
            .ok_or_else(|| E::custom(format!("{text:?} is not {FORMS}")))
    }
}

impl<'de> de::Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        d.deserialize_any(DayVisitor)
    }
}

/// Reads a list of days of the week in any accepted form (`WeeklyTemplate::weekdays`).
pub(crate) fn read_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Weekday>, D::Error> {
    struct ListVisitor;

    impl<'de> Visitor<'de> for ListVisitor {
        type Value = Vec<Weekday>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a list of days, each {FORMS}")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Weekday>, A::Error> {
            let mut days = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(7));
            while let Some(Day(day)) = seq.next_element()? {
                days.push(day);
            }
            Ok(days)
        }
    }

    d.deserialize_seq(ListVisitor)
}

/// The pattern of every accepted text, letters in any case: `^([1-7]|[Mm][Oo][Nn]([Dd][Aa][Yy])?|…|[Mm][Oo]|…)$`.
#[cfg(feature = "schema")]
fn text_pattern() -> String {
    const NAMES: [(&str, &str); 7] = [
        ("mon", "day"),
        ("tue", "sday"),
        ("wed", "nesday"),
        ("thu", "rsday"),
        ("fri", "day"),
        ("sat", "urday"),
        ("sun", "day"),
    ];
    let any_case = |text: &str| -> String {
        text.chars()
            .map(|c| format!("[{}{}]", c.to_ascii_uppercase(), c))
            .collect()
    };
    let mut forms = vec!["[1-7]".to_owned()];
    forms.extend(
        NAMES
            .iter()
            .map(|(short, rest)| format!("{}({})?", any_case(short), any_case(rest))),
    );
    forms.extend(NAMES.iter().map(|(short, _)| any_case(&short[..2])));
    format!("^({})$", forms.join("|"))
}

/// The JSON Schema of `weekdays`: a list whose items are `Mon` to `Sun` (as written back),
/// another accepted text, or a number 1 to 7.
#[cfg(feature = "schema")]
pub(crate) fn list_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let pattern = text_pattern();
    schemars::json_schema!({
        "type": "array",
        "items": {
            "description": FORMS,
            "anyOf": [
                { "enum": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "type": "string" },
                { "type": "string", "pattern": pattern },
                { "type": "integer", "minimum": 1, "maximum": 7 }
            ]
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_reads_and_nothing_else() {
        for (text, day) in [
            ("Mon", Weekday::Mon),
            ("mon", Weekday::Mon),
            ("MONDAY", Weekday::Mon),
            ("MO", Weekday::Mon),
            ("su", Weekday::Sun),
            ("Th", Weekday::Thu),
            ("1", Weekday::Mon),
            ("7", Weekday::Sun),
        ] {
            assert_eq!(parse(text), Some(day), "{text}");
        }
        for text in ["0", "8", "M", "Mo ", " Mo", "Mond", "10", "", "lundi"] {
            assert_eq!(parse(text), None, "{text:?}");
        }
        assert_eq!(number(3), Some(Weekday::Wed));
        assert_eq!(number(0), None);
    }

    #[test]
    fn a_template_reads_every_form_and_writes_mon() {
        let template: crate::WeeklyTemplate = serde_json::from_value(serde_json::json!({
            "id": "t", "location_id": "main", "sessions": [],
            "weekdays": ["MO", 2, "wed", "Thursday", "5", "sa", "SUN"],
        }))
        .unwrap();
        let written = serde_json::to_value(&template).unwrap();
        assert_eq!(
            written["weekdays"],
            serde_json::json!(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
        );
        let refused = serde_json::from_value::<crate::WeeklyTemplate>(serde_json::json!({
            "id": "t", "location_id": "main", "sessions": [], "weekdays": [8],
        }))
        .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("1 to 7 (ISO 8601, 1 = Monday)"),
            "{refused}"
        );
    }
}
