//! One BMLT meeting object, in either API shape, read into one [`Record`].
//!
//! The semantic shape writes every value as a string ("5", "19:00:00", "1"); the Admin API v1
//! shape uses numbers, booleans, arrays and `null`. [`Obj`] reads either kind leniently and
//! reports a problem for a value of the wrong kind. Days are converted here (semantic
//! 1 = Sunday, v1 0 = Sunday); contact fields (`contact_*`, `email`, `email_contact`) are
//! never read. What a record means for a listing is `listing.rs`'s job.

use chrono::{NaiveTime, TimeDelta};
use serde_json::{Map, Value};

use crate::meeting_guide::json_kind;
use crate::model::Weekday;
use crate::normalize::time;
use crate::problem::RecordProblems;

use super::document::Shape;

/// A meeting, whatever the shape it came in. Text fields are raw (trimmed, not sanitised).
#[derive(Debug, Default)]
pub(super) struct Record {
    pub id: String,
    pub name: Option<String>,
    pub weekday: Option<Weekday>,
    pub start: Option<NaiveTime>,
    pub duration: Option<TimeDelta>,
    pub timezone: Option<String>,
    pub venue_type: Option<i64>,
    pub temporarily_virtual: bool,
    pub published: Option<bool>,
    /// Local format keys as given ("O", "BT"); semantic shape only.
    pub format_keys: Vec<String>,
    /// Format ids into the formats table.
    pub format_ids: Vec<String>,
    pub service_body: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub location_text: Option<String>,
    pub location_info: Option<String>,
    pub street: Option<String>,
    pub town: Option<String>,
    pub province: Option<String>,
    pub postcode: Option<String>,
    pub nation: Option<String>,
    pub comments: Option<String>,
    pub virtual_link: Option<String>,
    pub virtual_info: Option<String>,
    pub phone_meeting: Option<String>,
}

/// Reads one meeting of the document; `None` (with a problem) when it has no id.
/// `problems` name it by its position (`[3]`) until its id is read, then by that.
pub(super) fn read(shape: Shape, item: &Value, problems: &mut RecordProblems<'_>) -> Option<Record> {
    let Value::Object(map) = item else {
        problems.dropped(None, format!("expected a meeting object, found {}", json_kind(item)));
        return None;
    };
    let mut o = Obj { map, problems };
    let id_key = if shape == Shape::Semantic { "id_bigint" } else { "id" };
    let Some(id) = o.text(id_key) else {
        o.problems.dropped(Some(id_key), "no meeting id");
        return None;
    };
    o.problems.rename(id.as_str());
    Some(match shape {
        Shape::Semantic => semantic(&mut o, id),
        Shape::AdminV1 => admin_v1(&mut o, id),
    })
}

fn semantic(o: &mut Obj, id: String) -> Record {
    let weekday = o.number("weekday_tinyint").and_then(|n| {
        let day = (1..=7).contains(&n).then(|| Weekday::from_sunday0(n - 1)).flatten();
        if day.is_none() {
            o.problems.field("weekday_tinyint", format!("day {n} is outside 1-7"));
        }
        day
    });
    Record {
        id,
        name: o.text("meeting_name"),
        weekday,
        start: o.clock("start_time"),
        duration: o.duration("duration_time"),
        timezone: o.text("time_zone"),
        venue_type: o.number("venue_type"),
        temporarily_virtual: false,
        published: o.flag("published"),
        format_keys: o.list("formats"),
        format_ids: o.list("format_shared_id_list"),
        service_body: o.text("service_body_bigint"),
        ..place(o)
    }
}

fn admin_v1(o: &mut Obj, id: String) -> Record {
    let weekday = o.number("day").and_then(|n| {
        let day = Weekday::from_sunday0(n);
        if day.is_none() {
            o.problems.field("day", format!("day {n} is outside 0-6"));
        }
        day
    });
    Record {
        id,
        name: o.text("name"),
        weekday,
        start: o.clock("startTime"),
        duration: o.duration("duration"),
        timezone: o.text("timeZone"),
        venue_type: o.number("venueType"),
        temporarily_virtual: o.flag("temporarilyVirtual").unwrap_or(false),
        published: o.flag("published"),
        format_keys: Vec::new(),
        format_ids: o.list("formatIds"),
        service_body: o.text("serviceBodyId"),
        ..place(o)
    }
}

