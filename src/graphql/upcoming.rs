//! `upcoming`: the next occurrences of matching meetings, soonest first, including those in
//! progress ("what can I get to now"), as a Relay-style list of occurrences.

use std::sync::Arc;

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};

use super::meeting::{Meeting, Occurrence};
use super::types::Group;
use crate::finder::Upcoming;
use crate::model::StoredGroup;

/// A page of upcoming occurrences.
#[derive(SimpleObject)]
pub struct UpcomingConnection {
    pub edges: Vec<UpcomingEdge>,
    pub page_info: UpcomingPageInfo,
    /// The instant the list is from (later pages keep the first page's).
    pub from: DateTime<Utc>,
}

#[derive(SimpleObject)]
pub struct UpcomingPageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(SimpleObject)]
pub struct UpcomingEdge {
    pub cursor: String,
    /// Distance from the `near` point, when one was given and the group has a point.
    pub distance_km: Option<f64>,
    pub node: UpcomingMeeting,
}

/// One occurrence of one meeting of a group.
#[derive(SimpleObject)]
pub struct UpcomingMeeting {
    pub occurrence: Occurrence,
    pub meeting: Meeting,
    pub group: Group,
}

impl UpcomingEdge {
    /// The edge of one occurrence; `None` when the group no longer has the meeting the index
    /// named (the finder indexes the group's meetings in `StoredGroup::meetings` order).
    pub fn new(item: Upcoming, group: Arc<StoredGroup>) -> Option<Self> {
        let meeting = group.meetings().get(item.meeting).map(Meeting::from)?;
        Some(UpcomingEdge {
            cursor: item.cursor,
            distance_km: item.distance_km,
            node: UpcomingMeeting { occurrence: item.occurrence.into(), meeting, group: Group(group) },
        })
    }
}
