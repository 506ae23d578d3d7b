//! Applying one import run to the store in a single sled transaction.
//!
//! The caller (ingest) decides what changed; this file keeps the secondary structures
//! (blocking keys, the live-group counter, redirects, the ids derived from records) in step with the documents, so records
//! and groups always agree. The finder's in-memory index is updated by `Store::commit` under
//! the same write lock.

use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use sled::Transactional;

use super::{record_key, Trees, LIVE_GROUPS};
use crate::model::{Correction, ImportRun, RecordKey, SourceState, StoredGroup, StoredRecord};

/// Everything one run (an import, or an operator's correction) writes.
#[derive(Debug, Clone, Default)]
pub struct RunCommit {
    /// New or changed records (unchanged ones need not be listed).
    pub records_put: Vec<StoredRecord>,
    pub records_delete: Vec<RecordKey>,
    /// Live groups, new or changed.
    pub groups_put: Vec<StoredGroup>,
    /// Groups whose records are all gone: kept as resolvable tombstones, out of every index.
    pub groups_tombstone: Vec<StoredGroup>,
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

type TxResult<T> = Result<T, ConflictableTransactionError<String>>;

pub(crate) fn apply(t: &Trees, c: &RunCommit) -> anyhow::Result<()> {
    let records = c
        .records_put
        .iter()
        .map(|r| Ok((record_key(&r.key), serde_json::to_vec(r)?, r, r.key.group_id())))
        .collect::<serde_json::Result<Vec<_>>>()?;
    let groups =
        c.groups_put.iter().map(|g| Ok((serde_json::to_vec(g)?, g))).collect::<serde_json::Result<Vec<_>>>()?;
    let tombs =
        c.groups_tombstone.iter().map(|g| Ok((serde_json::to_vec(g)?, g))).collect::<serde_json::Result<Vec<_>>>()?;
    let log = match &c.run {
        Some(l) => {
            Some((run_key(&l.run), serde_json::to_vec(&l.run)?, l.source_id.as_bytes(), serde_json::to_vec(&l.state)?))
        }
        None => None,
    };
    let corrections = c
        .corrections
        .iter()
        .map(|k| Ok((super::correction_key(&k.a, &k.b), serde_json::to_vec(k)?)))
        .collect::<serde_json::Result<Vec<_>>>()?;

    let deletes: Vec<(Vec<u8>, String)> = c.records_delete.iter().map(|k| (record_key(k), k.group_id())).collect();
    let trees = (
        &t.records,
        &t.groups,
        &t.tombstones,
        &t.redirects,
        &t.blocks,
        &t.runs,
        &t.sources,
        &t.meta,
        &t.corrections,
        &t.derived,
    );
    let result = trees.transaction(
        |(records_t, groups_t, tombs_t, redirects_t, blocks_t, runs_t, sources_t, meta_t, corrections_t, derived_t)| {
            let mut live = read_counter(meta_t)?;
            for (key, bytes, rec, derived) in &records {
                if let Some(old) = records_t.get(key)? {
                    unblock(blocks_t, &old, key)?;
                }
                for b in &rec.blocks {
                    blocks_t.insert(block_key(b, key), &[][..])?;
                }
                records_t.insert(key.as_slice(), bytes.as_slice())?;
                derived_t.insert(derived.as_bytes(), key.as_slice())?;
            }
            for (key, derived) in &deletes {
                if let Some(old) = records_t.remove(key.as_slice())? {
                    unblock(blocks_t, &old, key)?;
                }
                derived_t.remove(derived.as_bytes())?;
            }
            for (bytes, g) in &groups {
                if groups_t.get(g.id.as_bytes())?.is_some() {
                    live = live.saturating_sub(1);
                }
                tombs_t.remove(g.id.as_bytes())?;
                redirects_t.remove(g.id.as_bytes())?;
                groups_t.insert(g.id.as_bytes(), bytes.as_slice())?;
                live += 1;
            }
            for (bytes, g) in &tombs {
                if groups_t.get(g.id.as_bytes())?.is_some() {
                    live = live.saturating_sub(1);
                }
                groups_t.remove(g.id.as_bytes())?;
                tombs_t.insert(g.id.as_bytes(), bytes.as_slice())?;
            }
            for (from, to) in &c.redirects {
                if groups_t.get(from.as_bytes())?.is_some() {
                    live = live.saturating_sub(1);
                }
                groups_t.remove(from.as_bytes())?;
                tombs_t.remove(from.as_bytes())?;
                redirects_t.insert(from.as_bytes(), to.as_bytes())?;
            }
            if let Some((run_key, run, source, state)) = &log {
                runs_t.insert(run_key.as_slice(), run.as_slice())?;
                sources_t.insert(*source, state.as_slice())?;
            }
            for (key, value) in &corrections {
                corrections_t.insert(key.as_slice(), value.as_slice())?;
            }
            meta_t.insert(LIVE_GROUPS, &live.to_be_bytes()[..])?;
            Ok(())
        },
    );
    match result {
        Ok(()) => Ok(()),
        Err(TransactionError::Abort(msg)) => Err(anyhow::anyhow!("store commit aborted: {msg}")),
        Err(TransactionError::Storage(e)) => Err(anyhow::Error::new(e).context("store commit failed")),
    }
}

fn unblock(blocks_t: &TransactionalTree, old: &[u8], key: &[u8]) -> TxResult<()> {
    let old: StoredRecord = decode(old)?;
    for b in &old.blocks {
        blocks_t.remove(block_key(b, key))?;
    }
    Ok(())
}

fn read_counter(meta_t: &TransactionalTree) -> TxResult<u64> {
    Ok(meta_t.get(LIVE_GROUPS)?.and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes)).unwrap_or(0))
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> TxResult<T> {
    serde_json::from_slice(bytes).map_err(|e| ConflictableTransactionError::Abort(format!("corrupt document: {e}")))
}

/// `block \0 record key`.
pub(super) fn block_key(block: &str, record_key: &[u8]) -> Vec<u8> {
    let mut k = block.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(record_key);
    k
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
