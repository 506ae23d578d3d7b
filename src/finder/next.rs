//! `Index::search_by_next_meeting`: the groups of a search ordered by their next meeting from an
//! instant (soonest first; a meeting in progress counts as now; groups with no next meeting
//! last, by id), the NEXT_MEETING sort of the `groups` query.
//!
//! The order depends on the instant, so it is computed per request over the hits (each group's
//! meetings through `model::next_occurrence`) and paged by position; a cursor carries its
//! instant and a fingerprint of the search, as `upcoming`'s do.

use chrono::{DateTime, Utc};

use super::{page, Hit, Hits, Index, Search, SearchError};
use crate::model::next_occurrence;

impl Index {
    /// One page of the search's hits by next meeting from `from` (a cursor's instant when paging
    /// on, else `now`, to the whole second). `first`/`after` and `last`/`before` as in `search`.
    pub fn search_by_next_meeting(&self, s: &Search, now: DateTime<Utc>) -> Result<Hits, SearchError> {
        let mut plain = s.clone();
        plain.sort = None;
        plain.after = None;
        plain.before = None;
        plain.validate()?;
        let q = s.filter.query();
        let print = page::fingerprint(&format!("next|{}", s.fingerprint(&q)));
        let now = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
        let after = s.after.as_deref().map(|c| page::decode_position("m", c, print)).transpose()?;
        let before = s.before.as_deref().map(|c| page::decode_position("m", c, print)).transpose()?;
        let from = after.or(before).map(|(_, at)| at).unwrap_or(now);
        if let (Some((_, a)), Some((_, b))) = (after, before) {
            if a != b {
                return Err(SearchError::ForeignCursor);
            }
        }
        let eval = self.evaluate(&q, s.near.as_ref(), s.facets);
        let mut ranked: Vec<(Option<DateTime<Utc>>, &str, u32)> = eval
            .hits
            .iter()
            .map(|ord| {
                let slot = self.slot(ord);
                let next = slot.meetings.iter().filter_map(|m| next_occurrence(m, from)).map(|o| o.starts_at).min();
                let soonest = next.map(|t| t.max(from));
                (soonest, &*slot.id, ord)
            })
            .collect();
        ranked.sort_by(|a, b| match (a.0, b.0) {
            (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.1.cmp(b.1)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.1.cmp(b.1),
        });
        let (n, forward) = s.page_size();
        let lo = after.map(|(i, _)| i).unwrap_or(0).min(ranked.len());
        let hi = before.map(|(i, _)| i.saturating_sub(1)).unwrap_or(ranked.len()).clamp(lo, ranked.len());
        let (start, end) = if forward { (lo, (lo + n).min(hi)) } else { (hi.saturating_sub(n).max(lo), hi) };
        let items: Vec<Hit> = ranked[start..end]
            .iter()
            .enumerate()
            .map(|(i, (_, id, ord))| Hit {
                id: (*id).to_owned(),
                distance_km: s.near.and_then(|near| self.distance(*ord, near.latitude, near.longitude)),
                cursor: page::encode_position("m", start + i + 1, from, print),
            })
            .collect();
        Ok(Hits {
            total: eval.hits.len(),
            start_cursor: items.first().map(|h| h.cursor.clone()),
            end_cursor: items.last().map(|h| h.cursor.clone()),
            has_next: end < hi || (before.is_some() && end < ranked.len()),
            has_previous: start > lo || (after.is_some() && start > 0),
            items,
            facets: s.facets.then(|| self.facets(&eval, s.facet_fields)),
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use importers::Weekday;

    use super::*;
    use crate::finder::tests::{group, meeting};

    fn index() -> Index {
        let mut a = group("a", "Tuesday Morning");
        a.listing.meetings = vec![meeting(Weekday::Tuesday, 9, 0)];
        let mut b = group("b", "Monday Night");
        b.listing.meetings = vec![meeting(Weekday::Monday, 22, 0), meeting(Weekday::Friday, 9, 0)];
        let mut c = group("c", "By Appointment");
        c.listing.meetings = Vec::new();
        Index::build([&a, &b, &c])
    }

    #[test]
    fn soonest_next_meeting_first_and_pages_both_ways() {
        let idx = index();
        // Monday 2 March 2026, noon in New York.
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 17, 0, 0).single().expect("an instant");
        let all = idx.search_by_next_meeting(&Search::default(), now).expect("hits");
        let ids: Vec<&str> = all.items.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["b", "a", "c"], "Monday 22:00, then Tuesday 09:00, then no meeting");

        let first = idx.search_by_next_meeting(&Search { first: Some(2), ..Search::default() }, now).expect("page");
        assert!(first.has_next && !first.has_previous);
        let later = now + chrono::Duration::hours(30);
        let rest = Search { first: Some(2), after: first.end_cursor.clone(), ..Search::default() };
        let second = idx.search_by_next_meeting(&rest, later).expect("the same list, later");
        assert_eq!(second.items.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["c"]);
        assert!(second.has_previous && !second.has_next);
        let back = Search { last: Some(2), first: None, before: second.start_cursor.clone(), ..Search::default() };
        let back = idx.search_by_next_meeting(&back, later).expect("backward");
        assert_eq!(back.items.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["b", "a"]);
    }
}
