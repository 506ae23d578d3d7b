//! The Meeting Guide / TSML spreadsheet: the template fixture's snapshot, one test per quirk
//! of the CSV form, document errors, and never-panic properties.

use chrono::NaiveTime;
use importers::{meeting_guide, Accessibility, Audience, Documents, Format, Parsed, SourceOptions, Topic, Weekday};
use proptest::prelude::*;

use crate::meeting_rows::snapshot;
use crate::support::fixture;

fn options() -> SourceOptions {
    SourceOptions {
        timezone: "America/Los_Angeles".to_owned(),
        country: Some("US".to_owned()),
        topics: vec![Topic::ALCOHOL],
        ..SourceOptions::default()
    }
}

fn parse_with(bytes: &[u8], opts: &SourceOptions) -> Result<Parsed, importers::DocumentError> {
    importers::parse(Format::MeetingGuideCsv, &Documents::single(bytes), opts)
}

fn parse(csv: &str) -> Parsed {
    parse_with(csv.as_bytes(), &options()).unwrap_or_else(|e| panic!("document error: {e}"))
}

#[test]
fn tsml_import_template_snapshot() {
    let parsed = parse_with(&fixture("meeting_guide_csv", "tsml-import-template.csv"), &options()).expect("parses");
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_json_snapshot!("meeting_guide_csv__tsml-import-template", snapshot(&parsed));
    });
}

#[test]
fn template_rows_read_human_values() {
    let parsed = parse_with(&fixture("meeting_guide_csv", "tsml-import-template.csv"), &options()).expect("parses");
    assert_eq!(parsed.listings.len(), 36);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let first = &parsed.listings[0];
    assert_eq!(first.external_id, "after-work-topic-meeting");
    assert_eq!(first.meetings[0].weekday, Some(Weekday::Monday));
    assert_eq!(first.meetings[0].start, NaiveTime::from_hms_opt(18, 0, 0));
    assert_eq!(first.codes, ["O", "X"], "English labels become codes");
    assert_eq!((first.open, first.accessibility.as_slice()), (Some(true), &[Accessibility::WheelchairAccess][..]));
    let updated = first.updated_at.map(|d| d.to_rfc3339());
    assert_eq!(updated.as_deref(), Some("2020-04-04T16:50:58+00:00"), "\"2020-04-0416:50:58\" has no space");
    assert_eq!(first.contact.website.as_deref(), Some("https://saturdaynitelive.org/"));
}

#[test]
fn headers_in_any_order_and_case_with_labels_and_codes() {
    let parsed = parse(
        "types,DAY,Slug,name,time,END TIME\n\
         \"Closed, Women, Spanish, Online Meeting\",Friday,s1,A,7:30 PM,8:30 PM\n\
         \"O, X, Secret Handshake\",Sunday,s2,B,08:00,\n",
    );
    let [a, b] = &parsed.listings[..] else { panic!("{:?}", parsed.listings) };
    assert_eq!(a.codes, ["C", "W", "S", "ONL"]);
    assert_eq!(
        (a.open, a.audience.as_slice(), a.languages.as_slice()),
        (Some(false), &[Audience::Women][..], &["es".to_owned()][..])
    );
    assert_eq!(a.meetings[0].end, NaiveTime::from_hms_opt(20, 30, 0));
    assert_eq!(b.codes, ["O", "X", "Secret Handshake"], "unknown labels are kept as written");
    assert_eq!(b.meetings[0].weekday, Some(Weekday::Sunday));
}

#[test]
fn rows_without_slug_get_stable_ids_and_repeats_are_suffixed() {
    let csv =
        "Name,Day,Time,Address\nA,Monday,7:00 PM,1 Main St\nA,Monday,7:00 PM,1 Main St\nB,Monday,7:00 PM,1 Main St\n";
    let first = parse(csv);
    let ids: Vec<&str> = first.listings.iter().map(|l| l.external_id.as_str()).collect();
    assert_eq!(ids[1], format!("{}-dup2", ids[0]));
    assert_ne!(ids[0], ids[2]);
    assert_eq!(parse(csv).listings, first.listings, "ids are the same on every run");
    let spaced = parse("Name,Day,Time,Address\n a ,monday,7:00 PM,1  Main St\n");
    assert_eq!(spaced.listings[0].external_id, ids[0], "case and spacing do not change the id");
    assert_eq!(first.problems.len_total(), 1);
    assert!(first.problems.kept()[0].message.contains("row 3"), "{}", first.problems.kept()[0]);
}

#[test]
fn id_column_is_the_key_when_there_is_no_slug() {
    let parsed = parse("ID,Name,Day,Time\n42,A,Tuesday,6:00 PM\n");
    assert_eq!(parsed.listings[0].external_id, "42");
}

