//! Fuzz target: the HTML directories scraped with a CSS selector recipe parser never panics, whatever the bytes.
//!
//! Without a recipe the parser stops at the options, so the bytes are parsed with two real
//! recipes: the NY Intergroup one (table rows, text split into meeting slots) and a card
//! directory one (attributes, next page and detail links).
#![no_main]

const NYIG: &str = r#"{"item": "tr:has(> td > a.GetDirections)", "fields": {
  "id": {"selector": "a.GetDirections", "attr": "href"}, "name": "td:nth-of-type(1) b",
  "location": "td:nth-of-type(1) h4",
  "address": {"selector": "td:nth-of-type(1)", "own_text": true, "line": 1},
  "postcode": {"selector": "td:nth-of-type(1)", "own_text": true, "line": -1},
  "notes": "td:nth-of-type(1) .detailsBox", "types": {"selector": "td:nth-of-type(1) img", "attr": "alt"}},
  "repeat": {"selector": "td:nth-of-type(2)", "split": "paragraph", "fields": {"day": {"line": 1},
  "time": {"line": 1}, "types": [{"label": "Meeting Type"}, {"label": "Special Interest", "split": ""}]}}}"#;

const CARDS: &str = r#"{"item": "li", "next_page": "a.next", "detail_link": "a.more",
  "fields": {"id": {"attr": "data-id"}, "name": "h3", "day": "p.when", "time": "p.when", "address": ".street",
  "types": ".tags", "latitude": {"selector": ".map", "attr": "data-lat"},
  "longitude": {"selector": ".map", "attr": "data-lon"}, "conference_url": {"selector": "a.join", "attr": "href"}},
  "detail_fields": {"description": ".about", "email": {"selector": "a.email", "attr": "href"}}}"#;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for recipe in [NYIG, CARDS] {
        let Ok(format_options) = importers::html::recipe_from_json(recipe) else { return };
        let options = importers::SourceOptions { format_options, ..importers::SourceOptions::default() };
        let _ = importers::parse(importers::Format::Html, &importers::Documents::single(data), &options);
    }
});
