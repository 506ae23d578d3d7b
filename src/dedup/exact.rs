//! The first matching rules: exact agreement after normalisation.
//!
//! Two records are one group when they agree on the normalised name, weekday and start time
//! and the place (coordinates to about 100 m, or house number and street), or on the
//! conference meeting id with the same weekday and start time. Audience and kind must not
//! contradict (a women's meeting never joins a men's one).

use importers::{Audience, Listing, Meeting};

use super::Candidate;

/// Keys under which a record is compared with others; records sharing none are never compared.
pub fn blocking_keys(l: &Listing) -> Vec<String> {
    let mut keys = Vec::new();
    let slots = slots(l);
    let name = normalised_name(&l.name);
    for slot in &slots {
        if let Some(place) = place_key(l) {
            keys.push(format!("np|{name}|{slot}|{place}"));
        }
        if let Some(conf) = l.online.as_ref().and_then(|o| o.conference_id.as_deref()) {
            keys.push(format!("cf|{conf}|{slot}"));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Score (0..=100) and evidence when two candidates match by the exact rules.
pub(super) fn compare(a: &Candidate<'_>, b: &Candidate<'_>) -> Option<(u32, Vec<String>)> {
    if a.key.source_id == b.key.source_id && a.hash != b.hash {
        return None;
    }
    let (la, lb) = (a.listing, b.listing);
    if la.kind != lb.kind || contradicting_audience(la, lb) {
        return None;
    }
    let shared_slot = slots(la).into_iter().find(|s| slots(lb).contains(s))?;
    let mut evidence = vec![format!("same weekday and start time ({})", shared_slot.replace('|', " "))];
    let same_conf = match (conf(la), conf(lb)) {
        (Some(x), Some(y)) if x == y => true,
        (Some(_), Some(_)) => return None,
        _ => false,
    };
    let same_name = normalised_name(&la.name) == normalised_name(&lb.name);
    let same_place = matches!((place_key(la), place_key(lb)), (Some(x), Some(y)) if x == y);
    if same_conf {
        evidence.push(format!("same conference meeting id ({})", conf(la).unwrap_or_default()));
    }
    if same_name {
        evidence.push(format!("same name (\"{}\")", normalised_name(&la.name)));
    }
    if same_place {
        evidence.push("same place".to_owned());
    }
    match (same_name && same_place, same_conf) {
        (true, true) => Some((100, evidence)),
        (true, false) | (false, true) => Some((90, evidence)),
        _ => None,
    }
}

/// Lower-case words of the name, without punctuation or a trailing "group".
pub(super) fn normalised_name(name: &str) -> String {
    let mut words: Vec<String> =
        name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).collect();
    if words.len() > 1 && words.last().is_some_and(|w| w == "group") {
        words.pop();
    }
    words.join(" ")
}

fn slots(l: &Listing) -> Vec<String> {
    l.meetings.iter().map(slot).collect()
}

fn slot(m: &Meeting) -> String {
    match (m.weekday, m.start) {
        (Some(w), Some(t)) => format!("{}|{}", w.as_str(), t.format("%H:%M")),
        (Some(w), None) => format!("{}|-", w.as_str()),
        _ => "appointment".to_owned(),
    }
}

fn conf(l: &Listing) -> Option<&str> {
    l.online.as_ref()?.conference_id.as_deref()
}

/// Coordinates rounded to ~100 m, else house number and first street word, else postcode.
fn place_key(l: &Listing) -> Option<String> {
    let loc = l.location.as_ref()?;
    if let (Some(lat), Some(lon), false) = (loc.latitude, loc.longitude, loc.approximate) {
        return Some(format!("{:.3},{:.3}", lat, lon));
    }
    let addr = loc.address.as_deref().or(loc.formatted.as_deref())?;
    let words: Vec<String> = addr
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(2)
        .map(|w| w.to_lowercase())
        .collect();
    (words.len() == 2 && words[0].chars().all(|c| c.is_ascii_digit())).then(|| words.join(" "))
}

fn contradicting_audience(a: &Listing, b: &Listing) -> bool {
    let has = |l: &Listing, x: Audience| l.audience.contains(&x);
    (has(a, Audience::Women) && has(b, Audience::Men)) || (has(a, Audience::Men) && has(b, Audience::Women))
}
