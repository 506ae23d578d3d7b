//! Comparing a parsed feed with the records the store holds for that source. Pure, but for
//! the reader of stored records it is handed (the caller's store, under the commit lock).
//!
//! Decides, per record, added / updated / unchanged / newly missing / still missing /
//! removed (missing past the grace period), what updates strip from live records (`Losses`),
//! and whether the run removes or strips an unusual share of the source and must be held.
//! Grouping is left to `regroup`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use importers::{Listing, Problem};

use crate::dedup::{blocking_keys, listing_hash};
use crate::model::{RecordDigest, RecordKey, RunCounts, RunProblems, StoredRecord};
use crate::parallel::{par_for_each, par_map};

use super::losses::Losses;

/// The record-level outcome of one run, before grouping.
#[derive(Debug, Default)]
pub struct RecordChanges {
    /// New state of every record that changed (added, updated, reappeared, newly missing).
    pub put: Vec<StoredRecord>,
    /// Records missing past the grace period.
    pub delete: Vec<StoredRecord>,
    /// Records of the source still in the feed, unchanged.
    pub unchanged: usize,
    pub counts: RunCounts,
    pub problems: RunProblems,
    /// Live (not missing) records the source had before the run.
    pub previously_present: usize,
    /// Records that disappeared in this run.
    pub newly_missing: usize,
    /// What the run's updates strip from live records (times, days, places).
    pub losses: Losses,
}

/// Compares `listings` (the feed now) with `existing` (the digests of the store's records of
/// the source). `stored` reads records whole, given their keys: only those the run changes
/// (updated, newly missing, removed) are read, so a feed that changed little reads little.
pub fn diff(
    source_id: &str,
    listings: Vec<Listing>,
    existing: Vec<RecordDigest>,
    now: DateTime<Utc>,
    grace: chrono::Duration,
    stored: impl FnOnce(&[RecordKey]) -> anyhow::Result<Vec<StoredRecord>>,
) -> anyhow::Result<RecordChanges> {
    let mut out = RecordChanges::default();
    let mut old: BTreeMap<String, RecordDigest> =
        existing.into_iter().map(|r| (r.key.external_id.clone(), r)).collect();
    out.previously_present = old.values().filter(|r| r.missing_since.is_none()).count();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    // The records put, in feed order; an updated one waits for its stored record.
    let mut feed: Vec<Pending> = Vec::new();
    // The keys of the stored records to read: the updated ones in feed order, then the newly
    // missing and removed ones in key order.
    let mut wanted: Vec<RecordKey> = Vec::new();
    // Hashes and keys, the costly part, are computed on every core: hashes of every listing
    // first, keys of the records that change once they are known.
    let hashes = par_map(&listings, listing_hash);
    for (listing, hash) in listings.into_iter().zip(hashes) {
        out.counts.seen += 1;
        if !seen.insert(listing.external_id.clone()) {
            out.problems.push(Problem::dropped(
                Some(listing.external_id.clone()),
                None,
                "the feed lists this id twice; the first listing is kept",
            ));
            continue;
        }
        match old.remove(&listing.external_id) {
            Some(prev) if prev.hash == hash && prev.missing_since.is_none() => out.unchanged += 1,
            Some(prev) => {
                out.counts.updated += 1;
                wanted.push(prev.key);
                feed.push(Pending::Updated(listing, hash));
            }
            None => {
                out.counts.added += 1;
                feed.push(Pending::Ready(StoredRecord {
                    key: RecordKey::new(source_id, listing.external_id.clone()),
                    blocks: Vec::new(),
                    listing,
                    hash,
                    first_seen: now,
                    last_seen: now,
                    missing_since: None,
                    group_id: String::new(),
                }));
            }
        }
    }
    out.counts.unchanged = out.unchanged as u64;
    // The records no longer in the feed: false for newly missing, true for removed.
    let mut gone: Vec<bool> = Vec::new();
    for (_, rec) in old {
        match rec.missing_since {
            None => {
                out.newly_missing += 1;
                out.counts.missing += 1;
                wanted.push(rec.key);
                gone.push(false);
            }
            Some(since) if now - since > grace => {
                out.counts.removed += 1;
                wanted.push(rec.key);
                gone.push(true);
            }
            Some(_) => out.counts.missing += 1,
        }
    }
    let mut prevs = whole(stored, wanted)?.into_iter();
    for pending in feed {
        out.put.push(match pending {
            Pending::Ready(rec) => rec,
            Pending::Updated(listing, hash) => {
                let prev = prevs.next().expect("one stored record per updated listing");
                if prev.missing_since.is_none() {
                    out.losses.add(&prev.listing, &listing);
                }
                StoredRecord { blocks: Vec::new(), listing, hash, last_seen: now, missing_since: None, ..prev }
            }
        });
    }
    // Every record put so far is in the feed, added or changed: its keys follow its listing.
    par_for_each(&mut out.put, |r| r.blocks = blocking_keys(&r.listing));
    for (rec, removed) in prevs.zip(gone) {
        if removed {
            out.delete.push(rec);
        } else {
            out.put.push(StoredRecord { missing_since: Some(now), ..rec });
        }
    }
    Ok(out)
}

