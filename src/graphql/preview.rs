//! `SourcePreview`: what `previewSource` shows of a dry run — the listings as parsed, the
//! problems, the counts and the record-level changes an import would make now, and whether
//! it would be held.

use async_graphql::{ComplexObject, Enum, SimpleObject, ID};

use super::sources::{n, Problem, RunCounts};
use super::topics::Topic;
use super::types::Location;
use crate::ingest::{Preview, RecordChange};

/// Most listings a preview answers; `listingCount` counts all.
const MAX_LISTINGS: usize = 500;

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SourcePreview {
    pub source_id: ID,
    pub http_status: Option<i32>,
    pub fetched_bytes: i64,
    /// How many listings the feed yields.
    pub listing_count: i64,
    /// What an import would count now: added, updated, unchanged, missing, removed, problems.
    pub counts: RunCounts,
    /// The records or fields the parse could not use (the first 1,000).
    pub problems: Vec<Problem>,
    pub problems_omitted: i64,
    /// Why an import would be held now (null: it would be applied).
    pub would_hold: Option<String>,
    /// The records an import would add, change or mark missing.
    pub changes: Vec<PreviewChange>,
    #[graphql(skip)]
    pub listings: Vec<importers::Listing>,
}

#[ComplexObject]
impl SourcePreview {
    /// The listings as parsed, in feed order (at most 500).
    async fn listings(&self, #[graphql(default = 50)] first: i32) -> Vec<PreviewListing> {
        let first = (first.max(0) as usize).min(MAX_LISTINGS);
        self.listings.iter().take(first).map(PreviewListing::from).collect()
    }
}

impl SourcePreview {
    pub fn new(source_id: String, p: Preview) -> Self {
        let (problems, omitted) = p.problems.into_parts();
        SourcePreview {
            source_id: ID(source_id),
            http_status: p.http_status.map(i32::from),
            fetched_bytes: n(p.fetched_bytes),
            listing_count: p.listings.len() as i64,
            counts: p.counts.into(),
            problems: problems.into_iter().map(Problem::from).collect(),
            problems_omitted: n(omitted),
            would_hold: p.held,
            changes: p
                .changes
                .into_iter()
                .map(|(kind, external_id, name)| PreviewChange { kind: kind.into(), external_id, name })
                .collect(),
            listings: p.listings,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PreviewChangeKind {
    Added,
    Updated,
    Missing,
}

#[derive(SimpleObject)]
pub struct PreviewChange {
    pub kind: PreviewChangeKind,
    pub external_id: String,
    pub name: String,
}

/// One listing as the importer read it.
#[derive(SimpleObject)]
pub struct PreviewListing {
    pub external_id: String,
    pub name: String,
    /// The feed's own group name, when it gives one.
    pub group: Option<String>,
    pub kind: String,
    pub topics: Vec<Topic>,
    pub attendance: String,
    pub location: Option<Location<'static>>,
    /// Its meetings, e.g. "Monday 19:00-20:00 Europe/London".
    pub meetings: Vec<String>,
}

impl From<&importers::Listing> for PreviewListing {
    fn from(l: &importers::Listing) -> Self {
        PreviewListing {
            external_id: l.external_id.clone(),
            name: l.name.clone(),
            group: l.group.clone(),
            kind: format!("{:?}", l.kind).to_ascii_uppercase(),
            topics: l.topics.iter().map(|t| Topic(t.topic.clone())).collect(),
            attendance: format!("{:?}", l.attendance).to_ascii_uppercase(),
            location: l.location.clone().map(|l| Location(std::borrow::Cow::Owned(l))),
            meetings: l.meetings.iter().map(slot).collect(),
        }
    }
}

fn slot(m: &importers::Meeting) -> String {
    let day = m.weekday.map(|d| format!("{d:?}")).unwrap_or_else(|| "(no day)".into());
    let time = |t: Option<chrono::NaiveTime>| t.map(|t| t.format("%H:%M").to_string());
    let times = match (time(m.start), time(m.end)) {
        (Some(s), Some(e)) => format!("{s}-{e}"),
        (Some(s), None) => s,
        _ => "(no time)".into(),
    };
    format!("{day} {times} {}", m.timezone)
}

impl From<RecordChange> for PreviewChangeKind {
    fn from(c: RecordChange) -> Self {
        match c {
            RecordChange::Added => PreviewChangeKind::Added,
            RecordChange::Updated => PreviewChangeKind::Updated,
            RecordChange::Missing => PreviewChangeKind::Missing,
        }
    }
}
