//! One sorted value -> bitmap map: the postings of one facet, or of every text token.
//!
//! Values are interned: each live value has a dense id whose bitmap holds the ordinals of the
//! groups indexed under it. A value whose bitmap empties is dropped and its id reused, so
//! churn does not grow the map. The map is ordered, so a prefix or a range of values is one
//! `BTreeMap::range`.

use std::collections::BTreeMap;
use std::ops::Bound;

use roaring::{MultiOps, RoaringBitmap};

#[derive(Debug, Default, Clone)]
pub(crate) struct Postings {
    map: BTreeMap<Box<str>, u32>,
    /// By value id; an id on the free list has an empty bitmap and an empty name.
    bits: Vec<RoaringBitmap>,
    names: Vec<Box<str>>,
    free: Vec<u32>,
    /// Lent where a value has no groups.
    empty: RoaringBitmap,
}

impl Postings {
    /// Adds `ord` under `value`; returns the value's id.
    pub(crate) fn add(&mut self, value: &str, ord: u32) -> u32 {
        let id = match self.map.get(value) {
            Some(&id) => id,
            None => {
                let id = match self.free.pop() {
                    Some(id) => {
                        self.names[id as usize] = value.into();
                        id
                    }
                    None => {
                        let id = u32::try_from(self.bits.len()).expect("fewer than 2^32 values");
                        self.bits.push(RoaringBitmap::new());
                        self.names.push(value.into());
                        id
                    }
                };
                self.map.insert(value.into(), id);
                id
            }
        };
        self.bits[id as usize].insert(ord);
        id
    }

    /// Takes `ord` out of the value with this id, dropping the value when none is left.
    pub(crate) fn remove(&mut self, id: u32, ord: u32) {
        let bits = &mut self.bits[id as usize];
        bits.remove(ord);
        if bits.is_empty() {
            let name = std::mem::take(&mut self.names[id as usize]);
            self.map.remove(&name);
            self.free.push(id);
        }
    }

    pub(crate) fn id(&self, value: &str) -> Option<u32> {
        self.map.get(value).copied()
    }

    pub(crate) fn bits(&self, id: u32) -> &RoaringBitmap {
        &self.bits[id as usize]
    }

    /// The groups under `value` (an empty bitmap when none).
    pub(crate) fn get(&self, value: &str) -> &RoaringBitmap {
        self.id(value).map_or(&self.empty, |id| self.bits(id))
    }

    /// Live values in order, with their bitmaps.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &RoaringBitmap)> {
        self.map.iter().map(|(v, &id)| (&**v, self.bits(id)))
    }

    /// Values within the bounds, in order, with their ids.
    pub(crate) fn range<'a>(&'a self, lo: Bound<&'a str>, hi: Bound<&'a str>) -> impl Iterator<Item = (&'a str, u32)> {
        self.map.range::<str, _>((lo, hi)).map(|(v, &id)| (&**v, id))
    }

    /// Values starting with `prefix`, in order, with their ids.
    pub(crate) fn prefixed<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, u32)> {
        self.range(Bound::Included(prefix), Bound::Unbounded).take_while(move |(v, _)| v.starts_with(prefix))
    }

    /// The union of the bitmaps of the given ids.
    pub(crate) fn union(&self, ids: impl Iterator<Item = u32>) -> RoaringBitmap {
        ids.map(|id| self.bits(id)).union()
    }

    /// How many values are live.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_dropped_when_empty_and_their_ids_reused() {
        let mut p = Postings::default();
        let a = p.add("alpha", 1);
        assert_eq!(p.add("alpha", 2), a);
        let b = p.add("beta", 1);
        p.remove(b, 1);
        assert_eq!(p.len(), 1);
        assert!(p.get("beta").is_empty());
        assert_eq!(p.add("gamma", 7), b, "the freed id is reused");
        assert_eq!(p.get("gamma").iter().collect::<Vec<_>>(), [7]);
        p.remove(a, 1);
        assert_eq!(p.get("alpha").iter().collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn prefixes_and_ranges_follow_the_value_order() {
        let mut p = Postings::default();
        for (i, v) in ["meet", "meeting", "meetings", "men", "me"].iter().enumerate() {
            p.add(v, i as u32);
        }
        let pre: Vec<&str> = p.prefixed("meet").map(|(v, _)| v).collect();
        assert_eq!(pre, ["meet", "meeting", "meetings"]);
        let all = p.union(p.prefixed("me").map(|(_, id)| id));
        assert_eq!(all.len(), 5);
        let mid: Vec<&str> = p.range(Bound::Excluded("meet"), Bound::Included("men")).map(|(v, _)| v).collect();
        assert_eq!(mid, ["meeting", "meetings", "men"]);
    }
}
