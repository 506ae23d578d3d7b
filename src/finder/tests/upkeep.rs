//! `upsert` and `remove` keep every bitmap right: an index kept up to date answers like one
//! built afresh from the final groups, and holds no value that no group has any more.

use std::collections::BTreeMap;

use importers::{Topic, TopicTag};

use super::gen::{self, Rng};
use super::{at, found, group, ids};
use crate::finder::{Filter, Index, Near, Search};
use crate::model::{GroupStatus, StoredGroup};

/// Each facet's and the token map's values with their counts, and the points: what must
/// match between two indexes of the same groups whatever their ordinals.
type Shape = (Vec<BTreeMap<String, u64>>, BTreeMap<String, u64>, u64, usize);

fn shape(index: &Index) -> Shape {
    let counts = |p: &crate::finder::postings::Postings| p.iter().map(|(v, b)| (v.to_owned(), b.len())).collect();
    (index.facets.iter().map(counts).collect(), counts(&index.tokens), index.grid.located.len(), index.by_name.len())
}

#[test]
fn an_index_kept_up_to_date_equals_a_fresh_build() {
    let first = gen::groups(61, 300);
    let second = gen::groups(62, 300); // the same ids, other contents
    let mut index = Index::build(&first);
    let mut live: BTreeMap<String, StoredGroup> = first.iter().map(|g| (g.id.clone(), g.clone())).collect();
    let mut rng = Rng(4);
    for step in 0..900 {
        let i = rng.below(300);
        match rng.below(4) {
            0 => {
                index.remove(&first[i].id);
                live.remove(&first[i].id);
            }
            1 => {
                let mut tomb = second[i].clone();
                tomb.status = GroupStatus::Removed;
                index.upsert(&tomb);
                live.remove(&tomb.id);
            }
            _ => {
                let g = if step % 2 == 0 { &second[i] } else { &first[i] };
                index.upsert(g);
                live.insert(g.id.clone(), g.clone());
            }
        }
    }
    let finals: Vec<StoredGroup> = live.into_values().collect();
    let fresh = Index::build(&finals);
    assert_eq!(index.len(), fresh.len());
    assert_eq!(shape(&index), shape(&fresh), "the same values with the same counts");
    let mut rng = Rng(8);
    for round in 0..150 {
        let near = (round % 2 == 0).then(|| Near { include_online: true, ..Near::km(40.1, -75.05, 10.0) });
        let s = Search { filter: gen::filter(&mut rng), near, first: Some(1000), facets: true, ..Search::default() };
        let (a, b) = (index.search(&s).expect("valid"), fresh.search(&s).expect("valid"));
        assert_eq!(ids(&a), ids(&b), "round {round}");
        assert_eq!((a.total, &a.facets), (b.total, &b.facets), "round {round}");
    }
}

#[test]
fn a_changed_group_leaves_its_old_values() {
    let mut g = at(group("a", "Serenity Now"), 40.0, -75.0);
    let mut index = Index::build([&g]);
    g.listing.name = "Hope Again".into();
    g.listing.topics = vec![TopicTag { topic: Topic::GAMBLING, rule: "t".into() }];
    g.listing.location = None;
    index.upsert(&g);
    let text = |t: &str| found(&index, &Filter { text: Some(t.into()), ..Filter::default() });
    assert!(text("serenity").is_empty());
    assert_eq!(text("hope"), ["a"]);
    assert!(found(&index, &Filter { topics: vec!["alcohol".into()], ..Filter::default() }).is_empty());
    assert_eq!(found(&index, &Filter { topics: vec!["gambling".into()], ..Filter::default() }), ["a"]);
    assert!(index.near(40.0, -75.0, 5.0).is_empty());
    assert_eq!(index.tokens.len(), 2, "no token of the old name is left");
}

#[test]
fn an_index_can_be_shared_across_threads() {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<Index>();
}

#[test]
fn removed_ordinals_are_reused_and_tombstones_never_indexed() {
    let mut index = Index::build(&[group("a", "A"), group("b", "B")]);
    assert!(index.remove("a"));
    assert!(!index.remove("a"));
    index.upsert(&group("c", "C"));
    assert_eq!(index.slots.len(), 2, "c took a's ordinal");
    let mut tomb = group("d", "D");
    tomb.status = GroupStatus::Removed;
    index.upsert(&tomb);
    assert!(!index.contains("d"));
    assert_eq!(ids(&index.search(&Search::default()).expect("ok")), ["b", "c"]);
    let mut missing = group("b", "B");
    missing.status = GroupStatus::Missing;
    index.upsert(&missing);
    assert_eq!(ids(&index.search(&Search::default()).expect("ok")), ["c"]);
    let both = Filter { status: vec![GroupStatus::Missing, GroupStatus::Active], ..Filter::default() };
    assert_eq!(found(&index, &both), ["b", "c"]);
}

/// Groups that meet in the same slot share one copy of it, and the slots no group holds any
/// more are let go as groups change and leave: churn does not grow them.
#[test]
fn meeting_slots_are_shared_and_let_go() {
    use importers::Weekday;
    let name = |i: u32| format!("g{i:04}");
    let mut index = Index::new();
    for i in 0..3000u32 {
        let mut g = group(&name(i), "Shared Slot");
        // Ten groups for each of 300 slots (minutes past 18:00 and weekdays).
        let slot = i % 300;
        g.listing.meetings = vec![super::meeting(Weekday::ALL[(slot % 7) as usize], 18 + slot / 60 % 4, slot % 60)];
        index.upsert(&g);
    }
    assert_eq!(index.meetings.held.len(), 300, "one copy of each distinct slot");
    let first = |index: &Index, id: &str| index.slot(index.by_id[id]).meetings[0].clone();
    assert!(std::sync::Arc::ptr_eq(&first(&index, "g0000"), &first(&index, "g0300")), "the same slot, shared");
    assert_eq!(*first(&index, "g0001"), super::meeting(Weekday::ALL[1], 18, 1), "each group keeps its own slot");
    // Each round every group moves to a slot of its own, none of them held before: each
    // round 3,000 new slots, and the 3,000 of the round before held by no group.
    for round in 0..3u32 {
        for i in 0..3000u32 {
            let mut g = group(&name(i), "Shared Slot");
            let slot = super::meeting(Weekday::ALL[(i % 7) as usize], (i / 7) % 24, round * 20 + i / 168);
            g.listing.meetings = vec![slot];
            index.upsert(&g);
        }
        let in_use: std::collections::HashSet<_> = (0..3000u32).map(|i| first(&index, &name(i))).collect();
        assert_eq!(in_use.len(), 3000, "round {round}: a slot of its own for each group");
        let held = index.meetings.held.len();
        assert!(
            held <= 2 * 3000 + 1,
            "round {round}: {held} slots held for 3,000 in use (at most twice, and the one just added)"
        );
    }
    for i in 0..3000u32 {
        index.remove(&name(i));
    }
    assert!(index.meetings.held.len() <= 1024, "{} slots held after every group left", index.meetings.held.len());
}
