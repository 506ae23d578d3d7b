//! What one group is found under: the single derivation both the bitmaps of `Index` and the
//! in-memory `Filter::matches_group` read, so the two paths cannot disagree on a value.
//!
//! A group's `Facts` are its (facet, value) keys, the token sequences of its text fields, its
//! point and its sort name. Every key is a string: topics are keyed by `Topic::as_str`, closed
//! enums by their snake_case names (the serde names), free-form values folded or trimmed.
//!
//! Rules:
//! * point: a location with both coordinates, not `approximate`,
//!   and attendance not Online ("only groups with an exact in-person place are found").
//! * online (what `include_online` adds to `near`): attendance Online, or Hybrid without a point.
//! * free: see `is_free`.
//! * time of day: by each meeting's local start, overlapping: morning 04:00-11:59, midday
//!   11:00-16:59, evening 16:00-20:59, night 20:00-04:59.

use importers::{Accessibility, Attendance, Audience, GroupKind, Listing};

use super::fold::{fold_key, tokens};
use super::TimeOfDay;
use crate::model::{GroupStatus, StoredGroup};

/// The text fields searched, in the order of `Facts::fields`: name, description, venue (the
/// location's name), locality, location notes.
pub(crate) const FIELDS: usize = 5;

/// A family of keys, each with its own value -> bitmap map in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Facet {
    Topic,
    Kind,
    Attendance,
    Weekday,
    TimeOfDay,
    /// A meeting's local start, as seconds since midnight, zero-padded to 5 digits so the
    /// string order is the time order.
    Start,
    Language,
    Accessibility,
    Audience,
    Free,
    Open,
    Code,
    Source,
    Locality,
    Region,
    Status,
    /// The one value "yes": online groups, which `include_online` adds to `near` results.
    Online,
}

impl Facet {
    pub(crate) const COUNT: usize = 17;
}

/// What one group is indexed under.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Facts {
    /// Sorted and without repeats.
    pub keys: Vec<(Facet, String)>,
    /// Token sequences, one per text field (see `FIELDS`).
    pub fields: [Vec<String>; FIELDS],
    pub point: Option<(f64, f64)>,
    /// The NAME sort key: folded name tokens joined by spaces, `\0`, then the id.
    pub sort_name: String,
}

/// Whether a group is in the index at all: Removed groups are tombstones.
pub(crate) fn indexed(status: GroupStatus) -> bool {
    status != GroupStatus::Removed
}

pub(crate) fn facts(g: &StoredGroup) -> Facts {
    facts_as(g, g.status)
}

/// The facts of `g` as if its status were `status`.
pub(crate) fn facts_as(g: &StoredGroup, status: GroupStatus) -> Facts {
    let l = &g.listing;
    let mut keys: Vec<(Facet, String)> = Vec::new();
    let mut key = |f: Facet, v: &str| keys.push((f, v.to_owned()));
    for t in &l.topics {
        key(Facet::Topic, &topic_key(t.topic.as_str()));
    }
    key(Facet::Kind, kind_name(l.kind));
    key(Facet::Attendance, attendance_name(l.attendance));
    for m in &l.meetings {
        if let Some(w) = m.weekday {
            key(Facet::Weekday, w.as_str());
        }
        if let Some(start) = m.start {
            for t in TimeOfDay::ALL.into_iter().filter(|t| t.contains(start)) {
                key(Facet::TimeOfDay, t.as_str());
            }
            key(Facet::Start, &start_key(chrono::Timelike::num_seconds_from_midnight(&start)));
        }
    }
    for lang in &l.languages {
        let lang = language_key(lang);
        if !lang.is_empty() {
            key(Facet::Language, &lang);
        }
    }
    for a in &l.accessibility {
        key(Facet::Accessibility, accessibility_name(*a));
    }
    for a in &l.audience {
        key(Facet::Audience, audience_name(*a));
    }
    key(Facet::Free, if is_free(l) { "true" } else { "false" });
    key(Facet::Open, open_name(l.open));
    for c in &l.codes {
        if !c.trim().is_empty() {
            key(Facet::Code, c.trim());
        }
    }
    for r in &g.records {
        key(Facet::Source, &r.source_id);
    }
    let loc = l.location.as_ref();
    for (facet, value) in [
        (Facet::Locality, loc.and_then(|l| l.locality.as_deref())),
        (Facet::Region, loc.and_then(|l| l.region.as_deref())),
    ] {
        let folded = value.map(fold_key).unwrap_or_default();
        if !folded.is_empty() {
            key(facet, &folded);
        }
    }
    key(Facet::Status, status_name(status));
    let point = point(l);
    if is_online(l, point) {
        key(Facet::Online, "yes");
    }
    keys.sort();
    keys.dedup();
    let text = |s: Option<&String>| s.map(|s| tokens(s)).unwrap_or_default();
    let fields = [
        tokens(&l.name),
        text(l.description.as_ref()),
        text(loc.and_then(|l| l.name.as_ref())),
        text(loc.and_then(|l| l.locality.as_ref())),
        text(loc.and_then(|l| l.notes.as_ref())),
    ];
    let sort_name = format!("{}\0{}", fields[0].join(" "), g.id);
    Facts { keys, fields, point, sort_name }
}

