//! The merged view of a group: each field from its records by a rule.
//!
//! The primary record is the one from the most trusted source, then the most recently
//! updated, then the most complete, then the smallest key; its fields win, gaps are filled
//! from the others in the same order, and list fields (topics, audience, languages,
//! accessibility, codes) are the union.
//!
//! Whether the group meets (`Listing::active`) follows the same order: when sources disagree
//! ("Suspended: X" in one, "X" in another), the most trusted and then the most recently
//! updated record still in its feed decides, and `status_conflict` says who said what.

use importers::Listing;

use crate::model::{StatusConflict, StoredRecord};

/// One member record and its source's trust (0..=100).
#[derive(Debug, Clone, Copy)]
pub struct MergeInput<'a> {
    pub record: &'a StoredRecord,
    pub trust: u8,
}

/// The merged listing of a group; `None` for no records.
pub fn merge(inputs: &[MergeInput<'_>]) -> Option<Listing> {
    let ordered = ordered(inputs);
    let (first, rest) = ordered.split_first()?;
    let mut out = first.record.listing.clone();
    for other in rest {
        fill(&mut out, &other.record.listing);
    }
    out.active = super::features::meets(&first.record.listing);
    Some(out)
}

/// The sources' disagreement on whether the group meets, among records still in their
/// feeds (all of them when all are missing); `None` when they agree.
pub fn status_conflict(inputs: &[MergeInput<'_>]) -> Option<StatusConflict> {
    let ordered = ordered(inputs);
    let first = ordered.first()?;
    let current: Vec<&MergeInput<'_>> = ordered
        .iter()
        .copied()
        .filter(|m| m.record.missing_since.is_some() == first.record.missing_since.is_some())
        .collect();
    let keys = |active: bool| {
        let mut out: Vec<_> = current
            .iter()
            .filter(|m| super::features::meets(&m.record.listing) == active)
            .map(|m| m.record.key.clone())
            .collect();
        out.sort();
        out
    };
    let (active, inactive) = (keys(true), keys(false));
    (!active.is_empty() && !inactive.is_empty()).then(|| StatusConflict {
        active,
        inactive,
        decided_by: first.record.key.clone(),
    })
}

/// Most trusted first, then most recently updated, most complete, smallest key; records still
/// in their feeds before missing ones.
fn ordered<'a, 'b>(inputs: &'b [MergeInput<'a>]) -> Vec<&'b MergeInput<'a>> {
    let mut ordered: Vec<&MergeInput<'_>> = inputs.iter().collect();
    ordered.sort_by(|a, b| {
        b.trust
            .cmp(&a.trust)
            .then_with(|| b.record.listing.updated_at.cmp(&a.record.listing.updated_at))
            .then_with(|| completeness(&b.record.listing).cmp(&completeness(&a.record.listing)))
            .then_with(|| a.record.key.cmp(&b.record.key))
    });
    ordered.sort_by_key(|m| m.record.missing_since.is_some());
    ordered
}

fn fill(out: &mut Listing, other: &Listing) {
    fn gap<T: Clone>(slot: &mut Option<T>, from: &Option<T>) {
        if slot.is_none() {
            slot.clone_from(from);
        }
    }
    gap(&mut out.description, &other.description);
    gap(&mut out.location, &other.location);
    gap(&mut out.online, &other.online);
    gap(&mut out.organisation, &other.organisation);
    gap(&mut out.cost, &other.cost);
    gap(&mut out.url, &other.url);
    gap(&mut out.open, &other.open);
    gap(&mut out.contact.email, &other.contact.email);
    gap(&mut out.contact.phone, &other.contact.phone);
    gap(&mut out.contact.website, &other.contact.website);
    if out.meetings.is_empty() {
        out.meetings.clone_from(&other.meetings);
    }
    for t in &other.topics {
        if !out.topics.iter().any(|x| x.topic == t.topic) {
            out.topics.push(t.clone());
        }
    }
    union(&mut out.audience, &other.audience);
    union(&mut out.languages, &other.languages);
    union(&mut out.accessibility, &other.accessibility);
    union(&mut out.codes, &other.codes);
}

fn union<T: Clone + Ord>(into: &mut Vec<T>, from: &[T]) {
    into.extend(from.iter().cloned());
    into.sort();
    into.dedup();
}

/// How many optional fields a listing fills.
fn completeness(l: &Listing) -> usize {
    [
        l.description.is_some(),
        l.location.is_some(),
        l.location.as_ref().is_some_and(|p| p.latitude.is_some()),
        l.online.is_some(),
        l.contact.email.is_some(),
        l.contact.phone.is_some(),
        l.contact.website.is_some(),
        l.organisation.is_some(),
        l.url.is_some(),
        !l.meetings.is_empty(),
    ]
    .iter()
    .filter(|b| **b)
    .count()
}
