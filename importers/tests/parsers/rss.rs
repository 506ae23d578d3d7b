//! RSS / Atom: each hand-written fixture feed parses to its snapshot, one focused test per
//! quirk, document errors, and never-panic properties.

use chrono::NaiveTime;
use importers::taxonomy::{core_rules, Rule};
use importers::{parse, Attendance, Documents, Format, Parsed, Recurrence, SourceOptions, Topic, Weekday};
use proptest::prelude::*;

use crate::listing_rows::snapshot;
use crate::support::{fixture, fixture_dir};

const FEEDS: [&str; 3] = ["hearing-voices-rdf.rss", "mind-exampleshire-groups.rss", "recovery-network-groups.atom"];

fn uk_options() -> SourceOptions {
    SourceOptions {
        timezone: "Europe/London".to_owned(),
        country: Some("GB".to_owned()),
        rules: core_rules(),
        ..SourceOptions::default()
    }
}

fn parse_at(url: &str, bytes: &[u8]) -> Result<Parsed, importers::DocumentError> {
    let extra = Default::default();
    parse(Format::Rss, &Documents { url, root: bytes, extra: &extra }, &uk_options())
}

fn parse_str(xml: &str) -> Parsed {
    parse_at("https://example.org/feed", xml.as_bytes()).unwrap_or_else(|e| panic!("document error: {e}"))
}

fn check(file: &str) {
    let parsed = parse_at("https://example.org/feed", &fixture("rss", file));
    let name = format!("rss__{}", file.replace('.', "-"));
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        match parsed {
            Ok(parsed) => insta::assert_json_snapshot!(name, snapshot(&parsed)),
            Err(e) => insta::assert_json_snapshot!(name, format!("document error: {e}")),
        }
    });
}

#[test]
fn rdf_feed_snapshot() {
    check(FEEDS[0]);
}

#[test]
fn rss2_feed_snapshot() {
    check(FEEDS[1]);
}

#[test]
fn atom_feed_snapshot() {
    check(FEEDS[2]);
}

#[test]
fn every_fixture_has_a_snapshot_test() {
    let mut files: Vec<String> = std::fs::read_dir(fixture_dir("rss"))
        .expect("fixture folder")
        .filter_map(|e| e.ok()?.file_name().to_str().map(str::to_owned))
        .filter(|f| f != "README.md")
        .collect();
    files.sort();
    assert_eq!(files, FEEDS, "add new fixtures to FEEDS and a snapshot test");
}

fn item(title: &str, body: &str) -> String {
    format!(
        r#"<rss version="2.0"><channel><title>t</title><item><title>{title}</title><guid>g1</guid>
        <description><![CDATA[{body}]]></description></item></channel></rss>"#
    )
}

