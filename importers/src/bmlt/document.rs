//! The root BMLT document: which API shape it is, and its meetings.
//!
//! Reads the JSON (a UTF-8 BOM tolerated) and tells the semantic `GetSearchResults` shape from
//! the Admin API v1 shape by the keys of its meeting objects. A formats table or a list of
//! service bodies given as the root, an HTML page, an error object or any other JSON is one
//! `DocumentError` saying what was found. Reading each meeting is `record.rs`'s job.

use serde_json::{Map, Value};

use crate::meeting_guide::json_kind;
use crate::normalize::text;
use crate::DocumentError;

/// The API shape of the meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// `client_interface/json/?switcher=GetSearchResults`: flat objects of strings.
    Semantic,
    /// `api/v1/meetings`: camelCase, typed values.
    AdminV1,
}

/// The meetings of the root document, and the formats it carries itself (the semantic
/// envelope of `get_used_formats=1`).
pub(super) struct Document {
    pub shape: Shape,
    pub meetings: Vec<Value>,
    pub inline_formats: Option<Vec<Value>>,
}

const EXPECTED: &str = "not a BMLT meetings document: expected a JSON array of meetings";

/// Reads the root document.
pub(super) fn read(bytes: &[u8]) -> Result<Document, DocumentError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.trim_ascii_start();
    if start.is_empty() {
        return Err(DocumentError(format!("{EXPECTED}, found an empty document")));
    }
    if start.first() == Some(&b'<') {
        let head = String::from_utf8_lossy(start.get(..start.len().min(4096)).unwrap_or_default());
        let hint = text::plain_line(&head).map(|l| format!(" (\"{}\")", l.chars().take(60).collect::<String>()));
        return Err(DocumentError(format!("{EXPECTED}, found HTML{}", hint.unwrap_or_default())));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        let full = e.to_string();
        let cause = full.split(" at line ").next().unwrap_or(&full);
        DocumentError(format!("invalid JSON at line {} column {}: {cause}", e.line(), e.column()))
    })?;
    let (meetings, inline_formats) = match value {
        Value::Array(items) => (items, None),
        Value::Object(mut obj) => match obj.remove("meetings") {
            Some(Value::Array(items)) => {
                let formats = match obj.remove("formats") {
                    Some(Value::Array(f)) => Some(f),
                    _ => None,
                };
                (items, formats)
            }
            _ => {
                let keys: Vec<&str> = obj.keys().take(8).map(String::as_str).collect();
                return Err(DocumentError(format!("{EXPECTED}, found a JSON object with keys: {}", keys.join(", "))));
            }
        },
        other => return Err(DocumentError(format!("{EXPECTED}, found {}", json_kind(&other)))),
    };
    let shape = shape_of(&meetings)?;
    Ok(Document { shape, meetings, inline_formats })
}

/// The shape of the first meeting object that shows one. An array without objects (or
/// empty) is read as semantic: there is nothing to map either way.
fn shape_of(items: &[Value]) -> Result<Shape, DocumentError> {
    let mut first: Option<&Map<String, Value>> = None;
    for obj in items.iter().filter_map(Value::as_object) {
        first = first.or(Some(obj));
        let has = |keys: &[&str]| keys.iter().any(|k| obj.contains_key(*k));
        if has(&["id_bigint", "weekday_tinyint", "meeting_name", "start_time", "duration_time"]) {
            return Ok(Shape::Semantic);
        }
        if has(&["startTime", "formatIds", "serviceBodyId", "venueType", "temporarilyVirtual"]) {
            return Ok(Shape::AdminV1);
        }
    }
    let Some(obj) = first else { return Ok(Shape::Semantic) };
    let has = |key: &str| obj.contains_key(key);
    let what = if has("translations") || has("key_string") || has("format_type_enum") {
        "a BMLT formats table (set it as the option formats_url, and the meetings as the url)".to_owned()
    } else if (has("parentId") || has("parent_id")) && has("name") {
        "a BMLT service bodies list (set it as the option service_bodies_url)".to_owned()
    } else {
        let keys: Vec<&str> = obj.keys().take(8).map(String::as_str).collect();
        format!("objects with keys: {}", keys.join(", "))
    };
    Err(DocumentError(format!("{EXPECTED}, found {what}")))
}
