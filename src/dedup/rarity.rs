//! How rare a name is: term-frequency evidence, as Fellegi-Sunter matchers weigh it.
//!
//! "The Lantern Keepers" at 20:00 on Thursdays in one town is one group even when two
//! directories disagree on the church; "Big Book Study" at noon is not, because many groups
//! carry that name. A `NameTable` counts, per directory (source), how many distinct groups
//! carry each name: listings of one name at one place (or in one online room) in one town are
//! one group, whatever their meeting times. A name is rare when no directory lists it for more
//! than `RARE_MAX` groups.
//!
//! The table is data the caller gives the matcher (the matcher reads nothing): ingest counts
//! the store's own listings through the carrier keys stored with each record
//! (`carrier_key`, prefixed `CARRIER_PREFIX`), and `cluster` without a table counts the
//! records it is given. Pure: no IO.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::features::Features;

/// The prefix of carrier keys among a record's stored blocking keys.
pub const CARRIER_PREFIX: &str = "nm:";

/// A name is rare when no directory lists more groups under it than this.
pub const RARE_MAX: u32 = 1;

/// Names and how many groups carry each, per directory. Names are held as 64-bit hashes: a
/// collision only adds carriers (a name looks less rare), never removes them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NameTable {
    /// Name hash -> the largest number of distinct groups one source lists under it.
    carriers: HashMap<u64, u32>,
}

/// What one record contributes to a `NameTable`: hashes of its source, name and place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Carrier {
    source: u64,
    name: u64,
    place: u64,
}

impl Carrier {
    /// The record's carrier, when it has a name and says where it meets (as `carrier_key`,
    /// hashed without building the key).
    pub fn of(source: &str, f: &Features) -> Option<Carrier> {
        if f.name.is_empty() {
            return None;
        }
        let mut place = DefaultHasher::new();
        f.locality.as_deref().or(f.postcode.as_deref()).unwrap_or("-").hash(&mut place);
        match (&f.street, &f.venue, &f.conference, f.point) {
            (Some(street), ..) => ("a", street.as_str()).hash(&mut place),
            (None, Some(venue), ..) => ("v", venue.as_str()).hash(&mut place),
            (None, None, Some(c), _) => ("c", c.as_str()).hash(&mut place),
            (None, None, None, Some((lat, lon))) => {
                ("x", (lat * 1000.0).round() as i64, (lon * 1000.0).round() as i64).hash(&mut place)
            }
            _ => return None,
        }
        Some(Carrier { source: hash(source), name: name_hash(&f.name), place: place.finish() })
    }
}

impl NameTable {
    /// Counts the carriers of every name in `records` (source id, features).
    pub fn count<'a>(records: impl IntoIterator<Item = (&'a str, &'a Features)>) -> NameTable {
        NameTable::of_carriers(records.into_iter().filter_map(|(s, f)| Carrier::of(s, f)))
    }

    /// Counts carriers: one group per distinct place of a name in a source.
    pub fn of_carriers(carriers: impl IntoIterator<Item = Carrier>) -> NameTable {
        // Sorted by name, source, place: each run of one (name, source) counts its places.
        let mut all: Vec<(u64, u64, u64)> = carriers.into_iter().map(|c| (c.name, c.source, c.place)).collect();
        all.sort_unstable();
        all.dedup();
        let mut carriers: HashMap<u64, u32> = HashMap::new();
        for run in all.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
            let entry = carriers.entry(run[0].0).or_default();
            *entry = (*entry).max(run.len() as u32);
        }
        NameTable { carriers }
    }

    /// Records that the name `key` (as in `name_key`) is carried by `groups` groups in one
    /// source; the table keeps the largest count given.
    pub fn set(&mut self, key: &str, groups: u32) {
        let entry = self.carriers.entry(hash(key)).or_default();
        *entry = (*entry).max(groups);
    }

    /// How many groups one directory lists under the listing's name, at most; `None` when the
    /// table does not know the name.
    pub fn carriers(&self, f: &Features) -> Option<u32> {
        self.carriers.get(&name_hash(&f.name)).copied()
    }

    /// The same, by name key (`name_key`).
    pub fn get(&self, key: &str) -> Option<u32> {
        self.carriers.get(&hash(key)).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.carriers.is_empty()
    }
}

/// The name as the table counts it: its significant words, in order.
pub fn name_key(words: &[String]) -> String {
    words.join(" ")
}

/// "name|town|place": which group of its source carries the listing's name (the same name at
/// one place in one town is one group, whatever its times). `None` for a listing without a
/// name or without anything that says where it meets.
pub fn carrier_key(f: &Features) -> Option<String> {
    if f.name.is_empty() {
        return None;
    }
    let town = f.locality.as_deref().or(f.postcode.as_deref()).unwrap_or("-");
    let place = f
        .street
        .clone()
        .or_else(|| f.venue.clone())
        .or_else(|| f.conference.as_ref().map(|c| format!("c:{c}")))
        .or_else(|| f.point.map(|(lat, lon)| format!("x:{lat:.3},{lon:.3}")))?;
    Some(format!("{}|{town}|{place}", name_key(&f.name)))
}

/// The stored key of a carrier: `CARRIER_PREFIX` + `carrier_key`.
pub fn stored_key(f: &Features) -> Option<String> {
    carrier_key(f).map(|k| format!("{CARRIER_PREFIX}{k}"))
}

/// The family of a stored carrier key: `CARRIER_PREFIX`, the name and its `|` (the name's
/// words are alphanumeric, so the first `|` ends it), which the store counts per source;
/// `None` for any other key.
pub fn carrier_family(key: &str) -> Option<&str> {
    let name = key.strip_prefix(CARRIER_PREFIX)?;
    name.find('|').map(|i| &key[..CARRIER_PREFIX.len() + i + 1])
}

/// The hash a table holds a name under (`Features::name_hash` keeps it).
pub fn name_hash(words: &[String]) -> u64 {
    hash(&name_key(words))
}

fn hash(s: &str) -> u64 {
    let mut h = DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::testing::features;

    fn at(name: &str, town: &str, street: &str) -> Features {
        Features { street: Some(street.to_owned()), ..features(name, Some(town), None) }
    }

    #[test]
    fn a_name_is_counted_once_per_group_and_per_directory() {
        let a = at("Lantern Keepers", "Riverton", "12 church");
        let a_again = Features { slots: vec!["thursday|20:00".into()], ..a.clone() };
        let moved = at("Lantern Keepers", "Riverton", "40 mill");
        let b1 = at("Big Book Study", "Riverton", "12 church");
        let b2 = at("Big Book Study", "Riverton", "40 mill");
        let b3 = at("Big Book Study", "Milford", "1 main");
        let table = NameTable::count([
            ("dira", &a),
            ("dira", &a_again),
            ("dirb", &moved),
            ("dira", &b1),
            ("dira", &b2),
            ("dira", &b3),
        ]);
        assert_eq!(table.carriers(&a), Some(1), "two meetings of one group, and the group in another directory");
        assert_eq!(table.carriers(&b1), Some(3));
        assert_eq!(table.carriers(&features("Unknown Name", None, None)), None);
    }
}
