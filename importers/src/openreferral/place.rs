//! Places, public contacts, languages and access features of Open Referral services.
//!
//! Addresses are taken field by field (never re-split from one line), postcodes written the
//! country's way, coordinates validated (HSDS 3.0's example has latitude 100). Only the
//! service's and organisation's own phones, emails and websites are used: contact persons
//! are never read by the formats. Language names become BCP 47 tags from a short table of
//! the languages 211 and UK directories list; unknown names are left out.

use crate::model::{Accessibility, Contact, Location, OnlineAccess};
use crate::normalize::{address, geo, phone, regions, text, web};
use crate::problem::RecordProblems;

use super::select::words_of;
use super::{unescape, Service, Site};

/// The site's in-person place, when it has any address, coordinates or name. `None` for
/// virtual places.
pub(super) fn location(
    site: &Site,
    default_country: Option<&str>,
    problems: &mut RecordProblems<'_>,
) -> Option<Location> {
    if site.is_virtual {
        return None;
    }
    let a = &site.address;
    let line = |raw: &Option<String>| raw.as_deref().and_then(text::plain_line);
    let country = a
        .country
        .as_deref()
        .and_then(|c| address::country_code(c, true))
        .or_else(|| default_country.map(str::to_ascii_uppercase));
    let lines: Vec<String> = a.lines.iter().filter_map(|l| text::plain_line(l)).collect();
    let street = (!lines.is_empty()).then(|| lines.join(", "));
    let locality = line(&a.city);
    let region = line(&a.region).map(|r| match country.as_deref() {
        Some("US" | "CA") | None => regions::region_code(&r).map_or(r, str::to_owned),
        _ => r,
    });
    let postcode = a.postcode.as_deref().and_then(|p| address::normalize_postcode(p, country.as_deref()));
    let (lat, lon) =
        (geo::Coordinate::text(site.latitude.as_deref()), geo::Coordinate::text(site.longitude.as_deref()));
    let (latitude, longitude) = geo::coordinates(lat, lon, ("latitude", "longitude"), problems).unzip();
    let name = site.name.as_deref().and_then(|n| text::plain_line(&unescape(n)));
    let region_pc = [region.clone(), postcode.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let parts: Vec<String> =
        [street.clone(), locality.clone(), Some(region_pc)].into_iter().flatten().filter(|p| !p.is_empty()).collect();
    if parts.is_empty() && latitude.is_none() && name.is_none() {
        return None;
    }
    Some(Location {
        name,
        address: street,
        locality,
        region,
        postcode,
        country,
        formatted: (!parts.is_empty()).then(|| parts.join(", ")),
        latitude,
        longitude,
        approximate: false,
        notes: site.transportation.as_deref().and_then(|t| text::plain_text(&unescape(t))),
    })
}

/// How to join a virtual place online.
pub(super) fn online(site: &Site) -> Option<OnlineAccess> {
    if !site.is_virtual {
        return None;
    }
    let raw = site.virtual_url.as_deref().unwrap_or_default();
    Some(OnlineAccess {
        url: web::conference_url(raw),
        phone: None,
        conference_id: web::conference_id(raw),
        notes: None,
    })
}

/// The service's public contact points, else its organisation's.
pub(super) fn contact(service: &Service, country: Option<&str>, problems: &mut RecordProblems<'_>) -> Contact {
    let org = service.organisation.as_ref();
    let mut checked = |raw: Option<&String>, field: &str, read: fn(&str) -> Option<String>, what: &str| {
        let raw = raw.map(|r| r.trim()).filter(|r| !r.is_empty())?;
        let value = read(raw);
        if value.is_none() {
            problems.field(field, format!("not {what}: \"{raw}\""));
        }
        value
    };
    let email = checked(service.email.as_ref(), "email", web::normalize_email, "an email address")
        .or_else(|| org.and_then(|o| o.email.as_deref()).and_then(web::normalize_email));
    let website = checked(service.url.as_ref(), "url", web::normalize_url, "an http(s) link")
        .or_else(|| org.and_then(|o| o.url.as_deref()).and_then(web::normalize_url));
    let phone = first_phone(&service.phones, country).or_else(|| org.and_then(|o| first_phone(&o.phones, country)));
    Contact { email, phone, website }
}

/// The first number that reads as a phone number.
pub(super) fn first_phone(phones: &[String], country: Option<&str>) -> Option<String> {
    phones.iter().find_map(|p| phone::normalize_phone(p.trim().trim_matches('"'), country))
}

/// BCP 47 tags for language names or codes ("English", "Creole", "es", "BSL"); each once.
pub(super) fn languages<'a>(raw: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in raw.flat_map(|r| r.split([',', ';', '/'])) {
        if let Some(tag) = language_tag(name) {
            if !out.contains(&tag) {
                out.push(tag);
            }
        }
    }
    out
}

