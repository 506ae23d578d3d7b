//! Open Referral HSDS 3.0: the objects and pages of the API under `/hsds/`, as the official
//! schemas describe them (tests/fixtures/schemas/hsds-3.0/).
//!
//! A group is a `service` (with its `schedules`, its `service_at_locations` and their
//! `location`s, its `languages`, its topics as `attributes` with taxonomy terms, and its
//! `organization`); an organisation is an `organization` named as the groups name it.
//! HSDS ids are UUIDs: ours are derived, never stored. A service's is the group id's 16 hex
//! digits followed by a kind (`0001` service, `0003` location, `0004` service_at_location,
//! `0005` schedule, `0006` address, `0007` language, `0008` attribute) and, for what a group
//! has several of, 12 hex digits of a hash of the meeting's slot key or the value; so
//! `/services/{id}` finds its group from the id alone (`group_id_of`). Organisations and
//! taxonomy terms, which groups share, hash their name or code (`0002`, `0009`).
//!
//! A schedule is a meeting: `freq` WEEKLY with `byday` `TH`, or MONTHLY with `2TH,4TH`; a one-off
//! is its `dtstart` date; `opens_at`/`closes_at` are local clock times. HSDS 3.0's `timezone` is
//! a number (a UTC offset): it gets the zone's standard offset in hours, and `description`
//! names the IANA zone ("Thursdays 19:30-20:30, America/New_York time"). A hybrid group has two
//! locations, its place and a virtual one with the join link. No contact of a person, and no
//! email or phone of the group, is published.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::{OffsetComponents, Tz};
use importers::{Attendance, Meeting, Recurrence, Taxonomy, Weekday};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::{hhmm, slot_keys};
use crate::model::StoredGroup;

/// The HSDS version this API follows.
pub const VERSION: &str = "3.0";
/// The name of the taxonomy of our topics.
pub const TAXONOMY: &str = "supportmesh-topics";

/// `GET /hsds/`: the version, the profile and where the OpenAPI document is.
pub fn root() -> Value {
    json!({
        "version": VERSION,
        "profile": "https://docs.openreferral.org/en/3.0/",
        "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
    })
}

/// A page of the spec's envelope. `page` counts from 1.
pub fn page(contents: Vec<Value>, total_items: usize, page: usize, per_page: usize) -> Value {
    let total_pages = total_items.div_ceil(per_page.max(1)).max(1);
    json!({
        "total_items": total_items,
        "total_pages": total_pages,
        "page_number": page,
        "size": contents.len(),
        "first_page": page <= 1,
        "last_page": page >= total_pages,
        "empty": contents.is_empty(),
        "contents": contents,
    })
}

/// The service of a group, in full (schedules, locations, languages, attributes, organization).
pub fn service(g: &StoredGroup, taxonomy: &Taxonomy) -> Value {
    let mut s = service_core(g);
    let sid = id(g, SERVICE, None);
    let schedules: Vec<Value> = slot_keys(g).iter().filter_map(|(key, m)| schedule(g, &sid, key, &m.slot)).collect();
    s.insert("schedules".into(), Value::Array(schedules));
    s.insert("service_at_locations".into(), Value::Array(service_at_locations(g, false)));
    let languages: Vec<Value> = g
        .listing
        .languages
        .iter()
        .map(|code| json!({"id": id(g, LANGUAGE, Some(code)), "service_id": sid, "code": code}))
        .collect();
    s.insert("languages".into(), Value::Array(languages));
    let attributes: Vec<Value> = g
        .listing
        .topics
        .iter()
        .map(|t| {
            let term = term(taxonomy, t.topic.as_str());
            json!({
                "id": id(g, ATTRIBUTE, Some(t.topic.as_str())),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
            })
        })
        .collect();
    s.insert("attributes".into(), Value::Array(attributes));
    Value::Object(s)
}

/// A service_at_location list entry per place of the group: the link, its location, and the
/// service in brief.
pub fn service_at_location_items(g: &StoredGroup) -> Vec<Value> {
    service_at_locations(g, true)
}

