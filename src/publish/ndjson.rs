//! Groups as JSON lines in the GraphQL API's public shape (its field names, `TWELVE_STEP`-style
//! enum values, `"HH:MM"` times, RFC 3339 instants), for `GET /feeds/groups.ndjson` and
//! `supportmesh export`: what a consumer keeping a copy in sync reads.
//!
//! A live group is the API's `Group` without what needs the store (records' provenance) or a
//! clock (`next`): its records are `{sourceId, externalId}`. A removed group is a tombstone,
//! `{"id", "status": "REMOVED", "updatedAt"}` (when it was removed), so a consumer that asks
//! with `modifiedAfter` learns of removals too. Contacts carry the website only: a group's
//! email and phone may be a volunteer's own and are never published.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};

use super::hhmm;
use crate::model::{GroupMeeting, GroupStatus, StoredGroup};

/// One line (without the newline) for a live group.
pub fn group_line(g: &StoredGroup) -> Value {
    let l = &g.listing;
    json!({
        "id": g.id,
        "name": l.name,
        "description": l.description,
        "kind": screaming(&l.kind),
        "topics": l.topics.iter().map(|t| t.topic.as_str().to_ascii_uppercase()).collect::<Vec<_>>(),
        "topicTags": l.topics.iter().map(|t| json!({"topic": t.topic.as_str().to_ascii_uppercase(), "rule": t.rule})).collect::<Vec<_>>(),
        "audience": l.audience.iter().map(screaming).collect::<Vec<_>>(),
        "attendance": screaming(&l.attendance),
        "meetings": g.meetings().iter().map(meeting).collect::<Vec<_>>(),
        "location": l.location.as_ref().map(|p| json!({
            "name": p.name, "address": p.address, "locality": p.locality, "region": p.region,
            "postcode": p.postcode, "country": p.country, "formatted": p.formatted,
            "latitude": p.latitude, "longitude": p.longitude, "approximate": p.approximate, "notes": p.notes,
        })),
        "online": l.online.as_ref().map(|o| json!({"url": o.url, "phone": o.phone, "notes": o.notes})),
        "contact": {"email": null, "phone": null, "website": l.contact.website},
        "organisation": l.organisation,
        "cost": l.cost,
        "languages": l.languages,
        "accessibility": l.accessibility.iter().map(screaming).collect::<Vec<_>>(),
        "open": l.open,
        "sourceCodes": l.codes,
        "status": screaming(&g.status),
        "active": l.active,
        "firstSeenAt": g.first_seen,
        "updatedAt": g.updated_at,
        "records": g.records.iter().map(|k| json!({"sourceId": k.source_id, "externalId": k.external_id})).collect::<Vec<_>>(),
    })
}

/// One line for a removed group: its id, `REMOVED` and when.
pub fn tombstone_line(id: &str, removed_at: DateTime<Utc>) -> Value {
    json!({"id": id, "status": screaming(&GroupStatus::Removed), "updatedAt": removed_at})
}

/// Lines joined, each ending in `\n`.
pub fn lines(values: impl IntoIterator<Item = Value>) -> String {
    let mut out = String::new();
    for v in values {
        out.push_str(&v.to_string());
        out.push('\n');
    }
    out
}

fn meeting(m: &GroupMeeting) -> Value {
    let s = &m.slot;
    let (recurrence, weeks, date) = match &s.recurrence {
        importers::Recurrence::Weekly => ("WEEKLY", Vec::new(), None),
        importers::Recurrence::MonthlyNth { weeks } => ("MONTHLY_NTH", weeks.clone(), None),
        importers::Recurrence::Once { date } => ("ONCE", Vec::new(), Some(date.to_string())),
        importers::Recurrence::ByAppointment => ("BY_APPOINTMENT", Vec::new(), None),
    };
    json!({
        "weekday": s.weekday.as_ref().map(screaming),
        "startTime": s.start.map(hhmm),
        "endTime": s.end.map(hhmm),
        "timezone": s.timezone,
        "recurrence": recurrence,
        "weeksOfMonth": weeks,
        "date": date,
        "records": m.records.iter().map(|k| json!({"sourceId": k.source_id, "externalId": k.external_id})).collect::<Vec<_>>(),
    })
}

/// A snake_case serde enum value as GraphQL writes it (`twelve_step` -> `TWELVE_STEP`).
fn screaming<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s.to_ascii_uppercase(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use importers::{Attendance, GroupKind};

    #[test]
    fn enums_are_written_as_graphql_does() {
        assert_eq!(screaming(&GroupKind::TwelveStep), "TWELVE_STEP");
        assert_eq!(screaming(&Attendance::InPerson), "IN_PERSON");
        assert_eq!(screaming(&GroupStatus::Removed), "REMOVED");
    }
}
