//! Hostile and careless feeds, through `importers::parse` as the service calls it: oversized
//! text and lists are cut with a problem naming the record and field; deeply nested HTML is
//! refused at once; leftover entities, bidi controls and `javascript:` links never reach a
//! listing; members' contact details are removed in every format, with a problem saying so.

use std::collections::BTreeMap;

use importers::{html, parse, Documents, Format, Listing, Parsed, Problem, SourceOptions, MAX_PARSE_PROBLEMS};
use serde_json::{json, Value};

use crate::support::fixture;

fn options(format_options: Value) -> SourceOptions {
    SourceOptions {
        timezone: "America/New_York".to_owned(),
        country: Some("US".to_owned()),
        format_options,
        ..SourceOptions::default()
    }
}

fn parsed(format: Format, bytes: &[u8], format_options: Value) -> Parsed {
    parse(format, &Documents::single(bytes), &options(format_options)).unwrap_or_else(|e| panic!("{e}"))
}

fn meeting_guide(meetings: Value) -> Parsed {
    parsed(Format::MeetingGuide, meetings.to_string().as_bytes(), Value::Null)
}

fn only(parsed: &Parsed) -> &Listing {
    match parsed.listings.as_slice() {
        [one] => one,
        other => panic!("expected one listing, got {}", other.len()),
    }
}

/// The problems of one record and field, as `record/field: message`.
fn problems_of(parsed: &Parsed, record: &str, field: &str) -> Vec<String> {
    parsed
        .problems
        .iter()
        .filter(|p: &&Problem| p.record.as_deref() == Some(record) && p.field.as_deref() == Some(field))
        .map(|p| p.message.clone())
        .collect()
}

fn meeting(name: &str, notes: &str) -> Value {
    json!({"slug": "m1", "name": name, "day": 1, "time": "19:00", "address": "1 Main St", "city": "Springfield",
           "state": "IL", "notes": notes})
}

#[test]
fn a_huge_name_is_cut_to_200_characters_with_a_problem() {
    let name = "é".repeat(2_000_000);
    let parsed = meeting_guide(json!([meeting(&name, "")]));
    let listing = only(&parsed);
    assert_eq!(listing.name.chars().count(), 200);
    assert!(listing.name.chars().all(|c| c == 'é'));
    assert_eq!(problems_of(&parsed, "m1", "name"), ["name cut to 200 of 2,000,000 characters"]);
}

#[test]
fn long_notes_and_many_types_are_cut() {
    let notes = "Bring a friend. ".repeat(6_250); // 100,000 characters
    let mut row = meeting("Serenity", &notes);
    row["types"] = json!((0..10_000).map(|n| format!("X{n}")).collect::<Vec<_>>());
    let parsed = meeting_guide(json!([row]));
    let listing = only(&parsed);
    let description = listing.description.as_deref().unwrap_or_default();
    assert!(description.chars().count() <= 4_000, "{}", description.chars().count());
    assert!(description.starts_with("Bring a friend. Bring a friend."));
    assert_eq!(problems_of(&parsed, "m1", "description"), ["description cut to 4,000 of 99,999 characters"]);
    assert_eq!(listing.codes.len(), 50);
    assert_eq!(problems_of(&parsed, "m1", "codes"), ["only the first 50 of 10,000 codes are kept"]);
}

#[test]
fn a_10_mb_csv_field_is_cut_and_reported() {
    let csv = format!("Name,Day,Time,Address,Notes\nSerenity,Monday,7pm,1 Main St,\"{}\"\n", "n".repeat(10_000_000));
    let parsed = parsed(Format::MeetingGuideCsv, csv.as_bytes(), Value::Null);
    let listing = only(&parsed);
    assert_eq!(listing.description.as_deref().map(|d| d.chars().count()), Some(4_000));
    let id = listing.external_id.clone();
    let row = parsed.problems.iter().find(|p| p.record.as_deref() == Some("row 2") && p.field.is_some());
    let row = row.unwrap_or_else(|| panic!("no problem on row 2: {:?}", parsed.problems));
    assert_eq!(row.field.as_deref(), Some("Notes"));
    assert_eq!(row.message, "10,000,000 bytes; only the first 65,536 are read");
    assert_eq!(problems_of(&parsed, &id, "description"), ["description cut to 4,000 of 65,536 characters"]);
}

#[test]
fn deeply_nested_html_is_refused_with_the_depth_and_the_limit() {
    let page = format!("<html><body>{}<li class=group><h3>Deep</h3></li></body></html>", "<div>".repeat(100_000));
    let format_options = html::recipe_from_json(r#"{"item": "li.group", "fields": {"name": "h3"}}"#).unwrap();
    let result = parse(Format::Html, &Documents::single(page.as_bytes()), &options(format_options));
    let error = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(error, "the page nests elements deeper than 1,024 levels (the limit); it is not read");
}

#[test]
fn deeply_nested_markup_in_a_text_field_is_read_without_the_html_parser() {
    let name = format!("{}Deep Group{}", "<div>".repeat(100_000), "</div>".repeat(100_000));
    let parsed = meeting_guide(json!([meeting(&name, "")]));
    assert_eq!(only(&parsed).name, "Deep Group");
}

#[test]
fn entities_are_decoded_once_more_but_literal_ampersands_stay() {
    let parsed = meeting_guide(json!([
        meeting("Fish &amp;amp; Chips", ""),
        {"slug": "m2", "name": "Bob&amp;#39;s Group", "day": 2, "time": "19:00", "address": "2 Main St"},
        {"slug": "m3", "name": "Q&A for AT&T staff; R&D;", "day": 3, "time": "19:00", "address": "3 Main St"},
    ]));
    let names: Vec<&str> = parsed.listings.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["Fish & Chips", "Bob's Group", "Q&A for AT&T staff; R&D;"]);
    let csv = "Name,Day,Time,Address\n\"Tom &amp;amp; Jerry, AT&T\",Monday,7pm,1 Main St\n";
    let csv = parsed_names(Format::MeetingGuideCsv, csv.as_bytes());
    assert_eq!(csv, ["Tom & Jerry, AT&T"]);
}

