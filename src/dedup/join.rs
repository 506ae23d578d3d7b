//! Joining scored pairs into groups: strongest link first, never two different records of
//! one source in one group, never on a guess, and operator corrections first of all. What it
//! did not decide for sure (abstentions, weak matches) comes out as `Review`s.

use std::collections::HashSet;

use super::pairs::Edge;
use super::{Cluster, Records};
use crate::model::{Correction, CorrectionKind, MatchLink, RecordKey};

/// The score of an operator's link: above every matcher verdict.
const OPERATOR: f64 = 2.0;

/// Scores closer than this are a tie: the matcher would be guessing.
const AMBIGUITY: f64 = 0.05;

/// A pair an operator may want to look at, with the matcher's evidence for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub a: RecordKey,
    pub b: RecordKey,
    pub score: f64,
    pub kind: ReviewKind,
    pub evidence: Vec<String>,
}

/// Why a pair is put in front of an operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewKind {
    /// The pair matched, but `rival` (of the same source as one of them) fits about as well:
    /// the matcher joined neither (twins inside one feed, such as a hybrid group listed once
    /// for its room and once for its online part).
    Abstained { rival: RecordKey },
    /// Joined on the weakest rules (score below `score::WEAK`): a name alone, a rare name, a
    /// venue that moved.
    Weak,
}

impl ReviewKind {
    /// In words, for an operator.
    pub fn describe(&self) -> String {
        match self {
            ReviewKind::Abstained { rival } => format!("not joined: {rival} fits about as well"),
            ReviewKind::Weak => "joined on weak evidence".to_owned(),
        }
    }
}

/// The groups `edges` make of `records`, honouring `corrections`, sorted by first member; and
/// the pairs to review, sorted by pair.
pub(super) fn join<R: Records + ?Sized>(
    records: &R,
    mut edges: Vec<Edge>,
    corrections: &[Correction],
) -> (Vec<Cluster>, Vec<Review>) {
    let n = records.len();
    let index = |k: &RecordKey| binary_search(records, k);
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
    let mut reviews: Vec<Review> = Vec::new();
    for (score, i, j, evidence) in edges {
        let (ri, rj) = (uf.find(i), uf.find(j));
        if ri == rj || kept_apart(&uf, &never, ri, rj) {
            continue;
        }
        let operator = score >= OPERATOR;
        if !operator && (contested[i] || contested[j] || conflicts(&uf, records, ri, rj)) {
            continue;
        }
        let rival = |me: usize, other: usize| {
            adjacent[me].iter().find(|&&(s, k)| {
                k != other
                    && s >= score - AMBIGUITY
                    && records.key(k).source_id == records.key(other).source_id
                    && !contested[k]
                    && !conflicts(&uf, records, uf.find(me), uf.find(k))
            })
        };
        if let Some(&(_, k)) = rival(i, j).or_else(|| rival(j, i)).filter(|_| !operator) {
            contested[i] = true;
            contested[j] = true;
            let kind = ReviewKind::Abstained { rival: records.key(k).clone() };
            reviews.push(Review { a: records.key(i).clone(), b: records.key(j).clone(), score, kind, evidence });
            continue;
        }
        if !operator && score < super::score::WEAK {
            let (a, b) = (records.key(i).clone(), records.key(j).clone());
            reviews.push(Review { a, b, score, kind: ReviewKind::Weak, evidence: evidence.clone() });
        }
        let root = uf.union(ri, rj);
        let mut moved = std::mem::take(&mut links[ri]);
        moved.append(&mut std::mem::take(&mut links[rj]));
        moved.push(MatchLink { a: records.key(i).clone(), b: records.key(j).clone(), score: score.min(1.0), evidence });
        links[root] = moved;
    }
    drop(adjacent);

    // Members come out in index order, which is key order: clusters sorted by first member.
    let mut out = Vec::new();
    for root in (0..n).filter(|&i| uf.find(i) == i) {
        let mut members: Vec<usize> = uf.members(root).collect();
        members.sort_unstable();
        let mut links = std::mem::take(&mut links[root]);
        links.sort_by(|a, b| (&a.a, &a.b).cmp(&(&b.a, &b.b)));
        out.push((
            members[0],
            Cluster { members: members.into_iter().map(|i| records.key(i).clone()).collect(), links },
        ));
    }
    out.sort_unstable_by_key(|(first, _)| *first);
    reviews.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
    (out.into_iter().map(|(_, c)| c).collect(), reviews)
}

fn binary_search<R: Records + ?Sized>(records: &R, key: &RecordKey) -> Option<usize> {
    let (mut lo, mut hi) = (0, records.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        match records.key(mid).cmp(key) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(mid),
        }
    }
    None
}

/// Would joining these clusters put together two records an operator unlinked?
fn kept_apart(uf: &UnionFind, never: &HashSet<(usize, usize)>, ri: usize, rj: usize) -> bool {
    !never.is_empty() && uf.members(ri).any(|x| uf.members(rj).any(|y| never.contains(&(x.min(y), x.max(y)))))
}

/// Would joining these two clusters put two different records of one source together?
fn conflicts<R: Records + ?Sized>(uf: &UnionFind, records: &R, ri: usize, rj: usize) -> bool {
    uf.members(ri).any(|x| {
        uf.members(rj)
            .any(|y| records.key(x).source_id == records.key(y).source_id && records.hash(x) != records.hash(y))
    })
}

/// Union-find whose sets can be walked: each root heads a linked list of its members.
struct UnionFind {
    parent: Vec<usize>,
    /// The next member of the same set, `usize::MAX` at the end.
    next: Vec<usize>,
    /// A root's last member.
    last: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind { parent: (0..n).collect(), next: vec![usize::MAX; n], last: (0..n).collect() }
    }

    fn find(&self, mut i: usize) -> usize {
        while self.parent[i] != i {
            i = self.parent[i];
        }
        i
    }

    fn members(&self, root: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(root), |&i| Some(self.next[i]).filter(|&n| n != usize::MAX))
    }

    /// Joins two roots; the smaller index becomes the root, so the result is order-free.
    fn union(&mut self, a: usize, b: usize) -> usize {
        let (root, child) = if a < b { (a, b) } else { (b, a) };
        for i in self.members(child).collect::<Vec<_>>() {
            self.parent[i] = root;
        }
        self.next[self.last[root]] = child;
        self.last[root] = self.last[child];
        root
    }
}
