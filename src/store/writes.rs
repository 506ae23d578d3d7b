//! Sorted writes to sled trees, applied key by key on the calling thread.
//!
//! sled's own `Batch` is applied under one epoch guard and a lock that every store of the
//! process shares: every node version a large batch replaces stays allocated until the batch
//! ends (a first import's index batches piled up a gigabyte and cost ~26 µs a key), and
//! stores in one process wait on each other. A run's atomicity comes from the undo log
//! (`undo.rs`), not from sled batches: sled recovers a prefix of the writes made before a
//! crash, in order, and the undo entries of a batch are written before its writes start.
//! A key at a time, sled's insert is CPU-bound: ~10 µs on our 2-core machine.

use std::collections::BTreeMap;

/// Writes to one tree, last write of a key winning, applied in key order.
#[derive(Debug, Default)]
pub(super) struct Writes {
    ops: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
}

impl Writes {
    pub fn insert(&mut self, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.ops.insert(key.into(), Some(value.into()));
    }

    pub fn remove(&mut self, key: impl Into<Vec<u8>>) {
        self.ops.insert(key.into(), None);
    }

    /// Applies every write to `tree`, in key order, on this thread.
    pub fn apply(self, tree: &sled::Tree) -> sled::Result<()> {
        apply_ops(tree, self.ops.into_iter())
    }
}

/// Applies the writes of several trees, one tree after another, each in key order. (Shared
/// out among threads, the writes ran ~20% faster, but a store dropped afterwards in the
/// in-process test run hung in sled's final flush: sled 0.34 is kept to one writer.)
pub(super) fn apply_all(steps: Vec<(&sled::Tree, Writes)>) -> sled::Result<()> {
    steps.into_iter().try_for_each(|(tree, w)| w.apply(tree))
}

fn apply_ops(tree: &sled::Tree, ops: impl Iterator<Item = (Vec<u8>, Option<Vec<u8>>)>) -> sled::Result<()> {
    for (key, value) in ops {
        match value {
            Some(v) => tree.insert(key, v)?,
            None => tree.remove(key)?,
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_land_in_every_tree_the_last_write_of_a_key_winning() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let (a, b) = (db.open_tree("a").unwrap(), db.open_tree("b").unwrap());
        b.insert(b"gone", b"x").unwrap();
        let (mut wa, mut wb) = (Writes::default(), Writes::default());
        for i in 0..10_000u32 {
            wa.insert(i.to_be_bytes(), format!("v{i}"));
        }
        wa.insert(7u32.to_be_bytes(), "last");
        for i in 0..3_000u32 {
            wb.insert(i.to_be_bytes(), []);
        }
        wb.remove(&b"gone"[..]);
        apply_all(vec![(&a, wa), (&b, wb)]).unwrap();
        assert_eq!(a.len(), 10_000);
        assert_eq!(a.get(7u32.to_be_bytes()).unwrap().as_deref(), Some(&b"last"[..]));
        assert_eq!(a.get(9_999u32.to_be_bytes()).unwrap().as_deref(), Some(&b"v9999"[..]));
        assert_eq!(b.len(), 3_000);
        assert!(b.get(b"gone").unwrap().is_none());
    }
}
