//! The sled store: the only module that touches sled.
//!
//! Trees: `records` (source records), `groups` (live groups), `tombstones` (removed groups, still
//! resolvable), `redirects` (merged-away id -> id), `record_blocks` (record -> its matching
//! blocking keys, for every record: kept apart from the documents, so re-keying is an index
//! rebuild; the index of them, key -> records, is in memory: `blocks.rs`, with the id derived
//! from each record, so such an id finds the group holding it), `runs` (import runs), `sources` (per-source state), `meta`
//! (counters, the store format (`version.rs`, checked at open), the blocking-key scheme, the
//! group format, the instance id), `undo` (the run being written). Documents and key lists
//! are stored compressed (`codec.rs`; the operators' trees stay plain JSON). One import run is one
//! `RunCommit`, applied in batches behind a write lock that every multi-key read takes, with
//! an undo log that rolls back a run cut short (`commit.rs`, `undo.rs`), so readers never see
//! half a run. The operators' trees are in `operators.rs` (the source registry, tokens, the
//! audit log, held runs' listings). The lock guards the two in-memory indexes too (`Indexes`):
//! the `finder::Index` of the live groups, built from the `groups` tree at open, which answers
//! searches (`search.rs`), and the blocking-key index, built from `record_blocks`; every
//! commit updates both under the same lock. sled stays the source of truth and holds the
//! documents. Matching, merging and deciding what changed belong to ingest/dedup.

mod blocks;
mod cache;
mod codec;
mod commit;
mod format;
mod operators;
mod reblock;
mod search;
mod undo;
mod version;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use anyhow::Context;
use serde::de::DeserializeOwned;

use crate::finder;
use crate::model::{Correction, ImportRun, RecordDigest, RecordKey, SourceState, StoredGroup, StoredRecord};

pub use commit::{RunCommit, RunLog};
pub use operators::{HeldListings, RunCursor, RunFilter, RunPage};
pub use search::{Found, FoundUpcoming};
pub use version::{FormatError, STORE_FORMAT};

/// A handle on the store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    /// `ManuallyDrop`, as `trees` and `ops`: they are closed by `Drop`, within `CLOSE_WAIT`.
    db: std::mem::ManuallyDrop<sled::Db>,
    trees: std::mem::ManuallyDrop<Trees>,
    /// Commits take it for writing, multi-key reads for reading: no torn reads across a run.
    /// It holds the in-memory indexes, which commits update.
    lock: RwLock<Indexes>,
    /// Bumped by every commit: readers that cache what they derive from the groups (the
    /// learned places) know when to derive it again.
    generation: AtomicU64,
    /// Decoded live groups for search pages; commits drop what they change.
    cache: cache::GroupCache,
    /// The operators' trees: source registry, tokens, audit log, held runs.
    ops: std::mem::ManuallyDrop<operators::OperatorTrees>,
}

/// How long closing a store may take. sled 0.34's final flush, as its last handle drops,
/// sometimes waits forever on a log position no thread writes (seen in CI with one store in
/// the process: BENCHMARKS.md, "Writes key by key"). Past this the close is left to finish, or
/// not, on its own thread, with an error in the log; the undo log covers a tail that was not
/// made durable (a run cut short is rolled back at the next open).
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

impl Drop for Inner {
    fn drop(&mut self) {
        // SAFETY: each handle is taken once, here, and `Inner` is not used after its drop.
        let (db, trees, ops) = unsafe {
            use std::mem::ManuallyDrop;
            (ManuallyDrop::take(&mut self.db), ManuallyDrop::take(&mut self.trees), ManuallyDrop::take(&mut self.ops))
        };
        let (closed, wait) = std::sync::mpsc::channel();
        let close = move || {
            let flushed = db.flush();
            drop((ops, trees, db));
            let _ = closed.send(flushed);
        };
        if std::thread::Builder::new().name("store-close".into()).spawn(close).is_err() {
            return;
        }
        match wait.recv_timeout(CLOSE_WAIT) {
            Ok(Ok(_)) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "closing the store: its final flush failed"),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => tracing::error!(
                seconds = CLOSE_WAIT.as_secs(),
                "closing the store: sled's final flush did not finish in time (a known sled 0.34 hang); left to finish on its own"
            ),
        }
    }
}

