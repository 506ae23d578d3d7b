//! `GroupFilter` and `NearInput`, the GraphQL inputs of `groups`, `upcoming` and the
//! subscriptions, turned into one `finder::Search`: the index answers queries with it and
//! subscriptions test each changed group with `Search::matches_group`, so both apply the
//! same rules.

use async_graphql::{Enum, InputObject};

use super::enums::{Accessibility, Attendance, Audience, GroupKind, GroupStatus, Weekday};
use super::errors::ApiError;
use super::topics::Topic;
use crate::finder::{self, Openness, Within};
use crate::model::parse_hhmm;

/// What groups to return. Fields combine with AND; the values inside one list with OR.
#[derive(InputObject, Default, Clone)]
pub struct GroupFilter {
    /// Any of these topics.
    pub topics: Option<Vec<Topic>>,
    pub kinds: Option<Vec<GroupKind>>,
    pub attendance: Option<Vec<Attendance>>,
    /// Meets on any of these days.
    pub weekdays: Option<Vec<Weekday>>,
    /// Has a meeting starting in any of these parts of the day (local time; they overlap:
    /// MORNING 04:00-11:59, MIDDAY 11:00-16:59, EVENING 16:00-20:59, NIGHT 20:00-04:59).
    pub time_of_day: Option<Vec<TimeOfDay>>,
    /// Has a meeting starting at or after this local time, "HH:MM".
    pub starts_after: Option<String>,
    /// Has a meeting starting before this local time, "HH:MM" (after > before wraps midnight).
    pub starts_before: Option<String>,
    /// BCP 47 language tags ("es", "en").
    pub languages: Option<Vec<String>>,
    pub accessibility: Option<Vec<Accessibility>>,
    pub audience: Option<Vec<Audience>>,
    /// true: known to be free of charge; false: not known to be free.
    pub free: Option<bool>,
    /// true: open to anyone; false: only for people who share the problem.
    pub open: Option<bool>,
    /// Has any of these source type codes (as published, e.g. "ST", "W").
    pub source_codes: Option<Vec<String>>,
    /// Has none of these source type codes.
    pub exclude_source_codes: Option<Vec<String>>,
    /// Listed by any of these sources (source ids).
    pub sources: Option<Vec<String>>,
    /// In any of these towns (case and accents ignored).
    pub locality: Option<Vec<String>>,
    /// In any of these regions, states or counties (case and accents ignored).
    pub region: Option<Vec<String>>,
    /// ACTIVE (the default) and/or MISSING (gone from its feeds, within the grace period).
    pub status: Option<Vec<GroupStatus>>,
    /// Words over name, description, venue, town and notes: every word by default, each as
    /// a prefix; `"a phrase"`; `OR` between alternatives; case and accents ignored.
    pub text: Option<String>,
}

/// Parts of the day, by a meeting's local start.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum TimeOfDay {
    Morning,
    Midday,
    Evening,
    Night,
}

/// Where: a point or a place a person typed, and a radius or the nearest N.
#[derive(InputObject, Clone, Default)]
pub struct NearInput {
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// A town, a UK postcode or outcode, or a US ZIP, resolved offline (see `places`).
    pub place: Option<String>,
    /// Within this many kilometres (at most 500).
    pub radius_km: Option<f64>,
    /// Or: the nearest N groups (at most 1000), without a radius.
    pub nearest: Option<i32>,
    /// Also return online groups, after the ones found by place.
    #[graphql(default = false)]
    pub include_online: bool,
}

/// The order of a list of groups.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum GroupSort {
    /// Nearest first (the default with `near`).
    Distance,
    /// By name, case and accents ignored.
    Name,
    /// By id (the default without `near`).
    Id,
    /// Soonest next meeting first, from now (a meeting in progress counts as now); groups
    /// with no next meeting last.
    NextMeeting,
}

