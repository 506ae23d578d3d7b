//! HTML directories with a selector recipe: the NY Intergroup pages (real, trimmed) and a
//! hand-made two-page directory with detail pages parse to their snapshots; one focused test
//! per quirk; document errors and recipe errors; never-panic properties.

use std::collections::BTreeMap;

use chrono::NaiveTime;
use importers::{
    check_options, html, parse, Accessibility, Attendance, Audience, Documents, Format, GroupKind, Listing, Parsed,
    Recurrence, SourceOptions, Topic, Weekday,
};
use proptest::prelude::*;

use crate::listing_rows::snapshot;
use crate::support::fixture;

/// The recipe shipped for the NY Intergroup "Meeting List Agenda" pages (also in the fixtures
/// README and the demo configuration).
const NYIG_RECIPE: &str = include_str!("../fixtures/html/nyig-recipe.json");

/// The hand-made directory: cards, a next page, detail pages.
const DIRECTORY_RECIPE: &str = r#"{
  "item": "li.group",
  "next_page": "a.next",
  "max_pages": 5,
  "detail_link": "a.more",
  "fields": {
    "id": { "attr": "data-id" },
    "name": "h3.name",
    "day": "p.when",
    "time": "p.when",
    "location": ".venue",
    "address": ".street",
    "city": ".town",
    "postcode": ".pc",
    "types": ".tags",
    "latitude": { "selector": ".map", "attr": "data-lat" },
    "longitude": { "selector": ".map", "attr": "data-lon" },
    "conference_url": { "selector": ".join a", "attr": "href" },
    "notes": ".about"
  },
  "detail_fields": {
    "description": ".about",
    "email": { "selector": "a.email", "attr": "href" },
    "phone": ".phone",
    "website": { "selector": ".website a", "attr": "href" }
  }
}"#;

const NYIG_PAGES: [&str; 4] = ["zone01", "zone02", "zone05", "zone10"];
const PAGE1: &str = "https://groups.example.org/directory/page1.html";
const PAGE2: &str = "https://groups.example.org/directory/page2.html";
const G1: &str = "https://groups.example.org/groups/g1.html";
const G2: &str = "https://groups.example.org/directory/g2.html";

fn recipe(json: &str) -> serde_json::Value {
    html::recipe_from_json(json).unwrap_or_else(|e| panic!("recipe: {e}"))
}

/// What the NYIG source block in the configuration gives.
fn nyig_options() -> SourceOptions {
    let codes = [("B", "BE"), ("BB", "B"), ("OD", "O"), ("S", "ST"), ("T", "TR"), ("SP", "S")];
    let mut code_overrides: BTreeMap<String, String> =
        codes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    code_overrides.insert("Gay, Lesbian and Bisexual".to_owned(), "LGBTQ".to_owned());
    SourceOptions {
        timezone: "America/New_York".to_owned(),
        country: Some("US".to_owned()),
        topics: vec![Topic::ALCOHOL],
        kind: Some(GroupKind::TwelveStep),
        code_overrides,
        format_options: recipe(NYIG_RECIPE),
        ..SourceOptions::default()
    }
}

fn directory_options() -> SourceOptions {
    SourceOptions {
        timezone: "Europe/London".to_owned(),
        country: Some("GB".to_owned()),
        rules: importers::taxonomy::core_rules(),
        format_options: recipe(DIRECTORY_RECIPE),
        ..SourceOptions::default()
    }
}

fn nyig(page: &str) -> Parsed {
    let bytes = fixture("html", &format!("nyintergroup-manhattan-{page}.html"));
    let url = format!("https://meetings.nyintergroup.org/meetinglist/{page}.cfm");
    let extra = BTreeMap::new();
    parse(Format::Html, &Documents { url: &url, root: &bytes, extra: &extra }, &nyig_options())
        .unwrap_or_else(|e| panic!("document error: {e}"))
}

