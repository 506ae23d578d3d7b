//! Shared helpers: fixture loading, options per fixture feed, parsing inline JSON, and the
//! pieces the snapshot projections (`listing_rows`, `meeting_rows`, `openreferral`,
//! `meeting_guide_snapshots`) share: the snapshot shape, enum tags, joined parts, recurrence,
//! topics and places in short.

use std::path::PathBuf;

use importers::{meeting_guide, Listing, Location, Parsed, Recurrence, SourceOptions, Topic};
use serde::Serialize;

/// The fixture folder for a format.
pub fn fixture_dir(format: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(format)
}

/// The bytes of one fixture file.
pub fn fixture(format: &str, name: &str) -> Vec<u8> {
    let path = fixture_dir(format).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading fixture {}: {e}", path.display()))
}

/// The options a real configuration would give each fixture feed.
pub fn options_for(feed: &str) -> SourceOptions {
    let (timezone, country, topics): (&str, &str, &[Topic]) = match feed {
        "edmonton-2021" => ("America/Edmonton", "CA", &[Topic::ALCOHOL]),
        "northwest-texas-2021" | "kansas-city-2021" => ("America/Chicago", "US", &[Topic::ALCOHOL]),
        "alpena-mi-2021" => ("America/Detroit", "US", &[Topic::ALCOHOL]),
        "orange-county-ca-2023" => ("America/Los_Angeles", "US", &[Topic::ALCOHOL]),
        "eating-disorders-anonymous-2023" => ("America/New_York", "US", &[Topic::EATING_DISORDERS]),
        "alanon-massachusetts-2023" => ("America/New_York", "US", &[Topic::FAMILY_AND_FRIENDS, Topic::ALCOHOL]),
        _ => ("America/New_York", "US", &[Topic::ALCOHOL]),
    };
    SourceOptions {
        timezone: timezone.to_owned(),
        country: Some(country.to_owned()),
        topics: topics.to_vec(),
        ..SourceOptions::default()
    }
}

/// Parses inline JSON with New York defaults; panics on a document error.
pub fn parse_json(json: &str) -> Parsed {
    let opts = SourceOptions {
        timezone: "America/New_York".to_owned(),
        country: Some("US".to_owned()),
        ..SourceOptions::default()
    };
    meeting_guide::parse(json.as_bytes(), &opts).unwrap_or_else(|e| panic!("document error: {e}"))
}

/// The listings of a parse (each projected to a snapshot row), its problems as operators read
/// them, and the documents it wants (left out when none).
#[derive(Serialize)]
pub struct Snapshot<R> {
    listings: Vec<R>,
    problems: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    wants: Vec<String>,
}

impl<R> Snapshot<R> {
    /// The snapshot of a parse, each listing projected by `row`.
    pub fn of(parsed: &Parsed, row: impl Fn(&Listing) -> R) -> Self {
        Snapshot {
            listings: parsed.listings.iter().map(row).collect(),
            problems: parsed.problems.iter().map(ToString::to_string).collect(),
            wants: parsed.wants.clone(),
        }
    }

    /// The snapshot without the parse's wants, for the snapshots that never showed them.
    pub fn without_wants(self) -> Self {
        Snapshot { wants: Vec::new(), ..self }
    }
}

/// A unit enum as its serialised name ("in_person"); empty for anything else.
pub fn tag<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The given parts joined with `sep`; `None` when that leaves nothing.
pub fn join(parts: &[Option<&str>], sep: &str) -> Option<String> {
    let s = parts.iter().flatten().copied().collect::<Vec<_>>().join(sep);
    (!s.is_empty()).then_some(s)
}

/// "weekly", "monthly [2, 4]", "once 2024-05-01" or "by appointment".
pub fn recurrence(r: &Recurrence) -> String {
    match r {
        Recurrence::Weekly => "weekly".to_owned(),
        Recurrence::MonthlyNth { weeks } => format!("monthly {weeks:?}"),
        Recurrence::Once { date } => format!("once {date}"),
        Recurrence::ByAppointment => "by appointment".to_owned(),
    }
}

/// Each topic with the rule that gave it: "alcohol (code O)".
pub fn topics(l: &Listing) -> Vec<String> {
    l.topics.iter().map(|t| format!("{} ({})", t.topic.as_str(), t.rule)).collect()
}

/// The place's coordinates, when it has both.
pub fn lat_lon(l: &Listing) -> Option<(f64, f64)> {
    l.location.as_ref().and_then(|p| p.latitude.zip(p.longitude))
}

/// "name | street | town | region | postcode | country", the parts given; `None` when none is.
pub fn place_line(p: &Location) -> Option<String> {
    let parts = [&p.name, &p.address, &p.locality, &p.region, &p.postcode, &p.country];
    join(&parts.map(|x| x.as_deref()), " | ")
}