fn parsed_names(format: Format, bytes: &[u8]) -> Vec<String> {
    parsed(format, bytes, Value::Null).listings.into_iter().map(|l| l.name).collect()
}

#[test]
fn bidi_and_control_characters_are_stripped_from_text() {
    let name = "Safe\u{202E}Space\u{2066} Group\u{2069}\u{7}";
    let parsed = meeting_guide(json!([meeting(name, "Line one\u{202A}\u{1b}[31m\nLine two\u{2067}")]));
    let listing = only(&parsed);
    assert_eq!(listing.name, "SafeSpace Group");
    assert_eq!(listing.description.as_deref(), Some("Line one [31m\nLine two"));
}

#[test]
fn a_javascript_href_is_neither_an_id_nor_a_url() {
    let recipe = r#"{"item": "li", "fields": {"id": {"selector": "a.id", "attr": "href"}, "name": "h3",
        "url": {"selector": "a.more", "attr": "href"}}}"#;
    let page = r#"<html><body><ul><li><h3>Serenity</h3><a class="id" href="javascript:alert(document.cookie)">x</a>
        <a class="more" href="JavaScript:alert(1)">more</a></li></ul></body></html>"#;
    let format_options = html::recipe_from_json(recipe).unwrap();
    let empty = BTreeMap::new();
    let docs = Documents { url: "https://groups.example.org/list.html", root: page.as_bytes(), extra: &empty };
    let parsed = parse(Format::Html, &docs, &options(format_options)).unwrap_or_else(|e| panic!("{e}"));
    let listing = only(&parsed);
    assert!(!listing.external_id.to_lowercase().contains("javascript"), "{}", listing.external_id);
    assert_eq!(listing.url, None);
    let ids = problems_of(&parsed, "page 1 item 1", "id");
    assert_eq!(ids, ["not an http(s) link: \"javascript:alert(document.cookie)\"; the id is made from the name"]);
}

#[test]
fn members_contact_details_are_removed_from_meeting_guide_notes() {
    let notes = "Wheelchair accessible. Call Sarah on 07700 900123. Questions to jane.doe@gmail.com";
    let parsed = meeting_guide(json!([meeting("Serenity", notes)]));
    assert_eq!(only(&parsed).description.as_deref(), Some("Wheelchair accessible."));
    assert_eq!(problems_of(&parsed, "m1", "description"), ["a member's contact details were removed (2 sentences)"]);
}

#[test]
fn members_contact_details_are_removed_from_hsds_json_descriptions() {
    let mut service: Value = serde_json::from_slice(&fixture("hsds_json", "service_full.json")).unwrap();
    service["description"] = json!("Peer support group. Call Sarah on 07700 900123 to book a place.");
    let bytes = service.to_string();
    let empty = BTreeMap::new();
    let docs = Documents { url: "https://api.example.org/services/1", root: bytes.as_bytes(), extra: &empty };
    let parsed = parse(Format::HsdsJson, &docs, &options(json!({"include_all": true}))).unwrap();
    let listing = only(&parsed);
    assert_eq!(listing.description.as_deref(), Some("Peer support group."));
    let found = problems_of(&parsed, &listing.external_id, "description");
    assert_eq!(found, ["a member's contact details were removed (1 sentence)"]);
}

#[test]
fn members_contact_details_are_removed_from_html_pages() {
    let recipe = r#"{"item": "li", "fields": {"name": "h3", "description": "p"}}"#;
    let page = "<ul><li><h3>Serenity</h3><p>Open to all. Email jane.doe@gmail.com for the room code.</p></li></ul>";
    let parsed = parsed(Format::Html, page.as_bytes(), html::recipe_from_json(recipe).unwrap());
    let listing = only(&parsed);
    assert_eq!(listing.description.as_deref(), Some("Open to all."));
    let found = problems_of(&parsed, &listing.external_id, "description");
    assert_eq!(found, ["a member's contact details were removed (1 sentence)"]);
}

#[test]
fn a_feed_of_empty_objects_keeps_the_first_problems_and_counts_every_one() {
    // Each `{}` is a record without a slug: one problem each, far more than a parse keeps.
    const RECORDS: usize = 200_000;
    let feed = format!("[{}]", vec!["{}"; RECORDS].join(","));

    let parsed = parsed(Format::MeetingGuide, feed.as_bytes(), Value::Null);

    assert!(parsed.listings.is_empty());
    assert_eq!(parsed.problems.kept().len(), MAX_PARSE_PROBLEMS);
    assert_eq!(parsed.problems.omitted(), RECORDS - MAX_PARSE_PROBLEMS);
    assert_eq!(parsed.problems.len_total(), RECORDS, "every bad record is counted");
    let last = &parsed.problems.kept()[MAX_PARSE_PROBLEMS - 1];
    assert_eq!(last.record.as_deref(), Some(format!("[{}]", MAX_PARSE_PROBLEMS - 1).as_str()), "the first are kept");
    assert!(last.dropped && last.field.as_deref() == Some("slug"), "{last}");
}
