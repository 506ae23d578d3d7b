//! What the finder tests share: Meeting Guide rows written inline, what a reader of such a
//! feed expects of each group (worked out from the rows' own fields and the rules the schema
//! states, never from the service's answers), and small GraphQL calls.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::helpers::{feed_groups, TestApp};

/// Meeting Guide day numbers (0 = Sunday) as the API spells weekdays.
pub const WEEKDAYS: [&str; 7] = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"];

/// A Meeting Guide row: `day` 0 = Sunday, `time` "HH:MM", `types` its type codes.
pub fn row(slug: &str, name: &str, day: u8, time: &str, types: &[&str]) -> Value {
    json!({ "slug": slug, "name": name, "day": day, "time": time, "types": types })
}

/// `row` with more fields (an address and a point, a conference link, notes...).
pub fn with(mut row: Value, more: Value) -> Value {
    let fields = row.as_object_mut().expect("a row is an object");
    for (k, v) in more.as_object().expect("more fields are an object") {
        fields.insert(k.clone(), v.clone());
    }
    row
}

/// An in-person place: `formatted_address` and the point.
pub fn at(address: &str, latitude: f64, longitude: f64) -> Value {
    json!({ "formatted_address": address, "latitude": latitude, "longitude": longitude })
}

pub fn feed(rows: &[Value]) -> Vec<u8> {
    serde_json::to_vec(rows).expect("rows serialise")
}

/// A non-empty string field of a row.
pub fn field<'a>(r: &'a Value, key: &str) -> Option<&'a str> {
    r[key].as_str().filter(|s| !s.trim().is_empty())
}

pub fn has_code(r: &Value, code: &str) -> bool {
    r["types"].as_array().is_some_and(|t| t.iter().any(|c| c == code))
}

/// The row's weekday as the API spells it.
pub fn weekday(r: &Value) -> &'static str {
    WEEKDAYS[r["day"].as_u64().expect("a day number") as usize]
}

/// Attendance as the Meeting Guide reading rules say: a conference link with a street address
/// (and the place not temporarily closed) is hybrid; a link, or the ONL code, without one is
/// online; the rest is in person.
pub fn attendance(r: &Value) -> &'static str {
    let link = field(r, "conference_url").is_some();
    let place = field(r, "formatted_address").is_some();
    if link && place && !has_code(r, "TC") {
        "HYBRID"
    } else if link || has_code(r, "ONL") {
        "ONLINE"
    } else {
        "IN_PERSON"
    }
}

/// The languages the row's codes name (only the codes these tests use).
pub fn languages(r: &Value) -> BTreeSet<&'static str> {
    [("EN", "en"), ("S", "es"), ("FR", "fr"), ("ASL", "ase")]
        .into_iter()
        .filter(|(code, _)| has_code(r, code))
        .map(|(_, tag)| tag)
        .collect()
}

/// Minutes since midnight of "HH:MM".
pub fn minutes(hhmm: &str) -> u32 {
    let (h, m) = hhmm.split_once(':').expect("HH:MM");
    h.parse::<u32>().expect("hours") * 60 + m.parse::<u32>().expect("minutes")
}

/// The parts of the day a local start falls in, by the schema's windows: MORNING 04:00-11:59,
/// MIDDAY 11:00-16:59, EVENING 16:00-20:59, NIGHT 20:00-04:59.
pub fn parts_of_day(hhmm: &str) -> BTreeSet<&'static str> {
    let m = minutes(hhmm);
    let within = |from: u32, to: u32| (from * 60..to * 60).contains(&m);
    let mut out = BTreeSet::new();
    if within(4, 12) {
        out.insert("MORNING");
    }
    if within(11, 17) {
        out.insert("MIDDAY");
    }
    if within(16, 21) {
        out.insert("EVENING");
    }
    if within(20, 24) || within(0, 5) {
        out.insert("NIGHT");
    }
    out
}

/// Whether a start is in the window `startsAfter` (at or after) to `startsBefore` (before),
/// the window wrapping midnight when after is later than before.
pub fn starts_in(hhmm: &str, after: Option<&str>, before: Option<&str>) -> bool {
    let s = minutes(hhmm);
    match (after.map(minutes), before.map(minutes)) {
        (None, None) => true,
        (Some(a), None) => s >= a,
        (None, Some(b)) => s < b,
        (Some(a), Some(b)) if a <= b => a <= s && s < b,
        (Some(a), Some(b)) => s >= a || s < b,
    }
}