/// The place and online fields, named the same in both shapes.
fn place(o: &mut Obj) -> Record {
    let town = ["location_municipality", "location_city_subsection", "location_neighborhood"]
        .into_iter()
        .find_map(|k| o.text(k));
    Record {
        latitude: o.float("latitude"),
        longitude: o.float("longitude"),
        location_text: o.text("location_text"),
        location_info: o.text("location_info"),
        street: o.text("location_street"),
        town,
        province: o.text("location_province"),
        postcode: o.text("location_postal_code_1"),
        nation: o.text("location_nation"),
        comments: o.text("comments"),
        virtual_link: o.text("virtual_meeting_link"),
        virtual_info: o.text("virtual_meeting_additional_info"),
        phone_meeting: o.text("phone_meeting_number"),
        ..Record::default()
    }
}

/// One meeting object's fields, read leniently, and where their problems go.
struct Obj<'a, 'p> {
    map: &'a Map<String, Value>,
    problems: &'a mut RecordProblems<'p>,
}

impl Obj<'_, '_> {
    /// A string or number as trimmed text; `None` for missing, null and blank.
    fn text(&mut self, key: &str) -> Option<String> {
        match self.map.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Value::Number(n) => Some(n.to_string()),
            other => {
                let kind = json_kind(other);
                self.problems.field(key, format!("expected text, found {kind}"));
                None
            }
        }
    }

    fn number(&mut self, key: &str) -> Option<i64> {
        let raw = self.text(key)?;
        let n = raw.parse::<i64>().ok();
        if n.is_none() {
            self.problems.field(key, format!("expected a whole number, found \"{}\"", short(&raw)));
        }
        n
    }

    fn float(&mut self, key: &str) -> Option<f64> {
        let raw = self.text(key)?;
        let n = raw.parse::<f64>().ok().filter(|v| v.is_finite());
        if n.is_none() {
            self.problems.field(key, format!("expected a number, found \"{}\"", short(&raw)));
        }
        n
    }

    fn flag(&mut self, key: &str) -> Option<bool> {
        if let Some(Value::Bool(b)) = self.map.get(key) {
            return Some(*b);
        }
        match self.text(key)?.to_ascii_lowercase().as_str() {
            "1" | "true" => Some(true),
            "0" | "false" => Some(false),
            other => {
                let shown = short(other);
                self.problems.field(key, format!("expected 1/0 or true/false, found \"{shown}\""));
                None
            }
        }
    }

    fn clock(&mut self, key: &str) -> Option<NaiveTime> {
        let raw = self.text(key)?;
        let t = time::parse_time(&raw);
        if t.is_none() {
            self.problems.field(key, format!("unreadable time \"{}\"", short(&raw)));
        }
        t
    }

    /// "01:30:00" or "01:30" as a length of time.
    fn duration(&mut self, key: &str) -> Option<TimeDelta> {
        let raw = self.text(key)?;
        let mut parts = raw.split(':').map(|p| p.trim().parse::<u32>().ok().filter(|_| p.trim().len() <= 2));
        let (h, m, s) = (parts.next().flatten(), parts.next().flatten(), parts.next().unwrap_or(Some(0)));
        let d = match (h, m, s, parts.next()) {
            (Some(h), Some(m), Some(s), None) if m < 60 && s < 60 => {
                Some(TimeDelta::seconds(i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s)))
            }
            _ => None,
        };
        if d.is_none() {
            self.problems.field(key, format!("unreadable duration \"{}\"", short(&raw)));
        }
        d
    }

    /// An array of scalars, or a comma-separated string.
    fn list(&mut self, key: &str) -> Vec<String> {
        let items: Vec<String> = match self.map.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect(),
            Some(Value::String(s)) => s.split(',').map(str::to_owned).collect(),
            Some(Value::Number(n)) => vec![n.to_string()],
            Some(Value::Null) | None => Vec::new(),
            Some(other) => {
                let kind = json_kind(other);
                self.problems.field(key, format!("expected a list, found {kind}"));
                Vec::new()
            }
        };
        items.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
    }
}

fn short(raw: &str) -> String {
    crate::normalize::text::plain_line(raw).unwrap_or_default().chars().take(40).collect()
}
