//! The `groups` connection: a page of hits with Relay paging both ways, and facet counts.

use async_graphql::SimpleObject;

use super::rendered::Node;
use super::serial::Serial;
use crate::finder;

/// A page of groups (a Relay connection).
#[derive(SimpleObject)]
pub struct GroupConnection {
    /// How many groups match, over all pages.
    pub total_count: i64,
    pub edges: Vec<Serial<GroupEdge>>,
    pub page_info: PageInfo,
    /// Counts per value of each facet, each counted with the other filters applied and its
    /// own left out (as shops count); null unless selected.
    pub facets: Option<Facets>,
}

#[derive(SimpleObject)]
pub struct GroupEdge {
    pub cursor: String,
    /// Distance from the `near` point, when one was given and the group has a point.
    pub distance_km: Option<f64>,
    pub node: Node,
}

#[derive(SimpleObject)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

/// Facet counts: each value as the filter argument spells it (`ALCOHOL`, `TWELVE_STEP`,
/// `IN_PERSON`, `MONDAY`, `EVENING`; languages as BCP 47 tags), most frequent first.
#[derive(SimpleObject)]
pub struct Facets {
    pub topics: Vec<Serial<FacetCount>>,
    pub kinds: Vec<Serial<FacetCount>>,
    pub attendance: Vec<Serial<FacetCount>>,
    pub weekdays: Vec<Serial<FacetCount>>,
    pub time_of_day: Vec<Serial<FacetCount>>,
    pub languages: Vec<Serial<FacetCount>>,
}

#[derive(SimpleObject)]
pub struct FacetCount {
    pub value: String,
    pub count: i64,
}

impl From<finder::Facets> for Facets {
    fn from(f: finder::Facets) -> Self {
        let upper = |v: Vec<(String, u64)>| {
            v.into_iter()
                .map(|(value, count)| Serial(FacetCount { value: value.to_ascii_uppercase(), count: count as i64 }))
                .collect()
        };
        Facets {
            topics: upper(f.topics),
            kinds: upper(f.kinds),
            attendance: upper(f.attendance),
            weekdays: upper(f.weekdays),
            time_of_day: upper(f.time_of_day),
            languages: f
                .languages
                .into_iter()
                .map(|(value, count)| Serial(FacetCount { value, count: count as i64 }))
                .collect(),
        }
    }
}
