//! The store format: one version number in `meta` for how everything in the store is laid
//! out, checked at open before anything is read. An older store is migrated in place, step by
//! step; a store written by a newer supportmesh is refused with a message naming both
//! versions, never misread.
//!
//! - **1**: what supportmesh wrote before formats were recorded (no `store_format` key): JSON
//!   documents, each record carrying its blocking keys, content hashes over serde's JSON.
//! - **2**: blocking keys live apart from the documents (`record_blocks`: record key -> its
//!   keys, beside the `blocks` index), and content hashes are over the listing's canonical
//!   form (`model::content_hash`), so the next import of an unchanged feed finds every record
//!   unchanged.
//! - **3**: the index of the blocking keys (key -> records) is no longer a sled tree (`blocks`,
//!   about 18 entries a listing, most of a first import's writes): it is built in memory at
//!   open from `record_blocks` (`blocks.rs`). The migration drops the tree.
//! - **4**: documents (records, groups, tombstones, import runs, source states) and key lists
//!   are stored compressed (`codec.rs`: the JSON of 3, as one LZ4 block behind a tag byte), a
//!   third of the bytes. The migration packs every value of those trees as it is, batch by
//!   batch; a value already packed is skipped, so a migration cut short resumes.
//! - **5**: every record has a key list (an empty one when it has no keys), and the ids derived
//!   from records (`RecordKey::group_id`) are indexed in memory with the key lists (`blocks.rs`)
//!   instead of in a sled tree (`derived`, an insert per record). The migration gives the
//!   records without a list an empty one, then drops the tree.
//!
//! The group format (`format.rs`) is separate: groups are reassembled by ingest, which needs
//! the matcher; this file only changes what the store alone can change.

use anyhow::Context;

use super::{read_u64, Store, Trees};
use crate::model::{content_hash, StoredRecord};

/// The store format this code writes.
pub const STORE_FORMAT: u64 = 5;
/// The oldest store format this code migrates from.
pub const OLDEST_STORE_FORMAT: u64 = 1;

const FORMAT_KEY: &[u8] = b"store_format";

/// Records migrated per sled batch.
const BATCH: usize = 5000;

/// Why a store was not opened.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error(
        "the store at {path} is in store format {found}, written by a newer supportmesh; this version reads store \
         formats {OLDEST_STORE_FORMAT} to {STORE_FORMAT}. Run the newer version, or set [store] path to another store"
    )]
    Newer { path: String, found: u64 },
}

impl Store {
    /// The store format recorded in the store (always `STORE_FORMAT` once opened).
    pub fn store_format(&self) -> anyhow::Result<u64> {
        Ok(read_u64(&self.inner.trees.meta, FORMAT_KEY)?)
    }
}

/// The format the store is in: the recorded one; 1 for a store with documents, runs or source
/// states and no format recorded; `STORE_FORMAT` for an empty store (recorded then).
pub(super) fn found(t: &Trees) -> anyhow::Result<u64> {
    let recorded = read_u64(&t.meta, FORMAT_KEY)?;
    if recorded > 0 {
        return Ok(recorded);
    }
    // Empty of everything a migration rewrites (a store whose sources only ever failed holds
    // runs and source states in the format it was written in).
    let trees = [&t.records, &t.groups, &t.tombstones, &t.record_blocks, &t.runs, &t.sources];
    if trees.iter().all(|tree| tree.is_empty()) {
        t.meta.insert(FORMAT_KEY, &STORE_FORMAT.to_be_bytes()[..])?;
        return Ok(STORE_FORMAT);
    }
    Ok(1)
}

/// Refuses a store written by a newer supportmesh, before anything is written to it (the
/// rollback of a run cut short comes next, then `upgrade`).
pub(super) fn refuse_newer(t: &Trees, path: &std::path::Path) -> anyhow::Result<()> {
    let found = found(t)?;
    if found > STORE_FORMAT {
        return Err(FormatError::Newer { path: path.display().to_string(), found }.into());
    }
    Ok(())
}

