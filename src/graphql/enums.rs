//! GraphQL enums, mirrored from the importers' model and the store's documents. Topics are
//! not among them: they are data, a scalar (`topics.rs`).

use async_graphql::Enum;

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "importers::GroupKind")]
pub enum GroupKind {
    PeerSupport,
    TwelveStep,
    ProfessionallyLed,
    TherapyGroup,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "importers::Attendance")]
pub enum Attendance {
    InPerson,
    Online,
    Hybrid,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "importers::Weekday")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "importers::Audience")]
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

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "importers::Accessibility")]
pub enum Accessibility {
    WheelchairAccess,
    AccessibleToilet,
    SignLanguage,
    HearingLoop,
    ChildcareAvailable,
    FragranceFree,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::model::GroupStatus")]
pub enum GroupStatus {
    Active,
    Missing,
    Removed,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::model::RunOutcome")]
pub enum RunOutcome {
    Succeeded,
    Unchanged,
    Failed,
    Held,
    /// The source was deleted: its records went missing and leave after the grace period.
    Retired,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::model::GroupChangeKind")]
pub enum GroupChangeKind {
    Added,
    Updated,
    /// Its records are missing from the feed: still listed, with status MISSING.
    Missing,
    Removed,
}

/// How a meeting repeats.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum Recurrence {
    Weekly,
    MonthlyNth,
    Once,
    ByAppointment,
}