/// The directory with the given extra documents (by URL) already fetched.
fn directory(extra_docs: &[(&str, &str)]) -> Parsed {
    let root = fixture("html", "directory-page1.html");
    let extra: BTreeMap<String, Vec<u8>> =
        extra_docs.iter().map(|(url, file)| (url.to_string(), fixture("html", file))).collect();
    parse(Format::Html, &Documents { url: PAGE1, root: &root, extra: &extra }, &directory_options())
        .unwrap_or_else(|e| panic!("document error: {e}"))
}

fn by_id<'a>(parsed: &'a Parsed, id: &str) -> &'a Listing {
    parsed.listings.iter().find(|l| l.external_id == id).unwrap_or_else(|| panic!("no listing {id}"))
}

fn at(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

fn check_snapshot(name: &str, parsed: &Parsed) {
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_json_snapshot!(name, snapshot(parsed));
    });
}

#[test]
fn nyig_pages_snapshots() {
    for page in NYIG_PAGES {
        check_snapshot(&format!("html__nyintergroup-manhattan-{page}"), &nyig(page));
    }
}

#[test]
fn directory_snapshot_with_next_and_detail_pages() {
    let parsed = directory(&[(PAGE2, "directory-page2.html"), (G1, "directory-g1.html")]);
    check_snapshot("html__directory", &parsed);
}

#[test]
fn nyig_cell_of_slots_gives_one_listing_per_slot_inheriting_the_row() {
    let parsed = nyig("zone01");
    let thursday = by_id(&parsed, "getdirections.cfm?meetingid=1505#thursday-0700");
    let tuesday = by_id(&parsed, "getdirections.cfm?meetingid=1505#tuesday-0700");
    assert_eq!(thursday.name, "A DESIGN FOR LIVING");
    let m = &thursday.meetings[0];
    assert_eq!((m.weekday, m.start, m.end), (Some(Weekday::Thursday), at(7, 0), at(8, 0)));
    assert_eq!((m.timezone.as_str(), &m.recurrence), ("America/New_York", &Recurrence::Weekly));
    assert_eq!(tuesday.meetings[0].weekday, Some(Weekday::Tuesday));
    assert_eq!(thursday.location, tuesday.location);
    let place = thursday.location.as_ref().expect("a place");
    assert_eq!(place.name.as_deref(), Some("St Andrews Church"));
    assert_eq!(place.address.as_deref(), Some("20 Cardinal Hayes Place, Rectory Basement"));
    assert_eq!((place.locality.as_deref(), place.region.as_deref()), (Some("New York"), Some("NY")));
    assert_eq!(place.postcode.as_deref(), Some("10007"));
    assert!(thursday.description.as_deref().unwrap_or_default().contains("No meetings on Holidays"));
}

#[test]
fn nyig_codes_go_through_the_source_overrides() {
    let parsed = nyig("zone01");
    let od = by_id(&parsed, "getdirections.cfm?meetingid=1505#thursday-0700");
    assert_eq!((od.codes.clone(), od.open), (vec!["OD".to_owned()], Some(true)));
    let beginners = by_id(&parsed, "getdirections.cfm?meetingid=1505#tuesday-0700");
    assert_eq!(beginners.audience, [Audience::Newcomers]);
    let glb = by_id(&parsed, "getdirections.cfm?meetingid=434#wednesday-2030");
    assert_eq!(glb.codes, ["C", "Gay, Lesbian and Bisexual"]);
    assert_eq!((glb.open, glb.audience.clone()), (Some(false), vec![Audience::Lgbtq]));
    let wheelchair = by_id(&parsed, "getdirections.cfm?meetingid=137#monday-1900");
    assert_eq!(wheelchair.accessibility, [Accessibility::WheelchairAccess]);
    assert_eq!(wheelchair.kind, GroupKind::TwelveStep);
    assert_eq!(wheelchair.topics[0].topic, Topic::ALCOHOL);
}