fn hm(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

#[test]
fn nth_weekday_titles_give_monthly_meetings() {
    let parsed = parse_str(&item("Hearing Voices – 2nd &amp; 4th Thursday, 7–9pm", ""));
    let m = &parsed.listings[0].meetings;
    assert_eq!(m.len(), 1);
    assert_eq!((m[0].weekday, m[0].start, m[0].end), (Some(Weekday::Thursday), hm(19, 0), hm(21, 0)));
    assert_eq!(m[0].recurrence, Recurrence::MonthlyNth { weeks: vec![2, 4] });
    assert_eq!(m[0].timezone, "Europe/London");
}

#[test]
fn plural_days_and_every_give_weekly_meetings_per_day() {
    let parsed = parse_str(&item("Online group", "<p>Mondays and Wednesdays, 6:30pm to 7:30pm.</p>"));
    let days: Vec<_> = parsed.listings[0].meetings.iter().map(|m| (m.weekday, m.start, m.end)).collect();
    assert_eq!(
        days,
        [(Some(Weekday::Monday), hm(18, 30), hm(19, 30)), (Some(Weekday::Wednesday), hm(18, 30), hm(19, 30))]
    );
    let parsed = parse_str(&item("Depression support", "Meets every Tuesday 7pm - 8:30pm."));
    assert_eq!(parsed.listings[0].meetings[0].weekday, Some(Weekday::Tuesday));
    assert_eq!(parsed.listings[0].meetings[0].recurrence, Recurrence::Weekly);
}

#[test]
fn an_item_without_a_schedule_is_still_a_listing() {
    let parsed = parse_str(&item("Carers' café", "Drop in on a Tuesday 5 March if you like, see our events page."));
    assert_eq!(parsed.listings.len(), 1);
    assert!(parsed.listings[0].meetings.is_empty(), "{:?}", parsed.listings[0].meetings);
    assert!(parsed.problems.is_empty());
}

#[test]
fn marked_places_are_split_and_unmarked_ones_ignored() {
    let body = "<p>Every Friday 2pm.</p><p>Where: St Mark's Church Hall, 12 High Street, Exampletown EX1 2AB</p>";
    let parsed = parse_str(&item("Group", body));
    let loc = parsed.listings[0].location.as_ref().expect("location");
    assert_eq!(loc.name.as_deref(), Some("St Mark's Church Hall"));
    assert_eq!(loc.address.as_deref(), Some("12 High Street"));
    assert_eq!((loc.locality.as_deref(), loc.postcode.as_deref()), (Some("Exampletown"), Some("EX1 2AB")));
    let parsed = parse_str(&item("Walk", "Meet at the bandstand, Victoria Park."));
    assert!(parsed.listings[0].location.is_none());
}

#[test]
fn conference_links_make_it_online_without_passcodes() {
    let body = r#"Thursdays 7pm. Join <a href="https://us02web.zoom.us/j/81234567890?pwd=S3cretZz">here</a>. Passcode: S3cretZz"#;
    let parsed = parse_str(&item("Online group", body));
    let l = &parsed.listings[0];
    assert_eq!(l.attendance, Attendance::Online);
    let online = l.online.as_ref().expect("online");
    assert_eq!(online.conference_id.as_deref(), Some("81234567890"));
    assert_eq!(online.url.as_deref(), Some("https://us02web.zoom.us/j/81234567890"));
    let everything = format!("{l:?}");
    assert!(!everything.contains("S3cretZz"), "{everything}");
}

#[test]
fn scripts_and_markup_never_survive() {
    let parsed = parse_str(&item(
        "&lt;b&gt;Bold&lt;/b&gt; group",
        "Hello<script>alert('x')</script> <img src=x onerror=alert(1)>",
    ));
    let l = &parsed.listings[0];
    assert_eq!(l.name, "Bold group");
    assert_eq!(l.description.as_deref(), Some("Hello"));
}

#[test]
fn items_without_guid_use_their_link_and_without_anything_are_dropped() {
    let xml = r#"<rss version="2.0"><channel><title>t</title>
        <item><title>A</title><link>/groups/a</link></item>
        <item><title>B</title></item></channel></rss>"#;
    let parsed = parse_at("https://example.org/feed.xml", xml.as_bytes()).expect("feed");
    assert_eq!(parsed.listings.len(), 1);
    assert_eq!(parsed.listings[0].external_id, "https://example.org/groups/a");
    assert_eq!(parsed.problems.len_total(), 1);
    assert!(parsed.problems.kept()[0].dropped);
}

#[test]
fn repeated_guids_get_a_suffix_and_a_problem() {
    let xml = r#"<rss version="2.0"><channel><title>t</title>
        <item><title>A</title><guid>x</guid></item><item><title>B</title><guid>x</guid></item></channel></rss>"#;
    let parsed = parse_str(xml);
    let ids: Vec<_> = parsed.listings.iter().map(|l| l.external_id.as_str()).collect();
    assert_eq!(ids, ["x", "x-dup2"]);
    assert_eq!(parsed.problems.len_total(), 1);
}

#[test]
fn paused_titles_are_inactive_and_every_other_week_is_a_problem() {
    let parsed = parse_str(&item("Bereavement group [PAUSED]", "Usually the last Friday of the month, 11am-1pm."));
    assert!(!parsed.listings[0].active);
    assert_eq!(parsed.listings[0].meetings[0].recurrence, Recurrence::MonthlyNth { weeks: vec![-1] });
    let parsed = parse_str(&item("Walk and talk (every other Saturday 10am)", ""));
    assert_eq!(parsed.listings[0].meetings[0].weekday, Some(Weekday::Saturday));
    assert_eq!(parsed.problems.len_total(), 1, "{:?}", parsed.problems);
}

#[test]
fn categories_become_codes_for_the_rules() {
    let xml = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>f</id><entry><id>e1</id>
        <title>Thursday group</title><category term="eda" label="Eating disorders"/><category term="EDA"/></entry></feed>"#;
    let options =
        SourceOptions { rules: vec![Rule::code("Eating Disorders", Topic::EATING_DISORDERS)], ..uk_options() };
    let extra = Default::default();
    let docs = Documents { url: "https://example.org/feed", root: xml.as_bytes(), extra: &extra };
    let parsed = parse(Format::Rss, &docs, &options).expect("feed");
    assert_eq!(parsed.listings[0].codes, ["eda", "Eating disorders"]);
    let rules: Vec<_> = parsed.listings[0].topics.iter().map(|t| (t.topic.clone(), t.rule.as_str())).collect();
    assert_eq!(rules, [(Topic::EATING_DISORDERS, "code \"Eating Disorders\"")]);
}

#[test]
fn unreadable_documents_are_one_error_naming_the_cause() {
    let cases = [
        ("", "empty"),
        ("<!DOCTYPE html><html><head><title>x</title></head><body>502 Bad Gateway</body></html>", "HTML page"),
        (r#"{"meetings": []}"#, "JSON"),
        (r#"<?xml version="1.0"?><urlset><url/></urlset>"#, "root element"),
    ];
    for (doc, cause) in cases {
        let err = parse_at("https://example.org/feed", doc.as_bytes()).expect_err(doc);
        assert!(err.0.contains(cause), "{doc:?} gave {err}");
    }
    let truncated = &fixture("rss", FEEDS[1])[..1500];
    let err = parse_at("https://example.org/feed", truncated).expect_err("truncated feed");
    assert!(err.0.contains("XML"), "{err}");
}

#[test]
fn options_are_checked() {
    assert!(importers::check_options(Format::Rss, &serde_json::json!({ "item_is_group": true })).is_ok());
    let err = importers::check_options(Format::Rss, &serde_json::json!({ "items": true })).expect_err("unknown key");
    assert!(err.contains("items"), "{err}");
    assert!(importers::check_options(Format::Rss, &serde_json::json!({ "item_is_group": false })).is_err());
}

fn plausible_feed() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<item>".to_owned()),
        Just("</item>".to_owned()),
        Just("<title>2nd &amp; 4th Thursday 7-9pm</title>".to_owned()),
        Just("<guid>g</guid>".to_owned()),
        Just("<link>https://zoom.us/j/123456789</link>".to_owned()),
        Just("<description><![CDATA[Where: 1 High St, Town EX1 2AB]]></description>".to_owned()),
        Just("<category>x</category>".to_owned()),
        Just("<pubDate>Tue, 13 Feb 2024 10:03:19 +0000</pubDate>".to_owned()),
        Just(r#"<media:text start="99999999999999999999999:00:00" end="1">x</media:text>"#.to_owned()),
        "\\PC{0,20}",
    ];
    prop::collection::vec(piece, 0..16).prop_map(|pieces| {
        format!(
            r#"<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>t</title>{}</channel></rss>"#,
            pieces.concat()
        )
    })
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(Format::Rss, &Documents::single(&bytes), &SourceOptions::default());
    }

    #[test]
    fn never_panics_on_plausible_feeds(feed in plausible_feed()) {
        let _ = parse(Format::Rss, &Documents::single(feed.as_bytes()), &uk_options());
    }

    #[test]
    fn never_panics_on_any_item_text(title in "\\PC{0,40}", body in "(\\PC|[0-9]|pm|am|-|Tuesdays|every|2nd|Where: ){0,40}") {
        let xml = item(&title.replace(['<', '&'], " "), &body.replace("]]>", ""));
        let _ = parse(Format::Rss, &Documents::single(xml.as_bytes()), &uk_options());
    }
}

#[test]
fn deeply_nested_markup_does_not_overflow_the_stack() {
    let deep = format!("{}x{}", "<div>".repeat(50_000), "</div>".repeat(50_000));
    let atom = format!(
        r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>f</id><entry><id>e</id><title>T</title><content type="xhtml">{deep}</content></entry><entry><id>e2</id><title>U</title>{}</entry></feed>"#,
        "<x>".repeat(50_000)
    );
    let _ = parse(Format::Rss, &Documents::single(atom.as_bytes()), &uk_options());
}

#[test]
fn passcodes_in_fixtures_never_reach_a_listing() {
    for file in FEEDS {
        let parsed = parse_at("https://example.org/feed", &fixture("rss", file)).expect(file);
        assert!(!format!("{:?}", parsed.listings).contains("S3cretZz"), "{file}");
    }
}
