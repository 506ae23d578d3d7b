//! The documents the store keeps: source records, merged groups, import runs, source state.
//!
//! Plain serde types with no behaviour beyond small accessors; the store serialises them,
//! ingest builds them, GraphQL reads them. Nothing here touches sled.

use chrono::{DateTime, Utc};
use importers::{Listing, Problem};
use serde::{Deserialize, Serialize};

/// Identifies one listing of one source: (source id, the source's external id).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordKey {
    pub source_id: String,
    pub external_id: String,
}

impl RecordKey {
    pub fn new(source_id: impl Into<String>, external_id: impl Into<String>) -> Self {
        RecordKey { source_id: source_id.into(), external_id: external_id.into() }
    }
}

impl std::fmt::Display for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.source_id, self.external_id)
    }
}

/// One source's listing as last seen, and the group it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRecord {
    pub key: RecordKey,
    pub listing: Listing,
    /// Content hash of the normalised listing: an unchanged hash is a no-op on re-import.
    pub hash: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// Set when the record disappeared from its feed; cleared when it comes back.
    pub missing_since: Option<DateTime<Utc>>,
    pub group_id: String,
    /// The matcher's blocking keys for this record (indexed in the `blocks` tree).
    pub blocks: Vec<String>,
}

/// Lifecycle of a public group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupStatus {
    Active,
    /// Every record of the group is missing from its feed, within the grace period.
    Missing,
    /// Every record is gone; the id still resolves to this tombstone.
    Removed,
}

/// The public, merged entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredGroup {
    pub id: String,
    /// The merged view of its records.
    pub listing: Listing,
    /// Member records, sorted; their provenance (url, last seen) lives on the records.
    pub records: Vec<RecordKey>,
    /// Why the members were put together (empty for a group of one record).
    pub links: Vec<MatchLink>,
    pub status: GroupStatus,
    pub first_seen: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One link between two member records, with the evidence that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchLink {
    pub a: RecordKey,
    pub b: RecordKey,
    pub score: f64,
    pub evidence: Vec<String>,
}

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

/// An operator's decision about two records, which wins over the matcher on every import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub kind: CorrectionKind,
    /// The two records, `a < b`.
    pub a: RecordKey,
    pub b: RecordKey,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKind {
    /// Always one group.
    Link,
    /// Never one group.
    Unlink,
}

impl Correction {
    /// A correction about two records, ordered so each pair has one key.
    pub fn new(kind: CorrectionKind, x: RecordKey, y: RecordKey, reason: Option<String>, at: DateTime<Utc>) -> Self {
        let (a, b) = if x <= y { (x, y) } else { (y, x) };
        Correction { kind, a, b, reason, at }
    }
}
