//! The Meeting Guide type codes: the 87 codes of the spec, the 5 proposed ones and the extras
//! seen in real feeds, each with its English label and what it means for a `Listing`.
//!
//! [`interpret`] turns a record's codes into facts (open/closed, audience, languages,
//! access, online, temporarily closed). It applies a source's `code_overrides` first
//! ([`overridden`]), so a feed whose "S" means something local can say so in configuration;
//! BMLT's format reading shares [`overridden`] and [`CodeFacts::settle`]. Reading the `types`
//! field out of JSON is in [`split_types`]; deciding attendance from the facts is the record
//! mapper's job.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{Accessibility as X, Audience as A, Topic as T, TopicTag};

/// What a code says about a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Meaning {
    Open,
    Closed,
    Online,
    TemporarilyClosed,
    Audience(A),
    /// BCP 47 tag.
    Language(&'static str),
    Access(X),
    Topic(T),
}

/// Where a code comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Spec,
    Proposed,
    /// Not in the spec, but seen in real feeds.
    Observed,
}

#[derive(Debug)]
pub(crate) struct TypeCode {
    pub code: &'static str,
    pub label: &'static str,
    pub origin: Origin,
    pub meanings: &'static [Meaning],
}

/// What a record's codes say, after overrides.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct CodeFacts {
    /// The codes as given (trimmed, brackets removed, repeats dropped).
    pub codes: Vec<String>,
    pub open: Option<bool>,
    /// Both "open" and "closed" were given; `open` is then `None`.
    pub open_conflict: bool,
    pub online: bool,
    pub temporarily_closed: bool,
    pub audience: Vec<A>,
    pub languages: Vec<String>,
    pub accessibility: Vec<X>,
    pub topics: Vec<TopicTag>,
}

/// Looks a code up: exactly, then ignoring case ("onl"), then by English label ("open" from
/// "[open]").
pub(crate) fn lookup(code: &str) -> Option<&'static TypeCode> {
    TYPE_CODES
        .iter()
        .find(|c| c.code == code)
        .or_else(|| TYPE_CODES.iter().find(|c| c.code.eq_ignore_ascii_case(code)))
        .or_else(|| TYPE_CODES.iter().find(|c| c.label.eq_ignore_ascii_case(code)))
}

/// Reads a `types` value: an array of codes, a comma string ("C,W"), a bracketed word
/// ("[open]") or null. Errors name the JSON type found.
pub(crate) fn split_types(value: &Value) -> Result<Vec<String>, String> {
    let clean = |s: &str| s.trim().trim_start_matches('[').trim_end_matches(']').trim().to_owned();
    match value {
        Value::Null => Ok(Vec::new()),
        Value::String(s) => Ok(s.split([',', ';']).map(clean).filter(|c| !c.is_empty()).collect()),
        Value::Array(items) => {
            let mut codes = Vec::new();
            for item in items {
                match item {
                    Value::String(s) => codes.push(clean(s)),
                    Value::Number(n) => codes.push(n.to_string()),
                    Value::Null => {}
                    other => {
                        return Err(format!(
                            "expected codes as strings, found {}",
                            crate::meeting_guide::json_kind(other)
                        ))
                    }
                }
            }
            codes.retain(|c| !c.is_empty());
            Ok(codes)
        }
        other => Err(format!("expected an array of codes, found {}", crate::meeting_guide::json_kind(other))),
    }
}

/// What `overrides` (local code -> spec code, as configured) map `code` to: the exact key,
/// else a key that differs only in case.
pub(crate) fn overridden<'a>(overrides: &'a BTreeMap<String, String>, code: &str) -> Option<&'a String> {
    overrides.get(code).or_else(|| overrides.iter().find(|(k, _)| k.eq_ignore_ascii_case(code)).map(|(_, v)| v))
}

impl CodeFacts {
    /// Settles the facts once every code is read: `open` from whether open and closed codes
    /// were given (both: unknown, with `open_conflict`), audience and access sorted without
    /// repeats, languages without repeats in the order given.
    pub(crate) fn settle(&mut self, open: bool, closed: bool) {
        self.open = match (open, closed) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        };
        self.open_conflict = open && closed;
        self.audience.sort();
        self.audience.dedup();
        self.accessibility.sort();
        self.accessibility.dedup();
        let mut seen = Vec::new();
        self.languages.retain(|l| {
            if seen.contains(l) {
                false
            } else {
                seen.push(l.clone());
                true
            }
        });
    }
}

