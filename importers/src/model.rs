//! The normalised listing every importer produces, whatever the source format.
//!
//! This is the contract between the pure parsers and the service: the service stores,
//! matches and serves `Listing`s and never looks at source bytes. Everything here is already
//! normalised (sanitised text, one weekday numbering, local time plus IANA zone, validated
//! coordinates, normalised phones and URLs); parsers build it through `crate::normalize`.

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// One group as one source lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Listing {
    /// The source's own key for this listing, unique within one parse result.
    pub external_id: String,
    pub name: String,
    /// The source's own name for the group this listing is a meeting of (Meeting Guide
    /// `group`), when it gives one: the service assembles one group from the meetings of a
    /// source that share it. Omitted from the stored form when absent, so listings without one
    /// keep their content hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Plain text, sanitised: no markup or script survives.
    pub description: Option<String>,
    pub kind: GroupKind,
    pub topics: Vec<TopicTag>,
    pub audience: Vec<Audience>,
    pub attendance: Attendance,
    /// When it meets. Empty means unknown or by appointment (see `Meeting::recurrence`).
    pub meetings: Vec<Meeting>,
    pub location: Option<Location>,
    pub online: Option<OnlineAccess>,
    pub contact: Contact,
    pub organisation: Option<String>,
    pub cost: Option<String>,
    /// BCP 47 language tags ("en", "es", "asl" as "ase").
    pub languages: Vec<String>,
    pub accessibility: Vec<Accessibility>,
    /// Open to anyone (true) or only to people who share the problem (false), when known.
    pub open: Option<bool>,
    /// The source's own type codes, as given (unknown codes are kept, not dropped).
    pub codes: Vec<String>,
    /// The listing's page at the source.
    pub url: Option<String>,
    /// When the source says it last changed the listing.
    pub updated_at: Option<DateTime<Utc>>,
    /// False when the source marks the group inactive or temporarily closed.
    pub active: bool,
    /// The supportmesh instances this listing passed through before this source, by instance
    /// id (a peer's group carries its records' origins and the peer's own id); empty for a
    /// source that is not a peer. An instance refuses a listing that names itself, so two
    /// instances that import each other never import their own groups back. Omitted from the
    /// stored form when empty, so other listings keep their content hash.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<String>,
}

/// What kind of group it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    #[default]
    PeerSupport,
    TwelveStep,
    ProfessionallyLed,
    TherapyGroup,
}

/// A condition or situation a group deals with: an open-ended code of lower-case letters,
/// digits and `_` ("alcohol", "eating_disorders", "loneliness"), not a closed list.
///
/// The core taxonomy (`Topic::CORE`, one constant per code, e.g. `Topic::ALCOHOL`) is what the
/// parsers and the built-in rules give; configuration adds topics of its own (see
/// `crate::topics::Taxonomy`, which also holds labels and parents). Serialised as the plain
/// code (`"alcohol"`), exactly as when topics were an enum, so stored listings and their
/// content hashes are unchanged. Ordered core topics first, in the order of `CORE` (the order
/// the enum had), then other codes alphabetically.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Topic(Cow<'static, str>);

macro_rules! core_topics {
    ($($name:ident = $code:literal),* $(,)?) => {
        impl Topic {
            $(pub const $name: Topic = Topic(Cow::Borrowed($code));)*

            /// The core taxonomy, in its order.
            pub const CORE: [Topic; [$(core_topics!(@unit $name)),*].len()] = [$(Topic::$name),*];
        }
    };
    (@unit $name:ident) => {
        ()
    };
}

core_topics! {
    MENTAL_HEALTH = "mental_health",
    DEPRESSION = "depression",
    ANXIETY = "anxiety",
    BIPOLAR = "bipolar",
    PSYCHOSIS = "psychosis",
    OCD = "ocd",
    PTSD = "ptsd",
    EATING_DISORDERS = "eating_disorders",
    BPD = "bpd",
    SELF_HARM = "self_harm",
    SUICIDE = "suicide",
    ADDICTION = "addiction",
    ALCOHOL = "alcohol",
    DRUGS = "drugs",
    GAMBLING = "gambling",
    BEREAVEMENT = "bereavement",
    CARING = "caring",
    FAMILY_AND_FRIENDS = "family_and_friends",
}

impl Topic {
    /// The longest code accepted.
    pub const MAX_LEN: usize = 64;

