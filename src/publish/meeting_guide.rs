//! The Meeting Guide JSON feed (code4recovery spec, as the Meeting Guide app, tsml-ui and our
//! own `meeting_guide` importer read it): one entry per meeting of each group.
//!
//! An entry's `slug` is the group's id and the meeting's slot key (`g1a2b...-thu-1930`), so it
//! stays the same across imports whatever order they ran in, and changes only when the
//! group's id does (README "Groups and their meetings"). The spec has no monthly or one-off
//! meetings: a monthly one says "Meets only on the 2nd and 4th Thursday of the month." as the
//! first sentence of its `notes` (how feeds say it, and how importers read it back); a one-off
//! is left out. `types` are the spec's codes only (those of the schema's list), from the
//! group's own codes and from what is known of it (open or closed, audience, languages,
//! access). The schema's address patterns only take US-style parts ("123 Main St",
//! "Springfield", "IL", "62701"): a part that does not fit is left out, and the point, the
//! building name and the notes are kept. No email or phone of anyone is published: the
//! group's website and organisation (`entity`) are.

use chrono::{DateTime, Utc};
use importers::{Accessibility, Attendance, Audience, Listing, Meeting, Recurrence, Weekday};
use serde::Serialize;

use super::{hhmm, slot_keys};
use crate::model::StoredGroup;

/// One entry of the feed: the spec's fields we publish, in its names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub name: String,
    pub slug: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    pub timezone: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location_notes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formatted_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approximate: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conference_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conference_url_notes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conference_phone: Option<String>,
    /// TSML's `attendance_option`: `in_person`, `online`, `hybrid` or `inactive`.
    pub attendance_option: &'static str,
    pub updated: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
}

/// The entries of one group: one per meeting (by appointment: one without a day or time),
/// one-off meetings left out.
pub fn entries(group: &StoredGroup) -> Vec<Entry> {
    let l = &group.listing;
    let types = types(l);
    slot_keys(group)
        .into_iter()
        .filter(|(_, m)| !matches!(m.slot.recurrence, Recurrence::Once { .. }))
        .map(|(key, m)| entry(group, &m.slot, format!("{}-{key}", group.id), types.clone()))
        .collect()
}

/// The spec's `updated`: "YYYY-MM-DD HH:MM:SS", UTC.
pub fn updated(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn entry(group: &StoredGroup, slot: &Meeting, slug: String, types: Vec<&'static str>) -> Entry {
    let l = &group.listing;
    let scheduled = slot.weekday.filter(|_| slot.recurrence != Recurrence::ByAppointment);
    let monthly = match (&slot.recurrence, scheduled) {
        (Recurrence::MonthlyNth { weeks }, Some(day)) => Some(monthly_sentence(weeks, day)),
        _ => None,
    };
    let notes = [monthly, l.description.clone()].into_iter().flatten().collect::<Vec<_>>().join("\n");
    let loc = l.location.as_ref();
    let part = |value: Option<&String>, fits: fn(&str) -> bool| value.filter(|v| fits(v)).cloned();
    let online = l.online.as_ref();
    Entry {
        name: l.name.chars().take(255).collect(),
        slug,
        day: scheduled.map(sunday0),
        time: scheduled.and(slot.start).map(hhmm),
        end_time: scheduled.and(slot.start).and(slot.end).map(hhmm),
        timezone: slot.timezone.clone(),
        types,
        notes: (!notes.is_empty()).then_some(notes),
        group: l.group.clone(),
        location: loc.and_then(|p| p.name.clone()),
        location_notes: loc.and_then(|p| p.notes.clone()),
        formatted_address: part(loc.and_then(|p| p.formatted.as_ref()), fits::formatted_address),
        address: part(loc.and_then(|p| p.address.as_ref()), fits::address),
        city: part(loc.and_then(|p| p.locality.as_ref()), fits::city),
        state: part(loc.and_then(|p| p.region.as_ref()), fits::state),
        postal_code: part(loc.and_then(|p| p.postcode.as_ref()), fits::postal_code),
        country: loc.and_then(|p| p.country.clone()),
        latitude: loc.and_then(|p| p.latitude),
        longitude: loc.and_then(|p| p.longitude),
        approximate: loc.filter(|p| p.latitude.is_some()).map(|p| if p.approximate { "yes" } else { "no" }),
        conference_url: online.and_then(|o| o.url.clone()),
        conference_url_notes: online.and_then(|o| o.notes.clone()),
        conference_phone: online.and_then(|o| o.phone.as_deref()).and_then(dial_string),
        attendance_option: attendance_option(l),
        updated: updated(group.updated_at),
        url: l.url.clone(),
        website: l.contact.website.clone(),
        entity: l.organisation.clone(),
    }
}

/// 0 = Sunday ... 6 = Saturday.
fn sunday0(day: Weekday) -> u8 {
    day.iso() % 7
}

fn attendance_option(l: &Listing) -> &'static str {
    if !l.active {
        return "inactive";
    }
    match l.attendance {
        Attendance::InPerson => "in_person",
        Attendance::Online => "online",
        Attendance::Hybrid => "hybrid",
    }
}

