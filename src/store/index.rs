//! Index entries derived from a group: one key per filter the API offers.
//!
//! Pure functions from a `StoredGroup` to the keys of the single `index` tree, and the key
//! prefixes queries scan. Keys are `facet \0 value \0 group id`; geo entries carry the point
//! as their value so `near` ranks candidates without loading group documents. The store
//! decides when to write them; this file only decides what they are.

use importers::Listing;

use crate::model::StoredGroup;

pub(crate) const SEP: u8 = 0;

/// Geo grid levels: cell size in degrees, coarse to fine.
pub(crate) const GEO_LEVELS: [f64; 3] = [1.0, 0.1, 0.01];

/// Every index key for a group, with its value (a packed point for geo keys, empty otherwise).
pub(crate) fn entries(group: &StoredGroup) -> Vec<(Vec<u8>, Vec<u8>)> {
    let l = &group.listing;
    let id = group.id.as_str();
    let mut out: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for t in &l.topics {
        out.push((key("t", t.topic.as_str(), id), Vec::new()));
    }
    out.push((key("k", kind_str(l), id), Vec::new()));
    out.push((key("a", attendance_str(l), id), Vec::new()));
    for m in &l.meetings {
        if let Some(w) = m.weekday {
            out.push((key("w", w.as_str(), id), Vec::new()));
        }
    }
    for tok in name_tokens(&l.name) {
        out.push((key("n", &tok, id), Vec::new()));
    }
    if let Some((lat, lon)) = point(l) {
        let packed = pack_point(lat, lon);
        for level in 0..GEO_LEVELS.len() {
            let (a, b) = cell(level, lat, lon);
            out.push((key(&format!("g{level}"), &format!("{a}:{b}"), id), packed.clone()));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `facet \0 value \0` : the prefix under which all groups with that value are listed.
pub(crate) fn prefix(facet: &str, value: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(facet.len() + value.len() + 2);
    k.extend_from_slice(facet.as_bytes());
    k.push(SEP);
    k.extend_from_slice(value.as_bytes());
    k.push(SEP);
    k
}

/// `n \0 token` without the trailing separator: a prefix scan finds every token starting so.
pub(crate) fn token_prefix(token: &str) -> Vec<u8> {
    let mut k = b"n".to_vec();
    k.push(SEP);
    k.extend_from_slice(token.as_bytes());
    k
}

/// The group id at the end of an index key.
pub(crate) fn id_of(key: &[u8]) -> Option<String> {
    let pos = key.iter().rposition(|b| *b == SEP)?;
    String::from_utf8(key[pos + 1..].to_vec()).ok()
}

/// Lower-cased alphanumeric words of a name, as the text filter matches them.
pub fn name_tokens(name: &str) -> Vec<String> {
    let mut toks: Vec<String> =
        name.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(|t| t.to_lowercase()).collect();
    toks.sort();
    toks.dedup();
    toks
}

/// The cell of a point at a level: (row, column) of the grid.
pub(crate) fn cell(level: usize, lat: f64, lon: f64) -> (i64, i64) {
    let size = GEO_LEVELS[level];
    (((lat + 90.0) / size).floor() as i64, ((lon + 180.0) / size).floor() as i64)
}

/// The point a group is found at by `near`: an exact in-person place only.
pub fn point(l: &Listing) -> Option<(f64, f64)> {
    let loc = l.location.as_ref()?;
    if loc.approximate || l.attendance == importers::Attendance::Online {
        return None;
    }
    Some((loc.latitude?, loc.longitude?))
}

pub(crate) fn pack_point(lat: f64, lon: f64) -> Vec<u8> {
    let mut v = lat.to_be_bytes().to_vec();
    v.extend_from_slice(&lon.to_be_bytes());
    v
}

pub(crate) fn unpack_point(v: &[u8]) -> Option<(f64, f64)> {
    let lat = f64::from_be_bytes(v.get(0..8)?.try_into().ok()?);
    let lon = f64::from_be_bytes(v.get(8..16)?.try_into().ok()?);
    Some((lat, lon))
}

pub(crate) fn kind_str(l: &Listing) -> &'static str {
    kind_name(l.kind)
}

pub(crate) fn kind_name(k: importers::GroupKind) -> &'static str {
    match k {
        importers::GroupKind::PeerSupport => "peer_support",
        importers::GroupKind::TwelveStep => "twelve_step",
        importers::GroupKind::ProfessionallyLed => "professionally_led",
        importers::GroupKind::TherapyGroup => "therapy_group",
    }
}

pub(crate) fn attendance_str(l: &Listing) -> &'static str {
    attendance_name(l.attendance)
}

pub(crate) fn attendance_name(a: importers::Attendance) -> &'static str {
    match a {
        importers::Attendance::InPerson => "in_person",
        importers::Attendance::Online => "online",
        importers::Attendance::Hybrid => "hybrid",
    }
}

fn key(facet: &str, value: &str, id: &str) -> Vec<u8> {
    let mut k = prefix(facet, value);
    k.extend_from_slice(id.as_bytes());
    k
}
