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

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use serde_json::value::RawValue;
use serde_json::Value;

use crate::model::Listing;
use crate::normalize::text;
use crate::options::SourceOptions;
use crate::parallel;
use crate::problem::{DocumentError, Parsed, Problems, RecordProblems};

use fields::Fields;

/// Parses one Meeting Guide feed.
pub fn parse(bytes: &[u8], opts: &SourceOptions) -> Result<Parsed, DocumentError> {
    let items = read_document(bytes)?;
    Ok(parse_records(&items, opts))
}

/// A record as the mapping gets it: a JSON value already built (the spreadsheet form's rows),
/// or one array element's JSON text, read into a value only when its turn comes, so a feed
/// is never held as one tree of values (several times its size).
pub(crate) trait Item: Sync {
    fn value(&self) -> Result<Cow<'_, Value>, String>;
}

impl Item for Value {
    fn value(&self) -> Result<Cow<'_, Value>, String> {
        Ok(Cow::Borrowed(self))
    }
}

impl Item for &RawValue {
    /// The record's value; an error gives serde's cause without its position, which would count
    /// from the start of the record (the problem names the record).
    fn value(&self) -> Result<Cow<'_, Value>, String> {
        serde_json::from_str(self.get()).map(Cow::Owned).map_err(|e| {
            let full = e.to_string();
            full.split(" at line ").next().unwrap_or(&full).to_owned()
        })
    }
}

/// Maps Meeting Guide records (JSON objects with the spec's keys) to listings; shared with
/// the spreadsheet form (`meeting_guide_csv`), which builds such objects per row.
///
/// Records are mapped on every core first, each on its own with its own problem list; a
/// record that was kept and whose slug no earlier record took is used as it is, its problems
/// appended to the feed's. Any other record (dropped, or its slug taken) is mapped again in
/// turn, with the feed's problem list and the ids taken so far, so the result is the same as
/// mapping one record after another. That holds because a record's problems depend on the
/// record alone: nothing here calls `RecordProblems::field_once`, which looks at the whole list.
pub(crate) fn parse_records<T: Item>(items: &[T], opts: &SourceOptions) -> Parsed {
    let indexed: Vec<(usize, &T)> = items.iter().enumerate().collect();
    let first = parallel::par_map(&indexed, |&(index, item)| on_its_own(index, item, opts));
    let mut parsed = Parsed::default();
    let mut used_ids: HashSet<String> = HashSet::new();
    for ((index, item), first) in indexed.into_iter().zip(first) {
        let listings = match first {
            Some(Mapped { slug, listings, problems }) if !used_ids.contains(&slug) => {
                used_ids.insert(slug);
                parsed.problems.append(problems);
                listings
            }
            _ => match record(index, item, opts, &mut parsed.problems, &mut used_ids) {
                Some(listings) => listings,
                None => continue,
            },
        };
        for listing in &listings {
            used_ids.insert(listing.external_id.clone());
        }
        parsed.listings.extend(listings);
    }
    parsed
}

/// A record mapped on its own: its slug, listings and problems.
struct Mapped {
    slug: String,
    listings: Vec<Listing>,
    problems: Problems,
}

/// The record at `index` mapped as if no id were taken yet; `None` when it is dropped.
fn on_its_own<T: Item>(index: usize, item: &T, opts: &SourceOptions) -> Option<Mapped> {
    let mut problems = Problems::default();
    let mut used = HashSet::new();
    let listings = record(index, item, opts, &mut problems, &mut used)?;
    let slug = used.into_iter().next()?;
    Some(Mapped { slug, listings, problems })
}

/// The record at `index` mapped to listings, its problems added to `list`; its id (the slug,
/// or the slug with a `-dup` suffix when `used_ids` holds it) is added to `used_ids`.
/// `None` when the record is dropped.
fn record<T: Item>(
    index: usize,
    item: &T,
    opts: &SourceOptions,
    list: &mut Problems,
    used_ids: &mut HashSet<String>,
) -> Option<Vec<Listing>> {
    let position = format!("[{index}]");
    let mut problems = RecordProblems::new(list, position.clone());
    let item = match item.value() {
        Ok(item) => item,
        Err(e) => {
            problems.dropped(None, format!("unreadable record: {e}"));
            return None;
        }
    };
    let Value::Object(obj) = item.as_ref() else {
        let found = json_kind(&item);
        problems.dropped(None, format!("expected a meeting object, found {found}"));
        return None;
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
        return None;
    };
    f.problems.rename(slug.clone());
    let base_id = unique_id(&slug, used_ids);
    if base_id != slug {
        f.problems.field("slug", format!("slug \"{slug}\" repeats an earlier record; listed as \"{base_id}\""));
    }
    Some(record::listings(&mut f, name, &base_id, opts))
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

/// The array's records, each as its JSON text, or an error that says in plain words what the
/// document is instead. The document's syntax is checked here; what only reading a value
/// finds (a number out of range, a lone surrogate escape, nesting past 128 levels) drops that
/// record alone, with a problem, when it is read.
fn read_document(bytes: &[u8]) -> Result<Vec<&RawValue>, DocumentError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.trim_ascii_start();
    match start.first() {
        None => return Err(DocumentError(format!("{EXPECTED}, found an empty document"))),
        Some(b'<') => return Err(DocumentError(format!("{EXPECTED}, found HTML{}", html_hint(start)))),
        Some(b'[') => return serde_json::from_slice(bytes).map_err(invalid_json),
        Some(b'{') => {}
        Some(_) => {
            let value: Value = serde_json::from_slice(bytes).map_err(invalid_json)?;
            return Err(DocumentError(format!("{EXPECTED}, found {}", json_kind(&value))));
        }
    }
    let mut obj: BTreeMap<String, &RawValue> = serde_json::from_slice(bytes).map_err(invalid_json)?;
    if let Some(meetings) = obj.remove("meetings") {
        if meetings.get().starts_with('[') {
            return serde_json::from_str(meetings.get()).map_err(invalid_json);
        }
    }
    let keys: Vec<&str> = obj.keys().take(8).map(String::as_str).collect();
    Err(DocumentError(format!("{EXPECTED}, found a JSON object with keys: {}", keys.join(", "))))
}

/// Where and why the document is not JSON.
fn invalid_json(e: serde_json::Error) -> DocumentError {
    let full = e.to_string();
    let cause = full.split(" at line ").next().unwrap_or(&full);
    DocumentError(format!("invalid JSON at line {} column {}: {cause}", e.line(), e.column()))
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
