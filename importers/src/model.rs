//! The normalised listing every importer produces, whatever the source format.
//!
//! This is the contract between the pure parsers and the service: the service stores,
//! matches and serves `Listing`s and never looks at source bytes. Everything here is already
//! normalised (sanitised text, one weekday numbering, local time plus IANA zone, validated
//! coordinates, normalised phones and URLs); parsers build it through `crate::normalize`.

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

/// The fixed core taxonomy of conditions and situations a group deals with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    MentalHealth,
    Depression,
    Anxiety,
    Bipolar,
    Psychosis,
    Ocd,
    Ptsd,
    EatingDisorders,
    Bpd,
    SelfHarm,
    Suicide,
    Addiction,
    Alcohol,
    Drugs,
    Gambling,
    Bereavement,
    Caring,
    FamilyAndFriends,
}

impl Topic {
    pub const ALL: [Topic; 18] = [
        Topic::MentalHealth,
        Topic::Depression,
        Topic::Anxiety,
        Topic::Bipolar,
        Topic::Psychosis,
        Topic::Ocd,
        Topic::Ptsd,
        Topic::EatingDisorders,
        Topic::Bpd,
        Topic::SelfHarm,
        Topic::Suicide,
        Topic::Addiction,
        Topic::Alcohol,
        Topic::Drugs,
        Topic::Gambling,
        Topic::Bereavement,
        Topic::Caring,
        Topic::FamilyAndFriends,
    ];

    /// The snake_case name used in configuration files and store keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::MentalHealth => "mental_health",
            Topic::Depression => "depression",
            Topic::Anxiety => "anxiety",
            Topic::Bipolar => "bipolar",
            Topic::Psychosis => "psychosis",
            Topic::Ocd => "ocd",
            Topic::Ptsd => "ptsd",
            Topic::EatingDisorders => "eating_disorders",
            Topic::Bpd => "bpd",
            Topic::SelfHarm => "self_harm",
            Topic::Suicide => "suicide",
            Topic::Addiction => "addiction",
            Topic::Alcohol => "alcohol",
            Topic::Drugs => "drugs",
            Topic::Gambling => "gambling",
            Topic::Bereavement => "bereavement",
            Topic::Caring => "caring",
            Topic::FamilyAndFriends => "family_and_friends",
        }
    }

    /// Parses the snake_case name (case-insensitive; `-` and spaces count as `_`).
    pub fn parse(s: &str) -> Option<Topic> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Topic::ALL.into_iter().find(|t| t.as_str() == norm)
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub weekday: Option<Weekday>,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    /// IANA time zone name, always set (the source default when the record has none).
    pub timezone: String,
    pub recurrence: Recurrence,
}

/// How a meeting repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
