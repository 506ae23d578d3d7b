//! Open Referral UK: snapshots of the two OpenPlace exports (trimmed, scrubbed) and of a
//! synthetic two-page detail response, focused tests of UK defaults, OpenPlace fields,
//! paging from page 0, and privacy, broken documents, and never-panic properties.

use std::collections::BTreeMap;

use importers::{
    oruk, Attendance, Audience, Documents, Format, GroupKind, Parsed, Recurrence, SourceOptions, Topic, Weekday,
};
use proptest::prelude::*;
use serde_json::Value;

use crate::openreferral::{all_text, check, parse_all};
use crate::support::{fixture, fixture_dir};

const API: &str = "https://directory.example.org/api/services?per_page=2";

/// What an operator configures for a UK directory: nothing but the core rules (the zone stays
/// "UTC", the default, so ORUK's own Europe/London applies).
fn opts(json: Value) -> SourceOptions {
    SourceOptions { rules: importers::taxonomy::core_rules(), format_options: json, ..SourceOptions::default() }
}

fn feed(name: &str) -> Result<Parsed, importers::DocumentError> {
    let bytes = fixture("oruk", &format!("{name}.json"));
    let empty = BTreeMap::new();
    let docs = Documents { url: "https://bristol.example.org/hservices", root: &bytes, extra: &empty };
    importers::parse(Format::Oruk, &docs, &opts(Value::Null))
}

fn detail() -> Result<Parsed, importers::DocumentError> {
    let root = fixture("oruk", "detail-page-0.json");
    let serve = |url: &str| {
        assert_eq!(url, "https://directory.example.org/api/services?per_page=2&page=1");
        std::fs::read(fixture_dir("oruk").join("detail-page-1.json")).ok()
    };
    parse_all(Format::Oruk, API, &root, &opts(Value::Null), serve)
}

fn listing<'a>(parsed: &'a Parsed, name: &str) -> &'a importers::Listing {
    parsed.listings.iter().find(|l| l.name == name).unwrap_or_else(|| panic!("no listing {name}"))
}

#[test]
fn snapshot_bristol() {
    check("oruk__bristol-openplace", feed("bristol-openplace"));
}

#[test]
fn snapshot_northlincs() {
    check("oruk__northlincs-openplace", feed("northlincs-openplace"));
}

#[test]
fn snapshot_detail_pages() {
    check("oruk__detail-pages", detail());
}

#[test]
fn detail_objects_give_places_schedules_and_uk_defaults() {
    let parsed = detail().unwrap_or_else(|e| panic!("{e}"));
    let l = listing(&parsed, "Hearing Voices Group");
    let p = l.location.as_ref().expect("a place");
    assert_eq!((p.postcode.as_deref(), p.country.as_deref()), (Some("HP10 9AA"), Some("GB")));
    assert_eq!(p.name.as_deref(), Some("The Wellbeing Centre"));
    let meetings: Vec<_> = l.meetings.iter().map(|m| (m.weekday, m.recurrence.clone(), m.timezone.as_str())).collect();
    assert_eq!(
        meetings,
        [
            (Some(Weekday::Wednesday), Recurrence::Weekly, "Europe/London"),
            (Some(Weekday::Friday), Recurrence::MonthlyNth { weeks: vec![-1] }, "Europe/London"),
        ]
    );
    assert_eq!(l.languages, ["en", "pl"]);
    assert_eq!(
        l.accessibility,
        [importers::Accessibility::WheelchairAccess, importers::Accessibility::AccessibleToilet]
    );
    assert_eq!(l.contact.website.as_deref(), Some("https://www.example.org/voices"));
    assert!(l.codes.iter().any(|c| c == "Peer support") && l.codes.iter().any(|c| c == "Peer group"), "{:?}", l.codes);
}

