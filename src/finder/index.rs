//! `Index`: every searchable group by a dense u32 ordinal, one bitmap per facet value, the
//! sorted text tokens, the spatial grid and the ID and NAME orders.
//!
//! Only Active and Missing groups are held; upserting a Removed group removes it. Each slot
//! remembers what its group was indexed under (facet value ids packed with their facet in one
//! u32, the token-id sequence of its text fields, its point, its sort name), so an upsert of a
//! changed group first takes the ordinal out of exactly those bitmaps. A removed group's
//! ordinal goes to a free list and is reused by the next new group.
//!
//! Memory, about 900 bytes a group before (BENCHMARKS.md, "The service's memory at a million
//! listings"): a slot's id and sort name are the very keys of the ID and NAME orders (one
//! `Arc<str>` each, not three copies), and its meetings point into one set of distinct
//! meeting slots (`Meetings`).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use roaring::RoaringBitmap;

use super::facts::{facts, indexed, Facet, Facts};
use super::geo::Grid;
use super::postings::Postings;
use crate::model::{haversine_km, StoredGroup};

/// The in-memory search index of the directory's live groups. Not `Clone`: a copy would
/// share its meeting slots (`Meetings`), which then could never be let go.
#[derive(Debug)]
pub struct Index {
    pub(super) slots: Vec<Option<Slot>>,
    free: Vec<u32>,
    /// Id -> ordinal, and the ID order (each key is the one its slot holds, not a copy).
    pub(super) by_id: BTreeMap<Arc<str>, u32>,
    /// `Facts::sort_name` -> ordinal: the NAME order (its keys are the slots' too).
    pub(super) by_name: BTreeMap<Arc<str>, u32>,
    /// Every distinct meeting slot the groups hold, each once (`Meetings`).
    pub(super) meetings: Meetings,
    /// Every ordinal in use.
    pub(super) live: RoaringBitmap,
    /// One `Postings` per `Facet`, by `Facet as usize`.
    pub(super) facets: Vec<Postings>,
    pub(super) tokens: Postings,
    pub(super) grid: Grid,
}

impl Default for Index {
    fn default() -> Self {
        Index::new()
    }
}

impl<'a> FromIterator<&'a StoredGroup> for Index {
    fn from_iter<I: IntoIterator<Item = &'a StoredGroup>>(groups: I) -> Self {
        Index::build(groups)
    }
}

impl Index {
    pub fn new() -> Index {
        Index {
            slots: Vec::new(),
            free: Vec::new(),
            by_id: BTreeMap::new(),
            by_name: BTreeMap::new(),
            meetings: Meetings::default(),
            live: RoaringBitmap::new(),
            facets: vec![Postings::default(); Facet::COUNT],
            tokens: Postings::default(),
            grid: Grid::default(),
        }
    }

    /// An index of these groups (Removed ones are skipped; a repeated id keeps the last).
    pub fn build<'a>(groups: impl IntoIterator<Item = &'a StoredGroup>) -> Index {
        let mut index = Index::new();
        for g in groups {
            index.upsert(g);
        }
        index
    }

    /// Adds or replaces a group. A Removed group is taken out instead.
    pub fn upsert(&mut self, g: &StoredGroup) {
        if !indexed(g.status) {
            self.remove(&g.id);
            return;
        }
        let facts = facts(g);
        let ord = match self.by_id.get(g.id.as_str()) {
            Some(&ord) => {
                self.unindex(ord);
                ord
            }
            None => self.allocate(&g.id),
        };
        self.index(ord, facts);
        let meetings = g.listing.meetings.iter().map(|m| self.meetings.intern(m)).collect();
        if let Some(slot) = self.slots[ord as usize].as_mut() {
            slot.meetings = meetings;
        }
    }

    /// Takes a group out; false when it was not indexed.
    pub fn remove(&mut self, id: &str) -> bool {
        let Some(ord) = self.by_id.remove(id) else { return false };
        self.unindex(ord);
        self.slots[ord as usize] = None;
        self.live.remove(ord);
        self.free.push(ord);
        true
    }

    /// How many groups are indexed.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Groups with a point within `radius_km`, nearest first (ties by id), with distances.
    pub fn near(&self, latitude: f64, longitude: f64, radius_km: f64) -> Vec<(String, f64)> {
        self.named(self.grid.within(latitude, longitude, radius_km, |_| true), usize::MAX)
    }

    /// The `n` groups with a point nearest to the given one, nearest first (ties by id).
    pub fn nearest(&self, latitude: f64, longitude: f64, n: usize) -> Vec<(String, f64)> {
        self.named(self.grid.nearest(latitude, longitude, n, |_| true), n)
    }

    /// The distance from a point to a group's point, when the group has one.
    pub(super) fn distance(&self, ord: u32, latitude: f64, longitude: f64) -> Option<f64> {
        let (lat, lon) = self.slot(ord).point?;
        Some(haversine_km(latitude, longitude, lat, lon))
    }

    pub(super) fn slot(&self, ord: u32) -> &Slot {
        self.slots[ord as usize].as_ref().expect("a live ordinal has a slot")
    }

    pub(super) fn postings(&self, facet: Facet) -> &Postings {
        &self.facets[facet as usize]
    }

    fn named(&self, mut hits: Vec<(u32, f64)>, n: usize) -> Vec<(String, f64)> {
        hits.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| self.slot(a.0).id.cmp(&self.slot(b.0).id)));
        hits.into_iter().take(n).map(|(ord, d)| (self.slot(ord).id.to_string(), d)).collect()
    }

    fn allocate(&mut self, id: &str) -> u32 {
        let ord = match self.free.pop() {
            Some(ord) => ord,
            None => {
                self.slots.push(None);
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 groups")
            }
        };
        let id: Arc<str> = id.into();
        self.by_id.insert(id.clone(), ord);
        self.slots[ord as usize] = Some(Slot {
            id,
            sort_name: Arc::default(),
            keys: Box::default(),
            text: Box::default(),
            point: None,
            meetings: Box::default(),
        });
        self.live.insert(ord);
        ord
    }

    fn index(&mut self, ord: u32, facts: Facts) {
        let keys: Box<[u32]> =
            facts.keys.iter().map(|(facet, v)| pack(*facet, self.facets[*facet as usize].add(v, ord))).collect();
        let mut text = Vec::new();
        for (i, field) in facts.fields.iter().enumerate() {
            if i > 0 {
                text.push(FIELD_BREAK);
            }
            text.extend(field.iter().map(|t| self.tokens.add(t, ord)));
        }
        if let Some((lat, lon)) = facts.point {
            self.grid.insert(ord, lat, lon);
        }
        let sort_name: Arc<str> = facts.sort_name.into();
        self.by_name.insert(sort_name.clone(), ord);
        let slot = self.slots[ord as usize].as_mut().expect("an allocated ordinal has a slot");
        slot.keys = keys;
        slot.text = text.into();
        slot.point = facts.point;
        slot.sort_name = sort_name;
    }

    /// Takes the ordinal out of every bitmap, order and cell it was indexed under.
    fn unindex(&mut self, ord: u32) {
        let Some(slot) = self.slots[ord as usize].as_mut() else { return };
        let keys = std::mem::take(&mut slot.keys);
        let mut text = std::mem::take(&mut slot.text).into_vec();
        let point = slot.point.take();
        let sort_name = std::mem::take(&mut slot.sort_name);
        self.meetings.release(std::mem::take(&mut slot.meetings));
        for key in keys.iter() {
            let (facet, id) = unpack(*key);
            self.facets[facet].remove(id, ord);
        }
        text.sort_unstable();
        text.dedup();
        for id in text.into_iter().filter(|&id| id != FIELD_BREAK) {
            self.tokens.remove(id, ord);
        }
        if let Some((lat, lon)) = point {
            self.grid.remove(ord, lat, lon);
        }
        self.by_name.remove(&sort_name);
    }
}

