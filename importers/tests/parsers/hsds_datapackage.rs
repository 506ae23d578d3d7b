//! HSDS 1.1 datapackage: snapshots of the two fixture packages (211 Miami, trimmed; the Open
//! Referral sample), focused tests of their quirks, broken documents, and never-panic
//! properties. Tables are served from `tests/fixtures/hsds_datapackage/<package>/` under a
//! made-up web address, as the service would fetch them.

use importers::{hsds_datapackage, Documents, Format, GroupKind, Parsed, Recurrence, SourceOptions, Weekday};
use proptest::prelude::*;
use std::collections::BTreeMap;

use crate::openreferral::{all_text, check, parse_all, serve_dir};
use crate::support::fixture_dir;

const BASE: &str = "https://data.example.org/hsds/datapackage.json";

fn opts(json: serde_json::Value) -> SourceOptions {
    SourceOptions {
        timezone: "America/New_York".to_owned(),
        country: Some("US".to_owned()),
        rules: importers::taxonomy::core_rules(),
        format_options: json,
        ..SourceOptions::default()
    }
}

fn run(package: &str, options: serde_json::Value) -> Result<Parsed, importers::DocumentError> {
    let dir = fixture_dir("hsds_datapackage").join(package);
    let root = std::fs::read(dir.join("datapackage.json")).expect("descriptor");
    parse_all(Format::HsdsDatapackage, BASE, &root, &opts(options), serve_dir(&dir))
}

fn miami() -> Parsed {
    run("miami-211", serde_json::Value::Null).unwrap_or_else(|e| panic!("{e}"))
}

fn listing<'a>(parsed: &'a Parsed, id: &str) -> &'a importers::Listing {
    parsed.listings.iter().find(|l| l.external_id == id).unwrap_or_else(|| panic!("no listing {id}"))
}

#[test]
fn snapshot_miami_211() {
    check("hsds_datapackage__miami-211", run("miami-211", serde_json::Value::Null));
}

#[test]
fn snapshot_openreferral_sample() {
    check("hsds_datapackage__openreferral-sample", run("openreferral-sample", serde_json::Value::Null));
}

#[test]
fn snapshot_openreferral_sample_include_all() {
    let result = run("openreferral-sample", serde_json::json!({ "include_all": true }));
    check("hsds_datapackage__openreferral-sample-include-all", result);
}

#[test]
fn first_parse_wants_only_the_tables_it_reads() {
    let root = std::fs::read(fixture_dir("hsds_datapackage").join("miami-211/datapackage.json")).expect("descriptor");
    let empty = BTreeMap::new();
    let parsed =
        hsds_datapackage::parse(&Documents { url: BASE, root: &root, extra: &empty }, &opts(serde_json::Value::Null))
            .unwrap_or_else(|e| panic!("{e}"));
    assert!(parsed.listings.is_empty() && parsed.problems.is_empty());
    let names: Vec<&str> = parsed.wants.iter().filter_map(|w| w.rsplit('/').next()).collect();
    assert!(names.contains(&"services.csv") && names.contains(&"regular_schedules.csv"), "{names:?}");
    for never in ["contacts.csv", "eligibility.csv", "programs.csv", "postal_addresses.csv"] {
        assert!(!names.contains(&never), "wants {never}");
    }
    assert!(parsed.wants.iter().all(|w| w.starts_with("https://data.example.org/hsds/")));
}

#[test]
fn miami_names_come_from_the_location_when_the_service_is_a_place_name() {
    let parsed = miami();
    // Service "COCONUT GROVE", location "THE CHILDREN'S BEREAVEMENT CENTER - COCONUT GROVE".
    let l = listing(&parsed, "4182");
    assert_eq!(l.name, "THE CHILDREN'S BEREAVEMENT CENTER - COCONUT GROVE");
    assert_eq!(l.location.as_ref().and_then(|p| p.name.clone()), None);
    assert_eq!(l.organisation.as_deref(), Some("THE CHILDREN'S BEREAVEMENT CENTER, INC."));
}

