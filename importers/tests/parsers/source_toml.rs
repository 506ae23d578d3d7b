//! Source options from a fixture folder's TOML, shared by the parser tests and the parse
//! benchmark (which includes this file by path).

use std::path::Path;

use importers::SourceOptions;

/// `SourceOptions` from the first `[[sources]]` block of a TOML file in a fixture folder:
/// `[sources.defaults]`, `[sources.codes]` and `[sources.options]`, as the service reads them.
pub fn options_from_toml(path: &Path) -> SourceOptions {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json = serde_json::to_value(table).expect("TOML as JSON");
    let source = &json["sources"][0];
    let defaults = &source["defaults"];
    SourceOptions {
        timezone: defaults["timezone"].as_str().unwrap_or("UTC").to_owned(),
        country: defaults["country"].as_str().map(str::to_owned),
        topics: defaults.get("topics").map(from_json).unwrap_or_default(),
        kind: defaults.get("kind").map(from_json),
        code_overrides: source.get("codes").map(from_json).unwrap_or_default(),
        format_options: source.get("options").cloned().unwrap_or(serde_json::Value::Null),
        ..SourceOptions::default()
    }
}

fn from_json<T: serde::de::DeserializeOwned>(v: &serde_json::Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{v}: {e}"))
}
