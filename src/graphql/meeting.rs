//! `Meeting` (one slot of a group, in the group's local time) and `Occurrence` (when it
//! next happens, from any instant). The time arithmetic is `model::occurrence`'s.

use std::sync::Arc;

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::enums::{Recurrence, Weekday};
use super::errors::OrInternal;
use super::types::SourceRecord;
use super::AppState;
use crate::model::{self, next_occurrence, RecordKey, StoredGroup};

/// One meeting of a group, in the group's local time: the group's document and which of its
/// meetings, read when a field is asked for (an answer of 20 groups holds about 100 meetings,
/// and a list shows two or three fields of each).
pub struct Meeting {
    group: Arc<StoredGroup>,
    /// Below `count(group)`: `new` and `all` only make valid ones.
    index: usize,
}

impl Meeting {
    /// Every meeting of the group, in `StoredGroup::meetings` order.
    pub fn all(group: &Arc<StoredGroup>) -> Vec<Meeting> {
        (0..count(group)).map(|index| Meeting { group: group.clone(), index }).collect()
    }

    /// The group's meeting at `index`, if it has one.
    pub fn new(group: Arc<StoredGroup>, index: usize) -> Option<Meeting> {
        (index < count(&group)).then_some(Meeting { group, index })
    }

    /// The slot; a format-1 document has only the merged listing's slots.
    fn slot(&self) -> &importers::Meeting {
        match self.group.meetings.get(self.index) {
            Some(m) => &m.slot,
            None => &self.group.listing.meetings[self.index],
        }
    }

    /// The records that describe it; in a format-1 document, all the group's records.
    fn record_keys(&self) -> &[RecordKey] {
        match self.group.meetings.get(self.index) {
            Some(m) => &m.records,
            None => &self.group.records,
        }
    }
}

/// How many meetings the group has (as `StoredGroup::meetings` counts them, without cloning).
fn count(group: &StoredGroup) -> usize {
    match group.meetings.len() {
        0 => group.listing.meetings.len(),
        n => n,
    }
}

/// One meeting of a group, in the group's local time.
#[Object]
impl Meeting {
    async fn weekday(&self) -> Option<Weekday> {
        self.slot().weekday.map(Into::into)
    }
    /// Local start time, "HH:MM".
    async fn start_time(&self) -> Option<String> {
        self.slot().start.map(hhmm)
    }
    /// Local end time, "HH:MM", when the source gives one.
    async fn end_time(&self) -> Option<String> {
        self.slot().end.map(hhmm)
    }
    /// IANA time zone of the times.
    async fn timezone(&self) -> &str {
        &self.slot().timezone
    }
    async fn recurrence(&self) -> Recurrence {
        match &self.slot().recurrence {
            importers::Recurrence::Weekly => Recurrence::Weekly,
            importers::Recurrence::MonthlyNth { .. } => Recurrence::MonthlyNth,
            importers::Recurrence::Once { .. } => Recurrence::Once,
            importers::Recurrence::ByAppointment => Recurrence::ByAppointment,
        }
    }
    /// For MONTHLY_NTH: which weeks of the month (1..5, -1 = last).
    async fn weeks_of_month(&self) -> Vec<i32> {
        match &self.slot().recurrence {
            importers::Recurrence::MonthlyNth { weeks } => weeks.iter().map(|w| i32::from(*w)).collect(),
            _ => Vec::new(),
        }
    }
    /// For ONCE: the date, "YYYY-MM-DD".
    async fn date(&self) -> Option<String> {
        match &self.slot().recurrence {
            importers::Recurrence::Once { date } => Some(date.to_string()),
            _ => None,
        }
    }
    /// The source records that describe this meeting, with provenance (duplicate detection
    /// works per meeting: these are the listings found to be this one meeting).
    async fn records(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SourceRecord>> {
        let state = ctx.data::<AppState>()?;
        let keys = self.record_keys();
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let rec = state.store.record(key).or_internal()?;
            out.push(SourceRecord::new(key, rec.as_ref(), &state.instance_id));
        }
        Ok(out)
    }

    /// The next occurrence that has not ended at `from` (default now): one in progress is
    /// returned with `inProgress: true`. Null for meetings by appointment, without a start
    /// time, or one-off meetings that are over. A meeting with no end lasts 60 minutes.
    async fn next(&self, from: Option<DateTime<Utc>>) -> Option<Occurrence> {
        next_occurrence(self.slot(), from.unwrap_or_else(Utc::now)).map(Occurrence::from)
    }
}

/// One occurrence of a meeting: when it starts and ends, in UTC and in the group's time zone.
#[derive(SimpleObject, Clone)]
pub struct Occurrence {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The local start as an ISO 8601 date-time without offset ("2026-03-29T19:30:00"), in
    /// `timezone`.
    pub local_start: String,
    /// IANA time zone of `localStart`.
    pub timezone: String,
    /// Started and not yet ended at the instant asked about.
    pub in_progress: bool,
}

impl From<model::Occurrence> for Occurrence {
    fn from(o: model::Occurrence) -> Self {
        Occurrence {
            starts_at: o.starts_at,
            ends_at: o.ends_at,
            local_start: o.local_start.format("%Y-%m-%dT%H:%M:%S").to_string(),
            timezone: o.timezone.name().to_owned(),
            in_progress: o.in_progress,
        }
    }
}

/// "HH:MM", as `format("%H:%M")` writes it without parsing a format string each time.
fn hhmm(t: chrono::NaiveTime) -> String {
    use chrono::Timelike;
    format!("{:02}:{:02}", t.hour(), t.minute())
}
