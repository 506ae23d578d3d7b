//! What an update strips from a record: the facts a person needs to find a group (when it
//! meets, on which day, where) that the stored version had and the feed's new version lacks.
//! Pure; `policy` decides whether a run strips an unusual share of its source.
//!
//! A feed of garbage ("25:99" for every time, "banana" for every day, latitude 999) still
//! lists every record, so the removal guard never sees it; these counts let the same guard
//! hold such a run instead of applying it.

use importers::{Listing, Meeting, Recurrence};

/// How many of a source's live records an update would strip of each fact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Losses {
    pub start_times: usize,
    pub meeting_days: usize,
    pub addresses: usize,
    pub map_points: usize,
}

impl Losses {
    /// Counts what `new` lacks that `old` had.
    pub fn add(&mut self, old: &Listing, new: &Listing) {
        let lost = |had: fn(&Listing) -> bool| had(old) && !had(new);
        self.start_times += usize::from(lost(has_start_time));
        self.meeting_days += usize::from(lost(has_meeting_day));
        self.addresses += usize::from(lost(has_address));
        self.map_points += usize::from(lost(has_map_point));
    }

    /// Each kind of loss with its count, named as an operator reads it ("start times").
    pub fn named(&self) -> [(&'static str, usize); 4] {
        [
            ("start times", self.start_times),
            ("meeting days", self.meeting_days),
            ("addresses", self.addresses),
            ("map points", self.map_points),
        ]
    }
}

fn has_start_time(l: &Listing) -> bool {
    l.meetings.iter().any(|m| m.start.is_some())
}

fn has_meeting_day(l: &Listing) -> bool {
    l.meetings.iter().any(has_day)
}

fn has_day(m: &Meeting) -> bool {
    m.weekday.is_some() || matches!(m.recurrence, Recurrence::Once { .. })
}

fn has_address(l: &Listing) -> bool {
    l.location.as_ref().is_some_and(|p| {
        [&p.address, &p.formatted, &p.postcode, &p.locality].iter().any(|f| f.as_deref().is_some_and(|t| !t.is_empty()))
    })
}

fn has_map_point(l: &Listing) -> bool {
    l.location.as_ref().is_some_and(|p| p.latitude.is_some() && p.longitude.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(start: Option<(u32, u32)>, latitude: Option<f64>) -> Listing {
        let meeting = Meeting {
            weekday: Some(importers::Weekday::Monday),
            start: start.and_then(|(h, m)| chrono::NaiveTime::from_hms_opt(h, m, 0)),
            end: None,
            timezone: "UTC".into(),
            recurrence: Recurrence::Weekly,
        };
        let location = importers::Location { latitude, longitude: Some(-75.0), ..Default::default() };
        Listing { meetings: vec![meeting], location: Some(location), ..Listing::default() }
    }

    #[test]
    fn an_update_that_drops_a_time_or_a_point_counts_as_a_loss_and_one_that_adds_does_not() {
        let mut losses = Losses::default();

        losses.add(&listing(Some((19, 0)), Some(40.0)), &listing(None, Some(40.0)));
        losses.add(&listing(Some((19, 0)), Some(40.0)), &listing(Some((20, 0)), None));
        losses.add(&listing(None, None), &listing(Some((20, 0)), Some(40.0)));

        assert_eq!(losses, Losses { start_times: 1, map_points: 1, ..Losses::default() });
    }
}
