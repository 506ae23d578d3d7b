//! Tests of the finder: one file per concern, with shared builders here and a seeded
//! generator of varied groups in `gen`.

mod agree;
mod facets;
mod filters;
pub(crate) mod gen;
mod near;
mod paging;
mod text;
mod upkeep;

use chrono::{DateTime, NaiveTime, Utc};
use importers::{Attendance, GroupKind, Listing, Location, Meeting, Recurrence, Topic, TopicTag, Weekday};

use super::{Filter, Hits, Index, Search};
use crate::model::{GroupStatus, RecordKey, StoredGroup};

/// An Active, in-person twelve-step group named `name`, on alcohol, in source "src", meeting
/// on Mondays at 19:00, with no location.
pub(super) fn group(id: &str, name: &str) -> StoredGroup {
    let listing = Listing {
        external_id: id.to_owned(),
        name: name.to_owned(),
        kind: GroupKind::TwelveStep,
        topics: vec![TopicTag { topic: Topic::ALCOHOL, rule: "test".into() }],
        attendance: Attendance::InPerson,
        meetings: vec![meeting(Weekday::Monday, 19, 0)],
        active: true,
        ..Listing::default()
    };
    let epoch = DateTime::<Utc>::from_timestamp(0, 0).expect("epoch");
    StoredGroup {
        id: id.to_owned(),
        listing,
        records: vec![RecordKey::new("src", id)],
        links: Vec::new(),
        meetings: Vec::new(),
        status: GroupStatus::Active,
        status_conflict: None,
        first_seen: epoch,
        updated_at: epoch,
    }
}

pub(super) fn meeting(weekday: Weekday, hour: u32, minute: u32) -> Meeting {
    Meeting {
        weekday: Some(weekday),
        start: NaiveTime::from_hms_opt(hour, minute, 0),
        end: None,
        timezone: "America/New_York".into(),
        recurrence: Recurrence::Weekly,
    }
}

/// `g` placed at an exact point.
pub(super) fn at(mut g: StoredGroup, lat: f64, lon: f64) -> StoredGroup {
    let loc = g.listing.location.get_or_insert_with(Location::default);
    loc.latitude = Some(lat);
    loc.longitude = Some(lon);
    g
}

pub(super) fn ids(hits: &Hits) -> Vec<&str> {
    hits.items.iter().map(|h| h.id.as_str()).collect()
}

/// Every hit of a search, walking forward page by page from the first.
pub(super) fn walk(index: &Index, search: &Search, page: usize) -> Vec<String> {
    let mut s = Search { first: Some(page), ..search.clone() };
    let mut out = Vec::new();
    loop {
        let hits = index.search(&s).expect("a valid search");
        out.extend(hits.items.iter().map(|h| h.id.clone()));
        if !hits.has_next {
            return out;
        }
        s.after = hits.end_cursor;
    }
}

/// The ids a filter finds in ID order, from the index (all pages).
pub(super) fn found(index: &Index, filter: &Filter) -> Vec<String> {
    walk(index, &Search::filter(filter.clone()), 1000)
}
