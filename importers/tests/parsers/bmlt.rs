//! BMLT: both API shapes (snapshots of the fixtures, with and without the formats table and
//! service bodies), the multi-document protocol, one test per quirk, document errors, and
//! never-panic properties.

use std::collections::BTreeMap;

use chrono::NaiveTime;
use importers::{Attendance, Audience, Documents, Format, GroupKind, Parsed, SourceOptions, Topic, Weekday};
use proptest::prelude::*;
use serde_json::json;

use crate::meeting_rows::snapshot;
use crate::support::fixture;

const ROOT: &str = "https://na.example.org/main_server/api/v1/meetings";
const FORMATS: &str = "https://na.example.org/main_server/api/v1/formats";
const BODIES: &str = "https://na.example.org/main_server/api/v1/servicebodies";

fn options() -> SourceOptions {
    SourceOptions {
        timezone: "America/New_York".to_owned(),
        country: Some("US".to_owned()),
        topics: vec![Topic::DRUGS],
        format_options: json!({ "formats_url": "formats", "service_bodies_url": "/main_server/api/v1/servicebodies" }),
        ..SourceOptions::default()
    }
}

fn extras() -> BTreeMap<String, Vec<u8>> {
    BTreeMap::from([
        (FORMATS.to_owned(), fixture("bmlt", "abcd-region-formats-v1.json")),
        (BODIES.to_owned(), fixture("bmlt", "abcd-region-servicebodies-v1.json")),
    ])
}

fn parse_docs(
    root: &[u8],
    extra: &BTreeMap<String, Vec<u8>>,
    opts: &SourceOptions,
) -> Result<Parsed, importers::DocumentError> {
    importers::parse(Format::Bmlt, &Documents { url: ROOT, root, extra }, opts)
}

fn parse_json(root: serde_json::Value) -> Parsed {
    let bytes = serde_json::to_vec(&root).expect("json");
    parse_docs(&bytes, &BTreeMap::new(), &SourceOptions::default()).expect("parses")
}

fn check(name: &str, parsed: &Parsed) {
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_json_snapshot!(format!("bmlt__{name}"), snapshot(parsed));
    });
}

#[test]
fn admin_v1_snapshot_with_formats_and_service_bodies() {
    let parsed = parse_docs(&fixture("bmlt", "abcd-region-meetings-v1.json"), &extras(), &options()).expect("parses");
    assert!(parsed.wants.is_empty());
    check("abcd-region-meetings-v1", &parsed);
}

#[test]
fn semantic_snapshot_without_side_documents() {
    let plain = SourceOptions { format_options: serde_json::Value::Null, ..options() };
    let parsed = parse_docs(&fixture("bmlt", "getsearchresults-meeting-1601.json"), &BTreeMap::new(), &plain);
    check("getsearchresults-meeting-1601", &parsed.expect("parses"));
}

#[test]
fn side_documents_are_wanted_and_the_meetings_listed_meanwhile() {
    let parsed =
        parse_docs(&fixture("bmlt", "abcd-region-meetings-v1.json"), &BTreeMap::new(), &options()).expect("parses");
    assert_eq!(parsed.wants, [FORMATS, BODIES], "resolved against the root's URL");
    assert!(!parsed.listings.is_empty());
    assert!(parsed.listings.iter().all(|l| l.organisation.is_none() && l.open.is_none()));
}

#[test]
fn both_shapes_give_the_same_listing() {
    let v1 = parse_docs(&fixture("bmlt", "abcd-region-meetings-v1.json"), &extras(), &options()).expect("v1");
    let semantic =
        parse_docs(&fixture("bmlt", "getsearchresults-meeting-1601.json"), &extras(), &options()).expect("semantic");
    let from_v1 = v1.listings.iter().find(|l| l.external_id == "1601").expect("1601 in v1");
    assert_eq!(&semantic.listings[0], from_v1);
    let meeting = &from_v1.meetings[0];
    assert_eq!(meeting.weekday, Some(Weekday::Thursday), "weekday_tinyint 5 (1 = Sunday) and day 4 (0 = Sunday)");
    assert_eq!((meeting.start, meeting.end), (NaiveTime::from_hms_opt(19, 0, 0), NaiveTime::from_hms_opt(20, 30, 0)));
    assert_eq!(from_v1.organisation.as_deref(), Some("Mid-Hudson Area Service"));
    assert_eq!(from_v1.open, Some(true));
    assert!(from_v1.codes.contains(&"St".to_owned()) && from_v1.codes.contains(&"STEP".to_owned()), "key and world id");
}

