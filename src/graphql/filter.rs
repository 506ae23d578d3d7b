//! `GroupFilter` and `NearInput`: validated into a store query, or matched against one group
//! in memory for subscriptions. Both paths apply the same rules.

use async_graphql::InputObject;

use super::enums::{Attendance, GroupKind, Topic, Weekday};
use super::errors::ApiError;
use crate::model::StoredGroup;
use crate::store::{index, GroupQuery, Near};

/// What groups to return. Fields combine with AND; the values inside one list with OR.
#[derive(InputObject, Default, Clone)]
pub struct GroupFilter {
    /// Any of these topics.
    pub topics: Option<Vec<Topic>>,
    pub kinds: Option<Vec<GroupKind>>,
    pub attendance: Option<Vec<Attendance>>,
    /// Meets on any of these days.
    pub weekdays: Option<Vec<Weekday>>,
    /// Words in the name (each word matches the start of a word of the name).
    pub text: Option<String>,
}

/// Groups within `radiusKm` of a point, nearest first. Only groups with an exact in-person
/// place are found.
#[derive(InputObject, Clone, Copy)]
pub struct NearInput {
    pub latitude: f64,
    pub longitude: f64,
    pub radius_km: f64,
}

/// The largest radius a `near` query may ask for.
pub const MAX_RADIUS_KM: f64 = 500.0;

impl NearInput {
    pub fn validate(&self) -> Result<Near, ApiError> {
        if !(-90.0..=90.0).contains(&self.latitude) || !(-180.0..=180.0).contains(&self.longitude) {
            return Err(ApiError::BadInput(
                "near: latitude must be within -90..90 and longitude within -180..180".to_owned(),
            ));
        }
        if !(self.radius_km > 0.0 && self.radius_km <= MAX_RADIUS_KM) {
            return Err(ApiError::BadInput(format!("near: radiusKm must be above 0 and at most {MAX_RADIUS_KM}")));
        }
        Ok(Near { latitude: self.latitude, longitude: self.longitude, radius_km: self.radius_km })
    }
}

impl GroupFilter {
    /// Fills the filter part of a store query.
    pub fn apply(&self, q: &mut GroupQuery) -> Result<(), ApiError> {
        q.topics = self.topics.iter().flatten().map(|t| (*t).into()).collect();
        q.kinds = self.kinds.iter().flatten().map(|t| (*t).into()).collect();
        q.attendance = self.attendance.iter().flatten().map(|t| (*t).into()).collect();
        q.weekdays = self.weekdays.iter().flatten().map(|t| (*t).into()).collect();
        if let Some(text) = &self.text {
            if text.len() > 200 {
                return Err(ApiError::BadInput("filter.text: at most 200 characters".to_owned()));
            }
            if !index::name_tokens(text).is_empty() {
                q.text = Some(text.clone());
            }
        }
        Ok(())
    }

    /// Does one group pass this filter (and `near`, when given)?
    pub fn matches(&self, g: &StoredGroup, near: Option<&Near>) -> bool {
        let l = &g.listing;
        let topics_ok = self
            .topics
            .as_ref()
            .is_none_or(|ts| ts.iter().any(|t| l.topics.iter().any(|x| x.topic == importers::Topic::from(*t))));
        let kinds_ok = self.kinds.as_ref().is_none_or(|ks| ks.iter().any(|k| importers::GroupKind::from(*k) == l.kind));
        let att_ok =
            self.attendance.as_ref().is_none_or(|a| a.iter().any(|x| importers::Attendance::from(*x) == l.attendance));
        let days_ok = self.weekdays.as_ref().is_none_or(|ds| {
            ds.iter().any(|d| l.meetings.iter().any(|m| m.weekday == Some(importers::Weekday::from(*d))))
        });
        let text_ok = self.text.as_ref().is_none_or(|t| {
            let have = index::name_tokens(&l.name);
            index::name_tokens(t).iter().all(|w| have.iter().any(|h| h.starts_with(w.as_str())))
        });
        let near_ok = near.is_none_or(|n| {
            index::point(l)
                .is_some_and(|(lat, lon)| crate::model::haversine_km(n.latitude, n.longitude, lat, lon) <= n.radius_km)
        });
        topics_ok && kinds_ok && att_ok && days_ok && text_ok && near_ok
    }
}
