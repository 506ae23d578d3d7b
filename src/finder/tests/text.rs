//! The text filter through the index: fields, folding, prefixes, phrases and OR.

use importers::Location;

use super::{found, group};
use crate::finder::{Filter, Index};
use crate::model::StoredGroup;

fn groups() -> Vec<StoredGroup> {
    let mut a = group("a", "Reunión de Esperanza");
    a.listing.description = Some("Grupo abierto, café después".into());
    let mut b = group("b", "Open Meetings of Hope");
    b.listing.location = Some(Location {
        name: Some("St. Mark's Church".into()),
        locality: Some("Köln".into()),
        notes: Some("Use the side door".into()),
        ..Location::default()
    });
    let mut c = group("c", "Hope Meeting (Open)");
    c.listing.description = Some("A 12-step meeting".into());
    vec![a, b, c, group("d", "Straße Gruppe")]
}

fn text(q: &str) -> Vec<String> {
    let groups = groups();
    let index = Index::build(&groups);
    let f = Filter { text: Some(q.to_owned()), ..Filter::default() };
    let want: Vec<String> = groups.iter().filter(|g| f.matches_group(g)).map(|g| g.id.clone()).collect();
    let got = found(&index, &f);
    assert_eq!(got, want, "index and matches_group disagree on {q:?}");
    got
}

#[test]
fn accents_and_case_fold_both_ways() {
    assert_eq!(text("reunion"), ["a"]);
    assert_eq!(text("REUNIÓN"), ["a"]);
    assert_eq!(text("Reunio\u{301}n"), ["a"], "decomposed accents fold too");
    assert_eq!(text("cafe"), ["a"]);
    assert_eq!(text("strasse"), ["d"]);
    assert_eq!(text("koln"), ["b"]);
}

#[test]
fn words_are_prefixes_and_all_must_match() {
    assert_eq!(text("hop"), ["b", "c"]);
    assert_eq!(text("hope meet"), ["b", "c"]);
    assert_eq!(text("hope esperanza"), [""; 0]);
    assert_eq!(text("pen"), [""; 0], "a prefix, not a substring");
}

#[test]
fn every_text_field_is_searched() {
    assert_eq!(text("abierto"), ["a"], "description");
    assert_eq!(text("church"), ["b"], "venue");
    assert_eq!(text("köln"), ["b"], "locality");
    assert_eq!(text("door"), ["b"], "location notes");
}

#[test]
fn phrases_need_adjacent_tokens_in_order_in_one_field() {
    assert_eq!(text("\"open meet\""), ["b"]);
    assert_eq!(text("\"meeting open\""), ["c"]);
    assert_eq!(text("\"hope meeting\""), ["c"]);
    assert_eq!(text("\"open hope\""), [""; 0]);
    assert_eq!(text("\"mark s church\""), ["b"]);
    assert_eq!(text("\"church koln\""), [""; 0], "venue and locality are two fields");
    assert_eq!(text("12-step"), ["c"], "a hyphenated word reads as a phrase");
    assert_eq!(text("\"de esperanza\" reunion"), ["a"]);
}

#[test]
fn or_joins_neighbours() {
    assert_eq!(text("esperanza OR strasse"), ["a", "d"]);
    assert_eq!(text("hope OR esperanza meeting"), ["b", "c"]);
    assert_eq!(text("\"open meet\" OR gruppe"), ["b", "d"]);
    assert_eq!(text("nothing OR nichts"), [""; 0]);
    assert_eq!(text("OR"), ["a", "b", "c", "d"], "a lone OR is no restriction");
}
