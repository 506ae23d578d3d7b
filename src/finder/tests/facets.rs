//! Facet counts: each value's count is the total of the same search with that facet's own
//! filter set to just that value; single-valued facets add up to the total.

use importers::Weekday;

use super::gen::{self, Rng, ATTENDANCE, KINDS};
use crate::finder::facts::{attendance_name, kind_name};
use crate::finder::{FacetFields, Facets, Filter, Index, Near, Search, TimeOfDay};

/// The search with facet `i`'s own filter replaced by just `value`.
fn only(s: &Search, i: usize, value: &str) -> Search {
    let mut f: Filter = s.filter.clone();
    match i {
        0 => f.topics = vec![value.to_owned()],
        1 => f.kinds = KINDS.into_iter().filter(|k| kind_name(*k) == value).collect(),
        2 => f.attendance = ATTENDANCE.into_iter().filter(|a| attendance_name(*a) == value).collect(),
        3 => f.weekdays = Weekday::ALL.into_iter().filter(|w| w.as_str() == value).collect(),
        4 => f.time_of_day = TimeOfDay::ALL.into_iter().filter(|t| t.as_str() == value).collect(),
        _ => f.languages = vec![value.to_owned()],
    }
    Search { filter: f, facets: false, ..s.clone() }
}

fn lists(f: &Facets) -> [&Vec<(String, u64)>; 6] {
    [&f.topics, &f.kinds, &f.attendance, &f.weekdays, &f.time_of_day, &f.languages]
}

fn total(index: &Index, s: &Search) -> u64 {
    index.search(s).expect("valid").total
}

#[test]
fn each_count_is_the_total_with_that_value_alone() {
    let groups = gen::groups(31, 400);
    let index = Index::build(&groups);
    let mut rng = Rng(17);
    let mut checked = 0;
    for round in 0..60 {
        let mut filter = gen::filter(&mut rng);
        if round % 2 == 0 {
            filter.topics = vec!["depression".into()];
            filter.weekdays = vec![Weekday::Monday, Weekday::Friday];
        }
        let near = match round % 3 {
            0 => None,
            1 => Some(Near { include_online: rng.chance(50), ..Near::km(40.1, -75.05, 5.0 + rng.float() * 20.0) }),
            _ => Some(Near::nearest(40.1, -75.05, 1 + rng.below(60))),
        };
        let s = Search { filter, near, facets: true, ..Search::default() };
        let facets = index.search(&s).expect("valid").facets.expect("asked for");
        for (i, counts) in lists(&facets).into_iter().enumerate() {
            let mut sorted = counts.clone();
            sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            assert_eq!(counts, &sorted, "round {round}: facet {i} sorted by count, then value");
            if matches!(s.near.map(|n| n.within), Some(crate::finder::Within::Nearest(_))) {
                continue; // counted over the circle out to the n-th hit, not over the n hits
            }
            for (value, count) in counts {
                assert!(*count > 0);
                assert_eq!(
                    total(&index, &only(&s, i, value)),
                    *count,
                    "round {round}: facet {i} value {value} of {s:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "too few counts checked: {checked}");
}

#[test]
fn single_valued_facets_add_up_to_the_total() {
    let groups = gen::groups(41, 400);
    let index = Index::build(&groups);
    let searches = [
        Search { facets: true, ..Search::default() },
        Search { facets: true, near: Some(Near::km(40.1, -75.05, 12.0)), ..Search::default() },
        Search { facets: true, near: Some(Near::nearest(40.1, -75.05, 30)), ..Search::default() },
        Search { facets: true, ..Search::filter(Filter { topics: vec!["anxiety".into()], ..Filter::default() }) },
    ];
    for s in searches {
        let hits = index.search(&s).expect("valid");
        let facets = hits.facets.expect("asked for");
        let sum = |c: &Vec<(String, u64)>| c.iter().map(|(_, n)| n).sum::<u64>();
        assert_eq!(sum(&facets.kinds), hits.total, "kinds of {s:?}");
        assert_eq!(sum(&facets.attendance), hits.total, "attendance of {s:?}");
        if s.filter.topics.is_empty() {
            assert!(facets.topics.iter().all(|(_, n)| *n <= hits.total), "topics of {s:?}");
        }
    }
    let without = index.search(&Search::default()).expect("valid");
    assert_eq!(without.facets, None);
}

#[test]
fn a_facets_own_filter_does_not_narrow_it() {
    let groups = gen::groups(51, 300);
    let index = Index::build(&groups);
    let all = index.search(&Search { facets: true, ..Search::default() }).expect("valid").facets.expect("asked for");
    let one_kind = Filter { kinds: vec![KINDS[0]], ..Filter::default() };
    let hits = index.search(&Search { facets: true, ..Search::filter(one_kind) }).expect("valid");
    let facets = hits.facets.expect("asked for");
    assert_eq!(facets.kinds, all.kinds, "the kinds facet ignores the kinds filter");
    assert_ne!(facets.attendance, all.attendance, "other facets are narrowed by it");
    assert_eq!(facets.attendance.iter().map(|(_, n)| n).sum::<u64>(), hits.total);
}

#[test]
fn only_the_facets_asked_for_are_counted() {
    let groups = gen::groups(61, 300);
    let index = Index::build(&groups);
    let near = Some(Near::km(40.1, -75.05, 15.0));
    let all = index.search(&Search { facets: true, near, ..Search::default() }).expect("valid").facets.unwrap();
    for asked in [[true, false, false, true, false, false], [false, true, true, false, true, true]] {
        let s = Search { facets: true, facet_fields: FacetFields(asked), near, ..Search::default() };
        let some = index.search(&s).expect("valid").facets.expect("asked for");
        for (i, (counted, whole)) in lists(&some).into_iter().zip(lists(&all)).enumerate() {
            match asked[i] {
                true => assert_eq!(counted, whole, "facet {i} counts as when all are asked for"),
                false => assert!(counted.is_empty(), "facet {i} was not asked for"),
            }
        }
    }
    assert!(lists(&all).iter().all(|c| !c.is_empty()), "every facet has counts here");
}