/// The organisation a group names: (id, name).
pub fn organization_of(g: &StoredGroup) -> Option<(String, String)> {
    let name = g.listing.organisation.as_deref()?.trim();
    (!name.is_empty()).then(|| (shared_id(ORGANIZATION, &name.to_lowercase()), name.to_owned()))
}

/// An organization: in brief for lists, or with its services in full.
pub fn organization(id: &str, name: &str, website: Option<&str>, services: Option<Vec<Value>>) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(id));
    o.insert("name".into(), json!(name));
    o.insert("description".into(), json!(format!("{name}, as the support groups it runs name it.")));
    if let Some(w) = website {
        o.insert("website".into(), json!(w));
    }
    if let Some(services) = services {
        o.insert("services".into(), Value::Array(services));
    }
    Value::Object(o)
}

/// The one taxonomy: our topics.
pub fn taxonomy() -> Value {
    json!({
        "id": shared_id(TAXONOMY_KIND, TAXONOMY),
        "name": TAXONOMY,
        "description": "The topics supportmesh tags groups with: the core taxonomy and the topics its configuration adds.",
        "uri": "https://github.com/supportmesh/supportmesh#topics",
        "version": "1",
    })
}

/// Every topic as a taxonomy term, parents first as the taxonomy lists them.
pub fn taxonomy_terms(taxonomy: &Taxonomy) -> Vec<Value> {
    taxonomy.topics().iter().map(|t| term(taxonomy, t.topic.as_str())).collect()
}

/// The topic code of a taxonomy term id, if it is one of ours.
pub fn topic_of_term<'a>(taxonomy: &'a Taxonomy, term_id: &str) -> Option<&'a str> {
    taxonomy.topics().iter().map(|t| t.topic.as_str()).find(|code| term_id_of(code) == term_id.to_ascii_lowercase())
}

/// The group id a derived service, location or service_at_location id belongs to.
pub fn group_id_of(uuid: &str) -> Option<String> {
    let hex: String = uuid.chars().filter(|c| *c != '-').collect::<String>().to_ascii_lowercase();
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let kind = &hex[16..20];
    [SERVICE, LOCATION, SERVICE_AT_LOCATION].contains(&kind).then(|| format!("g{}", &hex[..16]))
}

/// Whether a group changed on or after `at` (HSDS `modified_after`).
pub fn modified_since(g: &StoredGroup, at: Option<DateTime<Utc>>) -> bool {
    at.is_none_or(|at| g.updated_at >= at)
}

const SERVICE: &str = "0001";
const ORGANIZATION: &str = "0002";
const LOCATION: &str = "0003";
const SERVICE_AT_LOCATION: &str = "0004";
const SCHEDULE: &str = "0005";
const ADDRESS: &str = "0006";
const LANGUAGE: &str = "0007";
const ATTRIBUTE: &str = "0008";
const TERM: &str = "0009";
const TAXONOMY_KIND: &str = "000a";

/// A group's derived UUID of `kind`, with 12 hex digits of the hash of `part` (else zeros).
fn id(g: &StoredGroup, kind: &str, part: Option<&str>) -> String {
    let hex = g.id.strip_prefix('g').filter(|h| h.len() == 16).map_or_else(|| hash_hex(&g.id, 16), str::to_owned);
    let tail = part.map_or_else(|| "0".repeat(12), |p| hash_hex(p, 12));
    format!("{}-{}-{}-{kind}-{tail}", &hex[..8], &hex[8..12], &hex[12..16])
}

/// The UUID of something groups share, from its key.
fn shared_id(kind: &str, key: &str) -> String {
    let hex = hash_hex(&format!("{kind}:{key}"), 28);
    format!("{}-{}-{}-{kind}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..28])
}

fn hash_hex(text: &str, digits: usize) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect::<String>()[..digits].to_owned()
}

fn term_id_of(code: &str) -> String {
    shared_id(TERM, code)
}

