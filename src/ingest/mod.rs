//! One import run of one source: fetch, parse, diff, regroup, commit, publish.
//!
//! `Ingestor::run_source` is a plain async fn that the scheduler, the CLI, the operator
//! mutation and the tests all call. Runs of one source never overlap (a per-source lock);
//! the regroup-and-commit step is serialised across sources because groups span sources.
//! A failed fetch, an unreadable or empty document, or a run that would remove an unusual
//! share of a source changes nothing but the run log.

mod diff;
mod follow;
mod regroup;
mod rekey;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Utc};
use importers::Problem;
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use crate::config::{IngestSettings, SourceSettings};
use crate::events::EventBus;
use crate::fetch::{FetchOutcome, Fetcher, Validators};
use crate::store::{
    Correction, CorrectionKind, ImportRun, RecordKey, RunCommit, RunCounts, RunLog, RunOutcome, SourceState, Store,
    StoredGroup,
};

pub use diff::{diff, RecordChanges};
pub use regroup::{regroup, GroupChanges};

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
    ) -> Self {
        let source_locks = sources.iter().map(|s| (s.id.clone(), Arc::new(Mutex::new(())))).collect();
        Ingestor {
            inner: Arc::new(Inner {
                store,
                fetcher,
                events,
                settings,
                sources,
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

    /// Imports one source now and returns the run (also when it failed: see `outcome`).
    pub async fn run_source(&self, source_id: &str) -> Result<ImportRun, IngestError> {
        self.run_source_with(source_id, false).await
    }

    /// `run_source`; with `allow_removals`, a run that removes an unusual share of the
    /// source is applied instead of held (an operator has looked at the held run).
    pub async fn run_source_with(&self, source_id: &str, allow_removals: bool) -> Result<ImportRun, IngestError> {
        let source = self.source(source_id).ok_or_else(|| IngestError::UnknownSource(source_id.to_owned()))?;
        let lock = self.inner.source_locks.get(source_id).cloned().unwrap_or_default();
        let _running = lock.lock().await;
        let started = Instant::now();
        let mut run = Run::new(source, Utc::now());
        let result = self.run_locked(source, &mut run, allow_removals).await;
        let run = match result {
            Ok(run) => run,
            Err(e) => {
                let run = run.fail(format!("source `{}` ({}): {e:#}", source.id, source.location));
                self.record_run_only(source, &run).await?;
                run
            }
        };
        let outcome = outcome_name(run.outcome);
        metrics::counter!("supportmesh_import_runs_total", "source" => source.id.clone(), "outcome" => outcome)
            .increment(1);
        metrics::histogram!("supportmesh_import_seconds", "source" => source.id.clone())
            .record(started.elapsed().as_secs_f64());
        tracing::info!(
            source = %source.id, outcome, seen = run.counts.seen, added = run.counts.added,
            updated = run.counts.updated, missing = run.counts.missing, removed = run.counts.removed,
            problems = run.counts.problems, ms = started.elapsed().as_millis() as u64, "import run finished"
        );
        Ok(run)
    }

    /// Records an operator's correction (always / never one group) and regroups the two
    /// records at once; every later import honours it. Returns the groups now holding them.
    pub async fn correct(
        &self,
        kind: CorrectionKind,
        a: RecordKey,
        b: RecordKey,
        reason: Option<String>,
    ) -> Result<Vec<StoredGroup>, IngestError> {
        if a == b {
            return Err(IngestError::SameRecord);
        }
        let store = &self.inner.store;
        let _commit = self.inner.commit_lock.lock().await;
        let mut put = Vec::new();
        for key in [&a, &b] {
            put.push(store.record(key)?.ok_or_else(|| IngestError::UnknownRecord(key.to_string()))?);
        }
        let correction = Correction::new(kind, a.clone(), b.clone(), reason, Utc::now());
        let sources = self.inner.sources.clone();
        let trust = move |id: &str| sources.iter().find(|s| s.id == id).map(|s| s.trust).unwrap_or(0);
        let changes = regroup(store, &trust, put, Vec::new(), correction.at, std::slice::from_ref(&correction))?;
        let events = changes.events;
        store.commit(RunCommit {
            records_put: changes.records_put,
            records_delete: changes.records_delete,
            groups_put: changes.groups_put,
            groups_tombstone: changes.groups_tombstone,
            redirects: changes.redirects,
            run: None,
            corrections: vec![correction],
        })?;
        for e in events {
            self.inner.events.publish(e);
        }
        tracing::info!(kind = ?kind, "operator correction applied");
        let mut out: Vec<StoredGroup> = Vec::new();
        for key in [&a, &b] {
            let id = store.record(key)?.map(|r| r.group_id).unwrap_or_default();
            if let Some(g) = store.group(&id)? {
                if !out.iter().any(|x| x.id == g.id) {
                    out.push(g);
                }
            }
        }
        Ok(out)
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

    async fn run_locked(
        &self,
        source: &SourceSettings,
        run: &mut Run,
        allow_removals: bool,
    ) -> anyhow::Result<ImportRun> {
        let store = &self.inner.store;
        let state = store.source_state(&source.id)?;
        let has_records = state.document_hash.is_some();
        let validators = if has_records {
            Validators { etag: state.etag.clone(), last_modified: state.last_modified.clone() }
        } else {
            Validators::default()
        };
        let doc = match self.inner.fetcher.fetch(&source.location, &validators).await {
            Ok(FetchOutcome::NotModified { status }) => {
                run.http_status = Some(status);
                return self.finish_unchanged(source, run.take(RunOutcome::Unchanged), state).await;
            }
            Ok(FetchOutcome::Fetched(doc)) => doc,
            Err(e) => return Err(anyhow::Error::new(e)),
        };
        run.http_status = doc.status;
        run.fetched_bytes = doc.bytes.len() as u64;
        let mut state = SourceState {
            etag: doc.validators.etag.clone(),
            last_modified: doc.validators.last_modified.clone(),
            ..state
        };
        let single = source.format.single_document();
        if single && state.document_hash.as_deref() == Some(hex(&Sha256::digest(&doc.bytes)).as_str()) {
            return self.finish_unchanged(source, run.take(RunOutcome::Unchanged), state).await;
        }
        let (parsed, doc_hash) = self.parse_all(source, doc.bytes, run).await?;
        if !single && state.document_hash.as_deref() == Some(doc_hash.as_str()) {
            return self.finish_unchanged(source, run.take(RunOutcome::Unchanged), state).await;
        }
        run.problems = parsed.problems;
        if parsed.listings.is_empty() && has_records {
            anyhow::bail!("the feed has no listings (an empty feed is treated as a failed fetch; nothing changed)");
        }

        let _commit = self.inner.commit_lock.lock().await;
        let now = run.started_at;
        let existing = store.records_of_source(&source.id)?;
        let grace = chrono::Duration::from_std(self.inner.settings.missing_grace).unwrap_or(chrono::Duration::days(14));
        let changes = diff(&source.id, parsed.listings, existing, now, grace);
        run.problems.extend(changes.problems.iter().cloned());
        run.counts = RunCounts { problems: run.problems.len() as u64, ..changes.counts.clone() };
        if !allow_removals && changes.removes_unusual_share(self.inner.settings.max_removal_share) {
            let msg = format!(
                "held: {} of the {} records of source `{}` disappeared from {} at once (the limit is {:.0}%); nothing changed. \
                 If the feed is right, run the import again with allowRemovals: true",
                changes.newly_missing,
                changes.previously_present,
                source.id,
                source.location,
                self.inner.settings.max_removal_share * 100.0
            );
            let held = run.take(RunOutcome::Held);
            let held = ImportRun { error: Some(msg), ..held };
            self.commit_run_only(source, &held)?;
            return Ok(held);
        }

        let sources = self.inner.sources.clone();
        let trust = move |id: &str| sources.iter().find(|s| s.id == id).map(|s| s.trust).unwrap_or(0);
        let group_changes = regroup(store, &trust, changes.put, changes.delete, now, &[])?;
        state.document_hash = Some(doc_hash);
        let done = run.take(RunOutcome::Succeeded);
        state.last_success_at = Some(done.finished_at);
        state.last_run = Some(done.clone());
        let events = group_changes.events;
        store.commit(RunCommit {
            records_put: group_changes.records_put,
            records_delete: group_changes.records_delete,
            groups_put: group_changes.groups_put,
            groups_tombstone: group_changes.groups_tombstone,
            redirects: group_changes.redirects,
            run: Some(RunLog { source_id: source.id.clone(), run: done.clone(), state }),
            corrections: Vec::new(),
        })?;
        for e in events {
            self.inner.events.publish(e);
        }
        Ok(done)
    }

    /// Parses the root document, fetching whatever further documents the parser wants
    /// (pages, tables, detail pages) up to `ingest.max_documents`. Any failed fetch fails
    /// the run. Returns the parse and a hash over every document.
    async fn parse_all(
        &self,
        source: &SourceSettings,
        root: Vec<u8>,
        run: &mut Run,
    ) -> anyhow::Result<(importers::Parsed, String)> {
        let url = follow::root_url(&source.location);
        let mut extra: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut root = root;
        loop {
            let (format, options, base) = (source.format, source.options.clone(), url.clone());
            let (result, back_root, back_extra) = tokio::task::spawn_blocking(move || {
                let docs = importers::Documents { url: &base, root: &root, extra: &extra };
                (importers::parse(format, &docs, &options), root, extra)
            })
            .await
            .context("the parser stopped unexpectedly")?;
            (root, extra) = (back_root, back_extra);
            let mut parsed = result
                .map_err(|e| anyhow::anyhow!("the document cannot be read as {}: {e}", source.format.as_str()))?;
            let wants: Vec<String> = parsed.wants.iter().filter(|w| !extra.contains_key(*w)).cloned().collect();
            let room = self.inner.settings.max_documents.saturating_sub(1 + extra.len());
            if wants.is_empty() || room == 0 {
                if !wants.is_empty() {
                    parsed.problems.push(importers::Problem::dropped(
                        None,
                        None,
                        format!(
                            "stopped after {} documents (ingest.max_documents); {} more were not fetched",
                            1 + extra.len(),
                            wants.len()
                        ),
                    ));
                }
                let mut hasher = Sha256::new();
                hasher.update(&root);
                for (k, v) in &extra {
                    hasher.update(k.as_bytes());
                    hasher.update(v);
                }
                return Ok((parsed, hex(&hasher.finalize())));
            }
            for want in wants.into_iter().take(room) {
                let location = follow::location(&source.location, &want)?;
                let doc = match self.inner.fetcher.fetch(&location, &Validators::default()).await? {
                    FetchOutcome::Fetched(doc) => doc,
                    FetchOutcome::NotModified { status } => anyhow::bail!("{want}: unexpected HTTP {status}"),
                };
                run.fetched_bytes += doc.bytes.len() as u64;
                extra.insert(want, doc.bytes);
            }
        }
    }

    async fn finish_unchanged(
        &self,
        source: &SourceSettings,
        run: ImportRun,
        state: SourceState,
    ) -> anyhow::Result<ImportRun> {
        let _commit = self.inner.commit_lock.lock().await;
        let state = SourceState { last_run: Some(run.clone()), last_success_at: Some(run.finished_at), ..state };
        self.inner.store.commit(RunCommit::run_only(&source.id, run.clone(), state))?;
        Ok(run)
    }

    /// Records a failed run; nothing else changes.
    async fn record_run_only(&self, source: &SourceSettings, run: &ImportRun) -> anyhow::Result<()> {
        let _commit = self.inner.commit_lock.lock().await;
        self.commit_run_only(source, run)
    }

    /// Records a run and nothing else; the caller holds the commit lock.
    fn commit_run_only(&self, source: &SourceSettings, run: &ImportRun) -> anyhow::Result<()> {
        let state = self.inner.store.source_state(&source.id)?;
        let state = SourceState { last_run: Some(run.clone()), ..state };
        self.inner.store.commit(RunCommit::run_only(&source.id, run.clone(), state))
    }
}

/// A run being built.
struct Run {
    id: String,
    source_id: String,
    started_at: DateTime<Utc>,
    http_status: Option<u16>,
    fetched_bytes: u64,
    counts: RunCounts,
    problems: Vec<Problem>,
}

impl Run {
    fn new(source: &SourceSettings, started_at: DateTime<Utc>) -> Self {
        let id = format!("{}-{}", source.id, started_at.format("%Y%m%dT%H%M%S%.3fZ"));
        Run {
            id,
            source_id: source.id.clone(),
            started_at,
            http_status: None,
            fetched_bytes: 0,
            counts: RunCounts::default(),
            problems: Vec::new(),
        }
    }

    fn take(&mut self, outcome: RunOutcome) -> ImportRun {
        ImportRun {
            id: self.id.clone(),
            source_id: self.source_id.clone(),
            started_at: self.started_at,
            finished_at: Utc::now(),
            outcome,
            http_status: self.http_status,
            fetched_bytes: self.fetched_bytes,
            counts: self.counts.clone(),
            problems: std::mem::take(&mut self.problems),
            error: None,
        }
    }

    fn fail(mut self, error: String) -> ImportRun {
        let run = self.take(RunOutcome::Failed);
        ImportRun { error: Some(error), ..run }
    }
}

fn outcome_name(o: RunOutcome) -> &'static str {
    match o {
        RunOutcome::Succeeded => "succeeded",
        RunOutcome::Unchanged => "unchanged",
        RunOutcome::Failed => "failed",
        RunOutcome::Held => "held",
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