impl GroupFilter {
    /// The finder's filter; the bounds are checked by `Search::validate`, the topics against
    /// the ones the service knows.
    pub fn to_finder(&self, known_topics: &importers::Taxonomy) -> Result<finder::Filter, ApiError> {
        let list = |v: &Option<Vec<String>>| v.clone().unwrap_or_default();
        let time = |field: &str, v: &Option<String>| {
            v.as_deref()
                .map(|s| parse_hhmm(s).map_err(|e| ApiError::BadInput(format!("filter.{field}: {e}"))))
                .transpose()
        };
        Ok(finder::Filter {
            topics: self.topics.iter().flatten().map(|t| t.known(known_topics)).collect::<Result<_, _>>()?,
            kinds: self.kinds.iter().flatten().map(|k| (*k).into()).collect(),
            attendance: self.attendance.iter().flatten().map(|a| (*a).into()).collect(),
            weekdays: self.weekdays.iter().flatten().map(|d| (*d).into()).collect(),
            time_of_day: self.time_of_day.iter().flatten().map(|t| t.to_finder()).collect(),
            starts_after: time("startsAfter", &self.starts_after)?,
            starts_before: time("startsBefore", &self.starts_before)?,
            languages: list(&self.languages),
            accessibility: self.accessibility.iter().flatten().map(|a| (*a).into()).collect(),
            audience: self.audience.iter().flatten().map(|a| (*a).into()).collect(),
            free: self.free,
            open: self.open.map(|o| vec![if o { Openness::Open } else { Openness::Closed }]).unwrap_or_default(),
            source_codes: list(&self.source_codes),
            exclude_source_codes: list(&self.exclude_source_codes),
            sources: list(&self.sources),
            locality: list(&self.locality),
            region: list(&self.region),
            status: self.status.iter().flatten().map(|s| (*s).into()).collect(),
            text: self.text.clone().filter(|t| !t.trim().is_empty()),
        })
    }
}

impl TimeOfDay {
    pub fn to_finder(self) -> finder::TimeOfDay {
        match self {
            TimeOfDay::Morning => finder::TimeOfDay::Morning,
            TimeOfDay::Midday => finder::TimeOfDay::Midday,
            TimeOfDay::Evening => finder::TimeOfDay::Evening,
            TimeOfDay::Night => finder::TimeOfDay::Night,
        }
    }
}

impl NearInput {
    /// The finder's `near`, with a typed place resolved by `resolve` to a point.
    pub fn to_finder(
        &self,
        resolve: impl FnOnce(&str) -> Result<(f64, f64), ApiError>,
    ) -> Result<finder::Near, ApiError> {
        let bad = |m: &str| Err(ApiError::BadInput(format!("near: {m}")));
        let (latitude, longitude) = match (self.latitude, self.longitude, self.place.as_deref()) {
            (Some(lat), Some(lon), None) => (lat, lon),
            (None, None, Some(place)) => resolve(place)?,
            (None, None, None) => return bad("give latitude and longitude, or a place"),
            (_, _, Some(_)) => return bad("give either latitude and longitude or a place, not both"),
            _ => return bad("latitude and longitude go together"),
        };
        let within = match (self.radius_km, self.nearest) {
            (Some(km), None) => Within::Km(km),
            (None, Some(n)) if n >= 1 => Within::Nearest(n as usize),
            (None, Some(_)) => return bad("nearest must be at least 1"),
            (None, None) => return bad("give radiusKm, or nearest for the nearest N groups"),
            (Some(_), Some(_)) => return bad("give radiusKm or nearest, not both"),
        };
        Ok(finder::Near { latitude, longitude, within, include_online: self.include_online })
    }
}

impl GroupSort {
    /// The finder's keyset sort; `None` for NEXT_MEETING, which is ordered per request.
    pub fn to_finder(self) -> Option<finder::Sort> {
        match self {
            GroupSort::Distance => Some(finder::Sort::Distance),
            GroupSort::Name => Some(finder::Sort::Name),
            GroupSort::Id => Some(finder::Sort::Id),
            GroupSort::NextMeeting => None,
        }
    }
}
