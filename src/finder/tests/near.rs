//! `near` and `nearest` against brute force, which groups they find, and `include_online`.

use importers::Attendance;

use super::gen::{self, Rng};
use super::{at, group, ids};
use crate::finder::facts::point;
use crate::finder::{Filter, Index, Near, Search, Sort};
use crate::model::{haversine_km, GroupStatus, StoredGroup};

/// (id, km) of the groups with a point within `km`, nearest first, ties by id.
fn brute(groups: &[StoredGroup], lat: f64, lon: f64, km: f64) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = groups
        .iter()
        .filter(|g| g.status != GroupStatus::Removed)
        .filter_map(|g| point(&g.listing).map(|(a, b)| (g.id.clone(), haversine_km(lat, lon, a, b))))
        .filter(|(_, d)| *d <= km)
        .collect();
    out.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Groups scattered over the whole globe, poles and antimeridian included.
fn world(n: usize) -> Vec<StoredGroup> {
    let mut rng = Rng(77);
    (0..n)
        .map(|i| {
            let lat = if i % 10 == 0 { 89.0 + rng.float() } else { -90.0 + rng.float() * 180.0 };
            let lon = if i % 7 == 0 { 179.5 + rng.float() * 0.5 } else { -180.0 + rng.float() * 360.0 };
            at(group(&format!("w{i:04}"), "W"), lat, lon)
        })
        .collect()
}

#[test]
fn near_and_nearest_agree_with_brute_force() {
    let mut groups = world(2000);
    groups.extend(gen::groups(8, 300));
    let index = Index::build(&groups);
    assert!(index.search(&Search::default()).expect("ok").total > 2048, "enough hits for the grid path");
    let mut rng = Rng(3);
    let mut centres: Vec<(f64, f64)> =
        vec![(90.0, 0.0), (-90.0, 0.0), (0.0, 180.0), (0.0, -180.0), (40.0, -75.0), (89.9, 179.95)];
    centres.extend((0..40).map(|_| (-90.0 + rng.float() * 180.0, -180.0 + rng.float() * 360.0)));
    for (lat, lon) in centres {
        for km in [0.5, 25.0, 300.0, 2000.0] {
            let want = brute(&groups, lat, lon, km);
            assert_eq!(index.near(lat, lon, km), want, "near({lat}, {lon}, {km})");
        }
        for n in [1, 5, 40] {
            let want: Vec<(String, f64)> = brute(&groups, lat, lon, f64::INFINITY).into_iter().take(n).collect();
            assert_eq!(index.nearest(lat, lon, n), want, "nearest({lat}, {lon}, {n})");
        }
        // Through search, the grid path: more hits than are ranked directly.
        let active: Vec<StoredGroup> = groups.iter().filter(|g| g.status == GroupStatus::Active).cloned().collect();
        let s = Search { near: Some(Near::nearest(lat, lon, 30)), ..Search::default() };
        let hits = index.search(&s).expect("ok");
        let want = brute(&active, lat, lon, f64::INFINITY);
        let got: Vec<(String, f64)> =
            hits.items.iter().map(|h| (h.id.clone(), h.distance_km.expect("placed"))).collect();
        assert_eq!(got, want[..20], "search nearest({lat}, {lon}, 30), first page");
    }
}

fn placed_and_online() -> Vec<StoredGroup> {
    let mut hybrid = at(group("hybrid-placed", "H"), 40.0, -75.01);
    hybrid.listing.attendance = Attendance::Hybrid;
    let mut hybrid_nowhere = group("hybrid-nowhere", "H");
    hybrid_nowhere.listing.attendance = Attendance::Hybrid;
    let mut online = at(group("online", "O"), 40.0, -75.0);
    online.listing.attendance = Attendance::Online;
    let mut rough = at(group("approximate", "A"), 40.0, -75.0);
    rough.listing.location.as_mut().expect("placed").approximate = true;
    vec![
        at(group("near", "N"), 40.0, -75.02),
        at(group("far", "F"), 41.0, -75.0),
        hybrid,
        hybrid_nowhere,
        online,
        rough,
        group("nowhere", "X"),
    ]
}

#[test]
fn near_finds_exact_in_person_places_and_adds_online_after_them() {
    let index = Index::build(&placed_and_online());
    let near = Near::km(40.0, -75.0, 10.0);
    let hits = index.search(&Search { near: Some(near), ..Search::default() }).expect("ok");
    assert_eq!(ids(&hits), ["hybrid-placed", "near"]);
    assert!(hits.items.iter().all(|h| h.distance_km.is_some_and(|d| d < 2.0)));
    let with = Near { include_online: true, ..near };
    let hits = index.search(&Search { near: Some(with), ..Search::default() }).expect("ok");
    assert_eq!(ids(&hits), ["hybrid-placed", "near", "hybrid-nowhere", "online"]);
    assert_eq!(hits.total, 4);
    assert_eq!(hits.items.iter().map(|h| h.distance_km.is_some()).collect::<Vec<_>>(), [true, true, false, false]);
    let by_id = index.search(&Search { near: Some(with), sort: Some(Sort::Id), ..Search::default() }).expect("ok");
    assert_eq!(ids(&by_id), ["hybrid-nowhere", "hybrid-placed", "near", "online"]);
    assert!(by_id.items[1].distance_km.is_some() && by_id.items[0].distance_km.is_none());
    let nearest = Near { include_online: true, ..Near::nearest(40.0, -75.0, 3) };
    let hits = index.search(&Search { near: Some(nearest), ..Search::default() }).expect("ok");
    assert_eq!(ids(&hits), ["hybrid-placed", "near", "far", "hybrid-nowhere", "online"]);
}

#[test]
fn nearest_counts_only_groups_that_pass_the_filter() {
    let groups: Vec<StoredGroup> = (0..20)
        .map(|i| {
            let mut g = at(group(&format!("g{i:02}"), "G"), 40.0, -75.0 + i as f64 * 0.01);
            if i % 3 == 0 {
                g.listing.languages = vec!["es".into()];
            }
            g
        })
        .collect();
    let index = Index::build(&groups);
    let s = Search {
        filter: Filter { languages: vec!["es".into()], ..Filter::default() },
        near: Some(Near::nearest(40.0, -75.0, 4)),
        ..Search::default()
    };
    let hits = index.search(&s).expect("ok");
    assert_eq!(ids(&hits), ["g00", "g03", "g06", "g09"]);
    assert_eq!(hits.total, 4);
    let ties = Index::build(&(0..5).map(|i| at(group(&format!("t{i}"), "T"), 10.0, 10.0)).collect::<Vec<_>>());
    let hits = ties.search(&Search { near: Some(Near::nearest(10.0, 10.0, 2)), ..Search::default() }).expect("ok");
    assert_eq!(ids(&hits), ["t0", "t1"], "ties at the same place are broken by id");
}
