//! Shared helpers for the Open Referral formats' tests (`hsds_datapackage`, `hsds_json`,
//! `oruk`): running a parse to completion the way the service does (answering `wants` from
//! fixture files), and the compact snapshot projection of listings and problems.

use std::collections::BTreeMap;
use std::path::Path;

use importers::{DocumentError, Documents, Format, Listing, Parsed, SourceOptions};
use serde::Serialize;

use crate::support::{lat_lon, place_line, recurrence, tag, topics, Snapshot};

/// Parses `root` (at `url`) in `format`, answering every wanted URL with the fixture file
/// that `serve` names for it, until nothing more is wanted. Panics on an unknown want.
pub fn parse_all(
    format: Format,
    url: &str,
    root: &[u8],
    opts: &SourceOptions,
    serve: impl Fn(&str) -> Option<Vec<u8>>,
) -> Result<Parsed, DocumentError> {
    let mut extra: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for _ in 0..20 {
        let parsed = importers::parse(format, &Documents { url, root, extra: &extra }, opts)?;
        let missing: Vec<String> = parsed.wants.iter().filter(|w| !extra.contains_key(*w)).cloned().collect();
        if missing.is_empty() {
            return Ok(parsed);
        }
        for want in missing {
            let bytes =
                serve(&want).unwrap_or_else(|| panic!("the parser wants {want}, which the test does not serve"));
            extra.insert(want, bytes);
        }
    }
    panic!("the parser kept wanting more documents");
}

/// Serves the file of `dir` named by the last path segment of a wanted URL (query ignored).
pub fn serve_dir(dir: &Path) -> impl Fn(&str) -> Option<Vec<u8>> + '_ {
    move |url: &str| {
        let path = url.split('?').next().unwrap_or(url);
        let name = path.rsplit('/').next()?;
        std::fs::read(dir.join(name)).ok()
    }
}

/// One listing as the snapshots show it; empty fields left out.
#[derive(Serialize)]
struct Row {
    id: String,
    name: String,
    kind: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    meetings: Vec<String>,
    attendance: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    inactive: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    topics: Vec<String>,
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
    organisation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    contact: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cost: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    codes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
}

/// Asserts the snapshot `name` (in `tests/snapshots/`) of a parse result.
pub fn check(name: &str, result: Result<Parsed, DocumentError>) {
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        match result {
            Ok(parsed) => insta::assert_json_snapshot!(name, Snapshot::of(&parsed, row).without_wants()),
            Err(e) => insta::assert_json_snapshot!(name, format!("document error: {e}")),
        }
    });
}

/// Every text of a listing, to search for what must never be copied.
pub fn all_text(l: &Listing) -> String {
    serde_json::to_string(l).unwrap_or_default()
}

fn row(l: &Listing) -> Row {
    let meetings = l
        .meetings
        .iter()
        .map(|m| {
            let day = m.weekday.map_or("?", |d| d.as_str());
            let time = |t: Option<chrono::NaiveTime>| t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
            let rec = recurrence(&m.recurrence);
            format!("{day} {}-{} {} {rec}", time(m.start), time(m.end), m.timezone)
        })
        .collect();
    let online = l
        .online
        .as_ref()
        .map(|o| format!("{} [{}]", o.url.as_deref().unwrap_or("-"), o.conference_id.as_deref().unwrap_or("-")));
    let c = &l.contact;
    let contact = [&c.email, &c.phone, &c.website].iter().filter_map(|x| x.as_deref().map(str::to_owned)).collect();
    Row {
        id: l.external_id.clone(),
        name: l.name.clone(),
        kind: tag(&l.kind),
        meetings,
        attendance: tag(&l.attendance),
        inactive: !l.active,
        topics: topics(l),
        audience: l.audience.iter().map(tag).collect(),
        languages: l.languages.clone(),
        access: l.accessibility.iter().map(tag).collect(),
        place: l.location.as_ref().and_then(place_line),
        lat_lon: lat_lon(l),
        online,
        organisation: l.organisation.clone(),
        contact,
        cost: l.cost.clone(),
        codes: l.codes.clone(),
        updated: l.updated_at.map(|d| d.to_rfc3339()),
    }
}