#[test]
fn nyig_names_lose_trailing_dashes_and_repeated_halves() {
    let names: Vec<String> = NYIG_PAGES.iter().flat_map(|p| nyig(p).listings).map(|l| l.name).collect();
    for expected in [
        "CHAMBERS STREET - A BRIDGE BACK",
        "CHINATOWN",
        "TRIBECA GROUP @ ST. PETER'S CHURCH",
        "YOUTH ENJOYING SOBRIETY (Y.E.S.)",
        "ROOM FOR IMPROVEMENT (:I)",
        "WASHINGTON HEIGHTS (:II)",
        "CITY GROUP - Citikorp",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} not in {names:?}");
    }
    assert!(names.iter().all(|n| !n.ends_with('-') && !n.contains("  ")), "{names:?}");
}

#[test]
fn nyig_utf8_despite_declared_latin1_and_junk_before_head() {
    let parsed = nyig("zone01");
    let sane = by_id(&parsed, "getdirections.cfm?meetingid=89#wednesday-1900");
    assert!(sane.description.as_deref().unwrap_or_default().contains("Open \u{2013} Last Wednesday"), "{sane:?}");
}

#[test]
fn nyig_one_line_address_keeps_the_street_and_finds_the_postcode() {
    let parsed = nyig("zone01");
    let tower = by_id(&parsed, "getdirections.cfm?meetingid=385#wednesday-1730");
    let place = tower.location.as_ref().expect("a place");
    assert_eq!((place.address.as_deref(), place.postcode.as_deref()), (Some("20 Cardinal Hayes Place"), Some("10007")));
}

#[test]
fn nyig_empty_day_slot_is_dropped_with_a_problem() {
    let parsed = nyig("zone02");
    let problem = parsed.problems.iter().find(|p| p.field.as_deref() == Some("day")).expect("a day problem");
    assert!(problem.dropped && problem.message.contains("s From 12:00 AM"), "{problem}");
    assert!(parsed.listings.iter().filter(|l| l.name == "HAPPY, JOYOUS AND FREE").count() == 1);
}

#[test]
fn nyig_two_slots_at_the_same_time_get_distinct_ids() {
    let parsed = nyig("zone05");
    let base = "getdirections.cfm?meetingid=98#monday-1230";
    let (first, second) = (by_id(&parsed, base), by_id(&parsed, &format!("{base}-dup2")));
    assert_eq!((first.codes.clone(), second.codes.clone()), (vec!["B".to_owned()], vec!["S".to_owned()]));
    assert!(parsed.problems.iter().any(|p| p.record.as_deref() == Some(base) && p.field.as_deref() == Some("id")));
}

#[test]
fn nyig_group_emails_were_scrubbed_in_the_fixture() {
    let parsed = nyig("zone01");
    let all = format!("{:?}", parsed.listings);
    assert!(!all.contains("yahoo.com") && !all.contains("gmail.com"));
}

#[test]
fn first_parse_wants_the_next_page_and_detail_pages_as_absolute_urls() {
    let parsed = directory(&[]);
    assert_eq!(parsed.wants, [G1, G2, PAGE2]);
    assert_eq!(parsed.listings.len(), 2);
    assert_eq!(by_id(&parsed, "g1").url.as_deref(), Some(G1));
}

#[test]
fn later_pages_and_details_are_read_and_a_page_loop_stops() {
    let parsed = directory(&[(PAGE2, "directory-page2.html"), (G1, "directory-g1.html")]);
    assert_eq!(parsed.wants, [G2]);
    let ids: Vec<&str> = parsed.listings.iter().map(|l| l.external_id.as_str()).collect();
    assert_eq!(ids, ["g1", "g2", "g4", "g5", "g1-dup2"]);
    let g1 = by_id(&parsed, "g1");
    let description = g1.description.as_deref().unwrap_or_default();
    assert!(description.starts_with("A friendly peer-led group"), "{description}");
    assert!(!description.contains("Dave") && !description.contains("07700"), "personal contact copied: {description}");
    assert_eq!(g1.contact.email.as_deref(), Some("dapeers@example.org"));
    assert_eq!(g1.contact.website.as_deref(), Some("https://dapeers.example.org/"));
    assert!(g1.contact.phone.is_some());
}

