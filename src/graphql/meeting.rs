//! `Meeting` (one slot of a group, in the group's local time) and `Occurrence` (when it
//! next happens, from any instant). The time arithmetic is `model::occurrence`'s.

use async_graphql::{ComplexObject, Context, SimpleObject};
use chrono::{DateTime, Utc};

use super::enums::{Recurrence, Weekday};
use super::errors::OrInternal;
use super::types::SourceRecord;
use super::AppState;
use crate::model::{self, next_occurrence, GroupMeeting, RecordKey};

/// One meeting of a group, in the group's local time.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Meeting {
    pub weekday: Option<Weekday>,
    /// Local start time, "HH:MM".
    pub start_time: Option<String>,
    /// Local end time, "HH:MM", when the source gives one.
    pub end_time: Option<String>,
    /// IANA time zone of the times.
    pub timezone: String,
    pub recurrence: Recurrence,
    /// For MONTHLY_NTH: which weeks of the month (1..5, -1 = last).
    pub weeks_of_month: Vec<i32>,
    /// For ONCE: the date, "YYYY-MM-DD".
    pub date: Option<String>,
    #[graphql(skip)]
    pub slot: importers::Meeting,
    #[graphql(skip)]
    pub record_keys: Vec<RecordKey>,
}

#[ComplexObject]
impl Meeting {
    /// The source records that describe this meeting, with provenance (duplicate detection
    /// works per meeting: these are the listings found to be this one meeting).
    async fn records(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SourceRecord>> {
        let state = ctx.data::<AppState>()?;
        let mut out = Vec::with_capacity(self.record_keys.len());
        for key in &self.record_keys {
            let rec = state.store.record(key).or_internal()?;
            out.push(SourceRecord::new(key, rec.as_ref(), &state.instance_id));
        }
        Ok(out)
    }

    /// The next occurrence that has not ended at `from` (default now): one in progress is
    /// returned with `inProgress: true`. Null for meetings by appointment, without a start
    /// time, or one-off meetings that are over. A meeting with no end lasts 60 minutes.
    async fn next(&self, from: Option<DateTime<Utc>>) -> Option<Occurrence> {
        next_occurrence(&self.slot, from.unwrap_or_else(Utc::now)).map(Occurrence::from)
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

impl From<&GroupMeeting> for Meeting {
    fn from(gm: &GroupMeeting) -> Self {
        let m = &gm.slot;
        let (recurrence, weeks, date) = match &m.recurrence {
            importers::Recurrence::Weekly => (Recurrence::Weekly, Vec::new(), None),
            importers::Recurrence::MonthlyNth { weeks } => {
                (Recurrence::MonthlyNth, weeks.iter().map(|w| i32::from(*w)).collect(), None)
            }
            importers::Recurrence::Once { date } => (Recurrence::Once, Vec::new(), Some(date.to_string())),
            importers::Recurrence::ByAppointment => (Recurrence::ByAppointment, Vec::new(), None),
        };
        Meeting {
            weekday: m.weekday.map(Into::into),
            start_time: m.start.map(hhmm),
            end_time: m.end.map(hhmm),
            timezone: m.timezone.clone(),
            recurrence,
            weeks_of_month: weeks,
            date,
            slot: m.clone(),
            record_keys: gm.records.clone(),
        }
    }
}
