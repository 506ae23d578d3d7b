//! Import runs and what the store remembers about a source between runs.

use chrono::{DateTime, Utc};
use importers::Problem;
use serde::{Deserialize, Serialize};

/// How an import run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// The feed was read and its changes applied.
    Succeeded,
    /// The server said 304, or the document hash matched the last run: nothing to do.
    Unchanged,
    /// Fetch or parse failed: nothing changed.
    Failed,
    /// The run would remove an unusual share of the source's records: held for an operator.
    Held,
}

/// Counts of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCounts {
    pub seen: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub missing: u64,
    pub removed: u64,
    pub problems: u64,
}

/// One import run of one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRun {
    pub id: String,
    pub source_id: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub outcome: RunOutcome,
    pub http_status: Option<u16>,
    pub fetched_bytes: u64,
    pub counts: RunCounts,
    pub problems: Vec<Problem>,
    /// Why the run failed or was held, naming the source, the URL and the cause.
    pub error: Option<String>,
}

/// What the store remembers about a source between runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceState {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Hash of the last document applied; the same bytes again are a no-op.
    pub document_hash: Option<String>,
    pub last_run: Option<ImportRun>,
    pub last_success_at: Option<DateTime<Utc>>,
}