    /// The code, as used in configuration files, stored records and index keys.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Reads a code, case-insensitively, with `-` and spaces read as `_` ("Eating-Disorders"
    /// is `eating_disorders`). `None` when what is left is empty, longer than `MAX_LEN` or
    /// has characters other than `a-z`, `0-9` and `_`. Any well-formed code is a topic:
    /// whether it is a known one is the taxonomy's question (`Taxonomy::contains`).
    pub fn parse(s: &str) -> Option<Topic> {
        let s = s.trim();
        if Topic::is_code(s) {
            return Some(Topic::from_code(s));
        }
        let norm = s.to_ascii_lowercase().replace(['-', ' '], "_");
        Topic::is_code(&norm).then(|| Topic::from_code(&norm))
    }

    /// The core topic with this exact code.
    pub fn core(code: &str) -> Option<Topic> {
        Topic::CORE.into_iter().find(|t| t.as_str() == code)
    }

    /// Whether the topic is one of the core taxonomy.
    pub fn is_core(&self) -> bool {
        self.core_rank().is_some()
    }

    /// Whether `s` is a well-formed code as written: 1 to `MAX_LEN` of `a-z`, `0-9` and `_`.
    pub fn is_code(s: &str) -> bool {
        (1..=Topic::MAX_LEN).contains(&s.len()) && s.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
    }

    /// A well-formed code as a topic, sharing the constant when it is a core one.
    fn from_code(code: &str) -> Topic {
        Topic::core(code).unwrap_or_else(|| Topic(Cow::Owned(code.to_owned())))
    }

    fn core_rank(&self) -> Option<usize> {
        Topic::CORE.iter().position(|t| t.as_str() == self.as_str())
    }
}

impl Ord for Topic {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let rank = |t: &Topic| t.core_rank().unwrap_or(usize::MAX);
        rank(self).cmp(&rank(other)).then_with(|| self.as_str().cmp(other.as_str()))
    }
}

impl PartialOrd for Topic {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Topic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Topic {
    /// The code as a string, read as `Topic::parse` reads it.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Code;
        impl serde::de::Visitor<'_> for Code {
            type Value = Topic;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a topic code of a-z, 0-9 and _")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Topic, E> {
                Topic::parse(s).ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(s), &self))
            }
        }
        deserializer.deserialize_str(Code)
    }
}

/// A topic together with the rule that gave it, so a wrong tag can be traced.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TopicTag {
    pub topic: Topic,
    /// e.g. "source default", "code EDA", "keyword \"bereave\"".
    pub rule: String,
}

/// Who a group is for, beyond the topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Women,
    Men,
    YoungPeople,
    Seniors,
    Lgbtq,
    Transgender,
    NonBinary,
    PeopleOfColour,
    Indigenous,
    Professionals,
    FamilyAndFriends,
    Newcomers,
}

/// How people attend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    #[default]
    InPerson,
    Online,
    Hybrid,
}

/// Weekday in one numbering for the whole system: ISO 8601, Monday first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// From a 0-based, Sunday-first number (Meeting Guide, BMLT v1): 0 = Sunday.
    pub fn from_sunday0(n: i64) -> Option<Weekday> {
        match n {
            0 => Some(Weekday::Sunday),
            1..=6 => Some(Weekday::ALL[(n - 1) as usize]),
            _ => None,
        }
    }

    /// From ISO numbering: 1 = Monday ... 7 = Sunday.
    pub fn from_iso(n: i64) -> Option<Weekday> {
        (1..=7).contains(&n).then(|| Weekday::ALL[(n - 1) as usize])
    }

    /// ISO number, 1 = Monday ... 7 = Sunday.
    pub fn iso(self) -> u8 {
        self as u8 + 1
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Weekday::Monday => "monday",
            Weekday::Tuesday => "tuesday",
            Weekday::Wednesday => "wednesday",
            Weekday::Thursday => "thursday",
            Weekday::Friday => "friday",
            Weekday::Saturday => "saturday",
            Weekday::Sunday => "sunday",
        }
    }
}

/// One recurring (or one-off) meeting of a group, in the group's local time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Meeting {
    pub weekday: Option<Weekday>,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    /// IANA time zone name, always set (the source default when the record has none).
    pub timezone: String,
    pub recurrence: Recurrence,
}

