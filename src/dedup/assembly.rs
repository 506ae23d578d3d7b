//! Assembling groups from meetings: which listings of one source are meetings of one group.
//!
//! Matching decides which listings describe the same meeting (across sources); this file
//! decides which meetings make one real group. Within one source, listings are meetings of one
//! group when they share an assembly key:
//! - the same name at the same place (street address with postcode or town, else the venue
//!   and town, else a point to about 100 m), or in the same online room (conference id, else
//!   the meeting link);
//! - the source's own group name (Meeting Guide `group`), but only while every listing of the
//!   source under that name is at one place or in one room: feeds also put district codes
//!   ("D21") and intergroup names there, shared by unrelated groups across a region
//!   (`group_name_holds`).
//!
//! Keys are stored with each record as blocking keys (prefixed `asm:`) so ingest finds a
//! record's fellow meetings; a key shared by more than `MAX_MEETINGS` records of a source is a
//! catch-all and assembles nothing. Pure: no IO.

use std::collections::BTreeMap;

use importers::Listing;

use super::features::{street_key, words};
use super::Cluster;
use crate::model::RecordKey;

/// The prefix of assembly keys among a record's stored blocking keys.
pub const PREFIX: &str = "asm:";

/// A key shared by more records of one source than this assembles nothing.
pub const MAX_MEETINGS: usize = 100;

/// The assembly keys of a listing, each prefixed with `PREFIX` (the caller scopes them to the
/// listing's source). A group-name key starts with `GROUP_PREFIX`.
pub fn keys(l: &Listing) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(group) = l.group.as_deref().map(fold).filter(|g| !g.is_empty()) {
        out.push(format!("{GROUP_PREFIX}{group}"));
    }
    let name = fold(&l.name);
    if !name.is_empty() {
        if let Some(place) = place_key(l) {
            out.push(format!("{PREFIX}p:{name}|{place}"));
        }
        if let Some(room) = room_key(l) {
            out.push(format!("{PREFIX}o:{name}|{room}"));
        }
    }
    out
}

/// The prefix of group-name keys.
pub const GROUP_PREFIX: &str = "asm:g:";

/// Where a listing meets, as assembly compares it: its place, else its online room.
pub fn whereabouts(l: &Listing) -> Option<String> {
    place_key(l).or_else(|| room_key(l))
}

/// A group name assembles its listings only when all of them (of one source) meet at one
/// known place or in one room.
pub fn group_name_holds<'a>(listings: impl IntoIterator<Item = &'a Listing>) -> bool {
    let mut seen: Option<String> = None;
    for l in listings {
        match (whereabouts(l), &seen) {
            (None, _) => return false,
            (Some(w), Some(s)) if &w != s => return false,
            (Some(w), None) => seen = Some(w),
            _ => {}
        }
    }
    true
}

/// Groups of clusters: the indices of `clusters` that make each group, each sorted, the
/// groups in order of their first cluster. `keys_of` gives a record's assembly keys. Clusters
/// join when records of one source in them share a key; the result does not depend on the
/// order keys are found in.
pub fn assemble(clusters: &[Cluster], keys_of: impl Fn(&RecordKey) -> Vec<String>) -> Vec<Vec<usize>> {
    let mut by_key: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    let mut records_by_key: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, c) in clusters.iter().enumerate() {
        for m in &c.members {
            for k in keys_of(m) {
                let key = (m.source_id.clone(), k);
                *records_by_key.entry(key.clone()).or_default() += 1;
                by_key.entry(key).or_default().push(i);
            }
        }
    }
    let mut parent: Vec<usize> = (0..clusters.len()).collect();
    for (key, members) in &by_key {
        if records_by_key.get(key).copied().unwrap_or(0) > MAX_MEETINGS {
            continue;
        }
        for w in members.windows(2) {
            union(&mut parent, w[0], w[1]);
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..clusters.len() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    let mut out: Vec<Vec<usize>> = groups.into_values().collect();
    out.sort_by_key(|g| g[0]);
    out
}

/// Lower-case alphanumeric words joined by single spaces.
fn fold(s: &str) -> String {
    words(s).join(" ")
}

fn place_key(l: &Listing) -> Option<String> {
    let loc = l.location.as_ref()?;
    let area = loc.postcode.as_deref().or(loc.locality.as_deref()).map(fold).unwrap_or_default();
    if let Some(street) = loc.address.as_deref().and_then(street_key) {
        return Some(format!("a:{street}|{area}"));
    }
    if let Some(venue) = loc.name.as_deref().map(fold).filter(|v| !v.is_empty()) {
        if !area.is_empty() {
            return Some(format!("v:{venue}|{area}"));
        }
    }
    match (loc.latitude, loc.longitude) {
        (Some(lat), Some(lon)) if !loc.approximate => Some(format!("x:{lat:.3},{lon:.3}")),
        _ => None,
    }
}

fn room_key(l: &Listing) -> Option<String> {
    let online = l.online.as_ref()?;
    if let Some(id) = online.conference_id.as_deref().filter(|c| !c.is_empty()) {
        return Some(format!("c:{id}"));
    }
    online.url.as_deref().filter(|u| !u.is_empty()).map(|u| format!("u:{}", u.trim_end_matches('/')))
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Joins two sets, the smaller root becoming the root (deterministic).
fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi] = lo;
    }
}

