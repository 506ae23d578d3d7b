//! A run's change report, by group name: what a committed run added, updated, left missing or
//! removed, what a held run would leave missing, and the feed a held run read (to apply later).
//! Pure.

use std::collections::BTreeSet;

use crate::events::{ChangeKind, GroupEvent};
use crate::model::{GroupChange, GroupChangeKind, GroupStatus, StoredRecord, MAX_RUN_CHANGES};

use super::RecordChanges;

/// The groups the committed events name: the first `MAX_RUN_CHANGES`, and how many more.
pub(super) fn changes(events: &[GroupEvent]) -> (Vec<GroupChange>, u64) {
    bounded(events.iter().map(|e| GroupChange {
        kind: match (e.kind, e.group.status) {
            (ChangeKind::Added, _) => GroupChangeKind::Added,
            (ChangeKind::Removed, _) => GroupChangeKind::Removed,
            (ChangeKind::Updated, GroupStatus::Missing) => GroupChangeKind::Missing,
            (ChangeKind::Updated, _) => GroupChangeKind::Updated,
        },
        group_id: e.group.id.clone(),
        name: e.group.listing.name.clone(),
    }))
}

/// The records a held run would have left missing, by their groups (one entry per group).
pub(super) fn would_go_missing(changes: &RecordChanges) -> (Vec<GroupChange>, u64) {
    let mut seen = BTreeSet::new();
    bounded(changes.put.iter().filter(|r| r.missing_since.is_some() && seen.insert(r.group_id.clone())).map(|r| {
        GroupChange { kind: GroupChangeKind::Missing, group_id: r.group_id.clone(), name: r.listing.name.clone() }
    }))
}

/// The listings of the feed a held run read: the records it changed or added, and the stored
/// live ones it left as they were.
pub(super) fn feed_listings(changes: RecordChanges, stored: Vec<StoredRecord>) -> Vec<importers::Listing> {
    let touched: BTreeSet<String> = changes.put.iter().map(|r| r.key.external_id.clone()).collect();
    let mut out: Vec<importers::Listing> =
        changes.put.into_iter().filter(|r| r.missing_since.is_none()).map(|r| r.listing).collect();
    out.extend(
        stored
            .into_iter()
            .filter(|r| r.missing_since.is_none() && !touched.contains(&r.key.external_id))
            .map(|r| r.listing),
    );
    out
}

fn bounded(items: impl Iterator<Item = GroupChange>) -> (Vec<GroupChange>, u64) {
    let mut kept = Vec::new();
    let mut omitted = 0u64;
    for item in items {
        match kept.len() < MAX_RUN_CHANGES {
            true => kept.push(item),
            false => omitted += 1,
        }
    }
    (kept, omitted)
}