#[test]
fn contact_columns_are_never_copied() {
    let parsed = parse(
        "Name,Day,Time,Contact 1 Name,Contact 1 Email,Contact 1 Phone,Mailing Address,Venmo,Author,Last Contact\n\
         A,Monday,7:00 PM,Jane Doe,jane.doe@example.com,(555) 010-7777,9 Home Rd,@janedoe,jdoe,2020-01-01\n",
    );
    let json = serde_json::to_string(&parsed.listings).expect("json");
    for secret in ["Jane", "jane.doe", "7777", "Home Rd", "janedoe", "jdoe"] {
        assert!(!json.contains(secret), "{secret} reached a listing: {json}");
    }
}

#[test]
fn a_row_means_what_the_same_json_record_means() {
    let csv = parse(
        "Slug,Name,Day,Time,End Time,Location,Address,Types,Notes,Timezone,Conference URL,Updated\n\
         x,Noon Group,Wednesday,12:00 PM,1:00 PM,Hall,\"1 Main St, San Jose, CA 95112, USA\",\"Open, Wheelchair Access\",\
         2nd and 4th Wednesday only,America/Los_Angeles,https://zoom.us/j/123456789?pwd=abc,2020-04-0416:50:58\n",
    );
    let json = r#"[{"slug": "x", "name": "Noon Group", "day": 3, "time": "12:00", "end_time": "13:00",
        "location": "Hall", "address": "1 Main St, San Jose, CA 95112, USA", "types": ["O", "X"],
        "notes": "2nd and 4th Wednesday only", "timezone": "America/Los_Angeles",
        "conference_url": "https://zoom.us/j/123456789?pwd=abc", "updated": "2020-04-04 16:50:58"}]"#;
    let from_json = meeting_guide::parse(json.as_bytes(), &options()).expect("json parses");
    assert_eq!(csv.listings, from_json.listings);
}

#[test]
fn delimiter_option_and_windows_1252_bytes() {
    let mut opts = options();
    opts.format_options = serde_json::json!({ "delimiter": ";" });
    let parsed = parse_with(b"Name;Day;Time\nCaf\xe9 Group;Monday;7:00 PM\n", &opts).expect("parses");
    assert_eq!(parsed.listings[0].name, "Café Group");
    assert!(importers::check_options(Format::MeetingGuideCsv, &opts.format_options).is_ok());
}

#[test]
fn broken_documents_and_options_say_what_is_wrong() {
    let error = |bytes: &[u8]| parse_with(bytes, &options()).expect_err("a document error").0;
    assert!(error(b"<html><title>404 Not Found</title></html>").contains("found HTML (\"404 Not Found\")"));
    assert!(error(b"[{\"slug\": \"a\"}]").contains("found JSON"));
    assert!(error(b"").contains("empty document"));
    let no_name = error(b"Time,Day,Place\n7:00 PM,Monday,Hall\n");
    assert!(no_name.contains("no \"Name\" column") && no_name.contains("\"Place\""), "{no_name}");
    let bad = importers::check_options(Format::MeetingGuideCsv, &serde_json::json!({ "columns": {} }));
    assert!(bad.is_err_and(|e| e.contains("columns")));
    let bad = importers::check_options(Format::MeetingGuideCsv, &serde_json::json!({ "delimiter": "ab" }));
    assert!(bad.is_err_and(|e| e.contains("delimiter")));
}

const HEADERS: [&str; 14] = [
    "Name",
    "Day",
    "Time",
    "End Time",
    "Types",
    "Address",
    "Slug",
    "Updated",
    "Timezone",
    "Conference URL",
    "Conference Phone",
    "Notes",
    "Location",
    "Phone",
];

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,12}",
        Just("6:00 PM".to_owned()),
        Just("Monday, Friday".to_owned()),
        Just("\"Open, Wheelchair Access\"".to_owned()),
        Just("2020-04-0416:50:58".to_owned()),
        Just("\"a\"\"b\"".to_owned()),
        Just("+16465588656,,123#".to_owned()),
    ]
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_with(&bytes, &SourceOptions::default());
    }

    #[test]
    fn never_panics_on_plausible_sheets(
        headers in prop::collection::vec(prop::sample::select(HEADERS.to_vec()), 1..8),
        rows in prop::collection::vec(prop::collection::vec(cell(), 0..9), 0..6),
    ) {
        let mut text = headers.join(",");
        for row in rows {
            text.push_str("\r\n");
            text.push_str(&row.join(","));
        }
        let _ = parse_with(text.as_bytes(), &options());
    }
}