/// "Meets only on the 2nd and 4th Thursday of the month."
fn monthly_sentence(weeks: &[i8], day: Weekday) -> String {
    let ordinal = |w: &i8| match w {
        -1 => "last".to_owned(),
        1 => "1st".to_owned(),
        2 => "2nd".to_owned(),
        3 => "3rd".to_owned(),
        n => format!("{n}th"),
    };
    let names: Vec<String> = weeks.iter().map(ordinal).collect();
    let list = match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let day = day.as_str();
    let day = format!("{}{}", day[..1].to_ascii_uppercase(), &day[1..]);
    format!("Meets only on the {list} {day} of the month.")
}

/// A dial string as the schema takes it: digits with an optional leading `+`, then `,`, `*`
/// or `#` and digits (`+12125551234,,98765#` becomes `+12125551234,98765`).
fn dial_string(phone: &str) -> Option<String> {
    let mut out = String::new();
    let mut pending_sep = None;
    for c in phone.trim().chars() {
        match c {
            '+' if out.is_empty() => out.push('+'),
            '0'..='9' => {
                if let Some(sep) = pending_sep.take() {
                    out.push(sep);
                }
                out.push(c);
            }
            ',' | '*' | '#' if out.chars().any(|c| c.is_ascii_digit()) => pending_sep = Some(c),
            ' ' | '-' | '(' | ')' | '.' => {}
            _ => return None,
        }
    }
    let head: String = out.trim_start_matches('+').chars().take_while(char::is_ascii_digit).collect();
    (1..=15).contains(&head.len()).then_some(out)
}

/// The spec's type codes for a group: its own codes that are in the schema's list, then what
/// its facts say, each once, in the list's order.
fn types(l: &Listing) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for code in &l.codes {
        if let Some(known) = SCHEMA_TYPES.iter().find(|t| t.eq_ignore_ascii_case(code.trim())) {
            out.push(known);
        }
    }
    match l.open {
        Some(true) => out.push("O"),
        Some(false) => out.push("C"),
        None => {}
    }
    for a in &l.audience {
        out.extend(match a {
            Audience::Women => Some("W"),
            Audience::Men => Some("M"),
            Audience::YoungPeople => Some("Y"),
            Audience::Seniors => Some("SEN"),
            Audience::Lgbtq => Some("LGBTQ"),
            Audience::Transgender => Some("T"),
            Audience::NonBinary => Some("NB"),
            Audience::PeopleOfColour => Some("POC"),
            Audience::Indigenous => Some("NDG"),
            Audience::Professionals => Some("P"),
            Audience::Newcomers => Some("BE"),
            Audience::FamilyAndFriends => None,
        });
    }
    for x in &l.accessibility {
        out.extend(match x {
            Accessibility::WheelchairAccess => Some("X"),
            Accessibility::AccessibleToilet => Some("XB"),
            Accessibility::ChildcareAvailable => Some("BA"),
            Accessibility::FragranceFree => Some("FF"),
            Accessibility::SignLanguage | Accessibility::HearingLoop => None,
        });
    }
    for lang in &l.languages {
        out.extend(LANGUAGES.iter().find(|(tag, _)| tag.eq_ignore_ascii_case(lang)).map(|(_, code)| *code));
    }
    if !l.active && l.attendance == Attendance::InPerson {
        out.push("TC");
    }
    out.sort_by_key(|c| SCHEMA_TYPES.iter().position(|t| t == c));
    out.dedup();
    out
}

/// Language tags to the schema's language codes.
#[rustfmt::skip]
const LANGUAGES: &[(&str, &str)] = &[
    ("am", "AM"), ("ase", "ASL"), ("da", "DA"), ("de", "DE"), ("el", "EL"), ("en", "EN"), ("fa", "FA"),
    ("fr", "FR"), ("he", "HE"), ("hi", "HI"), ("hr", "HR"), ("hu", "HU"), ("it", "ITA"), ("ja", "JA"),
    ("ko", "KOR"), ("lt", "LT"), ("ml", "ML"), ("no", "NO"), ("pl", "POL"), ("pt", "POR"), ("pa", "PUN"),
    ("ru", "RUS"), ("es", "S"), ("sk", "SK"), ("sv", "SV"), ("th", "TH"), ("tl", "TL"), ("tr", "TUR"),
    ("uk", "UK"),
];

