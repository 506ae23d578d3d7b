//! Meeting Guide JSON (the code4recovery spec, as written by 12 Step Meeting List and others).
//!
//! The document is a bare JSON array of meeting objects (a UTF-8 BOM and a `{"meetings": [...]}`
//! envelope are tolerated). Anything else is one `DocumentError` saying what was found. Each
//! record is read leniently: a bad field is a field problem and is ignored; a record without
//! a usable `name` or `slug` is dropped with a problem. Repeated slugs are kept with a
//! `-dup2` suffix. Field reading is in `meeting_guide/fields.rs`, record mapping in
//! `meeting_guide/record.rs` and `place.rs`, the type-code table in `meeting_guide_codes.rs`.

mod fields;
mod place;
mod record;

use std::collections::HashSet;

use serde_json::Value;

use crate::normalize::text;
use crate::options::SourceOptions;
use crate::problem::{DocumentError, Parsed, RecordProblems};

use fields::Fields;

/// Parses one Meeting Guide feed.
pub fn parse(bytes: &[u8], opts: &SourceOptions) -> Result<Parsed, DocumentError> {
    let items = read_document(bytes)?;
    Ok(parse_records(&items, opts))
}

/// Maps already-read Meeting Guide records (JSON objects with the spec's keys) to listings;
/// shared with the spreadsheet form (`meeting_guide_csv`), which builds such objects per row.
pub(crate) fn parse_records(items: &[Value], opts: &SourceOptions) -> Parsed {
    let mut parsed = Parsed::default();
    let mut used_ids: HashSet<String> = HashSet::new();
    for (index, item) in items.iter().enumerate() {
        let position = format!("[{index}]");
        let mut problems = RecordProblems::new(&mut parsed.problems, position.clone());
        let Value::Object(obj) = item else {
            let found = json_kind(item);
            problems.dropped(None, format!("expected a meeting object, found {found}"));
            continue;
        };
        let mut f = Fields::new(obj, problems);
        let slug = f.scalar("slug").and_then(|s| text::plain_line(&s));
        let name = f.line("name");
        let (Some(slug), Some(name)) = (slug, name) else {
            let (field, why) =
                if f.get("slug").is_none() || f.problems.found().iter().any(|p| p.field.as_deref() == Some("slug")) {
                    ("slug", "no usable slug (the record's key)")
                } else {
                    ("name", "no usable name")
                };
            let record = f.scalar("slug").unwrap_or(position);
            f.problems.rename(record);
            f.problems.dropped(Some(field), why);
            continue;
        };
        f.problems.rename(slug.clone());
        let base_id = unique_id(&slug, &mut used_ids);
        if base_id != slug {
            f.problems.field("slug", format!("slug \"{slug}\" repeats an earlier record; listed as \"{base_id}\""));
        }
        let listings = record::listings(&mut f, name, &base_id, opts);
        for listing in &listings {
            used_ids.insert(listing.external_id.clone());
        }
        parsed.listings.extend(listings);
    }
    parsed
}

/// The English label of a type code ("X" -> "Wheelchair Access", "onl" -> "Online") and
/// whether the spec itself defines it (rather than a proposal or a code only seen in feeds).
pub fn type_code_label(code: &str) -> Option<(&'static str, bool)> {
    crate::meeting_guide_codes::lookup(code.trim())
        .map(|c| (c.label, c.origin == crate::meeting_guide_codes::Origin::Spec))
}

/// A short name for the kind of a JSON value, for messages.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

const EXPECTED: &str = "not a Meeting Guide feed: expected a JSON array of meetings";

/// The array of records, or an error that says in plain words what the document is instead.
fn read_document(bytes: &[u8]) -> Result<Vec<Value>, DocumentError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.trim_ascii_start();
    if start.is_empty() {
        return Err(DocumentError(format!("{EXPECTED}, found an empty document")));
    }
    if start.first() == Some(&b'<') {
        return Err(DocumentError(format!("{EXPECTED}, found HTML{}", html_hint(start))));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        let full = e.to_string();
        let cause = full.split(" at line ").next().unwrap_or(&full);
        DocumentError(format!("invalid JSON at line {} column {}: {cause}", e.line(), e.column()))
    })?;
    match value {
        Value::Array(items) => Ok(items),
        Value::Object(mut obj) => match obj.remove("meetings") {
            Some(Value::Array(items)) => Ok(items),
            _ => {
                let keys: Vec<&str> = obj.keys().take(8).map(String::as_str).collect();
                Err(DocumentError(format!("{EXPECTED}, found a JSON object with keys: {}", keys.join(", "))))
            }
        },
        other => Err(DocumentError(format!("{EXPECTED}, found {}", json_kind(&other)))),
    }
}

/// ` ("502 Bad Gateway")`: the start of the page's text, to tell an error page from a site.
fn html_hint(bytes: &[u8]) -> String {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let Some(line) = text::plain_line(&head) else { return String::new() };
    let short: String = line.chars().take(60).collect();
    format!(" (\"{short}{}\")", if short.len() < line.len() { "…" } else { "" })
}

/// `slug`, or `slug-dup2`, `slug-dup3`... when taken.
fn unique_id(slug: &str, used: &mut HashSet<String>) -> String {
    if used.insert(slug.to_owned()) {
        return slug.to_owned();
    }
    let mut n = 2;
    loop {
        let candidate = format!("{slug}-dup{n}");
        if used.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}
