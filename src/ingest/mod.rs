//! One import run of one source: fetch, parse, diff, regroup, commit, publish.
//!
//! `Ingestor::run_source` is a plain async fn that the scheduler, the CLI, the operator
//! mutation and the tests all call. Runs of one source never overlap (a per-source lock);
//! the regroup-and-commit step is serialised across sources because groups span sources.
//! A failed fetch, an unreadable or empty document, or a run that would remove an unusual
//! share of a source changes nothing but the run log.
//!
//! The rooms: `import` (the steps of one run), `documents` (the multi-document loop and its
//! hash), `policy` (no-op, refused and held runs), `diff` (feed vs stored records), `losses`
//! (what updates strip from records), `regroup`
//! (records to groups, and `GroupChanges::into_commit`, the one step from a regroup to a
//! store write), `corrections` (operator links), `run` (the run being built), `telemetry`
//! (metrics and the log line), `follow` (follow-up URLs), `excerpt` (what an error may quote
//! of a document), `rekey` (re-keying after upgrades), `carriers` (how many groups carry a
//! name, for the matcher), `reviews` (what the matcher is unsure of, for the review queue),
//! `report` (a run's changes by group name), `held` (applying and discarding held runs),
//! `health` (for operators and alerts), `retire` (the records of sources that no longer
//! exist), `preview` (a dry run). A run's error is redacted
//! (`fetch::redact`) before it is stored.

mod carriers;
mod corrections;
mod diff;
mod documents;
mod excerpt;
mod follow;
mod health;
mod held;
mod import;
mod losses;
mod policy;
mod preview;
mod regroup;
mod rekey;
mod report;
mod retire;
mod reviews;
mod run;
mod telemetry;

use std::collections::HashMap;
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::Instant;

use chrono::Utc;
use tokio::sync::Mutex;

use crate::config::{IngestSettings, SourceSettings};
use crate::events::{EventBus, GroupEvent};
use crate::fetch::Fetcher;
use crate::model::ImportRun;
use crate::registry::SourceRegistry;
use crate::store::Store;

pub use diff::{diff, RecordChanges};
pub use health::SourceHealth;
pub use policy::Removals;
pub use preview::{Preview, RecordChange};
pub use regroup::{regroup, GroupChanges};
pub use reviews::match_reviews;

/// Runs imports against one store; cheap to clone.
#[derive(Clone)]
pub struct Ingestor {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    fetcher: Fetcher,
    events: EventBus,
    settings: IngestSettings,
    /// Which sources exist now (config and API); read at the start of every run.
    registry: SourceRegistry,
    /// This instance's id: a listing whose origins name it is an echo and is refused.
    instance_id: Arc<str>,
    /// One lock per source id, made on first use: runs of one source never overlap.
    source_locks: SyncMutex<HashMap<String, Arc<Mutex<()>>>>,
    commit_lock: Arc<Mutex<()>>,
}