/// What the store keeps in memory beside sled, derived from it at open.
struct Indexes {
    /// The live groups, for searches.
    finder: finder::Index,
    /// The records' blocking keys, for the matcher's candidates.
    blocks: blocks::BlockIndex,
}

#[derive(Clone)]
pub(crate) struct Trees {
    pub records: sled::Tree,
    pub groups: sled::Tree,
    pub tombstones: sled::Tree,
    pub redirects: sled::Tree,
    /// Record key -> its blocking keys (`encode_blocks`).
    pub record_blocks: sled::Tree,
    pub runs: sled::Tree,
    pub sources: sled::Tree,
    pub meta: sled::Tree,
    pub corrections: sled::Tree,
    /// The undo log of the run being written (`undo.rs`); empty between runs.
    pub undo: sled::Tree,
}

const LIVE_GROUPS: &[u8] = b"live_groups";
/// sled's page cache when the caller names none (`Store::open`), as `store.cache_mb`'s
/// default: sled's own default (1 GiB) filled up during a first import and was most of its
/// peak memory, and searches read decoded groups from `cache.rs` first. The cache holds only
/// the pages being read and written (the finder and the matcher's keys live in their own
/// indexes): at 1,000,000 listings 512 MiB added about 470 MB to the service's memory (filled
/// by the scan that builds the indexes at open) and made imports no faster beyond the noise
/// (BENCHMARKS.md, "The service's memory at a million listings").
pub const DEFAULT_CACHE_BYTES: u64 = 64 * 1024 * 1024;
/// The instance id generated for this store (`Store::instance_id`).
const INSTANCE_ID: &[u8] = b"instance_id";
/// The sled tree of filter keys that group format 1 kept; dropped at open.
const RETIRED_INDEX_TREE: &[u8] = b"index";

