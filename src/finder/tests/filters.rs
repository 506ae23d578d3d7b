//! Each filter on hand-made groups with known answers, and the input bounds.

use chrono::NaiveTime;
use importers::{Accessibility, Attendance, Audience, GroupKind, Location, Topic, TopicTag, Weekday};

use super::{found, group, meeting};
use crate::finder::{Filter, Index, Near, Openness, Search, SearchError, Sort, TimeOfDay, MAX_VALUES};
use crate::model::{GroupStatus, RecordKey, StoredGroup};

fn index(groups: &[StoredGroup]) -> Index {
    Index::build(groups)
}

fn hits(groups: &[StoredGroup], f: Filter) -> Vec<String> {
    found(&index(groups), &f)
}

fn cost(id: &str, kind: GroupKind, cost: Option<&str>) -> StoredGroup {
    let mut g = group(id, id);
    g.listing.kind = kind;
    g.listing.cost = cost.map(str::to_owned);
    g
}

#[test]
fn free_follows_the_documented_rule() {
    let p = GroupKind::PeerSupport;
    let groups = [
        cost("a-free", p, Some("Free")),
        cost("b-charge", p, Some("No charge")),
        cost("c-pound0", p, Some("£0")),
        cost("d-dollar0", p, Some("$ 0.00")),
        cost("e-donation", p, Some("Donation-only")),
        cost("f-7th", p, Some("7th Tradition")),
        cost("g-12step-none", GroupKind::TwelveStep, None),
        cost("h-peer-none", p, None),
        cost("i-paid", p, Some("£5 per session")),
        cost("j-ten", p, Some("$10")),
        cost("k-notfree", p, Some("not free")),
        cost("l-12step-paid", GroupKind::TwelveStep, Some("£3")),
    ];
    let free: Vec<String> = ["a-free", "b-charge", "c-pound0", "d-dollar0", "e-donation", "f-7th", "g-12step-none"]
        .map(String::from)
        .into();
    assert_eq!(hits(&groups, Filter { free: Some(true), ..Filter::default() }), free);
    let not: Vec<String> = ["h-peer-none", "i-paid", "j-ten", "k-notfree", "l-12step-paid"].map(String::from).into();
    assert_eq!(hits(&groups, Filter { free: Some(false), ..Filter::default() }), not);
}

#[test]
fn time_of_day_overlaps_and_night_wraps() {
    let at = |id: &str, h, m| {
        let mut g = group(id, id);
        g.listing.meetings = vec![meeting(Weekday::Friday, h, m)];
        g
    };
    let groups = [
        at("0300", 3, 0),
        at("0400", 4, 0),
        at("1130", 11, 30),
        at("1659", 16, 59),
        at("2030", 20, 30),
        at("none", 0, 0),
    ];
    let mut groups = groups.to_vec();
    groups[5].listing.meetings[0].start = None;
    let tod = |t| hits(&groups, Filter { time_of_day: vec![t], ..Filter::default() });
    assert_eq!(tod(TimeOfDay::Morning), ["0400", "1130"]);
    assert_eq!(tod(TimeOfDay::Midday), ["1130", "1659"]);
    assert_eq!(tod(TimeOfDay::Evening), ["1659", "2030"]);
    assert_eq!(tod(TimeOfDay::Night), ["0300", "0400", "2030"]);
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
    let starts = |a, b| hits(&groups, Filter { starts_after: a, starts_before: b, ..Filter::default() });
    assert_eq!(starts(t(16, 59), None), ["1659", "2030"], "after is inclusive");
    assert_eq!(starts(None, t(4, 0)), ["0300"], "before is exclusive");
    assert_eq!(starts(None, t(4, 1)), ["0300", "0400"]);
    assert!(starts(t(11, 30), t(11, 30)).is_empty(), "an empty window");
    assert_eq!(starts(t(20, 0), t(3, 30)), ["0300", "2030"], "after > before wraps midnight");
    assert_eq!(starts(t(11, 0), t(17, 0)), ["1130", "1659"]);
}

#[test]
fn the_start_window_is_the_models_window() {
    use chrono::Timelike;

    use crate::finder::filter::StartRange;
    use crate::model::starts_between;

    let hm = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("a time");
    let ends = [None, Some(hm(0, 0)), Some(hm(0, 1)), Some(hm(4, 0)), Some(hm(11, 30)), Some(hm(23, 59))];
    let secs = |t: Option<NaiveTime>| t.map(|t| t.num_seconds_from_midnight());
    for after in ends {
        for before in ends {
            let spans = StartRange { after: secs(after), before: secs(before) }.spans();
            for minute in 0..24 * 60 {
                let start = hm(minute / 60, minute % 60);
                let s = start.num_seconds_from_midnight();
                let found = spans.iter().any(|(lo, hi)| (*lo..=*hi).contains(&s));
                assert_eq!(found, starts_between(start, after, before), "{start} in {after:?}..{before:?}: {spans:?}");
            }
        }
    }
}

