//! `Index::upcoming`: the occurrences of the matching groups' meetings from an instant,
//! soonest first, including those in progress, wrapping into the next week: the list people
//! use most ("what can I get to now").
//!
//! Groups are chosen by the search's filter and `near` exactly as `search` chooses them; each
//! meeting must then itself pass the meeting filters (weekday, time of day, start times), so
//! "Monday evenings" lists Monday evening meetings, not a group's Tuesday morning one. The
//! time arithmetic is `model::upcoming`'s. Pages are by position; a cursor carries the `from`
//! instant it was made with, so later pages of a list "from now" stay the same list.

use chrono::{DateTime, Duration, Utc};

use super::{page, Filter, Index, Search, SearchError};
use crate::model::{starts_between, upcoming, Occurrence};

/// The most occurrences one page may ask for.
pub const MAX_UPCOMING_PAGE: usize = 200;

/// How far ahead a list may reach, at most (and by default: one week).
pub const MAX_WITHIN_HOURS: i64 = 24 * 7;

/// One page of upcoming occurrences.
#[derive(Debug, Clone, PartialEq)]
pub struct UpcomingPage {
    pub items: Vec<Upcoming>,
    pub has_next: bool,
    pub end_cursor: Option<String>,
    /// The instant the list is from (the cursor's, when paging on).
    pub from: DateTime<Utc>,
}

/// One occurrence: the group, which of its meetings (index in the group's meetings), when.
#[derive(Debug, Clone, PartialEq)]
pub struct Upcoming {
    pub group_id: String,
    pub meeting: usize,
    pub occurrence: Occurrence,
    pub distance_km: Option<f64>,
    pub cursor: String,
}

impl Index {
    /// The `first` occurrences after `after` (a cursor of this list), from `from` (default:
    /// the cursor's instant, else `now`; to the whole second), within `within_hours` (default and
    /// at most a week).
    pub fn upcoming(
        &self,
        s: &Search,
        from: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        within_hours: Option<i64>,
        first: usize,
        after: Option<&str>,
    ) -> Result<UpcomingPage, SearchError> {
        s.validate()?;
        if first > MAX_UPCOMING_PAGE {
            return Err(SearchError::BadInput(format!("first: at most {MAX_UPCOMING_PAGE}")));
        }
        let hours = within_hours.unwrap_or(MAX_WITHIN_HOURS);
        if !(1..=MAX_WITHIN_HOURS).contains(&hours) {
            return Err(SearchError::BadInput(format!("withinHours: from 1 to {MAX_WITHIN_HOURS}")));
        }
        // Whole seconds: the instant a cursor carries.
        let whole = |t: DateTime<Utc>| DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t);
        let (from, now) = (from.map(whole), whole(now));
        let q = s.filter.query();
        let print = page::fingerprint(&format!("upcoming|{}|{hours}", s.fingerprint(&q)));
        let (offset, from) = match after {
            Some(c) => {
                let (offset, at) = page::decode_position("u", c, print)?;
                if from.is_some_and(|f| f != at) {
                    return Err(SearchError::ForeignCursor);
                }
                (offset, at)
            }
            None => (0, from.unwrap_or(now)),
        };
        let eval = self.evaluate(&q, s.near.as_ref(), false);
        let meetings = eval.hits.iter().flat_map(|ord| {
            let slot = self.slot(ord);
            slot.meetings
                .iter()
                .enumerate()
                .filter(|(_, m)| meeting_passes(&s.filter, m))
                .map(move |(i, m)| ((ord, i), &**m))
        });
        let wanted = offset.saturating_add(first).saturating_add(1);
        let found = upcoming(meetings, from, Some(Duration::hours(hours)), wanted);
        let has_next = found.len() > offset + first;
        let items: Vec<Upcoming> = found
            .into_iter()
            .enumerate()
            .skip(offset)
            .take(first)
            .map(|(pos, ((ord, meeting), occurrence))| Upcoming {
                group_id: self.slot(ord).id.to_string(),
                meeting,
                occurrence,
                distance_km: s.near.and_then(|n| self.distance(ord, n.latitude, n.longitude)),
                cursor: page::encode_position("u", pos + 1, from, print),
            })
            .collect();
        let end_cursor = items.last().map(|i| i.cursor.clone());
        Ok(UpcomingPage { items, has_next, end_cursor, from })
    }
}

