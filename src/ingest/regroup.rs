//! Re-deciding the groups a run touches, incrementally.
//!
//! Two steps decide a group: matching (`dedup::cluster`) says which records describe the same
//! meeting, across sources; assembly (`dedup::assemble`) says which meetings of one source
//! make one group (its group name, or the same name at one place or in one online room).
//! From the records a run changed, it gathers every record that could end up in a group with
//! them: records that match them (found through shared blocking keys, then compared), and
//! every member of the old groups involved, transitively. It clusters that set from scratch
//! with `dedup::cluster`, gives the clusters ids with `dedup::assign_ids` (each its smallest
//! record's; old ids redirect to the part that keeps most of their records), and turns the
//! result into group writes, redirects, tombstones and events. Since clustering decides each
//! connected set of matches on its own, the result equals a rebuild from scratch, ids
//! included, in any import order.
//!
//! Names are weighed by how rare they are in the store (`dedup::NameTable`, counted by
//! `carriers.rs` for the names of the records being compared) and handed to the matcher,
//! which reads nothing itself. Pairs decided earlier are not re-decided when a new carrier of their
//! name arrives elsewhere (only records the run can affect are); a rebuild would count it.
//!
//! `GroupChanges::reviews` lists what the matcher was unsure of (`dedup::Review`):
//! abstentions and weak matches among the records regrouped (`reviews.rs` asks the same of
//! any records without writing anything, for an operator's review queue).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::carriers::Carriers;
use crate::dedup::{self, Candidate, Features, MergeInput, Review};
use crate::events::{ChangeKind, GroupEvent};
use crate::model::{
    Correction, CorrectionKind, GroupMeeting, GroupStatus, MatchLink, RecordKey, StoredGroup, StoredRecord,
};
use crate::store::{RunCommit, RunLog, Store};

/// Group-level writes and the events to publish once they are committed.
#[derive(Debug, Default)]
pub struct GroupChanges {
    pub records_put: Vec<StoredRecord>,
    pub records_delete: Vec<RecordKey>,
    /// Shared with the events that announce them (one copy of each group per run).
    pub groups_put: Vec<Arc<StoredGroup>>,
    pub groups_tombstone: Vec<Arc<StoredGroup>>,
    pub redirects: Vec<(String, String)>,
    pub events: Vec<GroupEvent>,
    /// Pairs among the regrouped records that the matcher abstained on or joined on weak
    /// evidence, with the evidence (not written to the store).
    pub reviews: Vec<Review>,
}

impl GroupChanges {
    /// The one step from a regroup to a store write: the commit (with the run log or the
    /// corrections that caused it, if any) and the events to publish once it is applied.
    pub fn into_commit(self, run: Option<RunLog>, corrections: Vec<Correction>) -> (RunCommit, Vec<GroupEvent>) {
        let commit = RunCommit {
            records_put: self.records_put,
            records_delete: self.records_delete,
            groups_put: self.groups_put,
            groups_tombstone: self.groups_tombstone,
            redirects: self.redirects,
            run,
            corrections,
        };
        (commit, self.events)
    }
}

