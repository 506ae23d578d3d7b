//! schema.org JSON-LD: the real Sober Founders blocks and four hand-made pages parse to their
//! snapshots; one focused test per quirk; document errors; never-panic properties.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};
use importers::{
    check_options, parse, Attendance, Audience, Documents, Format, Listing, Parsed, Recurrence, SourceOptions, Weekday,
};
use proptest::prelude::*;
use serde_json::json;

use crate::listing_rows::snapshot;
use crate::support::fixture;

const PAGES: [&str; 5] = [
    "soberfounders-home.json",
    "tsml-weekly-and-monthly.html",
    "online-events.html",
    "two-blocks-and-junk.html",
    "support-group-organization.html",
];
const URL: &str = "https://example.org/groups/";

/// US defaults for the US pages, UK defaults for the others.
fn options_for(file: &str) -> SourceOptions {
    let (timezone, country) = match file {
        "soberfounders-home.json" => ("America/New_York", "US"),
        "tsml-weekly-and-monthly.html" => ("America/Chicago", "US"),
        _ => ("Europe/London", "GB"),
    };
    SourceOptions {
        timezone: timezone.to_owned(),
        country: Some(country.to_owned()),
        rules: importers::taxonomy::core_rules(),
        ..SourceOptions::default()
    }
}

fn run(bytes: &[u8], opts: &SourceOptions) -> Result<Parsed, importers::DocumentError> {
    let extra = BTreeMap::new();
    parse(Format::JsonLd, &Documents { url: URL, root: bytes, extra: &extra }, opts)
}

fn page(file: &str) -> Parsed {
    run(&fixture("jsonld", file), &options_for(file)).unwrap_or_else(|e| panic!("{file}: document error: {e}"))
}

fn named<'a>(parsed: &'a Parsed, name: &str) -> &'a Listing {
    parsed.listings.iter().find(|l| l.name == name).unwrap_or_else(|| panic!("no listing {name}"))
}

fn at(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

fn error(bytes: &[u8]) -> String {
    run(bytes, &SourceOptions::default()).err().map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn fixture_snapshots() {
    for file in PAGES {
        let name = format!("jsonld__{}", file.replace('.', "-"));
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_json_snapshot!(name, snapshot(&page(file)));
        });
    }
}

#[test]
fn sober_founders_weekly_events_inherit_from_their_series() {
    let parsed = page("soberfounders-home.json");
    let names: Vec<&str> = parsed.listings.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Sober Founders Tuesday Mastermind", "Sober Founders Thursday Mastermind"]);
    let tuesday = &parsed.listings[0];
    let m = &tuesday.meetings[0];
    assert_eq!((m.weekday, m.start, m.timezone.as_str()), (Some(Weekday::Tuesday), at(12, 0), "America/New_York"));
    assert_eq!(m.recurrence, Recurrence::Weekly);
    assert_eq!(tuesday.attendance, Attendance::Online);
    assert_eq!(tuesday.cost.as_deref(), Some("Free"));
    assert_eq!(tuesday.organisation.as_deref(), Some("Sober Founders Inc."));
    assert!(tuesday.description.as_deref().unwrap_or_default().starts_with("Free recurring online mastermind"));
    assert_eq!(tuesday.url.as_deref(), Some("https://www.soberfounders.org/"));
}

#[test]
fn an_offset_that_disagrees_with_the_zone_is_read_as_written_and_reported() {
    let parsed = page("soberfounders-home.json");
    let offsets = parsed.problems.iter().filter(|p| p.field.as_deref() == Some("startDate")).count();
    assert_eq!(offsets, 2, "{:?}", parsed.problems);
    let ignored: Vec<_> = parsed.problems.iter().filter(|p| p.field.as_deref() == Some("@type")).collect();
    assert_eq!(ignored.len(), 1);
    assert!(ignored[0].message.contains("WebPage") && !ignored[0].dropped);
}

