//! How many groups carry each name, counted in the store for the matcher (`dedup::NameTable`):
//! every stored record holds a name carrier key (`dedup::CARRIER_PREFIX`), and the store
//! counts the distinct ones of a name per source. The matcher reads nothing itself; regroup
//! asks this file for the table of the records it compares.

use std::collections::{BTreeMap, BTreeSet};

use crate::dedup::{self, Features, NameTable};
use crate::model::StoredRecord;
use crate::store::Store;

/// Counts from the store, each name asked once.
pub(super) struct Carriers<'a> {
    store: &'a Store,
    /// Name key -> the most groups one source lists under it (capped just above rare).
    counted: BTreeMap<String, u32>,
}

impl<'a> Carriers<'a> {
    pub fn new(store: &'a Store) -> Self {
        Carriers { store, counted: BTreeMap::new() }
    }

    /// A table for the names of `features`, from the store alone.
    pub fn table_for(&mut self, features: &[&Features]) -> anyhow::Result<NameTable> {
        let mut table = NameTable::default();
        for f in features {
            let key = dedup::name_key(&f.name);
            let n = self.stored(&key)?;
            table.set(&key, n);
        }
        Ok(table)
    }

    /// The table of `records` (a regroup's): per name, the store's count or the records' own
    /// as the run leaves them, whichever is larger.
    pub fn table_of<'r>(&mut self, records: impl Iterator<Item = &'r StoredRecord>) -> anyhow::Result<NameTable> {
        let features: Vec<(&str, Features)> =
            records.map(|r| (r.key.source_id.as_str(), Features::of(&r.listing))).collect();
        let here = NameTable::count(features.iter().map(|(s, f)| (*s, f)));
        let keys: BTreeSet<String> = features.iter().map(|(_, f)| dedup::name_key(&f.name)).collect();
        let mut table = NameTable::default();
        for k in keys {
            let n = self.stored(&k)?.max(here.get(&k).unwrap_or(0));
            table.set(&k, n);
        }
        Ok(table)
    }

    /// How many groups one directory lists under the name `key` in the store.
    fn stored(&mut self, key: &str) -> anyhow::Result<u32> {
        if let Some(&n) = self.counted.get(key) {
            return Ok(n);
        }
        let prefix = format!("{}{key}|", dedup::CARRIER_PREFIX);
        let n = self.store.most_blocks_per_source(&prefix, dedup::RARE_MAX)?;
        self.counted.insert(key.to_owned(), n);
        Ok(n)
    }
}
