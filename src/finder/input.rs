//! `Search`, `Near` and `Sort`: a whole search request, its bounds and its fingerprint.

use super::filter::Query;
use super::{facts, Filter};
use super::{page, SearchError, DEFAULT_PAGE, MAX_NEAREST, MAX_PAGE, MAX_RADIUS_KM};
use crate::model::{haversine_km, StoredGroup};

/// One search: filter, place, order, page and whether to count facets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub filter: Filter,
    pub near: Option<Near>,
    /// Default: DISTANCE when `near` is given, else ID.
    pub sort: Option<Sort>,
    /// Page forward: the first `first` hits after `after` (default 20 when `last` is unset).
    pub first: Option<usize>,
    pub after: Option<String>,
    /// Page backward: the last `last` hits before `before`.
    pub last: Option<usize>,
    pub before: Option<String>,
    /// Count facet values (`Hits::facets`).
    pub facets: bool,
    /// Which facets to count (the others come back empty): all by default.
    pub facet_fields: FacetFields,
    /// Leave each hit's `cursor` empty (a list that shows no per-item cursor need not encode
    /// them); `Hits::start_cursor` and `end_cursor` are always given.
    pub skip_item_cursors: bool,
}

/// Which facets to count, in `Facets` order: topics, kinds, attendance, weekdays, time of
/// day, languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FacetFields(pub [bool; 6]);

impl Default for FacetFields {
    fn default() -> Self {
        FacetFields([true; 6])
    }
}

/// Where: groups with a point within a radius of this one, or the nearest N.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub latitude: f64,
    pub longitude: f64,
    pub within: Within,
    /// Also return online groups (attendance Online, or Hybrid without a point), after the
    /// ones found by place in DISTANCE order, with no distance.
    pub include_online: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Within {
    /// Within this many kilometres (0 < km <= `MAX_RADIUS_KM`).
    Km(f64),
    /// The nearest N that pass the filter (1 <= N <= `MAX_NEAREST`).
    Nearest(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Group id, ascending.
    Id,
    /// Name, folded (case and accents ignored), then id.
    Name,
    /// Nearest first (ties by id); needs `near`.
    Distance,
}

impl Near {
    /// A radius search around a point, without online groups.
    pub fn km(latitude: f64, longitude: f64, radius_km: f64) -> Near {
        Near { latitude, longitude, within: Within::Km(radius_km), include_online: false }
    }

    /// The nearest `n` groups to a point, without online groups.
    pub fn nearest(latitude: f64, longitude: f64, n: usize) -> Near {
        Near { latitude, longitude, within: Within::Nearest(n), include_online: false }
    }

    pub fn validate(&self) -> Result<(), SearchError> {
        let bad = |m: String| Err(SearchError::BadInput(m));
        if !(-90.0..=90.0).contains(&self.latitude) || !(-180.0..=180.0).contains(&self.longitude) {
            return bad("near: latitude must be within -90..90 and longitude within -180..180".into());
        }
        match self.within {
            Within::Km(km) if !(km > 0.0 && km <= MAX_RADIUS_KM) => {
                bad(format!("near.radiusKm: must be above 0 and at most {MAX_RADIUS_KM}"))
            }
            Within::Nearest(n) if !(1..=MAX_NEAREST).contains(&n) => {
                bad(format!("near.nearest: must be between 1 and {MAX_NEAREST}"))
            }
            _ => Ok(()),
        }
    }

    /// Could this group be a hit of this `near` on its own? Within the radius (or, for the
    /// nearest N, having a point at all: rank cannot be told from one group), or online when
    /// online groups are included.
    pub fn admits_group(&self, g: &StoredGroup) -> bool {
        let point = facts::point(&g.listing);
        let placed = point.is_some_and(|(lat, lon)| match self.within {
            Within::Km(km) => haversine_km(self.latitude, self.longitude, lat, lon) <= km,
            Within::Nearest(_) => true,
        });
        placed || (self.include_online && facts::is_online(&g.listing, point))
    }
}

impl Search {
    /// The first page of up to 20 hits of a filter, in ID order.
    pub fn filter(filter: Filter) -> Search {
        Search { filter, ..Search::default() }
    }

    /// The filter and `near` of this search on one group (paging and the nearest-N rank
    /// aside): what subscriptions use to tell whether a changed group belongs to the list.
    pub fn matches_group(&self, g: &StoredGroup) -> bool {
        self.matcher().matches(g, &super::GroupFacts::of(g))
    }

    /// Checks every bound and returns the sort in force.
    pub fn validate(&self) -> Result<Sort, SearchError> {
        self.filter.validate()?;
        if let Some(near) = &self.near {
            near.validate()?;
        }
        if self.first.is_some() && self.last.is_some() {
            return Err(SearchError::BadInput("first and last: give one of them".into()));
        }
        if let Some((name, n)) =
            [("first", self.first), ("last", self.last)].into_iter().find_map(|(f, n)| n.map(|n| (f, n)))
        {
            if n > MAX_PAGE {
                return Err(SearchError::BadInput(format!("{name}: at most {MAX_PAGE}")));
            }
        }
        let sort = self.sort.unwrap_or(if self.near.is_some() { Sort::Distance } else { Sort::Id });
        if sort == Sort::Distance && self.near.is_none() {
            return Err(SearchError::BadInput("sort: DISTANCE needs near".into()));
        }
        Ok(sort)
    }

    /// The page size and direction: (n, forward).
    pub(crate) fn page_size(&self) -> (usize, bool) {
        match (self.first, self.last) {
            (_, Some(n)) => (n, false),
            (Some(n), None) => (n, true),
            (None, None) => (DEFAULT_PAGE, true),
        }
    }

    /// A stable hash of what decides the order of the hits: the filter's normal form and
    /// `near` (the sort is checked apart).
    pub(crate) fn fingerprint(&self, q: &Query) -> u64 {
        page::fingerprint(&format!("{q:?}|{:?}", self.near))
    }
}
