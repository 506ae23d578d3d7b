//! The schema.org node graph of a page: every JSON-LD block walked once, nodes indexed by
//! `@id`, events and organisations found wherever they sit (`@graph`, arrays, `subEvent`,
//! an organisation's `event`, `mainEntity`, item lists).
//!
//! Also the small readers every mapper needs: a node's types without the schema.org prefix,
//! a property's text whether written as a string, a number, `{"@value": ...}` or a list, and
//! references (`{"@id": ...}`) resolved to the full node. What a node means for a listing is
//! decided in `event.rs`, `place.rs` and `schedule.rs`.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value};

pub(super) type Obj = Map<String, Value>;

/// An event found in the page, with where it was found.
#[derive(Debug, Clone, Copy)]
pub(super) struct Found<'a> {
    pub node: &'a Obj,
    /// The event it was nested under (`subEvent`), if any.
    pub parent: Option<&'a Obj>,
    /// The organisation it was listed under (`event`), if any.
    pub org: Option<&'a Obj>,
}

/// Every node of the page's JSON-LD.
#[derive(Debug, Default)]
pub(super) struct Graph<'a> {
    by_id: HashMap<&'a str, &'a Obj>,
    pub events: Vec<Found<'a>>,
    /// Events already found, by `@id` and by address, so a node reached twice counts once.
    seen: HashSet<Key<'a>>,
    /// Organisations at the top level of a block (not an event's organiser).
    pub orgs: Vec<&'a Obj>,
    /// Types of top-level nodes that are neither events, organisations nor places.
    pub other_types: BTreeSet<String>,
    /// How many nodes carry an `@type` at all.
    pub typed: usize,
}

/// Where the walk is.
#[derive(Clone, Copy)]
struct At<'a> {
    top: bool,
    parent: Option<&'a Obj>,
    org: Option<&'a Obj>,
}

