//! Decoded live groups kept in memory for the pages searches return: a page of 20 groups costs
//! 20 map lookups instead of 20 sled reads and JSON decodes. Bounded (cleared when full, so
//! memory stays at most `CAPACITY` groups); commits drop the groups they change, under the
//! store's write lock, so a search never reads a group older than the index that found it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::model::StoredGroup;

/// The most groups held; a directory's busy areas fit many times over.
const CAPACITY: usize = 50_000;

#[derive(Default)]
pub(super) struct GroupCache {
    groups: RwLock<HashMap<Box<str>, Arc<StoredGroup>>>,
}

impl GroupCache {
    pub fn get(&self, id: &str) -> Option<Arc<StoredGroup>> {
        self.groups.read().unwrap_or_else(|e| e.into_inner()).get(id).cloned()
    }

    pub fn put(&self, group: Arc<StoredGroup>) {
        let mut groups = self.groups.write().unwrap_or_else(|e| e.into_inner());
        if groups.len() >= CAPACITY {
            groups.clear();
        }
        groups.insert(group.id.as_str().into(), group);
    }

    pub fn forget(&self, id: &str) {
        self.groups.write().unwrap_or_else(|e| e.into_inner()).remove(id);
    }
}
