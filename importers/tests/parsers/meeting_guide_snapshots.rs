//! Data-driven tests: each Meeting Guide fixture feed parses to the snapshot in
//! `tests/snapshots/`. The snapshot is a compact projection of each listing (what matching
//! and search rely on) plus every problem, so a parser change shows up as a reviewable diff.
//! Accept changes with `cargo insta review` (or `INSTA_UPDATE=always`) after reading them.

use importers::{meeting_guide, Listing, Recurrence};
use serde::Serialize;

use crate::support::{fixture, fixture_dir, join, lat_lon, options_for, recurrence, tag, topics, Snapshot};

/// One listing as the snapshot shows it; `None` and empty fields are left out.
#[derive(Serialize)]
struct Row {
    id: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    weekday: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tz: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recurrence: Option<String>,
    attendance: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    inactive: bool,
    topics: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    audience: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    open: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    languages: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    access: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lat_lon: Option<(f64, f64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conference_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    codes: Vec<String>,
}

fn row(l: &Listing) -> Row {
    let m = l.meetings.first();
    let place = l.location.as_ref().and_then(|p| {
        join(&[p.locality.as_deref(), p.region.as_deref(), p.postcode.as_deref(), p.country.as_deref()], " ")
    });
    Row {
        id: l.external_id.clone(),
        name: l.name.clone(),
        weekday: m.and_then(|m| m.weekday).map(|d| d.as_str().to_owned()),
        start: m.and_then(|m| m.start).map(|t| t.format("%H:%M").to_string()),
        end: m.and_then(|m| m.end).map(|t| t.format("%H:%M").to_string()),
        tz: m.map(|m| m.timezone.clone()),
        recurrence: m.map(|m| &m.recurrence).filter(|r| !matches!(r, Recurrence::Weekly)).map(recurrence),
        attendance: tag(&l.attendance),
        inactive: !l.active,
        topics: topics(l),
        audience: l.audience.iter().map(tag).collect(),
        open: l.open,
        languages: l.languages.clone(),
        access: l.accessibility.iter().map(tag).collect(),
        place,
        lat_lon: lat_lon(l),
        conference_id: l.online.as_ref().and_then(|o| o.conference_id.clone()),
        codes: l.codes.clone(),
    }
}

fn check(feed: &str) {
    let bytes = fixture("meeting_guide", &format!("{feed}.json"));
    let result = meeting_guide::parse(&bytes, &options_for(feed));
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        match result {
            Ok(parsed) => {
                insta::assert_json_snapshot!(format!("meeting_guide__{feed}"), Snapshot::of(&parsed, row).without_wants())
            }
            Err(e) => insta::assert_json_snapshot!(format!("meeting_guide__{feed}"), format!("document error: {e}")),
        }
    });
}

const FEEDS: [&str; 12] = [
    "aasepia-2021",
    "alanon-massachusetts-2023",
    "alpena-mi-2021",
    "eating-disorders-anonymous-2023",
    "edmonton-2021",
    "kansas-city-2021",
    "northwest-texas-2021",
    "orange-county-ca-2023",
    "testcase-appointment",
    "testcase-invalid",
    "testcase-times",
    "testcase-timezones",
];

macro_rules! snapshot_tests {
    ($($test:ident => $feed:expr),* $(,)?) => {
        $(#[test] fn $test() { check($feed); })*
    };
}

snapshot_tests! {
    aasepia_2021 => FEEDS[0],
    alanon_massachusetts_2023 => FEEDS[1],
    alpena_mi_2021 => FEEDS[2],
    eating_disorders_anonymous_2023 => FEEDS[3],
    edmonton_2021 => FEEDS[4],
    kansas_city_2021 => FEEDS[5],
    northwest_texas_2021 => FEEDS[6],
    orange_county_ca_2023 => FEEDS[7],
    testcase_appointment => FEEDS[8],
    testcase_invalid => FEEDS[9],
    testcase_times => FEEDS[10],
    testcase_timezones => FEEDS[11],
}

#[test]
fn every_fixture_has_a_snapshot_test() {
    let mut files: Vec<String> = std::fs::read_dir(fixture_dir("meeting_guide"))
        .expect("fixture folder")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".json").map(str::to_owned))
        .collect();
    files.sort();
    assert_eq!(files, FEEDS, "add new fixtures to FEEDS and snapshot_tests!");
}
