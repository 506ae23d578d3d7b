//! Held runs, as operators resolve them: `apply_held` commits exactly the listings the held
//! run read (removals allowed), `discard_held` drops them; either is recorded on the held run.
//! A held run is superseded (and its listings dropped) once a later run of its source is held
//! again or applied.

use chrono::Utc;

use crate::model::{HeldResolution, ImportRun, RunOutcome, SourceState, Stamp};

use super::import::ReadFeed;
use super::policy::Removals;
use super::run::Run;
use super::{IngestError, Ingestor};

impl Ingestor {
    /// Applies a held run: its listings are committed as a new run (outcome SUCCEEDED), and the
    /// held run records who applied it and which run did. Returns (the new run, the held run).
    pub async fn apply_held(&self, run_id: &str, actor: &str) -> Result<(ImportRun, ImportRun), IngestError> {
        let held = self.unresolved_held(run_id)?;
        let source = self.source(&held.source_id).ok_or_else(|| IngestError::UnknownSource(held.source_id.clone()))?;
        let lock = self.source_lock(&source.id);
        let _running = lock.lock().await;
        let store = &self.inner.store;
        let Some(kept) = store.held_listings(run_id)? else {
            let why =
                format!("run `{run_id}` kept no listings to apply; run the import again with allowRemovals: true");
            return Err(IngestError::NotHeld(why));
        };
        let mut run = Run::new(&source, Utc::now());
        let state = SourceState {
            etag: kept.etag.clone(),
            last_modified: kept.last_modified.clone(),
            ..store.source_state(&source.id)?
        };
        let feed = ReadFeed { listings: kept.listings, hash: kept.document_hash, state };
        let applied = self.apply(&source, &mut run, feed, Removals::Allow).await?;
        let resolved = self.resolve(held, true, actor, Some(applied.id.clone()))?;
        Ok((applied, resolved))
    }

    /// Discards a held run: nothing changes but the run's record of who discarded it.
    pub async fn discard_held(&self, run_id: &str, actor: &str) -> Result<ImportRun, IngestError> {
        let held = self.unresolved_held(run_id)?;
        Ok(self.resolve(held, false, actor, None)?)
    }

    /// Marks the source's unresolved held runs other than `by` as superseded by run `by`.
    pub(super) fn supersede_held(&self, source_id: &str, by: &str) -> anyhow::Result<()> {
        for held in self.waiting_held(source_id, by)? {
            let why = format!("superseded by run {by}");
            let stamp = Stamp { at: Utc::now(), by: "supportmesh".into(), reason: Some(why) };
            self.inner.store.put_run(&ImportRun {
                resolution: Some(HeldResolution { applied: false, stamp, run_id: Some(by.to_owned()) }),
                ..held.clone()
            })?;
            self.inner.store.remove_held_listings(&held.id)?;
        }
        Ok(())
    }

    /// The source's held runs nobody has resolved, leaving out run `except`. Only the runs
    /// since its last applied one are read: an applied (or unchanged, or retiring) run
    /// supersedes every held run before it, so none can wait further back.
    pub(super) fn waiting_held(&self, source_id: &str, except: &str) -> anyhow::Result<Vec<ImportRun>> {
        const LOOK_BACK: usize = 100;
        let runs = self.inner.store.runs(source_id, LOOK_BACK)?;
        Ok(runs
            .into_iter()
            .filter(|r| r.id != except)
            .take_while(|r| !matches!(r.outcome, RunOutcome::Succeeded | RunOutcome::Unchanged | RunOutcome::Retired))
            .filter(|r| r.outcome == RunOutcome::Held && r.resolution.is_none())
            .collect())
    }

    fn unresolved_held(&self, run_id: &str) -> Result<ImportRun, IngestError> {
        let source_id = source_of_run(run_id).ok_or_else(|| IngestError::NotHeld(format!("no run `{run_id}`")))?;
        let run = self
            .inner
            .store
            .run(source_id, run_id)?
            .ok_or_else(|| IngestError::NotHeld(format!("no run `{run_id}`")))?;
        if run.outcome != RunOutcome::Held {
            return Err(IngestError::NotHeld(format!(
                "run `{run_id}` was not held (its outcome is {:?})",
                run.outcome
            )));
        }
        if let Some(r) = &run.resolution {
            let what = if r.applied { "applied" } else { "discarded" };
            let why = r.stamp.reason.as_deref().map(|w| format!(": {w}")).unwrap_or_default();
            return Err(IngestError::NotHeld(format!(
                "held run `{run_id}` was already {what} by {} at {}{why}",
                r.stamp.by, r.stamp.at
            )));
        }
        Ok(run)
    }

    fn resolve(
        &self,
        held: ImportRun,
        applied: bool,
        actor: &str,
        by_run: Option<String>,
    ) -> anyhow::Result<ImportRun> {
        let stamp = Stamp { at: Utc::now(), by: actor.to_owned(), reason: None };
        let resolved = ImportRun { resolution: Some(HeldResolution { applied, stamp, run_id: by_run }), ..held };
        self.inner.store.put_run(&resolved)?;
        self.inner.store.remove_held_listings(&resolved.id)?;
        Ok(resolved)
    }
}

/// The source id of a run id (`<source>-<YYYYmmddTHHMMSS.mmmZ>`).
fn source_of_run(run_id: &str) -> Option<&str> {
    const STAMP: usize = "-20240101T000000.000Z".len();
    let cut = run_id.len().checked_sub(STAMP)?;
    run_id.is_char_boundary(cut).then(|| &run_id[..cut]).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_run_id_names_its_source_even_with_dashes() {
        assert_eq!(super::source_of_run("sepa-20261201T101010.123Z"), Some("sepa"));
        assert_eq!(super::source_of_run("aa-north-20261201T101010.123Z"), Some("aa-north"));
        assert_eq!(super::source_of_run("short"), None);
        assert_eq!(super::source_of_run("-20261201T101010.123Z"), None);
    }
}