/// The meeting filters, on one meeting (the group filters chose the group already).
fn meeting_passes(f: &Filter, m: &importers::Meeting) -> bool {
    let day_ok = f.weekdays.is_empty() || m.weekday.is_some_and(|d| f.weekdays.contains(&d));
    let start = m.start;
    let time_ok = f.time_of_day.is_empty() || start.is_some_and(|t| f.time_of_day.iter().any(|p| p.contains(t)));
    let range_ok = (f.starts_after.is_none() && f.starts_before.is_none())
        || start.is_some_and(|t| starts_between(t, f.starts_after, f.starts_before));
    day_ok && time_ok && range_ok
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::finder::tests::{group, meeting};
    use crate::finder::Filter;
    use importers::Weekday;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("a valid instant")
    }

    fn index() -> Index {
        let mut late = group("late", "Late Night");
        late.listing.meetings = vec![meeting(Weekday::Monday, 22, 0), meeting(Weekday::Tuesday, 9, 0)];
        let mut early = group("early", "Early Bird");
        early.listing.meetings = vec![meeting(Weekday::Tuesday, 7, 0)];
        Index::build([&late, &early])
    }

    #[test]
    fn soonest_first_and_only_meetings_that_pass_the_meeting_filters() {
        let idx = index();
        // Monday 2 March 2026, noon in New York (the test meetings' zone), 17:00 UTC.
        let monday_noon = at(2026, 3, 2, 17, 0);
        let all = idx.upcoming(&Search::default(), Some(monday_noon), monday_noon, None, 10, None).expect("a page");
        let order: Vec<(&str, usize)> = all.items.iter().map(|u| (u.group_id.as_str(), u.meeting)).collect();
        assert_eq!(order, vec![("late", 0), ("early", 0), ("late", 1)]);
        assert_eq!(all.items[0].occurrence.starts_at, at(2026, 3, 3, 3, 0), "22:00 EST");

        let tuesdays = Search::filter(Filter { weekdays: vec![Weekday::Tuesday], ..Filter::default() });
        let page = idx.upcoming(&tuesdays, Some(monday_noon), monday_noon, None, 10, None).expect("a page");
        let order: Vec<(&str, usize)> = page.items.iter().map(|u| (u.group_id.as_str(), u.meeting)).collect();
        assert_eq!(order, vec![("early", 0), ("late", 1)], "the Monday meeting of a Tuesday group is left out");
    }

    #[test]
    fn within_hours_cuts_the_list_and_pages_keep_their_instant() {
        let idx = index();
        let monday_noon = at(2026, 3, 2, 17, 0);
        let soon =
            idx.upcoming(&Search::default(), Some(monday_noon), monday_noon, Some(12), 10, None).expect("a page");
        assert_eq!(soon.items.len(), 1, "only the 22:00 meeting starts within 12 hours");

        let first = idx.upcoming(&Search::default(), None, monday_noon, None, 2, None).expect("a page");
        assert!(first.has_next);
        let later = monday_noon + Duration::hours(30);
        let next = idx
            .upcoming(&Search::default(), None, later, None, 2, first.end_cursor.as_deref())
            .expect("the next page of the same list");
        assert_eq!(next.from, monday_noon, "the cursor keeps the list's instant");
        assert_eq!(next.items.len(), 1);
        assert_eq!((next.items[0].group_id.as_str(), next.items[0].meeting), ("late", 1));

        let other = Search::filter(Filter { weekdays: vec![Weekday::Monday], ..Filter::default() });
        let err = idx.upcoming(&other, None, later, None, 2, first.end_cursor.as_deref()).unwrap_err();
        assert_eq!(err, SearchError::ForeignCursor);
    }
}
