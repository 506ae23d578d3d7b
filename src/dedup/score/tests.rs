//! The matching rules as a table: one row per rule and per veto, with the pair and the
//! evidence the verdict must hold.

use super::*;
use crate::dedup::features::venue_key;
use crate::dedup::testing::features;

/// A meeting of `name` in `town`, at `street` and `venue` when given.
fn at(name: &str, town: &str, street: Option<&str>, venue: Option<&str>) -> Features {
    let mut f = features(name, Some(town), None);
    f.street = street.map(|s| crate::dedup::features::street_key(s).unwrap_or_else(|| s.to_owned()));
    f.address_label = street.map(str::to_owned);
    f.venue = venue.and_then(venue_key);
    f.venue_label = venue.map(str::to_owned);
    f
}

fn with(mut f: Features, change: impl FnOnce(&mut Features)) -> Features {
    change(&mut f);
    f
}

/// Every listing name carried by one group per directory, except "big book study".
fn names(rows: &[(&Features, &Features)]) -> NameTable {
    let mut t = NameTable::default();
    for (a, b) in rows {
        for f in [a, b] {
            let key = crate::dedup::name_key(&f.name);
            t.set(&key, if key == "big book study" { 12 } else { 1 });
        }
    }
    t
}

/// One row per rule and per veto: the pair, and the evidence the verdict must hold
/// (`None`: two groups).
#[test]
fn rules_and_vetoes() {
    let riverton = |name: &str, street: &str| at(name, "Riverton", Some(street), None);
    let club = |street: &str| at("Harbour Lights", "Riverton", Some(street), Some("The Harbour Club"));
    let online = |f: Features| with(f, |f| f.online_only = true);
    let conf = |f: Features, id: &str| with(f, |f| f.conference = Some(id.to_owned()));
    let rows: Vec<(&str, Features, Features, Option<&str>)> = vec![
        (
            "same street, similar name",
            riverton("Serenity Seekers", "12 Quay Street"),
            riverton("Serenity Seekers Group", "12 Quay St"),
            Some("same street address (12 quay)"),
        ),
        (
            "same conference room, one side online",
            conf(riverton("Daybreak", "3 Mill Lane"), "812345"),
            conf(online(at("Daybreak", "Riverton", None, None)), "812345"),
            Some("same conference meeting id (812345)"),
        ),
        (
            "veto: another conference room",
            conf(at("Daybreak", "Riverton", None, None), "812345"),
            conf(at("Daybreak", "Riverton", None, None), "999999"),
            None,
        ),
        (
            "veto: women's and men's meetings",
            with(riverton("Serenity Seekers", "12 Quay Street"), |f| f.audience = vec![Audience::Women]),
            with(riverton("Serenity Seekers", "12 Quay Street"), |f| f.audience = vec![Audience::Men]),
            None,
        ),
        (
            "veto: another kind of group",
            riverton("Serenity Seekers", "12 Quay Street"),
            with(riverton("Serenity Seekers", "12 Quay Street"), |f| f.kind = importers::GroupKind::TherapyGroup),
            None,
        ),
        (
            "the venue moved with its meetings",
            with(club("12 Quay Street"), |f| f.updated_at = chrono::DateTime::from_timestamp(1_600_000_000, 0)),
            with(club("40 Mill Lane"), |f| f.updated_at = chrono::DateTime::from_timestamp(1_700_000_000, 0)),
            Some("same venue (The Harbour Club), which moved from 12 Quay Street to 40 Mill Lane"),
        ),
        (
            "veto: a venue of that name in another town",
            club("12 Quay Street"),
            at("Harbour Lights", "Milford", Some("40 Mill Lane"), Some("The Harbour Club")),
            None,
        ),
        (
            "the same venue, one directory without its street",
            club("12 Quay Street"),
            at("Harbour Lights", "Riverton", None, Some("The Harbour Club")),
            Some("same venue (The Harbour Club) in the same town"),
        ),
        (
            "a rare name in one town, the directories disagree on the venue",
            riverton("The Lantern Keepers", "12 Quay Street"),
            riverton("Lantern Keepers", "40 Mill Lane"),
            Some("rare name: 1 group in this region carries it"),
        ),
        (
            "veto: a common name at two venues of one town",
            riverton("Big Book Study", "12 Quay Street"),
            riverton("Big Book Study", "40 Mill Lane"),
            None,
        ),
        (
            "veto: a rare name in another town",
            riverton("Lantern Keepers", "12 Quay Street"),
            at("Lantern Keepers", "Milford", Some("40 Mill Lane"), None),
            None,
        ),
        (
            "went online: the online listing in the town where the group met",
            riverton("Daybreak", "3 Mill Lane"),
            online(riverton("Daybreak -- Online", "9 Station Road")),
            Some("went online: the online listing is in the town where the group met"),
        ),
        (
            "online in the same town, no street",
            riverton("Daybreak", "3 Mill Lane"),
            online(with(at("Daybreak -- Online", "Riverton", None, None), |f| f.conference = Some("5551234".into()))),
            Some("one listing is online only, the other meets in person"),
        ),
        (
            "paused: suspended in one directory, active in the other",
            with(riverton("Suspended: Serenity Seekers", "12 Quay Street"), |f| f.suspended = true),
            riverton("Serenity Seekers", "12 Quay Street"),
            Some("status conflict: one source lists it as suspended or inactive (resolved by trust and recency)"),
        ),
        (
            "veto: different names at one place",
            riverton("Seaside Discussion Friday", "32 Angola Road"),
            riverton("Daily Reflections", "32 Angola Road"),
            None,
        ),
        (
            "veto: the same name at the same time in two towns",
            at("Big Book Study", "Media", None, None),
            at("Big Book Study", "Chester", None, None),
            None,
        ),
        (
            "the same name and time, nothing about the place on one side",
            at("Big Book Study", "Media", None, None),
            features("Big Book Study", None, None),
            Some("same name (\"big book study\")"),
        ),
        (
            "the group's own phone and a similar name",
            with(features("Seaside Big Book", None, None), |f| f.contacts = vec!["phone:3025550100".into()]),
            with(features("Seaside Big Book Study", None, None), |f| f.contacts = vec!["phone:3025550100".into()]),
            Some("same contact phone (3025550100)"),
        ),
        (
            "veto: similar names alone",
            features("Seaside Big Book", None, None),
            features("Seaside Big Book Study", None, None),
            None,
        ),
    ];
    let table = names(&rows.iter().map(|(_, a, b, _)| (a, b)).collect::<Vec<_>>());
    for (rule, a, b, expected) in &rows {
        for (x, y) in [(a, b), (b, a)] {
            let verdict = compare(x, y, &table);
            match expected {
                None => assert!(verdict.is_none(), "{rule}: expected two groups, got {verdict:?}"),
                Some(words) => {
                    let v = verdict.unwrap_or_else(|| panic!("{rule}: expected one group"));
                    assert!(v.evidence.iter().any(|e| e == words), "{rule}: {:?}", v.evidence);
                }
            }
        }
    }
}

#[test]
fn a_name_the_table_does_not_know_is_not_rare() {
    let a = at("Lantern Keepers", "Riverton", Some("12 Quay Street"), None);
    let b = at("Lantern Keepers", "Riverton", Some("40 Mill Lane"), None);
    assert!(compare(&a, &b, &NameTable::default()).is_none());
}
