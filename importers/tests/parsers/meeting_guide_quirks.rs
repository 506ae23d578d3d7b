//! One focused test per quirk seen in real Meeting Guide feeds, written as small inline
//! documents so each failure names the quirk.

use chrono::NaiveTime;
use importers::{meeting_guide, Attendance, Audience, Recurrence, SourceOptions, Weekday};

use crate::support::{fixture, options_for, parse_json};

fn hm(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

#[test]
fn a_day_array_gives_one_listing_per_day() {
    let parsed = parse_json(
        r#"[{"slug": "a", "name": "A", "day": [1, 3], "time": "19:00"},
                                {"slug": "b", "name": "B", "day": [6], "time": "8:00 PM"}]"#,
    );
    let ids: Vec<&str> = parsed.listings.iter().map(|l| l.external_id.as_str()).collect();
    assert_eq!(ids, ["a#1", "a#3", "b"]);
    let days: Vec<_> = parsed.listings.iter().map(|l| l.meetings[0].weekday).collect();
    assert_eq!(days, [Some(Weekday::Monday), Some(Weekday::Wednesday), Some(Weekday::Saturday)]);
    assert_eq!(parsed.listings[2].meetings[0].start, hm(20, 0), "12-hour time");
}

#[test]
fn days_and_times_in_every_spelling() {
    let parsed = parse_json(
        r#"[{"slug": "s", "name": "S", "day": "0", "time": "8:00"},
                                {"slug": "t", "name": "T", "day": "Tuesday", "time": "18:30:00", "end_time": ""}]"#,
    );
    assert_eq!(parsed.listings[0].meetings[0].weekday, Some(Weekday::Sunday));
    assert_eq!(parsed.listings[0].meetings[0].start, hm(8, 0));
    assert_eq!(parsed.listings[1].meetings[0].weekday, Some(Weekday::Tuesday));
    assert_eq!(parsed.listings[1].meetings[0].end, None, "no end time is invented");
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
}

#[test]
fn no_day_means_by_appointment() {
    let parsed = parse_json(&String::from_utf8_lossy(&fixture("meeting_guide", "testcase-appointment.json")));
    let meeting = &parsed.listings[0].meetings[0];
    assert_eq!((meeting.weekday, &meeting.recurrence), (None, &Recurrence::ByAppointment));
}

#[test]
fn string_coordinates_are_read_and_validated() {
    let parsed = parse_json(
        r#"[{"slug": "a", "name": "A", "latitude": "39.8702244", "longitude": "-75.3563341"},
                                {"slug": "b", "name": "B", "latitude": 0, "longitude": 0}]"#,
    );
    let loc = parsed.listings[0].location.as_ref().expect("location");
    assert_eq!((loc.latitude, loc.longitude), (Some(39.870224), Some(-75.356334)));
    assert!(parsed.listings[1].location.is_none(), "0,0 is a placeholder");
    assert_eq!(parsed.problems.len_total(), 1);
    assert_eq!(parsed.problems.kept()[0].record.as_deref(), Some("b"));
}

#[test]
fn types_as_comma_string_bracket_word_null_and_lower_case() {
    let parsed = parse_json(
        r#"[{"slug": "1", "name": "A", "types": "C,W"},
                                {"slug": "2", "name": "B", "types": "[open]"},
                                {"slug": "3", "name": "C", "types": null},
                                {"slug": "4", "name": "D", "types": ["onl", "O", "XYZ", ""], "conference_url": "https://zoom.us/j/123456789"}]"#,
    );
    let l = &parsed.listings;
    assert_eq!((l[0].open, l[0].audience.as_slice()), (Some(false), [Audience::Women].as_slice()));
    assert_eq!((l[1].open, l[1].codes.as_slice()), (Some(true), ["open".to_owned()].as_slice()));
    assert_eq!((l[2].open, l[2].codes.len()), (None, 0));
    assert_eq!(l[3].codes, ["onl", "O", "XYZ"], "unknown codes are kept, empty ones dropped");
    assert_eq!(l[3].attendance, Attendance::Online);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
}

#[test]
fn integer_slugs_and_postcodes() {
    let parsed = parse_json(
        r#"[{"slug": 254, "name": "Ward Parkway Group", "address": "6101 Ward Pkwy ",
        "city": "Kansas City", "state": "MO", "postal_code": 2713, "country": "USA"}]"#,
    );
    let l = &parsed.listings[0];
    let loc = l.location.as_ref().expect("location");
    assert_eq!(l.external_id, "254");
    assert_eq!((loc.postcode.as_deref(), loc.country.as_deref()), (Some("02713"), Some("US")));
}

