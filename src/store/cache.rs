//! Decoded live groups kept in memory for the pages searches return: a page of 20 groups costs
//! 20 map lookups instead of 20 sled reads and decodes. Bounded by what the groups weigh, their
//! stored JSON's length: cleared when full, so it holds at most `CAPACITY_BYTES` of JSON
//! whatever the size of the groups (a decoded group takes three to four times its JSON). A
//! bound of 50,000 groups held 190 MB once a client had paged through a large directory.
//! Commits drop the groups they change, under the store's write lock, so a search never reads
//! a group older than the index that found it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::model::StoredGroup;

/// The most bytes of groups held, by their stored JSON's length (about 60 MB decoded): some
/// 10,000 groups of 1.5 KB, a busy area's pages many times over.
const CAPACITY_BYTES: usize = 16 << 20;

#[derive(Default)]
pub(super) struct GroupCache {
    held: RwLock<Held>,
}

#[derive(Default)]
struct Held {
    groups: HashMap<Box<str>, (Arc<StoredGroup>, usize)>,
    bytes: usize,
}

impl GroupCache {
    pub fn get(&self, id: &str) -> Option<Arc<StoredGroup>> {
        self.held.read().unwrap_or_else(|e| e.into_inner()).groups.get(id).map(|(g, _)| g.clone())
    }

    /// Keeps `group`, which weighs `bytes`; one heavier than the whole cache is not kept.
    pub fn put(&self, group: Arc<StoredGroup>, bytes: usize) {
        if bytes > CAPACITY_BYTES {
            return;
        }
        let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
        if held.bytes + bytes > CAPACITY_BYTES {
            held.groups.clear();
            held.bytes = 0;
        }
        if let Some((_, before)) = held.groups.insert(group.id.as_str().into(), (group, bytes)) {
            held.bytes -= before;
        }
        held.bytes += bytes;
    }

    pub fn forget(&self, id: &str) {
        let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
        if let Some((_, bytes)) = held.groups.remove(id) {
            held.bytes -= bytes;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(id: &str) -> Arc<StoredGroup> {
        Arc::new(StoredGroup {
            id: id.to_owned(),
            listing: importers::Listing { name: id.to_owned(), ..Default::default() },
            records: Vec::new(),
            links: Vec::new(),
            meetings: Vec::new(),
            status: crate::model::GroupStatus::Active,
            status_conflict: None,
            first_seen: chrono::DateTime::UNIX_EPOCH,
            updated_at: chrono::DateTime::UNIX_EPOCH,
        })
    }

    #[test]
    fn holds_at_most_its_bytes_and_forgets_what_commits_change() {
        let cache = GroupCache::default();
        let each = CAPACITY_BYTES / 4;
        for id in ["a", "b", "c", "d"] {
            cache.put(group(id), each);
        }
        assert!(["a", "b", "c", "d"].iter().all(|id| cache.get(id).is_some()), "four fit");
        cache.put(group("e"), each);
        assert!(cache.get("a").is_none() && cache.get("e").is_some(), "a fifth clears the rest first");
        cache.put(group("e"), each);
        cache.forget("e");
        assert!(cache.get("e").is_none());
        assert_eq!(cache.held.read().unwrap().bytes, 0, "a group put twice and forgotten weighs nothing");
        cache.put(group("huge"), CAPACITY_BYTES + 1);
        assert!(cache.get("huge").is_none(), "a group heavier than the whole cache is not kept");
    }
}
