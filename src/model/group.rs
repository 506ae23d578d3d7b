//! The public, merged group: a real group with its meetings, its lifecycle and the links that
//! say why its records are one.
//!
//! Stored format 2 (`GROUP_FORMAT`) added `meetings`: each slot with the records that describe
//! it. A format-1 document (one slot per group) decodes with no `meetings`; `meetings()` then
//! reads the slots of the merged listing, all described by every record, until the upgrade
//! reassembles the store (see ingest's re-keying at start). Format 3 changed no field: every
//! group's id is its smallest record's `RecordKey::group_id`; groups of an older format are
//! regrouped at start, which gives them those ids (their old ids redirect). `status_conflict`
//! came later without a format change: it is optional, and an older document reads as
//! having none until its group is next regrouped.

use chrono::{DateTime, Utc};
use importers::{Listing, Meeting};
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
    /// The group's meetings, each with the records that describe it (absent in format 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meetings: Vec<GroupMeeting>,
    pub status: GroupStatus,
    /// The sources disagree on whether the group meets ("Suspended: X" in one, "X" in
    /// another); `listing.active` is the resolution. Absent in groups written before it
    /// existed, and whenever the sources agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_conflict: Option<StatusConflict>,
    pub first_seen: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Sources that disagree on a group's status, and how that was resolved: the record of the
/// most trusted source, then the most recently updated, decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusConflict {
    /// Records that list the group as meeting, sorted.
    pub active: Vec<RecordKey>,
    /// Records that list it as suspended, cancelled or inactive, sorted.
    pub inactive: Vec<RecordKey>,
    /// The record whose status the group shows.
    pub decided_by: RecordKey,
}

/// The stored format of groups: 2 since groups hold several meetings, 3 since their ids
/// are derived from their smallest record.
pub const GROUP_FORMAT: u64 = 3;

/// One meeting of a group: its slot and the records (of any source) that describe it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupMeeting {
    pub slot: Meeting,
    /// Sorted.
    pub records: Vec<RecordKey>,
}

impl StoredGroup {
    /// The group's meetings; for a format-1 document, the merged listing's slots, each
    /// described by all the group's records.
    pub fn meetings(&self) -> Vec<GroupMeeting> {
        if !self.meetings.is_empty() {
            return self.meetings.clone();
        }
        self.listing
            .meetings
            .iter()
            .map(|slot| GroupMeeting { slot: slot.clone(), records: self.records.clone() })
            .collect()
    }
}

/// One link between two member records, with the evidence that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchLink {
    pub a: RecordKey,
    pub b: RecordKey,
    pub score: f64,
    pub evidence: Vec<String>,
}
