//! What the matcher compares, computed once per record: normalised name tokens, meeting
//! slots, a street key, postcode, locality, coordinates, conference id, contact points,
//! audience, kind.
//!
//! Normalisation is where listings of one group written differently by two directories
//! become equal: case, punctuation, spacing, "&", a trailing or parenthesised "Group" /
//! "(online only)", street abbreviations and directions, 12- vs 24-hour times (already
//! normalised by the importers), weekday numberings (likewise).

use importers::{Attendance, Audience, GroupKind, Listing, Meeting};

/// Comparable facts about one listing.
#[derive(Debug, Clone)]
pub struct Features {
    /// Significant name words, lower-case, in order.
    pub name: Vec<String>,
    /// "weekday|HH:MM" per meeting; "appointment" or "unknown" when there is none.
    pub slots: Vec<String>,
    /// House number and street name ("1937 macdade"), when the address has both.
    pub street: Option<String>,
    pub postcode: Option<String>,
    pub locality: Option<String>,
    /// An exact point (not approximate, not online-only).
    pub point: Option<(f64, f64)>,
    /// The group's own contact points, normalised (`contact::keys`).
    pub contacts: Vec<String>,
    pub conference: Option<String>,
    pub audience: Vec<Audience>,
    pub kind: GroupKind,
    pub online_only: bool,
    /// The name says the group is suspended or cancelled ("Suspended: Seaside Big Book"), or
    /// the source marks it inactive: a status, not another group.
    pub suspended: bool,
    /// The venue's own name, folded, without generic words ("st georges chapel"); none for
    /// "Online Meeting" and the like.
    pub venue: Option<String>,
    /// The venue and street as the source wrote them, for the evidence an operator reads.
    pub venue_label: Option<String>,
    pub address_label: Option<String>,
    /// When the source last changed the listing, if it says.
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Words that say nothing about which group a listing is.
const STOP: &[&str] = &[
    "the",
    "a",
    "an",
    "of",
    "and",
    "group",
    "groups",
    "meeting",
    "meetings",
    "aa",
    "na",
    "online",
    "only",
    "virtual",
    "hybrid",
    "zoom",
    "in",
    "person",
    "at",
    "for",
    "on",
    "temporarily",
    "closed",
    "via",
    "suspended",
    "cancelled",
    "canceled",
    "inactive",
];

/// Name words by which a directory marks a group as not meeting.
const SUSPENDED: &[&str] = &["suspended", "cancelled", "canceled", "closed permanently"];

const DIRECTIONS: &[&str] =
    &["n", "s", "e", "w", "north", "south", "east", "west", "ne", "nw", "se", "sw", "old", "new"];

impl Features {
    pub fn of(l: &Listing) -> Features {
        let loc = l.location.as_ref();
        let online_only = l.attendance == Attendance::Online;
        let street = loc.and_then(|p| p.address.as_deref().or(p.formatted.as_deref())).and_then(street_key);
        // An online meeting's point is usually a city centre; trust it only with a street address.
        let point = loc
            .filter(|p| !p.approximate && (!online_only || street.is_some()))
            .and_then(|p| Some((p.latitude?, p.longitude?)));

        Features {
            name: name_words(&l.name),
            slots: slots(&l.meetings),
            street,
            postcode: loc.and_then(|p| p.postcode.as_deref()).map(|p| p.replace(' ', "").to_lowercase()),
            locality: loc.and_then(|p| p.locality.as_deref()).map(|p| words(p).join(" ")),
            point,
            contacts: super::contact::keys(&l.contact),
            conference: l.online.as_ref().and_then(|o| o.conference_id.clone()),
            audience: l.audience.clone(),
            kind: l.kind,
            online_only,
            suspended: !meets(l),
            venue: loc.and_then(|p| p.name.as_deref()).and_then(venue_key),
            venue_label: loc.and_then(|p| p.name.clone()),
            address_label: loc.and_then(|p| p.address.clone()),
            updated_at: l.updated_at,
        }
    }
}

/// Venue words that name no particular place.
const GENERIC_VENUE: &[&str] = &[
    "church",
    "hall",
    "center",
    "centre",
    "room",
    "library",
    "building",
    "house",
    "home",
    "tbd",
    "tba",
    "various",
    "location",
    "locations",
    "phone",
    "call",
    "conference",
    "club",
    "clubhouse",
    "school",
    "community",
    "st",
    "saint",
    "united",
    "methodist",
    "episcopal",
    "catholic",
    "presbyterian",
    "baptist",
    "lutheran",
    "parish",
    "chapel",
];

/// A venue name that says which place it is: its words without stop words, when at least
/// one of them is not generic ("Goshen Hall" yes, "Online Meeting" and "Church" no).
pub fn venue_key(name: &str) -> Option<String> {
    let ws = name_words(name);
    let telling = ws.iter().any(|w| !STOP.contains(&w.as_str()) && !GENERIC_VENUE.contains(&w.as_str()));
    (telling && !ws.is_empty()).then(|| ws.join(" "))
}

/// Whether the listing says the group meets: the source does not mark it inactive, and its
/// name does not say suspended or cancelled.
pub fn meets(l: &Listing) -> bool {
    let lower = l.name.to_lowercase();
    l.active && !SUSPENDED.iter().any(|w| lower.contains(w))
}

/// Lower-case alphanumeric words.
pub fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).collect()
}

/// Significant words of a name: without parenthesised asides, "&" read as "and", without
/// stop words; the whole word list when nothing significant is left.
pub fn name_words(name: &str) -> Vec<String> {
    let mut plain = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            '\'' | '’' => {}
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let all = words(&plain);
    let significant: Vec<String> = all.iter().filter(|w| !STOP.contains(&w.as_str())).cloned().collect();
    if significant.is_empty() {
        all
    } else {
        significant
    }
}

/// "1937 West MacDade Blvd" -> "1937 macdade": the house number and the first street word
/// that is not a direction, so abbreviations and directions do not matter.
pub fn street_key(address: &str) -> Option<String> {
    let ws = words(address);
    let num = ws.iter().position(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))?;
    if num > 2 {
        return None;
    }
    let name = ws[num + 1..].iter().find(|w| !DIRECTIONS.contains(&w.as_str()))?;
    let number: String = ws[num].chars().take_while(|c| c.is_ascii_digit()).collect();
    Some(format!("{number} {}", expand(name)))
}

fn expand(word: &str) -> &str {
    match word {
        "st" | "str" => "street",
        "ave" | "av" => "avenue",
        "rd" => "road",
        "blvd" => "boulevard",
        "dr" => "drive",
        "ln" => "lane",
        "pk" | "pke" => "pike",
        "mt" => "mount",
        "ft" => "fort",
        other => other,
    }
}

/// "weekday|HH:MM" per meeting, sorted; "appointment" or "unknown" when there is none.
pub fn slots(meetings: &[Meeting]) -> Vec<String> {
    let mut out: Vec<String> = meetings
        .iter()
        .map(|m| match (m.weekday, m.start) {
            (Some(w), Some(t)) => format!("{}|{}", w.as_str(), t.format("%H:%M")),
            (Some(w), None) => format!("{}|-", w.as_str()),
            _ => "appointment".to_owned(),
        })
        .collect();
    if out.is_empty() {
        out.push("unknown".to_owned());
    }
    out.sort();
    out.dedup();
    out
}