/// Brings the store to `STORE_FORMAT`, or refuses it. Each step is idempotent and the new
/// format is recorded only after its step is flushed, so a migration cut short runs again at
/// the next open. A run cut short is rolled back before (its undo log holds values in the
/// format they were written in).
pub(super) fn upgrade(db: &sled::Db, t: &Trees, path: &std::path::Path) -> anyhow::Result<()> {
    refuse_newer(t, path)?;
    let found = found(t)?;
    if found < STORE_FORMAT {
        tracing::info!(from = found, to = STORE_FORMAT, "migrating the store");
    }
    if found < 2 {
        let n = keys_apart_and_canonical_hashes(t).context("migrating the store from format 1 to 2")?;
        db.flush().context("flushing the migrated store")?;
        t.meta.insert(FORMAT_KEY, &2u64.to_be_bytes()[..])?;
        tracing::info!(records = n, "store format 2: blocking keys apart, canonical content hashes");
    }
    if found < 3 {
        if db.tree_names().iter().any(|n| n.as_ref() == RETIRED_BLOCKS_TREE) {
            db.drop_tree(RETIRED_BLOCKS_TREE)
                .context("migrating the store from format 2 to 3: dropping the blocks tree")?;
        }
        db.flush().context("flushing the migrated store")?;
        t.meta.insert(FORMAT_KEY, &3u64.to_be_bytes()[..])?;
        tracing::info!("store format 3: the blocking-key index is built in memory");
    }
    if found < 4 {
        let mut n = 0;
        for tree in [&t.records, &t.record_blocks, &t.groups, &t.tombstones, &t.runs, &t.sources] {
            n += packed(tree).with_context(|| {
                format!("migrating the store from format 3 to 4: packing {}", String::from_utf8_lossy(&tree.name()))
            })?;
        }
        db.flush().context("flushing the migrated store")?;
        t.meta.insert(FORMAT_KEY, &4u64.to_be_bytes()[..])?;
        tracing::info!(values = n, "store format 4: documents and key lists compressed");
    }
    if found < 5 {
        let n = every_record_listed(t).context("migrating the store from format 4 to 5: empty key lists")?;
        if db.tree_names().iter().any(|n| n.as_ref() == RETIRED_DERIVED_TREE) {
            db.drop_tree(RETIRED_DERIVED_TREE)
                .context("migrating the store from format 4 to 5: dropping the derived tree")?;
        }
        t.meta.remove(RETIRED_DERIVED_MARK)?;
        db.flush().context("flushing the migrated store")?;
        t.meta.insert(FORMAT_KEY, &5u64.to_be_bytes()[..])?;
        tracing::info!(records = n, "store format 5: every record has a key list, derived ids in memory");
    }
    db.flush().context("flushing the store format")?;
    Ok(())
}

/// Format 3 -> 4: every value of `tree` not yet packed is packed as it is (the JSON documents
/// and key lists of format 3 are what `codec.rs` packs). Returns how many were.
fn packed(tree: &sled::Tree) -> anyhow::Result<usize> {
    let mut batch = sled::Batch::default();
    let (mut n, mut pending) = (0, 0);
    for kv in tree.iter() {
        let (k, v) = kv?;
        if super::codec::is_packed(&v) {
            continue;
        }
        batch.insert(k, super::codec::pack(&v));
        n += 1;
        pending += 1;
        if pending == BATCH {
            tree.apply_batch(std::mem::take(&mut batch))?;
            pending = 0;
        }
    }
    if pending > 0 {
        tree.apply_batch(batch)?;
    }
    Ok(n)
}

/// Format 4 -> 5: an empty key list for every record without one. Returns how many.
fn every_record_listed(t: &Trees) -> anyhow::Result<usize> {
    let mut batch = sled::Batch::default();
    let mut n = 0;
    for kv in t.records.iter() {
        let (k, _) = kv?;
        if !t.record_blocks.contains_key(&k)? {
            batch.insert(k, super::encode_blocks(&[]));
            n += 1;
        }
    }
    if n > 0 {
        t.record_blocks.apply_batch(batch)?;
    }
    Ok(n)
}

/// The sled tree of the ids derived from records that store formats up to 4 kept, and the
/// `meta` key that said it was filled.
const RETIRED_DERIVED_TREE: &[u8] = b"derived";
const RETIRED_DERIVED_MARK: &[u8] = b"derived_ids";

/// The sled tree of blocking-key entries that store format 2 kept.
const RETIRED_BLOCKS_TREE: &[u8] = b"blocks";

/// Format 1 -> 2: every record's blocking keys move to `record_blocks`, and its hash is
/// recomputed over the canonical form. Keys are written before the document that drops them,
/// so a second pass over a half-migrated store finds each record's keys in one place or the
/// other (a document without keys is left to the keys already moved).
fn keys_apart_and_canonical_hashes(t: &Trees) -> anyhow::Result<usize> {
    let (mut docs, mut keys) = (sled::Batch::default(), sled::Batch::default());
    let mut n = 0;
    for kv in t.records.iter() {
        let (k, v) = kv?;
        let mut rec: StoredRecord = serde_json::from_slice(&v)
            .with_context(|| format!("decoding stored record {}", String::from_utf8_lossy(&k).replace('\0', "/")))?;
        if !rec.blocks.is_empty() {
            keys.insert(k.clone(), super::encode_blocks(&rec.blocks));
        }
        rec.hash = content_hash(&rec.listing);
        docs.insert(k, serde_json::to_vec(&rec)?);
        n += 1;
        if n % BATCH == 0 {
            t.record_blocks.apply_batch(std::mem::take(&mut keys))?;
            t.records.apply_batch(std::mem::take(&mut docs))?;
        }
    }
    t.record_blocks.apply_batch(keys)?;
    t.records.apply_batch(docs)?;
    Ok(n)
}
