//! schema.org JSON-LD, found in any HTML page (every `<script type="application/ld+json">`
//! block) or given as a bare JSON document (one block, or an array of blocks).
//!
//! No options are needed. Each `Event` is one listing (an `EventSeries` with events under it
//! lends them what they leave out and is not listed itself); when a page has no events at all,
//! an organisation that describes itself as a support group may be one (option
//! `organizations = "auto" | "always" | "never"`). Top-level node types that are not used are
//! reported once, as an informational problem. A block that is not valid JSON is a problem;
//! a page with no JSON-LD at all, or none that parses, is a `DocumentError`. The graph walk
//! is in `jsonld/nodes.rs`, the mappings in `event.rs`, `schedule.rs` and `place.rs`.

mod event;
mod nodes;
mod place;
mod schedule;

use std::collections::HashSet;

use scraper::{Html, Selector};
use serde::Deserialize;
use serde_json::Value;
use url::Url;

use crate::normalize::document::{self, Shape};
use crate::normalize::nesting;
use crate::normalize::table::UniqueIds;
use crate::options::SourceOptions;
use crate::problem::{DocumentError, Parsed, RecordProblems};
use crate::Documents;

use nodes::{Graph, Key, Obj};

/// Parses the JSON-LD of the root document.
pub fn parse(docs: &Documents<'_>, options: &SourceOptions) -> Result<Parsed, DocumentError> {
    let settings =
        read_options(&options.format_options).map_err(|why| DocumentError(format!("jsonld options: {why}")))?;
    let mut parsed = Parsed::default();
    let blocks = read_blocks(docs.root, &mut RecordProblems::document(&mut parsed.problems))?;
    let graph = Graph::build(&blocks);
    if graph.typed == 0 {
        return Err(DocumentError("no schema.org data: the JSON-LD has no node with an @type".to_owned()));
    }
    let base = Url::parse(docs.url).ok();
    let ctx = event::Ctx { graph: &graph, opts: options, base: base.as_ref() };
    let parents: HashSet<Key<'_>> = graph.events.iter().filter_map(|f| parent_of(f, &graph)).map(Key::of).collect();
    for (index, found) in graph.events.iter().enumerate() {
        let has_children = found.node.get("subEvent").or_else(|| found.node.get("subEvents")).is_some_and(|v| {
            graph.resolve_all(v).iter().any(|c| nodes::types(c).iter().any(|t| nodes::is_event_type(t)))
        });
        if has_children || parents.contains(&Key::of(found.node)) {
            continue;
        }
        let mut problems = RecordProblems::new(&mut parsed.problems, format!("event {}", index + 1));
        let parent = parent_of(found, &graph);
        parsed.listings.extend(event::event_listing(*found, parent, &ctx, &mut problems));
    }
    let take_orgs = match settings.organizations {
        Organizations::Always => true,
        Organizations::Auto => parsed.listings.is_empty(),
        Organizations::Never => false,
    };
    for (index, org) in graph.orgs.iter().enumerate() {
        if take_orgs && (settings.organizations == Organizations::Always || event::looks_like_group(org)) {
            let mut problems = RecordProblems::new(&mut parsed.problems, format!("organization {}", index + 1));
            parsed.listings.extend(event::org_listing(org, &ctx, &mut problems));
        }
    }
    if !graph.other_types.is_empty() {
        let names: Vec<&str> = graph.other_types.iter().map(String::as_str).collect();
        let why = format!("ignored schema.org types (not events, organisations or places): {}", names.join(", "));
        RecordProblems::document(&mut parsed.problems).field("@type", why);
    }
    let mut ids = UniqueIds::default();
    for listing in &mut parsed.listings {
        let (id, changed) = ids.claim(&listing.external_id);
        if changed {
            let why = format!("id \"{}\" repeats an earlier listing; listed as \"{id}\"", listing.external_id);
            RecordProblems::new(&mut parsed.problems, listing.external_id.as_str()).field("@id", why);
            listing.external_id = id;
        }
    }
    Ok(parsed)
}

