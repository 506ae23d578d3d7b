//! Comparing two listings: which evidence agrees, which contradicts, and whether that is
//! enough to call them one group.
//!
//! A false merge hides a group, which is worse than a duplicate, so the rules are
//! conservative: the same weekday and start time are required; a contradiction (women's vs
//! men's meeting, another kind of group, another conference meeting id, clearly different
//! places, towns or names) vetoes; and a match needs two independent kinds of agreement (name and
//! place, name and conference id, place and conference id, name and the group's own contact
//! point), or an identical name with nothing at all against it.

use importers::Audience;

use super::features::Features;

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

/// The verdict when `a` and `b` are one group by these rules; `None` when they are not.
pub fn compare(a: &Features, b: &Features) -> Option<Verdict> {
    let slot = a.slots.iter().find(|s| b.slots.contains(s))?;
    if slot == "unknown"
        || a.kind != b.kind
        || a.suspended != b.suspended
        || contradicting_audience(&a.audience, &b.audience)
    {
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
    if place == Place::Different && !same_mode && name >= 0.999 && same_area(a, b) {
        place = Place::Near;
    }
    // Which rule decides, strongest first; the score orders competing links.
    let score = if place == Place::Same && name >= 0.5 {
        // A changed conference link does not make another group of the same name and place.
        0.55 + 0.35 * name
    } else if conf == Conf::Same && place != Place::Different {
        // One conference room cannot hold two meetings at the same time.
        0.5 + 0.3 * name - if same_mode { 0.0 } else { 0.1 }
    } else if conf == Conf::Different || place == Place::Different {
        return None;
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
        Place::Same => evidence.push(place_words(a, b)),
        Place::Near => evidence.push("same locality or postcode".to_owned()),
        _ => {}
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
    let dist = match (a.point, b.point) {
        (Some(p), Some(q)) => Some(crate::model::haversine_km(p.0, p.1, q.0, q.1)),
        _ => None,
    };
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
mod tests {
    use super::*;
    use crate::dedup::testing::features;

    #[test]
    fn a_shared_contact_point_joins_similar_names_with_nothing_about_the_place() {
        let mut a = features("Seaside Big Book", None, None);
        let mut b = features("Seaside Big Book Study", None, None);
        assert!(compare(&a, &b).is_none(), "similar names alone are not enough");
        a.contacts = vec!["phone:3025550100".to_owned()];
        b.contacts = vec!["phone:3025550100".to_owned(), "email:x@example.org".to_owned()];
        let v = compare(&a, &b).expect("one group");
        assert!(v.evidence.iter().any(|e| e == "same contact phone (3025550100)"), "{:?}", v.evidence);
        b.locality = Some("lewes".into());
        a.locality = Some("milford".into());
        assert!(compare(&a, &b).is_none(), "two towns still say two groups");
    }

    #[test]
    fn the_same_name_and_time_in_two_towns_is_two_groups() {
        let media = features("Big Book Study", Some("Media"), None);
        assert!(compare(&media, &features("Big Book Study", Some("Chester"), None)).is_none());
        let verdict = compare(&media, &features("Big Book Study Group", Some("Media"), None)).expect("one group");
        assert!(verdict.evidence.iter().any(|e| e == "same locality or postcode"), "{:?}", verdict.evidence);
        // Nothing about the place on one side: the name and time decide.
        assert!(compare(&media, &features("Big Book Study", None, None)).is_some());
    }
}