/// Regroups around `put` (new record states) and `delete` (records leaving the store), with
/// the stored operator corrections plus `pending` ones (which replace stored ones of the
/// same pair).
pub fn regroup(
    store: &Store,
    trust: &dyn Fn(&str) -> u8,
    put: Vec<StoredRecord>,
    delete: Vec<StoredRecord>,
    now: DateTime<Utc>,
    pending: &[Correction],
) -> anyhow::Result<GroupChanges> {
    let deleted: BTreeSet<RecordKey> = delete.iter().map(|r| r.key.clone()).collect();
    let mut corrections: Vec<Correction> =
        store.corrections()?.into_iter().filter(|c| !pending.iter().any(|p| p.a == c.a && p.b == c.b)).collect();
    corrections.extend(pending.iter().cloned());
    let mut closure = Closure::new(store, &deleted, &corrections);
    for rec in &delete {
        closure.seed_deleted(&rec.key)?;
    }
    for rec in put {
        closure.seed(rec)?;
    }
    closure.expand()?;
    let names = closure.carriers.table_of(closure.current.values().map(|r| &**r))?;
    let Closure { current, previous, old_groups, crowded, .. } = closure;

    let mut current = current;
    let candidates: Vec<Candidate<'_>> =
        current.values().map(|r| Candidate { key: &r.key, listing: &r.listing, hash: &r.hash }).collect();
    let matching = dedup::match_candidates(&candidates, &corrections, Some(&names));
    let clusters = matching.clusters;
    let parts = dedup::assemble(&clusters, |k| {
        current
            .get(k)
            .map(|r| assembly_keys(r).filter(|b| !crowded.contains(*b)).cloned().collect())
            .unwrap_or_default()
    });
    let members: Vec<Vec<RecordKey>> = parts
        .iter()
        .map(|idx| {
            let mut m: Vec<RecordKey> = idx.iter().flat_map(|&i| clusters[i].members.iter().cloned()).collect();
            m.sort();
            m
        })
        .collect();
    let old_members: BTreeMap<String, Vec<RecordKey>> =
        old_groups.iter().map(|(id, g)| (id.clone(), g.records.clone())).collect();
    let plan = dedup::assign_ids(&members, &old_members);

    let mut out = GroupChanges {
        records_delete: deleted.iter().cloned().collect(),
        reviews: matching.reviews,
        ..Default::default()
    };
    let mut assigned: Vec<(RecordKey, String)> = Vec::new();
    for ((idx, group_members), id) in parts.iter().zip(members).zip(plan.ids) {
        let recs: Vec<&StoredRecord> = group_members.iter().filter_map(|k| current.get(k).map(|r| &**r)).collect();
        let inputs: Vec<MergeInput<'_>> =
            recs.iter().map(|r| MergeInput { record: r, trust: trust(&r.key.source_id) }).collect();
        let Some(mut listing) = dedup::merge(&inputs) else { continue };
        let status_conflict = dedup::status_conflict(&inputs);
        let meetings = meetings(idx.iter().map(|&i| &clusters[i]), &current, trust);
        listing.meetings = meetings.iter().map(|m| m.slot.clone()).collect();
        let status =
            if recs.iter().all(|r| r.missing_since.is_some()) { GroupStatus::Missing } else { GroupStatus::Active };
        let before = old_groups.get(&id).cloned().or(store.group(&id)?.filter(|g| g.id == id));
        let first_seen = recs.iter().map(|r| r.first_seen).min().unwrap_or(now);
        let mut links: Vec<MatchLink> = idx.iter().flat_map(|&i| clusters[i].links.iter().cloned()).collect();
        links.sort_by(|a, b| (&a.a, &a.b).cmp(&(&b.a, &b.b)));
        let mut group = StoredGroup {
            id: id.clone(),
            listing,
            records: group_members.clone(),
            links,
            meetings,
            status,
            status_conflict,
            first_seen,
            updated_at: now,
        };
        let inherited = recs.iter().any(|r| previous.contains_key(&r.key));
        let kind = match &before {
            Some(p) if p.status != GroupStatus::Removed && same_content(p, &group) => None,
            Some(p) if p.status != GroupStatus::Removed => {
                group.first_seen = p.first_seen.min(group.first_seen);
                Some(ChangeKind::Updated)
            }
            _ if inherited => Some(ChangeKind::Updated),
            _ => Some(ChangeKind::Added),
        };
        for r in &recs {
            if r.group_id != id || store.record(&r.key)?.as_ref() != Some(*r) {
                assigned.push((r.key.clone(), id.clone()));
            }
        }
        if let Some(kind) = kind {
            let group = Arc::new(group);
            out.events.push(GroupEvent::new(kind, group.clone()));
            out.groups_put.push(group);
        }
    }
    drop(candidates);
    // The records that change, moved out of the closure rather than copied.
    for (key, id) in assigned {
        if let Some(r) = current.remove(&key) {
            let r = Arc::try_unwrap(r).unwrap_or_else(|shared| (*shared).clone());
            out.records_put.push(StoredRecord { group_id: id, ..r });
        }
    }
    out.redirects = plan.redirects;
    for old in plan.removed {
        if let Some(prev) = old_groups.get(&old) {
            let tomb = Arc::new(StoredGroup { status: GroupStatus::Removed, updated_at: now, ..prev.clone() });
            out.events.push(GroupEvent::new(ChangeKind::Removed, tomb.clone()));
            out.groups_tombstone.push(tomb);
        }
    }
    Ok(out)
}

