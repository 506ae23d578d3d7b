//! Comparing two listings: which evidence agrees, which contradicts, and whether that is
//! enough to call them one group.
//!
//! A false merge hides a group, which is worse than a duplicate, so the rules are
//! conservative: the same weekday and start time are required; a contradiction (women's vs
//! men's meeting, another kind of group, another conference meeting id, clearly different
//! places, towns or names) vetoes; and a match needs two independent kinds of agreement (name and
//! place, name and conference id, place and conference id, name and the group's own contact
//! point), or an identical name with nothing at all against it.
//!
//! Groups move, rename, go online and pause, so some agreements outweigh a different street:
//! - the same venue name in the same town at another address is the venue that moved, and its
//!   meetings with it;
//! - a rare name (`rarity::NameTable`: no directory lists it for more than one group) at the
//!   same time in the same town is one group even when the directories disagree on the venue;
//!   "Big Book Study" is never rare;
//! - an online listing in the town where the group met is the group that went online;
//! - "Suspended: X" and "X" are one group whose sources disagree on its status: evidence, not
//!   a veto (merge resolves the status by trust and recency and records the conflict).

use importers::Audience;

use super::features::Features;
use super::rarity::{NameTable, RARE_MAX};

/// Why two listings are (or are not) one group.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// 0..=1, used to order links (strongest first) and shown to operators.
    pub score: f64,
    pub evidence: Vec<String>,
}

/// Kilometres within which two exact points are the same place.
const SAME_PLACE_KM: f64 = 0.25;
/// Kilometres beyond which two exact points are different places.
const OTHER_PLACE_KM: f64 = 3.0;
/// Kilometres within which a venue that moved, or a rare name's two venues, are in one town.
const SAME_TOWN_KM: f64 = 15.0;

/// Verdicts below this score are the weakest rules' (a name alone, a rare name, a moved
/// venue): matches an operator may want to check (`Review`).
pub const WEAK: f64 = 0.6;

