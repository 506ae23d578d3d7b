//! Which pairs of records are compared, and their verdicts, at the scale of a whole store.
//!
//! Every blocking key includes a meeting time, so records are taken in batches of meeting
//! times: only the records meeting at the batch's times have their features computed and held,
//! and memory follows the largest batch, not the store. Within a batch every record's keys of
//! those times are hashed to 64 bits and sorted into one flat list, so records sharing a key sit
//! next to each other (a bucket) without a map of strings. A pair is scored only in the bucket
//! of the smallest key the two share, so no set of pairs already seen is needed; two records
//! meeting at several times may be scored in two batches, with the same verdict, and the
//! repeat is dropped. Buckets are split over the machine's cores, balanced by the pairs they
//! hold; the result does not depend on how. A hash collision only adds comparisons.

use std::collections::{BTreeMap, HashSet};
use std::hash::{DefaultHasher, Hasher};
use std::ops::Range;

use super::{blocking, features::Features, verdict, NameTable, Records};
use crate::parallel::{join, par_map, threads, PARALLEL_FROM};

/// A matching pair: score, the two record indexes (first < second), evidence.
pub(super) type Edge = (f64, usize, usize, Vec<String>);

/// Buckets larger than this are not compared pairwise (other keys still are); an import's
/// regroup skips such keys too, so it finds the pairs a rebuild finds.
pub const MAX_BUCKET: usize = 1000;

/// Meeting times are batched until a batch holds about this many (record, time) entries.
const BATCH: usize = 100_000;

/// The verdict of every candidate pair that matches, sorted by the two indexes. Without
/// `names`, names are weighed by how many of `records` carry them.
pub(super) fn scored<R: Records + ?Sized>(records: &R, names: Option<&NameTable>) -> Vec<Edge> {
    scored_in_batches(records, names, BATCH)
}

fn scored_in_batches<R: Records + ?Sized>(records: &R, names: Option<&NameTable>, batch: usize) -> Vec<Edge> {
    let all: Vec<usize> = (0..records.len()).collect();
    let counted;
    let (slot_names, names): (Vec<Vec<String>>, &NameTable) = match names {
        Some(table) => (par_map(&all, |&i| records.slots(i)), table),
        None => {
            let firsts: Vec<(Vec<String>, Option<super::Carrier>)> = par_map(&all, |&i| records.slots_and_carrier(i));
            let (slots, carriers): (Vec<_>, Vec<_>) = firsts.into_iter().unzip();
            counted = NameTable::of_carriers(carriers.into_iter().flatten());
            (slots, &counted)
        }
    };
    // Meeting times by id, in order; the records meeting at each.
    let mut ids: BTreeMap<&str, u32> =
        slot_names.iter().flatten().filter(|s| *s != "unknown").map(|s| (s.as_str(), 0)).collect();
    for (k, id) in ids.values_mut().enumerate() {
        *id = k as u32;
    }
    let mut at: Vec<Vec<u32>> = vec![Vec::new(); ids.len()];
    for (i, record_slots) in slot_names.iter().enumerate() {
        for name in record_slots.iter().filter(|s| *s != "unknown") {
            at[ids[name.as_str()] as usize].push(i as u32);
        }
    }
    let slots: Vec<String> = ids.into_keys().map(str::to_owned).collect();
    drop(slot_names);

    let mut edges = Vec::new();
    let mut from = 0;
    while from < at.len() {
        let (mut to, mut size) = (from, 0);
        while to < at.len() && (to == from || size + at[to].len() <= batch) {
            size += at[to].len();
            to += 1;
        }
        let mut members: Vec<u32> = at[from..to].iter().flatten().copied().collect();
        members.sort_unstable();
        members.dedup();
        edges.extend(scored_batch(records, &members, &slots[from..to], names));
        from = to;
    }
    edges.sort_by_key(|e| (e.1, e.2));
    edges.dedup_by(|a, b| (a.1, a.2) == (b.1, b.2));
    edges
}

/// The matching pairs among `members` (sorted record indexes) that share a key of one of the
/// meeting times `slots`.
fn scored_batch<R: Records + ?Sized>(records: &R, members: &[u32], slots: &[String], names: &NameTable) -> Vec<Edge> {
    let features: Vec<Features> = par_map(members, |&i| records.features(i as usize));
    let mut keys: Vec<Vec<u64>> = par_map(&features, |f| {
        let mut k: Vec<u64> = f
            .slots
            .iter()
            .filter(|s| slots.binary_search(s).is_ok())
            .flat_map(|s| blocking::slot_keys(f, s))
            .map(|k| hash(&k))
            .collect();
        k.sort_unstable();
        k.dedup();
        k
    });
    let mut flat: Vec<(u64, u32)> = Vec::with_capacity(keys.iter().map(Vec::len).sum());
    for (m, ks) in keys.iter().enumerate() {
        flat.extend(ks.iter().map(|&k| (k, m as u32)));
    }
    flat.sort_unstable();

    let mut buckets: Vec<Range<usize>> = Vec::new();
    let mut oversize: HashSet<u64> = HashSet::new();
    let mut start = 0;
    while start < flat.len() {
        let end = start + flat[start..].iter().take_while(|e| e.0 == flat[start].0).count();
        match end - start {
            1 => {}
            m if m > MAX_BUCKET => {
                oversize.insert(flat[start].0);
            }
            _ => buckets.push(start..end),
        }
        start = end;
    }
    // A pair is scored in the bucket of its smallest shared key, which must be a compared one.
    if !oversize.is_empty() {
        for ks in &mut keys {
            ks.retain(|k| !oversize.contains(k));
        }
    }

    let (flat, keys, features) = (&flat, &keys, &features);
    let score_part = |part: &[Range<usize>]| {
        let mut out: Vec<Edge> = Vec::new();
        for range in part {
            let bucket = &flat[range.clone()];
            let key = bucket[0].0;
            for (x, &(_, a)) in bucket.iter().enumerate() {
                for &(_, b) in &bucket[x + 1..] {
                    let (a, b) = (a as usize, b as usize);
                    if first_common(&keys[a], &keys[b]) != Some(key) {
                        continue;
                    }
                    let (i, j) = (members[a] as usize, members[b] as usize);
                    let found = verdict(
                        (records.key(i), records.hash(i), &features[a]),
                        (records.key(j), records.hash(j), &features[b]),
                        names,
                    );
                    if let Some(v) = found {
                        out.push((v.score, i, j, v.evidence));
                    }
                }
            }
        }
        out
    };
    let parts = balanced(&buckets, if members.len() < PARALLEL_FROM { 1 } else { threads() });
    if parts.len() == 1 {
        return score_part(parts[0]);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = parts.into_iter().map(|part| s.spawn(move || score_part(part))).collect();
        handles.into_iter().flat_map(join).collect()
    })
}

