//! A source's import health, as operators and alerts read it: seconds since its last
//! successful run, failed runs since then, held runs waiting. Read from the run log.

use chrono::{DateTime, Utc};

use super::Ingestor;
use crate::model::RunOutcome;

/// How a source's imports are going.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceHealth {
    /// `None` when it never succeeded.
    pub seconds_since_success: Option<i64>,
    pub consecutive_failures: u32,
    pub held_runs: u32,
}

/// The most runs looked at when counting consecutive failures.
const LOOK_BACK: usize = 100;

impl Ingestor {
    pub fn health(&self, source_id: &str, now: DateTime<Utc>) -> anyhow::Result<SourceHealth> {
        let store = &self.inner.store;
        let state = store.source_state(source_id)?;
        let seconds_since_success = state.last_success_at.map(|at| (now - at).num_seconds().max(0));
        let consecutive_failures = store
            .runs(source_id, LOOK_BACK)?
            .iter()
            .take_while(|r| !matches!(r.outcome, RunOutcome::Succeeded | RunOutcome::Unchanged))
            .filter(|r| r.outcome == RunOutcome::Failed)
            .count() as u32;
        let held_runs = self.waiting_held(source_id, "")?.len() as u32;
        Ok(SourceHealth { seconds_since_success, consecutive_failures, held_runs })
    }

    /// Sets the per-source gauges alerts use (called when `/metrics` is scraped).
    pub fn export_health_gauges(&self) {
        let now = Utc::now();
        for source in self.sources() {
            let Ok(h) = self.health(&source.id, now) else { continue };
            let id = source.id.clone();
            if let Some(s) = h.seconds_since_success {
                metrics::gauge!("supportmesh_source_seconds_since_success", "source" => id.clone()).set(s as f64);
            }
            metrics::gauge!("supportmesh_source_consecutive_failures", "source" => id.clone())
                .set(f64::from(h.consecutive_failures));
            metrics::gauge!("supportmesh_source_held_runs", "source" => id.clone()).set(f64::from(h.held_runs));
            let paused = self.registry().entry(&id).is_some_and(|e| e.paused.is_some());
            metrics::gauge!("supportmesh_source_paused", "source" => id).set(if paused { 1.0 } else { 0.0 });
        }
    }
}
