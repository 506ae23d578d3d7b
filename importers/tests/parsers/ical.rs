//! iCalendar: each hand-written fixture calendar parses to its snapshot, one focused test per
//! quirk (recurrence shapes, zones, online links, skipped events), document errors, and
//! never-panic properties.

use chrono::{NaiveDate, NaiveTime};
use importers::taxonomy::core_rules;
use importers::{parse, Attendance, Documents, Format, Parsed, Recurrence, SourceOptions, Weekday};
use proptest::prelude::*;

use crate::listing_rows::{meeting_line, snapshot};
use crate::support::{fixture, fixture_dir};

const CALENDARS: [&str; 2] = ["exampleshire-mind-groups.ics", "recovery-network-outlook.ics"];

fn options(timezone: &str) -> SourceOptions {
    SourceOptions {
        timezone: timezone.to_owned(),
        country: Some("GB".to_owned()),
        rules: core_rules(),
        ..SourceOptions::default()
    }
}

fn parse_with(bytes: &[u8], timezone: &str) -> Result<Parsed, importers::DocumentError> {
    parse(Format::Ical, &Documents::single(bytes), &options(timezone))
}

/// A calendar around the given event lines (CRLF line ends, as the RFC writes them).
fn calendar(events: &[&str]) -> Parsed {
    let body: String = events
        .iter()
        .map(|e| format!("BEGIN:VEVENT\r\n{}\r\nEND:VEVENT\r\n", e.trim().replace('\n', "\r\n")))
        .collect();
    let ics = format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n{body}END:VCALENDAR\r\n");
    parse_with(ics.as_bytes(), "Europe/London").unwrap_or_else(|e| panic!("document error: {e}"))
}

fn lines(parsed: &Parsed) -> Vec<String> {
    parsed.listings.iter().flat_map(|l| l.meetings.iter().map(meeting_line)).collect()
}

fn check(file: &str) {
    let parsed = parse_with(&fixture("ical", file), "Europe/London");
    let name = format!("ical__{}", file.replace('.', "-"));
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        match parsed {
            Ok(parsed) => insta::assert_json_snapshot!(name, snapshot(&parsed)),
            Err(e) => insta::assert_json_snapshot!(name, format!("document error: {e}")),
        }
    });
}

#[test]
fn google_style_calendar_snapshot() {
    check(CALENDARS[0]);
}

#[test]
fn outlook_style_calendar_snapshot() {
    check(CALENDARS[1]);
}

#[test]
fn every_fixture_has_a_snapshot_test() {
    let mut files: Vec<String> = std::fs::read_dir(fixture_dir("ical"))
        .expect("fixture folder")
        .filter_map(|e| e.ok()?.file_name().to_str().map(str::to_owned))
        .filter(|f| f != "README.md")
        .collect();
    files.sort();
    assert_eq!(files, CALENDARS, "add new fixtures to CALENDARS and a snapshot test");
}

#[test]
fn weekly_byday_gives_a_meeting_per_day_in_the_tzid_zone() {
    let parsed = calendar(&["UID:a\nSUMMARY:A\nDTSTART;TZID=America/New_York:20240108T190000\nDTEND;TZID=America/New_York:20240108T203000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE"]);
    assert_eq!(
        lines(&parsed),
        ["monday 19:00-20:30 America/New_York weekly", "wednesday 19:00-20:30 America/New_York weekly"]
    );
}

#[test]
fn monthly_nth_weekdays_by_ordinal_and_by_setpos() {
    let parsed = calendar(&[
        "UID:a\nSUMMARY:A\nDTSTART;TZID=Europe/London:20240111T190000\nDURATION:PT2H\nRRULE:FREQ=MONTHLY;BYDAY=2TH,4TH;COUNT=24",
        "UID:b\nSUMMARY:B\nDTSTART;TZID=Europe/London:20240111T190000\nRRULE:FREQ=MONTHLY;BYDAY=TH;BYSETPOS=2",
        "UID:c\nSUMMARY:C\nDTSTART;TZID=Europe/London:20240125T190000\nRRULE:FREQ=MONTHLY;BYDAY=-1TH;UNTIL=20200101T000000Z",
    ]);
    assert_eq!(
        lines(&parsed),
        [
            "thursday 19:00-21:00 Europe/London monthly [2, 4]",
            "thursday 19:00 Europe/London monthly [2]",
            "thursday 19:00 Europe/London monthly [-1]",
        ]
    );
    assert!(parsed.problems.is_empty(), "an UNTIL in the past changes nothing: {:?}", parsed.problems);
}

