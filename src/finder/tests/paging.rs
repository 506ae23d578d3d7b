//! Paging: full walks both ways in every order and through both page paths, the flags,
//! windows between two cursors, and cursors from elsewhere refused.

use importers::GroupKind;

use super::gen;
use super::{at, group, ids, walk};
use crate::finder::{Filter, Index, Near, Search, SearchError, Sort};
use crate::model::StoredGroup;

/// Every hit, walking backward from the end with `last`, in order.
fn walk_back(index: &Index, search: &Search, page: usize) -> Vec<String> {
    let mut s = Search { last: Some(page), first: None, ..search.clone() };
    let mut pages = Vec::new();
    loop {
        let hits = index.search(&s).expect("a valid search");
        pages.push(hits.items.iter().map(|h| h.id.clone()).collect::<Vec<_>>());
        if !hits.has_previous {
            break;
        }
        s.before = hits.start_cursor;
    }
    pages.into_iter().rev().flatten().collect()
}

fn searches() -> Vec<(&'static str, Search)> {
    let near = Near { include_online: true, ..Near::km(40.1, -75.05, 15.0) };
    let some = Filter { topics: vec!["anxiety".into()], kinds: vec![GroupKind::TherapyGroup], ..Filter::default() };
    vec![
        ("id, all (scan)", Search::default()),
        ("name, all (scan)", Search { sort: Some(Sort::Name), ..Search::default() }),
        ("id, few (select)", Search::filter(some.clone())),
        ("name, few (select)", Search { sort: Some(Sort::Name), ..Search::filter(some) }),
        ("distance with online", Search { near: Some(near), ..Search::default() }),
        ("name near", Search { near: Some(near), sort: Some(Sort::Name), ..Search::default() }),
        (
            "nearest",
            Search { near: Some(Near { include_online: true, ..Near::nearest(40.0, -75.0, 25) }), ..Search::default() },
        ),
    ]
}

#[test]
fn full_walks_forward_and_backward_yield_every_hit_once_in_order() {
    let groups = gen::groups(21, 300);
    let index = Index::build(&groups);
    for (name, s) in searches() {
        let all = index.search(&Search { first: Some(1000), ..s.clone() }).expect("valid");
        let every: Vec<String> = all.items.iter().map(|h| h.id.clone()).collect();
        assert_eq!(every.len() as u64, all.total, "{name}");
        assert!(every.len() > 5, "{name}: too few hits to page: {}", every.len());
        let few = name.contains("select");
        assert_eq!(
            few,
            every.len() * 16 < index.len(),
            "{name}: {} of {} takes the other path",
            every.len(),
            index.len()
        );
        let mut unique = every.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), every.len(), "{name}: a hit twice");
        for page in [1, 3, 7] {
            assert_eq!(walk(&index, &s, page), every, "{name}, forward by {page}");
            assert_eq!(walk_back(&index, &s, page), every, "{name}, backward by {page}");
        }
    }
}

#[test]
fn orders_are_as_documented() {
    let groups = [group("b", "Zeta"), group("a", "Écoute"), group("c", "alpha"), group("d", "Alpha")];
    let index = Index::build(&groups);
    assert_eq!(ids(&index.search(&Search::default()).expect("ok")), ["a", "b", "c", "d"]);
    let by_name = index.search(&Search { sort: Some(Sort::Name), ..Search::default() }).expect("ok");
    assert_eq!(ids(&by_name), ["c", "d", "a", "b"], "folded name, then id");
}

#[test]
fn flags_and_cursor_windows() {
    let groups: Vec<StoredGroup> = (0..10).map(|i| group(&format!("g{i}"), "G")).collect();
    let index = Index::build(&groups);
    let first = index.search(&Search { first: Some(3), ..Search::default() }).expect("ok");
    assert_eq!(
        (ids(&first), first.has_previous, first.has_next, first.total),
        (vec!["g0", "g1", "g2"], false, true, 10)
    );
    let next = Search { first: Some(3), after: first.end_cursor.clone(), ..Search::default() };
    let second = index.search(&next).expect("ok");
    assert_eq!((ids(&second), second.has_previous, second.has_next), (vec!["g3", "g4", "g5"], true, true));
    let last = index.search(&Search { last: Some(4), ..Search::default() }).expect("ok");
    assert_eq!((ids(&last), last.has_previous, last.has_next), (vec!["g6", "g7", "g8", "g9"], true, false));
    let between = Search {
        after: first.end_cursor.clone(),
        before: last.start_cursor.clone(),
        first: Some(10),
        ..Search::default()
    };
    let mid = index.search(&between).expect("ok");
    assert_eq!((ids(&mid), mid.has_previous, mid.has_next), (vec!["g3", "g4", "g5"], true, true));
    let none = index.search(&Search { first: Some(0), ..Search::default() }).expect("ok");
    assert_eq!((none.items.len(), none.has_next, none.start_cursor), (0, true, None));
}

#[test]
fn a_cursor_survives_its_group_leaving() {
    let groups: Vec<StoredGroup> = (0..6).map(|i| group(&format!("g{i}"), "G")).collect();
    let mut index = Index::build(&groups);
    let page = index.search(&Search { first: Some(3), ..Search::default() }).expect("ok");
    index.remove("g2");
    let next = index.search(&Search { first: Some(3), after: page.end_cursor, ..Search::default() }).expect("ok");
    assert_eq!(ids(&next), ["g3", "g4", "g5"]);
}

#[test]
fn cursors_of_another_query_or_sort_are_refused() {
    let groups: Vec<StoredGroup> =
        (0..6).map(|i| at(group(&format!("g{i}"), "G"), 40.0, -75.0 + i as f64 * 0.01)).collect();
    let index = Index::build(&groups);
    let base = Search { first: Some(2), ..Search::default() };
    let cursor = index.search(&base).expect("ok").end_cursor;
    let other_filter = Search {
        after: cursor.clone(),
        ..Search::filter(Filter { topics: vec!["drugs".into()], ..Filter::default() })
    };
    assert_eq!(index.search(&other_filter), Err(SearchError::ForeignCursor));
    let other_sort = Search { after: cursor.clone(), sort: Some(Sort::Name), ..base.clone() };
    assert_eq!(index.search(&other_sort), Err(SearchError::ForeignCursor));
    let other_near =
        Search { before: cursor.clone(), near: Some(Near::km(40.0, -75.0, 5.0)), sort: Some(Sort::Id), ..base.clone() };
    assert_eq!(index.search(&other_near), Err(SearchError::ForeignCursor));
    let same_filter_respelled = Search {
        after: cursor,
        ..Search::filter(Filter { status: vec![], text: Some("  ".into()), ..Filter::default() })
    };
    assert!(index.search(&same_filter_respelled).is_ok(), "the normal form is fingerprinted, not the spelling");
    for junk in ["", "not a cursor", "djE6aTp4"] {
        let s = Search { after: Some(junk.into()), ..base.clone() };
        assert!(matches!(index.search(&s), Err(SearchError::BadInput(m)) if m.starts_with("after")), "{junk:?}");
    }
}