#[test]
fn a_repeated_slug_is_kept_with_a_suffix_and_a_problem() {
    let parsed = parse_json(r#"[{"slug": "x", "name": "First"}, {"slug": "x", "name": "Second"}]"#);
    let ids: Vec<&str> = parsed.listings.iter().map(|l| l.external_id.as_str()).collect();
    assert_eq!(ids, ["x", "x-dup2"]);
    let p = &parsed.problems.kept()[0];
    assert_eq!((p.record.as_deref(), p.field.as_deref(), p.dropped), (Some("x"), Some("slug"), false));
}

#[test]
fn a_feed_long_enough_for_every_core_reads_as_one_record_after_another() {
    // Records are mapped on every core; ids and problems must still come out as a single pass
    // makes them: a slug repeated far apart, a slug that an earlier record's day listing took,
    // and problems in the order of the feed.
    let count = importers::parallel::PARALLEL_FROM * 2;
    let mut records: Vec<String> = (0..count)
        .map(|i| format!(r#"{{"slug": "m{i}", "name": "Meeting {i}", "day": 1, "time": "19:00"}}"#))
        .collect();
    records[1] = r#"{"slug": "two-days", "name": "Two days", "day": [1, 2], "time": "19:00"}"#.to_owned();
    records[count - 4] = r#"{"slug": "two-days", "name": "Bare", "day": 3, "time": "19:00"}"#.to_owned();
    records[count - 3] = r#"{"slug": "m0", "name": "Again", "day": 3, "time": "19:00"}"#.to_owned();
    records[count - 2] = r#"{"slug": "two-days#1", "name": "Taken", "day": 3, "time": "19:00"}"#.to_owned();
    records[count / 2] = r#"{"slug": "late", "name": "Late", "day": 1, "time": "soon"}"#.to_owned();
    // Valid syntax, but no value: the record alone is dropped.
    records[count / 2 + 1] = r#"{"slug": "huge", "name": "Huge", "latitude": 1e999}"#.to_owned();
    records[count - 1] = "42".to_owned();
    let parsed = parse_json(&format!("[{}]", records.join(",")));
    let ids: Vec<&str> = parsed.listings.iter().map(|l| l.external_id.as_str()).collect();
    assert_eq!(ids.len(), count - 1, "one listing a record, two for the two days, none for the number or the huge");
    assert_eq!(ids[..4], ["m0", "two-days#1", "two-days#2", "m2"]);
    assert_eq!(ids[count / 2 + 1], "late");
    assert_eq!(ids[count / 2 + 2], format!("m{}", count / 2 + 2));
    assert_eq!(ids[count - 4..], ["two-days-dup2", "m0-dup2", "two-days#1-dup2"]);
    let problems: Vec<(Option<&str>, Option<&str>, bool)> =
        parsed.problems.iter().map(|p| (p.record.as_deref(), p.field.as_deref(), p.dropped)).collect();
    let last = format!("[{}]", count - 1);
    let huge = format!("[{}]", count / 2 + 1);
    assert_eq!(
        problems,
        [
            (Some("late"), Some("time"), false),
            (Some(huge.as_str()), None, true),
            (Some("two-days"), Some("slug"), false),
            (Some("m0"), Some("slug"), false),
            (Some("two-days#1"), Some("slug"), false),
            (Some(last.as_str()), None, true),
        ]
    );
    assert_eq!(parsed.problems.kept()[1].message, "unreadable record: number out of range");
}

#[test]
fn one_bad_record_does_not_spoil_the_good_ones() {
    let parsed = parse_json(
        r#"[{"slug": "good", "name": "Good", "day": 2, "time": "19:00"},
        {"slug": "bad-time", "name": "Bad time", "day": 2, "time": "soon", "timezone": "Mars/Olympus"},
        {"slug": "nameless", "name": "  "},
        42,
        {"slug": "after", "name": "After", "day": 9}]"#,
    );
    let ids: Vec<&str> = parsed.listings.iter().map(|l| l.external_id.as_str()).collect();
    assert_eq!(ids, ["good", "bad-time", "after"]);
    let problems: Vec<(Option<&str>, Option<&str>, bool)> =
        parsed.problems.iter().map(|p| (p.record.as_deref(), p.field.as_deref(), p.dropped)).collect();
    assert_eq!(
        problems,
        [
            (Some("bad-time"), Some("time"), false),
            (Some("bad-time"), Some("timezone"), false),
            (Some("nameless"), Some("name"), true),
            (Some("[3]"), None, true),
            (Some("after"), Some("day"), false),
        ]
    );
    assert_eq!(parsed.listings[1].meetings[0].timezone, "America/New_York");
    assert!(parsed.listings[2].meetings.is_empty(), "an unreadable day is unknown, not by appointment");
}

#[test]
fn invalid_json_is_one_document_error_naming_the_cause() {
    let err = meeting_guide::parse(&fixture("meeting_guide", "testcase-invalid.json"), &SourceOptions::default())
        .expect_err("trailing garbage");
    assert_eq!(err.to_string(), "invalid JSON at line 80 column 3: trailing characters");
}

#[test]
fn an_html_error_page_is_one_document_error() {
    let err = meeting_guide::parse(b"<html><body><h1>502 Bad Gateway</h1></body></html>", &SourceOptions::default())
        .expect_err("html");
    let message = err.to_string();
    assert!(
        message.starts_with("not a Meeting Guide feed: expected a JSON array of meetings, found HTML"),
        "{message}"
    );
    assert!(message.contains("502 Bad Gateway"), "{message}");
}

#[test]
fn other_document_shapes() {
    let opts = SourceOptions::default();
    let bom = meeting_guide::parse(b"\xEF\xBB\xBF[{\"slug\":\"a\",\"name\":\"A\"}]", &opts).expect("BOM is fine");
    assert_eq!(bom.listings.len(), 1);
    let envelope = meeting_guide::parse(br#"{"meetings": [{"slug":"a","name":"A"}]}"#, &opts).expect("envelope");
    assert_eq!(envelope.listings.len(), 1);
    let object = meeting_guide::parse(br#"{"error": "quota"}"#, &opts).expect_err("object");
    assert!(object.to_string().ends_with("found a JSON object with keys: error"), "{object}");
    let empty = meeting_guide::parse(b"  ", &opts).expect_err("empty");
    assert!(empty.to_string().contains("empty document"), "{empty}");
}

#[test]
fn attendance_from_option_codes_place_and_link() {
    let parsed = parse_json(
        r#"[
        {"slug": "hy", "name": "H", "types": ["ONL"], "formatted_address": "1 Main St, Media, PA 19063, USA", "conference_url": "https://zoom.us/j/111111111"},
        {"slug": "tc", "name": "T", "types": ["TC"], "formatted_address": "1 Main St, Media, PA 19063, USA", "conference_phone": "+16465588656,,111111111#"},
        {"slug": "closed", "name": "C", "types": ["TC"], "formatted_address": "1 Main St, Media, PA 19063, USA"},
        {"slug": "approx", "name": "A", "approximate": "yes", "formatted_address": "Philadelphia, PA, USA", "conference_url": "https://zoom.us/j/111111111"},
        {"slug": "opt", "name": "O", "attendance_option": "inactive"},
        {"slug": "in", "name": "I", "formatted_address": "1 Main St, Media, PA 19063, USA"}]"#,
    );
    let got: Vec<(Attendance, bool)> = parsed.listings.iter().map(|l| (l.attendance, l.active)).collect();
    assert_eq!(
        got,
        [
            (Attendance::Hybrid, true),
            (Attendance::Online, true),
            (Attendance::InPerson, false),
            (Attendance::Online, true),
            (Attendance::InPerson, false),
            (Attendance::InPerson, true),
        ]
    );
}

#[test]
fn formatted_addresses_are_split_when_parts_are_absent() {
    let parsed = parse_json(
        r#"[{"slug": "a", "name": "A", "formatted_address": "115 Gregg Ave, Aiken, SC 29801, United States"}]"#,
    );
    let loc = parsed.listings[0].location.as_ref().expect("location");
    let got = (
        loc.address.as_deref(),
        loc.locality.as_deref(),
        loc.region.as_deref(),
        loc.postcode.as_deref(),
        loc.country.as_deref(),
    );
    assert_eq!(got, (Some("115 Gregg Ave"), Some("Aiken"), Some("SC"), Some("29801"), Some("US")));
}

#[test]
fn monthly_patterns_in_names_and_notes() {
    let parsed = parse_json(
        r#"[
        {"slug": "eda", "name": "Aiken, SC - 2nd and 4th Thursdays 2pm Eastern - In-Person", "day": 4, "time": "14:00"},
        {"slug": "first", "name": "Redemption", "day": 6, "time": "09:00", "notes": "1st Saturday of the month only"},
        {"slug": "event", "name": "Big Book", "day": 6, "time": "20:00", "notes": "Last Saturday 8PM Sobriety Celebration"}]"#,
    );
    let recurrences: Vec<&Recurrence> = parsed.listings.iter().map(|l| &l.meetings[0].recurrence).collect();
    assert_eq!(
        recurrences,
        [
            &Recurrence::MonthlyNth { weeks: vec![2, 4] },
            &Recurrence::MonthlyNth { weeks: vec![1] },
            &Recurrence::Weekly,
        ]
    );
}

#[test]
fn markup_in_notes_is_reduced_to_plain_text() {
    let parsed = parse_json(
        r#"[{"slug": "a", "name": "Fish &amp; Loaves <b>Group</b>",
        "notes": "Hall open<br>Tue &amp; Thu<script>alert(1)</script>", "group_notes": "<p>Masks</p>"}]"#,
    );
    let l = &parsed.listings[0];
    assert_eq!(l.name, "Fish & Loaves Group");
    assert_eq!(l.description.as_deref(), Some("Hall open\nTue & Thu\n\nMasks"));
}

