//! Matching: which source records describe the same real group. Pure: no IO, no clock.
//!
//! `blocking_keys` says which records could be the same (ingest indexes them so only
//! records sharing a key are ever compared); `cluster` decides, deterministically and
//! independently of input order, which records form one group and why; `group_id` derives
//! the public id from the members; `merge` builds the group's view from its records.
//! This first version links records by exact rules (`exact.rs`); the matching issue replaces
//! the rules behind this same boundary.

mod exact;
mod merge;

use std::collections::BTreeMap;

use importers::Listing;
use sha2::{Digest, Sha256};

use crate::store::{MatchLink, RecordKey};

pub use exact::blocking_keys;
pub use merge::{merge, MergeInput};

/// One record as the matcher sees it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub key: &'a RecordKey,
    pub listing: &'a Listing,
    /// Content hash: two records of one source are one group only when identical.
    pub hash: &'a str,
}

/// One group as the matcher decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Sorted member keys.
    pub members: Vec<RecordKey>,
    pub links: Vec<MatchLink>,
}

/// Clusters the candidates. The result is sorted by first member and does not depend on the
/// order of `candidates`.
pub fn cluster(candidates: &[Candidate<'_>]) -> Vec<Cluster> {
    let mut sorted: Vec<Candidate<'_>> = candidates.to_vec();
    sorted.sort_by(|a, b| a.key.cmp(b.key));
    sorted.dedup_by(|a, b| a.key == b.key);
    let n = sorted.len();

    // Candidate edges from shared blocking keys, strongest evidence first, then by keys.
    let mut buckets: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, c) in sorted.iter().enumerate() {
        for k in blocking_keys(c.listing) {
            buckets.entry(k).or_default().push(i);
        }
    }
    let mut edges: Vec<(u32, usize, usize, Vec<String>)> = Vec::new();
    for members in buckets.values() {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                if let Some((score, evidence)) = exact::compare(&sorted[i], &sorted[j]) {
                    edges.push((score, i, j, evidence));
                }
            }
        }
    }
    edges.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    edges.dedup_by(|a, b| a.1 == b.1 && a.2 == b.2);

    // Union under the constraint that a group never holds two different records of one source.
    let mut uf = UnionFind::new(n);
    let mut links: Vec<Vec<MatchLink>> = vec![Vec::new(); n];
    for (score, i, j, evidence) in edges {
        let (ri, rj) = (uf.find(i), uf.find(j));
        if ri == rj || conflicts(&uf, &sorted, ri, rj) {
            continue;
        }
        let root = uf.union(ri, rj);
        let mut moved = std::mem::take(&mut links[ri]);
        moved.append(&mut std::mem::take(&mut links[rj]));
        moved.push(MatchLink {
            a: sorted[i].key.clone(),
            b: sorted[j].key.clone(),
            score: f64::from(score) / 100.0,
            evidence,
        });
        links[root] = moved;
    }

    let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        by_root.entry(uf.find(i)).or_default().push(i);
    }
    let mut out: Vec<Cluster> = by_root
        .into_iter()
        .map(|(root, idx)| {
            let mut links = std::mem::take(&mut links[root]);
            links.sort_by(|a, b| (&a.a, &a.b).cmp(&(&b.a, &b.b)));
            Cluster { members: idx.into_iter().map(|i| sorted[i].key.clone()).collect(), links }
        })
        .collect();
    out.sort_by(|a, b| a.members.cmp(&b.members));
    out
}

/// The public id of a group with these members: derived from the smallest member key, so
/// every replica computes the same id for the same records.
pub fn group_id(members: &[RecordKey]) -> String {
    let first = members.iter().min().map(|k| k.to_string()).unwrap_or_default();
    let digest = Sha256::digest(first.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("g{hex}")
}

/// Content hash of a normalised listing, leaving out the source's id for it: two rows of one
/// feed with the same content hash are the same group listed twice.
pub fn listing_hash(listing: &Listing) -> String {
    let content = Listing { external_id: String::new(), ..listing.clone() };
    let bytes = serde_json::to_vec(&content).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Would joining these two clusters put two different records of one source together?
fn conflicts(uf: &UnionFind, sorted: &[Candidate<'_>], ri: usize, rj: usize) -> bool {
    let a: Vec<&Candidate<'_>> = uf.members(ri).iter().map(|&i| &sorted[i]).collect();
    let b: Vec<&Candidate<'_>> = uf.members(rj).iter().map(|&i| &sorted[i]).collect();
    a.iter().any(|x| b.iter().any(|y| x.key.source_id == y.key.source_id && x.hash != y.hash))
}

struct UnionFind {
    parent: Vec<usize>,
    members: Vec<Vec<usize>>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind { parent: (0..n).collect(), members: (0..n).map(|i| vec![i]).collect() }
    }

    fn find(&self, mut i: usize) -> usize {
        while self.parent[i] != i {
            i = self.parent[i];
        }
        i
    }

    fn members(&self, root: usize) -> &[usize] {
        &self.members[root]
    }

    /// Joins two roots; the smaller index becomes the root, so the result is order-free.
    fn union(&mut self, a: usize, b: usize) -> usize {
        let (root, child) = if a < b { (a, b) } else { (b, a) };
        self.parent[child] = root;
        let moved = std::mem::take(&mut self.members[child]);
        self.members[root].extend(moved);
        root
    }
}