/// The point `near` finds a group at: an exact in-person place only.
pub(crate) fn point(l: &Listing) -> Option<(f64, f64)> {
    let loc = l.location.as_ref()?;
    if loc.approximate || l.attendance == Attendance::Online {
        return None;
    }
    Some((loc.latitude?, loc.longitude?))
}

/// Online groups: attendance Online, or Hybrid without a point to be found at.
pub(crate) fn is_online(l: &Listing, point: Option<(f64, f64)>) -> bool {
    l.attendance == Attendance::Online || (l.attendance == Attendance::Hybrid && point.is_none())
}

/// Free to attend. The cost text, folded, says so: the word "free" (not after "not"), "no
/// charge", "no cost" or "no fee(s)", an amount of zero after £, $ or € ("£0", "$0.00"), a
/// donation ("donation", "donations", "donation-only") or the "7th"/"seventh tradition". A
/// TwelveStep group with no cost text is free: 12-step groups charge no fees. Any other cost
/// text, and no cost text on any other kind, is "not known to be free" (`free: false`).
pub(crate) fn is_free(l: &Listing) -> bool {
    let Some(cost) = l.cost.as_deref().filter(|c| !c.trim().is_empty()) else {
        return l.kind == GroupKind::TwelveStep;
    };
    let t = tokens(cost);
    let pair = |i: usize, a: &[&str], b: &[&str]| {
        a.contains(&t[i].as_str()) && t.get(i + 1).is_some_and(|n| b.contains(&n.as_str()))
    };
    let words = (0..t.len()).any(|i| {
        (t[i] == "free" && (i == 0 || t[i - 1] != "not"))
            || t[i].starts_with("donation")
            || pair(i, &["no"], &["charge", "cost", "fee", "fees"])
            || pair(i, &["7th", "seventh"], &["tradition"])
    });
    words || zero_amount(cost)
}

/// A currency sign followed by an amount whose digits are all zero: "£0", "$ 0.00", "€0,00".
fn zero_amount(cost: &str) -> bool {
    let chars: Vec<char> = cost.chars().collect();
    chars.iter().enumerate().filter(|(_, c)| matches!(c, '£' | '$' | '€')).any(|(i, _)| {
        let amount: String = chars[i + 1..]
            .iter()
            .skip_while(|c| c.is_whitespace())
            .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
            .collect();
        amount.chars().any(|c| c.is_ascii_digit()) && amount.chars().all(|c| matches!(c, '0' | '.' | ','))
    })
}

/// A `Facet::Topic` value: trimmed, lowercased, `-` and spaces read as `_` (as `Topic::parse`
/// reads names), so open-ended topic names key the same on both sides.
pub(crate) fn topic_key(topic: &str) -> String {
    topic.trim().to_lowercase().replace(['-', ' '], "_")
}

/// A `Facet::Start` value.
pub(crate) fn start_key(seconds: u32) -> String {
    format!("{seconds:05}")
}