#[test]
fn schedules_weekly_monthly_nth_and_by_month_day() {
    let parsed = page("tsml-weekly-and-monthly.html");
    let weekly = named(&parsed, "Tuesday Night Big Book");
    let m = &weekly.meetings[0];
    assert_eq!((m.weekday, m.start, m.end), (Some(Weekday::Tuesday), at(19, 30), at(20, 30)));
    assert_eq!(m.timezone, "America/Chicago");
    let place = weekly.location.as_ref().expect("a place");
    assert_eq!((place.locality.as_deref(), place.postcode.as_deref()), (Some("Springfield"), Some("62701")));
    assert_eq!((place.latitude, place.approximate), (Some(39.799018), false));
    assert_eq!(place.notes.as_deref(), Some("Use the side door on Elm Street."));
    assert_eq!(weekly.organisation.as_deref(), Some("Tuesday Night Big Book Group"));
    let second = named(&parsed, "Second Tuesday Speaker Meeting");
    let m = &second.meetings[0];
    assert_eq!(m.recurrence, Recurrence::MonthlyNth { weeks: vec![2] });
    assert_eq!((m.start, m.end), (at(18, 0), at(19, 30)));
    assert_eq!(second.location.as_ref().and_then(|l| l.name.as_deref()), Some("Westside Community Center"));
    assert_eq!(second.open, Some(true));
    let approximate = named(&parsed, "Saturday Morning Step Study");
    assert_eq!(approximate.meetings.len(), 2);
    assert_eq!(approximate.meetings[0].timezone, "America/Chicago");
    assert!(approximate.location.as_ref().is_some_and(|l| l.approximate));
    let by_date = named(&parsed, "First of the Month Business Meeting");
    assert!(by_date.meetings.is_empty());
    let fields: Vec<_> = parsed.problems.iter().filter_map(|p| p.field.as_deref()).collect();
    assert!(fields.contains(&"scheduleTimezone") && fields.contains(&"byMonthDay"), "{fields:?}");
}

#[test]
fn online_events_keep_no_secrets_and_no_person() {
    let parsed = page("online-events.html");
    let circle = named(&parsed, "Online Anxiety Circle");
    assert_eq!(circle.attendance, Attendance::Online);
    let online = circle.online.as_ref().expect("online access");
    assert_eq!(online.conference_id.as_deref(), Some("81234567890"));
    assert_eq!(circle.meetings[0].timezone, "Europe/London");
    assert_eq!((circle.languages.clone(), circle.cost.as_deref()), (vec!["en".to_owned()], Some("Free")));
    assert_eq!(circle.organisation, None);
    let all = format!("{:?}", parsed.listings);
    for secret in ["S3cretZz", "Jane", "jane.personal", "900456"] {
        assert!(!all.contains(secret), "{secret} leaked: {all}");
    }
}

#[test]
fn one_off_cancelled_event_and_utc_stamp_converted_to_the_zone() {
    let parsed = page("online-events.html");
    let picnic = named(&parsed, "Summer Recovery Picnic");
    let date = NaiveDate::from_ymd_opt(2024, 7, 13).expect("date");
    let m = &picnic.meetings[0];
    assert_eq!((m.weekday, m.start, m.end), (Some(Weekday::Saturday), at(12, 0), at(15, 0)));
    assert_eq!(m.recurrence, Recurrence::Once { date });
    assert!(!picnic.active);
    assert_eq!(picnic.cost.as_deref(), Some("5.00 GBP"));
    let hybrid = named(&parsed, "Hybrid Carers Coffee Morning");
    assert_eq!(hybrid.attendance, Attendance::Hybrid);
    let m = &hybrid.meetings[0];
    assert_eq!((m.weekday, m.start, m.end), (Some(Weekday::Tuesday), at(10, 0), at(12, 0)));
    assert!(parsed.problems.iter().any(|p| p.field.as_deref() == Some("repeatFrequency")));
    assert_eq!(hybrid.online.as_ref().and_then(|o| o.conference_id.as_deref()), Some("meet:abc-defg-hij"));
}

#[test]
fn two_blocks_with_junk_series_children_and_a_broken_block() {
    let parsed = page("two-blocks-and-junk.html");
    let names: Vec<&str> = parsed.listings.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Bipolar Peer Support (Mondays)", "Bipolar Peer Support (last Friday)"]);
    let monday = &parsed.listings[0];
    assert_eq!(monday.organisation.as_deref(), Some("Sunrise Peer Support CIC"));
    assert_eq!(monday.contact.email.as_deref(), Some("hello@sunrise.example.org"));
    assert_eq!(monday.url.as_deref(), Some("https://sunrise.example.org/groups/bipolar"));
    assert_eq!(monday.audience, [Audience::Women]);
    let friday = &parsed.listings[1];
    assert_eq!(friday.meetings[0].recurrence, Recurrence::MonthlyNth { weeks: vec![-1] });
    assert_eq!(friday.organisation.as_deref(), Some("Sunrise Peer Support CIC"), "a Person organiser is skipped");
    let all = format!("{:?}", parsed.listings);
    assert!(!all.contains("Tom") && !all.contains("900789"), "{all}");
    let broken = parsed.problems.iter().find(|p| p.record.as_deref() == Some("ld+json block 3")).expect("a problem");
    assert!(broken.dropped && broken.message.contains("not valid JSON"));
}

