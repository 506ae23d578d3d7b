//! Group nodes rendered once: the JSON of a `groups` answer's `node { … }` for one group and
//! one selection, kept until the next commit and copied into later answers that select the
//! same fields of the same group (people in one town see the same groups, in answers that
//! differ in their filters, pages or counts).
//!
//! Only what cannot differ between two requests is kept: a selection of plain fields (no
//! arguments, directives or fragments) that read nothing but the group's document
//! (`pure_field`; `records`, which reads the store, and `Meeting.next`, which reads the
//! clock, are not among them), at one store generation. A render is async-graphql's own
//! answer for the node, written once by `answer::write_value`; it goes only into answers
//! written by `answer::to_json` (the `Splice` marker the HTTP handlers set), as a binary
//! value that writer copies in. Bounded: at most `CAPACITY_BYTES` of renders, cleared when
//! full.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, DefaultHasher, Hasher};
use std::sync::{Arc, RwLock};

use async_graphql::parser::types::{Field, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{ContextSelectionSet, OutputType, Positioned, ServerResult, Value};
use bytes::Bytes;

use super::answer::write_value;
use super::serial::Serial;
use super::types::Group;
use crate::model::StoredGroup;
use selection::{fingerprint, only_field, Type};

mod events;
mod selection;

pub(super) use events::raw_json;
use events::{raw, EventRenders};

/// The most bytes of renders kept.
const CAPACITY_BYTES: usize = 32 << 20;

/// Request data: this request's answer is written by `answer::to_json`, so its nodes may be
/// rendered JSON.
pub struct Splice;

/// The renders kept (in `AppState`); cheap to clone.
#[derive(Clone, Default)]
pub struct Rendered {
    kept: Arc<RwLock<Kept>>,
    /// Subscription events' renders.
    events: EventRenders,
}

#[derive(Default)]
struct Kept {
    generation: u64,
    bytes: usize,
    /// By `key(selection, id)`; the entry holds both, so a collision is a miss.
    nodes: HashMap<u64, Entry, BuildHasherDefault<Spread>>,
}

struct Entry {
    selection: u64,
    id: Box<str>,
    json: Bytes,
}

impl Rendered {
    fn get(&self, generation: u64, selection: u64, id: &str) -> Option<Bytes> {
        let kept = self.kept.read().unwrap_or_else(|e| e.into_inner());
        if kept.generation != generation {
            return None;
        }
        let entry = kept.nodes.get(&key(selection, id))?;
        (entry.selection == selection && &*entry.id == id).then(|| entry.json.clone())
    }

    /// Keeps a render made at `generation`: a newer generation drops every older render, and
    /// a render older than what is kept is not kept.
    fn put(&self, generation: u64, selection: u64, id: &str, json: Bytes) {
        let mut kept = self.kept.write().unwrap_or_else(|e| e.into_inner());
        if generation < kept.generation {
            return;
        }
        if generation > kept.generation || kept.bytes + json.len() > CAPACITY_BYTES {
            kept.nodes.clear();
            kept.bytes = 0;
            kept.generation = generation;
        }
        kept.bytes += json.len();
        let entry = Entry { selection, id: id.into(), json };
        if let Some(old) = kept.nodes.insert(key(selection, id), entry) {
            kept.bytes -= old.json.len();
        }
    }

    /// How a `groups` field's nodes are rendered: once, when the answer is spliced and the
    /// field selects `edges { node { … } }` once, with plain pure fields only.
    pub fn for_groups(&self, groups: &Field, spliced: bool, generation: u64) -> Option<Arc<Once>> {
        if !spliced {
            return None;
        }
        let edges = only_field(&groups.selection_set.node, "edges")?;
        let node = only_field(&edges.selection_set.node, "node")?;
        Once::new(&node.selection_set.node, Keep::Answer { rendered: self.clone(), generation })
    }

    /// How a subscription field's events are rendered: once for all its subscribers with the
    /// same selection, when it selects plain pure fields only.
    pub fn for_events(&self, field: &Field) -> Option<Arc<Once>> {
        Once::new(&field.selection_set.node, Keep::Event(self.events.clone()))
    }
}

/// Rendering one request's (or one subscription's) groups once: for which selection, where,
/// and where renders are kept.
pub struct Once {
    /// The selection set in this request's document (its address), so a group resolved under
    /// any other selection is resolved as usual.
    set: usize,
    selection: u64,
    keep: Keep,
}

/// Where renders are kept, and in which form they go out.
enum Keep {
    /// A `groups` answer's nodes, at the store generation the search read: binary values,
    /// which `answer::to_json` copies in.
    Answer { rendered: Rendered, generation: u64 },
    /// A subscription's events, by the event's document: serde_json raw values, which every
    /// transport copies in.
    Event(EventRenders),
}

impl Once {
    fn new(set: &SelectionSet, keep: Keep) -> Option<Arc<Once>> {
        let mut h = DefaultHasher::new();
        fingerprint(set, Type::Group, &mut h)?;
        Some(Arc::new(Once { set: set as *const SelectionSet as usize, selection: h.finish(), keep }))
    }

    fn get(&self, group: &Arc<StoredGroup>) -> Option<Value> {
        match &self.keep {
            Keep::Answer { rendered, generation } => {
                rendered.get(*generation, self.selection, &group.id).map(Value::Binary)
            }
            Keep::Event(renders) => renders.get(self.selection, group).map(raw),
        }
    }

    /// Keeps what async-graphql resolved and returns it in the kept form (or as it is, should
    /// it not serialise).
    fn keep(&self, group: &Arc<StoredGroup>, value: Value) -> Value {
        match &self.keep {
            Keep::Answer { rendered, generation } => {
                let mut out = Vec::with_capacity(512);
                if write_value(&mut out, &value).is_err() {
                    return value;
                }
                let json = Bytes::from(out);
                rendered.put(*generation, self.selection, &group.id, json.clone());
                Value::Binary(json)
            }
            Keep::Event(renders) => {
                let Ok(json) = serde_json::to_string(&value) else { return value };
                renders.put(self.selection, group, json.clone());
                raw(json)
            }
        }
    }
}

/// A group as a `groups` edge's node or a subscription's event: rendered once when it can be
/// (`Once`), else resolved as `Serial<Group>`. The schema sees `Group`.
pub struct Node {
    pub group: Arc<StoredGroup>,
    pub once: Option<Arc<Once>>,
}

impl OutputType for Node {
    fn type_name() -> Cow<'static, str> {
        Group::type_name()
    }

    fn qualified_type_name() -> String {
        Group::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Group::create_type_info(registry)
    }

    async fn resolve(&self, ctx: &ContextSelectionSet<'_>, field: &Positioned<Field>) -> ServerResult<Value> {
        let serial = Serial(Group(self.group.clone()));
        let here = &ctx.item.node as *const SelectionSet as usize;
        let Some(once) = self.once.as_deref().filter(|o| o.set == here) else {
            return serial.resolve(ctx, field).await;
        };
        if let Some(kept) = once.get(&self.group) {
            return Ok(kept);
        }
        let value = serial.resolve(ctx, field).await?;
        Ok(once.keep(&self.group, value))
    }
}