/// The codes of the spec's `meeting-type.schema.json` (current, then proposed), as copied into
/// tests/fixtures/schemas/meeting-guide/: a code outside it would fail the schema.
#[rustfmt::skip]
pub const SCHEMA_TYPES: &[&str] = &[
    "11", "12x12", "A", "ABSI", "AL", "AL-AN", "AM", "ASL", "B", "BA", "BE", "BI", "BRK", "C", "CAN", "CF", "D",
    "DA", "DB", "DD", "DE", "DR", "EL", "EN", "FA", "FF", "FR", "G", "GR", "H", "HE", "HI", "HR", "HU", "ITA", "JA",
    "KOR", "L", "LGBTQ", "LIT", "LS", "LT", "M", "MED", "ML", "N", "NB", "NDG", "NO", "O", "OUT", "P", "POA", "POC",
    "POL", "POR", "PUN", "RUS", "S", "SEN", "SK", "SM", "SP", "ST", "SV", "T", "TC", "TH", "TL", "TR", "TUR", "UK",
    "W", "X", "XB", "XT", "Y", "BV-I", "D-HOH", "LO-I", "QSL", "RSL",
];

/// The schema's patterns for address parts (US-style only), by hand.
mod fits {
    use std::sync::LazyLock;

    use regex::Regex;

    fn re(pattern: &str) -> Regex {
        Regex::new(pattern).unwrap_or_else(|e| panic!("the pattern {pattern} compiles: {e}"))
    }

    static FORMATTED: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^(?:[0-9]+\s)?[0-9]*\s?[A-Za-z]+(?:\s[A-Za-z]+)*,\s[A-Za-z]+(?:\s[A-Za-z]+)*,\s[A-Z]{2}\s[0-9]{5},\s[A-Za-z]+$",
        )
    });
    static ADDRESS: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:[0-9]+\s)?[0-9]*\s?[A-Za-z]+(?:\s[A-Za-z]+)*$"));
    static CITY: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Za-z]+(?:\s[A-Za-z]+)*$"));
    static STATE: LazyLock<Regex> = LazyLock::new(|| re(r"^[A-Z]{2}$"));
    static POSTAL: LazyLock<Regex> = LazyLock::new(|| re(r"^[0-9]{5}$"));

    pub fn formatted_address(s: &str) -> bool {
        FORMATTED.is_match(s)
    }
    pub fn address(s: &str) -> bool {
        ADDRESS.is_match(s)
    }
    pub fn city(s: &str) -> bool {
        CITY.is_match(s)
    }
    pub fn state(s: &str) -> bool {
        STATE.is_match(s)
    }
    pub fn postal_code(s: &str) -> bool {
        POSTAL.is_match(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dial_strings_fit_the_schema() {
        assert_eq!(dial_string("+1 (212) 555-1234,,98765#").as_deref(), Some("+12125551234,98765"));
        assert_eq!(dial_string("+441234567890").as_deref(), Some("+441234567890"));
        assert_eq!(dial_string("call me"), None);
    }

    #[test]
    fn monthly_meetings_say_so_as_importers_read_it() {
        let s = monthly_sentence(&[2, 4], Weekday::Thursday);
        assert_eq!(s, "Meets only on the 2nd and 4th Thursday of the month.");
        let read = importers::normalize::schedule::monthly_weeks(&s, Some(Weekday::Thursday), true);
        assert_eq!(read, Some(vec![2, 4]));
        let last = monthly_sentence(&[-1], Weekday::Friday);
        assert_eq!(importers::normalize::schedule::monthly_weeks(&last, Some(Weekday::Friday), true), Some(vec![-1]));
    }

    #[test]
    fn address_parts_are_checked_as_the_schema_does() {
        assert!(fits::address("123 Main Street") && !fits::address("St Mark's, 12 High St."));
        assert!(fits::formatted_address("123 Main St, Springfield, IL 62701, USA"));
        assert!(fits::state("PA") && !fits::state("Pennsylvania"));
        assert_eq!(sunday0(Weekday::Sunday), 0);
        assert_eq!(sunday0(Weekday::Saturday), 6);
    }
}
