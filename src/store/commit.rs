//! Applying one import run to the store, atomically: in sorted sled batches of `BATCH`
//! documents behind the store's write lock (which every multi-key read takes), each batch's
//! previous values logged first (`undo.rs`), so a run cut short is rolled back, at once on an
//! error or at the next open after a crash. One sled transaction per run held every write of
//! the run in memory (15 GiB for a first import of 100,000 listings); batches hold one batch.
//!
//! The caller (ingest) decides what changed; this file keeps the secondary structures
//! (each record's list of blocking keys, the live-group counter, redirects) in step with the
//! documents, so records and groups always agree, and notes
//! what the run changes in the in-memory blocking-key index (`blocks.rs`). `Store::commit`
//! applies that, and updates the finder's index, under the same write lock once every write
//! succeeded.
//!
//! A source keeps its newest `RUNS_KEPT` runs (and any run still held for an operator); each
//! commit of a run deletes what falls out of that window, after the run is written, so a
//! service importing every hour for years holds weeks of runs, not every run it ever made.

use std::sync::Arc;

use anyhow::Context;
use sled::Batch;

use super::blocks::{BlockIndex, Changes};
use super::undo::{self, Entries, Slot};
use super::{codec, decode_blocks, encode_blocks, read_u64, record_key, Trees, LIVE_GROUPS};
use crate::model::{Correction, ImportRun, RecordKey, RunOutcome, SourceState, StoredGroup, StoredRecord};
use crate::parallel::par_map;

/// Everything one run (an import, or an operator's correction) writes.
#[derive(Debug, Clone, Default)]
pub struct RunCommit {
    /// New or changed records (unchanged ones need not be listed).
    pub records_put: Vec<StoredRecord>,
    pub records_delete: Vec<RecordKey>,
    /// Live groups, new or changed (shared with the events that announce them).
    pub groups_put: Vec<Arc<StoredGroup>>,
    /// Groups whose records are all gone: kept as resolvable tombstones, out of every index.
    pub groups_tombstone: Vec<Arc<StoredGroup>>,
    /// Merged-away ids: (from, to). `from` leaves the live groups and resolves to `to`.
    pub redirects: Vec<(String, String)>,
    /// The import run and the source's state after it; `None` for a correction.
    pub run: Option<RunLog>,
    /// Operator corrections to store (one per pair of records: a new one replaces the old).
    pub corrections: Vec<Correction>,
}

/// The run log part of a commit.
#[derive(Debug, Clone)]
pub struct RunLog {
    pub source_id: String,
    pub run: ImportRun,
    pub state: SourceState,
}

impl RunCommit {
    /// A commit that only records a run and the source's state.
    pub fn run_only(source_id: &str, run: ImportRun, state: SourceState) -> Self {
        RunCommit { run: Some(RunLog { source_id: source_id.to_owned(), run, state }), ..Default::default() }
    }
}

/// Records (or groups) per batch: large enough for sled to write in long sorted runs, small
/// enough that a run of a million records never holds more than one batch encoded.
const BATCH: usize = 10_000;

/// Writes `c` in ordered batches behind the caller's write lock, each batch's undo entries
/// first (`undo.rs`): a failure rolls the run back at once, a crash at the next open. Returns
/// what the run changes in `index`, to apply once it is written.
pub(crate) fn apply(t: &Trees, c: &RunCommit, index: &mut BlockIndex) -> anyhow::Result<Changes> {
    let mut changes = Changes::default();
    let result = apply_logged(t, c, index, &mut changes).map(|()| changes);
    if let Err(e) = &result {
        tracing::error!(error = %format!("{e:#}"), "a store commit failed; rolling it back");
        undo::roll_back(t).context("rolling back a failed commit")?;
    }
    result
}

