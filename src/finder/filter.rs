//! `Filter`: what a search keeps, its bounds, its normal form (`Query`, what the index
//! evaluates and the cursors fingerprint) and `matches_group`, the same rules on one group.
//!
//! Within one list the values combine with OR, across fields with AND; an empty list or a
//! `None` does not restrict. Meeting fields (weekdays, time of day, start times) are each met
//! by any meeting of the group, not necessarily the same one. String values are normalised
//! as the index keys them: topics lowercased with `-` and spaces read as `_`, languages
//! lowercased, locality and region case- and accent-folded, codes and sources trimmed.

use chrono::{NaiveTime, Timelike};
use importers::{Accessibility, Attendance, Audience, GroupKind, Weekday};

use super::facts::{self, facts, indexed, Facet, Facts};
use super::fold::fold_key;
use super::text::TextQuery;
use super::{SearchError, MAX_TEXT_CHARS, MAX_VALUES, MAX_VALUE_CHARS};
use crate::model::{GroupStatus, StoredGroup, TimeOfDay};

/// What groups to keep.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Topic keys, as `Topic::as_str` spells them ("alcohol", "eating_disorders").
    pub topics: Vec<String>,
    pub kinds: Vec<GroupKind>,
    pub attendance: Vec<Attendance>,
    /// Meets on any of these days.
    pub weekdays: Vec<Weekday>,
    /// Has a meeting starting in any of these parts of the day (see `TimeOfDay`).
    pub time_of_day: Vec<TimeOfDay>,
    /// Has a meeting whose local start is at or after `starts_after` and before
    /// `starts_before` (`model::starts_between`'s window: after > before wraps past
    /// midnight, after == before is empty).
    pub starts_after: Option<NaiveTime>,
    pub starts_before: Option<NaiveTime>,
    /// BCP 47 tags, compared case-insensitively.
    pub languages: Vec<String>,
    pub accessibility: Vec<Accessibility>,
    pub audience: Vec<Audience>,
    /// `Some(true)`: known to be free; `Some(false)`: not known to be free (see `facts::is_free`).
    pub free: Option<bool>,
    pub open: Vec<Openness>,
    /// Has any of these source type codes (`Listing::codes`, compared case-sensitively as the
    /// source spells them, trimmed).
    pub source_codes: Vec<String>,
    /// Has none of these source type codes.
    pub exclude_source_codes: Vec<String>,
    /// Has a record from any of these sources (source ids, exact).
    pub sources: Vec<String>,
    /// Locality or region equal, folded, to any of these ("saint-etienne" finds "Saint-Étienne").
    pub locality: Vec<String>,
    pub region: Vec<String>,
    /// Active and/or Missing; empty means Active only. Removed groups are never searchable.
    pub status: Vec<GroupStatus>,
    /// Words, `"phrases"` and `OR` (see `text::TextQuery`).
    pub text: Option<String>,
}

/// Whether a group is open to anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Openness {
    Open,
    /// Only for people who share the problem.
    Closed,
    Unknown,
}

impl Openness {
    fn key(self) -> &'static str {
        facts::open_name(match self {
            Openness::Open => Some(true),
            Openness::Closed => Some(false),
            Openness::Unknown => None,
        })
    }
}

impl Filter {
    /// Checks the bounds: at most `MAX_VALUES` values per list, each non-empty and at most
    /// `MAX_VALUE_CHARS` long, at most `MAX_TEXT_CHARS` of text, no Removed status.
    pub fn validate(&self) -> Result<(), SearchError> {
        let counts = [
            ("topics", self.topics.len()),
            ("kinds", self.kinds.len()),
            ("attendance", self.attendance.len()),
            ("weekdays", self.weekdays.len()),
            ("timeOfDay", self.time_of_day.len()),
            ("languages", self.languages.len()),
            ("accessibility", self.accessibility.len()),
            ("audience", self.audience.len()),
            ("open", self.open.len()),
            ("sourceCodes", self.source_codes.len()),
            ("excludeSourceCodes", self.exclude_source_codes.len()),
            ("sources", self.sources.len()),
            ("locality", self.locality.len()),
            ("region", self.region.len()),
            ("status", self.status.len()),
        ];
        if let Some((name, _)) = counts.iter().find(|(_, n)| *n > MAX_VALUES) {
            return Err(bad(format!("filter.{name}: at most {MAX_VALUES} values")));
        }
        let strings = [
            ("topics", &self.topics),
            ("languages", &self.languages),
            ("sourceCodes", &self.source_codes),
            ("excludeSourceCodes", &self.exclude_source_codes),
            ("sources", &self.sources),
            ("locality", &self.locality),
            ("region", &self.region),
        ];
        for (name, values) in strings {
            if values.iter().any(|v| v.trim().is_empty() || v.chars().count() > MAX_VALUE_CHARS) {
                return Err(bad(format!("filter.{name}: each value must be 1 to {MAX_VALUE_CHARS} characters")));
            }
        }
        if self.text.as_ref().is_some_and(|t| t.chars().count() > MAX_TEXT_CHARS) {
            return Err(bad(format!("filter.text: at most {MAX_TEXT_CHARS} characters")));
        }
        if self.status.contains(&GroupStatus::Removed) {
            return Err(bad("filter.status: removed groups are not searchable; ask for ACTIVE or MISSING".into()));
        }
        Ok(())
    }

