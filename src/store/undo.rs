//! The undo log that makes a run's batched writes atomic: before a batch of a run changes
//! any document, the previous value of everything it changes is written to the `undo` tree
//! (one sled value per batch), and the run's marker with the first of them. The run ends by removing the marker. A store
//! opened with the marker present holds a run cut short (a crash, a kill): `roll_back` puts
//! every logged value back, so the store is as the last whole run left it.
//!
//! Derived entries are not logged: the blocking-key index (with the ids derived from records)
//! is in memory, built from the key lists after a rollback at open (a failed commit never
//! changed its entries). sled recovers a prefix of the writes made before a crash, in order, so a logged
//! value always reaches the disk before the write it undoes.

use std::collections::HashSet;

use anyhow::Context;

use super::Trees;

/// The marker: present while a run is being written.
const MARKER: &[u8] = &[0];

/// Which tree a logged key belongs to (the first byte of its key in `undo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Slot {
    /// A record: its document and key list together (`record_value`).
    Record = b'r',
    Groups = b'g',
    Tombstones = b't',
    Redirects = b'x',
    Runs = b'u',
    Sources = b's',
    Corrections = b'c',
    Meta = b'm',
}

/// The undo log of one run being written: one sled entry per batch (`Entries`), so logging
/// costs one write per batch, not one per key.
pub(super) struct Log {
    batches: u32,
    /// Keys logged so far (records excepted: a run writes each once), so the value kept for a
    /// key written twice is the one from before the run.
    logged: HashSet<Vec<u8>>,
}

impl Log {
    pub fn new() -> Self {
        Log { batches: 0, logged: HashSet::new() }
    }

    /// The entries of the next batch.
    pub fn entries(&mut self) -> Entries<'_> {
        Entries { log: self, bytes: Vec::new() }
    }
}

/// Undo entries of one batch, written (as one sled value) before the batch's own writes.
pub(super) struct Entries<'a> {
    log: &'a mut Log,
    /// Each entry: its key's length (u32, big-endian), the key, its value's length, the value.
    bytes: Vec<u8>,
}

impl Entries<'_> {
    /// Logs `old`, a key's value before this run (`None`: absent), unless the run already
    /// logged that key.
    pub fn log(&mut self, slot: Slot, key: &[u8], old: Option<&[u8]>) {
        let k = undo_key(slot, key);
        if self.log.logged.contains(&k) {
            return;
        }
        push(&mut self.bytes, &k, &value(old));
        self.log.logged.insert(k);
    }

    /// Logs a record's document and key list before this run.
    pub fn log_record(&mut self, key: &[u8], doc: Option<&[u8]>, blocks: Option<&[u8]>) {
        let doc = value(doc);
        let mut v = (doc.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(&doc);
        v.extend_from_slice(&value(blocks));
        push(&mut self.bytes, &undo_key(Slot::Record, key), &v);
    }

    /// Writes the entries; the run's first batch writes the marker with them (one sled batch),
    /// the later ones are one key each, a plain insert. sled's `apply_batch` takes a lock
    /// that every store of the process shares, and it has deadlocked against another store's
    /// flush in the in-process test run: it is kept to where two keys must land together.
    pub fn write(self, t: &Trees) -> sled::Result<()> {
        let first = self.log.batches == 0;
        if !first && self.bytes.is_empty() {
            return Ok(());
        }
        let mut key = vec![1];
        key.extend_from_slice(&self.log.batches.to_be_bytes());
        self.log.batches += 1;
        if !first {
            return t.undo.insert(key, self.bytes).map(drop);
        }
        let mut batch = sled::Batch::default();
        batch.insert(MARKER, &b"run"[..]);
        batch.insert(key, self.bytes);
        t.undo.apply_batch(batch)
    }
}

fn push(out: &mut Vec<u8>, key: &[u8], value: &[u8]) {
    out.extend_from_slice(&(key.len() as u32).to_be_bytes());
    out.extend_from_slice(key);
    out.extend_from_slice(&(value.len() as u32).to_be_bytes());
    out.extend_from_slice(value);
}

