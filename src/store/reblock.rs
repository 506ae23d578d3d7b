//! Re-deriving every record's matching blocking keys when the matcher's key scheme changes
//! (records imported under an older scheme would otherwise never meet records keyed by the
//! new one). The keys live apart from the documents (`record_blocks`, indexed in `blocks`),
//! so this reads every document and rewrites only those two index trees.

use anyhow::Context;
use importers::Listing;

use super::commit::block_key;
use super::{decode_blocks, encode_blocks, Store};
use crate::model::StoredRecord;

const BLOCKING_SCHEME: &[u8] = b"blocking_scheme";

/// Records rewritten per sled batch.
const BATCH: usize = 2000;

impl Store {
    /// When the store's records were keyed under another `scheme`, recomputes every record's
    /// blocking keys with `keys` and swaps them in the `blocks` tree; returns how many records
    /// were re-keyed (`None` when the scheme was current). An interrupted run leaves the old scheme
    /// recorded, so the next start does it again. It holds the read side of the commit lock:
    /// commits wait, readers do not (it changes nothing they read). Callers must not start a
    /// commit meanwhile from another thread, or readers would queue behind it.
    pub fn reblock(&self, scheme: &str, keys: impl Fn(&Listing) -> Vec<String>) -> anyhow::Result<Option<usize>> {
        let _no_commits = self.read();
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
        // Each batch swaps its records' old keys for new ones in the index, then rewrites the
        // records' key lists. Done in that order, a run cut short and started again converges: a record
        // still listing its old keys has them removed (again) and the new ones inserted (again).
        let mut count = 0;
        let (mut lists, mut blocks) = (sled::Batch::default(), sled::Batch::default());
        for kv in t.records.iter() {
            let (key, v) = kv?;
            let rec: StoredRecord = serde_json::from_slice(&v).with_context(|| {
                format!("decoding stored record {}", String::from_utf8_lossy(&key).replace('\0', "/"))
            })?;
            let old = decode_blocks(t.record_blocks.get(&key)?.as_deref().unwrap_or_default())?;
            let new = keys(&rec.listing);
            for b in old.iter().filter(|b| !new.contains(b)) {
                blocks.remove(block_key(b, &key));
            }
            for b in &new {
                blocks.insert(block_key(b, &key), &[][..]);
            }
            if new != old {
                lists.insert(key, encode_blocks(&new));
            }
            count += 1;
            if count % BATCH == 0 {
                t.blocks.apply_batch(std::mem::take(&mut blocks))?;
                t.record_blocks.apply_batch(std::mem::take(&mut lists))?;
            }
        }
        if count % BATCH != 0 {
            t.blocks.apply_batch(blocks)?;
            t.record_blocks.apply_batch(lists)?;
        }
        t.meta.insert(BLOCKING_SCHEME, scheme.as_bytes())?;
        self.inner.db.flush().context("flushing the re-keyed records")?;
        Ok(Some(count))
    }
}
