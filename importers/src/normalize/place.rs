//! Places: one written on one line ("St Mark's Hall, 12 High Street, Exampletown EX1 2AB"),
//! as feeds without address fields give it (an RSS "Where:" line, an iCalendar `LOCATION`),
//! and one read field by field.
//!
//! [`location_from_line`] splits the line with `address::split_address` and takes a leading
//! building name off the street part; [`names_online`] tells a "place" that is really a way
//! to join ("Online", "Zoom", a link). [`gives_a_place`] and [`with_default_country`] finish a
//! location whose fields a parser read one by one (BMLT, delimited, Meeting Guide, HTML), and
//! [`location_from_fields`] does both; [`formatted_address`] writes such fields as one line.
//! Coordinates are read with `geo::coordinates`; whether the line is worth reading at all is
//! the parser's business.

use crate::model::Location;

use super::address;

/// The line as a `Location`: its parts when they can be told, and the line itself as
/// `formatted`. A first part without a house number, followed by a part that starts with
/// one, is the building's name ("St Mark's Church Hall, 12 High Street").
pub fn location_from_line(line: &str, default_country: Option<&str>) -> Location {
    let parts = address::split_address(line, default_country);
    let country = parts.country.or_else(|| default_country.map(str::to_owned));
    let starts_with_number = |p: &str| p.trim_start().starts_with(|c: char| c.is_ascii_digit());
    let (name, street) = match parts.address.as_deref().and_then(|a| a.split_once(", ")) {
        Some((first, rest)) if !starts_with_number(first) && rest.split(", ").any(starts_with_number) => {
            (Some(first.to_owned()), Some(rest.to_owned()))
        }
        _ => (None, parts.address),
    };
    Location {
        name,
        address: street,
        locality: parts.locality,
        region: parts.region,
        postcode: parts.postcode.and_then(|p| address::normalize_postcode(&p, country.as_deref())),
        country,
        formatted: Some(line.to_owned()),
        ..Location::default()
    }
}

/// True when any part of a location read field by field is given: a name, street, locality,
/// region, postcode, notes or a latitude (a country or a `formatted` line alone is not a place).
pub fn gives_a_place(l: &Location) -> bool {
    let parts = [&l.name, &l.address, &l.locality, &l.region, &l.postcode, &l.notes];
    parts.iter().any(|v| v.is_some()) || l.latitude.is_some()
}

/// The location with the source's `default_country` where it names none, and its postcode
/// written that country's way (none when it is blank or all zeros).
pub fn with_default_country(l: Location, default_country: Option<&str>) -> Location {
    let country = l.country.or_else(|| default_country.map(str::to_owned));
    let postcode = l.postcode.and_then(|p| address::normalize_postcode(&p, country.as_deref()));
    Location { country, postcode, ..l }
}

/// A location read field by field, finished by [`with_default_country`]; `None` when it
/// [gives no place](gives_a_place).
pub fn location_from_fields(l: Location, default_country: Option<&str>) -> Option<Location> {
    gives_a_place(&l).then(|| with_default_country(l, default_country))
}

/// "street, town, REGION POSTCODE": the parts given, region and postcode sharing one part;
/// empty when none is given.
pub fn formatted_address(
    street: Option<&str>,
    locality: Option<&str>,
    region: Option<&str>,
    postcode: Option<&str>,
) -> String {
    let region_postcode = [region, postcode].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let region_postcode = Some(region_postcode.as_str()).filter(|s| !s.is_empty());
    [street, locality, region_postcode].into_iter().flatten().collect::<Vec<_>>().join(", ")
}

/// True when a "place" is a way to join rather than a place: it starts with "Online",
/// "Zoom", "Teams", "Microsoft Teams", "Skype", "Virtual", "Video", "Google Meet", or is a link.
pub fn names_online(place: &str) -> bool {
    let lower = place.trim().to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let first_two = words.iter().take(2).copied().collect::<Vec<_>>();
    const ONLINE: [&str; 7] = ["online", "zoom", "teams", "skype", "virtual", "video", "webex"];
    words.first().is_some_and(|w| ONLINE.contains(w))
        || matches!(first_two.as_slice(), ["microsoft", "teams"] | ["google", "meet"])
        || lower.starts_with("http")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn building_names_are_taken_off_the_street() {
        let l = location_from_line("St Mark's Church Hall, 12 High Street, Exampletown EX1 2AB", Some("GB"));
        assert_eq!(l.name.as_deref(), Some("St Mark's Church Hall"));
        assert_eq!(l.address.as_deref(), Some("12 High Street"));
        assert_eq!((l.locality.as_deref(), l.postcode.as_deref()), (Some("Exampletown"), Some("EX1 2AB")));
        let l = location_from_line("Victoria Park, Exampletown", Some("GB"));
        assert_eq!((l.name, l.address.as_deref()), (None, Some("Victoria Park")));
    }

    #[test]
    fn online_places() {
        assert!(names_online("Online via Zoom"));
        assert!(names_online("Microsoft Teams Meeting"));
        assert!(names_online("https://zoom.us/j/123456789"));
        assert!(!names_online("The Hub, 3 Station Road"));
    }
}