/// Interprets codes, applying `overrides` (local code -> spec code) first.
pub(crate) fn interpret(given: &[String], overrides: &BTreeMap<String, String>) -> CodeFacts {
    let mut facts = CodeFacts::default();
    let (mut open, mut closed) = (false, false);
    for raw in given {
        if facts.codes.contains(raw) {
            continue;
        }
        facts.codes.push(raw.clone());
        let mapped = overridden(overrides, raw).map_or(raw.as_str(), String::as_str);
        let Some(code) = lookup(mapped) else { continue };
        for meaning in code.meanings {
            match meaning {
                Meaning::Open => open = true,
                Meaning::Closed => closed = true,
                Meaning::Online => facts.online = true,
                Meaning::TemporarilyClosed => facts.temporarily_closed = true,
                Meaning::Audience(a) => facts.audience.push(*a),
                Meaning::Language(l) => facts.languages.push((*l).to_owned()),
                Meaning::Access(x) => facts.accessibility.push(*x),
                Meaning::Topic(t) => {
                    facts.topics.push(TopicTag { topic: t.clone(), rule: format!("code {}", code.code) })
                }
            }
        }
    }
    facts.settle(open, closed);
    facts
}

const fn code(code: &'static str, label: &'static str, origin: Origin, meanings: &'static [Meaning]) -> TypeCode {
    TypeCode { code, label, origin, meanings }
}

use Meaning::*;
use Origin::*;

