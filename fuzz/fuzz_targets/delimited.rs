//! Fuzz target: the delimited exports (tab, pipe...) parser never panics, whatever the bytes.
//! The first byte picks one of three column maps (every field mapped, each day numbering), so
//! the rows are read rather than refused for want of options.
#![no_main]

const RECIPES: [&str; 3] = [
    r#"{"delimiter": "|", "day_numbering": "sunday1", "line_breaks": ["``"], "columns": {"id": 1, "name": 2,
        "day": 3, "time": 4, "end_time": 5, "location": 6, "address": 7, "city": 8, "state": 9, "postcode": 10,
        "country": 11, "lat_lng": 12, "types": 13, "notes": 14, "location_notes": 15, "url": 16, "website": 17,
        "phone": 18, "conference_url": 19, "conference_phone": 20, "timezone": 21}}"#,
    r#"{"delimiter": "\t", "day_numbering": "sunday0", "types_separator": "<br>", "encoding": "windows-1252",
        "columns": {"name": 1, "day": 2, "time": 3, "address": 4, "region": 5, "lat": 6, "lng": 7, "types": 8,
        "notes": 9}}"#,
    r#"{"day_numbering": "monday1", "null": ["NULL", "-"], "columns": {"name": 3, "day": 1, "time": 2,
        "address": 4, "city": 5, "types": 6}}"#,
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (recipe, bytes) = match data.split_first() {
        Some((first, rest)) => (RECIPES[usize::from(*first) % RECIPES.len()], rest),
        None => (RECIPES[0], data),
    };
    let options = importers::SourceOptions {
        country: Some("US".to_owned()),
        format_options: recipe.parse().unwrap_or_default(),
        ..importers::SourceOptions::default()
    };
    let _ = importers::parse(importers::Format::Delimited, &importers::Documents::single(bytes), &options);
});