/// How a meeting repeats.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Recurrence {
    Weekly,
    /// The nth weekdays of the month (1..=5, -1 = last), e.g. [2, 4] for "2nd and 4th".
    MonthlyNth {
        weeks: Vec<i8>,
    },
    Once {
        date: NaiveDate,
    },
    ByAppointment,
}

/// Where a group meets in person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Location {
    /// Building or landmark name ("St Mark's Church").
    pub name: Option<String>,
    /// Street address line(s), without locality/postcode when those were given apart.
    pub address: Option<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub postcode: Option<String>,
    /// ISO 3166-1 alpha-2 when known.
    pub country: Option<String>,
    /// The full address as one line, as the source wrote it (sanitised).
    pub formatted: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// True when the point is only city- or region-level.
    pub approximate: bool,
    pub notes: Option<String>,
}

/// How to join online or by phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct OnlineAccess {
    pub url: Option<String>,
    pub phone: Option<String>,
    /// The conference meeting id found in the URL or dial string, for matching: digits for
    /// numeric ids (Zoom, Webex, GoToMeeting, dial strings), else platform-prefixed
    /// (`meet:abc-defg-hij`, `zoom:my/<vanity>`); see `normalize::web::conference_id`.
    pub conference_id: Option<String>,
    pub notes: Option<String>,
}

/// Public contact points for the group (never a member's personal details).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Contact {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
}

/// Access features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Accessibility {
    WheelchairAccess,
    AccessibleToilet,
    SignLanguage,
    HearingLoop,
    ChildcareAvailable,
    FragranceFree,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_serialise_as_the_enum_did() {
        // The enum was `#[serde(rename_all = "snake_case")]`: stored records hold these strings.
        assert_eq!(serde_json::to_string(&Topic::ALCOHOL).unwrap(), "\"alcohol\"");
        assert_eq!(serde_json::to_string(&Topic::EATING_DISORDERS).unwrap(), "\"eating_disorders\"");
        let tag = TopicTag { topic: Topic::FAMILY_AND_FRIENDS, rule: "source default".into() };
        assert_eq!(serde_json::to_string(&tag).unwrap(), r#"{"topic":"family_and_friends","rule":"source default"}"#);
        for topic in Topic::CORE {
            let json = serde_json::to_string(&topic).unwrap();
            assert_eq!(serde_json::from_str::<Topic>(&json).unwrap(), topic);
        }
        let added: Topic = serde_json::from_str("\"loneliness\"").unwrap();
        assert_eq!((added.as_str(), added.is_core()), ("loneliness", false));
        assert!(serde_json::from_str::<Topic>("\"not a code!\"").is_err());
        assert!(serde_json::from_str::<Topic>("3").is_err());
    }

    #[test]
    fn parse_normalises_and_only_takes_well_formed_codes() {
        assert_eq!(Topic::parse(" Eating-Disorders "), Some(Topic::EATING_DISORDERS));
        assert_eq!(Topic::parse("FAMILY AND FRIENDS"), Some(Topic::FAMILY_AND_FRIENDS));
        assert_eq!(Topic::parse("Long-Covid").map(|t| t.to_string()).as_deref(), Some("long_covid"));
        for bad in ["", "  ", "what?", "über", &"a".repeat(Topic::MAX_LEN + 1)] {
            assert_eq!(Topic::parse(bad), None, "{bad:?}");
        }
        assert!(Topic::is_code("loneliness_2") && !Topic::is_code("Loneliness"));
        assert_eq!(Topic::core("ocd"), Some(Topic::OCD));
        assert_eq!(Topic::core("loneliness"), None);
    }

    #[test]
    fn core_topics_sort_in_the_enum_order_then_other_codes_by_name() {
        let mut topics = [
            Topic::parse("zest").unwrap(),
            Topic::FAMILY_AND_FRIENDS,
            Topic::parse("anger").unwrap(),
            Topic::ALCOHOL,
            Topic::MENTAL_HEALTH,
        ];
        topics.sort();
        let codes: Vec<&str> = topics.iter().map(Topic::as_str).collect();
        assert_eq!(codes, ["mental_health", "alcohol", "family_and_friends", "anger", "zest"]);
        let mut core = Topic::CORE.to_vec();
        core.reverse();
        core.sort();
        assert_eq!(core, Topic::CORE);
    }
}