#[test]
fn single_and_all_day_events() {
    let parsed = calendar(&[
        "UID:a\nSUMMARY:Picnic\nDTSTART:20240615T110000Z\nDTEND:20240615T150000Z",
        "UID:b\nSUMMARY:Walk\nDTSTART;VALUE=DATE:20240106\nRRULE:FREQ=WEEKLY",
    ]);
    let picnic = &parsed.listings[0].meetings[0];
    assert_eq!(picnic.recurrence, Recurrence::Once { date: NaiveDate::from_ymd_opt(2024, 6, 15).expect("date") });
    assert_eq!(
        (picnic.start, picnic.end),
        (NaiveTime::from_hms_opt(12, 0, 0), NaiveTime::from_hms_opt(16, 0, 0)),
        "UTC shown in BST"
    );
    let walk = &parsed.listings[1].meetings[0];
    assert_eq!((walk.weekday, walk.start, &walk.recurrence), (Some(Weekday::Saturday), None, &Recurrence::Weekly));
}

#[test]
fn utc_times_move_to_the_local_day() {
    let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Late\r\nDTSTART:20240108T233000Z\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let parsed = parse_with(ics.as_bytes(), "Europe/Berlin").expect("calendar");
    assert_eq!(lines(&parsed), ["tuesday 00:30 Europe/Berlin weekly"]);
}

#[test]
fn windows_and_prefixed_zone_names_and_calendar_zone() {
    let ics = "BEGIN:VCALENDAR\r\nX-WR-TIMEZONE:America/Chicago\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:A\r\nDTSTART;TZID=Eastern Standard Time:20240103T200000\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:b\r\nSUMMARY:B\r\nDTSTART;TZID=/mozilla.org/20050126_1/Europe/London:20240420T100000\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:c\r\nSUMMARY:C\r\nDTSTART:20240103T200000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:d\r\nSUMMARY:D\r\nDTSTART;TZID=Somewhere Odd:20240103T200000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let parsed = parse_with(ics.as_bytes(), "Europe/London").expect("calendar");
    let zones: Vec<&str> = parsed.listings.iter().map(|l| l.meetings[0].timezone.as_str()).collect();
    assert_eq!(zones, ["America/New_York", "Europe/London", "America/Chicago", "America/Chicago"]);
    assert_eq!(parsed.problems.len_total(), 1, "the unknown zone is reported: {:?}", parsed.problems);
}

#[test]
fn locations_geo_and_online_links() {
    let parsed = calendar(&[
        "UID:a\nSUMMARY:A\nDTSTART:20240103T200000\nLOCATION:St Mark's Church Hall\\, 12 High Street\\, Exampletown EX1 2AB\nGEO:50.7236;-3.5275",
        "UID:b\nSUMMARY:B\nDTSTART:20240103T200000\nLOCATION:Online\nX-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij",
        "UID:c\nSUMMARY:C\nDTSTART:20240103T200000\nLOCATION:The Hub\\, 3 Station Road\\, Exampletown\nDESCRIPTION:Also on Zoom: https://zoom.us/j/81234567890?pwd=S3cretZz Passcode: S3cretZz",
    ]);
    let a = &parsed.listings[0];
    let loc = a.location.as_ref().expect("location");
    assert_eq!(
        (loc.name.as_deref(), loc.postcode.as_deref(), loc.latitude),
        (Some("St Mark's Church Hall"), Some("EX1 2AB"), Some(50.7236))
    );
    assert_eq!(a.attendance, Attendance::InPerson);
    let b = &parsed.listings[1];
    assert_eq!((b.attendance, b.location.is_none()), (Attendance::Online, true));
    assert_eq!(b.online.as_ref().and_then(|o| o.conference_id.as_deref()), Some("meet:abc-defg-hij"));
    let c = &parsed.listings[2];
    assert_eq!(c.attendance, Attendance::Hybrid);
    assert!(!format!("{c:?}").contains("S3cretZz"));
}

#[test]
fn cancelled_private_untitled_and_overrides() {
    let parsed = calendar(&[
        "UID:a\nSUMMARY:A\nDTSTART:20240103T200000\nRRULE:FREQ=WEEKLY",
        "UID:a\nRECURRENCE-ID:20240110T200000\nSUMMARY:A moved\nDTSTART:20240111T200000",
        "UID:b\nSUMMARY:B\nSTATUS:CANCELLED\nDTSTART:20240103T200000",
        "UID:c\nSUMMARY:Staff\nCLASS:PRIVATE\nDTSTART:20240103T200000",
        "UID:d\nDTSTART:20240103T200000",
    ]);
    assert_eq!(parsed.listings.len(), 1);
    assert_eq!(parsed.listings[0].name, "A");
    let skipped: Vec<_> =
        parsed.problems.iter().map(|p| (p.record.as_deref(), p.field.as_deref(), p.dropped)).collect();
    assert_eq!(
        skipped,
        [(Some("b"), Some("STATUS"), true), (Some("c"), Some("CLASS"), true), (Some("d"), Some("SUMMARY"), true)]
    );
}