/// Great-circle distance in km (mean Earth radius 6371.0088 km).
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().asin()
}

/// The row's point, when it has one.
pub fn point(r: &Value) -> Option<(f64, f64)> {
    Some((r["latitude"].as_f64()?, r["longitude"].as_f64()?))
}

/// Lower case without accents (the letters these tests use), as "case and accents ignored".
pub fn fold(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'î' | 'ï' => 'i',
            'ó' | 'ô' | 'ö' => 'o',
            'ú' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

/// One source of a test, as the reader knows it: its id, its rows, and the kind and topic its
/// configuration gives every row.
pub struct FeedSource<'a> {
    pub id: &'a str,
    pub rows: &'a [Value],
    pub kind: &'static str,
    pub topic: &'static str,
}

/// One group a reader of the feeds expects.
#[derive(Debug, Clone)]
pub struct Expected {
    pub name: String,
    /// Every row that describes one of its meetings, from any source.
    pub rows: Vec<Value>,
    pub sources: BTreeSet<String>,
    pub kind: &'static str,
    pub topic: &'static str,
}

impl Expected {
    /// Some row of the group passes `pred`.
    pub fn any(&self, pred: impl Fn(&Value) -> bool) -> bool {
        self.rows.iter().any(pred)
    }

    pub fn weekdays(&self) -> BTreeSet<&'static str> {
        self.rows.iter().map(weekday).collect()
    }

    pub fn parts_of_day(&self) -> BTreeSet<&'static str> {
        self.rows.iter().flat_map(|r| parts_of_day(field(r, "time").expect("a time"))).collect()
    }

    pub fn languages(&self) -> BTreeSet<&'static str> {
        self.rows.iter().flat_map(languages).collect()
    }

    pub fn attendance(&self) -> &'static str {
        attendance(&self.rows[0])
    }
}

/// The groups of several sources' feeds: each feed's rows assembled as `feed_groups` does, and
/// groups of different sources with the same name at the same address one group.
pub fn expected_groups(sources: &[FeedSource<'_>]) -> Vec<Expected> {
    let mut out: Vec<Expected> = Vec::new();
    for s in sources {
        for members in feed_groups(s.rows) {
            let rows: Vec<Value> = members.iter().map(|&i| s.rows[i].clone()).collect();
            let name = rows[0]["name"].as_str().expect("a name").to_owned();
            let address = field(&rows[0], "formatted_address").map(str::to_owned);
            let same = out.iter_mut().find(|g| {
                g.name == name && address.is_some() && field(&g.rows[0], "formatted_address") == address.as_deref()
            });
            match same {
                Some(g) => {
                    g.rows.extend(rows);
                    g.sources.insert(s.id.to_owned());
                }
                None => out.push(Expected {
                    name,
                    rows,
                    sources: BTreeSet::from([s.id.to_owned()]),
                    kind: s.kind,
                    topic: s.topic,
                }),
            }
        }
    }
    out
}

/// The names of the expected groups that pass `pred`, sorted.
pub fn names_where(groups: &[Expected], pred: impl Fn(&Expected) -> bool) -> Vec<String> {
    let mut names: Vec<String> = groups.iter().filter(|g| pred(g)).map(|g| g.name.clone()).collect();
    names.sort();
    names
}

/// The names of every group a filter finds (all pages), sorted.
pub async fn names(app: &TestApp, filter: Value) -> Vec<String> {
    let mut names: Vec<String> = app
        .all_groups_where("name", filter)
        .await
        .iter()
        .map(|n| n["name"].as_str().expect("a name").to_owned())
        .collect();
    names.sort();
    names
}

/// `totalCount` of a filter.
pub async fn total(app: &TestApp, filter: Value) -> usize {
    let d =
        app.gql("query($f: GroupFilter) { groups(filter: $f, first: 1) { totalCount } }", json!({ "f": filter })).await;
    d["groups"]["totalCount"].as_u64().expect("a count") as usize
}

/// A request that must fail with BAD_USER_INPUT and no data; returns the message.
pub async fn bad_input(app: &TestApp, query: &str, variables: Value) -> String {
    let body = app.gql_raw(query, variables, None).await;
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{body}");
    assert!(
        body["data"].is_null() || body["data"].as_object().is_some_and(|d| d.values().all(Value::is_null)),
        "{body}"
    );
    error["message"].as_str().expect("a message").to_owned()
}