#[test]
fn openplace_audiences_topics_and_attendance() {
    let parsed = detail().unwrap_or_else(|e| panic!("{e}"));
    let l = listing(&parsed, "Hearing Voices Group");
    assert_eq!(l.audience, [Audience::Women]);
    let tag = l.topics.iter().find(|t| t.topic == Topic::MENTAL_HEALTH).expect("mental health");
    assert_eq!(tag.rule, "target audience \"Mental Health\"");
    assert_eq!(l.attendance, Attendance::InPerson);
    assert_eq!(l.updated_at.map(|d| d.date_naive().to_string()).as_deref(), Some("2024-11-02"));
    let carers = listing(&parsed, "Online Carers Support Group");
    assert_eq!(carers.attendance, Attendance::Online);
    assert_eq!(carers.meetings.first().map(|m| &m.recurrence), Some(&Recurrence::MonthlyNth { weeks: vec![1, 3] }));
    assert!(carers.topics.iter().any(|t| t.topic == Topic::CARING));
}

#[test]
fn people_are_never_copied() {
    let parsed = detail().unwrap_or_else(|e| panic!("{e}"));
    for l in &parsed.listings {
        let text = all_text(l);
        for secret in ["Sam Organiser", "900789", "assessor@"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}

#[test]
fn real_exports_select_groups_and_skip_the_rest() {
    let parsed = feed("bristol-openplace").unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = parsed.listings.iter().map(|l| l.name.as_str()).collect();
    for kept in ["AA Meeting - Discussion Group", "Gam-Anon Bristol", "Social Anxiety Peer Support Group"] {
        assert!(names.contains(&kept), "{kept} missing from {names:?}");
    }
    for skipped in ["CrimeStoppers", "Healthwatch Bristol", "Yate Leisure Centre", "Bristol Budgerigar Society", ""] {
        assert!(!names.contains(&skipped), "{skipped:?} selected");
    }
    assert_eq!(listing(&parsed, "AA Meeting - Discussion Group").kind, GroupKind::TwelveStep);
    assert_eq!(listing(&parsed, "Al-Anon Family Groups").kind, GroupKind::TwelveStep, "\"not a therapy group\"");
    assert_eq!(listing(&parsed, "Little Treasures").kind, GroupKind::ProfessionallyLed, "Specialist-led group");
    let note = parsed.problems.iter().find(|p| p.record.is_none()).expect("skipped note");
    assert!(note.message.starts_with("11 services are not support groups"), "{note}");
}

#[test]
fn taxonomy_codes_can_select_on_openplace_labels() {
    let bytes = fixture("oruk", "bristol-openplace.json");
    let empty = BTreeMap::new();
    let o = opts(serde_json::json!({ "taxonomy_codes": ["Peer group"] }));
    let parsed =
        oruk::parse(&Documents { url: API, root: &bytes, extra: &empty }, &o).unwrap_or_else(|e| panic!("{e}"));
    assert!(parsed.listings.iter().any(|l| l.name == "Inclusive drumming"));
}

#[test]
fn broken_documents_say_what_is_wrong() {
    let empty = BTreeMap::new();
    let o = opts(Value::Null);
    let err = |root: &[u8]| {
        oruk::parse(&Documents { url: API, root, extra: &empty }, &o).err().map(|e| e.0).unwrap_or_default()
    };
    assert!(err(b"<html><body>Service Unavailable</body></html>").contains("Service Unavailable"));
    assert!(err(b"[{\"id\": 1,").contains("invalid JSON"));
    assert!(err(b"\"services\"").contains("Open Referral UK"));
    let bad = opts(serde_json::json!({ "include_all": "yes" }));
    assert!(oruk::parse(&Documents { url: API, root: b"[]", extra: &empty }, &bad).is_err());
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let empty = BTreeMap::new();
        let _ = oruk::parse(&Documents { url: API, root: &bytes, extra: &empty }, &SourceOptions::default());
    }

    #[test]
    fn never_panics_on_mutated_detail(cut in 0usize..4000, junk in "\\PC{0,6}") {
        let mut text = String::from_utf8(fixture("oruk", "detail-page-0.json")).expect("utf-8");
        let at = (0..=cut.min(text.len())).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        text.insert_str(at, &junk);
        let empty = BTreeMap::new();
        let o = SourceOptions { format_options: serde_json::json!({"include_all": true}), ..SourceOptions::default() };
        let _ = oruk::parse(&Documents { url: API, root: text.as_bytes(), extra: &empty }, &o);
    }
}