#[test]
fn miami_text_quirks_are_repaired() {
    let parsed = miami();
    let l = listing(&parsed, "4182");
    let d = l.description.as_deref().unwrap_or_default();
    assert!(d.contains("\n\n") && !d.contains("\\n"), "{d:?}");
    for l in &parsed.listings {
        let text = all_text(l);
        assert!(!text.contains("###") && !text.contains("GÇ"), "{}: {text}", l.external_id);
    }
    // "FL " and a blank "   " country: trimmed, and the source's country used.
    let p = l.location.as_ref().expect("place");
    assert_eq!((p.region.as_deref(), p.country.as_deref()), (Some("FL"), Some("US")));
}

#[test]
fn miami_weekday_names_and_am_pm_times() {
    let parsed = miami();
    let l = listing(&parsed, "2320"); // Al-Anon "SATURDAY NIGHT SERENITY", 7:30pm-8:45pm Sat
    let m = l.meetings.first().expect("a meeting");
    assert_eq!(m.weekday, Some(Weekday::Saturday));
    assert_eq!(m.start.map(|t| t.to_string()).as_deref(), Some("19:30:00"));
    assert_eq!(m.end.map(|t| t.to_string()).as_deref(), Some("20:45:00"));
    assert_eq!((m.timezone.as_str(), &m.recurrence), ("America/New_York", &Recurrence::Weekly));
    assert_eq!(l.kind, GroupKind::TwelveStep);
}

#[test]
fn selection_by_airs_code_keyword_and_exclusion() {
    let parsed = miami();
    let ids: Vec<&str> = parsed.listings.iter().map(|l| l.external_id.as_str()).collect();
    assert!(ids.contains(&"535"), "PN-8100.6500 family support group kept"); // code only
    assert!(ids.contains(&"8092"), "AVENTURA OCD SUPPORT GROUP kept by keyword");
    assert!(!ids.contains(&"6082"), "an Alzheimer's HELPLINE is excluded by name");
    assert!(!ids.contains(&"136"), "the Girl Scouts are not a group");
    let codes = &listing(&parsed, "535").codes;
    assert!(codes.iter().any(|c| c.starts_with("PN-8100")), "{codes:?}");
    let skipped = parsed.problems.iter().find(|p| p.record.is_none()).expect("the skipped-services note");
    assert!(skipped.message.contains("services are not support groups and were skipped (selection:"), "{skipped}");
    assert!(!skipped.dropped);
}

#[test]
fn configured_codes_and_words_extend_the_selection() {
    let options = serde_json::json!({ "taxonomy_codes": ["FN-1900"], "exclude_keywords": ["bereavement"] });
    let parsed = run("miami-211", options).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = parsed.listings.iter().map(|l| l.external_id.as_str()).collect();
    assert!(
        ids.contains(&"143"),
        "FN-1900 (Crime Victim Support) covers the victim compensation service's FN-1900.2500"
    );
    assert!(!ids.contains(&"4182"), "\"bereavement\" in the name now excludes THE CHILDREN'S BEREAVEMENT CENTER - ...");
    assert!(ids.contains(&"218"), "but not VITAS - BEREAVEMENT SUPPORT GROUPS, whose name says it is a group");
}

#[test]
fn the_sample_joins_phones_schedules_and_skips_personal_numbers() {
    let parsed =
        run("openreferral-sample", serde_json::json!({ "include_all": true })).unwrap_or_else(|e| panic!("{e}"));
    let helpline = listing(&parsed, "c89eb05c-62dd-4b64-b494-0cc347b6ea7f");
    let days: Vec<_> = helpline.meetings.iter().map(|m| m.weekday).collect();
    assert_eq!(days, [Some(Weekday::Monday), Some(Weekday::Tuesday), Some(Weekday::Wednesday)]);
    let laundry = listing(&parsed, "21a1192b-abb9-45e8-bc52-c81ca4087240");
    // The service's own line, not the manager's cell number on its service_at_location.
    assert!(laundry.contact.phone.as_deref().is_some_and(|p| p.contains("22345671253")), "{:?}", laundry.contact);
    assert!(!all_text(laundry).contains("23512461"));
    let inactive = listing(&parsed, "a27a0710-72d2-41a2-8947-9d0e0e69e257");
    assert!(!inactive.active);
}