/// The records a change can affect, gathered by breadth-first search.
struct Closure<'a> {
    store: &'a Store,
    deleted: &'a BTreeSet<RecordKey>,
    corrections: &'a [Correction],
    /// Current state of every record in the closure (deleted ones are absent); shared, so
    /// walking the closure copies no record.
    current: BTreeMap<RecordKey, Arc<StoredRecord>>,
    /// The group each closure record belonged to before this run.
    previous: BTreeMap<RecordKey, String>,
    old_groups: BTreeMap<String, StoredGroup>,
    /// Assembly keys shared by more than `dedup::MAX_GROUP_MEETINGS` records of one source:
    /// catch-alls that assemble nothing (and pull nothing in).
    crowded: BTreeSet<String>,
    /// Matching keys held by more than `dedup::MAX_BUCKET` stored records: not followed.
    oversize: BTreeSet<String>,
    queue: VecDeque<RecordKey>,
    /// How many groups carry each name, as counted in the store.
    carriers: Carriers<'a>,
    /// The closure records under each group-name key (`dedup::GROUP_PREFIX`), so asking whether
    /// one holds looks at its records, not at every record of the closure.
    named: HashMap<String, Vec<RecordKey>>,
    /// Whether a group-name key holds, and the closure it was decided on (how many records
    /// came under the key, how many of the stored ones were in the closure).
    holds: HashMap<String, ((usize, usize), bool)>,
    /// Stored records compared with a closure record and left out, as the matcher compares
    /// them: a run's new records meet the same stored candidates again and again (each stored
    /// copy of an online meeting, once per new copy), which were read and decoded each time.
    compared: HashMap<RecordKey, Rc<Compared>>,
}

/// What comparing a stored record reads of it.
struct Compared {
    hash: String,
    features: Features,
}

/// Candidates kept in `Closure::compared` at most (about half a kilobyte each); past it the
/// map starts again.
const MAX_COMPARED: usize = 200_000;

impl<'a> Closure<'a> {
    fn new(store: &'a Store, deleted: &'a BTreeSet<RecordKey>, corrections: &'a [Correction]) -> Self {
        Closure {
            store,
            deleted,
            corrections,
            current: BTreeMap::new(),
            previous: BTreeMap::new(),
            old_groups: BTreeMap::new(),
            crowded: BTreeSet::new(),
            oversize: BTreeSet::new(),
            queue: VecDeque::new(),
            carriers: Carriers::new(store),
            named: HashMap::new(),
            holds: HashMap::new(),
            compared: HashMap::new(),
        }
    }

    /// Adds a record to the closure, as this run leaves it.
    fn add_current(&mut self, rec: StoredRecord) {
        for b in rec.blocks.iter().filter(|b| b.starts_with(dedup::GROUP_PREFIX)) {
            self.named.entry(b.clone()).or_default().push(rec.key.clone());
        }
        self.current.insert(rec.key.clone(), Arc::new(rec));
    }

    fn seed_deleted(&mut self, key: &RecordKey) -> anyhow::Result<()> {
        if let Some(stored) = self.store.record(key)? {
            self.old_group(&stored.group_id)?;
        }
        Ok(())
    }

    fn seed(&mut self, rec: StoredRecord) -> anyhow::Result<()> {
        if let Some(stored) = self.store.record(&rec.key)? {
            self.previous.insert(rec.key.clone(), stored.group_id.clone());
            self.old_group(&stored.group_id)?;
        }
        self.queue.push_back(rec.key.clone());
        self.add_current(rec);
        Ok(())
    }

