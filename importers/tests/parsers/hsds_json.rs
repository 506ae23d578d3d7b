//! HSDS 3.0 JSON: snapshots of the Open Referral examples and of a synthetic two-page list
//! of support groups, focused tests of paging, schedules and privacy, broken documents, and
//! never-panic properties.

use std::collections::BTreeMap;

use importers::{hsds_json, Attendance, Documents, Format, GroupKind, Parsed, Recurrence, SourceOptions, Weekday};
use proptest::prelude::*;
use serde_json::Value;

use crate::openreferral::{all_text, check, parse_all};
use crate::support::{fixture, fixture_dir};

const LIST_URL: &str = "https://api.example.org/services?per_page=8";

fn opts(json: Value) -> SourceOptions {
    SourceOptions {
        timezone: "Europe/London".to_owned(),
        country: Some("GB".to_owned()),
        rules: importers::taxonomy::core_rules(),
        format_options: json,
        ..SourceOptions::default()
    }
}

/// One example document on its own (its further pages, if any, served empty-handed: the
/// examples are single pages of lists of 10).
fn example(name: &str, options: Value) -> Result<Parsed, importers::DocumentError> {
    let bytes = fixture("hsds_json", &format!("{name}.json"));
    let empty = BTreeMap::new();
    let docs = Documents { url: "https://api.example.org/x", root: &bytes, extra: &empty };
    importers::parse(Format::HsdsJson, &docs, &opts(options))
}

fn support_groups() -> Parsed {
    let root = fixture("hsds_json", "support-groups-page-1.json");
    let serve = |url: &str| {
        assert_eq!(url, "https://api.example.org/services?per_page=8&page=2");
        std::fs::read(fixture_dir("hsds_json").join("support-groups-page-2.json")).ok()
    };
    parse_all(Format::HsdsJson, LIST_URL, &root, &opts(Value::Null), serve).unwrap_or_else(|e| panic!("{e}"))
}

fn listing<'a>(parsed: &'a Parsed, id: &str) -> &'a importers::Listing {
    parsed.listings.iter().find(|l| l.external_id == id).unwrap_or_else(|| panic!("no listing {id}"))
}

#[test]
fn snapshot_support_groups() {
    let root = fixture("hsds_json", "support-groups-page-1.json");
    let serve = |_: &str| std::fs::read(fixture_dir("hsds_json").join("support-groups-page-2.json")).ok();
    check("hsds_json__support-groups", parse_all(Format::HsdsJson, LIST_URL, &root, &opts(Value::Null), serve));
}

#[test]
fn snapshot_examples() {
    for name in ["service_full", "service_at_location_full", "organization_full"] {
        check(&format!("hsds_json__{name}"), example(name, serde_json::json!({ "include_all": true })));
    }
    check("hsds_json__service_full-default-selection", example("service_full", Value::Null));
}

#[test]
fn example_lists_want_their_other_pages() {
    for name in ["service_list", "service_at_location_list", "organization_list"] {
        let parsed = example(name, serde_json::json!({ "include_all": true })).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.wants.len(), 9, "{name}: pages 2..=10");
        assert_eq!(parsed.wants.first().map(String::as_str), Some("https://api.example.org/x?page=2"));
    }
    let orgs = example("organization_list", Value::Null).unwrap_or_else(|e| panic!("{e}"));
    assert!(orgs.listings.is_empty());
    assert!(
        orgs.problems.iter().any(|p| p.message.contains("organization objects are not services")),
        "{:?}",
        orgs.problems
    );
}

#[test]
fn monthly_byday_ordinals_become_nth_weekdays() {
    let parsed = support_groups();
    let l = listing(&parsed, "svc-bereavement");
    let m = l.meetings.first().expect("a meeting");
    assert_eq!((m.weekday, &m.recurrence), (Some(Weekday::Thursday), &Recurrence::MonthlyNth { weeks: vec![2, 4] }));
    assert_eq!(l.name, "Bereavement Peer Support Group");
    assert_eq!(l.location.as_ref().and_then(|p| p.postcode.as_deref()), Some("BS1 4DJ"));
    assert!(l.codes.iter().any(|c| c == "PN-8100.1000") && l.codes.iter().any(|c| c == "Bereavement Support Groups"));
    assert_eq!(l.languages, ["en", "bfi"]);
}

#[test]
fn weekly_virtual_and_one_off_schedules() {
    let parsed = support_groups();
    let voices = listing(&parsed, "svc-voices");
    let days: Vec<_> = voices.meetings.iter().map(|m| (m.weekday, m.start.map(|t| t.to_string()))).collect();
    let six = Some("18:00:00".to_owned());
    assert_eq!(days, [(Some(Weekday::Monday), six.clone()), (Some(Weekday::Wednesday), six)]);
    assert_eq!(voices.attendance, Attendance::Online);
    let online = voices.online.as_ref().expect("online access");
    assert_eq!(online.conference_id.as_deref(), Some("88544971950"));
    let carers = listing(&parsed, "svc-carers");
    let date = chrono::NaiveDate::from_ymd_opt(2025, 3, 6).expect("date");
    assert_eq!(carers.meetings.first().map(|m| &m.recurrence), Some(&Recurrence::Once { date }));
    assert_eq!(carers.kind, GroupKind::ProfessionallyLed);
}

