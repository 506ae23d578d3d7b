//! Where and how to reach a schema.org event or organisation: `location` (a `Place` with a
//! `PostalAddress` or an address line, `GeoCoordinates` or a `GeoCircle` midpoint, a
//! `VirtualLocation`, or plain text) and an organisation's public contact points.
//!
//! A `Person` is never read: organisers who are people are members, whose names, emails and
//! phones must not be copied. An organisation's own email, telephone and website (and those of
//! its `contactPoint`s) are public. Which node is the organiser is `event.rs`' choice.

use serde_json::Value;
use url::Url;

use crate::model::{Contact, Location, OnlineAccess};
use crate::normalize::place::formatted_address;
use crate::normalize::{address, geo, phone, text, web};
use crate::problem::RecordProblems;

use super::nodes::{self, Graph, Obj};

/// Where an event is, in person and online.
#[derive(Debug, Default)]
pub(super) struct Whereabouts {
    pub location: Option<Location>,
    pub online: Option<OnlineAccess>,
}

/// Reads a `location` (or an organisation's `location`/`address`) value.
pub(super) fn whereabouts<'a>(
    value: Option<&'a Value>,
    graph: &Graph<'a>,
    base: Option<&Url>,
    country: Option<&str>,
    problems: &mut RecordProblems<'_>,
) -> Whereabouts {
    let mut out = Whereabouts::default();
    let Some(value) = value else { return out };
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    for item in items {
        if let Value::String(s) = item {
            let lower = s.trim().to_ascii_lowercase();
            if lower.starts_with("http://") || lower.starts_with("https://") {
                out.online = out.online.or_else(|| online(s, base));
            } else if out.location.is_none() {
                out.location = line_location(s, country);
            }
            continue;
        }
        let Some(node) = graph.resolve(item) else { continue };
        if nodes::has_type(node, &["VirtualLocation"]) {
            match nodes::text(node.get("url")) {
                Some(url) => out.online = out.online.or_else(|| online(&url, base)),
                None => problems.field("location", "a VirtualLocation without a url"),
            }
        } else if out.location.is_none() {
            out.location = if nodes::has_type(node, &["PostalAddress"]) {
                postal(node, country)
            } else {
                place(node, graph, country, problems)
            };
        }
    }
    out
}

/// An organisation's name and public contact points; `None` for people.
pub(super) fn organisation(node: &Obj, country: Option<&str>) -> Option<(Option<String>, Contact)> {
    if nodes::has_type(node, &["Person"]) {
        return None;
    }
    let points: Vec<&Obj> = match node.get("contactPoint") {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(o)) => vec![o],
        _ => Vec::new(),
    };
    let first = |key: &str, read: &dyn Fn(&str) -> Option<String>| {
        std::iter::once(node).chain(points.iter().copied()).find_map(|n| nodes::text(n.get(key)).and_then(|v| read(&v)))
    };
    let contact = Contact {
        email: first("email", &|v| web::normalize_email(v)),
        phone: first("telephone", &|v| phone::normalize_phone(v, country)),
        website: nodes::text(node.get("url")).and_then(|u| web::normalize_url(&u)),
    };
    let name = nodes::text(node.get("name")).and_then(|n| text::plain_line(&n));
    Some((name, contact))
}

fn online(raw: &str, base: Option<&Url>) -> Option<OnlineAccess> {
    let absolute = match base.and_then(|b| b.join(raw.trim()).ok()) {
        Some(u) if matches!(u.scheme(), "http" | "https") => u.to_string(),
        _ => raw.trim().to_owned(),
    };
    let url = web::conference_url(&absolute)?;
    Some(OnlineAccess { conference_id: web::conference_id(&absolute), url: Some(url), phone: None, notes: None })
}

fn place<'a>(
    node: &'a Obj,
    graph: &Graph<'a>,
    country: Option<&str>,
    problems: &mut RecordProblems<'_>,
) -> Option<Location> {
    let address_node = node.get("address").and_then(|a| graph.resolve(a));
    let mut location = match (address_node, nodes::text(node.get("address"))) {
        (Some(a), _) => postal(a, country).unwrap_or_default(),
        (None, Some(line)) => line_location(&line, country).unwrap_or_default(),
        (None, None) => Location::default(),
    };
    location.name = nodes::text(node.get("name")).and_then(|n| text::plain_line(&n));
    location.notes =
        nodes::text(node.get("description")).and_then(|d| text::plain_text(&d)).map(|d| text::redact_secrets(&d));
    let geo_node = node.get("geo").and_then(|g| graph.resolve(g));
    let (point, approximate) = match geo_node {
        Some(g) if nodes::has_type(g, &["GeoCircle"]) => (g.get("geoMidpoint").and_then(|m| graph.resolve(m)), true),
        Some(g) => (Some(g), false),
        None => (Some(node), false),
    };
    if let Some(p) = point {
        let (lat, lon) = (nodes::text(p.get("latitude")), nodes::text(p.get("longitude")));
        let (lat, lon) = (geo::Coordinate::text(lat.as_deref()), geo::Coordinate::text(lon.as_deref()));
        if let Some((lat, lon)) = geo::coordinates(lat, lon, ("geo", "geo"), problems) {
            (location.latitude, location.longitude, location.approximate) = (Some(lat), Some(lon), approximate);
        }
    }
    let empty = location == Location { country: location.country.clone(), ..Location::default() };
    (!empty).then_some(location)
}

fn postal(node: &Obj, default_country: Option<&str>) -> Option<Location> {
    let line = |key: &str| nodes::text(node.get(key)).and_then(|v| text::plain_line(&v));
    let country_value = node.get("addressCountry").and_then(|c| match c {
        Value::Object(o) => nodes::text(o.get("name")).or_else(|| nodes::text(o.get("identifier"))),
        other => nodes::text(Some(other)),
    });
    let country =
        country_value.and_then(|c| address::country_code(&c, true)).or_else(|| default_country.map(str::to_owned));
    let street = line("streetAddress");
    let locality = line("addressLocality");
    let region = line("addressRegion");
    let postcode = line("postalCode").and_then(|p| address::normalize_postcode(&p, country.as_deref()));
    if street.is_none() && locality.is_none() && region.is_none() && postcode.is_none() {
        return None;
    }
    let formatted = formatted_address(street.as_deref(), locality.as_deref(), region.as_deref(), postcode.as_deref());
    Some(Location {
        address: street,
        locality,
        region,
        postcode,
        country,
        formatted: Some(formatted),
        ..Location::default()
    })
}

fn line_location(raw: &str, default_country: Option<&str>) -> Option<Location> {
    let line = text::plain_line(raw)?;
    let parts = address::split_address(&line, default_country);
    let country = parts.country.or_else(|| default_country.map(str::to_owned));
    Some(Location {
        address: parts.address,
        locality: parts.locality,
        region: parts.region,
        postcode: parts.postcode.and_then(|p| address::normalize_postcode(&p, country.as_deref())),
        country,
        formatted: Some(line),
        ..Location::default()
    })
}