#[test]
fn personal_contacts_are_never_copied_and_public_ones_are() {
    let parsed = parse_json(
        r#"[{"slug": "a", "name": "A", "contact_1_name": "Jo", "contact_1_email": "jo.private@example.com",
        "contact_1_phone": "215-555-0199", "email": "group@example.org", "entity": "SEPIA Intergroup",
        "entity_phone": "+1-215-555-0100", "entity_url": "www.example.org"}]"#,
    );
    let l = &parsed.listings[0];
    let all = serde_json::to_string(l).expect("serialise");
    assert!(!all.contains("jo.private") && !all.contains("0199") && !all.contains("Jo\""), "{all}");
    assert_eq!(l.contact.email.as_deref(), Some("group@example.org"));
    assert_eq!(l.contact.phone.as_deref(), Some("+12155550100"));
    assert_eq!(l.contact.website.as_deref(), Some("https://www.example.org/"));
    assert_eq!(l.organisation.as_deref(), Some("SEPIA Intergroup"));
}

#[test]
fn passcodes_never_reach_any_listing() {
    let parsed = parse_json(
        r#"[{"slug": "a", "name": "A", "day": 1, "time": "19:00",
        "notes": "Meeting ID: 885 4497 1950\nPasscode: BillW0407\nPW odaat",
        "conference_url": "https://us02web.zoom.us/j/88544971950?pwd=SeCrEt123",
        "conference_url_notes": "Password: 777111", "conference_phone": "+16465588656,,88544971950#,,#,,777111#"}]"#,
    );
    let all = serde_json::to_string(&parsed.listings).expect("serialise");
    for secret in ["BillW0407", "odaat", "SeCrEt123", "777111", "pwd"] {
        assert!(!all.contains(secret), "{secret} leaked: {all}");
    }
    let online = parsed.listings[0].online.as_ref().expect("online");
    assert_eq!(online.conference_id.as_deref(), Some("88544971950"));
    assert_eq!(online.phone.as_deref(), Some("+16465588656,,88544971950#"));
}

