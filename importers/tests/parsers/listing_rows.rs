//! A compact, reviewable projection of parsed listings for the snapshots of the RSS, iCalendar
//! and peer formats: every meeting on one line, places and online access in short, problems
//! as their display text. `None` and empty fields are left out.

use importers::{Listing, Meeting, Parsed};
use serde::Serialize;

use crate::support::{join, lat_lon, place_line, recurrence, tag, topics, Snapshot};

/// One listing as the snapshot shows it.
#[derive(Serialize)]
pub struct Row {
    id: String,
    name: String,
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    meetings: Vec<String>,
    attendance: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    inactive: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    topics: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    audience: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lat_lon: Option<(f64, f64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    online: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    codes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
}

/// The listings and problems of a parse.
pub fn snapshot(parsed: &Parsed) -> Snapshot<Row> {
    Snapshot::of(parsed, row)
}

/// "thursday 19:00-21:00 Europe/London monthly [2, 4]".
pub fn meeting_line(m: &Meeting) -> String {
    let mut out = m.weekday.map(|d| d.as_str().to_owned()).unwrap_or_else(|| "-".to_owned());
    if let Some(start) = m.start {
        out.push_str(&format!(" {}", start.format("%H:%M")));
        if let Some(end) = m.end {
            out.push_str(&format!("-{}", end.format("%H:%M")));
        }
    }
    out.push_str(&format!(" {} {}", m.timezone, recurrence(&m.recurrence)));
    out
}

fn row(l: &Listing) -> Row {
    let online = l.online.as_ref().and_then(|o| {
        join(&[o.url.as_deref(), o.phone.as_deref(), o.conference_id.as_deref(), o.notes.as_deref()], " | ")
    });
    let c = &l.contact;
    let contact = [&c.email, &c.phone, &c.website, &l.organisation, &l.cost];
    Row {
        id: l.external_id.clone(),
        name: l.name.clone(),
        kind: tag(&l.kind),
        description: l.description.as_ref().map(|d| {
            let short: String = d.chars().take(100).collect();
            if short.len() < d.len() {
                format!("{short}…")
            } else {
                short
            }
        }),
        meetings: l.meetings.iter().map(meeting_line).collect(),
        attendance: tag(&l.attendance),
        inactive: !l.active,
        topics: topics(l),
        audience: l.audience.iter().map(tag).collect(),
        place: l.location.as_ref().and_then(place_line),
        lat_lon: lat_lon(l),
        online,
        contact: join(&contact.map(|x| x.as_deref()), " | "),
        codes: l.codes.clone(),
        url: l.url.clone(),
        updated: l.updated_at.map(|u| u.to_rfc3339()),
    }
}