/// Checks the options (`organizations` only; none are needed).
pub fn check_options(options: &serde_json::Value) -> Result<(), String> {
    read_options(options).map(|_| ())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default)]
    organizations: Organizations,
}

/// Which organisations become listings.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Organizations {
    /// Those that describe themselves as support groups, when the page has no events.
    #[default]
    Auto,
    /// Every top-level organisation (a directory of groups).
    Always,
    Never,
}

fn read_options(options: &Value) -> Result<Settings, String> {
    match options {
        Value::Null => Ok(Settings::default()),
        other => serde_json::from_value(other.clone()).map_err(|e| e.to_string()),
    }
}

/// The event's series: where it was nested, or what its `superEvent` points to.
fn parent_of<'a>(found: &nodes::Found<'a>, graph: &Graph<'a>) -> Option<&'a Obj> {
    found.parent.or_else(|| {
        let parent = graph.resolve(found.node.get("superEvent")?)?;
        let is_event = nodes::types(parent).iter().any(|t| nodes::is_event_type(t));
        (is_event && !same(parent, found.node)).then_some(parent)
    })
}

/// The same node: the same object, or the same `@id`.
fn same(a: &Obj, b: &Obj) -> bool {
    std::ptr::eq(a, b)
        || a.get("@id").and_then(Value::as_str).is_some_and(|id| b.get("@id").and_then(Value::as_str) == Some(id))
}

/// The JSON-LD blocks of the document: the JSON itself, or each ld+json script of a page.
fn read_blocks(bytes: &[u8], problems: &mut RecordProblems<'_>) -> Result<Vec<Value>, DocumentError> {
    let text = document::decode(bytes);
    match document::shape(&text) {
        Shape::Empty => return Err(DocumentError("no JSON-LD: the document is empty".to_owned())),
        Shape::Json => {
            return serde_json::from_str::<Value>(&text)
                .map(|v| vec![v])
                .map_err(|e| DocumentError(format!("invalid JSON: {e}")));
        }
        Shape::Markup | Shape::Other => {}
    }
    if nesting::exceeds(&text, nesting::MAX_DEPTH) {
        return Err(DocumentError(nesting::too_deep()));
    }
    let html = Html::parse_document(&text);
    let Ok(scripts) = Selector::parse("script[type]") else { return Ok(Vec::new()) };
    let mut blocks = Vec::new();
    let mut first_error = None;
    let mut count = 0;
    for script in html.select(&scripts) {
        let kind = script.attr("type").unwrap_or_default();
        if !kind.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("application/ld+json") {
            continue;
        }
        count += 1;
        let body: String = script.text().collect();
        match serde_json::from_str::<Value>(unwrap_script(&body)) {
            Ok(value) => blocks.push(value),
            Err(e) => {
                let why = format!("not valid JSON ({e}); block skipped");
                problems.at(format!("ld+json block {count}")).dropped(None, why);
                first_error.get_or_insert(e.to_string());
            }
        }
    }
    if count == 0 {
        let hint = document::page_hint(&text);
        return Err(DocumentError(format!(
            "no JSON-LD in the page: it has no <script type=\"application/ld+json\"> block{hint}"
        )));
    }
    if blocks.is_empty() {
        let first = first_error.unwrap_or_default();
        return Err(DocumentError(format!(
            "no readable JSON-LD: all {count} ld+json blocks are invalid JSON (first: {first})"
        )));
    }
    Ok(blocks)
}

/// A script body without the wrappers pages put around JSON: `<!-- -->`, CDATA markers, a
/// trailing semicolon.
fn unwrap_script(body: &str) -> &str {
    let mut s = body.trim();
    for prefix in ["<!--", "//<![CDATA[", "/*<![CDATA[*/", "<![CDATA["] {
        s = s.strip_prefix(prefix).unwrap_or(s).trim_start();
    }
    for suffix in ["-->", "//]]>", "/*]]>*/", "]]>"] {
        s = s.strip_suffix(suffix).unwrap_or(s).trim_end();
    }
    s.strip_suffix(';').unwrap_or(s).trim()
}
