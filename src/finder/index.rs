//! `Index`: every searchable group by a dense u32 ordinal, one bitmap per facet value, the
//! sorted text tokens, the spatial grid and the ID and NAME orders.
//!
//! Only Active and Missing groups are held; upserting a Removed group removes it. Each slot
//! remembers what its group was indexed under (facet value ids packed with their facet in one
//! u32, the token-id sequence of its text fields, its point, its sort name), so an upsert of a
//! changed group first takes the ordinal out of exactly those bitmaps. A removed group's
//! ordinal goes to a free list and is reused by the next new group.

use std::collections::BTreeMap;

use roaring::RoaringBitmap;

use super::facts::{facts, indexed, Facet, Facts};
use super::geo::Grid;
use super::postings::Postings;
use crate::model::{haversine_km, StoredGroup};

/// The in-memory search index of the directory's live groups.
#[derive(Debug, Clone)]
pub struct Index {
    pub(super) slots: Vec<Option<Slot>>,
    free: Vec<u32>,
    /// Id -> ordinal, and the ID order.
    pub(super) by_id: BTreeMap<Box<str>, u32>,
    /// `Facts::sort_name` -> ordinal: the NAME order.
    pub(super) by_name: BTreeMap<Box<str>, u32>,
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
        if let Some(slot) = self.slots[ord as usize].as_mut() {
            slot.meetings = g.listing.meetings.clone().into();
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
        self.by_id.insert(id.into(), ord);
        self.slots[ord as usize] = Some(Slot {
            id: id.into(),
            sort_name: Box::default(),
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
        self.by_name.insert(facts.sort_name.as_str().into(), ord);
        let slot = self.slots[ord as usize].as_mut().expect("an allocated ordinal has a slot");
        slot.keys = keys;
        slot.text = text.into();
        slot.point = facts.point;
        slot.sort_name = facts.sort_name.into();
    }

    /// Takes the ordinal out of every bitmap, order and cell it was indexed under.
    fn unindex(&mut self, ord: u32) {
        let Some(slot) = self.slots[ord as usize].as_mut() else { return };
        let keys = std::mem::take(&mut slot.keys);
        let mut text = std::mem::take(&mut slot.text).into_vec();
        let point = slot.point.take();
        let sort_name = std::mem::take(&mut slot.sort_name);
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

/// What one ordinal holds: its group's id and what the group was indexed under.
#[derive(Debug, Clone)]
pub(super) struct Slot {
    pub(super) id: Box<str>,
    pub(super) sort_name: Box<str>,
    /// Facet value ids, each packed with its facet (`pack`).
    keys: Box<[u32]>,
    /// Token ids of the text fields in order, fields separated by `FIELD_BREAK`.
    pub(super) text: Box<[u32]>,
    pub(super) point: Option<(f64, f64)>,
    /// The group's meeting slots, for `upcoming`.
    pub(super) meetings: Box<[importers::Meeting]>,
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
