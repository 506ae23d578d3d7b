//! The stored group format: which version of `StoredGroup` the `groups` tree holds, so an
//! upgrade knows when groups must be reassembled (format 2 groups hold several meetings; a
//! store written before holds one-slot groups and records no format).

use super::{read_u64, Store};
use crate::model::GROUP_FORMAT;

const FORMAT_KEY: &[u8] = b"group_format";

impl Store {
    /// The format of the stored groups: the recorded one; 1 for a store written before formats
    /// were recorded that holds groups; the current one for a store with no groups yet.
    pub fn group_format(&self) -> anyhow::Result<u64> {
        let t = &self.inner.trees;
        let recorded = read_u64(&t.meta, FORMAT_KEY)?;
        if recorded > 0 {
            return Ok(recorded);
        }
        Ok(if t.groups.is_empty() && t.tombstones.is_empty() { GROUP_FORMAT } else { 1 })
    }

    /// Records the current format on a store that holds no groups yet, so groups written from
    /// now on are known to be in it (called at open).
    pub(super) fn record_format_if_new(&self) -> anyhow::Result<()> {
        let t = &self.inner.trees;
        if read_u64(&t.meta, FORMAT_KEY)? == 0 && t.groups.is_empty() && t.tombstones.is_empty() {
            t.meta.insert(FORMAT_KEY, &GROUP_FORMAT.to_be_bytes()[..])?;
        }
        Ok(())
    }

    /// Records that every stored group is now in `format`.
    pub fn set_group_format(&self, format: u64) -> anyhow::Result<()> {
        let _w = self.inner.lock.write().unwrap_or_else(|e| e.into_inner());
        self.inner.trees.meta.insert(FORMAT_KEY, &format.to_be_bytes()[..])?;
        self.inner.db.flush()?;
        Ok(())
    }

    /// The source ids the store keeps a state for (every source that ever ran), sorted: a
    /// superset of the sources with records, without scanning the records.
    pub fn source_ids(&self) -> anyhow::Result<Vec<String>> {
        let mut out = Vec::new();
        for kv in self.inner.trees.sources.iter() {
            let (k, _) = kv?;
            out.push(String::from_utf8_lossy(&k).into_owned());
        }
        Ok(out)
    }

    /// The source ids that have records in the store, sorted.
    pub fn record_sources(&self) -> anyhow::Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for kv in self.inner.trees.records.iter() {
            let (k, _) = kv?;
            let source = k.split(|b| *b == 0).next().unwrap_or_default();
            let source = String::from_utf8_lossy(source);
            if out.last().map(String::as_str) != Some(&*source) {
                out.push(source.into_owned());
            }
        }
        Ok(out)
    }
}