#[test]
fn organisations_are_listings_only_when_they_say_they_are_support_groups() {
    let parsed = page("support-group-organization.html");
    let names: Vec<&str> = parsed.listings.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Exampleton Hearing Voices Group"]);
    let group = &parsed.listings[0];
    assert_eq!(group.contact.email.as_deref(), Some("info@hvn-exampleton.example.org"));
    let place = group.location.as_ref().expect("a place");
    assert_eq!((place.postcode.as_deref(), place.country.as_deref()), (Some("EX1 1AA"), Some("GB")));
    assert!(group.meetings.is_empty());
    let with = |mode: &str| SourceOptions { format_options: json!({ "organizations": mode }), ..options_for("x") };
    let bytes = fixture("jsonld", "support-group-organization.html");
    assert_eq!(run(&bytes, &with("always")).map(|p| p.listings.len()).ok(), Some(2));
    assert_eq!(run(&bytes, &with("never")).map(|p| p.listings.len()).ok(), Some(0));
    let sober = run(&fixture("jsonld", "soberfounders-home.json"), &with("always")).expect("parsed");
    assert_eq!(sober.listings.len(), 4, "events plus both organisation nodes");
}

#[test]
fn unreadable_documents_are_document_errors_naming_the_cause() {
    assert!(error(b"").contains("empty"));
    let bad_gateway = error(b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>");
    assert!(
        bad_gateway.contains("no <script type=\"application/ld+json\">") && bad_gateway.contains("502 Bad Gateway")
    );
    let broken = error(b"<script type=\"application/ld+json\">{\"@type\": }</script>");
    assert!(broken.contains("invalid JSON"), "{broken}");
    assert!(error(b"[{\"name\": \"a meeting\", \"day\": 1}]").contains("no node with an @type"));
    assert!(error(b"{\"@type\": \"Event\",").contains("invalid JSON"));
    let bad_option = SourceOptions { format_options: json!({ "organisations": "all" }), ..SourceOptions::default() };
    assert!(run(b"{}", &bad_option).is_err());
    assert!(check_options(Format::JsonLd, &json!({ "organizations": "some" })).is_err());
    assert_eq!(check_options(Format::JsonLd, &serde_json::Value::Null), Ok(()));
}

/// Random JSON-LD made of the pieces schema.org pages use.
fn node() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(json!("Event")),
        Just(json!("https://schema.org/Tuesday")),
        Just(json!("2024-02-30T25:00:00+99:00")),
        Just(json!("P1M")),
        Just(json!({ "@id": "x" })),
        Just(json!(-1)),
        Just(json!(1e300)),
        "\\PC{0,10}".prop_map(serde_json::Value::String),
    ];
    let keys = prop::sample::select(vec![
        "@type",
        "@id",
        "@graph",
        "name",
        "eventSchedule",
        "byDay",
        "byMonthWeek",
        "startTime",
        "startDate",
        "endDate",
        "duration",
        "repeatFrequency",
        "scheduleTimezone",
        "location",
        "geo",
        "latitude",
        "address",
        "organizer",
        "superEvent",
        "subEvent",
        "offers",
        "price",
        "inLanguage",
        "keywords",
        "url",
    ]);
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6)
                .prop_map(|kv| serde_json::Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = run(&bytes, &SourceOptions::default());
    }

    #[test]
    fn never_panics_on_plausible_json_ld(blocks in prop::collection::vec(node(), 1..4)) {
        let bare = serde_json::to_vec(&blocks).expect("json");
        let _ = run(&bare, &SourceOptions::default());
        let scripts: String = blocks.iter().map(|b| format!("<script type=\"application/ld+json\">{b}</script>")).collect();
        let _ = run(format!("<html><head>{scripts}</head></html>").as_bytes(), &options_for("x"));
    }
}
