//! Which pairs of records are compared, and their verdicts, at the scale of a whole store.
//!
//! Every record's blocking keys are hashed to 64 bits and sorted into one flat list, so
//! records sharing a key sit next to each other (a bucket) without a map of strings. A pair is
//! scored only in the bucket of the smallest key the two share, so no set of pairs already
//! seen is needed however many keys they share. Buckets are split over the machine's cores,
//! balanced by the number of pairs they hold; the result does not depend on how they were
//! split. A hash collision between two keys only adds comparisons, never removes one.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hasher};
use std::ops::Range;

use super::{blocking, features::Features, pair, Candidate};

/// A matching pair: score, the two record indexes (first < second), evidence.
pub(super) type Edge = (f64, usize, usize, Vec<String>);

/// Buckets larger than this are not compared pairwise (other keys still are).
const MAX_BUCKET: usize = 1000;

/// Below this many items, threads cost more than they save.
const PARALLEL_FROM: usize = 4096;

/// The verdict of every candidate pair that matches; `features[i]` belongs to `records[i]`.
pub(super) fn scored(records: &[Candidate<'_>], features: &[Features]) -> Vec<Edge> {
    let mut keys: Vec<Vec<u64>> = par_map(features, |f| {
        let mut k: Vec<u64> = blocking::keys(f).iter().map(|s| hash(s)).collect();
        k.sort_unstable();
        k.dedup();
        k
    });
    let mut flat: Vec<(u64, u32)> = Vec::with_capacity(keys.iter().map(Vec::len).sum());
    for (i, ks) in keys.iter().enumerate() {
        flat.extend(ks.iter().map(|&k| (k, i as u32)));
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

    let (flat, keys) = (&flat, &keys);
    let score_part = |part: &[Range<usize>]| {
        let mut out: Vec<Edge> = Vec::new();
        for range in part {
            let bucket = &flat[range.clone()];
            let key = bucket[0].0;
            for (x, &(_, i)) in bucket.iter().enumerate() {
                for &(_, j) in &bucket[x + 1..] {
                    let (i, j) = (i as usize, j as usize);
                    if first_common(&keys[i], &keys[j]) != Some(key) {
                        continue;
                    }
                    if let Some(v) = pair(&records[i], &records[j], &features[i], &features[j]) {
                        out.push((v.score, i, j, v.evidence));
                    }
                }
            }
        }
        out
    };
    let parts = balanced(&buckets, if records.len() < PARALLEL_FROM { 1 } else { threads() });
    if parts.len() == 1 {
        return score_part(parts[0]);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = parts.into_iter().map(|part| s.spawn(move || score_part(part))).collect();
        handles.into_iter().flat_map(join).collect()
    })
}

/// `f` over `items` in order, on every core when there are enough of them.
pub(super) fn par_map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let threads = threads();
    if items.len() < PARALLEL_FROM || threads < 2 {
        return items.iter().map(f).collect();
    }
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(items.len().div_ceil(threads))
            .map(|chunk| s.spawn(move || chunk.iter().map(f).collect::<Vec<U>>()))
            .collect();
        handles.into_iter().flat_map(join).collect()
    })
}

/// A worker's result; a panic in a worker goes on in the caller.
fn join<R>(h: std::thread::ScopedJoinHandle<'_, R>) -> R {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

fn threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
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
