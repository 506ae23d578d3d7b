//! Group ids: a function of the members, so replicas agree.
//!
//! A group's id is always derived from its smallest member record key
//! (`RecordKey::group_id`), whatever order its records arrived in: two instances holding the
//! same records hold the same ids. An id therefore changes exactly when a group's smallest
//! record changes (a record with a smaller key joins it, or its smallest record leaves it);
//! the old id then redirects to the cluster holding most of its former records, and is
//! removed when none is left. The store also resolves every id derived from any record it
//! holds to the group holding that record, so an id published by another replica, or before
//! a merge, keeps resolving.

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

/// Assigns ids to `clusters` given the previous members of each old group (`old_members`).
pub fn assign(clusters: &[Vec<RecordKey>], old_members: &BTreeMap<String, Vec<RecordKey>>) -> IdPlan {
    // Distinct clusters have distinct smallest records, hence distinct ids; a 64-bit hash
    // collision would get a salt, in the order of the smallest records (so replicas agree).
    let mut order: Vec<usize> = (0..clusters.len()).collect();
    order.sort_by(|&a, &b| clusters[a].iter().min().cmp(&clusters[b].iter().min()));
    let mut ids: Vec<String> = vec![String::new(); clusters.len()];
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for i in order {
        let mut salt = 0u32;
        let id = loop {
            let candidate = derive(&clusters[i], salt);
            if taken.insert(candidate.clone()) {
                break candidate;
            }
            salt += 1;
        };
        ids[i] = id;
    }

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

/// The id a group of these members gets: its smallest record's `group_id` (salted only on a
/// hash collision).
pub fn derive(members: &[RecordKey], salt: u32) -> String {
    let Some(first) = members.iter().min() else { return String::from("g0000000000000000") };
    if salt == 0 {
        return first.group_id();
    }
    let mut h = Sha256::new();
    h.update(first.to_string().as_bytes());
    h.update(salt.to_be_bytes());
    let hex: String = h.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("g{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> RecordKey {
        let (source, id) = s.split_once(':').unwrap();
        RecordKey::new(source, id)
    }

    #[test]
    fn an_id_is_its_smallest_records_whatever_came_before() {
        let cluster = vec![key("b:2"), key("a:9")];
        let fresh = assign(std::slice::from_ref(&cluster), &BTreeMap::new());
        let old = BTreeMap::from([("gold".to_owned(), vec![key("b:2")])]);
        let grown = assign(std::slice::from_ref(&cluster), &old);

        assert_eq!(fresh.ids, vec![key("a:9").group_id()]);
        assert_eq!(grown.ids, fresh.ids, "history does not change the id");
        assert_eq!(grown.redirects, vec![("gold".to_owned(), key("a:9").group_id())]);
    }

    #[test]
    fn a_split_redirects_to_the_larger_part_and_a_vanished_group_is_removed() {
        let old = BTreeMap::from([
            ("g1".to_owned(), vec![key("a:1"), key("a:2"), key("a:3")]),
            ("g2".to_owned(), vec![key("c:1")]),
        ]);
        let plan = assign(&[vec![key("a:1")], vec![key("a:2"), key("a:3")]], &old);

        assert_eq!(plan.ids, vec![key("a:1").group_id(), key("a:2").group_id()]);
        assert_eq!(plan.redirects, vec![("g1".to_owned(), key("a:2").group_id())]);
        assert_eq!(plan.removed, vec!["g2".to_owned()]);
    }
}