/// Access features named in the texts; each once.
pub(super) fn accessibility(texts: &[String]) -> Vec<Accessibility> {
    use Accessibility::*;
    const WORDS: [(Accessibility, &[&str]); 6] = [
        (WheelchairAccess, &["wheelchair", "handicap accessible", "step free", "level access", "ramp"]),
        (AccessibleToilet, &["accessible toilet", "accessible restroom", "accessible bathroom", "disabled toilet"]),
        (HearingLoop, &["induction loop", "hearing loop", "loop system"]),
        (SignLanguage, &["sign language", "bsl", "asl"]),
        (ChildcareAvailable, &["childcare", "creche", "crèche"]),
        (FragranceFree, &["fragrance free", "scent free"]),
    ];
    let mut out = Vec::new();
    for raw in texts {
        let words = words_of(raw);
        for (feature, phrases) in WORDS {
            // Word starts ("induction loops"), but whole words for short ones ("ramp", "bsl").
            let said = phrases.iter().any(|p| {
                let p = words_of(p);
                let whole = p.len() <= 5;
                (!whole && words.contains(&p)) || words.contains(&format!("{p} ")) || words.ends_with(&p)
            });
            let denied = phrases.iter().any(|p| {
                let p = words_of(p);
                words.contains(&format!(" not{p}")) || words.contains(&format!(" no{p}"))
            });
            if said && !denied && !out.contains(&feature) {
                out.push(feature);
            }
        }
    }
    out
}

fn language_tag(raw: &str) -> Option<String> {
    #[rustfmt::skip]
    const NAMES: [(&str, &str); 44] = [
        ("english", "en"), ("eng", "en"), ("spanish", "es"), ("español", "es"), ("spa", "es"),
        ("french", "fr"), ("creole", "ht"), ("haitian creole", "ht"), ("kreyol", "ht"), ("portuguese", "pt"),
        ("german", "de"), ("italian", "it"), ("russian", "ru"), ("polish", "pl"), ("arabic", "ar"),
        ("chinese", "zh"), ("mandarin", "zh"), ("cantonese", "yue"), ("vietnamese", "vi"), ("korean", "ko"),
        ("japanese", "ja"), ("tagalog", "tl"), ("hebrew", "he"), ("yiddish", "yi"), ("urdu", "ur"),
        ("punjabi", "pa"), ("bengali", "bn"), ("hindi", "hi"), ("gujarati", "gu"), ("somali", "so"),
        ("welsh", "cy"), ("farsi", "fa"), ("persian", "fa"), ("turkish", "tr"), ("greek", "el"),
        ("romanian", "ro"), ("ukrainian", "uk"), ("slovak", "sk"), ("tamil", "ta"), ("kurdish", "ku"),
        ("american sign language", "ase"), ("asl", "ase"), ("british sign language", "bfi"), ("bsl", "bfi"),
    ];
    let key = raw.trim().to_lowercase();
    if let Some((_, tag)) = NAMES.iter().find(|(name, _)| *name == key) {
        return Some((*tag).to_owned());
    }
    let is_code = (2..=3).contains(&key.len()) && key.chars().all(|c| c.is_ascii_lowercase());
    is_code.then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_and_access() {
        let raw = ["English".to_owned(), "Spanish, Creole".to_owned(), "Klingon".to_owned(), "ur".to_owned()];
        assert_eq!(languages(raw.iter()), ["en", "es", "ht", "ur"]);
        let access = ["Handicap accessible".to_owned(), "The building has induction loops. Not step free.".to_owned()];
        assert_eq!(accessibility(&access), [Accessibility::WheelchairAccess, Accessibility::HearingLoop]);
    }
}
