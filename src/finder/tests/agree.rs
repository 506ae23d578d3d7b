//! `Filter::matches_group` and `Search::matches_group` agree exactly with `Index::search` on
//! generated groups, over every filter alone and in random combinations, with and without
//! `near`.

use chrono::NaiveTime;
use importers::{Accessibility, Attendance, Audience, GroupKind, Weekday};

use super::gen::{self, Rng};
use super::{found, walk};
use crate::finder::{Filter, Index, Near, Openness, Search, Sort, TimeOfDay};
use crate::model::{GroupStatus, StoredGroup};

fn expected(groups: &[StoredGroup], f: &Filter) -> Vec<String> {
    let mut ids: Vec<String> = groups.iter().filter(|g| f.matches_group(g)).map(|g| g.id.clone()).collect();
    ids.sort();
    ids
}

/// One filter per field (two for some), each expected to find something in the generated set.
fn each_field() -> Vec<(&'static str, Filter)> {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let f = Filter::default;
    vec![
        ("topics", Filter { topics: s(&["Mental Health", "anxiety"]), ..f() }),
        ("kinds", Filter { kinds: vec![GroupKind::TherapyGroup], ..f() }),
        ("attendance", Filter { attendance: vec![Attendance::Hybrid, Attendance::Online], ..f() }),
        ("weekdays", Filter { weekdays: vec![Weekday::Sunday], ..f() }),
        ("time_of_day", Filter { time_of_day: vec![TimeOfDay::Night], ..f() }),
        ("time_of_day both", Filter { time_of_day: vec![TimeOfDay::Morning, TimeOfDay::Evening], ..f() }),
        ("starts_after", Filter { starts_after: t(18, 30), ..f() }),
        ("starts_before", Filter { starts_before: t(7, 0), ..f() }),
        ("starts window", Filter { starts_after: t(12, 0), starts_before: t(13, 30), ..f() }),
        ("starts wrapping", Filter { starts_after: t(22, 0), starts_before: t(2, 0), ..f() }),
        ("languages", Filter { languages: s(&["es"]), ..f() }),
        ("accessibility", Filter { accessibility: vec![Accessibility::HearingLoop], ..f() }),
        ("audience", Filter { audience: vec![Audience::Women, Audience::Men], ..f() }),
        ("free", Filter { free: Some(true), ..f() }),
        ("not free", Filter { free: Some(false), ..f() }),
        ("open", Filter { open: vec![Openness::Unknown], ..f() }),
        ("source_codes", Filter { source_codes: s(&["W", "X"]), ..f() }),
        ("exclude_source_codes", Filter { exclude_source_codes: s(&["O", "C"]), ..f() }),
        ("sources", Filter { sources: s(&["nyig"]), ..f() }),
        ("locality", Filter { locality: s(&["SAINT ETIENNE", "koln"]), ..f() }),
        ("region", Filter { region: s(&["ile-de-france"]), ..f() }),
        ("status", Filter { status: vec![GroupStatus::Missing], ..f() }),
        ("status both", Filter { status: vec![GroupStatus::Missing, GroupStatus::Active], ..f() }),
        ("text", Filter { text: Some("reunion OR \"open meet\"".into()), ..f() }),
        ("text venue", Filter { text: Some("hall".into()), ..f() }),
    ]
}

#[test]
fn every_filter_alone_agrees_with_the_index() {
    let groups = gen::groups(7, 400);
    let index = Index::build(&groups);
    for (name, f) in each_field() {
        f.validate().expect("valid");
        let want = expected(&groups, &f);
        let all = name == "status both";
        assert!(
            !want.is_empty() && (all || want.len() < index.len()),
            "{name} should find some, not all: {}",
            want.len()
        );
        assert_eq!(found(&index, &f), want, "{name}");
    }
}

#[test]
fn random_filters_agree_with_the_index() {
    let groups = gen::groups(11, 400);
    let index = Index::build(&groups);
    let mut rng = Rng(5);
    let mut nonempty = 0;
    for round in 0..400 {
        let f = gen::filter(&mut rng);
        let want = expected(&groups, &f);
        nonempty += usize::from(!want.is_empty());
        assert_eq!(found(&index, &f), want, "round {round}: {f:?}");
    }
    assert!(nonempty > 100, "too few filters found anything: {nonempty}");
}

#[test]
fn random_searches_near_agree_with_search_matches_group() {
    let groups = gen::groups(13, 400);
    let index = Index::build(&groups);
    let mut rng = Rng(9);
    for round in 0..200 {
        let near = Near {
            latitude: 39.9 + rng.float() * 0.4,
            longitude: -75.3 + rng.float() * 0.5,
            include_online: rng.chance(50),
            ..Near::km(0.0, 0.0, 1.0 + rng.float() * 20.0)
        };
        let mut filter = gen::filter(&mut rng);
        filter.text = None;
        let s = Search { filter, near: Some(near), sort: Some(Sort::Id), ..Search::default() };
        let mut want: Vec<String> = groups.iter().filter(|g| s.matches_group(g)).map(|g| g.id.clone()).collect();
        want.sort();
        assert_eq!(walk(&index, &s, 1000), want, "round {round}: {s:?}");
    }
}

#[test]
fn removed_groups_match_nothing() {
    let mut g = gen::groups(3, 1).remove(0);
    g.status = GroupStatus::Removed;
    assert!(!Filter::default().matches_group(&g));
    assert!(!Filter { status: vec![GroupStatus::Active, GroupStatus::Missing], ..Filter::default() }.matches_group(&g));
}