#[test]
fn several_places_give_one_listing_each() {
    let parsed = support_groups();
    assert!(parsed.listings.iter().any(|l| l.external_id == "svc-twosites@loc-a"));
    let b = listing(&parsed, "svc-twosites@loc-b");
    assert!(b.location.as_ref().is_some_and(|p| p.latitude.is_none()), "latitude 100 is dropped");
    assert!(b.meetings.is_empty(), "day 15 of the month cannot be shown");
    let fields: Vec<_> = parsed
        .problems
        .iter()
        .filter(|p| p.record.as_deref() == Some("svc-twosites@loc-b"))
        .filter_map(|p| p.field.clone())
        .collect();
    assert_eq!(fields, ["latitude", "bymonthday"]);
}

#[test]
fn kinds_status_exclusions_and_pages() {
    let parsed = support_groups();
    let family = listing(&parsed, "svc-family");
    assert_eq!((family.kind, family.active), (GroupKind::TherapyGroup, false));
    assert_eq!(listing(&parsed, "svc-aa").kind, GroupKind::TwelveStep, "read from page 2");
    let ids: Vec<&str> = parsed.listings.iter().map(|l| l.external_id.as_str()).collect();
    assert!(!ids.contains(&"svc-foodbank") && !ids.contains(&"svc-helpline"), "{ids:?}");
    assert!(parsed.problems.iter().any(|p| p.dropped && p.field.as_deref() == Some("id")));
    assert!(parsed.wants.is_empty());
}

#[test]
fn people_passcodes_and_markup_never_reach_a_listing() {
    let parsed = support_groups();
    for l in &parsed.listings {
        let text = all_text(l);
        for secret in ["Jane Volunteer", "jane.volunteer", "900456", "900123", "S3cretZz", "<script", "alert(1)", "<b>"]
        {
            assert!(!text.contains(secret), "{}: {secret} in {text}", l.external_id);
        }
    }
    for name in ["service_full", "organization_full", "service_at_location_full"] {
        let parsed = example(name, serde_json::json!({ "include_all": true })).unwrap_or_else(|e| panic!("{e}"));
        assert!(parsed.listings.iter().all(|l| !all_text(l).contains("Persona")), "{name}");
    }
}

#[test]
fn broken_documents_say_what_is_wrong() {
    let empty = BTreeMap::new();
    let o = opts(Value::Null);
    let err = |root: &[u8]| {
        let docs = Documents { url: LIST_URL, root, extra: &empty };
        hsds_json::parse(&docs, &o).err().map(|e| e.0).unwrap_or_default()
    };
    assert!(err(b"").contains("empty document"));
    assert!(err(b"<!DOCTYPE html><h1>502 Bad Gateway</h1>").contains("502 Bad Gateway"));
    assert!(err(b"{\"contents\": [").contains("invalid JSON at line 1"));
    assert!(err(b"42").contains("found a number"));
    let mut extra = BTreeMap::new();
    extra.insert("https://api.example.org/services?per_page=8&page=2".to_owned(), b"<html>oops</html>".to_vec());
    let root = fixture("hsds_json", "support-groups-page-1.json");
    let e = hsds_json::parse(&Documents { url: LIST_URL, root: &root, extra: &extra }, &o).err().map(|e| e.0);
    assert!(e.as_deref().is_some_and(|e| e.contains("page 2")), "{e:?}");
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "MONTHLY",
            "2TH,-1FR",
            "MO",
            "19:00Z",
            "2025-02-30",
            "virtual",
            "PN-8100",
            "support group"
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        let keys = prop::sample::select(vec![
            "id",
            "name",
            "description",
            "schedules",
            "byday",
            "freq",
            "opens_at",
            "dtstart",
            "location",
            "service",
            "service_at_locations",
            "addresses",
            "latitude",
            "attributes",
            "taxonomy_term",
            "contents",
            "total_pages",
            "page_number",
            "services",
            "status",
            "phones",
            "number",
            "location_type",
            "url",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys, inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let empty = BTreeMap::new();
        let _ = hsds_json::parse(&Documents { url: LIST_URL, root: &bytes, extra: &empty }, &SourceOptions::default());
    }

    #[test]
    fn never_panics_on_plausible_json(value in json_value()) {
        let bytes = serde_json::to_vec(&value).expect("serialise");
        let empty = BTreeMap::new();
        let o = SourceOptions { format_options: serde_json::json!({"include_all": true}), ..SourceOptions::default() };
        let _ = hsds_json::parse(&Documents { url: LIST_URL, root: &bytes, extra: &empty }, &o);
    }
}
