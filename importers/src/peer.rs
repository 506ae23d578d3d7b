//! A peer supportmesh instance over GraphQL, so regional directories can federate.
//!
//! The source's URL is the peer's GraphQL endpoint (`https://peer.example/graphql`). Its root
//! document (what a plain GET returned, usually GraphiQL's HTML) is ignored unless it already
//! is a GraphQL response with `data.groups` (a saved page, as the offline demo uses). The
//! pages are GraphQL-over-HTTP GET requests, `<endpoint>?query=...&variables={"first":100,
//! "after":...}`, built by [`page_url`] and asked for in `Parsed::wants` one at a time,
//! following `pageInfo.endCursor` while `hasNextPage` ([`next_page`] reads that from one page,
//! so the service fetches the whole chain before parsing it once). A page that answers GraphQL `errors`,
//! HTML or broken JSON is a `DocumentError`. Each group node becomes one listing keyed by the
//! peer's group id (`peer/node.rs`); groups the peer marks `REMOVED` are skipped. The peer's
//! topic tags keep their rule, prefixed "peer: ", so provenance shows. Each listing's
//! `origins` are the instances its group's records passed through (`records { origins }`)
//! and the peer's own `instance { id }`: the service refuses a listing whose origins name
//! itself (an echo of its own groups), which this crate, knowing no instance, leaves to it.
//!
//! Options (`[sources.options]`): `page_size` (1..=100, the groups asked for per page; default
//! [`DEFAULT_PAGE_SIZE`]). A page costs about 60 per group in the peer's query budget, so 25
//! fit the default `server.max_query_complexity` (2000); ask for more only from a peer that
//! allows more.

mod node;

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::normalize::document::{self, Shape};
use crate::options::SourceOptions;
use crate::problem::{DocumentError, Parsed, RecordProblems};
use crate::Documents;

/// The GraphQL query each page sends (the fields of the peer's `Group` this parser reads).
pub const QUERY: &str = "query PeerGroups($first: Int, $after: String) { groups(first: $first, after: $after) { \
totalCount edges { cursor node { id name description kind topics topicTags { topic rule } audience attendance \
meetings { weekday startTime endTime timezone recurrence weeksOfMonth date } \
location { name address locality region postcode country formatted latitude longitude approximate notes } \
online { url phone notes } contact { email phone website } organisation cost languages accessibility open \
sourceCodes status active updatedAt records { sourceId externalId url origins } } } pageInfo { hasNextPage endCursor } } \
instance { id } }";

/// Parses the pages fetched so far and asks for the next one.
pub fn parse(docs: &Documents<'_>, options: &SourceOptions) -> Result<Parsed, DocumentError> {
    let page_size = read_options(&options.format_options).map_err(DocumentError)?.page_size;
    let mut parsed = Parsed::default();
    let mut ids: HashSet<String> = HashSet::new();
    let mut visited: HashSet<String> = HashSet::new();
    let (mut after, mut number, mut held, mut removed) = (None::<String>, 1usize, 0u64, 0usize);
    let mut total = None;
    let mut root_page = read_page(docs.root, 1).ok().flatten();
    loop {
        let url = page_url(docs.url, page_size, after.as_deref())
            .ok_or_else(|| DocumentError(format!("the peer's endpoint \"{}\" is not a URL", docs.url)))?;
        if !visited.insert(url.clone()) {
            let why = format!("page {number} repeats an earlier cursor; stopped paging");
            RecordProblems::document(&mut parsed.problems).field("pageInfo", why);
            break;
        }
        let page = match (root_page.take(), docs.extra.get(&url)) {
            (Some(page), _) => page,
            (None, Some(bytes)) => read_page(bytes, number)?.ok_or_else(|| {
                DocumentError(format!("page {number} of the peer is not a supportmesh groups page: no data.groups"))
            })?,
            (None, None) => {
                parsed.wants.push(url);
                break;
            }
        };
        total = page.total_count.or(total);
        held += page.nodes.len() as u64;
        for (index, value) in page.nodes.iter().enumerate() {
            let mut problems = RecordProblems::new(&mut parsed.problems, format!("page {number} [{index}]"));
            match node::listing(value, options, page.instance.as_deref(), &mut problems) {
                node::Outcome::Listing(listing) if !ids.insert(listing.external_id.clone()) => {
                    let why = "the peer listed this group id twice; kept the first";
                    problems.dropped(Some("id"), why);
                }
                node::Outcome::Listing(listing) => parsed.listings.push(*listing),
                node::Outcome::Removed => removed += 1,
                node::Outcome::Dropped => {}
            }
        }
        match (page.has_next, page.end_cursor) {
            (true, Some(cursor)) => {
                after = Some(cursor);
                number += 1;
            }
            (true, None) => {
                let why = format!("page {number} says more pages follow but gives no endCursor; stopped paging");
                RecordProblems::document(&mut parsed.problems).field("pageInfo", why);
                break;
            }
            (false, _) => break,
        }
    }
    if parsed.wants.is_empty() {
        summarise(&mut RecordProblems::document(&mut parsed.problems), total, held, removed);
    }
    Ok(parsed)
}