fn apply_logged(t: &Trees, c: &RunCommit, index: &mut BlockIndex, changes: &mut Changes) -> anyhow::Result<()> {
    // A run whose rollback failed is rolled back before anything else is written; a leftover
    // log of a finished run (cleared at open, or just after that run) is no log.
    if undo::pending(t)? {
        undo::roll_back(t).context("rolling back the run before this one")?;
    } else if !t.undo.is_empty() {
        t.undo.clear()?;
    }
    let mut log = undo::Log::new();
    let mut live = read_u64(&t.meta, LIVE_GROUPS)?;
    for chunk in c.records_put.chunks(BATCH) {
        put_records(t, log.entries(), chunk, index, changes)?;
    }
    for chunk in c.records_delete.chunks(BATCH) {
        delete_records(t, log.entries(), chunk, index, changes)?;
    }
    for chunk in c.groups_put.chunks(BATCH) {
        put_groups(t, log.entries(), chunk, &mut live)?;
    }
    for chunk in c.groups_tombstone.chunks(BATCH) {
        tombstone_groups(t, log.entries(), chunk, &mut live)?;
    }
    for chunk in c.redirects.chunks(BATCH) {
        redirect_groups(t, log.entries(), chunk, &mut live)?;
    }
    let mut last = log.entries();
    let mut runs = Batch::default();
    let mut sources = Batch::default();
    let mut corrections = Batch::default();
    if let Some(l) = &c.run {
        let key = run_key(&l.run);
        last.log(Slot::Runs, &key, t.runs.get(&key)?.as_deref());
        runs.insert(key, codec::encode(&l.run)?);
        let source = l.source_id.as_bytes();
        last.log(Slot::Sources, source, t.sources.get(source)?.as_deref());
        sources.insert(source, codec::encode(&l.state)?);
    }
    for k in &c.corrections {
        let key = super::correction_key(&k.a, &k.b);
        last.log(Slot::Corrections, &key, t.corrections.get(&key)?.as_deref());
        corrections.insert(key, serde_json::to_vec(k)?);
    }
    last.log(Slot::Meta, LIVE_GROUPS, t.meta.get(LIVE_GROUPS)?.as_deref());
    last.write(t)?;
    t.runs.apply_batch(runs)?;
    t.sources.apply_batch(sources)?;
    t.corrections.apply_batch(corrections)?;
    t.meta.insert(LIVE_GROUPS, &live.to_be_bytes()[..])?;
    undo::finish(t)?;
    if let Some(l) = &c.run {
        // Outside the undo log and best effort: the run is written, so a failure (or a crash)
        // here only leaves old runs for the next commit to delete, never fails the commit.
        if let Err(e) = forget_old_runs(t, &l.source_id) {
            tracing::warn!(source = %l.source_id, error = %format!("{e:#}"), "could not delete a source's old runs; the next run tries again");
        }
    }
    Ok(())
}

/// Runs kept per source, newest first (about six weeks of hourly imports).
#[cfg(not(test))]
const RUNS_KEPT: usize = 1_000;
/// Small in the unit tests, so they pass the window.
#[cfg(test)]
const RUNS_KEPT: usize = 5;

/// Deletes the source's runs older than its newest `RUNS_KEPT`, except those still held for an
/// operator (`Held` with no resolution yet: the operator's decision needs them). A run that does
/// not decode is deleted with the rest: it is past the window.
fn forget_old_runs(t: &Trees, source_id: &str) -> anyhow::Result<()> {
    let mut old = Batch::default();
    for kv in t.runs.scan_prefix(super::key_prefix(source_id)).rev().skip(RUNS_KEPT) {
        let (k, v) = kv?;
        let held =
            codec::decode::<ImportRun>(&v).is_ok_and(|r| r.outcome == RunOutcome::Held && r.resolution.is_none());
        if !held {
            old.remove(k);
        }
    }
    t.runs.apply_batch(old)?;
    Ok(())
}

