//! Delimited exports: both fixture files with the `[[sources]]` blocks shipped next to them
//! (snapshots), one test per quirk of the real files, document errors, option checks, and
//! never-panic properties.

use chrono::NaiveTime;
use importers::{Accessibility, Audience, Documents, Format, Parsed, Recurrence, SourceOptions, Weekday};
use proptest::prelude::*;
use serde_json::json;

use crate::meeting_rows::snapshot;
use crate::source_toml::options_from_toml;
use crate::support::{fixture, fixture_dir};

fn options(example: &str) -> SourceOptions {
    options_from_toml(&fixture_dir("delimited").join(example))
}

fn parse_with(bytes: &[u8], opts: &SourceOptions) -> Result<Parsed, importers::DocumentError> {
    importers::parse(Format::Delimited, &Documents::single(bytes), opts)
}

fn new_york() -> Parsed {
    let bytes = fixture("delimited", "nyintergroup-meetings-2015.tsv");
    parse_with(&bytes, &options("nyintergroup.toml")).expect("parses")
}

fn new_mexico() -> Parsed {
    let bytes = fixture("delimited", "new-mexico-aa-2016.psv");
    parse_with(&bytes, &options("new-mexico.toml")).expect("parses")
}

/// Inline rows with a small column map: id, name, day, time, address, types, notes.
fn parse_inline(text: &str, extra: serde_json::Value) -> Parsed {
    let mut format_options = json!({
        "delimiter": "|",
        "columns": { "id": 1, "name": 2, "day": 3, "time": 4, "address": 5, "types": 6, "notes": 7 }
    });
    if let (Some(base), Some(more)) = (format_options.as_object_mut(), extra.as_object()) {
        base.extend(more.clone());
    }
    let opts = SourceOptions {
        timezone: "America/Denver".to_owned(),
        country: Some("US".to_owned()),
        format_options,
        ..SourceOptions::default()
    };
    parse_with(text.as_bytes(), &opts).unwrap_or_else(|e| panic!("document error: {e}"))
}

fn check(name: &str, parsed: &Parsed) {
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_json_snapshot!(format!("delimited__{name}"), snapshot(parsed));
    });
}

#[test]
fn nyintergroup_snapshot() {
    check("nyintergroup-meetings-2015", &new_york());
}

#[test]
fn new_mexico_snapshot() {
    check("new-mexico-aa-2016", &new_mexico());
}

#[test]
fn shipped_examples_pass_the_option_check() {
    for example in ["nyintergroup.toml", "new-mexico.toml"] {
        let checked = importers::check_options(Format::Delimited, &options(example).format_options);
        assert_eq!(checked, Ok(()), "{example}");
    }
}

#[test]
fn cr_only_lines_windows_1252_and_mojibake() {
    let bytes = fixture("delimited", "nyintergroup-meetings-2015.tsv");
    assert!(!bytes.contains(&b'\n') && std::str::from_utf8(&bytes).is_err(), "the fixture keeps its quirks");
    let parsed = new_york();
    let rows = bytes.split(|b| *b == b'\r').count() - 1;
    assert_eq!(parsed.listings.len(), rows, "every CR-terminated row is read");
    let text = serde_json::to_string(&parsed.listings).expect("json");
    assert!(text.contains("MEN’S GROUP") || text.contains("’s"), "\"‰Ûª\" became an apostrophe");
    assert!(!text.contains("äó") && !text.contains('\u{fffd}'), "no mojibake or replacement characters");
}

#[test]
fn null_cells_are_missing_and_cities_come_from_the_address() {
    let parsed = new_york();
    let places: Vec<_> = parsed.listings.iter().filter_map(|l| l.location.as_ref()).collect();
    assert!(places.iter().all(|p| p.locality.as_deref() != Some("NULL") && p.region.as_deref() != Some("NULL")));
    let split =
        places.iter().find(|p| p.formatted.as_deref().is_some_and(|f| f.ends_with(", NY"))).expect("a split line");
    assert!(split.locality.is_some() && split.region.as_deref() == Some("NY"), "{split:?}");
}