#[test]
fn passcodes_in_fixture_feeds_never_reach_any_listing() {
    // The fixtures replace every real passcode with one of these markers (see fixtures/README.md).
    for feed in [
        "aasepia-2021",
        "alanon-massachusetts-2023",
        "eating-disorders-anonymous-2023",
        "orange-county-ca-2023",
        "kansas-city-2021",
        "edmonton-2021",
    ] {
        let bytes = fixture("meeting_guide", &format!("{feed}.json"));
        assert!(String::from_utf8_lossy(&bytes).contains("S3cretZz"), "{feed} should exercise redaction");
        let parsed = meeting_guide::parse(&bytes, &options_for(feed)).expect("fixture parses");
        let all = format!("{}{:?}", serde_json::to_string(&parsed.listings).expect("serialise"), parsed.problems);
        for secret in ["S3cretZz", "4242421", "pwd="] {
            assert!(!all.contains(secret), "{feed}: {secret} leaked");
        }
    }
}

#[test]
fn code_overrides_apply_before_the_spec_table() {
    let opts = SourceOptions { code_overrides: [("S".to_owned(), "SP".to_owned())].into(), ..SourceOptions::default() };
    let parsed =
        meeting_guide::parse(br#"[{"slug": "a", "name": "A", "types": ["S", "ASL"]}]"#, &opts).expect("parses");
    let l = &parsed.listings[0];
    assert_eq!(l.languages, ["ase"], "S is a speaker meeting here, not Spanish");
    assert_eq!(l.codes, ["S", "ASL"]);
}

#[test]
fn a_valid_row_timezone_wins_over_the_source_default() {
    let parsed = parse_json(&String::from_utf8_lossy(&fixture("meeting_guide", "testcase-timezones.json")));
    let zones: Vec<&str> = parsed.listings.iter().map(|l| l.meetings[0].timezone.as_str()).collect();
    assert_eq!(zones, ["America/Los_Angeles", "America/New_York"]);
}