#[rustfmt::skip]
static TYPE_CODES: &[TypeCode] = &[
    code("11", "11th Step Meditation", Spec, &[]),
    code("12x12", "12 Steps & 12 Traditions", Spec, &[]),
    code("A", "Secular", Spec, &[]),
    code("ABSI", "As Bill Sees It", Spec, &[]),
    code("AF", "Afrikaans", Spec, &[Language("af")]),
    code("AL", "Concurrent with Alateen", Spec, &[Audience(A::FamilyAndFriends)]),
    code("AL-AN", "Concurrent with Al-Anon", Spec, &[Audience(A::FamilyAndFriends)]),
    code("AM", "Amharic", Spec, &[Language("am")]),
    code("AR", "Arabic", Spec, &[Language("ar")]),
    code("ASL", "American Sign Language", Spec, &[Language("ase"), Access(X::SignLanguage)]),
    code("B", "Big Book", Spec, &[]),
    code("BA", "Babysitting Available", Spec, &[Access(X::ChildcareAvailable)]),
    code("BE", "Newcomer", Spec, &[Audience(A::Newcomers)]),
    code("BG", "Bulgarian", Spec, &[Language("bg")]),
    code("BI", "Bisexual", Spec, &[Audience(A::Lgbtq)]),
    code("BRK", "Breakfast", Spec, &[]),
    code("C", "Closed", Spec, &[Closed]),
    code("CAN", "Candlelight", Spec, &[]),
    code("CF", "Child-Friendly", Spec, &[]),
    code("D", "Discussion", Spec, &[]),
    code("DA", "Danish", Spec, &[Language("da")]),
    code("DB", "Digital Basket", Spec, &[]),
    code("DD", "Dual Diagnosis", Spec, &[Topic(T::MENTAL_HEALTH)]),
    code("DE", "German", Spec, &[Language("de")]),
    code("DR", "Daily Reflections", Spec, &[]),
    code("EL", "Greek", Spec, &[Language("el")]),
    code("EN", "English", Spec, &[Language("en")]),
    code("FA", "Persian", Spec, &[Language("fa")]),
    code("FI", "Finnish", Spec, &[Language("fi")]),
    code("FF", "Fragrance Free", Spec, &[Access(X::FragranceFree)]),
    code("FR", "French", Spec, &[Language("fr")]),
    code("G", "Gay", Spec, &[Audience(A::Lgbtq)]),
    code("GR", "Grapevine", Spec, &[]),
    code("H", "Birthday", Spec, &[]),
    code("HE", "Hebrew", Spec, &[Language("he")]),
    code("HI", "Hindi", Spec, &[Language("hi")]),
    code("HR", "Croatian", Spec, &[Language("hr")]),
    code("HU", "Hungarian", Spec, &[Language("hu")]),
    code("IS", "Icelandic", Spec, &[Language("is")]),
    code("ITA", "Italian", Spec, &[Language("it")]),
    code("JA", "Japanese", Spec, &[Language("ja")]),
    code("KA", "Georgian", Spec, &[Language("ka")]),
    code("KOR", "Korean", Spec, &[Language("ko")]),
    code("L", "Lesbian", Spec, &[Audience(A::Lgbtq)]),
    code("LGBTQ", "LGBTQ", Spec, &[Audience(A::Lgbtq)]),
    code("LIT", "Literature", Spec, &[]),
    code("LS", "Living Sober", Spec, &[]),
    code("LT", "Lithuanian", Spec, &[Language("lt")]),
    code("M", "Men", Spec, &[Audience(A::Men)]),
    code("MED", "Meditation", Spec, &[]),
    code("ML", "Malayalam", Spec, &[Language("ml")]),
    code("MT", "Maltese", Spec, &[Language("mt")]),
    code("N", "Native American", Spec, &[Audience(A::Indigenous)]),
    code("NB", "Non-Binary", Spec, &[Audience(A::NonBinary), Audience(A::Lgbtq)]),
    code("NDG", "Indigenous", Spec, &[Audience(A::Indigenous)]),
    code("NE", "Nepali", Spec, &[Language("ne")]),
    code("NL", "Dutch", Spec, &[Language("nl")]),
    code("NO", "Norwegian", Spec, &[Language("no")]),
    code("O", "Open", Spec, &[Open]),
    code("OUT", "Outdoor", Spec, &[]),
    code("P", "Professionals", Spec, &[Audience(A::Professionals)]),
    code("POA", "Proof of Attendance", Spec, &[]),
    code("POC", "People of Color", Spec, &[Audience(A::PeopleOfColour)]),
    code("POL", "Polish", Spec, &[Language("pl")]),
    code("POR", "Portuguese", Spec, &[Language("pt")]),
    code("PUN", "Punjabi", Spec, &[Language("pa")]),
    code("RUS", "Russian", Spec, &[Language("ru")]),
    code("S", "Spanish", Spec, &[Language("es")]),
    code("SEN", "Seniors", Spec, &[Audience(A::Seniors)]),
    code("SK", "Slovak", Spec, &[Language("sk")]),
    code("SL", "Slovenian", Spec, &[Language("sl")]),
    code("SM", "Smoking Permitted", Spec, &[]),
    code("SP", "Speaker", Spec, &[]),
    code("ST", "Step Study", Spec, &[]),
    code("SV", "Swedish", Spec, &[Language("sv")]),
    code("T", "Transgender", Spec, &[Audience(A::Transgender), Audience(A::Lgbtq)]),
    code("TC", "Location Temporarily Closed", Spec, &[TemporarilyClosed]),
    code("TH", "Thai", Spec, &[Language("th")]),
    code("TL", "Tagalog", Spec, &[Language("tl")]),
    code("TR", "Tradition Study", Spec, &[]),
    code("TUR", "Turkish", Spec, &[Language("tr")]),
    code("UK", "Ukrainian", Spec, &[Language("uk")]),
    code("W", "Women", Spec, &[Audience(A::Women)]),
    code("X", "Wheelchair Access", Spec, &[Access(X::WheelchairAccess)]),
    code("XB", "Wheelchair-Accessible Bathroom", Spec, &[Access(X::AccessibleToilet)]),
    code("XT", "Cross Talk Permitted", Spec, &[]),
    code("Y", "Young People", Spec, &[Audience(A::YoungPeople)]),
    code("BV-I", "Blind / Visually Impaired", Proposed, &[]),
    code("D-HOH", "Deaf / Hard of Hearing", Proposed, &[]),
    code("LO-I", "Loners / Isolationists", Proposed, &[]),
    code("QSL", "Quebec Sign Language", Proposed, &[Language("fcs"), Access(X::SignLanguage)]),
    code("RSL", "Russian Sign Language", Proposed, &[Language("rsl"), Access(X::SignLanguage)]),
    code("ONL", "Online", Observed, &[Online]),
    code("LGBTQIA", "LGBTQIA+", Observed, &[Audience(A::Lgbtq)]),
    code("ASBI", "As Bill Sees It (misspelt ABSI)", Observed, &[]),
    code("AC", "Adult Children focus (Al-Anon)", Observed, &[]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_every_spec_code_once() {
        let spec = TYPE_CODES.iter().filter(|c| c.origin == Spec).count();
        assert_eq!(spec, 87);
        for (i, c) in TYPE_CODES.iter().enumerate() {
            assert!(TYPE_CODES[..i].iter().all(|d| d.code != c.code), "{} twice", c.code);
        }
    }

    #[test]
    fn overrides_apply_before_the_table() {
        let overrides = BTreeMap::from([("S".to_owned(), "SP".to_owned())]);
        let facts = interpret(&["S".to_owned(), "o".to_owned()], &overrides);
        assert!(facts.languages.is_empty());
        assert_eq!(facts.open, Some(true));
        assert_eq!(facts.codes, ["S", "o"]);
    }
}
