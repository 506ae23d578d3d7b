//! Query parameters of the published feeds to the finder's `Filter` and `Near`, so a feed
//! takes the filters the API does: `topic`, `kind`, `attendance`, `weekday`, `timeOfDay`,
//! `language`, `source`, `locality`, `region`, `status` (ACTIVE, MISSING), `text` (HSDS:
//! `search`), and a place as `lat`,
//! `lon` and `radius` (km, default 25) or `place` (a town, postcode or ZIP, resolved by the
//! caller). Each may repeat or hold values separated by commas; enum values are written as in
//! GraphQL (`TWELVE_STEP`) or in lower case (`twelve_step`). Unknown parameters are ignored
//! (feeds are read by tools that add their own). Errors name the parameter, never echo the
//! value back into a log: the caller only answers them.

use chrono::{DateTime, Utc};
use importers::{Attendance, GroupKind, Weekday};
use serde::de::DeserializeOwned;

use crate::finder::{Filter, Near, TimeOfDay};
use crate::model::GroupStatus;

/// The radius of `lat`/`lon` without `radius`, in km.
pub const DEFAULT_RADIUS_KM: f64 = 25.0;

/// What the parameters ask for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedParams {
    pub filter: Filter,
    /// From `lat`, `lon` and `radius`.
    pub near: Option<Near>,
    /// `place`: a town, postcode or ZIP for the caller to resolve (then `near` at `radius`).
    pub place: Option<String>,
    pub radius_km: f64,
    /// `modifiedAfter` (or HSDS `modified_after`): only groups changed after this instant.
    pub modified_after: Option<DateTime<Utc>>,
}

/// The query string's pairs, decoded.
pub fn pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect()
}

/// The first value of a parameter, if given and not blank.
pub fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

/// Reads the finder's parameters; the error names the parameter and what it takes.
pub fn feed_params(pairs: &[(String, String)]) -> Result<FeedParams, String> {
    let mut p = FeedParams { radius_km: DEFAULT_RADIUS_KM, ..FeedParams::default() };
    let f = &mut p.filter;
    for (key, raw) in pairs {
        let values = || raw.split(',').map(str::trim).filter(|v| !v.is_empty());
        match key.as_str() {
            "topic" | "topics" => {
                for v in values() {
                    let topic = importers::Topic::parse(v).ok_or_else(|| format!("{key}: not a topic code"))?;
                    f.topics.push(topic.as_str().to_owned());
                }
            }
            "kind" | "kinds" => f.kinds.extend(enums::<GroupKind>(key, values())?),
            "attendance" => f.attendance.extend(enums::<Attendance>(key, values())?),
            "weekday" | "weekdays" => f.weekdays.extend(enums::<Weekday>(key, values())?),
            "timeOfDay" | "time_of_day" => f.time_of_day.extend(times_of_day(key, values())?),
            "language" | "languages" => f.languages.extend(values().map(str::to_owned)),
            "source" | "sources" => f.sources.extend(values().map(str::to_owned)),
            "status" => f.status.extend(enums::<GroupStatus>(key, values())?),
            "locality" => f.locality.extend(values().map(str::to_owned)),
            "region" => f.region.extend(values().map(str::to_owned)),
            "text" | "search" => f.text = Some(raw.trim().to_owned()).filter(|t| !t.is_empty()),
            "place" => p.place = Some(raw.trim().to_owned()).filter(|t| !t.is_empty()),
            "radius" | "radiusKm" => p.radius_km = number(key, raw)?,
            "modifiedAfter" | "modified_after" => {
                let at = DateTime::parse_from_rfc3339(raw.trim())
                    .map_err(|_| format!("{key}: expected an RFC 3339 date-time, e.g. 2026-01-31T00:00:00Z"))?;
                p.modified_after = Some(at.with_timezone(&Utc));
            }
            _ => {}
        }
    }
    let lat = first(pairs, "lat").or_else(|| first(pairs, "latitude"));
    let lon = first(pairs, "lon").or_else(|| first(pairs, "lng")).or_else(|| first(pairs, "longitude"));
    p.near = match (lat, lon) {
        (Some(lat), Some(lon)) => Some(Near::km(number("lat", lat)?, number("lon", lon)?, p.radius_km)),
        (None, None) => None,
        _ => return Err("lat and lon: give both".into()),
    };
    Ok(p)
}

fn number(key: &str, raw: &str) -> Result<f64, String> {
    raw.trim().parse::<f64>().ok().filter(|n| n.is_finite()).ok_or_else(|| format!("{key}: expected a number"))
}

/// Enum values as GraphQL writes them (`TWELVE_STEP`) or in snake case, through serde.
fn enums<'a, T: DeserializeOwned>(key: &str, values: impl Iterator<Item = &'a str>) -> Result<Vec<T>, String> {
    values
        .map(|v| {
            serde_json::from_value(serde_json::Value::String(v.to_ascii_lowercase()))
                .map_err(|_| format!("{key}: unknown value (write it as in the API, e.g. TWELVE_STEP, IN_PERSON)"))
        })
        .collect()
}

fn times_of_day<'a>(key: &str, values: impl Iterator<Item = &'a str>) -> Result<Vec<TimeOfDay>, String> {
    values
        .map(|v| {
            TimeOfDay::ALL
                .into_iter()
                .find(|t| t.as_str().eq_ignore_ascii_case(v))
                .ok_or_else(|| format!("{key}: expected MORNING, MIDDAY, EVENING or NIGHT"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_finders_filters() {
        let q = "topic=alcohol,Eating-Disorders&kind=TWELVE_STEP&attendance=online&weekday=MONDAY&lat=40&lon=-75.3&radius=10&source=sepa&timeOfDay=evening";
        let p = feed_params(&pairs(Some(q))).unwrap();
        assert_eq!(p.filter.topics, ["alcohol", "eating_disorders"]);
        assert_eq!(p.filter.kinds, [GroupKind::TwelveStep]);
        assert_eq!(p.filter.attendance, [Attendance::Online]);
        assert_eq!(p.filter.weekdays, [Weekday::Monday]);
        assert_eq!(p.filter.time_of_day, [TimeOfDay::Evening]);
        assert_eq!(p.filter.sources, ["sepa"]);
        assert_eq!(p.near, Some(Near::km(40.0, -75.3, 10.0)));
    }

    #[test]
    fn errors_name_the_parameter() {
        assert!(feed_params(&pairs(Some("kind=bogus"))).unwrap_err().starts_with("kind:"));
        assert!(feed_params(&pairs(Some("lat=1"))).unwrap_err().starts_with("lat and lon"));
        assert!(feed_params(&pairs(Some("modifiedAfter=yesterday"))).unwrap_err().starts_with("modifiedAfter:"));
        assert_eq!(feed_params(&pairs(Some("utm_source=x"))).unwrap(), feed_params(&[]).unwrap());
    }
}
