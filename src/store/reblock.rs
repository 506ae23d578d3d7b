//! Re-deriving every record's matching blocking keys when the matcher's key scheme changes
//! (records imported under an older scheme would otherwise never meet records keyed by the
//! new one). The keys live apart from the documents (`record_blocks`, indexed in memory by
//! `blocks.rs`), so this reads every document, rewrites the key lists that change, and builds
//! the index again.

use anyhow::Context;
use importers::Listing;

use super::{build_block_index, decode_blocks, encode_blocks, Store};
use crate::model::StoredRecord;

const BLOCKING_SCHEME: &[u8] = b"blocking_scheme";

/// Records rewritten per sled batch.
const BATCH: usize = 2000;

impl Store {
    /// When the store's records were keyed under another `scheme`, recomputes every record's
    /// blocking keys with `keys` and rebuilds the blocking-key index; returns how many records
    /// were re-keyed (`None` when the scheme was current). An interrupted run leaves the old scheme
    /// recorded, so the next start does it again. It holds the read side of the commit lock:
    /// commits wait, readers do not (it changes nothing they read). Callers must not start a
    /// commit meanwhile from another thread, or readers would queue behind it.
    pub fn reblock(&self, scheme: &str, keys: impl Fn(&Listing) -> Vec<String>) -> anyhow::Result<Option<usize>> {
        let no_commits = self.read();
        let t = &self.inner.trees;
        if t.meta.get(BLOCKING_SCHEME)?.as_deref() == Some(scheme.as_bytes()) {
            return Ok(None);
        }
        // A store without records (a new one) has nothing to re-key: record the scheme only.
        // (No empty batches either: sled's `apply_batch` takes a lock shared by every store in
        // the process.)
        if t.records.is_empty() {
            t.meta.insert(BLOCKING_SCHEME, scheme.as_bytes())?;
            return Ok(Some(0));
        }
        // The scheme is recorded after every key list is rewritten: a run cut short and
        // started again rewrites the lists still holding old keys.
        let mut count = 0;
        let mut lists = sled::Batch::default();
        for kv in t.records.iter() {
            let (key, v) = kv?;
            let rec: StoredRecord = super::codec::decode(&v).with_context(|| {
                format!("decoding stored record {}", String::from_utf8_lossy(&key).replace('\0', "/"))
            })?;
            let old = decode_blocks(t.record_blocks.get(&key)?.as_deref().unwrap_or_default())?;
            let new = keys(&rec.listing);
            if new != old {
                lists.insert(key, encode_blocks(&new));
            }
            count += 1;
            if count % BATCH == 0 {
                t.record_blocks.apply_batch(std::mem::take(&mut lists))?;
            }
        }
        if count % BATCH != 0 {
            t.record_blocks.apply_batch(lists)?;
        }
        let index = build_block_index(&t.record_blocks)?;
        t.meta.insert(BLOCKING_SCHEME, scheme.as_bytes())?;
        self.inner.db.flush().context("flushing the re-keyed records")?;
        // No commit runs meanwhile (the callers' part), so nothing is lost between the two locks.
        drop(no_commits);
        self.inner.lock.write().unwrap_or_else(|e| e.into_inner()).blocks = index;
        Ok(Some(count))
    }
}
