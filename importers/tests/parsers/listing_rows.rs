//! A compact, reviewable projection of parsed listings for the snapshots of the RSS, iCalendar
//! and peer formats: every meeting on one line, places and online access in short, problems
//! as their display text. `None` and empty fields are left out.

use importers::{Listing, Meeting, Parsed, Recurrence};
use serde::Serialize;

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
#[derive(Serialize)]
pub struct Snapshot {
    listings: Vec<Row>,
    problems: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    wants: Vec<String>,
}

pub fn snapshot(parsed: &Parsed) -> Snapshot {
    Snapshot {
        listings: parsed.listings.iter().map(row).collect(),
        problems: parsed.problems.iter().map(ToString::to_string).collect(),
        wants: parsed.wants.clone(),
    }
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
    out.push_str(&format!(" {}", m.timezone));
    match &m.recurrence {
        Recurrence::Weekly => out.push_str(" weekly"),
        Recurrence::MonthlyNth { weeks } => out.push_str(&format!(" monthly {weeks:?}")),
        Recurrence::Once { date } => out.push_str(&format!(" once {date}")),
        Recurrence::ByAppointment => out.push_str(" by appointment"),
    }
    out
}

fn tag<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn row(l: &Listing) -> Row {
    let place = l.location.as_ref().map(|p| {
        let parts = [&p.name, &p.address, &p.locality, &p.region, &p.postcode, &p.country];
        parts.iter().filter_map(|x| x.as_deref()).collect::<Vec<_>>().join(" | ")
    });
    let online = l.online.as_ref().map(|o| {
        let parts = [&o.url, &o.phone, &o.conference_id, &o.notes];
        parts.iter().filter_map(|x| x.as_deref()).collect::<Vec<_>>().join(" | ")
    });
    let contact = [&l.contact.email, &l.contact.phone, &l.contact.website, &l.organisation, &l.cost]
        .iter()
        .filter_map(|x| x.as_deref())
        .collect::<Vec<_>>()
        .join(" | ");
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
        topics: l.topics.iter().map(|t| format!("{} ({})", t.topic.as_str(), t.rule)).collect(),
        audience: l.audience.iter().map(tag).collect(),
        place: place.filter(|p| !p.is_empty()),
        lat_lon: l.location.as_ref().and_then(|p| p.latitude.zip(p.longitude)),
        online: online.filter(|o| !o.is_empty()),
        contact: (!contact.is_empty()).then_some(contact),
        codes: l.codes.clone(),
        url: l.url.clone(),
        updated: l.updated_at.map(|u| u.to_rfc3339()),
    }
}
