//! Re-deciding the groups a run touches, incrementally.
//!
//! From the records a run changed, it gathers every record that could share a group with
//! them (the closure over blocking keys and the old groups of those records), clusters that
//! set from scratch with `dedup::cluster`, and turns the result into group writes, redirects
//! for ids that merged away, tombstones, and events. Because the closure holds every record
//! that could be affected, the result equals a rebuild from scratch.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::dedup::{self, Candidate, MergeInput};
use crate::events::{ChangeKind, GroupEvent};
use crate::store::{GroupStatus, RecordKey, Store, StoredGroup, StoredRecord};

/// Group-level writes and the events to publish once they are committed.
#[derive(Debug, Default)]
pub struct GroupChanges {
    pub records_put: Vec<StoredRecord>,
    pub records_delete: Vec<RecordKey>,
    pub groups_put: Vec<StoredGroup>,
    pub groups_tombstone: Vec<StoredGroup>,
    pub redirects: Vec<(String, String)>,
    pub events: Vec<GroupEvent>,
}

/// The most records one regrouping may pull in; past it the closure stops growing.
const MAX_CLOSURE: usize = 200_000;

/// Regroups around `put` (new record states) and `delete` (records leaving the store).
pub fn regroup(
    store: &Store,
    trust: &dyn Fn(&str) -> u8,
    put: Vec<StoredRecord>,
    delete: Vec<StoredRecord>,
    now: DateTime<Utc>,
) -> anyhow::Result<GroupChanges> {
    // Current state of every record in the closure; deleted ones are absent.
    let mut current: BTreeMap<RecordKey, StoredRecord> = BTreeMap::new();
    let mut old_group_of: BTreeMap<RecordKey, String> = BTreeMap::new();
    let mut queue: VecDeque<(RecordKey, Vec<String>)> = VecDeque::new();
    let mut visited: BTreeSet<RecordKey> = BTreeSet::new();
    let deleted: BTreeSet<RecordKey> = delete.iter().map(|r| r.key.clone()).collect();
    let mut old_groups: BTreeSet<String> = BTreeSet::new();

    for rec in delete.iter().chain(put.iter()) {
        if let Some(prev) = store.record(&rec.key)? {
            let mut blocks = prev.blocks.clone();
            blocks.extend(rec.blocks.iter().cloned());
            old_groups.insert(prev.group_id.clone());
            old_group_of.insert(prev.key.clone(), prev.group_id.clone());
            queue.push_back((rec.key.clone(), blocks));
        } else {
            queue.push_back((rec.key.clone(), rec.blocks.clone()));
        }
    }
    for rec in put {
        current.insert(rec.key.clone(), rec);
    }

    let mut seen_groups: BTreeSet<String> = BTreeSet::new();
    while let Some((key, blocks)) = queue.pop_front() {
        if !visited.insert(key.clone()) || visited.len() > MAX_CLOSURE {
            continue;
        }
        let mut neighbours: Vec<RecordKey> = Vec::new();
        for b in &blocks {
            neighbours.extend(store.records_with_block(b)?);
        }
        if let Some(gid) = old_group_of.get(&key).cloned() {
            if seen_groups.insert(gid.clone()) {
                if let Some(g) = store.group(&gid)? {
                    neighbours.extend(g.records.iter().cloned());
                }
            }
        }
        for n in neighbours {
            if visited.contains(&n) || deleted.contains(&n) {
                continue;
            }
            let rec = match current.get(&n) {
                Some(r) => r.clone(),
                None => match store.record(&n)? {
                    Some(r) => r,
                    None => continue,
                },
            };
            if !old_group_of.contains_key(&n) {
                if let Some(stored) = store.record(&n)? {
                    old_groups.insert(stored.group_id.clone());
                    old_group_of.insert(n.clone(), stored.group_id);
                }
            }
            queue.push_back((n.clone(), rec.blocks.clone()));
            current.entry(n).or_insert(rec);
        }
    }

    let candidates: Vec<Candidate<'_>> =
        current.values().map(|r| Candidate { key: &r.key, listing: &r.listing, hash: &r.hash }).collect();
    let clusters = dedup::cluster(&candidates);

    let mut out = GroupChanges { records_delete: deleted.iter().cloned().collect(), ..Default::default() };
    let mut new_ids: BTreeMap<String, Vec<RecordKey>> = BTreeMap::new();
    for cluster in clusters {
        let id = dedup::group_id(&cluster.members);
        let members: Vec<&StoredRecord> = cluster.members.iter().filter_map(|k| current.get(k)).collect();
        let inputs: Vec<MergeInput<'_>> =
            members.iter().map(|r| MergeInput { record: r, trust: trust(&r.key.source_id) }).collect();
        let Some(listing) = dedup::merge(&inputs) else { continue };
        let status =
            if members.iter().all(|r| r.missing_since.is_some()) { GroupStatus::Missing } else { GroupStatus::Active };
        let previous = store.group(&id)?.filter(|g| g.id == id);
        let inherited = members.iter().any(|r| old_group_of.get(&r.key).is_some_and(|g| !g.is_empty()));
        let first_seen = members.iter().map(|r| r.first_seen).min().unwrap_or(now);
        let mut group = StoredGroup {
            id: id.clone(),
            listing,
            records: cluster.members.clone(),
            links: cluster.links,
            status,
            first_seen,
            updated_at: now,
        };
        let kind = match &previous {
            Some(p) if p.status != GroupStatus::Removed && same_content(p, &group) => None,
            Some(p) if p.status != GroupStatus::Removed => {
                group.first_seen = p.first_seen.min(group.first_seen);
                Some(ChangeKind::Updated)
            }
            _ if inherited => Some(ChangeKind::Updated),
            _ => Some(ChangeKind::Added),
        };
        for r in &members {
            let changed = r.group_id != id || !is_stored_as(store, r)?;
            if changed {
                out.records_put.push(StoredRecord { group_id: id.clone(), ..(*r).clone() });
            }
        }
        if let Some(kind) = kind {
            out.events.push(GroupEvent { kind, group: Arc::new(group.clone()) });
            out.groups_put.push(group);
        }
        new_ids.insert(id, cluster.members);
    }

    // Old ids that no cluster kept: redirect to where most of their records went, or tombstone.
    for old in old_groups.into_iter().filter(|g| !g.is_empty() && !new_ids.contains_key(g)) {
        let Some(prev) = store.group(&old)?.filter(|g| g.id == old) else { continue };
        let mut votes: BTreeMap<&String, usize> = BTreeMap::new();
        for (id, members) in &new_ids {
            let n = members.iter().filter(|m| prev.records.contains(m)).count();
            if n > 0 {
                votes.insert(id, n);
            }
        }
        match votes.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0))) {
            Some((to, _)) => out.redirects.push((old, to.clone())),
            None => {
                let tomb = StoredGroup { status: GroupStatus::Removed, updated_at: now, ..prev };
                out.events.push(GroupEvent { kind: ChangeKind::Removed, group: Arc::new(tomb.clone()) });
                out.groups_tombstone.push(tomb);
            }
        }
    }
    Ok(out)
}

/// Equal apart from the update time.
fn same_content(a: &StoredGroup, b: &StoredGroup) -> bool {
    a.listing == b.listing && a.records == b.records && a.links == b.links && a.status == b.status
}

/// Is this exact record state already in the store?
fn is_stored_as(store: &Store, r: &StoredRecord) -> anyhow::Result<bool> {
    Ok(store.record(&r.key)?.as_ref() == Some(r))
}