/// Why a run could not even start.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("no source with id `{0}` is configured")]
    UnknownSource(String),
    #[error("source `{0}` is paused: resume it (resumeSource) to import it")]
    Paused(String),
    #[error("{0}")]
    NotHeld(String),
    #[error("no record `{0}` is stored")]
    UnknownRecord(String),
    #[error("a record cannot be linked to or unlinked from itself")]
    SameRecord,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Ingestor {
    pub fn new(
        store: Store,
        fetcher: Fetcher,
        events: EventBus,
        settings: IngestSettings,
        registry: SourceRegistry,
        instance_id: Arc<str>,
    ) -> Self {
        Ingestor {
            inner: Arc::new(Inner {
                store,
                fetcher,
                events,
                settings,
                registry,
                instance_id,
                source_locks: SyncMutex::default(),
                commit_lock: Arc::new(Mutex::new(())),
            }),
        }
    }

    /// Every live source now, paused ones included.
    pub fn sources(&self) -> Vec<Arc<SourceSettings>> {
        self.inner.registry.sources()
    }

    pub fn source(&self, id: &str) -> Option<Arc<SourceSettings>> {
        self.inner.registry.source(id)
    }

    pub fn registry(&self) -> &SourceRegistry {
        &self.inner.registry
    }

    /// The run lock of source `id`.
    fn source_lock(&self, id: &str) -> Arc<Mutex<()>> {
        let mut locks = self.inner.source_locks.lock().unwrap_or_else(|e| e.into_inner());
        locks.entry(id.to_owned()).or_default().clone()
    }

    /// Imports one source now and returns the run (also when it failed: see `outcome`). A
    /// run that would remove an unusual share of the source is held.
    pub async fn run_source(&self, source_id: &str) -> Result<ImportRun, IngestError> {
        self.run_source_with(source_id, Removals::Hold).await
    }

    /// `run_source`, deciding what a run that removes an unusual share of the source does.
    pub async fn run_source_with(&self, source_id: &str, removals: Removals) -> Result<ImportRun, IngestError> {
        let entry =
            self.inner.registry.entry(source_id).ok_or_else(|| IngestError::UnknownSource(source_id.to_owned()))?;
        if entry.paused.is_some() {
            return Err(IngestError::Paused(source_id.to_owned()));
        }
        let lock = self.source_lock(source_id);
        let _running = lock.lock().await;
        // Read again under the lock: the source may have changed while this run waited.
        let source = self.source(source_id).ok_or_else(|| IngestError::UnknownSource(source_id.to_owned()))?;
        let source = &*source;
        let started = Instant::now();
        let mut run = run::Run::new(source, Utc::now());
        let run = match self.import(source, &mut run, removals).await {
            Ok(done) => done,
            Err(e) => {
                let error = format!("source `{}` ({}): {e:#}", source.id, source.location);
                let failed = run.fail(crate::fetch::redact::text(&error));
                self.record_failed_run(source, &failed).await?;
                failed
            }
        };
        telemetry::finished(&source.id, &run, started.elapsed());
        Ok(run)
    }

    /// Like `run_source`, but returns `None` at once when the source is already running.
    pub async fn try_run_source(&self, source_id: &str) -> Option<Result<ImportRun, IngestError>> {
        let lock = self.source_lock(source_id);
        if lock.try_lock().is_err() {
            return None;
        }
        Some(self.run_source(source_id).await)
    }

    /// Imports every enabled source, one after another.
    pub async fn run_all(&self) -> Vec<Result<ImportRun, IngestError>> {
        let mut out = Vec::new();
        for e in self.inner.registry.entries().into_iter().filter(|e| e.settings.enabled && e.paused.is_none()) {
            out.push(self.run_source(&e.settings.id).await);
        }
        out
    }

    /// The review queue's data for one source: the pairs among its records (and the records
    /// they could be grouped with) that the matcher abstained on or joined on weak evidence,
    /// each with its evidence (`dedup::Review`), sorted by pair. It regroups as an import would
    /// and writes nothing; a source with no stored records has none.
    pub fn match_reviews(&self, source_id: &str) -> anyhow::Result<Vec<crate::dedup::Review>> {
        let keys: Vec<_> = self.inner.store.record_digests(source_id)?.into_iter().map(|r| r.key).collect();
        reviews::match_reviews(&self.inner.store, &self.trust(), &keys)
    }

    /// Each source's trust, as merging weighs it (0 for a source no longer configured).
    fn trust(&self) -> impl Fn(&str) -> u8 + 'static {
        let sources = self.inner.registry.sources();
        move |id: &str| sources.iter().find(|s| s.id == id).map(|s| s.trust).unwrap_or(0)
    }

    /// Publishes what a commit changed, once it is applied.
    fn publish(&self, events: Vec<GroupEvent>) {
        self.inner.events.publish_all(events);
    }
}