#[test]
fn lists_or_within_and_across_fields() {
    let mut a = group("a", "A");
    a.listing.topics.push(TopicTag { topic: Topic::DEPRESSION, rule: "t".into() });
    a.listing.languages = vec!["EN".into()];
    a.listing.accessibility = vec![Accessibility::WheelchairAccess];
    a.listing.audience = vec![Audience::Women];
    a.listing.open = Some(true);
    let mut b = group("b", "B");
    b.listing.kind = GroupKind::PeerSupport;
    b.listing.attendance = Attendance::Online;
    b.listing.meetings = vec![meeting(Weekday::Tuesday, 9, 0)];
    b.listing.languages = vec!["es".into()];
    b.listing.open = Some(false);
    let groups = [a, b, group("c", "C")];
    let f = Filter::default;
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(hits(&groups, Filter { topics: s(&["Depression", "bipolar"]), ..f() }), ["a"]);
    assert_eq!(
        hits(&groups, Filter { topics: s(&["alcohol"]), kinds: vec![GroupKind::TwelveStep], ..f() }),
        ["a", "c"]
    );
    assert_eq!(hits(&groups, Filter { kinds: vec![GroupKind::PeerSupport, GroupKind::TherapyGroup], ..f() }), ["b"]);
    assert_eq!(hits(&groups, Filter { attendance: vec![Attendance::Online], ..f() }), ["b"]);
    assert_eq!(hits(&groups, Filter { weekdays: vec![Weekday::Tuesday, Weekday::Monday], ..f() }), ["a", "b", "c"]);
    assert_eq!(hits(&groups, Filter { weekdays: vec![Weekday::Tuesday], topics: s(&["depression"]), ..f() }), [""; 0]);
    assert_eq!(hits(&groups, Filter { languages: s(&["en"]), ..f() }), ["a"]);
    assert_eq!(hits(&groups, Filter { accessibility: vec![Accessibility::WheelchairAccess], ..f() }), ["a"]);
    assert_eq!(hits(&groups, Filter { audience: vec![Audience::Women, Audience::Men], ..f() }), ["a"]);
    assert_eq!(hits(&groups, Filter { open: vec![Openness::Closed, Openness::Unknown], ..f() }), ["b", "c"]);
}

#[test]
fn codes_sources_places_and_status() {
    let mut a = group("a", "A");
    a.listing.codes = vec!["O".into(), "W".into()];
    a.listing.location = Some(Location {
        locality: Some("Saint-Étienne".into()),
        region: Some("Île-de-France".into()),
        ..Location::default()
    });
    a.records = vec![RecordKey::new("sepa", "1"), RecordKey::new("eda", "2")];
    let mut b = group("b", "B");
    b.listing.codes = vec!["C".into()];
    b.status = GroupStatus::Missing;
    let mut gone = group("gone", "Gone");
    gone.status = GroupStatus::Removed;
    let groups = [a, b, group("c", "C"), gone];
    let f = Filter::default;
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(hits(&groups, f()), ["a", "c"], "Active only by default");
    let both = vec![GroupStatus::Active, GroupStatus::Missing];
    assert_eq!(hits(&groups, Filter { status: both.clone(), ..f() }), ["a", "b", "c"]);
    assert_eq!(hits(&groups, Filter { status: vec![GroupStatus::Missing], ..f() }), ["b"]);
    assert_eq!(hits(&groups, Filter { source_codes: s(&["W", "C"]), status: both.clone(), ..f() }), ["a", "b"]);
    assert_eq!(hits(&groups, Filter { exclude_source_codes: s(&["W", "C"]), status: both.clone(), ..f() }), ["c"]);
    assert_eq!(hits(&groups, Filter { sources: s(&["eda"]), ..f() }), ["a"]);
    assert_eq!(hits(&groups, Filter { sources: s(&["src"]), ..f() }), ["c"]);
    assert_eq!(hits(&groups, Filter { locality: s(&["SAINT ETIENNE"]), ..f() }), ["a"]);
    assert_eq!(hits(&groups, Filter { locality: s(&["saint"]), ..f() }), [""; 0], "a locality matches whole");
    assert_eq!(hits(&groups, Filter { region: s(&["ile de france"]), ..f() }), ["a"]);
}

#[test]
fn bounds_are_bad_input_naming_the_field() {
    let index = index(&[group("a", "A")]);
    let err = |s: Search| match index.search(&s) {
        Err(SearchError::BadInput(m)) => m,
        other => panic!("expected BadInput, got {other:?}"),
    };
    let many: Vec<String> = (0..=MAX_VALUES).map(|i| format!("t{i}")).collect();
    assert!(err(Search::filter(Filter { topics: many, ..Filter::default() })).starts_with("filter.topics"));
    let days = vec![Weekday::Monday; MAX_VALUES + 1];
    assert!(err(Search::filter(Filter { weekdays: days, ..Filter::default() })).starts_with("filter.weekdays"));
    assert!(err(Search::filter(Filter { text: Some("x".repeat(201)), ..Filter::default() })).starts_with("filter.text"));
    assert!(index.search(&Search::filter(Filter { text: Some("é".repeat(200)), ..Filter::default() })).is_ok());
    assert!(
        err(Search::filter(Filter { locality: vec![" ".into()], ..Filter::default() })).starts_with("filter.locality")
    );
    let removed = Filter { status: vec![GroupStatus::Removed], ..Filter::default() };
    assert!(err(Search::filter(removed)).starts_with("filter.status"));
    assert!(err(Search { first: Some(2000), ..Search::default() }).starts_with("first"));
    assert!(err(Search { first: Some(1), last: Some(1), ..Search::default() }).starts_with("first and last"));
    assert!(err(Search { sort: Some(Sort::Distance), ..Search::default() }).starts_with("sort"));
    assert!(err(Search { near: Some(Near::km(91.0, 0.0, 5.0)), ..Search::default() }).starts_with("near"));
    assert!(err(Search { near: Some(Near::km(0.0, 0.0, 501.0)), ..Search::default() }).starts_with("near.radiusKm"));
    assert!(err(Search { near: Some(Near::nearest(0.0, 0.0, 0)), ..Search::default() }).starts_with("near.nearest"));
}