/// The entries of one logged batch.
fn entries(mut bytes: &[u8]) -> anyhow::Result<Vec<(&[u8], &[u8])>> {
    fn take<'a>(bytes: &mut &'a [u8]) -> anyhow::Result<&'a [u8]> {
        let (len, rest) = bytes.split_first_chunk::<4>().context("malformed undo log")?;
        let len = u32::from_be_bytes(*len) as usize;
        anyhow::ensure!(rest.len() >= len, "malformed undo log");
        let (item, rest) = rest.split_at(len);
        *bytes = rest;
        Ok(item)
    }
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let k = take(&mut bytes)?;
        let v = take(&mut bytes)?;
        out.push((k, v));
    }
    Ok(out)
}

/// Ends a run: without the marker the logged values are only leftovers, cleared here or at the
/// next open.
pub(super) fn finish(t: &Trees) -> sled::Result<()> {
    t.undo.remove(MARKER)?;
    t.undo.clear()
}

/// Whether a run was cut short (the marker is there).
pub(super) fn pending(t: &Trees) -> sled::Result<bool> {
    t.undo.contains_key(MARKER)
}

/// Puts back every value the log holds and ends the run; returns how many keys it restored.
/// Idempotent: a rollback cut short is done again at the next open.
pub(super) fn roll_back(t: &Trees) -> anyhow::Result<usize> {
    if !pending(t)? {
        t.undo.clear()?;
        return Ok(0);
    }
    let mut n = 0;
    for kv in t.undo.iter() {
        let (k, batch) = kv?;
        if k.as_ref() == MARKER {
            continue;
        }
        for (k, v) in entries(&batch)? {
            restore(t, k, v)?;
            n += 1;
        }
    }
    finish(t)?;
    Ok(n)
}

/// Puts one logged key back.
fn restore(t: &Trees, k: &[u8], v: &[u8]) -> anyhow::Result<()> {
    let Some((&slot, key)) = k.split_first() else { return Ok(()) };
    if slot == Slot::Record as u8 {
        return restore_record(t, key, v);
    }
    let tree = match slot {
        s if s == Slot::Groups as u8 => &t.groups,
        s if s == Slot::Tombstones as u8 => &t.tombstones,
        s if s == Slot::Redirects as u8 => &t.redirects,
        s if s == Slot::Runs as u8 => &t.runs,
        s if s == Slot::Sources as u8 => &t.sources,
        s if s == Slot::Corrections as u8 => &t.corrections,
        s if s == Slot::Meta as u8 => &t.meta,
        other => anyhow::bail!("unknown entry {other} in the store's undo log"),
    };
    match read_value(v)? {
        Some(old) => tree.insert(key, old)?,
        None => tree.remove(key)?,
    };
    Ok(())
}

fn restore_record(t: &Trees, key: &[u8], v: &[u8]) -> anyhow::Result<()> {
    let (len, rest) = v.split_first_chunk::<4>().context("malformed undo entry")?;
    let len = u32::from_be_bytes(*len) as usize;
    anyhow::ensure!(rest.len() >= len, "malformed undo entry");
    let (doc, blocks) = (read_value(&rest[..len])?, read_value(&rest[len..])?);
    // One key at a time, not one sled batch (whose lock every store of the process shares):
    // the rollback is redone whole at the next open if it is cut short.
    match blocks {
        Some(b) => t.record_blocks.insert(key, b)?,
        None => t.record_blocks.remove(key)?,
    };
    match doc {
        Some(d) => t.records.insert(key, d)?,
        None => t.records.remove(key)?,
    };
    Ok(())
}

fn undo_key(slot: Slot, key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(key.len() + 1);
    k.push(slot as u8);
    k.extend_from_slice(key);
    k
}

/// `0` for absent, `1` and the bytes for a value.
fn value(v: Option<&[u8]>) -> Vec<u8> {
    match v {
        None => vec![0],
        Some(bytes) => {
            let mut out = Vec::with_capacity(bytes.len() + 1);
            out.push(1);
            out.extend_from_slice(bytes);
            out
        }
    }
}

fn read_value(v: &[u8]) -> anyhow::Result<Option<&[u8]>> {
    match v.split_first() {
        Some((0, _)) => Ok(None),
        Some((1, rest)) => Ok(Some(rest)),
        _ => anyhow::bail!("malformed undo entry"),
    }
}