/// The meeting slots of every indexed group, each distinct one held once and shared: most
/// groups meet at one of a few thousand (weekday, start, end, zone, rule) slots, so a slot
/// costs a group a pointer instead of a copy with its own zone name (about 100 bytes).
/// Slots no group holds any more are dropped (`prune`) before they outnumber the groups'
/// uses of slots, so churn cannot grow the set beyond twice what the groups hold.
#[derive(Debug, Default)]
pub(super) struct Meetings {
    pub(super) held: HashSet<Arc<importers::Meeting>>,
    /// The groups' uses of slots (one per meeting of each indexed group).
    in_use: usize,
    /// How many were held after the last prune.
    kept: usize,
}

impl Meetings {
    fn intern(&mut self, m: &importers::Meeting) -> Arc<importers::Meeting> {
        self.in_use += 1;
        if let Some(held) = self.held.get(m) {
            return held.clone();
        }
        let held = Arc::new(m.clone());
        self.held.insert(held.clone());
        held
    }

    /// A group lets go of its slots.
    fn release(&mut self, slots: Box<[Arc<importers::Meeting>]>) {
        self.in_use = self.in_use.saturating_sub(slots.len());
        drop(slots);
        self.prune();
    }

    /// Drops the slots no group holds, once the set has doubled since the last prune or holds
    /// twice as many as the groups use (then at least half go): each prune's cost is paid for
    /// by the growth or the drops before it.
    fn prune(&mut self) {
        let held = self.held.len();
        if held > 1024 && (held > 2 * self.kept || held > 2 * self.in_use) {
            self.held.retain(|m| Arc::strong_count(m) > 1);
            self.kept = self.held.len();
            // A set that churn once made large gives its room back.
            if self.held.capacity() > 4 * self.kept.max(256) {
                self.held.shrink_to(2 * self.kept);
            }
        }
    }
}

/// What one ordinal holds: its group's id and what the group was indexed under.
#[derive(Debug, Clone)]
pub(super) struct Slot {
    pub(super) id: Arc<str>,
    pub(super) sort_name: Arc<str>,
    /// Facet value ids, each packed with its facet (`pack`).
    keys: Box<[u32]>,
    /// Token ids of the text fields in order, fields separated by `FIELD_BREAK`.
    pub(super) text: Box<[u32]>,
    pub(super) point: Option<(f64, f64)>,
    /// The group's meeting slots, for `upcoming` (shared: `Meetings`).
    pub(super) meetings: Box<[Arc<importers::Meeting>]>,
}

/// Separates the text fields in `Slot::text`, so a phrase never spans two fields.
pub(super) const FIELD_BREAK: u32 = u32::MAX;

/// Facet in the top 5 bits, value id in the low 27.
const VALUE_BITS: u32 = 27;

fn pack(facet: Facet, id: u32) -> u32 {
    assert!(id < 1 << VALUE_BITS, "fewer than 2^27 values in one facet");
    (facet as u32) << VALUE_BITS | id
}

fn unpack(key: u32) -> (usize, u32) {
    ((key >> VALUE_BITS) as usize, key & ((1 << VALUE_BITS) - 1))
}
