//! Shared helpers: fixture loading, options per fixture feed, and parsing inline JSON.

use std::path::PathBuf;

use importers::{meeting_guide, Parsed, SourceOptions, Topic};

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
        "edmonton-2021" => ("America/Edmonton", "CA", &[Topic::Alcohol]),
        "northwest-texas-2021" | "kansas-city-2021" => ("America/Chicago", "US", &[Topic::Alcohol]),
        "alpena-mi-2021" => ("America/Detroit", "US", &[Topic::Alcohol]),
        "orange-county-ca-2023" => ("America/Los_Angeles", "US", &[Topic::Alcohol]),
        "eating-disorders-anonymous-2023" => ("America/New_York", "US", &[Topic::EatingDisorders]),
        "alanon-massachusetts-2023" => ("America/New_York", "US", &[Topic::FamilyAndFriends, Topic::Alcohol]),
        _ => ("America/New_York", "US", &[Topic::Alcohol]),
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