#[test]
fn broken_documents_say_what_is_wrong() {
    let empty = BTreeMap::new();
    let o = opts(serde_json::Value::Null);
    let err = |root: &[u8]| {
        hsds_datapackage::parse(&Documents { url: BASE, root, extra: &empty }, &o)
            .err()
            .map(|e| e.0)
            .unwrap_or_default()
    };
    assert!(err(b"<html><title>404 Not Found</title></html>").contains("found HTML"));
    assert!(err(b"{\"name\": \"x\"}").contains("resources"));
    assert!(err(b"{\"resources\": [{\"name\": \"phone\", \"path\": \"phones.csv\"}]}").contains("no services table"));
    assert!(err(b"{\"resources\": [").contains("invalid JSON"));
    let root = br#"{"resources": [{"name": "service", "path": "services.csv"}]}"#;
    let mut extra = BTreeMap::new();
    extra.insert("https://data.example.org/hsds/services.csv".to_owned(), b"<!doctype html><p>Bad gateway".to_vec());
    let e = hsds_datapackage::parse(&Documents { url: BASE, root, extra: &extra }, &o).err().map(|e| e.0);
    assert!(e.as_deref().is_some_and(|e| e.contains("services table") && e.contains("HTML")), "{e:?}");
}

#[test]
fn bad_options_are_named() {
    let e = importers::check_options(Format::HsdsDatapackage, &serde_json::json!({ "include": true }));
    assert!(e.as_ref().is_err_and(|e| e.contains("include")), "{e:?}");
    assert!(importers::check_options(Format::HsdsDatapackage, &serde_json::json!({ "keywords": ["x"] })).is_ok());
}

fn csv_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{0,8}",
        Just("PN-8100".to_owned()),
        Just("support group".to_owned()),
        Just("Monday".to_owned()),
        Just("7".to_owned()),
        Just("8:00pm".to_owned()),
        Just("\"q,\n\"".to_owned()),
        Just("1".to_owned()),
        Just("".to_owned()),
    ]
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(root in prop::collection::vec(any::<u8>(), 0..256), table in prop::collection::vec(any::<u8>(), 0..512)) {
        let descriptor = br#"{"resources":[{"name":"service","path":"s.csv"},{"name":"regular_schedule","path":"r.csv"}]}"#;
        let mut extra = BTreeMap::new();
        extra.insert("https://data.example.org/hsds/s.csv".to_owned(), table.clone());
        extra.insert("https://data.example.org/hsds/r.csv".to_owned(), table);
        let o = SourceOptions::default();
        let _ = hsds_datapackage::parse(&Documents { url: BASE, root: &root, extra: &extra }, &o);
        let _ = hsds_datapackage::parse(&Documents { url: BASE, root: descriptor, extra: &extra }, &o);
    }

    #[test]
    fn never_panics_on_plausible_tables(rows in prop::collection::vec(prop::collection::vec(csv_cell(), 0..9), 0..8)) {
        let header = "id,service_id,location_id,name,description,weekday,opens_at,closes_at,taxonomy_id,byday,freq\n";
        let body: String = rows.iter().map(|r| r.join(",") + "\n").collect();
        let table = format!("{header}{body}").into_bytes();
        let kinds = ["service", "location", "service_at_location", "regular_schedule", "service_taxonomy", "taxonomy", "phone"];
        let resources: Vec<String> = kinds.iter().map(|k| format!(r#"{{"name":"{k}","path":"{k}.csv"}}"#)).collect();
        let descriptor = format!(r#"{{"resources":[{}]}}"#, resources.join(","));
        let extra: BTreeMap<String, Vec<u8>> =
            kinds.iter().map(|k| (format!("https://data.example.org/hsds/{k}.csv"), table.clone())).collect();
        let o = SourceOptions { format_options: serde_json::json!({"include_all": true}), ..SourceOptions::default() };
        let parsed = hsds_datapackage::parse(&Documents { url: BASE, root: descriptor.as_bytes(), extra: &extra }, &o);
        prop_assert!(parsed.is_ok());
    }
}
