//! The run being built: its id, timings, HTTP facts, counts and problems (bounded: see
//! `RunProblems`), until it becomes the `ImportRun` the store records.

use crate::config::SourceSettings;
use crate::model::{ImportRun, RunCounts, RunOutcome, RunProblems};
use chrono::{DateTime, Utc};

/// A run being built.
pub(super) struct Run {
    id: String,
    source_id: String,
    pub started_at: DateTime<Utc>,
    pub http_status: Option<u16>,
    pub fetched_bytes: u64,
    pub counts: RunCounts,
    pub problems: RunProblems,
    /// How long reading the feed took (fetching and parsing), for the steps' log line.
    pub read: std::time::Duration,
}

impl Run {
    pub fn new(source: &SourceSettings, started_at: DateTime<Utc>) -> Self {
        let id = format!("{}-{}", source.id, started_at.format("%Y%m%dT%H%M%S%.3fZ"));
        Run {
            id,
            source_id: source.id.clone(),
            started_at,
            http_status: None,
            fetched_bytes: 0,
            counts: RunCounts::default(),
            problems: RunProblems::default(),
            read: std::time::Duration::ZERO,
        }
    }

    /// The run as finished now, with `outcome`; its problems move into the result.
    pub fn take(&mut self, outcome: RunOutcome) -> ImportRun {
        let (problems, problems_omitted) = std::mem::take(&mut self.problems).into_parts();
        ImportRun {
            id: self.id.clone(),
            source_id: self.source_id.clone(),
            started_at: self.started_at,
            finished_at: Utc::now(),
            outcome,
            http_status: self.http_status,
            fetched_bytes: self.fetched_bytes,
            counts: self.counts.clone(),
            problems,
            problems_omitted,
            error: None,
            changes: Vec::new(),
            changes_omitted: 0,
            resolution: None,
        }
    }

    /// The run as failed now, with the error that names the source, the URL and the cause.
    pub fn fail(mut self, error: String) -> ImportRun {
        let run = self.take(RunOutcome::Failed);
        ImportRun { error: Some(error), ..run }
    }
}