#[test]
fn formats_give_audience_access_languages_and_attendance() {
    let formats = json!([
        {"id": 1, "worldId": "BEG", "translations": [{"key": "B", "name": "Beginners", "language": "en"}]},
        {"id": 2, "worldId": "LANG", "translations": [{"key": "L/R", "name": "Lithuanian/Russian", "language": "en"}]},
        {"id": 3, "worldId": "WCHR", "translations": [{"key": "WC", "name": "Silla de Ruedas", "language": "es"}, {"key": "WC", "name": "Wheelchair", "language": "en"}]},
        {"id": 4, "worldId": "W", "translations": [{"key": "W", "name": "Women", "language": "en"}]},
        {"id": 5, "worldId": "TC", "translations": [{"key": "TC", "name": "Temporarily Closed Facility", "language": "en"}]}
    ]);
    let root = json!([
        {"id": 7, "name": "A", "day": 0, "startTime": "18:00", "duration": "01:00", "venueType": 3, "formatIds": [1, 2, 3, 4],
         "virtual_meeting_link": "https://zoom.us/j/123456789?pwd=abc", "location_street": "1 Main St"},
        {"id": 8, "name": "B", "day": 6, "startTime": "23:30", "duration": "01:00", "venueType": 1, "formatIds": [5]},
        {"id": 9, "name": "C", "day": 1, "startTime": "10:00", "duration": "01:00", "venueType": 1, "temporarilyVirtual": true,
         "virtual_meeting_link": "https://meet.google.com/abc-defg-hij", "published": false}
    ]);
    let extra = BTreeMap::from([(FORMATS.to_owned(), serde_json::to_vec(&formats).expect("json"))]);
    let opts = SourceOptions {
        format_options: json!({ "formats_url": "formats" }),
        kind: Some(GroupKind::PeerSupport),
        ..SourceOptions::default()
    };
    let parsed = parse_docs(&serde_json::to_vec(&root).expect("json"), &extra, &opts).expect("parses");
    let [a, b, c] = &parsed.listings[..] else { panic!("{:?}", parsed.listings) };
    assert_eq!(a.audience, [Audience::Women, Audience::Newcomers]);
    assert_eq!((a.languages.as_slice(), a.attendance), (&["lt".to_owned(), "ru".to_owned()][..], Attendance::Hybrid));
    assert_eq!(a.online.as_ref().and_then(|o| o.url.as_deref()), Some("https://zoom.us/j/123456789"), "no passcode");
    assert_eq!((a.meetings[0].weekday, a.kind), (Some(Weekday::Sunday), GroupKind::PeerSupport));
    assert!(a.topics.is_empty(), "topics come from the source's defaults, not the format");
    assert_eq!(b.meetings[0].end, NaiveTime::from_hms_opt(0, 30, 0), "end wraps past midnight");
    assert!(!b.active, "a temporarily closed venue without a link is inactive");
    assert_eq!((c.attendance, c.active), (Attendance::Online, false), "temporarily virtual; unpublished");
}

#[test]
fn semantic_keys_read_without_a_formats_table() {
    let parsed = parse_json(json!([{"id_bigint": "5", "meeting_name": "Just for Today", "weekday_tinyint": "1",
        "start_time": "19:00:00", "duration_time": "01:30:00", "venue_type": "2", "formats": "C,VM,ES,Zz",
        "latitude": "0", "longitude": "0", "time_zone": "America/Chicago", "contact_name_1": "Jane Doe",
        "contact_phone_1": "555-010-7777", "email_contact": "jane@example.com", "published": "1"}]));
    let l = &parsed.listings[0];
    assert_eq!((l.open, l.languages.as_slice()), (Some(false), &["es".to_owned()][..]), "BMLT's default keys");
    assert_eq!(l.codes, ["C", "CLOSED", "VM", "ES", "LANG", "Zz"]);
    assert_eq!((l.attendance, l.kind), (Attendance::Online, GroupKind::TwelveStep));
    assert_eq!(l.meetings[0].weekday, Some(Weekday::Sunday));
    assert_eq!(l.meetings[0].timezone, "America/Chicago");
    assert!(l.location.is_none(), "0,0 is no place");
    let text = serde_json::to_string(&parsed.listings).expect("json");
    assert!(!text.contains("Jane") && !text.contains("7777"), "contacts are never copied");
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
}

