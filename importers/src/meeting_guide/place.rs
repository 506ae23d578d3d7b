//! Where and how to reach a Meeting Guide meeting: location, online access, public contact.
//!
//! Reads split address fields or `formatted_address` (splitting it when the parts are
//! absent), coordinates, the conference link and dial string (passcodes dropped), and the
//! group's public email/phone/website and `entity_*` fields. `contact_N_*` fields hold members'
//! personal details and are never read. Attendance is decided in `record.rs`.

use crate::model::{Contact, Location, OnlineAccess};
use crate::normalize::{address, geo, phone, place, text, web};
use crate::options::SourceOptions;

use super::fields::Fields;

/// The meeting's location, if the record gives any part of one.
pub(super) fn location(f: &mut Fields, opts: &SourceOptions) -> Option<Location> {
    let name = f.line("location");
    let mut formatted = f.line("formatted_address");
    let mut street = f.line("address");
    let mut locality = f.line("city");
    let mut region = f.line("state");
    let mut postcode = f.line("postal_code");
    let mut country = f.line("country").and_then(|c| {
        let code = address::country_code(&c, true);
        if code.is_none() {
            f.problems.field("country", format!("unknown country \"{c}\""));
        }
        code
    });
    let split_fields_absent = locality.is_none() && region.is_none() && postcode.is_none();
    if formatted.is_none() && split_fields_absent && street.as_deref().is_some_and(|s| s.contains(',')) {
        formatted = street.take();
    }
    if let Some(line) = formatted.as_deref() {
        let parts = address::split_address(line, country.as_deref().or(opts.country.as_deref()));
        street = street.or(parts.address);
        locality = locality.or(parts.locality);
        region = region.or(parts.region);
        postcode = postcode.or(parts.postcode);
        country = country.or(parts.country);
    }
    let (lat, lon) = (f.number("latitude").into(), f.number("longitude").into());
    let (latitude, longitude) = geo::coordinates(lat, lon, ("latitude", "longitude"), &mut f.problems).unzip();
    let approximate = f.flag("approximate").unwrap_or(false);
    let notes = f.text("location_notes");
    let read = Location {
        name,
        address: street,
        locality,
        region,
        postcode,
        country,
        formatted,
        latitude,
        longitude,
        approximate,
        notes,
    };
    if read.formatted.is_none() && !place::gives_a_place(&read) {
        return None;
    }
    Some(place::with_default_country(read, opts.country.as_deref()))
}

/// True when the location is a real place to go to (a street address, not an approximate
/// city-level point).
pub(super) fn is_in_person_place(location: Option<&Location>) -> bool {
    location.is_some_and(|l| !l.approximate && l.address.is_some())
}

/// Join link and dial-in, with the meeting id; `None` when there is neither.
pub(super) fn online(f: &mut Fields, country: Option<&str>) -> Option<OnlineAccess> {
    let url = f.scalar("conference_url").and_then(|raw| {
        let url = web::conference_url(&raw);
        if url.is_none() {
            f.problems.field("conference_url", "not an http(s) link");
        }
        url.map(|u| (u, web::conference_id(&raw)))
    });
    let phone = f.scalar("conference_phone").and_then(|raw| {
        let phone = phone::conference_phone(&raw, country);
        if phone.is_none() {
            f.problems.field("conference_phone", "not a phone number");
        }
        phone.map(|p| (p, phone::dial_meeting_id(&raw)))
    });
    if url.is_none() && phone.is_none() {
        return None;
    }
    let notes = [f.text("conference_url_notes"), f.text("conference_phone_notes")]
        .into_iter()
        .flatten()
        .filter_map(|n| without_secret_lines(&n))
        .collect::<Vec<_>>();
    let conference_id =
        url.as_ref().and_then(|(_, id)| id.clone()).or_else(|| phone.as_ref().and_then(|(_, id)| id.clone()));
    Some(OnlineAccess {
        url: url.map(|(u, _)| u),
        phone: phone.map(|(p, _)| p),
        conference_id,
        notes: (!notes.is_empty()).then(|| notes.join("\n")),
    })
}

/// The group's public contact points: `email`, `phone`, `website`, then the `entity_*`
/// fields. Returns the contact and the organisation (`entity`).
pub(super) fn contact(f: &mut Fields, country: Option<&str>) -> (Contact, Option<String>) {
    let email = first_valid(f, &["email", "entity_email"], "not an email address", web::normalize_email);
    let phone =
        first_valid(f, &["phone", "entity_phone"], "not a phone number", |raw| phone::normalize_phone(raw, country));
    let website =
        first_valid(f, &["website", "entity_website_url", "entity_url"], "not an http(s) link", web::normalize_url);
    (Contact { email, phone, website }, f.line("entity"))
}

/// Conference notes mostly carry passcodes: lines that mention one are dropped entirely.
fn without_secret_lines(notes: &str) -> Option<String> {
    let kept: Vec<&str> = notes.lines().filter(|l| !text::mentions_secret(l)).collect();
    text::plain_text(&kept.join("\n"))
}

fn first_valid(f: &mut Fields, keys: &[&str], why: &str, normalize: impl Fn(&str) -> Option<String>) -> Option<String> {
    for key in keys {
        if let Some(raw) = f.scalar(key) {
            match normalize(&raw) {
                Some(v) => return Some(v),
                None => f.problems.field(key, why),
            }
        }
    }
    None
}