    /// Does this group pass the filter? Agrees exactly with `Index::search` over the same
    /// filter (bounds are not checked here: `validate` first).
    pub fn matches_group(&self, g: &StoredGroup) -> bool {
        indexed(g.status) && self.query().matches(&facts(g))
    }

    /// The normal form: every list as sorted, deduplicated index keys.
    pub(crate) fn query(&self) -> Query {
        fn list<T>(facet: Facet, values: &[T], key: impl Fn(&T) -> String) -> (Facet, Vec<String>) {
            let mut keys: Vec<String> = values.iter().map(key).filter(|k| !k.is_empty()).collect();
            keys.sort();
            keys.dedup();
            (facet, keys)
        }
        let status: &[GroupStatus] = if self.status.is_empty() { &[GroupStatus::Active] } else { &self.status };
        let free: Vec<bool> = self.free.into_iter().collect();
        let lists = vec![
            list(Facet::Topic, &self.topics, |t| facts::topic_key(t)),
            list(Facet::Kind, &self.kinds, |k| facts::kind_name(*k).into()),
            list(Facet::Attendance, &self.attendance, |a| facts::attendance_name(*a).into()),
            list(Facet::Weekday, &self.weekdays, |w| w.as_str().into()),
            list(Facet::TimeOfDay, &self.time_of_day, |t| t.as_str().into()),
            list(Facet::Language, &self.languages, |l| facts::language_key(l)),
            list(Facet::Accessibility, &self.accessibility, |a| facts::accessibility_name(*a).into()),
            list(Facet::Audience, &self.audience, |a| facts::audience_name(*a).into()),
            list(Facet::Free, &free, |f| f.to_string()),
            list(Facet::Open, &self.open, |o| o.key().into()),
            list(Facet::Code, &self.source_codes, |c| c.trim().into()),
            list(Facet::Source, &self.sources, |s| s.trim().into()),
            list(Facet::Locality, &self.locality, |l| fold_key(l)),
            list(Facet::Region, &self.region, |r| fold_key(r)),
            list(Facet::Status, status, |s| facts::status_name(*s).into()),
        ];
        let exclude_codes = list(Facet::Code, &self.exclude_source_codes, |c| c.trim().into()).1;
        let seconds = |t: Option<NaiveTime>| t.map(|t| t.num_seconds_from_midnight());
        let starts = (self.starts_after.is_some() || self.starts_before.is_some())
            .then(|| StartRange { after: seconds(self.starts_after), before: seconds(self.starts_before) });
        let text = self.text.as_deref().and_then(TextQuery::parse);
        Query { lists: lists.into_iter().filter(|(_, v)| !v.is_empty()).collect(), exclude_codes, starts, text }
    }
}

/// A filter in normal form.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    /// The restricting lists, in `Facet` order; Status is always among them.
    pub lists: Vec<(Facet, Vec<String>)>,
    pub exclude_codes: Vec<String>,
    pub starts: Option<StartRange>,
    pub text: Option<TextQuery>,
}

/// Start times, in seconds since local midnight: at or after `after`, before `before`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct StartRange {
    pub after: Option<u32>,
    pub before: Option<u32>,
}

impl StartRange {
    /// The window `[after, before)` as zero, one or two (from, to) spans of seconds, both
    /// ends of a span included: wrapping midnight when after is later than before, empty when
    /// they are equal (as `model::starts_between`).
    pub(crate) fn spans(self) -> Vec<(u32, u32)> {
        const LAST: u32 = 86_399;
        match (self.after.unwrap_or(0), self.before) {
            (a, None) => vec![(a, LAST)],
            (a, Some(b)) if a < b => vec![(a, b - 1)],
            (a, Some(b)) if a == b => Vec::new(),
            (a, Some(0)) => vec![(a, LAST)],
            (a, Some(b)) => vec![(0, b - 1), (a, LAST)],
        }
    }
}

impl Query {
    pub(crate) fn matches(&self, f: &Facts) -> bool {
        let has =
            |facet: Facet, v: &str| f.keys.binary_search_by(|(kf, kv)| (*kf, kv.as_str()).cmp(&(facet, v))).is_ok();
        let lists_ok = self.lists.iter().all(|(facet, values)| values.iter().any(|v| has(*facet, v)));
        let codes_ok = !self.exclude_codes.iter().any(|c| has(Facet::Code, c));
        let starts_ok = self.starts.is_none_or(|range| {
            let spans = range.spans();
            f.keys
                .iter()
                .filter(|(facet, _)| *facet == Facet::Start)
                .filter_map(|(_, v)| v.parse::<u32>().ok())
                .any(|s| spans.iter().any(|(lo, hi)| (*lo..=*hi).contains(&s)))
        });
        let text_ok = self.text.as_ref().is_none_or(|t| t.matches_fields(&f.fields));
        lists_ok && codes_ok && starts_ok && text_ok
    }
}

fn bad(msg: String) -> SearchError {
    SearchError::BadInput(msg)
}
