//! The "upcoming" list: which meetings start soonest from an instant, in progress ones
//! included, optionally only those starting within a window, keeping the first N.
//!
//! Runs per request over many meetings, so it keeps O(limit) memory (a bounded max-heap),
//! allocates nothing per meeting, and parses each meeting's zone once (reusing it, and the
//! local date, while consecutive meetings share a zone). Choosing which meetings to pass, and
//! the clock reading `from`, are left to the caller.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use importers::Meeting;

use super::{local_date, next_in, schedulable, Occurrence};

/// The next occurrence of each meeting that has not ended at `from`, soonest start first (ties
/// in the order the meetings came), at most `limit` of them. With `within`, occurrences that
/// start after `from + within` are left out (one starting exactly then is kept), so a
/// non-negative window always keeps the ones in progress. Meetings with no next occurrence
/// (see `next_occurrence`) are skipped.
pub fn upcoming<'a, K: Clone>(
    meetings: impl IntoIterator<Item = (K, &'a Meeting)>,
    from: DateTime<Utc>,
    within: Option<Duration>,
    limit: usize,
) -> Vec<(K, Occurrence)> {
    if limit == 0 {
        return Vec::new();
    }
    let horizon = within.map(|w| {
        from.checked_add_signed(w).unwrap_or(if w < Duration::zero() {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        })
    });
    // A max-heap of the best `limit` so far: its top is the one to drop first.
    let mut best: BinaryHeap<Entry<K>> = BinaryHeap::with_capacity(limit.min(1024) + 1);
    let mut zone: Option<(&'a str, Option<(Tz, NaiveDate)>)> = None;
    for (seq, (key, m)) in meetings.into_iter().enumerate() {
        if !schedulable(m) {
            continue;
        }
        let parsed = match zone {
            Some((name, parsed)) if name == m.timezone => parsed,
            _ => {
                let parsed = m.timezone.parse::<Tz>().ok().and_then(|tz| Some((tz, local_date(tz, from)?)));
                zone = Some((m.timezone.as_str(), parsed));
                parsed
            }
        };
        let Some((tz, today)) = parsed else { continue };
        let Some(occurrence) = next_in(m, tz, today, from) else { continue };
        if horizon.is_some_and(|h| occurrence.starts_at > h) {
            continue;
        }
        let entry = Entry { seq, key, occurrence };
        if best.len() < limit {
            best.push(entry);
        } else if let Some(mut worst) = best.peek_mut() {
            if entry < *worst {
                *worst = entry;
            }
        }
    }
    best.into_sorted_vec().into_iter().map(|e| (e.key, e.occurrence)).collect()
}

/// One kept occurrence, ordered by start and then by the meeting's position in the input.
struct Entry<K> {
    seq: usize,
    key: K,
    occurrence: Occurrence,
}

impl<K> Entry<K> {
    fn rank(&self) -> (DateTime<Utc>, usize) {
        (self.occurrence.starts_at, self.seq)
    }
}

impl<K> PartialEq for Entry<K> {
    fn eq(&self, other: &Self) -> bool {
        self.rank() == other.rank()
    }
}

impl<K> Eq for Entry<K> {}

impl<K> PartialOrd for Entry<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<K> Ord for Entry<K> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank().cmp(&other.rank())
    }
}
