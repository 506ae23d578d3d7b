//! `Meeting` (one slot of a group, in the group's local time) and `Occurrence` (when it
//! next happens, from any instant). The time arithmetic is `model::occurrence`'s.

use async_graphql::{ComplexObject, SimpleObject};
use chrono::{DateTime, Utc};

use super::enums::{Recurrence, Weekday};
use crate::model::{self, next_occurrence};

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
}

#[ComplexObject]
impl Meeting {
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

impl From<&importers::Meeting> for Meeting {
    fn from(m: &importers::Meeting) -> Self {
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
            start_time: m.start.map(|t| t.format("%H:%M").to_string()),
            end_time: m.end.map(|t| t.format("%H:%M").to_string()),
            timezone: m.timezone.clone(),
            recurrence,
            weeks_of_month: weeks,
            date,
            slot: m.clone(),
        }
    }
}
