//! One peer `Group` node (GraphQL JSON) back into a `Listing`.
//!
//! The peer already normalised its groups, but its answer is still outside input: every text
//! is sanitised again, URLs, phones and emails normalised again, coordinates validated, and
//! enum values (SCREAMING_CASE GraphQL names) mapped back to this crate's enums. An unknown
//! value is a problem and is left out; a node without an id or name is dropped. Topic tags
//! keep the peer's rule as "peer: <rule>"; a topic this service does not know (neither core
//! nor in `SourceOptions::taxonomy`) is a problem and is left out. `origins` are the
//! instance ids the records name and the peer's own. Paging and documents are `peer.rs`'s job.

use chrono::{NaiveDate, NaiveTime};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::model::{Contact, Listing, Location, Meeting, OnlineAccess, Recurrence, Topic, TopicTag, Weekday};
use crate::normalize::{address, geo, phone, text, time, web};
use crate::options::SourceOptions;
use crate::problem::RecordProblems;

/// What became of one node.
pub(super) enum Outcome {
    Listing(Box<Listing>),
    /// Status `REMOVED`: skipped, counted by the caller.
    Removed,
    /// Unusable (a problem says why).
    Dropped,
}

/// Maps one node; `problems` name it by its position until its group id is read, then by that.
pub(super) fn listing(
    value: &Value,
    opts: &SourceOptions,
    peer: Option<&str>,
    problems: &mut RecordProblems<'_>,
) -> Outcome {
    let Some(obj) = value.as_object() else {
        problems.dropped(None, "a group node that is not an object");
        return Outcome::Dropped;
    };
    let id = match obj.get("id") {
        Some(Value::String(s)) => Some(s.trim().to_owned()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let Some(id) = id.filter(|i| !i.is_empty()) else {
        problems.dropped(Some("id"), "no group id");
        return Outcome::Dropped;
    };
    if obj.get("status").and_then(Value::as_str) == Some("REMOVED") {
        return Outcome::Removed;
    }
    problems.rename(id.as_str());
    let mut n = Node { obj, id, problems };
    let Some(name) = n.line(obj, "name") else {
        n.problems.dropped(Some("name"), "no name");
        return Outcome::Dropped;
    };
    let location = n.location();
    let country = location.as_ref().and_then(|l| l.country.clone()).or_else(|| opts.country.clone());
    let listing = Listing {
        group: None,
        name,
        description: n.text(obj, "description"),
        kind: n.enum_value(obj, "kind").or(opts.kind).unwrap_or_default(),
        topics: n.topics(opts),
        audience: n.enum_list("audience"),
        attendance: n.enum_value(obj, "attendance").unwrap_or_default(),
        meetings: n.meetings(&opts.timezone),
        online: n.online(country.as_deref()),
        contact: n.contact(country.as_deref()),
        location,
        organisation: n.line(obj, "organisation"),
        cost: n.line(obj, "cost"),
        languages: strings(obj.get("languages")).filter_map(text::plain_line).collect(),
        accessibility: n.enum_list("accessibility"),
        open: obj.get("open").and_then(Value::as_bool),
        codes: strings(obj.get("sourceCodes")).filter_map(text::plain_line).collect(),
        url: list(obj.get("records")).filter_map(|r| r.get("url")?.as_str()).find_map(web::normalize_url),
        updated_at: obj.get("updatedAt").and_then(Value::as_str).and_then(time::parse_updated),
        active: obj.get("active").and_then(Value::as_bool).unwrap_or(true),
        external_id: n.id.clone(),
        origins: origins(obj, peer),
    };
    Outcome::Listing(Box::new(listing))
}

/// Every instance id the group's records name in `origins` (first seen first), then the
/// peer's own; ids that are not plain instance ids are left out.
fn origins(obj: &Map<String, Value>, peer: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let named = list(obj.get("records")).flat_map(|r| strings(r.get("origins")));
    for id in named.chain(peer).filter_map(instance_id) {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// An instance id as configuration allows them (1 to 64 letters, digits, `-`, `_`, `.`, `:`).
pub(super) fn instance_id(raw: &str) -> Option<String> {
    let id = raw.trim();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':');
    (!id.is_empty() && id.len() <= 64 && id.chars().all(allowed)).then(|| id.to_owned())
}

/// A node being read, and where its problems go.
struct Node<'a, 'p> {
    obj: &'a Map<String, Value>,
    id: String,
    problems: &'a mut RecordProblems<'p>,
}

impl Node<'_, '_> {
    fn line(&mut self, obj: &Map<String, Value>, key: &str) -> Option<String> {
        obj.get(key).and_then(Value::as_str).and_then(text::plain_line).map(|l| text::redact_secrets(&l))
    }

    fn text(&mut self, obj: &Map<String, Value>, key: &str) -> Option<String> {
        obj.get(key).and_then(Value::as_str).and_then(text::plain_text).map(|t| text::redact_secrets(&t))
    }

    /// A SCREAMING_CASE enum value as one of this crate's snake_case enums.
    fn enum_value<T: DeserializeOwned>(&mut self, obj: &Map<String, Value>, key: &str) -> Option<T> {
        let raw = obj.get(key).and_then(Value::as_str)?;
        let parsed = enum_named(raw);
        if parsed.is_none() {
            self.problems.field(key, format!("unknown value \"{}\"", raw.chars().take(40).collect::<String>()));
        }
        parsed
    }

    fn enum_list<T: DeserializeOwned + PartialEq>(&mut self, key: &str) -> Vec<T> {
        let mut out = Vec::new();
        for raw in strings(self.obj.get(key)) {
            match enum_named(raw) {
                Some(v) if !out.contains(&v) => out.push(v),
                Some(_) => {}
                None => {
                    self.problems.field(key, format!("unknown value \"{}\"", raw.chars().take(40).collect::<String>()))
                }
            }
        }
        out
    }

    /// `topicTags` with their rule ("peer: keyword \"bereave\""), else `topics` ("peer"),
    /// then the source's own default topics.
    fn topics(&mut self, opts: &SourceOptions) -> Vec<TopicTag> {
        let mut tags: Vec<TopicTag> = Vec::new();
        let add = |tags: &mut Vec<TopicTag>, topic: Topic, rule: String| {
            if !tags.iter().any(|t| t.topic == topic) {
                tags.push(TopicTag { topic, rule });
            }
        };
        let tag_objects: Vec<&Value> = list(self.obj.get("topicTags")).collect();
        let pairs: Vec<(String, String)> = if tag_objects.is_empty() {
            strings(self.obj.get("topics")).map(|t| (t.to_owned(), "peer".to_owned())).collect()
        } else {
            let rule = |t: &Value| t.get("rule").and_then(Value::as_str).and_then(text::plain_line).unwrap_or_default();
            tag_objects
                .iter()
                .filter_map(|t| Some((t.get("topic")?.as_str()?.to_owned(), format!("peer: {}", rule(t)))))
                .collect()
        };
        for (raw, rule) in pairs {
            match opts.taxonomy.resolve(&raw) {
                Some(topic) => add(&mut tags, topic, rule),
                None => self
                    .problems
                    .field("topics", format!("unknown topic \"{}\"", raw.chars().take(40).collect::<String>())),
            }
        }
        for topic in &opts.topics {
            add(&mut tags, topic.clone(), "source default".to_owned());
        }
        tags
    }

    fn meetings(&mut self, default_zone: &str) -> Vec<Meeting> {
        let mut out = Vec::new();
        for (i, m) in list(self.obj.get("meetings")).enumerate() {
            let Some(m) = m.as_object() else { continue };
            match meeting(m, default_zone) {
                Ok((meeting, note)) => {
                    if let Some(note) = note {
                        self.problems.field("meetings", format!("meeting {}: {note}", i + 1));
                    }
                    out.push(meeting);
                }
                Err(why) => self.problems.field("meetings", format!("meeting {} left out: {why}", i + 1)),
            }
        }
        out
    }

    fn location(&mut self) -> Option<Location> {
        let obj = self.obj.get("location")?.as_object()?;
        let country = obj.get("country").and_then(Value::as_str).and_then(|c| address::country_code(c, true));
        let (lat, lon) = (coordinate(obj.get("latitude")), coordinate(obj.get("longitude")));
        let (latitude, longitude) = geo::coordinates(lat, lon, ("location", "location"), self.problems).unzip();
        let postcode = self.line(obj, "postcode").and_then(|p| address::normalize_postcode(&p, country.as_deref()));
        let location = Location {
            name: self.line(obj, "name"),
            address: self.line(obj, "address"),
            locality: self.line(obj, "locality"),
            region: self.line(obj, "region"),
            postcode,
            country,
            formatted: self.line(obj, "formatted"),
            latitude,
            longitude,
            approximate: obj.get("approximate").and_then(Value::as_bool).unwrap_or(false),
            notes: self.text(obj, "notes"),
        };
        (location != Location { approximate: location.approximate, ..Location::default() }).then_some(location)
    }

    fn online(&mut self, country: Option<&str>) -> Option<OnlineAccess> {
        let obj = self.obj.get("online")?.as_object()?;
        let raw_url = obj.get("url").and_then(Value::as_str);
        let raw_phone = obj.get("phone").and_then(Value::as_str);
        let online = OnlineAccess {
            url: raw_url.and_then(web::conference_url),
            phone: raw_phone.and_then(|p| phone::conference_phone(p, country)),
            conference_id: raw_url.and_then(web::conference_id).or_else(|| raw_phone.and_then(phone::dial_meeting_id)),
            notes: self.text(obj, "notes"),
        };
        (online != OnlineAccess::default()).then_some(online)
    }

    fn contact(&mut self, country: Option<&str>) -> Contact {
        let Some(obj) = self.obj.get("contact").and_then(Value::as_object) else { return Contact::default() };
        let field = |key: &str| obj.get(key).and_then(Value::as_str);
        Contact {
            email: field("email").and_then(web::normalize_email),
            phone: field("phone").and_then(|p| phone::normalize_phone(p, country)),
            website: field("website").and_then(web::normalize_url),
        }
    }
}

/// One meeting object, with a note when its zone had to be replaced.
fn meeting(m: &Map<String, Value>, default_zone: &str) -> Result<(Meeting, Option<String>), String> {
    let field = |key: &str| m.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let weekday = match field("weekday") {
        Some(raw) => Some(enum_named::<Weekday>(raw).ok_or_else(|| format!("unknown weekday \"{raw}\""))?),
        None => None,
    };
    let clock = |key: &str| -> Result<Option<NaiveTime>, String> {
        field(key).map(|raw| time::parse_time(raw).ok_or_else(|| format!("unreadable {key} \"{raw}\""))).transpose()
    };
    let (start, end) = (clock("startTime")?, clock("endTime")?);
    let (timezone, note) = match field("timezone") {
        Some(raw) => match time::validate_timezone(raw) {
            Some(zone) => (zone, None),
            None => (default_zone.to_owned(), Some(format!("unknown time zone \"{raw}\"; taken as {default_zone}"))),
        },
        None => (default_zone.to_owned(), None),
    };
    let recurrence = match field("recurrence").unwrap_or("WEEKLY") {
        "WEEKLY" => Recurrence::Weekly,
        "BY_APPOINTMENT" => Recurrence::ByAppointment,
        "MONTHLY_NTH" => {
            let weeks: Vec<i8> = list(m.get("weeksOfMonth"))
                .filter_map(Value::as_i64)
                .filter(|w| (1..=5).contains(w) || *w == -1)
                .filter_map(|w| i8::try_from(w).ok())
                .collect();
            if weeks.is_empty() {
                return Err("MONTHLY_NTH without usable weeksOfMonth".to_owned());
            }
            Recurrence::MonthlyNth { weeks }
        }
        "ONCE" => {
            let raw = field("date").ok_or("ONCE without a date")?;
            let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| format!("unreadable date \"{raw}\""))?;
            Recurrence::Once { date }
        }
        other => return Err(format!("unknown recurrence \"{}\"", other.chars().take(40).collect::<String>())),
    };
    Ok((Meeting { weekday, start, end: start.and(end), timezone, recurrence }, note))
}

/// `PEER_SUPPORT` as `GroupKind::PeerSupport` (via the snake_case serde names).
fn enum_named<T: DeserializeOwned>(raw: &str) -> Option<T> {
    serde_json::from_value(Value::String(raw.trim().to_ascii_lowercase())).ok()
}

fn list(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

fn strings(value: Option<&Value>) -> impl Iterator<Item = &str> {
    list(value).filter_map(Value::as_str)
}

/// A latitude or longitude: a number, or a number written as text.
fn coordinate(value: Option<&Value>) -> geo::Coordinate<'_> {
    match value {
        Some(Value::Number(n)) => n.as_f64().into(),
        Some(Value::String(s)) => geo::Coordinate::text(Some(s)),
        _ => geo::Coordinate::Missing,
    }
}
