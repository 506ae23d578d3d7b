//! Group ids: deterministic from members, stable over time.
//!
//! A group made from scratch gets an id derived from its smallest member record key, so a
//! rebuild in any order gives the same ids. When groups change, a cluster keeps the id of the
//! old group that gave it most records (ties: the smaller id), so ids stay when records join
//! or leave and the larger part of a split keeps its id; an old id no cluster kept redirects
//! to the cluster holding most of its former records, or is removed when none is left.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use crate::model::RecordKey;

/// What happened to every id involved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdPlan {
    /// The id of each cluster, in the order the clusters were given.
    pub ids: Vec<String>,
    /// Old ids that no cluster kept, and the id they now resolve to.
    pub redirects: Vec<(String, String)>,
    /// Old ids none of whose records are left.
    pub removed: Vec<String>,
}

/// Assigns ids to `clusters` given each member's previous group id (`previous`, absent for
/// new records) and the previous members of each old group (`old_members`).
pub fn assign(
    clusters: &[Vec<RecordKey>],
    previous: &BTreeMap<RecordKey, String>,
    old_members: &BTreeMap<String, Vec<RecordKey>>,
) -> IdPlan {
    // (records shared, old id, cluster index): most shared first, then smaller old id.
    let mut claims: Vec<(usize, &String, usize)> = Vec::new();
    for (i, members) in clusters.iter().enumerate() {
        let mut counts: BTreeMap<&String, usize> = BTreeMap::new();
        for m in members {
            if let Some(old) = previous.get(m) {
                *counts.entry(old).or_default() += 1;
            }
        }
        claims.extend(counts.into_iter().map(|(old, n)| (n, old, i)));
    }
    claims.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)).then(a.2.cmp(&b.2)));
    let mut ids: Vec<Option<String>> = vec![None; clusters.len()];
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for (_, old, i) in claims {
        if ids[i].is_none() && !taken.contains(old) {
            ids[i] = Some(old.clone());
            taken.insert(old.clone());
        }
    }
    let reserved: BTreeSet<&String> = old_members.keys().collect();
    let ids: Vec<String> = ids
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            id.unwrap_or_else(|| {
                let mut salt = 0u32;
                loop {
                    let candidate = derive(&clusters[i], salt);
                    if !taken.contains(&candidate) && !reserved.contains(&candidate) {
                        taken.insert(candidate.clone());
                        return candidate;
                    }
                    salt += 1;
                }
            })
        })
        .collect();

    let mut plan = IdPlan { ids, ..Default::default() };
    for (old, members) in old_members {
        if taken.contains(old) {
            continue;
        }
        let best = clusters
            .iter()
            .enumerate()
            .map(|(i, c)| (c.iter().filter(|m| members.contains(m)).count(), i))
            .filter(|(n, _)| *n > 0)
            .max_by(|a, b| a.0.cmp(&b.0).then(plan.ids[b.1].cmp(&plan.ids[a.1])));
        match best {
            Some((_, i)) => plan.redirects.push((old.clone(), plan.ids[i].clone())),
            None => plan.removed.push(old.clone()),
        }
    }
    plan
}

/// The id a group of these members gets from scratch.
pub fn derive(members: &[RecordKey], salt: u32) -> String {
    let first = members.iter().min().map(|k| k.to_string()).unwrap_or_default();
    let mut h = Sha256::new();
    h.update(first.as_bytes());
    if salt > 0 {
        h.update(salt.to_be_bytes());
    }
    let hex: String = h.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("g{hex}")
}