fn term(taxonomy: &Taxonomy, code: &str) -> Value {
    let info = importers::Topic::parse(code).and_then(|t| taxonomy.get(&t).cloned());
    let label = info.as_ref().map_or_else(|| code.to_owned(), |i| i.label.clone());
    let mut t = Map::new();
    t.insert("id".into(), json!(term_id_of(code)));
    t.insert("code".into(), json!(code));
    t.insert("name".into(), json!(label));
    t.insert("description".into(), json!(format!("Groups for {}", label.to_lowercase())));
    t.insert("taxonomy".into(), json!(TAXONOMY));
    t.insert("taxonomy_id".into(), taxonomy_id());
    if let Some(parent) = info.and_then(|i| i.parent) {
        t.insert("parent_id".into(), json!(term_id_of(parent.as_str())));
    }
    Value::Object(t)
}

fn taxonomy_id() -> Value {
    json!(shared_id(TAXONOMY_KIND, TAXONOMY))
}

/// What a service is without its nested lists.
fn service_core(g: &StoredGroup) -> Map<String, Value> {
    let l = &g.listing;
    let mut s = Map::new();
    s.insert("id".into(), json!(id(g, SERVICE, None)));
    s.insert("name".into(), json!(l.name));
    if let Some(d) = &l.description {
        s.insert("description".into(), json!(d));
    }
    if let Some(url) = l.contact.website.as_deref().or(l.url.as_deref()) {
        s.insert("url".into(), json!(url));
    }
    s.insert("status".into(), json!(if l.active { "active" } else { "inactive" }));
    if let Some(cost) = &l.cost {
        s.insert("fees_description".into(), json!(cost));
    }
    s.insert("last_modified".into(), json!(g.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
    if let Some((oid, name)) = organization_of(g) {
        s.insert("organization_id".into(), json!(oid));
        s.insert("organization".into(), organization(&oid, &name, None, None));
    }
    s
}

/// The group's places: its physical location, and a virtual one for its join link.
fn service_at_locations(g: &StoredGroup, with_service: bool) -> Vec<Value> {
    let l = &g.listing;
    let sid = id(g, SERVICE, None);
    let mut out = Vec::new();
    let in_person = l.attendance != Attendance::Online;
    if let Some(p) = l.location.as_ref().filter(|_| in_person) {
        let lid = id(g, LOCATION, Some("physical"));
        let mut loc = Map::new();
        loc.insert("id".into(), json!(lid));
        loc.insert("location_type".into(), json!("physical"));
        if let Some(n) = &p.name {
            loc.insert("name".into(), json!(n));
        }
        if let (Some(lat), Some(lon)) = (p.latitude, p.longitude) {
            loc.insert("latitude".into(), json!(lat));
            loc.insert("longitude".into(), json!(lon));
        }
        if let Some(t) = &p.notes {
            loc.insert("transportation".into(), json!(t));
        }
        let street = p.address.clone().or_else(|| p.formatted.clone());
        if street.is_some() || p.locality.is_some() || p.postcode.is_some() {
            let text = |v: &Option<String>| json!(v.clone().unwrap_or_default());
            loc.insert(
                "addresses".into(),
                json!([{
                    "id": id(g, ADDRESS, Some("physical")),
                    "location_id": lid,
                    "address_1": text(&street),
                    "city": text(&p.locality),
                    "state_province": text(&p.region),
                    "postal_code": text(&p.postcode),
                    "country": text(&p.country),
                    "address_type": "physical",
                }]),
            );
        }
        out.push(link(g, &sid, &lid, "physical", Value::Object(loc), with_service));
    }
    if let Some(url) = l.online.as_ref().and_then(|o| o.url.as_deref()) {
        let lid = id(g, LOCATION, Some("virtual"));
        let loc = json!({"id": lid, "location_type": "virtual", "url": url, "name": "Online"});
        out.push(link(g, &sid, &lid, "virtual", loc, with_service));
    }
    out
}

fn link(g: &StoredGroup, sid: &str, lid: &str, which: &str, location: Value, with_service: bool) -> Value {
    let mut sal = Map::new();
    sal.insert("id".into(), json!(id(g, SERVICE_AT_LOCATION, Some(which))));
    sal.insert("service_id".into(), json!(sid));
    sal.insert("location_id".into(), json!(lid));
    sal.insert("location".into(), location);
    if with_service {
        sal.insert("service".into(), Value::Object(service_core(g)));
    }
    Value::Object(sal)
}

/// One meeting as a schedule; none for a meeting by appointment or without a day.
fn schedule(g: &StoredGroup, sid: &str, key: &str, m: &Meeting) -> Option<Value> {
    let day = m.weekday?;
    let mut s = Map::new();
    s.insert("id".into(), json!(id(g, SCHEDULE, Some(key))));
    s.insert("service_id".into(), json!(sid));
    let when = match &m.recurrence {
        Recurrence::Weekly => {
            s.insert("freq".into(), json!("WEEKLY"));
            s.insert("byday".into(), json!(byday(day)));
            s.insert("interval".into(), json!(1));
            format!("{}s", capitalised(day))
        }
        Recurrence::MonthlyNth { weeks } => {
            let list: Vec<String> = weeks.iter().map(|w| format!("{w}{}", byday(day))).collect();
            s.insert("freq".into(), json!("MONTHLY"));
            s.insert("byday".into(), json!(list.join(",")));
            s.insert("interval".into(), json!(1));
            format!("{} of the month ({})", capitalised(day), list.join(", "))
        }
        Recurrence::Once { date } => {
            s.insert("dtstart".into(), json!(date.to_string()));
            date.format("%A %-d %B %Y").to_string()
        }
        Recurrence::ByAppointment => return None,
    };
    let times = match (m.start, m.end) {
        (Some(a), Some(b)) => format!(" {}-{}", hhmm(a), hhmm(b)),
        (Some(a), None) => format!(" at {}", hhmm(a)),
        _ => String::new(),
    };
    if let Some(a) = m.start {
        s.insert("opens_at".into(), json!(hhmm(a)));
    }
    if let Some(b) = m.start.and(m.end) {
        s.insert("closes_at".into(), json!(hhmm(b)));
    }
    if let Some(offset) = standard_offset_hours(&m.timezone, &m.recurrence) {
        s.insert("timezone".into(), json!(offset));
    }
    s.insert("description".into(), json!(format!("{when}{times}, {} time", m.timezone)));
    Some(Value::Object(s))
}

/// The zone's standard UTC offset in hours (as of the one-off's date, else of 2025).
fn standard_offset_hours(zone: &str, recurrence: &Recurrence) -> Option<f64> {
    let tz: Tz = zone.parse().ok()?;
    let date = match recurrence {
        Recurrence::Once { date } => *date,
        _ => NaiveDate::from_ymd_opt(2025, 1, 15)?,
    };
    let at = Utc.from_utc_datetime(&date.and_hms_opt(12, 0, 0)?);
    let secs = tz.offset_from_utc_datetime(&at.naive_utc()).base_utc_offset().num_seconds();
    Some(secs as f64 / 3600.0)
}

fn byday(day: Weekday) -> &'static str {
    ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][day as usize]
}

fn capitalised(day: Weekday) -> String {
    let s = day.as_str();
    format!("{}{}", s[..1].to_ascii_uppercase(), &s[1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_ids_lead_back_to_their_group() {
        let g = "g0123456789abcdef";
        let fake = StoredGroup {
            id: g.into(),
            listing: Default::default(),
            records: vec![],
            links: vec![],
            meetings: vec![],
            status: crate::model::GroupStatus::Active,
            status_conflict: None,
            first_seen: Utc::now(),
            updated_at: Utc::now(),
        };
        let sid = id(&fake, SERVICE, None);
        assert_eq!(sid, "01234567-89ab-cdef-0001-000000000000");
        assert_eq!(group_id_of(&sid).as_deref(), Some(g));
        assert_eq!(group_id_of(&id(&fake, SCHEDULE, Some("thu-1930"))), None);
        assert_eq!(group_id_of("not-a-uuid"), None);
    }

    #[test]
    fn pages_follow_the_envelope() {
        let p = page(vec![json!(1), json!(2)], 5, 2, 2);
        assert_eq!(p["total_pages"], 3);
        assert_eq!((p["first_page"].as_bool(), p["last_page"].as_bool()), (Some(false), Some(false)));
        assert_eq!(p["size"], 2);
    }
}