/// FNV-1a over the id, from the selection's hash (a hit is checked against both).
fn key(selection: u64, id: &str) -> u64 {
    id.bytes().fold(selection ^ 0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// The map's hasher: its keys are hashes already, so it only spreads them.
#[derive(Default)]
struct Spread(u64);

impl Hasher for Spread {
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;
    use async_graphql::parser::types::{DocumentOperations, Selection};

    /// The `groups` field of a query's only operation.
    fn once_for(query: &str) -> Option<u64> {
        let doc = parse_query(query).unwrap();
        let DocumentOperations::Single(op) = &doc.operations else { panic!("one operation") };
        let Selection::Field(groups) = &op.node.selection_set.node.items[0].node else { panic!("a field") };
        Rendered::default().for_groups(&groups.node, true, 1).map(|o| o.selection)
    }

    #[test]
    fn plain_pure_selections_are_rendered_once() {
        let main = "{ groups { totalCount edges { distanceKm node { id name meetings { weekday startTime } location { formatted } } } } }";
        let a = once_for(main).expect("the main query's nodes are kept");
        assert_eq!(once_for(main), Some(a), "the same selection, the same key");
        let aliased =
            "{ groups { edges { node { id title: name meetings { weekday startTime } location { formatted } } } } }";
        assert_ne!(once_for(aliased), Some(a), "an alias is another answer");
        let nested =
            "{ groups { edges { node { id name meetings { weekday } location { formatted startTime: name } } } } }";
        assert!(once_for(nested).is_some_and(|n| n != a), "nesting counts");
    }

    #[test]
    fn anything_that_could_differ_is_resolved_as_usual() {
        let refused = [
            // reads the store, or the clock
            "{ groups { edges { node { id records { sourceId } } } } }",
            "{ groups { edges { node { meetings { next { startsAt } } } } } }",
            // arguments, directives, fragments
            "{ groups { edges { node { meetings { next(from: \"2026-01-01T00:00:00Z\") { startsAt } } } } } }",
            "query($x: Boolean!) { groups { edges { node { id name @include(if: $x) } } } }",
            "{ groups { edges { node { id ... on Group { name } } } } }",
            "{ groups { edges { ...E } } } fragment E on GroupEdge { node { id } }",
            "{ groups { ...C } } fragment C on GroupConnection { edges { node { id } } }",
            // the node selected twice
            "{ groups { edges { node { id } } more: edges { node { name } } } }",
            "{ groups { edges { node { id } other: node { name } } } }",
            // a field this module does not know
            "{ groups { edges { node { id somethingNew } } } }",
        ];
        for query in refused {
            assert_eq!(once_for(query), None, "{query}");
        }
    }

    #[test]
    fn a_commit_drops_older_renders() {
        let r = Rendered::default();
        let json = |s: &'static str| Bytes::from_static(s.as_bytes());
        r.put(3, 7, "g1", json("{\"id\":\"g1\"}"));
        assert_eq!(r.get(3, 7, "g1"), Some(json("{\"id\":\"g1\"}")));
        assert_eq!(r.get(3, 8, "g1"), None, "another selection");
        assert_eq!(r.get(3, 7, "g2"), None, "another group");
        r.put(4, 7, "g2", json("{\"id\":\"g2\"}"));
        assert_eq!(r.get(3, 7, "g1"), None, "an older generation is never answered");
        assert_eq!(r.get(4, 7, "g1"), None, "renders of an older generation are dropped");
        r.put(3, 7, "g1", json("{\"id\":\"old\"}"));
        assert_eq!(r.get(4, 7, "g1"), None, "a late render of an older generation is not kept");
        assert_eq!(r.get(4, 7, "g2"), Some(json("{\"id\":\"g2\"}")));
    }
}