/// A record of the feed to put: ready, or updated and waiting for its stored record.
enum Pending {
    Ready(StoredRecord),
    Updated(Listing, String),
}

/// The stored records of `keys`, in that order, read by `stored`; an error names a key whose
/// record is not there (the caller holds the commit lock, so a record cannot go meanwhile).
fn whole(
    stored: impl FnOnce(&[RecordKey]) -> anyhow::Result<Vec<StoredRecord>>,
    keys: Vec<RecordKey>,
) -> anyhow::Result<Vec<StoredRecord>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let records = stored(&keys)?;
    for (i, key) in keys.iter().enumerate() {
        if records.get(i).map(|r| &r.key) != Some(key) {
            anyhow::bail!("the stored record {} of source {} could not be read", key.external_id, key.source_id);
        }
    }
    Ok(records)
}

/// A run whose feed did not change (304, or the same document hash): the records still in
/// the feed are unchanged, those missing within the grace period stay missing, and those
/// missing past it are removed, as a changed run would remove them. Reads only each record's
/// digest; returns the keys of the records to remove, for the caller to load into `delete`.
pub fn unchanged_feed(
    existing: Vec<RecordDigest>,
    now: DateTime<Utc>,
    grace: chrono::Duration,
) -> (RecordChanges, Vec<RecordKey>) {
    let previously_present = existing.iter().filter(|r| r.missing_since.is_none()).count();
    let mut out = RecordChanges { previously_present, ..Default::default() };
    let mut expired = Vec::new();
    for rec in existing {
        match rec.missing_since {
            None => {
                out.counts.seen += 1;
                out.unchanged += 1;
            }
            Some(since) if now - since > grace => {
                out.counts.removed += 1;
                expired.push(rec.key);
            }
            Some(_) => out.counts.missing += 1,
        }
    }
    out.counts.unchanged = out.unchanged as u64;
    (out, expired)
}

impl RecordChanges {
    /// True when the run would take away more than `max_share` of the source's live records
    /// (only judged for sources of at least 10 records).
    pub fn removes_unusual_share(&self, max_share: f64) -> bool {
        self.unusual_share(self.newly_missing, max_share)
    }

    /// The kinds of loss ("start times", count) that strip more than `max_share` of the
    /// source's live records, judged as removals are.
    pub fn unusual_losses(&self, max_share: f64) -> Vec<(&'static str, usize)> {
        self.losses.named().into_iter().filter(|(_, count)| self.unusual_share(*count, max_share)).collect()
    }

    fn unusual_share(&self, count: usize, max_share: f64) -> bool {
        self.previously_present >= 10 && count as f64 > max_share * self.previously_present as f64
    }
}
