//! JSON documents of the Open Referral APIs: reading them, their list envelopes, and the
//! further pages a list needs.
//!
//! HSDS 3.0 pages are `{total_items, total_pages, page_number, contents: [...]}`; ORUK's are
//! Spring-style `{totalElements, totalPages, number, first, last, content: [...]}`. Both are
//! read here. Pages are asked for as `?page=N` on the configured URL (its other query
//! parameters kept); numbering starts where the root page says it does (`first` with its
//! `number`), else at 1 (0 when the root says it is page 0). Bare arrays (concatenated
//! pages) and single objects (detail responses) need no paging. What the items are is for
//! `json.rs`.

use serde_json::Value;

use crate::normalize::text;
use crate::problem::{DocumentError, RecordProblems};
use crate::Documents;

/// More pages than this are not asked for (the service caps documents per run anyway).
const MAX_PAGES: u64 = 1000;

/// Every item of the root document and of the pages already fetched, with a position label
/// for problems, plus the pages still wanted.
pub(crate) struct Items {
    pub items: Vec<(String, Value)>,
    pub wants: Vec<String>,
}

/// Reads the root and the fetched pages. `expected` says what the format expects, for
/// messages about a document that is something else; a list too long to read whole is a
/// problem of the document.
pub(crate) fn items(
    docs: &Documents<'_>,
    expected: &str,
    problems: &mut RecordProblems<'_>,
) -> Result<Items, DocumentError> {
    let root = read_json(docs.root, expected)?;
    let mut out = Items { items: Vec::new(), wants: Vec::new() };
    let (list, page) = match root {
        Value::Array(list) => (list, None),
        Value::Object(map) => match envelope(&map) {
            Some((list, page)) => (list, Some(page)),
            None => (vec![Value::Object(map)], None),
        },
        other => {
            let found = crate::meeting_guide::json_kind(&other);
            return Err(DocumentError(format!("{expected}, found {found}")));
        }
    };
    out.items.extend(list.into_iter().enumerate().map(|(i, v)| (format!("[{i}]"), v)));
    let Some(page) = page else { return Ok(out) };
    let first = page.first.unwrap_or(if page.number == 0 { 0 } else { 1 }).min(page.number);
    let mut last = first.saturating_add(page.total.saturating_sub(1) as i64);
    if page.total > MAX_PAGES {
        last = first + MAX_PAGES as i64 - 1;
        let why = format!("the list says it has {} pages; only the first {MAX_PAGES} are read", page.total);
        problems.dropped(None, why);
    }
    for n in (first..=last).filter(|n| *n != page.number) {
        let url = page_url(docs.url, n);
        let Some(bytes) = docs.extra.get(&url) else {
            out.wants.push(url);
            continue;
        };
        let value = read_json(bytes, &format!("page {n} ({url}) is not a page of the list"))?;
        let list = match value {
            Value::Object(map) => envelope(&map).map(|(list, _)| list),
            Value::Array(list) => Some(list),
            _ => None,
        };
        let Some(list) = list else {
            return Err(DocumentError(format!("page {n} ({url}) is not a page of the list")));
        };
        out.items.extend(list.into_iter().enumerate().map(|(i, v)| (format!("page {n} [{i}]"), v)));
    }
    Ok(out)
}

/// Parses a JSON document, or says in plain words what it is instead.
pub(crate) fn read_json(bytes: &[u8], expected: &str) -> Result<Value, DocumentError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.trim_ascii_start();
    if start.is_empty() {
        return Err(DocumentError(format!("{expected}, found an empty document")));
    }
    if start.first() == Some(&b'<') {
        let head = String::from_utf8_lossy(start.get(..start.len().min(4096)).unwrap_or_default());
        let hint: String = text::plain_line(&head).unwrap_or_default().chars().take(60).collect();
        return Err(DocumentError(format!("{expected}, found HTML (\"{hint}\")")));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let full = e.to_string();
        let cause = full.split(" at line ").next().unwrap_or(&full);
        DocumentError(format!("{expected}: invalid JSON at line {} column {}: {cause}", e.line(), e.column()))
    })
}

/// `base` with its `page` parameter set to `n` (other parameters kept).
pub(crate) fn page_url(base: &str, n: i64) -> String {
    let Ok(mut url) = url::Url::parse(base) else {
        return format!("{base}?page={n}");
    };
    let kept: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| k != "page").map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    url.query_pairs_mut().clear().extend_pairs(kept).append_pair("page", &n.to_string());
    url.to_string()
}

/// Where a page stands in its list.
struct Page {
    total: u64,
    number: i64,
    /// The root's `number` when it says it is the first page.
    first: Option<i64>,
}

/// The items and paging of a list envelope, if the object is one.
fn envelope(map: &serde_json::Map<String, Value>) -> Option<(Vec<Value>, Page)> {
    let list = ["contents", "content"].iter().find_map(|k| map.get(*k)?.as_array().cloned())?;
    let int = |keys: &[&str]| keys.iter().find_map(|k| map.get(*k).and_then(number));
    let number = int(&["page_number", "number"]).unwrap_or(1);
    let first_flag = ["first_page", "first"].iter().find_map(|k| map.get(*k)?.as_bool());
    let total = int(&["total_pages", "totalPages"]).unwrap_or(1).max(1) as u64;
    Some((list, Page { total, number, first: first_flag.filter(|f| *f).map(|_| number) }))
}

fn number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e12).map(|f| f as i64))
        }
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|n| (0..=1_000_000_000).contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_urls_keep_other_parameters() {
        assert_eq!(
            page_url("https://x.org/services?per_page=50&page=1", 3),
            "https://x.org/services?per_page=50&page=3"
        );
        assert_eq!(page_url("https://x.org/services", 2), "https://x.org/services?page=2");
    }
}