#[test]
fn envelope_with_inline_formats() {
    let parsed = parse_json(json!({
        "meetings": [{"id_bigint": "5", "meeting_name": "A", "weekday_tinyint": "2", "start_time": "19:00:00",
                      "formats": "Op", "format_shared_id_list": "17"}],
        "formats": [{"id": "17", "key_string": "Op", "name_string": "Open", "world_id": "OPEN", "lang": "en"}]
    }));
    assert_eq!(
        (parsed.listings[0].open, parsed.listings[0].codes.as_slice()),
        (Some(true), &["Op".to_owned(), "OPEN".to_owned()][..])
    );
}

#[test]
fn bad_records_and_side_documents_are_problems() {
    let root =
        json!([{"id": 1, "day": 9, "startTime": "25:00", "name": "A"}, {"id": 1, "name": "B"}, {"name": "C"}, 3]);
    let extra = BTreeMap::from([(FORMATS.to_owned(), b"<html>oops</html>".to_vec())]);
    let opts = SourceOptions { format_options: json!({ "formats_url": "formats" }), ..SourceOptions::default() };
    let parsed = parse_docs(&serde_json::to_vec(&root).expect("json"), &extra, &opts).expect("parses");
    let ids: Vec<&str> = parsed.listings.iter().map(|l| l.external_id.as_str()).collect();
    assert_eq!(ids, ["1", "1-dup2"]);
    let shown: Vec<String> = parsed.problems.iter().map(ToString::to_string).collect();
    for expected in [
        "formats_url",
        "day 9 is outside 0-6",
        "unreadable time",
        "repeats",
        "no meeting id",
        "expected a meeting object",
    ] {
        assert!(shown.iter().any(|p| p.contains(expected)), "{expected} in {shown:#?}");
    }
}

#[test]
fn broken_documents_and_options_say_what_is_wrong() {
    let error = |bytes: &[u8]| parse_docs(bytes, &BTreeMap::new(), &options()).expect_err("a document error").0;
    assert!(error(&fixture("bmlt", "abcd-region-formats-v1.json")).contains("formats table"));
    assert!(error(&fixture("bmlt", "abcd-region-servicebodies-v1.json")).contains("service bodies"));
    assert!(error(b"<html><title>502 Bad Gateway</title></html>").contains("HTML (\"502 Bad Gateway\")"));
    assert!(error(b"{\"message\": \"Unauthenticated.\"}").contains("JSON object with keys: message"));
    assert!(error(b"[{\"id\": 1, \"name\": \"x\"").contains("invalid JSON"));
    assert!(error(b"").contains("empty document"));
    let check = |v: serde_json::Value| importers::check_options(Format::Bmlt, &v);
    assert!(check(json!({ "formats_url": "formats" })).is_ok());
    assert!(check(json!({ "format_url": "x" })).is_err_and(|e| e.contains("format_url")));
    assert!(check(json!({ "formats_url": "javascript:alert(1)" })).is_err());
}

fn value() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        "\\PC{0,12}".prop_map(serde_json::Value::String),
        prop::sample::select(vec!["19:00:00", "01:30", "99:99", "1,2,x", "-1", "7", "0"])
            .prop_map(serde_json::Value::from),
        prop::collection::vec(any::<i32>(), 0..4).prop_map(serde_json::Value::from),
    ]
}

const KEYS: [&str; 20] = [
    "id",
    "id_bigint",
    "name",
    "meeting_name",
    "day",
    "weekday_tinyint",
    "startTime",
    "start_time",
    "duration",
    "duration_time",
    "venueType",
    "venue_type",
    "formatIds",
    "formats",
    "format_shared_id_list",
    "latitude",
    "longitude",
    "timeZone",
    "virtual_meeting_link",
    "published",
];

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_docs(&bytes, &extras(), &options());
        let _ = parse_docs(&fixture("bmlt", "getsearchresults-meeting-1601.json"), &BTreeMap::from([(FORMATS.to_owned(), bytes)]), &options());
    }

    #[test]
    fn never_panics_on_meetings_of_any_shape(
        meetings in prop::collection::vec(prop::collection::vec((prop::sample::select(KEYS.to_vec()), value()), 0..10), 0..5),
    ) {
        let root: Vec<serde_json::Value> = meetings
            .into_iter()
            .map(|fields| serde_json::Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
            .collect();
        let _ = parse_docs(&serde_json::to_vec(&root).expect("json"), &extras(), &options());
    }
}
