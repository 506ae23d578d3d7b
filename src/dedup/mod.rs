//! Matching: which source records describe the same real group. Pure: no IO, no clock.
//!
//! `blocking_keys` says which records could be the same (ingest indexes them, so only
//! records sharing a key are ever compared); `cluster` compares those pairs (`score`) and
//! joins the matches, strongest first, never putting two different records of one source in
//! one group; the result does not depend on input order. `ids` gives clusters stable ids,
//! `merge` builds a group's view from its records.

mod blocking;
mod features;
mod ids;
mod merge;
mod pairs;
mod score;
#[cfg(test)]
mod testing;

use std::collections::{BTreeMap, HashSet};

use importers::Listing;
use sha2::{Digest, Sha256};

use crate::store::{Correction, CorrectionKind, MatchLink, RecordKey};

pub use blocking::SCHEME as BLOCKING_SCHEME;
pub use features::Features;
pub use ids::{assign as assign_ids, derive as derive_id, IdPlan};
pub use merge::{merge, MergeInput};
pub use score::{compare, Verdict};

/// Blocking keys of a listing: records sharing none are never compared.
pub fn blocking_keys(listing: &Listing) -> Vec<String> {
    blocking::keys(&Features::of(listing))
}

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

/// Clusters the candidates, honouring operator corrections (a link always joins, an unlink
/// never). The result is sorted by first member and does not depend on the order of
/// `candidates` or `corrections`.
pub fn cluster(candidates: &[Candidate<'_>], corrections: &[Correction]) -> Vec<Cluster> {
    let mut sorted: Vec<Candidate<'_>> = candidates.to_vec();
    sorted.sort_by(|a, b| a.key.cmp(b.key));
    sorted.dedup_by(|a, b| a.key == b.key);
    let n = sorted.len();

    // Candidate pairs from shared blocking keys, scored; strongest first, then by keys.
    let features: Vec<Features> = pairs::par_map(&sorted, |c| Features::of(c.listing));
    let mut edges = pairs::scored(&sorted, &features);
    drop(features);
    let index = |k: &RecordKey| sorted.binary_search_by(|c| c.key.cmp(k)).ok();
    let mut never: HashSet<(usize, usize)> = HashSet::new();
    for c in corrections {
        let (Some(i), Some(j)) = (index(&c.a), index(&c.b)) else { continue };
        let (i, j) = (i.min(j), i.max(j));
        match c.kind {
            CorrectionKind::Link => {
                let why = c.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
                edges.push((OPERATOR, i, j, vec![format!("linked by an operator{why}")]));
            }
            CorrectionKind::Unlink => {
                never.insert((i, j));
            }
        }
    }
    edges.retain(|e| e.0 >= OPERATOR || !never.contains(&(e.1, e.2)));
    edges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));

    // Union under the constraint that a group never holds two different records of one source,
    // and never on a guess: a record that fits two records of another source about equally
    // well joins neither.
    let mut adjacent: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    for (score, i, j, _) in &edges {
        adjacent[*i].push((*score, *j));
        adjacent[*j].push((*score, *i));
    }
    let mut uf = UnionFind::new(n);
    let mut contested = vec![false; n];
    let mut links: Vec<Vec<MatchLink>> = vec![Vec::new(); n];
    for (score, i, j, evidence) in edges {
        let (ri, rj) = (uf.find(i), uf.find(j));
        if ri == rj || kept_apart(&uf, &never, ri, rj) {
            continue;
        }
        let operator = score >= OPERATOR;
        if !operator && (contested[i] || contested[j] || conflicts(&uf, &sorted, ri, rj)) {
            continue;
        }
        let rival = |me: usize, other: usize| {
            adjacent[me].iter().any(|&(s, k)| {
                k != other
                    && s >= score - AMBIGUITY
                    && sorted[k].key.source_id == sorted[other].key.source_id
                    && !contested[k]
                    && !conflicts(&uf, &sorted, uf.find(me), uf.find(k))
            })
        };
        if !operator && (rival(i, j) || rival(j, i)) {
            contested[i] = true;
            contested[j] = true;
            continue;
        }
        let root = uf.union(ri, rj);
        let mut moved = std::mem::take(&mut links[ri]);
        moved.append(&mut std::mem::take(&mut links[rj]));
        moved.push(MatchLink { a: sorted[i].key.clone(), b: sorted[j].key.clone(), score: score.min(1.0), evidence });
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

/// Content hash of a normalised listing, leaving out the source's id for it: two rows of one
/// feed with the same content hash are the same group listed twice.
pub fn listing_hash(listing: &Listing) -> String {
    let content = Listing { external_id: String::new(), ..listing.clone() };
    let bytes = serde_json::to_vec(&content).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The score of an operator's link: above every matcher verdict.
const OPERATOR: f64 = 2.0;

/// Would joining these clusters put together two records an operator unlinked?
fn kept_apart(uf: &UnionFind, never: &HashSet<(usize, usize)>, ri: usize, rj: usize) -> bool {
    uf.members(ri).iter().any(|&x| uf.members(rj).iter().any(|&y| never.contains(&(x.min(y), x.max(y)))))
}

/// Scores closer than this are a tie: the matcher would be guessing.
const AMBIGUITY: f64 = 0.05;

/// Two records of one source are one group only when their content is identical (a feed
/// listing a group twice); otherwise the scoring rules decide.
pub fn pair(a: &Candidate<'_>, b: &Candidate<'_>, fa: &Features, fb: &Features) -> Option<Verdict> {
    if a.key.source_id == b.key.source_id {
        return (a.hash == b.hash)
            .then(|| Verdict { score: 1.0, evidence: vec!["the same listing twice in one feed".to_owned()] });
    }
    compare(fa, fb)
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
