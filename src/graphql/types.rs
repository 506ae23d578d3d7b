//! The `Group` entity and the objects it is made of, resolved from stored documents.

use std::borrow::Cow;
use std::sync::Arc;

use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::enums::{Accessibility, Attendance, Audience, GroupKind, GroupStatus};
use super::errors::OrInternal;
use super::meeting::Meeting;
use super::serial::Serial;
use super::topics::Topic;
use super::AppState;
use crate::model::{RecordKey, StoredGroup};

/// A support group: one real group, merged from every source that lists it.
pub struct Group(pub Arc<StoredGroup>);

impl From<StoredGroup> for Group {
    fn from(g: StoredGroup) -> Self {
        Group(Arc::new(g))
    }
}

#[Object]
impl Group {
    /// Stable id; an id that was merged into another group keeps resolving to it.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn name(&self) -> &str {
        &self.0.listing.name
    }
    /// Plain text (sanitised at import: never markup).
    async fn description(&self) -> Option<&str> {
        self.0.listing.description.as_deref()
    }
    async fn kind(&self) -> GroupKind {
        self.0.listing.kind.into()
    }
    async fn topics(&self) -> Vec<Topic> {
        self.0.listing.topics.iter().map(|t| Topic(t.topic.clone())).collect()
    }
    /// Each topic with the rule that gave it, so a wrong tag can be traced.
    async fn topic_tags(&self) -> Vec<TopicTag> {
        self.0.listing.topics.iter().map(|t| TopicTag { topic: Topic(t.topic.clone()), rule: t.rule.clone() }).collect()
    }
    async fn audience(&self) -> Vec<Audience> {
        self.0.listing.audience.iter().map(|a| (*a).into()).collect()
    }
    async fn attendance(&self) -> Attendance {
        self.0.listing.attendance.into()
    }
    /// The group's meetings (its slots), each with the source records that describe it.
    async fn meetings(&self) -> Vec<Serial<Meeting>> {
        Meeting::all(&self.0).into_iter().map(Serial).collect()
    }
    async fn location(&self) -> Option<Serial<Location<'_>>> {
        self.0.listing.location.as_ref().map(|l| Serial(Location(Cow::Borrowed(l))))
    }
    async fn online(&self) -> Option<OnlineAccess> {
        self.0.listing.online.as_ref().map(|o| OnlineAccess {
            url: o.url.clone(),
            phone: o.phone.clone(),
            notes: o.notes.clone(),
        })
    }
    async fn contact(&self) -> Contact {
        let c = &self.0.listing.contact;
        Contact { email: c.email.clone(), phone: c.phone.clone(), website: c.website.clone() }
    }
    async fn organisation(&self) -> Option<&str> {
        self.0.listing.organisation.as_deref()
    }
    async fn cost(&self) -> Option<&str> {
        self.0.listing.cost.as_deref()
    }
    /// BCP 47 language tags.
    async fn languages(&self) -> &[String] {
        &self.0.listing.languages
    }
    async fn accessibility(&self) -> Vec<Accessibility> {
        self.0.listing.accessibility.iter().map(|a| (*a).into()).collect()
    }
    /// True: anyone may attend; false: only people who share the problem; null: unknown.
    async fn open(&self) -> Option<bool> {
        self.0.listing.open
    }
    /// The sources' own type codes, as published.
    async fn source_codes(&self) -> &[String] {
        &self.0.listing.codes
    }
    async fn status(&self) -> GroupStatus {
        self.0.status.into()
    }
    /// False when the sources mark the group inactive or temporarily closed.
    async fn active(&self) -> bool {
        self.0.listing.active
    }
    async fn first_seen_at(&self) -> DateTime<Utc> {
        self.0.first_seen
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The source records merged into this group, with provenance: every meeting's records.
    async fn records(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SourceRecord>> {
        let state = ctx.data::<AppState>()?;
        let mut out = Vec::with_capacity(self.0.records.len());
        for key in &self.0.records {
            let rec = state.store.record(key).or_internal()?;
            out.push(SourceRecord::new(key, rec.as_ref(), &state.instance_id));
        }
        Ok(out)
    }
    /// The sources disagree on whether the group meets (one lists it as suspended or
    /// inactive, another as meeting); `active` shows the most trusted, then the most recently
    /// updated, record's word. Null when they agree.
    async fn status_conflict(&self) -> Option<StatusConflict> {
        self.0.status_conflict.as_ref().map(|c| StatusConflict {
            active_in: c.active.iter().map(ToString::to_string).collect(),
            inactive_in: c.inactive.iter().map(ToString::to_string).collect(),
            decided_by: c.decided_by.to_string(),
        })
    }
    /// Why these records were put together: one entry per link, with the evidence.
    async fn match_explanation(&self) -> Vec<MatchLink> {
        self.0
            .links
            .iter()
            .map(|l| MatchLink { a: l.a.to_string(), b: l.b.to_string(), score: l.score, evidence: l.evidence.clone() })
            .collect()
    }
}

#[derive(SimpleObject)]
pub struct TopicTag {
    pub topic: Topic,
    pub rule: String,
}

/// Where a group meets: read from the listing when a field is asked for.
pub struct Location<'a>(pub Cow<'a, importers::Location>);

