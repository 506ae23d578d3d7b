//! Coordinates: read from numbers or strings, validated, rounded.
//!
//! A point is kept only when both halves are finite, in range and not the (0, 0) placeholder.
//! Values are rounded to 6 decimal places (about 10 cm), which is finer than any source is
//! accurate and keeps content hashes stable across float noise. Geocoding is not done here.
//!
//! [`coordinates`] is how every format reads a point: it takes the two halves as the source
//! gave them ([`Coordinate`]) and reports an unusable point in one wording, so the same fault
//! reads the same whatever the feed. [`point`] is the validation it applies.

use crate::problem::RecordProblems;

/// One half of a point (a latitude or a longitude) as a source gave it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Coordinate<'a> {
    /// Not given: no such field, `null`, or blank.
    Missing,
    /// Given as a number (or already read as one).
    Number(f64),
    /// Given, but not a number: the value as written.
    Unreadable(&'a str),
}

impl<'a> Coordinate<'a> {
    /// A half written as text: blank is missing, otherwise it is read as a number.
    pub fn text(raw: Option<&'a str>) -> Coordinate<'a> {
        match raw.map(str::trim).filter(|r| !r.is_empty()) {
            None => Coordinate::Missing,
            Some(r) => parse_coordinate(r).map_or(Coordinate::Unreadable(r), Coordinate::Number),
        }
    }
}

impl From<Option<f64>> for Coordinate<'_> {
    /// A half already read as a number, or missing (a reader that reports values of the wrong
    /// kind itself gives `None` for them).
    fn from(value: Option<f64>) -> Self {
        value.map_or(Coordinate::Missing, Coordinate::Number)
    }
}

/// The point, validated and rounded by [`point`]; `None` when neither half is given, or,
/// with one problem, when the point cannot be used. `fields` are the names of the latitude
/// and the longitude in the source (the same name twice when one field holds the point, as
/// `GEO` or `lat_lng` do). The problem names the half at fault: one that is not a number
/// ("latitude is not a number: \"abc\""), or is missing while the other is given
/// ("latitude given without longitude", on the longitude's field); a pair that [`point`]
/// rejects is reported on the latitude's field with [`point`]'s reason.
pub fn coordinates(
    latitude: Coordinate<'_>,
    longitude: Coordinate<'_>,
    fields: (&str, &str),
    problems: &mut RecordProblems<'_>,
) -> Option<(f64, f64)> {
    use Coordinate::*;
    let (lat_field, lon_field) = fields;
    let problem = match (latitude, longitude) {
        (Missing, Missing) => return None,
        (Number(lat), Number(lon)) => match point(lat, lon) {
            Ok(p) => return Some(p),
            Err(why) => (lat_field, why.to_owned()),
        },
        (Unreadable(raw), _) => (lat_field, format!("latitude is not a number: \"{}\"", shown(raw))),
        (_, Unreadable(raw)) => (lon_field, format!("longitude is not a number: \"{}\"", shown(raw))),
        (Number(_), Missing) => (lon_field, "latitude given without longitude".to_owned()),
        (Missing, Number(_)) => (lat_field, "longitude given without latitude".to_owned()),
    };
    problems.field(problem.0, problem.1);
    None
}

/// A value as a problem shows it: one line, passcodes removed, at most 40 characters.
fn shown(raw: &str) -> String {
    let line = super::text::plain_line(raw).map(|l| super::text::redact_secrets(&l)).unwrap_or_default();
    line.chars().take(40).collect()
}

/// Reads one coordinate written as text ("39.8702244", " -75.35 "). `None` when not a number.
pub fn parse_coordinate(raw: &str) -> Option<f64> {
    raw.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Validates and rounds a latitude/longitude pair, or says why it cannot be used.
pub fn point(latitude: f64, longitude: f64) -> Result<(f64, f64), &'static str> {
    if !latitude.is_finite() || !longitude.is_finite() {
        return Err("coordinates are not numbers");
    }
    if !(-90.0..=90.0).contains(&latitude) {
        return Err("latitude is outside -90..90");
    }
    if !(-180.0..=180.0).contains(&longitude) {
        return Err("longitude is outside -180..180");
    }
    if latitude == 0.0 && longitude == 0.0 {
        return Err("coordinates 0,0 are a placeholder, not a place");
    }
    Ok((round6(latitude), round6(longitude)))
}

/// Rounds to 6 decimal places.
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_and_rounds() {
        assert_eq!(point(39.87022441234, -75.3563341), Ok((39.870224, -75.356334)));
        assert!(point(0.0, 0.0).is_err());
        assert!(point(91.0, 0.0).is_err());
        assert!(point(f64::NAN, 1.0).is_err());
        assert_eq!(parse_coordinate(" -75.5 "), Some(-75.5));
        assert_eq!(parse_coordinate("NaN"), None);
    }

    #[test]
    fn every_unusable_point_is_one_problem_worded_one_way() {
        use crate::problem::{Problems, RecordProblems};
        use Coordinate::*;
        let read = |lat: Coordinate<'_>, lon: Coordinate<'_>, fields: (&str, &str)| {
            let mut list = Problems::default();
            let point = coordinates(lat, lon, fields, &mut RecordProblems::new(&mut list, "r1"));
            (
                point,
                list.into_parts().0.into_iter().map(|p| (p.field.unwrap_or_default(), p.message)).collect::<Vec<_>>(),
            )
        };
        let ll = ("latitude", "longitude");
        let problem = |field: &str, message: &str| vec![(field.to_owned(), message.to_owned())];
        assert_eq!(read(Missing, Missing, ll), (None, vec![]));
        assert_eq!(
            read(Coordinate::text(Some(" 39.87022441 ")), Number(-75.3), ll),
            (Some((39.870224, -75.3)), vec![])
        );
        assert_eq!(read(Number(100.0), Number(101.0), ll), (None, problem("latitude", "latitude is outside -90..90")));
        assert_eq!(
            read(Number(0.0), Number(0.0), ("GEO", "GEO")).1,
            problem("GEO", "coordinates 0,0 are a placeholder, not a place")
        );
        assert_eq!(read(Number(1.0), Missing, ll), (None, problem("longitude", "latitude given without longitude")));
        assert_eq!(read(Missing, Number(1.0), ll), (None, problem("latitude", "longitude given without latitude")));
        let unreadable = read(Coordinate::text(Some("51.5")), Coordinate::text(Some("west")), ("lat", "lng"));
        assert_eq!(unreadable, (None, problem("lng", "longitude is not a number: \"west\"")));
        assert_eq!(Coordinate::text(Some("  ")), Missing);
    }
}