    /// Pulls in an old group and all its members.
    fn old_group(&mut self, id: &str) -> anyhow::Result<()> {
        if id.is_empty() || self.old_groups.contains_key(id) {
            return Ok(());
        }
        let Some(g) = self.store.group(id)?.filter(|g| g.id == id) else { return Ok(()) };
        for k in &g.records {
            self.previous.insert(k.clone(), id.to_owned());
            if !self.current.contains_key(k) && !self.deleted.contains(k) {
                if let Some(r) = self.store.record(k)? {
                    self.queue.push_back(k.clone());
                    self.add_current(r);
                }
            }
        }
        self.old_groups.insert(id.to_owned(), g);
        Ok(())
    }

    /// A group-name key (`dedup::GROUP_PREFIX`) holds when its records meet at one place;
    /// other assembly keys always do. Records are read as this run leaves them.
    /// The answer is kept per key until another closure record comes under it.
    fn group_name_holds(&mut self, source: &str, block: &str, keys: &[RecordKey]) -> anyhow::Result<bool> {
        if !block.starts_with(dedup::GROUP_PREFIX) {
            return Ok(true);
        }
        let named = self.named.get(block).map_or(&[][..], Vec::as_slice);
        let closure = (named.len(), keys.iter().filter(|k| self.current.contains_key(*k)).count());
        if let Some((seen, holds)) = self.holds.get(block) {
            if *seen == closure {
                return Ok(*holds);
            }
        }
        let mut stored: BTreeMap<RecordKey, importers::Listing> = BTreeMap::new();
        for k in keys {
            if self.deleted.contains(k) || self.current.contains_key(k) {
                continue;
            }
            if let Some(r) = self.store.record(k)? {
                stored.insert(k.clone(), r.listing);
            }
        }
        let mut listings: BTreeMap<&RecordKey, &importers::Listing> = named
            .iter()
            .filter(|k| k.source_id == source)
            .filter_map(|k| self.current.get(k))
            .filter(|r| r.blocks.iter().any(|b| b == block))
            .map(|r| (&r.key, &r.listing))
            .collect();
        listings.extend(stored.iter());
        let holds = dedup::group_name_holds(listings.into_values());
        self.holds.insert(block.to_owned(), (closure, holds));
        Ok(holds)
    }

    /// A stored record as the matcher compares it, read once per run (`None`: not stored).
    fn compared(&mut self, key: &RecordKey) -> anyhow::Result<Option<Rc<Compared>>> {
        if let Some(c) = self.compared.get(key) {
            return Ok(Some(c.clone()));
        }
        let Some(other) = self.store.record_document(key)? else { return Ok(None) };
        let c = Rc::new(Compared { features: Features::of(&other.listing), hash: other.hash });
        if self.compared.len() >= MAX_COMPARED {
            self.compared.clear();
        }
        self.compared.insert(key.clone(), c.clone());
        Ok(Some(c))
    }

