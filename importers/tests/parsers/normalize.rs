//! The public behaviour of `importers::normalize`, table-driven: input as sources write it,
//! output as listings carry it.

use chrono::NaiveTime;
use importers::normalize::{address, geo, phone, schedule, text, time, web};
use importers::Weekday;

#[test]
fn text_is_plain_and_tidy() {
    let cases = [
        ("  Fish &amp; Loaves  ", Some("Fish & Loaves")),
        ("<p>One</p><p>Two</p>", Some("One\n\nTwo")),
        ("a<br/>b<br />c", Some("a\nb\nc")),
        ("<style>p{}</style><!-- hi -->ok", Some("ok")),
        ("<img src=x onerror=alert(1)>", None),
        ("\t\t\t            ", None),
        ("line1\r\n\r\n\r\nline2", Some("line1\n\nline2")),
    ];
    for (raw, want) in cases {
        assert_eq!(text::plain_text(raw).as_deref(), want, "{raw:?}");
    }
    assert_eq!(text::plain_line("Aiken,\n SC").as_deref(), Some("Aiken, SC"));
}

#[test]
fn phones() {
    let cases = [
        ("215-555-0100", Some("US"), Some("+12155550100")),
        ("+1 (215) 555-0100", None, Some("+12155550100")),
        ("07700 900123", Some("GB"), Some("+447700900123")),
        ("0044 7700 900123", None, Some("+447700900123")),
        ("555-0100", Some("US"), Some("5550100")),
        ("tel:+12155550100", None, Some("+12155550100")),
        ("ask Bob", Some("US"), None),
        ("123", Some("US"), None),
    ];
    for (raw, country, want) in cases {
        assert_eq!(phone::normalize_phone(raw, country).as_deref(), want, "{raw:?}");
    }
    assert_eq!(phone::dial_meeting_id("+16465588656,,123456789#").as_deref(), Some("123456789"));
    assert_eq!(
        phone::conference_phone("6465588656,,123456789#,,#,,999#", Some("US")).as_deref(),
        Some("+16465588656,,123456789#")
    );
}

#[test]
fn urls_and_conference_ids() {
    assert_eq!(
        web::normalize_url("https://aa.org/find?pwd=x&passcode=y&page=2").as_deref(),
        Some("https://aa.org/find?page=2")
    );
    assert_eq!(web::normalize_url("https://user:pw@aa.org/").as_deref(), Some("https://aa.org/"));
    assert_eq!(web::normalize_url("JavaScript:alert(1)"), None);
    assert_eq!(web::normalize_url("not a url"), None);
    let ids = [
        ("https://zoom.us/j/98770921691?pwd=abc", Some("98770921691")),
        ("https://zoom.us/j/921-7689-9954", Some("92176899954")),
        ("https://zoom.us/j/meetingid8648670500", Some("8648670500")),
        ("https://us06web.zoom.us/s/93342147075?pwd=abc", Some("93342147075")),
        ("https://zoom.us/8313360000", Some("8313360000")),
        ("https://us02web.zoom.us/u/kuJ8p6sXv", None),
        ("https://teams.microsoft.com/meet/2345678901234?p=secret", Some("2345678901234")),
        ("https://acme.webex.com/meet/jdoe", Some("webex:acme/jdoe")),
        ("https://www.gotomeet.me/UDGAA", Some("goto:udgaa")),
        ("https://meet.jit.si/KeepItGreener", Some("jitsi:keepitgreener")),
        ("https://discord.gg/36XMXTdKhT", None),
    ];
    for (raw, want) in ids {
        assert_eq!(web::conference_id(raw).as_deref(), want, "{raw}");
    }
    assert_eq!(
        web::conference_url("https://teams.microsoft.com/meet/2345678901234?p=secret").as_deref(),
        Some("https://teams.microsoft.com/meet/2345678901234")
    );
    assert_eq!(web::normalize_email(" Group@Example.ORG ").as_deref(), Some("Group@example.org"));
    assert_eq!(web::normalize_email("not@home"), None);
}

#[test]
fn times_weekdays_and_dates() {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
    for (raw, want) in [
        ("Noon", t(12, 0)),
        ("Midnight", t(0, 0)),
        ("8:00pm", t(20, 0)),
        ("6:00 p.m.", t(18, 0)),
        ("24:00", t(0, 0)),
        ("25:00", None),
    ] {
        assert_eq!(time::parse_time(raw), want, "{raw}");
    }
    for (raw, want) in [
        ("0", Some(Weekday::Sunday)),
        ("3", Some(Weekday::Wednesday)),
        ("Mon", Some(Weekday::Monday)),
        ("monday", Some(Weekday::Monday)),
        ("7", None),
        ("funday", None),
    ] {
        assert_eq!(time::parse_weekday(raw), want, "{raw}");
    }
    let updated = |raw| time::parse_updated(raw).map(|d| d.format("%F %T").to_string());
    assert_eq!(updated("8/10/2021 11:16:48 AM").as_deref(), Some("2021-08-10 11:16:48"));
    assert_eq!(updated("2020-04-0416:50:58").as_deref(), Some("2020-04-04 16:50:58"));
    assert_eq!(updated("2021-06-01T12:00:00-04:00").as_deref(), Some("2021-06-01 16:00:00"));
    assert_eq!(updated("yesterday"), None);
    assert_eq!(time::validate_timezone("Europe/London").as_deref(), Some("Europe/London"));
    assert_eq!(time::validate_timezone("Mars/Olympus"), None);
}

#[test]
fn coordinates() {
    assert_eq!(geo::point(51.5072178, -0.1275862), Ok((51.507218, -0.127586)));
    for (lat, lon) in [(0.0, 0.0), (-91.0, 1.0), (1.0, 181.0), (f64::INFINITY, 1.0)] {
        assert!(geo::point(lat, lon).is_err(), "{lat},{lon}");
    }
}

#[test]
fn addresses_and_countries() {
    assert_eq!(address::country_code("United States", false).as_deref(), Some("US"));
    assert_eq!(address::country_code("IL", false), None, "a state, not Israel, at the end of a line");
    assert_eq!(address::country_code("ca", true).as_deref(), Some("CA"));
    let parts = address::split_address("1103 W Marshall St, Richmond, VA 23284, USA", None);
    assert_eq!(parts.locality.as_deref(), Some("Richmond"));
    assert_eq!(parts.postcode.as_deref(), Some("23284"));
}

#[test]
fn schedule_phrases() {
    let found = schedule::find_nth_weekdays("Meets 1st & 3rd Mondays. No meeting last Friday.");
    assert_eq!(found.len(), 2);
    assert_eq!(
        (found[0].weeks.as_slice(), found[0].weekday, found[0].emphatic),
        ([1, 3].as_slice(), Some(Weekday::Monday), true)
    );
    assert!(found[1].negated);
    assert!(schedule::says_every_other_week("biweekly on Sundays"));
    assert!(schedule::says_by_appointment("By appointment only"));
}
