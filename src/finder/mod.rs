//! The finder: a pure in-memory query engine over the directory's live groups.
//!
//! `Index` holds every Active and Missing group by a dense u32 ordinal, with one roaring
//! bitmap per facet value (topic, kind, attendance, weekday, time of day, start time,
//! language, accessibility, audience, free, open, source code, source, locality, region,
//! status), a sorted token -> bitmap map of the text fields, and a 0.1° grid of points. It is
//! built from groups and kept current with `upsert` and `remove`; `Index::search` answers a
//! `Search` (a `Filter`, an optional `Near`, a `Sort`, a page and whether to count facets)
//! with `Hits`. `Filter::matches_group` and `Search::matches_group` apply the same rules to
//! one group, for subscriptions.
//!
//! No IO, no clock, no async, no store: the caller feeds it groups and owns the locking.
//! Rules worth knowing (each documented where it lives): what counts as free
//! (`facts::is_free`), how text folds (`fold`), the text syntax (`text`), which groups `near`
//! finds and which it adds as online (`facts`), how facets count (`search`), how cursors
//! are keyed (`page`).

mod facts;
mod filter;
mod fold;
mod geo;
mod index;
mod input;
mod matcher;
mod next;
mod page;
mod postings;
mod search;
mod text;
mod upcoming;

#[cfg(test)]
pub(crate) mod tests;

pub use crate::model::TimeOfDay;
pub use filter::{Filter, Openness};
pub use index::Index;
pub use input::{FacetFields, Near, Search, Sort, Within};
pub use matcher::{Area, GroupFacts, Matcher};
pub use upcoming::{Upcoming, UpcomingPage, MAX_UPCOMING_PAGE, MAX_WITHIN_HOURS};

/// At most this many characters of `Filter::text`.
pub const MAX_TEXT_CHARS: usize = 200;
/// At most this many values in one list of a `Filter`.
pub const MAX_VALUES: usize = 50;
/// At most this many characters in one string value of a list.
pub const MAX_VALUE_CHARS: usize = 100;
/// The largest radius of `Within::Km`.
pub const MAX_RADIUS_KM: f64 = 500.0;
/// The largest N of `Within::Nearest`.
pub const MAX_NEAREST: usize = 1000;
/// The largest `first` or `last`.
pub const MAX_PAGE: usize = 1000;
/// The page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE: usize = 20;

/// One page of a search.
#[derive(Debug, Clone, PartialEq)]
pub struct Hits {
    /// How many groups match, over all pages.
    pub total: u64,
    pub items: Vec<Hit>,
    /// Hits exist after the last item of this page.
    pub has_next: bool,
    /// Hits exist before the first item of this page.
    pub has_previous: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
    /// Present when `Search::facets` was asked for.
    pub facets: Option<Facets>,
}

/// One hit: the group's id (load the group from the store), its distance from the `near`
/// point when it has one, and the cursor to page from it (empty with `Search::skip_item_cursors`).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: String,
    pub distance_km: Option<f64>,
    pub cursor: String,
}

/// For each faceted field, each value with how many groups pass every other filter (this
/// field's own left out) and have it; values counted zero are left out. Sorted by count,
/// highest first, then value. Values are index keys: topics as `Topic::as_str`, kinds,
/// attendance and weekdays in snake_case ("twelve_step", "in_person", "monday"), time of day
/// as "morning", "midday", "evening", "night", languages lowercased.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    pub topics: Vec<(String, u64)>,
    pub kinds: Vec<(String, u64)>,
    pub attendance: Vec<(String, u64)>,
    pub weekdays: Vec<(String, u64)>,
    pub time_of_day: Vec<(String, u64)>,
    pub languages: Vec<(String, u64)>,
}

/// Why a search was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// A bound or a value is wrong; the message names the field.
    #[error("{0}")]
    BadInput(String),
    /// The cursor was made by a search with another filter, place or sort.
    #[error("the cursor belongs to another query or sort order: start again from the first page")]
    ForeignCursor,
}