#[test]
fn nyig_codes_mean_nyig_things() {
    let parsed = parse_inline(
        "1|STEP|Monday|8:00 PM||S = Step meeting<br>Women|\n2|SPANISH|Monday|8:00 PM||Sp = Spanish speaking group<br>|\n\
         3|GLB|Monday|8:00 PM||C = Closed Discussion meeting<br>Gay, Lesbian and Bisexual|\n",
        json!({ "types_separator": "<br>" }),
    );
    assert_eq!(parsed.listings[0].codes, ["S", "Women"], "\"code = label\" gives the code; a bare line is kept");
    assert!(parsed.listings[0].languages.contains(&"es".to_owned()), "without overrides S is Meeting Guide's Spanish");
    let ny = new_york();
    let step = ny.listings.iter().find(|l| l.codes.first().is_some_and(|c| c == "S")).expect("a step meeting");
    assert!(step.languages.is_empty(), "with the NYIG overrides S is a step meeting");
    let spanish = ny.listings.iter().find(|l| l.codes.iter().any(|c| c == "Sp")).expect("an Sp meeting");
    assert_eq!(spanish.languages, ["es"]);
    let glb = ny.listings.iter().find(|l| l.codes.iter().any(|c| c == "Gay, Lesbian and Bisexual")).expect("GLB");
    assert_eq!((glb.audience.as_slice(), glb.open), (&[Audience::Lgbtq][..], Some(false)));
}

#[test]
fn empty_day_is_a_problem_and_group_suffixes_are_not() {
    let ny = new_york();
    let no_day: Vec<_> = ny.listings.iter().filter(|l| l.meetings.is_empty()).collect();
    assert_eq!(no_day.len(), 10);
    assert_eq!(ny.problems.iter().filter(|p| p.field.as_deref() == Some("day")).count(), 10);
    let suffixed = ny.listings.iter().find(|l| l.name.contains("(:I)")).expect("a (:I) listing");
    assert!(ny.problems.iter().all(|p| p.record.as_deref() != Some(suffixed.external_id.as_str())));
    assert!(ny.problems.iter().all(|p| !p.message.contains("(:")), "suffixes are not reported");
}

#[test]
fn rows_without_ids_get_stable_unique_ids() {
    let ny = new_york();
    let mut ids: Vec<&str> = ny.listings.iter().map(|l| l.external_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), ny.listings.len());
    assert!(ny.listings.iter().any(|l| l.external_id.ends_with("-dup2")), "exact repeats are kept, suffixed");
    assert_eq!(new_york().listings, ny.listings, "same ids on every run");
}

#[test]
fn new_mexico_days_times_places_and_codes() {
    let nm = new_mexico();
    // The only problems: members' numbers taken out of the location notes.
    assert!(
        nm.problems
            .iter()
            .all(|p| p.field.as_deref() == Some("location.notes") && p.message.contains("contact details")),
        "{:?}",
        nm.problems
    );
    let first = &nm.listings[0];
    assert_eq!(first.external_id, "2");
    assert_eq!(first.meetings[0].weekday, Some(Weekday::Friday), "day number 6 with 1 = Sunday");
    assert_eq!(first.meetings[0].start, NaiveTime::from_hms_opt(17, 30, 0));
    let place = first.location.as_ref().expect("a place");
    assert_eq!((place.latitude, place.longitude), (Some(32.898914), Some(-105.958332)), "\"(lat, lng)\" unpacked");
    assert_eq!((place.address.as_deref(), place.locality.as_deref()), (Some("903 Delaware"), Some("Alamogordo")));
    let speaker = nm.listings.iter().find(|l| l.codes.iter().any(|c| c == "S")).expect("an S meeting");
    assert!(speaker.languages.is_empty(), "local S is Speaker");
    let spanish = nm.listings.iter().find(|l| l.codes.iter().any(|c| c == "SP")).expect("an SP meeting");
    assert_eq!(spanish.languages, ["es"], "local SP is Spanish");
    let wc = nm.listings.iter().find(|l| l.codes.iter().any(|c| c == "WC")).expect("a WC meeting");
    assert_eq!(wc.accessibility, [Accessibility::WheelchairAccess]);
}