#[test]
fn directory_days_times_and_places() {
    let parsed = directory(&[(PAGE2, "directory-page2.html")]);
    let g1 = by_id(&parsed, "g1");
    assert_eq!(g1.meetings[0].recurrence, Recurrence::MonthlyNth { weeks: vec![2, 4] });
    assert_eq!((g1.meetings[0].start, g1.meetings[0].end), (at(19, 0), at(20, 30)));
    let place = g1.location.as_ref().expect("a place");
    assert_eq!(place.postcode.as_deref(), Some("LS1 4AB"));
    assert_eq!((place.latitude, place.longitude), (Some(53.7997), Some(-1.5492)));
    assert!(g1.topics.iter().any(|t| t.topic == Topic::DEPRESSION), "core keyword rules run after the parser");
    let g2 = by_id(&parsed, "g2");
    let days: Vec<_> = g2.meetings.iter().map(|m| (m.weekday, m.start, m.end)).collect();
    let expected = [Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday].map(|d| (Some(d), at(10, 30), at(12, 0)));
    assert_eq!(days, expected);
    assert_eq!(g2.audience, [Audience::Women, Audience::Newcomers]);
    let g5 = by_id(&parsed, "g5");
    assert_eq!(g5.meetings[0].recurrence, Recurrence::ByAppointment);
    let place = g5.location.as_ref().expect("a place");
    assert_eq!((place.locality.as_deref(), place.postcode.as_deref()), (Some("Leeds"), Some("LS2 7HY")));
    assert_eq!(place.latitude, None);
    let fields: Vec<_> =
        parsed.problems.iter().filter(|p| p.record.as_deref() == Some("g5")).map(|p| p.field.clone()).collect();
    assert_eq!(fields, [Some("latitude".to_owned()), Some("types".to_owned())]);
}

#[test]
fn windows_1252_page_and_online_link_without_secrets() {
    let parsed = directory(&[(PAGE2, "directory-page2.html")]);
    let g4 = by_id(&parsed, "g4");
    assert_eq!(g4.name, "Caf\u{e9} Hearing Voices \u{201c}Online\u{201d}");
    assert_eq!(g4.attendance, Attendance::Online);
    let online = g4.online.as_ref().expect("online access");
    assert_eq!(online.conference_id.as_deref(), Some("81234567890"));
    let all = format!("{:?}", parsed.listings);
    assert!(!all.contains("S3cretZz") && !all.contains("alert(1)") && !all.contains('<'), "{all}");
}

#[test]
fn an_item_without_a_name_is_dropped_with_a_problem() {
    let parsed = directory(&[]);
    let p = parsed.problems.iter().find(|p| p.record.as_deref() == Some("page 1 item 3")).expect("a problem");
    assert!(p.dropped && p.field.as_deref() == Some("name"), "{p}");
}

#[test]
fn max_pages_one_never_wants_a_next_page() {
    let mut opts = directory_options();
    if let Some(o) = opts.format_options.as_object_mut() {
        o.insert("max_pages".to_owned(), 1.into());
    }
    let root = fixture("html", "directory-page1.html");
    let extra = BTreeMap::new();
    let parsed = parse(Format::Html, &Documents { url: PAGE1, root: &root, extra: &extra }, &opts).expect("parsed");
    assert!(!parsed.wants.contains(&PAGE2.to_owned()), "{:?}", parsed.wants);
}