/// A `Facet::Language` value: the BCP 47 tag trimmed and ASCII-lowercased.
pub(crate) fn language_key(tag: &str) -> String {
    tag.trim().to_ascii_lowercase()
}

pub(crate) fn kind_name(k: GroupKind) -> &'static str {
    match k {
        GroupKind::PeerSupport => "peer_support",
        GroupKind::TwelveStep => "twelve_step",
        GroupKind::ProfessionallyLed => "professionally_led",
        GroupKind::TherapyGroup => "therapy_group",
    }
}

pub(crate) fn attendance_name(a: Attendance) -> &'static str {
    match a {
        Attendance::InPerson => "in_person",
        Attendance::Online => "online",
        Attendance::Hybrid => "hybrid",
    }
}

pub(crate) fn audience_name(a: Audience) -> &'static str {
    match a {
        Audience::Women => "women",
        Audience::Men => "men",
        Audience::YoungPeople => "young_people",
        Audience::Seniors => "seniors",
        Audience::Lgbtq => "lgbtq",
        Audience::Transgender => "transgender",
        Audience::NonBinary => "non_binary",
        Audience::PeopleOfColour => "people_of_colour",
        Audience::Indigenous => "indigenous",
        Audience::Professionals => "professionals",
        Audience::FamilyAndFriends => "family_and_friends",
        Audience::Newcomers => "newcomers",
    }
}

pub(crate) fn accessibility_name(a: Accessibility) -> &'static str {
    match a {
        Accessibility::WheelchairAccess => "wheelchair_access",
        Accessibility::AccessibleToilet => "accessible_toilet",
        Accessibility::SignLanguage => "sign_language",
        Accessibility::HearingLoop => "hearing_loop",
        Accessibility::ChildcareAvailable => "childcare_available",
        Accessibility::FragranceFree => "fragrance_free",
    }
}

pub(crate) fn status_name(s: GroupStatus) -> &'static str {
    match s {
        GroupStatus::Active => "active",
        GroupStatus::Missing => "missing",
        GroupStatus::Removed => "removed",
    }
}

/// A `Facet::Open` value.
pub(crate) fn open_name(open: Option<bool>) -> &'static str {
    match open {
        Some(true) => "true",
        Some(false) => "false",
        None => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_in_person_points_are_found_near() {
        use importers::Location;
        let at = |attendance: Attendance, approximate: bool| Listing {
            attendance,
            location: Some(Location {
                latitude: Some(51.5),
                longitude: Some(-0.1),
                approximate,
                ..Location::default()
            }),
            ..Listing::default()
        };
        assert_eq!(point(&at(Attendance::InPerson, false)), Some((51.5, -0.1)));
        assert_eq!(point(&at(Attendance::Hybrid, false)), Some((51.5, -0.1)));
        assert_eq!(point(&at(Attendance::InPerson, true)), None, "a town centre is no place to meet");
        assert_eq!(point(&at(Attendance::Online, false)), None, "an online group's point is its organiser's");
    }

    #[test]
    fn names_are_the_serde_names() {
        let serde = |v: serde_json::Value| v.as_str().expect("a string").to_owned();
        for a in
            [Audience::Women, Audience::YoungPeople, Audience::NonBinary, Audience::PeopleOfColour, Audience::Newcomers]
        {
            assert_eq!(audience_name(a), serde(serde_json::to_value(a).expect("serialises")));
        }
        for a in [Accessibility::WheelchairAccess, Accessibility::AccessibleToilet, Accessibility::FragranceFree] {
            assert_eq!(accessibility_name(a), serde(serde_json::to_value(a).expect("serialises")));
        }
        for k in [GroupKind::PeerSupport, GroupKind::TwelveStep, GroupKind::ProfessionallyLed, GroupKind::TherapyGroup]
        {
            assert_eq!(kind_name(k), serde(serde_json::to_value(k).expect("serialises")));
        }
        for s in [GroupStatus::Active, GroupStatus::Missing, GroupStatus::Removed] {
            assert_eq!(status_name(s), serde(serde_json::to_value(s).expect("serialises")));
        }
    }
}