/// New record states: each record's key list (an empty one for a record without keys, so
/// every record has one: the index of them knows every record) and the documents (encoded
/// on every core first).
fn put_records(
    t: &Trees,
    mut log: Entries<'_>,
    records: &[StoredRecord],
    index: &mut BlockIndex,
    changes: &mut Changes,
) -> anyhow::Result<()> {
    let (mut docs, mut lists) = (Batch::default(), Batch::default());
    for (r, doc) in records.iter().zip(par_map(records, codec::encode)) {
        let key = record_key(&r.key);
        let old = log_record(t, &mut log, index, &key)?;
        index.change(changes, &key, &old, &r.blocks);
        lists.insert(key.as_slice(), encode_blocks(&r.blocks));
        docs.insert(key.as_slice(), doc?);
    }
    log.write(t)?;
    t.record_blocks.apply_batch(lists)?;
    t.records.apply_batch(docs)?;
    Ok(())
}

/// Logs the record `key` as it is before the run (its document and key list) and answers
/// its blocking keys then. A record the index does not hold is not in the store (the index
/// is changed only once a commit is written): logged as absent without reading sled.
fn log_record(t: &Trees, log: &mut Entries<'_>, index: &BlockIndex, key: &[u8]) -> anyhow::Result<Vec<String>> {
    if !index.holds(key) {
        log.log_record(key, None, None);
        return Ok(Vec::new());
    }
    let old_doc = t.records.get(key)?;
    let old_list = t.record_blocks.get(key)?;
    log.log_record(key, old_doc.as_deref(), old_list.as_deref());
    decode_blocks(old_list.as_deref().unwrap_or_default())
}

fn delete_records(
    t: &Trees,
    mut log: Entries<'_>,
    keys: &[RecordKey],
    index: &mut BlockIndex,
    changes: &mut Changes,
) -> anyhow::Result<()> {
    let (mut docs, mut lists) = (Batch::default(), Batch::default());
    for k in keys {
        let key = record_key(k);
        let old = log_record(t, &mut log, index, &key)?;
        index.delete(changes, &key, &old);
        lists.remove(key.as_slice());
        docs.remove(key.as_slice());
    }
    log.write(t)?;
    t.record_blocks.apply_batch(lists)?;
    t.records.apply_batch(docs)?;
    Ok(())
}

fn put_groups(t: &Trees, mut log: Entries<'_>, groups: &[Arc<StoredGroup>], live: &mut u64) -> anyhow::Result<()> {
    let (mut docs, mut tombs, mut redirects) = (Batch::default(), Batch::default(), Batch::default());
    for (g, doc) in groups.iter().zip(par_map(groups, |g| codec::encode(&**g))) {
        let id = g.id.as_bytes();
        let old = t.groups.get(id)?;
        if old.is_some() {
            *live = live.saturating_sub(1);
        }
        *live += 1;
        log.log(Slot::Groups, id, old.as_deref());
        if let Some(old) = t.tombstones.get(id)? {
            log.log(Slot::Tombstones, id, Some(&old));
            tombs.remove(id);
        }
        if let Some(old) = t.redirects.get(id)? {
            log.log(Slot::Redirects, id, Some(&old));
            redirects.remove(id);
        }
        docs.insert(id, doc?);
    }
    log.write(t)?;
    t.tombstones.apply_batch(tombs)?;
    t.redirects.apply_batch(redirects)?;
    t.groups.apply_batch(docs)?;
    Ok(())
}

fn tombstone_groups(
    t: &Trees,
    mut log: Entries<'_>,
    groups: &[Arc<StoredGroup>],
    live: &mut u64,
) -> anyhow::Result<()> {
    let (mut docs, mut tombs) = (Batch::default(), Batch::default());
    for g in groups {
        let id = g.id.as_bytes();
        if let Some(old) = t.groups.get(id)? {
            *live = live.saturating_sub(1);
            log.log(Slot::Groups, id, Some(&old));
            docs.remove(id);
        }
        log.log(Slot::Tombstones, id, t.tombstones.get(id)?.as_deref());
        tombs.insert(id, codec::encode(&**g)?);
    }
    log.write(t)?;
    t.groups.apply_batch(docs)?;
    t.tombstones.apply_batch(tombs)?;
    Ok(())
}