#[cfg(test)]
mod tests {
    use importers::{Location, OnlineAccess};

    use super::*;

    fn listing(name: &str, group: Option<&str>, address: Option<&str>) -> Listing {
        Listing {
            name: name.to_owned(),
            group: group.map(str::to_owned),
            location: address.map(|a| Location {
                address: Some(a.to_owned()),
                locality: Some("Media".to_owned()),
                ..Location::default()
            }),
            ..Listing::default()
        }
    }

    fn cluster(keys: &[(&str, &str)]) -> Cluster {
        Cluster { members: keys.iter().map(|(s, e)| RecordKey::new(*s, *e)).collect(), links: Vec::new() }
    }

    #[test]
    fn a_group_name_holds_only_at_one_place() {
        let a = listing("Sunrise Semester", Some("D27 / GSO #148649"), Some("1904 Walnut St"));
        let b = listing("Sunrise Step Study", Some("D27 / GSO #148649"), Some("1904 Walnut Street"));
        assert!(keys(&a).contains(&"asm:g:d27 gso 148649".to_owned()));
        assert!(group_name_holds([&a, &b]), "one home group at one church");
        let district = listing("Richboro", Some("D21"), Some("45 Worthington Mill Rd"));
        let other = listing("Hartsville Courtyard Group", Some("D21"), Some("1414 Old York Rd"));
        assert!(!group_name_holds([&district, &other]), "a district code shared across towns is no group");
        let nowhere = listing("Somewhere", Some("D21"), None);
        assert!(!group_name_holds([&nowhere]), "a group name with no place cannot be checked");
    }

    #[test]
    fn without_a_group_name_the_name_and_the_street_make_the_key() {
        let a = listing("Big Book Study", None, Some("12 State Street"));
        let b = listing("BIG BOOK STUDY", None, Some("12 State St."));
        assert_eq!(keys(&a), keys(&b), "case and street abbreviations do not matter");
        let elsewhere = listing("Big Book Study", None, Some("40 Baltimore Pike"));
        assert_ne!(keys(&a), keys(&elsewhere));
    }

    #[test]
    fn the_same_name_in_the_same_online_room_is_one_group() {
        let online = |name: &str, id: &str| Listing {
            name: name.to_owned(),
            online: Some(OnlineAccess { conference_id: Some(id.to_owned()), ..OnlineAccess::default() }),
            ..Listing::default()
        };
        assert_eq!(keys(&online("Daybreak", "123456789")), keys(&online("Daybreak", "123456789")));
        assert_ne!(keys(&online("Daybreak", "123456789")), keys(&online("Daybreak", "987654321")));
        assert!(keys(&Listing::default()).is_empty(), "a nameless listing assembles nothing");
    }

    #[test]
    fn clusters_join_only_through_keys_of_one_source() {
        let clusters = [cluster(&[("a", "1")]), cluster(&[("a", "2"), ("b", "9")]), cluster(&[("b", "3")])];
        // a:1 and a:2 share key K; b:3 shares K too, but with no record of its own source.
        let keys_of =
            |k: &RecordKey| if k.source_id == "a" || k.external_id == "3" { vec!["K".to_owned()] } else { vec![] };
        assert_eq!(assemble(&clusters, keys_of), vec![vec![0, 1], vec![2]]);
    }

    #[test]
    fn a_key_shared_by_a_crowd_assembles_nothing() {
        let clusters: Vec<Cluster> = (0..=MAX_MEETINGS).map(|i| cluster(&[("a", &i.to_string())])).collect();
        let groups = assemble(&clusters, |_| vec!["asm:g:online".to_owned()]);
        assert_eq!(groups.len(), clusters.len(), "{} meetings under one name are not one group", MAX_MEETINGS + 1);
        let few = &clusters[..MAX_MEETINGS];
        assert_eq!(assemble(few, |_| vec!["asm:g:online".to_owned()]).len(), 1);
    }
}
