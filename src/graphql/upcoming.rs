//! `upcoming`: the next occurrences of matching meetings, soonest first, including those in
//! progress ("what can I get to now"), as a Relay-style list of occurrences.

use std::sync::Arc;

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};

use super::meeting::{Meeting, Occurrence};
use super::serial::Serial;
use super::types::Group;
use crate::finder::Upcoming;
use crate::model::StoredGroup;

/// A page of upcoming occurrences.
#[derive(SimpleObject)]
pub struct UpcomingConnection {
    pub edges: Vec<Serial<UpcomingEdge>>,
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
    pub node: Serial<UpcomingMeeting>,
}

/// One occurrence of one meeting of a group.
#[derive(SimpleObject)]
pub struct UpcomingMeeting {
    pub occurrence: Serial<Occurrence>,
    pub meeting: Serial<Meeting>,
    pub group: Serial<Group>,
}

impl UpcomingEdge {
    /// The edge of one occurrence; `None` when the group no longer has the meeting the index
    /// named (the finder indexes the group's meetings in `StoredGroup::meetings` order).
    pub fn new(item: Upcoming, group: Arc<StoredGroup>) -> Option<Self> {
        let meeting = Meeting::new(group.clone(), item.meeting)?;
        Some(UpcomingEdge {
            cursor: item.cursor,
            distance_km: item.distance_km,
            node: Serial(UpcomingMeeting {
                occurrence: Serial(item.occurrence.into()),
                meeting: Serial(meeting),
                group: Serial(Group(group)),
            }),
        })
    }
}
