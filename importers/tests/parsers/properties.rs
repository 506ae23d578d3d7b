//! Properties: the Meeting Guide parser and the normalize helpers never panic, whatever the
//! input, and sanitised text never contains markup.

use importers::normalize::{address, phone, schedule, text, time, web};
use importers::{meeting_guide, SourceOptions};
use proptest::prelude::*;
use serde_json::{Map, Value};

#[rustfmt::skip]
const KEYS: [&str; 24] = [
    "slug", "name", "day", "time", "end_time", "timezone", "types", "notes", "group_notes", "location",
    "formatted_address", "address", "city", "state", "postal_code", "country", "latitude", "longitude",
    "approximate", "attendance_option", "conference_url", "conference_phone", "updated", "url",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,24}".prop_map(Value::String),
        prop_oneof![
            Just("8:00 PM"),
            Just("[open]"),
            Just("C,W"),
            Just("3"),
            Just("-75.5"),
            Just("<b>x</b>&amp;"),
            Just("https://zoom.us/j/123456789?pwd=x"),
            Just("+16465588656,,123#"),
            Just("yes"),
            Just("")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{1,4}", inner), 0..3).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn record() -> impl Strategy<Value = Value> {
    prop::collection::vec((prop::sample::select(KEYS.to_vec()), json_value()), 0..12)
        .prop_map(|fields| Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>()))
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = meeting_guide::parse(&bytes, &SourceOptions::default());
    }

    #[test]
    fn never_panics_on_records_of_any_shape(records in prop::collection::vec(record(), 0..6)) {
        let bytes = serde_json::to_vec(&Value::Array(records)).expect("serialise");
        let parsed = meeting_guide::parse(&bytes, &SourceOptions::default());
        prop_assert!(parsed.is_ok());
    }

    #[test]
    fn sanitised_text_has_no_markup(raw in "(\\PC|<[a-z/!]{1,8}|&[a-z]{2,5};?|&lt;script&gt;){0,40}") {
        if let Some(out) = text::plain_text(&raw) {
            let tag_like = out.as_bytes().windows(2).any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')));
            prop_assert!(!tag_like, "{out:?}");
        }
    }

    #[test]
    fn helpers_never_panic_on_any_text(raw in "(\\PC|[0-9:,#+ ]|pw: |https://|zoom\\.us/j/|&amp;|, |pm){0,30}") {
        let _ = (text::redact_secrets(&raw), text::mentions_secret(&raw), text::plain_line(&raw));
        let _ = (phone::normalize_phone(&raw, Some("US")), phone::conference_phone(&raw, Some("GB")), phone::dial_meeting_id(&raw));
        let _ = (web::normalize_url(&raw), web::conference_id(&raw), web::normalize_email(&raw));
        let _ = (time::parse_time(&raw), time::parse_weekday(&raw), time::parse_updated(&raw), time::validate_timezone(&raw));
        let _ = (address::split_address(&raw, None), address::split_address(&raw, Some("US")), address::split_address(&raw, Some("GB")));
        let _ = (address::normalize_postcode(&raw, Some("CA")), address::normalize_postcode(&raw, Some("GB")), address::country_code(&raw, true));
        let _ = (schedule::find_nth_weekdays(&raw), schedule::zone_hint(&raw), schedule::says_every_other_week(&raw));
    }
}