#[test]
fn members_contact_details_never_reach_a_listing() {
    let nm = new_mexico();
    let text = serde_json::to_string(&nm.listings).expect("json");
    for member in ["Pat Q.", "Lee R.", "Sam P.", "Kim T.", "Alex V.", "555-0110", "555-0113", "555-0115"] {
        assert!(!text.contains(member), "{member} reached a listing");
    }
    assert!(text.contains("District Hotline") || text.contains("district hotline"), "public lines are kept");
    let notes: Vec<&str> = nm.listings.iter().filter_map(|l| l.location.as_ref()?.notes.as_deref()).collect();
    assert!(notes.iter().any(|n| n.contains('\n') && !n.contains("``")), "`` is a line break");
}

#[test]
fn day_numberings_times_and_monthly_wording() {
    let sunday1 = parse_inline("a|A|1|1730|||\nb|B|7|630|||\n", json!({ "day_numbering": "sunday1" }));
    let days: Vec<_> = sunday1.listings.iter().map(|l| l.meetings[0].weekday).collect();
    assert_eq!(days, [Some(Weekday::Sunday), Some(Weekday::Saturday)]);
    assert_eq!(sunday1.listings[1].meetings[0].start, NaiveTime::from_hms_opt(6, 30, 0), "HHMM numbers");
    let monday1 = parse_inline("a|A|1|7:00 PM|||\n", json!({ "day_numbering": "monday1" }));
    assert_eq!(monday1.listings[0].meetings[0].weekday, Some(Weekday::Monday));
    let names = parse_inline("a|A|3|7:00 PM|||\nb|B 2nd and 4th Tuesday|Tues.|7:00 PM|||\n", json!({}));
    assert!(names.listings[0].meetings.is_empty());
    assert!(names.problems.kept()[0].message.contains("day_numbering"), "{}", names.problems.kept()[0]);
    assert_eq!(names.listings[1].meetings[0].recurrence, Recurrence::MonthlyNth { weeks: vec![2, 4] });
}

#[test]
fn broken_documents_and_options_say_what_is_wrong() {
    let ny = options("nyintergroup.toml");
    let error = |bytes: &[u8], opts: &SourceOptions| parse_with(bytes, opts).expect_err("a document error").0;
    assert!(error(b"<!DOCTYPE html><html><title>Site down</title>", &ny).contains("HTML (\"Site down\")"));
    let renamed = error(b"Time\tDay\tMeeting\n8:00 PM\tMonday\tA\n", &ny);
    assert!(renamed.contains("no column \"Name\"") && renamed.contains("\"Meeting\""), "{renamed}");
    let nm = options("new-mexico.toml");
    let narrow = error(b"2,Friday,6,5:30 PM\n", &nm);
    assert!(narrow.contains("at least 7 cells separated by \"|\"") && narrow.contains("widest row has 1"), "{narrow}");
    assert!(error(b"a|b", &SourceOptions::default()).contains("options are required"));

    let check = |v: serde_json::Value| importers::check_options(Format::Delimited, &v).expect_err("rejected");
    assert!(check(json!({ "columns": { "name": 1, "colour": 2 } })).contains("colour"));
    assert!(check(json!({ "columns": { "day": 1 } })).contains("`name` is required"));
    assert!(check(json!({ "columns": { "name": "Name" } })).contains("header = true"));
    assert!(check(json!({ "columns": { "name": 0 } })).contains("start at 1"));
    assert!(check(json!({ "columns": { "name": 1 }, "encoding": "ebcdic" })).contains("encoding"));
    assert!(check(json!({ "columns": { "name": 1 }, "day_numbering": "lunar" })).contains("lunar"));
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[^|\r\n]{0,10}",
        Just("NULL".to_owned()),
        Just("(32.9, -105.9)".to_owned()),
        Just("S = Step meeting<br>Women".to_owned()),
        Just("7".to_owned()),
        Just("5:30 PM".to_owned()),
        Just("\"x|y\"".to_owned()),
    ]
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_with(&bytes, &options("new-mexico.toml"));
        let _ = parse_with(&bytes, &options("nyintergroup.toml"));
    }

    #[test]
    fn never_panics_on_plausible_rows(
        rows in prop::collection::vec(prop::collection::vec(cell(), 0..22), 0..6),
        ending in prop::sample::select(vec!["\r", "\n", "\r\n"]),
    ) {
        let text = rows.iter().map(|r| r.join("|")).collect::<Vec<_>>().join(ending);
        let _ = parse_with(text.as_bytes(), &options("new-mexico.toml"));
    }
}