#[test]
fn rules_that_cannot_be_shown_are_problems() {
    let parsed = calendar(&[
        "UID:a\nSUMMARY:A\nDTSTART:20240113T100000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=SA",
        "UID:b\nSUMMARY:B\nDTSTART:20240201T110000\nRRULE:FREQ=MONTHLY;BYMONTHDAY=1",
        "UID:c\nSUMMARY:C\nDTSTART:20240201T110000\nRRULE:FREQ=YEARLY",
    ]);
    assert_eq!(lines(&parsed), ["saturday 10:00 Europe/London weekly"]);
    let fields: Vec<_> = parsed.problems.iter().map(|p| (p.record.as_deref(), p.field.as_deref(), p.dropped)).collect();
    assert_eq!(
        fields,
        [(Some("a"), Some("RRULE"), false), (Some("b"), Some("RRULE"), false), (Some("c"), Some("RRULE"), false)]
    );
}

#[test]
fn personal_details_never_reach_a_listing() {
    let parsed = calendar(&["UID:a\nSUMMARY:A\nDTSTART:20240103T200000\nORGANIZER;CN=Jane Smith:mailto:jane.smith@example.com\nDESCRIPTION:Friendly group. For a chat first\\, contact Jane Smith on 07700 900123."]);
    let text = format!("{:?}", parsed.listings);
    assert!(!text.contains("Jane") && !text.contains("07700"), "{text}");
    assert_eq!(parsed.listings[0].description.as_deref(), Some("Friendly group."));
}

#[test]
fn unreadable_documents_are_one_error_naming_the_cause() {
    let truncated = &fixture("ical", CALENDARS[0])[..2000];
    let cases: [(&[u8], &str); 6] = [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><head><title>Not Found</title></head></html>", "Not Found"),
        (b"{\"events\": []}", "JSON"),
        (b"hello, world", "BEGIN:VCALENDAR"),
        (truncated, "cut short"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n", "does not close"),
    ];
    for (doc, cause) in cases {
        let err = parse_with(doc, "Europe/London").expect_err(&String::from_utf8_lossy(doc));
        assert!(err.0.contains(cause), "{} gave {err}", String::from_utf8_lossy(doc));
    }
}

#[test]
fn stray_lines_are_left_out_with_one_problem() {
    let ics = "junk before\r\nBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:A\r\nthis line has no colon\r\nDTSTART:20240103T200000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\njunk after";
    let parsed = parse_with(ics.as_bytes(), "Europe/London").expect("calendar");
    assert_eq!(parsed.listings.len(), 1);
    assert_eq!(parsed.problems.len_total(), 1, "{:?}", parsed.problems);
    assert!(importers::check_options(Format::Ical, &serde_json::json!({ "x": 1 })).is_err());
}

fn plausible_calendar() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("BEGIN:VEVENT".to_owned()),
        Just("END:VEVENT".to_owned()),
        Just("UID:x".to_owned()),
        Just("SUMMARY:Group".to_owned()),
        Just("DTSTART;TZID=Europe/London:20240108T190000".to_owned()),
        Just("DTSTART:20240108T233000Z".to_owned()),
        Just("DTSTART;VALUE=DATE:20240106".to_owned()),
        Just("DTEND;TZID=Eastern Standard Time:20240108T203000".to_owned()),
        Just("DURATION:P99999W99999D".to_owned()),
        Just("RRULE:FREQ=MONTHLY;BYDAY=2TH,-3FR,+9MO;BYSETPOS=-1,2".to_owned()),
        Just("RRULE:FREQ=WEEKLY;INTERVAL=0".to_owned()),
        Just("GEO:91;200".to_owned()),
        Just("LOCATION:Online".to_owned()),
        Just("CATEGORIES:a\\,b,c".to_owned()),
        Just("BEGIN:VALARM".to_owned()),
        Just("END:VALARM".to_owned()),
        "[A-Z-]{1,8}[;:][\\PC]{0,20}",
    ];
    prop::collection::vec(line, 0..24)
        .prop_map(|lines| format!("BEGIN:VCALENDAR\r\n{}\r\nEND:VCALENDAR\r\n", lines.join("\r\n")))
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(Format::Ical, &Documents::single(&bytes), &SourceOptions::default());
    }

    #[test]
    fn never_panics_on_plausible_calendars(ics in plausible_calendar()) {
        let _ = parse_with(ics.as_bytes(), "Europe/London");
    }
}

#[test]
fn passcodes_and_members_in_fixtures_never_reach_a_listing() {
    for file in CALENDARS {
        let parsed = parse_with(&fixture("ical", file), "Europe/London").expect(file);
        let everything = format!("{:?}", parsed.listings);
        for secret in ["S3cretZz", "424242421", "Jane", "07700"] {
            assert!(!everything.contains(secret), "{file}: {secret} leaked");
        }
    }
}
