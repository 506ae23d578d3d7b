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
//! name, for the matcher), `reviews` (what the matcher is unsure of, for the review queue). A run's error is redacted
//! (`fetch::redact`) before it is stored.

mod carriers;
mod corrections;
mod diff;
mod documents;
mod excerpt;
mod follow;
mod import;
mod losses;
mod policy;
mod regroup;
mod rekey;
mod reviews;
mod run;
mod telemetry;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use tokio::sync::Mutex;

use crate::config::{IngestSettings, SourceSettings};
use crate::events::{EventBus, GroupEvent};
use crate::fetch::Fetcher;
use crate::model::ImportRun;
use crate::store::Store;

pub use diff::{diff, RecordChanges};
pub use policy::Removals;
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
    sources: Vec<SourceSettings>,
    /// This instance's id: a listing whose origins name it is an echo and is refused.
    instance_id: Arc<str>,
    source_locks: HashMap<String, Arc<Mutex<()>>>,
    commit_lock: Arc<Mutex<()>>,
}

/// Why a run could not even start.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("no source with id `{0}` is configured")]
    UnknownSource(String),
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
        sources: Vec<SourceSettings>,
        instance_id: Arc<str>,
    ) -> Self {
        let source_locks = sources.iter().map(|s| (s.id.clone(), Arc::new(Mutex::new(())))).collect();
        Ingestor {
            inner: Arc::new(Inner {
                store,
                fetcher,
                events,
                settings,
                sources,
                instance_id,
                source_locks,
                commit_lock: Arc::new(Mutex::new(())),
            }),
        }
    }

    pub fn sources(&self) -> &[SourceSettings] {
        &self.inner.sources
    }

    pub fn source(&self, id: &str) -> Option<&SourceSettings> {
        self.inner.sources.iter().find(|s| s.id == id)
    }

    /// Imports one source now and returns the run (also when it failed: see `outcome`). A
    /// run that would remove an unusual share of the source is held.
    pub async fn run_source(&self, source_id: &str) -> Result<ImportRun, IngestError> {
        self.run_source_with(source_id, Removals::Hold).await
    }

    /// `run_source`, deciding what a run that removes an unusual share of the source does.
    pub async fn run_source_with(&self, source_id: &str, removals: Removals) -> Result<ImportRun, IngestError> {
        let source = self.source(source_id).ok_or_else(|| IngestError::UnknownSource(source_id.to_owned()))?;
        let lock = self.inner.source_locks.get(source_id).cloned().unwrap_or_default();
        let _running = lock.lock().await;
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
        let lock = self.inner.source_locks.get(source_id)?;
        if lock.try_lock().is_err() {
            return None;
        }
        Some(self.run_source(source_id).await)
    }

    /// Imports every enabled source, one after another.
    pub async fn run_all(&self) -> Vec<Result<ImportRun, IngestError>> {
        let mut out = Vec::new();
        for s in self.inner.sources.iter().filter(|s| s.enabled) {
            out.push(self.run_source(&s.id).await);
        }
        out
    }

    /// The review queue's data for one source: the pairs among its records (and the records
    /// they could be grouped with) that the matcher abstained on or joined on weak evidence,
    /// each with its evidence (`dedup::Review`), sorted by pair. It regroups as an import would
    /// and writes nothing; a source with no stored records has none.
    pub fn match_reviews(&self, source_id: &str) -> anyhow::Result<Vec<crate::dedup::Review>> {
        let keys: Vec<_> = self.inner.store.records_of_source(source_id)?.into_iter().map(|r| r.key).collect();
        reviews::match_reviews(&self.inner.store, &self.trust(), &keys)
    }

    /// Each source's trust, as merging weighs it (0 for a source no longer configured).
    fn trust(&self) -> impl Fn(&str) -> u8 + 'static {
        let sources = self.inner.sources.clone();
        move |id: &str| sources.iter().find(|s| s.id == id).map(|s| s.trust).unwrap_or(0)
    }

    /// Publishes what a commit changed, once it is applied.
    fn publish(&self, events: Vec<GroupEvent>) {
        for e in events {
            self.inner.events.publish(e);
        }
    }
}