    /// Adds every stored record that matches a closure record, and the old groups of all.
    fn expand(&mut self) -> anyhow::Result<()> {
        let mut done: BTreeSet<RecordKey> = BTreeSet::new();
        while let Some(key) = self.queue.pop_front() {
            if !done.insert(key.clone()) {
                continue;
            }
            let Some(rec) = self.current.get(&key).cloned() else { continue };
            let features = Features::of(&rec.listing);
            let mut neighbours: BTreeSet<RecordKey> = BTreeSet::new();
            // Fellow meetings of the record's group: same source, same assembly key.
            let mut fellows: BTreeSet<RecordKey> = BTreeSet::new();
            for block in rec.blocks.iter().filter(|b| !b.starts_with(dedup::CARRIER_PREFIX)) {
                if !block.starts_with(dedup::ASSEMBLY_PREFIX) {
                    // A key shared by more records than a rebuild compares pairwise is skipped
                    // here as there (an online meeting's name at one time, across a country).
                    if self.oversize.contains(block) {
                        continue;
                    }
                    match self.store.records_with_block_at_most(block, dedup::MAX_BUCKET)? {
                        Some(found) => neighbours.extend(found),
                        None => {
                            self.oversize.insert(block.clone());
                        }
                    }
                    continue;
                }
                let found = self.store.records_with_block(block)?;
                let same_source: Vec<RecordKey> =
                    found.into_iter().filter(|k| k.source_id == rec.key.source_id).collect();
                if same_source.len() > dedup::MAX_GROUP_MEETINGS
                    || !self.group_name_holds(&rec.key.source_id, block, &same_source)?
                {
                    self.crowded.insert(block.clone());
                } else {
                    fellows.extend(same_source);
                }
            }
            let linked: BTreeSet<&RecordKey> = self
                .corrections
                .iter()
                .filter(|c| c.kind == CorrectionKind::Link)
                .filter_map(|c| {
                    if c.a == key {
                        Some(&c.b)
                    } else if c.b == key {
                        Some(&c.a)
                    } else {
                        None
                    }
                })
                .collect();
            neighbours.extend(linked.iter().map(|k| (*k).clone()));
            neighbours.extend(fellows.iter().cloned());
            for n in neighbours {
                if n == key || self.deleted.contains(&n) || self.current.contains_key(&n) {
                    continue;
                }
                let joined = linked.contains(&n) || fellows.contains(&n);
                if !joined {
                    // Most candidates are compared and left: read whole only once one joins.
                    let Some(theirs) = self.compared(&n)? else { continue };
                    let names = self.carriers.table_for(&[&features, &theirs.features])?;
                    let me = (&rec.key, rec.hash.as_str(), &features);
                    if dedup::pair_features(me, (&n, &theirs.hash, &theirs.features), &names).is_none() {
                        continue;
                    }
                    self.compared.remove(&n);
                }
                let Some(other) = self.store.record(&n)? else { continue };
                self.previous.insert(n.clone(), other.group_id.clone());
                let gid = other.group_id.clone();
                self.queue.push_back(n.clone());
                self.add_current(other);
                self.old_group(&gid)?;
            }
        }
        Ok(())
    }
}

/// Equal apart from the update time.
fn same_content(a: &StoredGroup, b: &StoredGroup) -> bool {
    a.listing == b.listing
        && a.records == b.records
        && a.links == b.links
        && a.status == b.status
        && a.meetings == b.meetings
}

/// A record's assembly keys, as stored among its blocking keys.
fn assembly_keys(r: &StoredRecord) -> impl Iterator<Item = &String> {
    r.blocks.iter().filter(|b| b.starts_with(dedup::ASSEMBLY_PREFIX))
}

/// The meetings of a group: each matched meeting's merged slots, described by that meeting's
/// records (two meetings at one time stay two, as matching decided). Sorted by weekday, start,
/// end and zone, then records.
fn meetings<'a>(
    parts: impl Iterator<Item = &'a dedup::Cluster>,
    current: &BTreeMap<RecordKey, Arc<StoredRecord>>,
    trust: &dyn Fn(&str) -> u8,
) -> Vec<GroupMeeting> {
    let mut out: Vec<GroupMeeting> = Vec::new();
    for part in parts {
        let inputs: Vec<MergeInput<'_>> = part
            .members
            .iter()
            .filter_map(|k| current.get(k))
            .map(|r| MergeInput { record: r, trust: trust(&r.key.source_id) })
            .collect();
        let Some(merged) = dedup::merge(&inputs) else { continue };
        out.extend(merged.meetings.into_iter().map(|slot| GroupMeeting { slot, records: part.members.clone() }));
    }
    out.sort_by(|a, b| slot_order(&a.slot).cmp(&slot_order(&b.slot)).then_with(|| a.records.cmp(&b.records)));
    out
}

fn slot_order(m: &importers::Meeting) -> (u8, Option<chrono::NaiveTime>, Option<chrono::NaiveTime>, &str) {
    (m.weekday.map(|w| w.iso()).unwrap_or(8), m.start, m.end, m.timezone.as_str())
}