#[Object]
impl Location<'_> {
    /// Building or landmark.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
    async fn locality(&self) -> Option<&str> {
        self.0.locality.as_deref()
    }
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }
    async fn postcode(&self) -> Option<&str> {
        self.0.postcode.as_deref()
    }
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }
    /// The whole address on one line.
    async fn formatted(&self) -> Option<&str> {
        self.0.formatted.as_deref()
    }
    async fn latitude(&self) -> Option<f64> {
        self.0.latitude
    }
    async fn longitude(&self) -> Option<f64> {
        self.0.longitude
    }
    /// True when the point is only city- or region-level.
    async fn approximate(&self) -> bool {
        self.0.approximate
    }
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
}

#[derive(SimpleObject)]
pub struct OnlineAccess {
    pub url: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
}

#[derive(SimpleObject)]
pub struct Contact {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
}

/// This supportmesh instance.
#[derive(SimpleObject)]
pub struct Instance {
    /// Its id in provenance (`server.instance_id`, else generated once and kept in the store).
    pub id: ID,
}

/// One source's listing of a group.
#[derive(SimpleObject)]
pub struct SourceRecord {
    pub source_id: ID,
    pub external_id: String,
    /// The listing's page at the source.
    pub url: Option<String>,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Set while the record is missing from its feed.
    pub missing_since: Option<DateTime<Utc>>,
    /// The instance ids this record passed through, the first that imported it first and
    /// this instance last (just this one for a record of a directory's own feed). A peer
    /// importing this instance refuses a group whose records name the peer itself.
    pub origins: Vec<String>,
}

impl SourceRecord {
    pub(super) fn new(key: &RecordKey, rec: Option<&crate::model::StoredRecord>, instance: &str) -> Self {
        let mut origins: Vec<String> = rec.map(|r| r.listing.origins.clone()).unwrap_or_default();
        origins.retain(|o| o != instance);
        origins.push(instance.to_owned());
        SourceRecord {
            source_id: ID(key.source_id.clone()),
            external_id: key.external_id.clone(),
            url: rec.and_then(|r| r.listing.url.clone()),
            last_seen_at: rec.map(|r| r.last_seen),
            missing_since: rec.and_then(|r| r.missing_since),
            origins,
        }
    }
}

/// Sources that disagree on whether a group meets.
#[derive(SimpleObject)]
pub struct StatusConflict {
    /// "sourceId:externalId" of the records that list the group as meeting.
    pub active_in: Vec<String>,
    /// Those that list it as suspended, cancelled or inactive.
    pub inactive_in: Vec<String>,
    /// The record whose word the group's `active` shows (most trusted source, then most
    /// recently updated).
    pub decided_by: String,
}

/// One link between two records of a group.
#[derive(SimpleObject)]
pub struct MatchLink {
    /// "sourceId:externalId" of each record.
    pub a: String,
    pub b: String,
    /// 0..1.
    pub score: f64,
    /// What matched, in words.
    pub evidence: Vec<String>,
}