impl<'a> Graph<'a> {
    /// Walks the blocks (iteratively: nesting depth is bounded by the JSON parser anyway).
    pub fn build(blocks: &'a [Value]) -> Graph<'a> {
        let mut graph = Graph::default();
        let start = At { top: true, parent: None, org: None };
        let mut stack: Vec<(&'a Value, At<'a>)> = blocks.iter().rev().map(|b| (b, start)).collect();
        while let Some((value, at)) = stack.pop() {
            match value {
                Value::Array(items) => stack.extend(items.iter().rev().map(|v| (v, at))),
                Value::Object(node) => graph.visit(node, at, &mut stack),
                _ => {}
            }
        }
        graph
    }

    fn visit(&mut self, node: &'a Obj, at: At<'a>, stack: &mut Vec<(&'a Value, At<'a>)>) {
        let kinds = types(node);
        if !kinds.is_empty() {
            self.typed += 1;
        }
        let reference = is_reference(node);
        if let Some(id) = node.get("@id").and_then(Value::as_str) {
            if !reference || !self.by_id.contains_key(id) {
                self.by_id.entry(id).and_modify(|n| *n = if is_reference(n) { node } else { n }).or_insert(node);
            }
        }
        let event = !reference && kinds.iter().any(|t| is_event_type(t));
        let org = !reference && kinds.iter().any(|t| ORG_TYPES.contains(&t.as_str()));
        if event {
            let by_id = node.get("@id").and_then(Value::as_str).map(Key::Id);
            let new = self.seen.insert(Key::Address(node)) && by_id.is_none_or(|k| self.seen.insert(k));
            if new {
                self.events.push(Found { node, parent: at.parent, org: at.org });
            }
        } else if org && at.top {
            self.orgs.push(node);
        } else if at.top && !reference {
            let known = kinds.iter().any(|t| PLACE_TYPES.contains(&t.as_str()) || t == "ListItem");
            if !known {
                self.other_types.extend(kinds.iter().cloned());
            }
        }
        for (key, child) in node.iter().rev() {
            let child_at = match key.as_str() {
                "@graph" | "mainEntity" | "itemListElement" | "item" => At { top: at.top || key == "@graph", ..at },
                "subEvent" | "subEvents" if event => At { top: false, parent: Some(node), org: at.org },
                "event" | "events" if org => At { top: false, parent: None, org: Some(node) },
                _ => At { top: false, parent: None, org: at.org },
            };
            if !key.starts_with('@') || key == "@graph" {
                stack.push((child, child_at));
            }
        }
    }

    /// The node a value stands for: the value itself when it is a node, the indexed node when
    /// it is a reference, the first such in a list.
    pub fn resolve(&self, value: &'a Value) -> Option<&'a Obj> {
        self.resolve_all(value).into_iter().next()
    }

    /// Every node a value (or a list of values) stands for.
    pub fn resolve_all(&self, value: &'a Value) -> Vec<&'a Obj> {
        let one = |v: &'a Value| -> Option<&'a Obj> {
            let obj = v.as_object()?;
            match obj.get("@id").and_then(Value::as_str) {
                Some(id) if is_reference(obj) => Some(self.by_id.get(id).copied().unwrap_or(obj)),
                _ => Some(obj),
            }
        };
        match value {
            Value::Array(items) => items.iter().filter_map(one).collect(),
            other => one(other).into_iter().collect(),
        }
    }
}

/// Identifies a node: by its `@id` when it has one, else by where it is in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Key<'a> {
    Id(&'a str),
    Address(*const Obj),
}

impl<'a> Key<'a> {
    pub fn of(node: &'a Obj) -> Key<'a> {
        node.get("@id").and_then(Value::as_str).map_or(Key::Address(node), Key::Id)
    }
}

/// The node's types, without a schema.org prefix ("https://schema.org/Event" -> "Event").
pub(super) fn types(node: &Obj) -> Vec<String> {
    let raw: Vec<&str> = match node.get("@type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    raw.into_iter().map(|t| short_name(t).to_owned()).filter(|t| !t.is_empty()).collect()
}

/// "https://schema.org/Tuesday", "http://schema.org/Tuesday", "schema:Tuesday" -> "Tuesday".
pub(super) fn short_name(value: &str) -> &str {
    let v = value.trim();
    ["https://schema.org/", "http://schema.org/", "https://www.schema.org/", "http://www.schema.org/", "schema:"]
        .iter()
        .find_map(|p| v.strip_prefix(p))
        .unwrap_or(v)
}

/// True when the node has one of these types.
pub(super) fn has_type(node: &Obj, wanted: &[&str]) -> bool {
    types(node).iter().any(|t| wanted.contains(&t.as_str()))
}

/// A property's text: a string or number, `{"@value": ...}`, or the first of a list;
/// `None` when blank.
pub(super) fn text(value: Option<&Value>) -> Option<String> {
    texts(value).into_iter().next()
}

/// Every text of a property (a list gives several).
pub(super) fn texts(value: Option<&Value>) -> Vec<String> {
    let one = |v: &Value| -> Option<String> {
        let s = match v {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Object(o) => return o.get("@value").and_then(|x| x.as_str().map(str::to_owned)),
            _ => return None,
        };
        (!s.is_empty()).then_some(s)
    };
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    }
}

pub(super) fn is_event_type(t: &str) -> bool {
    t == "Event" || t == "EventSeries" || (t.ends_with("Event") && t.len() > 5)
}

/// Organisation types that may stand for a group.
pub(super) const ORG_TYPES: [&str; 6] =
    ["Organization", "NGO", "MedicalOrganization", "NonprofitOrganization", "GovernmentOrganization", "LocalBusiness"];

/// Types read as parts of events and organisations (never reported as ignored).
const PLACE_TYPES: [&str; 10] = [
    "Place",
    "PostalAddress",
    "GeoCoordinates",
    "GeoCircle",
    "VirtualLocation",
    "Schedule",
    "Offer",
    "ContactPoint",
    "CivicStructure",
    "PlaceOfWorship",
];

/// `{"@id": "..."}` (perhaps with an `@type`) and nothing else: a pointer to a node.
fn is_reference(node: &Obj) -> bool {
    node.contains_key("@id") && node.keys().all(|k| k == "@id" || k == "@type" || k == "@context")
}
