//! BMLT (Narcotics Anonymous meeting lists), in both API shapes.
//!
//! The root document is either the semantic `GetSearchResults` array (all values strings,
//! `weekday_tinyint` 1 = Sunday, `start_time` "19:00:00", `formats` as local keys), possibly in
//! a `{"meetings": [...], "formats": [...]}` envelope, or the Admin API v1 meetings array
//! (`day` 0 = Sunday, `startTime` "18:00", `formatIds` into the formats table); the shape is
//! read from the JSON (`document.rs`) and both are read into one record (`record.rs`). The
//! formats table and the service bodies are separate documents: the options `formats_url`
//! and `service_bodies_url` (relative to the root's URL) name them, they are asked for in
//! `Parsed::wants`, and used once they are in `Documents::extra` (`formats.rs`). Mapping a
//! record to a listing is `listing.rs`. Topics are left to the source's defaults (NA is
//! `drugs` by configuration, not here).

mod document;
mod formats;
mod listing;
mod record;

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::normalize::table::UniqueIds;
use crate::problem::RecordProblems;
use crate::{DocumentError, Documents, Parsed, SourceOptions};

use formats::{Formats, ServiceBodies};

/// Parses the meetings, with the formats table and service bodies when they are at hand.
pub fn parse(docs: &Documents<'_>, options: &SourceOptions) -> Result<Parsed, DocumentError> {
    let opts = read_options(&options.format_options).map_err(|e| DocumentError(format!("bad options: {e}")))?;
    let document = document::read(docs.root)?;
    let mut parsed = Parsed::default();

    let formats_url = resolve(docs.url, opts.formats_url.as_deref(), "formats_url")?;
    let formats = match (&document.inline_formats, &formats_url) {
        (Some(items), _) => Formats::from_items(items),
        (None, Some(url)) => extra(docs, url, "formats_url", Formats::read, &mut parsed).unwrap_or_default(),
        (None, None) => Formats::default(),
    };
    let bodies_url = resolve(docs.url, opts.service_bodies_url.as_deref(), "service_bodies_url")?;
    let bodies = match &bodies_url {
        Some(url) => extra(docs, url, "service_bodies_url", ServiceBodies::read, &mut parsed).unwrap_or_default(),
        None => ServiceBodies::default(),
    };
    let formats_expected = document.inline_formats.is_some() || formats_url.is_some();
    if document.shape == document::Shape::AdminV1 && !formats_expected && !document.meetings.is_empty() {
        let why = "format ids cannot be read without the formats table; set the option formats_url";
        RecordProblems::document(&mut parsed.problems).field("formatIds", why);
    }

    let mut ids = UniqueIds::default();
    for (index, item) in document.meetings.iter().enumerate() {
        let mut problems = RecordProblems::new(&mut parsed.problems, format!("[{index}]"));
        let Some(mut record) = record::read(document.shape, item, &mut problems) else { continue };
        let (id, repeated) = ids.claim(&record.id);
        if repeated {
            let why = format!("id {} repeats an earlier meeting; listed as \"{id}\"", record.id);
            problems.field("id", why);
        }
        problems.rename(id.as_str());
        record.id = id;
        parsed.listings.extend(listing::build(record, &formats, &bodies, options, &mut problems));
    }
    Ok(parsed)
}

/// Checks the options: `formats_url` and `service_bodies_url`, both optional.
pub fn check_options(options: &serde_json::Value) -> Result<(), String> {
    let opts = read_options(options)?;
    for (key, value) in [("formats_url", &opts.formats_url), ("service_bodies_url", &opts.service_bodies_url)] {
        if let Some(v) = value {
            resolve("https://example.org/", Some(v), key).map_err(|e| e.0)?;
        }
    }
    Ok(())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct BmltOptions {
    formats_url: Option<String>,
    service_bodies_url: Option<String>,
}

fn read_options(value: &Value) -> Result<BmltOptions, String> {
    match value {
        Value::Null => Ok(BmltOptions::default()),
        v => serde_json::from_value(v.clone()).map_err(|e| e.to_string()),
    }
}

/// The absolute URL of a configured link, against the root's URL.
fn resolve(base: &str, link: Option<&str>, key: &str) -> Result<Option<String>, DocumentError> {
    let Some(link) = link.map(str::trim).filter(|l| !l.is_empty()) else { return Ok(None) };
    let bad = |why: String| DocumentError(format!("bad options: {key}: \"{link}\" {why}"));
    let base = Url::parse(base).map_err(|e| bad(format!("cannot be resolved against {base}: {e}")))?;
    let url = base.join(link).map_err(|e| bad(format!("is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https" | "file") {
        return Err(bad("is not an http(s) or file URL".to_owned()));
    }
    Ok(Some(url.to_string()))
}

/// A further document read with `read`: `None` plus a want while it is not fetched yet, or
/// plus a problem when it cannot be read (the meetings are still listed, without it).
fn extra<T>(
    docs: &Documents<'_>,
    url: &str,
    key: &str,
    read: fn(&[u8]) -> Result<T, String>,
    parsed: &mut Parsed,
) -> Option<T> {
    let Some(bytes) = docs.extra.get(url) else {
        parsed.wants.push(url.to_owned());
        return None;
    };
    match read(bytes) {
        Ok(value) => Some(value),
        Err(why) => {
            let message = format!("the document at {url} cannot be used: {why}");
            RecordProblems::document(&mut parsed.problems).field(key, message);
            None
        }
    }
}
