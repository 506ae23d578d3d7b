//! The import of one source, step by step: fetch (conditionally), read every document, diff
//! against the stored records, apply the run policy, regroup and commit, publish. Also the
//! commits of runs that change nothing but the run log (unchanged, held, failed). A held run
//! keeps the listings it would have applied, so an operator can apply exactly them (`held`).

use crate::config::SourceSettings;
use crate::fetch::{FetchError, FetchOutcome, Validators};
use crate::model::{ImportRun, RunCounts, RunOutcome, SourceState};
use crate::store::{HeldListings, RunCommit, RunLog};

use super::diff::unchanged_feed;
use super::policy::{self, Removals};
use super::report;
use super::run::Run;
use super::{diff, documents, regroup, Ingestor};

/// A feed read and ready to apply: its listings, its hash and the source's state with the
/// validators the fetch returned.
pub(super) struct ReadFeed {
    pub listings: Vec<importers::Listing>,
    pub hash: String,
    pub state: SourceState,
}

impl Ingestor {
    /// One run with the source's lock held; an `Err` is a failed run (the caller records it).
    pub(super) async fn import(
        &self,
        source: &SourceSettings,
        run: &mut Run,
        removals: Removals,
    ) -> anyhow::Result<ImportRun> {
        let store = &self.inner.store;
        let state = store.source_state(&source.id)?;
        let has_records = state.document_hash.is_some();
        let validators = if has_records {
            Validators { etag: state.etag.clone(), last_modified: state.last_modified.clone() }
        } else {
            Validators::default()
        };
        let reading = std::time::Instant::now();
        let doc = match self.inner.fetcher.fetch(&source.location, &validators).await {
            Ok(FetchOutcome::NotModified { status }) => {
                run.http_status = Some(status);
                return self.finish_unchanged(source, run.take(RunOutcome::Unchanged), state).await;
            }
            Ok(FetchOutcome::Fetched(doc)) => doc,
            Err(e) => {
                // A refused status is the run's status too, so operators see it on failed runs.
                if let FetchError::Status { status, .. } = &e {
                    run.http_status = Some(*status);
                }
                return Err(anyhow::Error::new(e));
            }
        };
        run.http_status = doc.status;
        run.fetched_bytes = doc.bytes.len() as u64;
        let state = SourceState {
            etag: doc.validators.etag.clone(),
            last_modified: doc.validators.last_modified.clone(),
            ..state
        };
        let single = source.format.single_document();
        if single && policy::unchanged(&state, &documents::document_hash(&doc.bytes)) {
            return self.finish_unchanged(source, run.take(RunOutcome::Unchanged), state).await;
        }
        let settings = &self.inner.settings;
        let read =
            documents::parse_all(&self.inner.fetcher, source, doc.bytes, settings, &mut run.fetched_bytes).await?;
        if !single && policy::unchanged(&state, &read.hash) {
            return self.finish_unchanged(source, run.take(RunOutcome::Unchanged), state).await;
        }
        run.read = reading.elapsed();
        let documents::ParsedDocuments { listings, problems, hash } = read;
        run.problems = problems;
        // A peer that lists only this instance's own groups back is not an empty feed.
        policy::refuse_empty(listings.len(), has_records)?;
        let listings = policy::refuse_echoes(listings, &self.inner.instance_id, &mut run.problems);
        self.apply(source, run, ReadFeed { listings, hash, state }, removals).await
    }