#[test]
fn unreadable_documents_are_document_errors_naming_the_cause() {
    let extra = BTreeMap::new();
    let run = |bytes: &[u8], opts: &SourceOptions| {
        let docs = Documents { url: PAGE1, root: bytes, extra: &extra };
        parse(Format::Html, &docs, opts).err().map(|e| e.to_string()).unwrap_or_default()
    };
    let opts = directory_options();
    assert!(run(b"  ", &opts).contains("empty"));
    assert!(run(b"[{\"name\": \"x\"}]", &opts).contains("found JSON"));
    let error_page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let why = run(error_page, &opts);
    assert!(why.contains("li.group") && why.contains("502 Bad Gateway"), "{why}");
    let why = run(error_page, &SourceOptions::default());
    assert!(why.contains("needs a recipe"), "{why}");
}

#[test]
fn recipe_errors_name_the_key() {
    let bad =
        |json: &str| check_options(Format::Html, &serde_json::from_str(json).expect("json")).err().unwrap_or_default();
    assert!(bad(r#"{"item": "li", "itme": "x", "fields": {"name": "h3"}}"#).contains("itme"));
    assert!(bad(r#"{"item": "li[", "fields": {"name": "h3"}}"#).contains("item: invalid CSS selector"));
    assert!(bad(r#"{"item": "li", "fields": {"nmae": "h3"}}"#).contains("fields.nmae: unknown field"));
    assert!(bad(r#"{"item": "li", "fields": {"day": "p"}}"#).contains("fields.name: missing"));
    let text_repeat = r#"{"item": "li", "fields": {"name": "h3"}, "repeat": {"fields": {"day": "p"}}}"#;
    assert!(bad(text_repeat).contains("repeat.fields.day"));
    assert!(bad(r#"{"item": "li", "fields": {"name": {"selector": "h3", "line": 0}}}"#).contains("line counts from 1"));
    assert!(bad(r#"{"item": "li", "fields": {"name": "h3"}, "detail_fields": {"phone": "p"}}"#).contains("detail_link"));
    assert_eq!(check_options(Format::Html, &recipe(NYIG_RECIPE)), Ok(()));
}

/// Random markup built from the pieces real directory pages are made of.
fn page() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<tr><td><h4>Hall</h4><b>NAME - Name</b><br/>1 Main St,<br/>(@ Elm) NY 10001</td>".to_owned()),
        Just(
            "<td><b>Mondays From</b> 7:00 PM <b>to</b> 8:00 PM<br/><b>Meeting Type</b> OD = Open<br/><br/>".to_owned()
        ),
        Just("<td><a class=\"GetDirections\" href=\"getdirections.cfm?meetingid=1\">x</a></td></tr>".to_owned()),
        Just("<li class=\"group\" data-id=\"g\"><h3 class=\"name\">G</h3><p class=\"when\">Tue 7-8pm</p>".to_owned()),
        Just("<a class=\"more\" href=\"//x\">m</a><a class=\"next\" href=\"javascript:1\">n</a></li>".to_owned()),
        Just("<p class=\"map\" data-lat=\"NaN\" data-lon=\"1e999\"></p><span class=\"pc\">,,,</span>".to_owned()),
        Just("<script>alert(1)</script>&lt;b&gt;&amp;<br><br><br>".to_owned()),
        "\\PC{0,12}".prop_map(|s| s),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let extra = BTreeMap::new();
        for opts in [nyig_options(), directory_options()] {
            let _ = parse(Format::Html, &Documents { url: PAGE1, root: &bytes, extra: &extra }, &opts);
        }
    }

    #[test]
    fn never_panics_on_plausible_pages_and_names_carry_no_markup(body in page()) {
        let extra = BTreeMap::new();
        for opts in [nyig_options(), directory_options()] {
            let docs = Documents { url: PAGE1, root: body.as_bytes(), extra: &extra };
            if let Ok(parsed) = parse(Format::Html, &docs, &opts) {
                for l in &parsed.listings {
                    prop_assert!(!l.name.contains("<script") && !l.name.is_empty(), "{:?}", l.name);
                }
            }
        }
    }
}
