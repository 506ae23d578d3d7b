//! Retiring the records of sources that no longer exist (deleted through the API, or removed
//! from the configuration file): nothing vanishes at once. The first sweep after a source goes
//! marks its live records missing (its groups show MISSING); later sweeps remove those missing
//! past the grace period, as an import would. Each sweep that changes something records a run
//! with outcome RETIRED. Paused and broken sources are kept as they are.

use chrono::Utc;

use crate::model::{ImportRun, RunCounts, RunOutcome, SourceState, StoredRecord};
use crate::store::RunLog;

use super::{regroup, report, Ingestor};

impl Ingestor {
    /// Sweeps every source the store holds records of that the registry does not keep.
    /// Returns the runs it recorded.
    pub async fn retire_gone_sources(&self) -> anyhow::Result<Vec<ImportRun>> {
        let mut runs = Vec::new();
        for id in self.inner.store.source_ids()? {
            if self.inner.registry.keeps_records_of(&id) {
                continue;
            }
            if let Some(run) = self.retire(&id).await? {
                runs.push(run);
            }
        }
        Ok(runs)
    }

    /// One sweep of source `id`'s records; `None` when it changed nothing.
    async fn retire(&self, id: &str) -> anyhow::Result<Option<ImportRun>> {
        let lock = self.source_lock(id);
        let _running = lock.lock().await;
        let _commit = self.inner.commit_lock.lock().await;
        let store = &self.inner.store;
        let now = Utc::now();
        let (grace, mut counts) = (self.grace(), RunCounts::default());
        let (mut put, mut delete): (Vec<StoredRecord>, Vec<StoredRecord>) = (Vec::new(), Vec::new());
        for rec in store.records_of_source(id)? {
            match rec.missing_since {
                None => {
                    counts.missing += 1;
                    put.push(StoredRecord { missing_since: Some(now), ..rec });
                }
                Some(since) if now - since > grace => {
                    counts.removed += 1;
                    delete.push(rec);
                }
                Some(_) => counts.missing += 1,
            }
        }
        if put.is_empty() && delete.is_empty() {
            return Ok(None);
        }
        let group_changes = regroup(store, &self.trust(), put, delete, now, &[])?;
        let (changes, changes_omitted) = report::changes(&group_changes.events);
        let run = ImportRun {
            id: format!("{id}-{}", now.format("%Y%m%dT%H%M%S%.3fZ")),
            source_id: id.to_owned(),
            started_at: now,
            finished_at: Utc::now(),
            outcome: RunOutcome::Retired,
            http_status: None,
            fetched_bytes: 0,
            counts,
            problems: Vec::new(),
            problems_omitted: 0,
            error: Some(format!(
                "source `{id}` no longer exists: its records go missing and leave after the grace period"
            )),
            changes,
            changes_omitted,
            resolution: None,
        };
        let state = SourceState { last_run: Some(run.clone()), ..store.source_state(id)? };
        let log = RunLog { source_id: id.to_owned(), run: run.clone(), state };
        let (commit, events) = group_changes.into_commit(Some(log), Vec::new());
        store.commit(commit)?;
        self.publish(events);
        tracing::info!(source = %id, missing = run.counts.missing, removed = run.counts.removed, "retired the records of a source that no longer exists");
        Ok(Some(run))
    }
}