fn redirect_groups(
    t: &Trees,
    mut log: Entries<'_>,
    redirects: &[(String, String)],
    live: &mut u64,
) -> anyhow::Result<()> {
    let (mut docs, mut tombs, mut links) = (Batch::default(), Batch::default(), Batch::default());
    for (from, to) in redirects {
        let id = from.as_bytes();
        if let Some(old) = t.groups.get(id)? {
            *live = live.saturating_sub(1);
            log.log(Slot::Groups, id, Some(&old));
            docs.remove(id);
        }
        if let Some(old) = t.tombstones.get(id)? {
            log.log(Slot::Tombstones, id, Some(&old));
            tombs.remove(id);
        }
        log.log(Slot::Redirects, id, t.redirects.get(id)?.as_deref());
        links.insert(id, to.as_bytes());
    }
    log.write(t)?;
    t.groups.apply_batch(docs)?;
    t.tombstones.apply_batch(tombs)?;
    t.redirects.apply_batch(links)?;
    Ok(())
}

/// `source \0 started millis (big-endian, sortable) \0 run id`.
pub(super) fn run_key(run: &ImportRun) -> Vec<u8> {
    let mut k = run.source_id.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(&run.started_at.timestamp_millis().to_be_bytes());
    k.push(0);
    k.extend_from_slice(run.id.as_bytes());
    k
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration};

    use super::*;
    use crate::model::RunCounts;
    use crate::store::Store;

    fn run(source: &str, n: i64, outcome: RunOutcome) -> ImportRun {
        let started_at = DateTime::UNIX_EPOCH + Duration::hours(n);
        ImportRun {
            id: format!("{source}-{n}"),
            source_id: source.to_owned(),
            started_at,
            finished_at: started_at,
            outcome,
            http_status: Some(200),
            fetched_bytes: 0,
            counts: RunCounts::default(),
            problems: Vec::new(),
            problems_omitted: 0,
            error: None,
            changes: Vec::new(),
            changes_omitted: 0,
            resolution: None,
        }
    }

    fn ids(store: &Store, source: &str) -> Vec<String> {
        store.runs(source, usize::MAX).unwrap().into_iter().map(|r| r.id).collect()
    }

    /// Each commit of a run leaves its source the newest `RUNS_KEPT` runs and any older run
    /// still held for an operator; other sources' runs are left alone.
    #[test]
    fn a_source_keeps_its_newest_runs_and_those_still_held() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let commit = |r: ImportRun| store.commit(RunCommit::run_only(&r.source_id.clone(), r, SourceState::default()));
        commit(run("b", 0, RunOutcome::Succeeded)).unwrap();
        commit(run("a", 1, RunOutcome::Held)).unwrap();
        commit(run("a", 2, RunOutcome::Held)).unwrap();
        for n in 3..20 {
            commit(run("a", n, RunOutcome::Succeeded)).unwrap();
        }
        // The operator discards the second held run: it is no longer kept past the window.
        let mut resolved = run("a", 2, RunOutcome::Held);
        let stamp = crate::model::Stamp { at: DateTime::UNIX_EPOCH, by: "op".into(), reason: None };
        resolved.resolution = Some(crate::model::HeldResolution { applied: false, stamp, run_id: None });
        store.put_run(&resolved).unwrap();
        commit(run("a", 20, RunOutcome::Unchanged)).unwrap();
        let mut want: Vec<String> = (16..=20).rev().map(|n| format!("a-{n}")).collect();
        want.push("a-1".into());
        assert_eq!(ids(&store, "a"), want, "the newest five, then the held runs not yet resolved");
        assert_eq!(ids(&store, "b"), ["b-0"], "another source's runs stay");
    }
}
