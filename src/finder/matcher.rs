//! Judging one group at a time, as subscriptions do: a search compiled once (`Matcher`) and a
//! group's facts computed once (`GroupFacts`), so that an event judged by 10,000 subscribers
//! costs one fact extraction and 10,000 look-ups, not 10,000 of each.

use super::facts::{facts_as, indexed, Facts};
use super::filter::Query;
use super::{Near, Search};
use crate::model::{GroupStatus, StoredGroup};

/// A search's filter and `near` in the form that judges single groups.
#[derive(Debug, Clone)]
pub struct Matcher {
    query: Query,
    near: Option<Near>,
}

/// What the index would hold of a group: its keys, text and point.
#[derive(Debug, Clone)]
pub struct GroupFacts {
    facts: Facts,
    /// Whether the status it was judged with is one the index holds.
    indexed: bool,
}

impl GroupFacts {
    /// The group as it is.
    pub fn of(g: &StoredGroup) -> GroupFacts {
        GroupFacts::with_status(g, g.status)
    }

    /// The group as it was while listed (for a removed group: active).
    pub fn as_listed(g: &StoredGroup) -> GroupFacts {
        let status = if g.status == GroupStatus::Removed { GroupStatus::Active } else { g.status };
        GroupFacts::with_status(g, status)
    }

    /// Where `near` finds the group (an exact in-person place), if anywhere.
    pub fn point(&self) -> Option<(f64, f64)> {
        self.facts.point
    }

    fn with_status(g: &StoredGroup, status: GroupStatus) -> GroupFacts {
        GroupFacts { facts: facts_as(g, status), indexed: indexed(status) }
    }
}

impl Search {
    /// This search's filter and `near`, for judging groups one at a time.
    pub fn matcher(&self) -> Matcher {
        Matcher { query: self.filter.query(), near: self.near }
    }
}

/// Where every group a matcher admits is: within `km` of the point, or online if `online`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub latitude: f64,
    pub longitude: f64,
    pub km: f64,
    /// Online groups (no point) are admitted too.
    pub online: bool,
}

impl Matcher {
    /// Whether the group (whose facts are `facts`) is one the search finds.
    pub fn matches(&self, g: &StoredGroup, facts: &GroupFacts) -> bool {
        facts.indexed && self.query.matches(&facts.facts) && self.near.is_none_or(|n| n.admits_group(g))
    }

    /// Where the groups it admits are, when a radius bounds them (`near` within km); `None`
    /// when they may be anywhere. For indexes of matchers (the event bus).
    pub fn area(&self) -> Option<Area> {
        let near = self.near.as_ref()?;
        match near.within {
            super::Within::Km(km) => {
                Some(Area { latitude: near.latitude, longitude: near.longitude, km, online: near.include_online })
            }
            super::Within::Nearest(_) => None,
        }
    }
}
