//! A compact projection of parsed meeting listings for the snapshots of the spreadsheet,
//! delimited and BMLT formats (every field matching and search use, one line where it fits).

use importers::{Listing, Parsed};
use serde::Serialize;

use crate::support::{join, lat_lon, recurrence, tag, topics, Snapshot};

/// One listing as the snapshot shows it; `None` and empty fields are left out.
#[derive(Serialize)]
pub struct Row {
    id: String,
    name: String,
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    meeting: Option<String>,
    attendance: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    inactive: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    topics: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    open: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    audience: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    languages: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    access: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lat_lon: Option<(f64, f64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    online: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organisation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    codes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
}

/// The listings and problems of a parse.
pub fn snapshot(parsed: &Parsed) -> Snapshot<Row> {
    Snapshot::of(parsed, row)
}

fn row(l: &Listing) -> Row {
    let meeting = l.meetings.first().map(|m| {
        let hm = |t: Option<chrono::NaiveTime>| t.map(|t| t.format("%H:%M").to_string());
        let when = join(&[hm(m.start).as_deref(), hm(m.end).as_deref()], "-");
        let recurrence = recurrence(&m.recurrence);
        let day = m.weekday.map(|d| d.as_str());
        join(&[day, when.as_deref(), Some(&m.timezone), Some(&recurrence)], " ").unwrap_or_default()
    });
    let place = l.location.as_ref().and_then(|p| {
        let town =
            join(&[p.locality.as_deref(), p.region.as_deref(), p.postcode.as_deref(), p.country.as_deref()], " ");
        let notes = p.notes.as_ref().map(|n| format!("({})", n.replace('\n', " / ")));
        let approximate = p.approximate.then_some("~approximate");
        join(&[p.name.as_deref(), p.address.as_deref(), town.as_deref(), notes.as_deref(), approximate], " | ")
    });
    let online = l.online.as_ref().and_then(|o| {
        let id = o.conference_id.as_ref().map(|i| format!("id {i}"));
        join(&[o.url.as_deref(), o.phone.as_deref(), id.as_deref(), o.notes.as_deref()], " | ")
    });
    Row {
        id: l.external_id.clone(),
        name: l.name.clone(),
        kind: tag(&l.kind),
        meeting,
        attendance: tag(&l.attendance),
        inactive: !l.active,
        topics: topics(l),
        open: l.open,
        audience: l.audience.iter().map(tag).collect(),
        languages: l.languages.clone(),
        access: l.accessibility.iter().map(tag).collect(),
        place,
        lat_lon: lat_lon(l),
        online,
        contact: join(&[l.contact.email.as_deref(), l.contact.phone.as_deref(), l.contact.website.as_deref()], " | "),
        organisation: l.organisation.clone(),
        description: l.description.clone(),
        codes: l.codes.clone(),
        updated: l.updated_at.map(|d| d.to_rfc3339()),
    }
}