impl Store {
    /// Opens (or creates) the store at `path`, with the default page cache.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        Store::open_with_cache(path, DEFAULT_CACHE_BYTES)
    }

    /// Opens (or creates) the store at `path`, with at most `cache_bytes` of sled's page cache.
    pub fn open_with_cache(path: &Path, cache_bytes: u64) -> anyhow::Result<Store> {
        let db = match sled::Config::new().path(path).cache_capacity(cache_bytes).open() {
            Ok(db) => db,
            Err(e) if e.to_string().contains("could not acquire lock") => anyhow::bail!(
                "the store at {} is in use by another supportmesh process (is `supportmesh serve` running on it?). \
                 Stop that process first, or ask the running server instead: the `runImport` mutation imports a \
                 source, and GET /feeds/groups.ndjson exports the groups",
                path.display()
            ),
            Err(e) => return Err(anyhow::Error::new(e).context(format!("opening the store at {}", path.display()))),
        };
        let tree = |name: &str| db.open_tree(name).with_context(|| format!("opening store tree {name}"));
        // Group format 1 kept a sled tree of filter keys; the finder's in-memory index replaced it.
        if db.tree_names().iter().any(|n| n.as_ref() == RETIRED_INDEX_TREE) {
            db.drop_tree(RETIRED_INDEX_TREE).context("dropping the retired index tree")?;
        }
        let trees = Trees {
            records: tree("records")?,
            groups: tree("groups")?,
            tombstones: tree("tombstones")?,
            redirects: tree("redirects")?,
            record_blocks: tree("record_blocks")?,
            runs: tree("runs")?,
            sources: tree("sources")?,
            meta: tree("meta")?,
            corrections: tree("corrections")?,
            undo: tree("undo")?,
        };
        version::refuse_newer(&trees, path)?;
        let restored = undo::roll_back(&trees).context("rolling back an import run cut short")?;
        if restored > 0 {
            db.flush().context("flushing the rolled-back store")?;
            tracing::warn!(keys = restored, "rolled back an import run that was cut short (a crash or a kill)");
        }
        version::upgrade(&db, &trees, path)?;
        let ops = operators::OperatorTrees::open(&db)?;
        // One after the other: built side by side on two threads (`da867f0`), the store's
        // open was a quarter faster, but CI then hung twice in sled's flush as a store closed.
        let started = std::time::Instant::now();
        let blocks = build_block_index(&trees.record_blocks)?;
        let finder = build_index(&trees.groups)?;
        let (keys, carriers) = blocks.entries();
        let ms = started.elapsed().as_millis() as u64;
        tracing::info!(groups = finder.len(), keys, carriers, ms, "built the in-memory indexes");
        let index = Indexes { finder, blocks };
        let store = Store {
            inner: Arc::new(Inner {
                db: std::mem::ManuallyDrop::new(db),
                trees: std::mem::ManuallyDrop::new(trees),
                lock: RwLock::new(index),
                generation: AtomicU64::new(0),
                cache: Default::default(),
                ops: std::mem::ManuallyDrop::new(ops),
            }),
        };
        store.record_format_if_new()?;
        Ok(store)
    }

    /// Applies one import run atomically.
    pub fn commit(&self, run: RunCommit) -> anyhow::Result<()> {
        let mut index = self.inner.lock.write().unwrap_or_else(|e| e.into_inner());
        let blocks = commit::apply(&self.inner.trees, &run, &mut index.blocks)?;
        index.blocks.apply(blocks);
        for g in &run.groups_put {
            index.finder.upsert(g);
            self.inner.cache.forget(&g.id);
        }
        for g in &run.groups_tombstone {
            index.finder.remove(&g.id);
            self.inner.cache.forget(&g.id);
        }
        for (from, _) in &run.redirects {
            index.finder.remove(from);
            self.inner.cache.forget(from);
        }
        self.inner.generation.fetch_add(1, Ordering::Release);
        Ok(())
    }

    /// How many commits this handle has seen since the store was opened.
    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// Calls `f` with every live group, in id order, under one read lock.
    pub fn for_each_live_group(&self, mut f: impl FnMut(&StoredGroup)) -> anyhow::Result<()> {
        let _r = self.read();
        for kv in self.inner.trees.groups.iter() {
            let (k, v) = kv?;
            let g: StoredGroup = decode_at(&self.inner.trees.groups, &k, &v)?;
            f(&g);
        }
        Ok(())
    }

    /// Calls `f` with every removed group (tombstone), in id order, under one read lock.
    pub fn for_each_tombstone(&self, mut f: impl FnMut(&StoredGroup)) -> anyhow::Result<()> {
        let _r = self.read();
        for kv in self.inner.trees.tombstones.iter() {
            let (k, v) = kv?;
            let g: StoredGroup = decode_at(&self.inner.trees.tombstones, &k, &v)?;
            f(&g);
        }
        Ok(())
    }

    /// Flushes to disk (at shutdown; sled also flushes periodically).
    pub async fn flush(&self) -> anyhow::Result<()> {
        self.inner.db.flush_async().await.context("flushing the store")?;
        Ok(())
    }

    /// A group by id: a live group; else the group now holding the record the id was
    /// derived from (`RecordKey::group_id`); else a removed group; else following the
    /// redirect of an id whose records left.
    pub fn group(&self, id: &str) -> anyhow::Result<Option<StoredGroup>> {
        let index = self.read();
        let t = &self.inner.trees;
        let mut id = id.to_owned();
        for _ in 0..16 {
            if let Some(g) = get_doc::<StoredGroup>(&t.groups, id.as_bytes())? {
                return Ok(Some(g));
            }
            let holder = match crate::model::parse_derived_id(&id).and_then(|bits| index.blocks.derived(bits)) {
                Some(key) => get_doc::<StoredRecord>(&t.records, key)?.map(|r| r.group_id),
                None => None,
            };
            if let Some(g) = holder.and_then(|h| get_doc::<StoredGroup>(&t.groups, h.as_bytes()).transpose()) {
                return Ok(Some(g?));
            }
            if let Some(g) = get_doc::<StoredGroup>(&t.tombstones, id.as_bytes())? {
                return Ok(Some(g));
            }
            match t.redirects.get(id.as_bytes())? {
                Some(next) => id = String::from_utf8_lossy(&next).into_owned(),
                None => return Ok(None),
            }
        }
        Ok(None)
    }

    /// Groups by id (no redirects), in the order given; missing ids are skipped.
    pub fn groups_by_id(&self, ids: &[String]) -> anyhow::Result<Vec<StoredGroup>> {
        let _r = self.read();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(g) = get_doc::<StoredGroup>(&self.inner.trees.groups, id.as_bytes())? {
                out.push(g);
            }
        }
        Ok(out)
    }

    /// This instance's id in provenance when configuration names none: a random UUID v4,
    /// generated the first time it is asked for and kept in `meta`, so restarts and upgrades
    /// keep it (a copy of the store keeps it too: give a copy its own `server.instance_id`).
    pub fn instance_id(&self) -> anyhow::Result<String> {
        let meta = &self.inner.trees.meta;
        let fresh = uuid::Uuid::new_v4().to_string();
        let kept = match meta.compare_and_swap(INSTANCE_ID, None as Option<&[u8]>, Some(fresh.as_bytes()))? {
            Ok(()) => fresh,
            Err(existing) => String::from_utf8_lossy(existing.current.as_deref().unwrap_or_default()).into_owned(),
        };
        Ok(kept)
    }

    /// Number of live (active or missing) groups.
    pub fn live_group_count(&self) -> anyhow::Result<u64> {
        let _r = self.read();
        Ok(read_u64(&self.inner.trees.meta, LIVE_GROUPS)?)
    }

    pub fn record(&self, key: &RecordKey) -> anyhow::Result<Option<StoredRecord>> {
        let _r = self.read();
        let t = &self.inner.trees;
        let key = record_key(key);
        let Some(mut rec) = get_doc::<StoredRecord>(&t.records, &key)? else { return Ok(None) };
        rec.blocks = decode_blocks(t.record_blocks.get(&key)?.as_deref().unwrap_or_default())?;
        Ok(Some(rec))
    }

    /// A record without its blocking keys (`blocks` empty): what comparing it needs. The
    /// matcher reads many candidates for each one it keeps.
    pub fn record_document(&self, key: &RecordKey) -> anyhow::Result<Option<StoredRecord>> {
        let _r = self.read();
        get_doc::<StoredRecord>(&self.inner.trees.records, &record_key(key))
    }

    /// Every record of one source.
    pub fn records_of_source(&self, source_id: &str) -> anyhow::Result<Vec<StoredRecord>> {
        let _r = self.read();
        let prefix = key_prefix(source_id);
        let t = &self.inner.trees;
        let mut keys = t.record_blocks.scan_prefix(&prefix).peekable();
        let mut out = Vec::new();
        for kv in t.records.scan_prefix(&prefix) {
            let (k, v) = kv?;
            let mut rec: StoredRecord = decode_at(&t.records, &k, &v)?;
            // Both trees are keyed by record key: walk them side by side.
            while let Some(Ok((bk, _))) = keys.peek() {
                if bk.as_ref() >= k.as_ref() {
                    break;
                }
                keys.next();
            }
            if let Some(Ok((bk, bv))) = keys.peek() {
                if bk.as_ref() == k.as_ref() {
                    rec.blocks = decode_blocks(bv).with_context(|| at(&t.record_blocks, bk))?;
                }
            }
            out.push(rec);
        }
        Ok(out)
    }

    /// Every record of one source as its digest (`RecordDigest`), in key order: what a run
    /// needs to judge each record, read without decoding the listings.
    pub fn record_digests(&self, source_id: &str) -> anyhow::Result<Vec<RecordDigest>> {
        /// The fields read of a stored record; serde skips the rest without building it.
        #[derive(serde::Deserialize)]
        struct Digest {
            hash: String,
            #[serde(default)]
            missing_since: Option<chrono::DateTime<chrono::Utc>>,
        }
        let _r = self.read();
        let prefix = key_prefix(source_id);
        let mut out = Vec::new();
        for kv in self.inner.trees.records.scan_prefix(&prefix) {
            let (k, v) = kv?;
            let json = codec::unpack(&v).with_context(|| at(&self.inner.trees.records, &k))?;
            let d: Digest = serde_json::from_slice(&json).with_context(|| at(&self.inner.trees.records, &k))?;
            out.push(RecordDigest { key: decode_record_key(&k)?, hash: d.hash, missing_since: d.missing_since });
        }
        Ok(out)
    }

    /// The stored records of `keys`, in that order; keys with no record are skipped.
    pub fn records_by_key(&self, keys: &[RecordKey]) -> anyhow::Result<Vec<StoredRecord>> {
        keys.iter().filter_map(|k| self.record(k).transpose()).collect()
    }

    /// Records that share a matching blocking key, in key order.
    pub fn records_with_block(&self, block: &str) -> anyhow::Result<Vec<RecordKey>> {
        Ok(self.records_with_block_at_most(block, usize::MAX)?.unwrap_or_default())
    }

    /// The most distinct blocking keys of one carrier family (`dedup::carrier_family`: a
    /// name's carriers, `nm:name|`) that records of one source hold (how many groups a
    /// directory lists under one name), counting no further than `cap + 1`.
    pub fn most_blocks_per_source(&self, family: &str, cap: u32) -> anyhow::Result<u32> {
        Ok(self.read().blocks.most_per_source(family, cap))
    }

    /// Records that share a matching blocking key, in key order, or `None` when more than
    /// `most` do.
    pub fn records_with_block_at_most(&self, block: &str, most: usize) -> anyhow::Result<Option<Vec<RecordKey>>> {
        let index = self.read();
        let Some(keys) = index.blocks.records(block, most) else { return Ok(None) };
        keys.into_iter().map(decode_record_key).collect::<anyhow::Result<_>>().map(Some)
    }

    pub fn source_state(&self, source_id: &str) -> anyhow::Result<SourceState> {
        let _r = self.read();
        Ok(get_doc(&self.inner.trees.sources, source_id.as_bytes())?.unwrap_or_default())
    }

    /// Every operator correction (few: they are made by hand).
    pub fn corrections(&self) -> anyhow::Result<Vec<Correction>> {
        let _r = self.read();
        let mut out = Vec::new();
        for kv in self.inner.trees.corrections.iter() {
            let (_, v) = kv?;
            out.push(serde_json::from_slice(&v).context("decoding a correction")?);
        }
        Ok(out)
    }

    /// The latest runs of a source, newest first.
    pub fn runs(&self, source_id: &str, limit: usize) -> anyhow::Result<Vec<ImportRun>> {
        let _r = self.read();
        let prefix = key_prefix(source_id);
        let mut out = Vec::new();
        for kv in self.inner.trees.runs.scan_prefix(prefix).rev().take(limit) {
            let (k, v) = kv?;
            out.push(decode_at(&self.inner.trees.runs, &k, &v)?);
        }
        Ok(out)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Indexes> {
        self.inner.lock.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// The finder's index of every live group in the `groups` tree.
fn build_index(groups: &sled::Tree) -> anyhow::Result<finder::Index> {
    let mut index = finder::Index::new();
    for kv in groups.iter() {
        let (k, v) = kv?;
        let g: StoredGroup = decode_at(groups, &k, &v).context("indexing the stored groups")?;
        index.upsert(&g);
    }
    Ok(index)
}

/// The blocking-key index of every record's list in `record_blocks`.
fn build_block_index(lists: &sled::Tree) -> anyhow::Result<blocks::BlockIndex> {
    let lists = lists.iter().map(|kv| -> anyhow::Result<_> {
        let (k, v) = kv?;
        let blocks = decode_blocks(&v).with_context(|| at(lists, &k))?;
        Ok((k.to_vec(), blocks))
    });
    blocks::BlockIndex::build(crate::dedup::carrier_family, lists)
}

/// `part \0`: the prefix of every key that starts with `part` (a source's records, its runs).
fn key_prefix(part: &str) -> Vec<u8> {
    let mut v = part.as_bytes().to_vec();
    v.push(0);
    v
}

/// `source \0 external id`: records of one source are contiguous.
pub(crate) fn record_key(k: &RecordKey) -> Vec<u8> {
    let mut v = k.source_id.as_bytes().to_vec();
    v.push(0);
    v.extend_from_slice(k.external_id.as_bytes());
    v
}

/// `a \0 b`: one key per pair of records.
pub(crate) fn correction_key(a: &RecordKey, b: &RecordKey) -> Vec<u8> {
    let mut k = record_key(a);
    k.push(0);
    k.extend_from_slice(&record_key(b));
    k
}

pub(crate) fn decode_record_key(bytes: &[u8]) -> anyhow::Result<RecordKey> {
    let pos = bytes.iter().position(|b| *b == 0).context("malformed record key in store")?;
    Ok(RecordKey::new(
        String::from_utf8_lossy(&bytes[..pos]).into_owned(),
        String::from_utf8_lossy(&bytes[pos + 1..]).into_owned(),
    ))
}

/// A document of the trees `codec.rs` encodes (records, groups, tombstones, runs, sources);
/// an error names the tree and the key.
pub(crate) fn get_doc<T: DeserializeOwned>(tree: &sled::Tree, key: &[u8]) -> anyhow::Result<Option<T>> {
    match tree.get(key)? {
        Some(v) => Ok(Some(decode_at(tree, key, &v)?)),
        None => Ok(None),
    }
}

/// A value of the trees `codec.rs` encodes, decoded; an error names the tree and the key.
pub(crate) fn decode_at<T: DeserializeOwned>(tree: &sled::Tree, key: &[u8], value: &[u8]) -> anyhow::Result<T> {
    codec::decode(value).with_context(|| at(tree, key))
}

/// "decoding the stored <tree> <key>", the key's zero separators shown as `/`.
pub(crate) fn at(tree: &sled::Tree, key: &[u8]) -> String {
    let key = String::from_utf8_lossy(key).replace('\0', "/");
    format!("decoding the stored {} {key}", String::from_utf8_lossy(&tree.name()))
}

/// A JSON document of the operators' trees (registry, tokens, audit, held runs).
pub(crate) fn get_json<T: DeserializeOwned>(tree: &sled::Tree, key: &[u8]) -> anyhow::Result<Option<T>> {
    match tree.get(key)? {
        Some(v) => Ok(Some(serde_json::from_slice(&v).context("decoding a stored document")?)),
        None => Ok(None),
    }
}

/// A record's blocking keys as `record_blocks` holds them: each a big-endian u32 length, then
/// its bytes, the whole packed by `codec.rs` (store format 4; unpacked before).
pub(crate) fn encode_blocks(blocks: &[String]) -> Vec<u8> {
    codec::pack(&unpacked_blocks(blocks))
}

fn unpacked_blocks(blocks: &[String]) -> Vec<u8> {
    let mut out = Vec::with_capacity(blocks.iter().map(|b| b.len() + 4).sum());
    for b in blocks {
        out.extend_from_slice(&(b.len() as u32).to_be_bytes());
        out.extend_from_slice(b.as_bytes());
    }
    out
}

/// The keys `encode_blocks` stored; no value (`&[]`) is no keys.
pub(crate) fn decode_blocks(value: &[u8]) -> anyhow::Result<Vec<String>> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    let unpacked = codec::unpack(value).context("decoding a record's blocking keys")?;
    let mut bytes = unpacked.as_slice();
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (len, rest) = bytes.split_first_chunk::<4>().context("malformed blocking keys in store")?;
        let len = u32::from_be_bytes(*len) as usize;
        anyhow::ensure!(rest.len() >= len, "malformed blocking keys in store");
        out.push(String::from_utf8_lossy(&rest[..len]).into_owned());
        bytes = &rest[len..];
    }
    Ok(out)
}

pub(crate) fn read_u64(tree: &sled::Tree, key: &[u8]) -> sled::Result<u64> {
    Ok(tree.get(key)?.and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes)).unwrap_or(0))
}