/// Splits the buckets into at most `n` consecutive runs holding about equal numbers of pairs.
fn balanced(buckets: &[Range<usize>], n: usize) -> Vec<&[Range<usize>]> {
    let weight = |r: &Range<usize>| (r.len() * (r.len() - 1) / 2) as u64;
    let total: u64 = buckets.iter().map(weight).sum();
    let mut parts = Vec::new();
    let (mut from, mut acc) = (0, 0u64);
    for (k, b) in buckets.iter().enumerate() {
        acc += weight(b);
        if parts.len() + 1 < n && acc * n as u64 >= total * (parts.len() as u64 + 1) {
            parts.push(&buckets[from..=k]);
            from = k + 1;
        }
    }
    parts.push(&buckets[from..]);
    parts
}

fn hash(key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    h.write(key.as_bytes());
    h.finish()
}

/// The smallest value in both sorted lists.
fn first_common(a: &[u64], b: &[u64]) -> Option<u64> {
    let (mut x, mut y) = (0, 0);
    while x < a.len() && y < b.len() {
        match a[x].cmp(&b[y]) {
            std::cmp::Ordering::Less => x += 1,
            std::cmp::Ordering::Greater => y += 1,
            std::cmp::Ordering::Equal => return Some(a[x]),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::dedup::Candidate;
    use crate::model::RecordKey;

    /// The real sepa set (two directories) plus a third listing directory A again: enough
    /// records for the threaded path.
    fn records() -> Vec<(RecordKey, importers::Listing, String)> {
        let opts = importers::SourceOptions { timezone: "America/New_York".into(), ..Default::default() };
        let mut out = Vec::new();
        for (src, file) in [("dira", "source-a.json"), ("dirb", "source-b.json"), ("dirc", "source-a.json")] {
            let path = format!("{}/tests/fixtures/matching/sepa/{file}", env!("CARGO_MANIFEST_DIR"));
            let bytes = std::fs::read(path).expect("fixture");
            let parsed =
                importers::parse(importers::Format::MeetingGuide, &importers::Documents::single(&bytes), &opts)
                    .expect("parses");
            for l in parsed.listings {
                let hash = crate::dedup::listing_hash(&l);
                out.push((RecordKey::new(src, l.external_id.clone()), l, hash));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.dedup_by(|a, b| a.0 == b.0);
        out
    }

    /// Every pair sharing a blocking key, compared once: the plain definition.
    fn reference(records: &[Candidate<'_>]) -> BTreeSet<(usize, usize)> {
        let features: Vec<Features> = records.iter().map(|c| Features::of(c.listing)).collect();
        let names = NameTable::count(records.iter().zip(&features).map(|(c, f)| (c.key.source_id.as_str(), f)));
        let mut buckets: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, c) in records.iter().enumerate() {
            for k in blocking::keys(&Features::of(c.listing)) {
                buckets.entry(k).or_default().push(i);
            }
        }
        let mut out = BTreeSet::new();
        for members in buckets.values().filter(|m| m.len() <= MAX_BUCKET) {
            for (x, &i) in members.iter().enumerate() {
                for &j in &members[x + 1..] {
                    let (a, b) = (&records[i], &records[j]);
                    if crate::dedup::pair(a, b, &features[i], &features[j], &names).is_some() {
                        out.insert((i, j));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn batches_and_threads_find_exactly_the_pairs_sharing_a_key() {
        let owned = records();
        let candidates: Vec<Candidate<'_>> =
            owned.iter().map(|(k, l, h)| Candidate { key: k, listing: l, hash: h }).collect();
        assert!(candidates.len() >= PARALLEL_FROM, "the threaded path is exercised");
        let expected = reference(&candidates);
        assert!(expected.len() > 3000, "{} matching pairs", expected.len());
        for batch in [usize::MAX, 400] {
            let edges = scored_in_batches(candidates.as_slice(), None, batch);
            let found: Vec<(usize, usize)> = edges.iter().map(|e| (e.1, e.2)).collect();
            assert_eq!(found.len(), expected.len(), "each pair once (batch {batch})");
            assert_eq!(found.into_iter().collect::<BTreeSet<_>>(), expected, "batch {batch}");
        }
    }
}
