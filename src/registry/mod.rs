//! The source registry: which sources exist now, as the scheduler, the ingestor and the API
//! see them. Seeded from the configuration file and the store at start (`seed`), changed by
//! operators through the API (`manage`), persisted in the store's `registry` tree.
//!
//! Which wins: a source in the file is written to the store the first time it is seen; after
//! that the file's definition is applied again whenever it changes in the file, unless an
//! operator has edited the source through the API (then the API's stands and a warning says
//! so). `pinned = true` in the file makes the file win always: the API cannot update or delete
//! the source (pausing it still works). A source removed from the file is deleted: its records
//! go missing and leave after the grace period, as with `deleteSource`.
//!
//! Every change bumps a `watch` counter; the scheduler follows it to add, change and remove
//! cron jobs at once.

mod manage;
mod seed;
#[cfg(test)]
mod tests;

use std::sync::{Arc, RwLock};

use tokio::sync::watch;

use crate::config::{SourceSettings, SourceValidator};
use crate::model::{Stamp, StoredSource};
use crate::store::Store;

pub use manage::{Change, RegistryError};

/// A source the registry holds: its settings and whether it is paused.
#[derive(Debug, Clone)]
pub struct Entry {
    pub settings: Arc<SourceSettings>,
    pub paused: Option<Stamp>,
    pub stored: StoredSource,
}

/// The live set of sources; cheap to clone.
#[derive(Clone)]
pub struct SourceRegistry {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    validator: SourceValidator,
    state: RwLock<State>,
    changes: watch::Sender<u64>,
}

#[derive(Default)]
struct State {
    /// Live (not deleted) sources, in the file's order, then the API's by creation.
    entries: Vec<Entry>,
    /// Stored sources whose definition no longer validates (e.g. a topic removed from the
    /// file): not run, not retired, reported (id, why).
    broken: Vec<(String, String)>,
}

impl SourceRegistry {
    fn with(store: Store, validator: SourceValidator, state: State) -> Self {
        let (changes, _) = watch::channel(0);
        SourceRegistry { inner: Arc::new(Inner { store, validator, state: RwLock::new(state), changes }) }
    }

    /// Every live source, paused ones included.
    pub fn entries(&self) -> Vec<Entry> {
        self.read().entries.clone()
    }

    /// The settings of every live source.
    pub fn sources(&self) -> Vec<Arc<SourceSettings>> {
        self.read().entries.iter().map(|e| e.settings.clone()).collect()
    }

    pub fn entry(&self, id: &str) -> Option<Entry> {
        self.read().entries.iter().find(|e| e.settings.id == id).cloned()
    }

    pub fn source(&self, id: &str) -> Option<Arc<SourceSettings>> {
        self.entry(id).map(|e| e.settings)
    }

    /// Stored sources whose definitions do not validate any more: (id, why).
    pub fn broken(&self) -> Vec<(String, String)> {
        self.read().broken.clone()
    }

    /// Whether `id` names a source whose records must stay (live or broken): the others'
    /// records are retired.
    pub fn keeps_records_of(&self, id: &str) -> bool {
        let state = self.read();
        state.entries.iter().any(|e| e.settings.id == id) || state.broken.iter().any(|(b, _)| b == id)
    }

    /// Follows changes: the value changes whenever a source is added, changed, paused,
    /// resumed or deleted.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.inner.changes.subscribe()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.inner.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.inner.state.write().unwrap_or_else(|e| e.into_inner())
    }

    fn changed(&self) {
        self.inner.changes.send_modify(|n| *n += 1);
    }
}
