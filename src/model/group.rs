//! The public, merged group, its lifecycle and the links that say why its records are one.

use chrono::{DateTime, Utc};
use importers::Listing;
use serde::{Deserialize, Serialize};

use super::RecordKey;

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