    /// Diffs a read feed against the store, then holds the run or regroups and commits it.
    pub(super) async fn apply(
        &self,
        source: &SourceSettings,
        run: &mut Run,
        feed: ReadFeed,
        removals: Removals,
    ) -> anyhow::Result<ImportRun> {
        let store = &self.inner.store;
        let ReadFeed { listings, hash, mut state } = feed;
        let _commit = self.inner.commit_lock.lock().await;
        let now = run.started_at;
        let diffing = std::time::Instant::now();
        let existing = store.record_digests(&source.id)?;
        let grace = self.grace();
        let mut changes = diff(&source.id, listings, existing, now, grace, |keys| store.records_by_key(keys))?;
        let diffed = diffing.elapsed();
        run.problems.append(std::mem::take(&mut changes.problems));
        run.counts = RunCounts { problems: run.problems.total(), ..changes.counts.clone() };
        if let Some(reason) = policy::hold_reason(&changes, source, self.inner.settings.max_removal_share, removals) {
            let (kept, omitted) = report::would_go_missing(&changes);
            let held = ImportRun {
                error: Some(reason),
                changes: kept,
                changes_omitted: omitted,
                ..run.take(RunOutcome::Held)
            };
            let listings = report::feed_listings(changes, store.records_of_source(&source.id)?);
            let keep = HeldListings {
                listings,
                document_hash: hash,
                etag: state.etag.clone(),
                last_modified: state.last_modified.clone(),
            };
            self.supersede_held(&source.id, &held.id)?;
            store.put_held_listings(&held.id, &keep)?;
            self.commit_run_only(source, &held)?;
            return Ok(held);
        }

        let trust = self.trust();
        let regrouping = std::time::Instant::now();
        let group_changes = regroup(store, &trust, changes.put, changes.delete, now, &[])?;
        let regrouped = regrouping.elapsed();
        state.document_hash = Some(hash);
        let (kept, omitted) = report::changes(&group_changes.events);
        let done = ImportRun { changes: kept, changes_omitted: omitted, ..run.take(RunOutcome::Succeeded) };
        state.last_success_at = Some(done.finished_at);
        state.last_run = Some(done.clone());
        let log = RunLog { source_id: source.id.clone(), run: done.clone(), state };
        let (commit, events) = group_changes.into_commit(Some(log), Vec::new());
        let committing = std::time::Instant::now();
        store.commit(commit)?;
        super::telemetry::steps(&source.id, [run.read, diffed, regrouped, committing.elapsed()]);
        self.supersede_held(&source.id, &done.id)?;
        self.publish(events);
        Ok(done)
    }

    /// An unchanged feed still ages its missing records: those past the grace period are
    /// removed (and their groups regrouped), and the run reports the source's counts.
    async fn finish_unchanged(
        &self,
        source: &SourceSettings,
        mut run: ImportRun,
        state: SourceState,
    ) -> anyhow::Result<ImportRun> {
        let _commit = self.inner.commit_lock.lock().await;
        let store = &self.inner.store;
        let (mut changes, expired) = unchanged_feed(store.record_digests(&source.id)?, run.started_at, self.grace());
        changes.delete = store.records_by_key(&expired)?;
        run.counts = changes.counts.clone();
        let state = SourceState { last_run: Some(run.clone()), last_success_at: Some(run.finished_at), ..state };
        if changes.delete.is_empty() {
            store.commit(RunCommit::run_only(&source.id, run.clone(), state))?;
            self.supersede_held(&source.id, &run.id)?;
            return Ok(run);
        }
        let group_changes = regroup(store, &self.trust(), Vec::new(), changes.delete, run.started_at, &[])?;
        (run.changes, run.changes_omitted) = report::changes(&group_changes.events);
        let state = SourceState { last_run: Some(run.clone()), ..state };
        let log = RunLog { source_id: source.id.clone(), run: run.clone(), state };
        let (commit, events) = group_changes.into_commit(Some(log), Vec::new());
        store.commit(commit)?;
        self.supersede_held(&source.id, &run.id)?;
        self.publish(events);
        Ok(run)
    }

    /// Records a failed run; nothing else changes.
    pub(super) async fn record_failed_run(&self, source: &SourceSettings, run: &ImportRun) -> anyhow::Result<()> {
        let _commit = self.inner.commit_lock.lock().await;
        self.commit_run_only(source, run)
    }

    /// Records a run and nothing else; the caller holds the commit lock.
    fn commit_run_only(&self, source: &SourceSettings, run: &ImportRun) -> anyhow::Result<()> {
        let state = self.inner.store.source_state(&source.id)?;
        let state = SourceState { last_run: Some(run.clone()), ..state };
        self.inner.store.commit(RunCommit::run_only(&source.id, run.clone(), state))
    }

    /// How long a missing record stays before it is removed.
    pub(super) fn grace(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.inner.settings.missing_grace).unwrap_or(chrono::Duration::days(14))
    }
}