/// The verdict when `a` and `b` are one group by these rules; `None` when they are not.
/// `names` says how many groups carry each name (an empty table: no name is rare).
pub fn compare(a: &Features, b: &Features, names: &NameTable) -> Option<Verdict> {
    let slot = a.slots.iter().find(|s| b.slots.contains(s))?;
    if slot == "unknown" || a.kind != b.kind || contradicting_audience(&a.audience, &b.audience) {
        return None;
    }
    let mut evidence = vec![format!("same weekday and start time ({})", slot.replace('|', " "))];
    let conf = match (&a.conference, &b.conference) {
        (Some(x), Some(y)) if x == y => Conf::Same,
        (Some(_), Some(_)) => Conf::Different,
        _ => Conf::Unknown,
    };
    let name = name_similarity(&a.name, &b.name);
    let contact = super::contact::shared(&a.contacts, &b.contacts);
    let mut place = place(a, b);
    let same_mode = a.online_only == b.online_only;
    // An online listing's street is where the group met before it went online: a meeting
    // that moved while online is still the same group when the name and town agree.
    let went_online = place == Place::Different && !same_mode && name >= 0.999 && same_area(a, b);
    if went_online {
        place = Place::Near;
    }
    let venue = venue(a, b);
    let moved = place != Place::Same && venue == Some(Venue::Moved);
    // The same venue in the same town, one side without its street: the same place.
    let same_venue = venue == Some(Venue::Same) && matches!(place, Place::Near | Place::Unknown);
    if same_venue {
        place = Place::Same;
    }
    // Which rule decides, strongest first; the score orders competing links.
    let score = if place == Place::Same && name >= 0.5 {
        // A changed conference link does not make another group of the same name and place.
        0.55 + 0.35 * name
    } else if conf == Conf::Same && place != Place::Different {
        // One conference room cannot hold two meetings at the same time.
        0.5 + 0.3 * name - if same_mode { 0.0 } else { 0.1 }
    } else if conf == Conf::Different {
        return None;
    } else if moved && name >= 0.5 {
        0.45 + 0.3 * name
    } else if place == Place::Different {
        // Different venues in one town: only a rare name outweighs them.
        let n = rare_name(a, b, name, names)?;
        evidence.push(rare_words(n));
        0.45
    } else if name >= 0.85 && place == Place::Near {
        0.4 + 0.3 * name
    } else if contact.is_some() && name >= 0.5 && !other_area(a, b) {
        // The group's own email, phone or website, with a similar name at the same time.
        0.4 + 0.3 * name
    } else if name >= 0.999 && place == Place::Unknown && same_mode && !other_area(a, b) {
        // The same name at the same time with nothing about the place, unless the two name
        // different towns or postcodes: "Big Book Study" on Monday at 19:00 in two towns is
        // two groups.
        0.5
    } else {
        return None;
    };
    if conf == Conf::Same {
        evidence.push(format!("same conference meeting id ({})", a.conference.as_deref().unwrap_or_default()));
    }
    match name {
        n if n >= 0.999 => evidence.push(format!("same name (\"{}\")", a.name.join(" "))),
        n if n >= 0.5 => evidence.push(format!(
            "similar names (\"{}\" / \"{}\", {:.0}% of words)",
            a.name.join(" "),
            b.name.join(" "),
            n * 100.0
        )),
        _ => evidence.push(format!("different names (\"{}\" / \"{}\")", a.name.join(" "), b.name.join(" "))),
    }
    match place {
        Place::Same if same_venue => evidence.push(format!(
            "same venue ({}) in the same town",
            a.venue_label.as_deref().or(b.venue_label.as_deref()).unwrap_or_default()
        )),
        Place::Same => evidence.push(place_words(a, b)),
        _ if moved => evidence.push(moved_words(a, b)),
        Place::Near => evidence.push("same locality or postcode".to_owned()),
        _ => {}
    }
    if went_online {
        evidence.push("went online: the online listing is in the town where the group met".to_owned());
    } else if !same_mode {
        evidence.push("one listing is online only, the other meets in person".to_owned());
    }
    if a.suspended != b.suspended {
        evidence.push(
            "status conflict: one source lists it as suspended or inactive (resolved by trust and recency)".to_owned(),
        );
    }
    if let Some(c) = contact {
        evidence.push(c);
    }
    if conf == Conf::Different {
        evidence.push("different conference links (the link changed; name and place agree)".to_owned());
    }
    // Between equally good candidates, prefer the one attended the same way and on the
    // same conference link (an in-person and an online meeting of one name at one time).
    let tie_break = if same_mode { 0.08 } else { 0.0 } + if conf == Conf::Same { 0.04 } else { 0.0 };
    Some(Verdict { score: ((score + tie_break).min(1.0) * 1000.0).round() / 1000.0, evidence })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conf {
    Same,
    Different,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Same street address or points within `SAME_PLACE_KM`.
    Same,
    /// Same locality or postcode, no contradiction.
    Near,
    /// Nothing to compare.
    Unknown,
    /// Clearly another place.
    Different,
}

fn place(a: &Features, b: &Features) -> Place {
    let dist = distance(a, b);
    let street = match (&a.street, &b.street) {
        (Some(x), Some(y)) => Some(x == y),
        _ => None,
    };
    if street == Some(true) || dist.is_some_and(|d| d <= SAME_PLACE_KM) {
        return Place::Same;
    }
    if dist.is_some_and(|d| d > OTHER_PLACE_KM) || (street == Some(false) && dist.is_none_or(|d| d > 1.0)) {
        return Place::Different;
    }
    if same_area(a, b) || dist.is_some() {
        return Place::Near;
    }
    Place::Unknown
}

fn same_area(a: &Features, b: &Features) -> bool {
    matches!((&a.postcode, &b.postcode), (Some(x), Some(y)) if x == y)
        || matches!((&a.locality, &b.locality), (Some(x), Some(y)) if x == y)
}

/// Both name a town or a postcode, and none of them agree.
fn other_area(a: &Features, b: &Features) -> bool {
    let differ = |x: &Option<String>, y: &Option<String>| matches!((x, y), (Some(x), Some(y)) if x != y);
    (differ(&a.postcode, &b.postcode) || differ(&a.locality, &b.locality)) && !same_area(a, b)
}

fn place_words(a: &Features, b: &Features) -> String {
    match (&a.street, &b.street) {
        (Some(x), Some(y)) if x == y => format!("same street address ({x})"),
        _ => "same place (within 250 m)".to_owned(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Venue {
    /// Both name their street, and the streets differ: the venue moved (or one directory has
    /// its old address).
    Moved,
    /// At most one names its street.
    Same,
}

/// The same telling venue name in the same town, within `SAME_TOWN_KM` when both have points.
fn venue(a: &Features, b: &Features) -> Option<Venue> {
    let same = matches!((&a.venue, &b.venue), (Some(x), Some(y)) if x == y);
    if !same || !same_area(a, b) || distance(a, b).is_some_and(|d| d > SAME_TOWN_KM) {
        return None;
    }
    match (&a.street, &b.street) {
        (Some(x), Some(y)) if x != y => Some(Venue::Moved),
        (Some(_), Some(_)) => None,
        _ => Some(Venue::Same),
    }
}

/// A rare name (at most `RARE_MAX` groups in any directory), the same on both sides, in the
/// same town: the number of groups carrying it. A name the table does not know is not rare.
fn rare_name(a: &Features, b: &Features, name: f64, names: &NameTable) -> Option<u32> {
    if name < 0.999 || !same_area(a, b) || distance(a, b).is_some_and(|d| d > SAME_TOWN_KM) {
        return None;
    }
    let n = names.carriers(a)?.max(names.carriers(b)?);
    (n <= RARE_MAX).then_some(n)
}

fn rare_words(n: u32) -> String {
    let (groups, carry) = if n == 1 { ("group", "carries") } else { ("groups", "carry") };
    format!("rare name: {n} {groups} in this region {carry} it")
}

fn moved_words(a: &Features, b: &Features) -> String {
    let venue = a.venue_label.as_deref().or(b.venue_label.as_deref()).unwrap_or_default();
    // The older listing has the old address, when the sources say when they changed them.
    let (old, new) = if a.updated_at > b.updated_at { (b, a) } else { (a, b) };
    match (&old.address_label, &new.address_label) {
        (Some(x), Some(y)) => format!("same venue ({venue}), which moved from {x} to {y}"),
        _ => format!("same venue ({venue}) in the same town, at another address"),
    }
}

fn distance(a: &Features, b: &Features) -> Option<f64> {
    match (a.point, b.point) {
        (Some(p), Some(q)) => Some(crate::model::haversine_km(p.0, p.1, q.0, q.1)),
        _ => None,
    }
}

/// Dice coefficient over name words, where two words agree when equal or nearly so (typos,
/// plurals): 1.0 for the same words in any order.
pub fn name_similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut used = vec![false; b.len()];
    let mut matched = 0usize;
    for w in a {
        let best = b
            .iter()
            .enumerate()
            .filter(|(j, _)| !used[*j])
            .map(|(j, v)| (j, word_similarity(w, v)))
            .max_by(|x, y| x.1.total_cmp(&y.1));
        if let Some((j, s)) = best {
            if s >= 0.9 {
                used[j] = true;
                matched += 1;
            }
        }
    }
    2.0 * matched as f64 / (a.len() + b.len()) as f64
}

fn word_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    if a.len() < 4 || b.len() < 4 {
        return 0.0;
    }
    strsim::jaro_winkler(a, b)
}

fn contradicting_audience(a: &[Audience], b: &[Audience]) -> bool {
    let has = |l: &[Audience], x: Audience| l.contains(&x);
    (has(a, Audience::Women) && has(b, Audience::Men)) || (has(a, Audience::Men) && has(b, Audience::Women))
}

#[cfg(test)]
mod tests;