/// The page after `page`, from its `pageInfo` alone (`crate::next_in_chain`); `None` on the
/// last page or when the page is not a readable groups page (`parse` says why).
pub fn next_page(endpoint: &str, options: &SourceOptions, page: &[u8]) -> Option<String> {
    let page_size = read_options(&options.format_options).ok()?.page_size;
    let value: Value = serde_json::from_str(&document::decode(page)).ok()?;
    let info = value.pointer("/data/groups/pageInfo")?;
    match info.get("hasNextPage").and_then(Value::as_bool) {
        Some(true) => page_url(endpoint, page_size, Some(info.get("endCursor")?.as_str()?)),
        _ => None,
    }
}

/// Checks `[sources.options]`: `page_size` (1..=100) only.
pub fn check_options(options: &serde_json::Value) -> Result<(), String> {
    read_options(options).map(|_| ())
}

/// The URL of one page: the endpoint with `query` and `variables` (URL-encoded) added, its
/// other query parameters kept. `None` when the endpoint is not a URL.
pub fn page_url(endpoint: &str, page_size: u32, after: Option<&str>) -> Option<String> {
    let mut url = Url::parse(endpoint).ok()?;
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !matches!(k.as_ref(), "query" | "variables" | "operationName"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    url.set_fragment(None);
    let variables = serde_json::json!({ "first": page_size, "after": after }).to_string();
    url.query_pairs_mut().extend_pairs(kept).append_pair("query", QUERY).append_pair("variables", &variables);
    Some(url.to_string())
}

/// This format's options.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeerOptions {
    #[serde(default = "default_page_size")]
    page_size: u32,
}

/// The groups asked for per page when `page_size` is not set: what a peer's default query
/// budget allows (about 60 per group of 2000).
pub const DEFAULT_PAGE_SIZE: u32 = 25;

fn default_page_size() -> u32 {
    DEFAULT_PAGE_SIZE
}

fn read_options(value: &Value) -> Result<PeerOptions, String> {
    if value.is_null() {
        return Ok(PeerOptions { page_size: default_page_size() });
    }
    let options: PeerOptions =
        serde_json::from_value(value.clone()).map_err(|e| format!("supportmesh options: {e}"))?;
    if !(1..=100).contains(&options.page_size) {
        return Err(format!("supportmesh options: `page_size` must be 1..=100, not {}", options.page_size));
    }
    Ok(options)
}

/// One page of groups.
struct Page {
    /// The peer's own instance id (`instance { id }`), when it says.
    instance: Option<String>,
    total_count: Option<u64>,
    nodes: Vec<Value>,
    has_next: bool,
    end_cursor: Option<String>,
}

/// A page, `None` when the document is a GraphQL response without `data.groups`, or an
/// error saying what the document is instead.
fn read_page(bytes: &[u8], number: usize) -> Result<Option<Page>, DocumentError> {
    let text = document::decode(bytes);
    let fail = |what: String| DocumentError(format!("page {number} of the peer {what}"));
    match document::shape(&text) {
        Shape::Json => {}
        Shape::Markup => {
            let hint = document::page_hint(&text);
            return Err(fail(format!("answered HTML, not GraphQL JSON{hint}: does it accept GraphQL GET queries?")));
        }
        Shape::Empty => return Err(fail("is empty".to_owned())),
        Shape::Other => return Err(fail("is not JSON".to_owned())),
    }
    let value: Value = serde_json::from_str(&text).map_err(|e| fail(format!("is not valid JSON ({e})")))?;
    if let Some(errors) = value.get("errors").and_then(Value::as_array).filter(|e| !e.is_empty()) {
        let messages: Vec<String> = errors
            .iter()
            .take(3)
            .map(|e| e.get("message").and_then(Value::as_str).unwrap_or("(no message)").chars().take(200).collect())
            .collect();
        return Err(fail(format!("answered GraphQL errors: {}", messages.join("; "))));
    }
    let Some(groups) = value.pointer("/data/groups").filter(|g| g.is_object()) else { return Ok(None) };
    let nodes = match groups.get("edges") {
        Some(Value::Array(edges)) => edges.iter().filter_map(|e| e.get("node")).cloned().collect(),
        _ => return Err(fail("has no `edges` list in data.groups".to_owned())),
    };
    let info = groups.get("pageInfo");
    let instance = value.pointer("/data/instance/id").and_then(Value::as_str).and_then(node::instance_id);
    Ok(Some(Page {
        instance,
        total_count: groups.get("totalCount").and_then(Value::as_u64),
        nodes,
        has_next: info.and_then(|i| i.get("hasNextPage")).and_then(Value::as_bool).unwrap_or(false),
        end_cursor: info.and_then(|i| i.get("endCursor")).and_then(Value::as_str).map(str::to_owned),
    }))
}

/// Once every page is in: one note for the removed groups skipped, and one when the pages
/// held fewer or more groups than the peer's `totalCount` (groups changed while paging).
fn summarise(problems: &mut RecordProblems<'_>, total: Option<u64>, held: u64, removed: usize) {
    if removed > 0 {
        let why = format!("{removed} group(s) the peer marks REMOVED were skipped");
        problems.dropped(Some("status"), why);
    }
    if let Some(total) = total.filter(|t| *t != held) {
        let why = format!("the peer said {total} groups but its pages held {held} (groups changed while paging?)");
        problems.field("totalCount", why);
    }
}
