//! `Source` and `ImportRun`: what the public and operators see of sources and their runs.
//!
//! The public sees a source's id, name, format, when it was last refreshed, whether it is
//! paused, and its runs' outcomes and counts. Its details (URL, schedule, trust, definition,
//! health) and its runs' errors, problems and changes quote operator data, URLs and feed
//! content, so only operators (the `Caller` from `auth`) read them: for anyone else they are
//! null and empty.

use async_graphql::{ComplexObject, Context, Json, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::auth::is_operator;
use super::enums::{GroupChangeKind, RunOutcome};
use super::errors::OrInternal;
use super::AppState;
use crate::ingest::SourceHealth;
use crate::registry::Entry;

/// A source: one feed the directory imports.
pub struct Source(pub Entry);

#[Object]
impl Source {
    async fn id(&self) -> ID {
        ID(self.0.settings.id.clone())
    }
    async fn name(&self) -> &str {
        &self.0.settings.name
    }
    /// Its format (meeting_guide, hsds, csv, html, ...).
    async fn format(&self) -> &str {
        self.0.settings.format.as_str()
    }
    /// When the source was last imported successfully (the directory's copy is this fresh).
    async fn last_refreshed_at(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DateTime<Utc>>> {
        let state = ctx.data::<AppState>()?;
        Ok(state.store.source_state(&self.0.settings.id).or_internal()?.last_success_at)
    }
    /// The same as `lastRefreshedAt`.
    #[graphql(deprecation = "use lastRefreshedAt")]
    async fn last_success_at(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DateTime<Utc>>> {
        self.last_refreshed_at(ctx).await
    }
    /// True while an operator has paused the source: its listings stay as they are, unrefreshed.
    async fn paused(&self) -> bool {
        self.0.paused.is_some()
    }
    /// Who paused it, when and why. Operator-only.
    async fn pause(&self, ctx: &Context<'_>) -> Option<Stamp> {
        self.0.paused.clone().filter(|_| is_operator(ctx)).map(Stamp::from)
    }
    /// The feed's URL without credentials or query string (or a local file's name). Operator-only.
    async fn url(&self, ctx: &Context<'_>) -> Option<String> {
        is_operator(ctx).then(|| self.0.settings.location.public())
    }
    /// Cron schedule, seconds first. Operator-only.
    async fn schedule(&self, ctx: &Context<'_>) -> Option<&str> {
        is_operator(ctx).then_some(self.0.settings.schedule.as_str())
    }
    /// Operator-only.
    async fn enabled(&self, ctx: &Context<'_>) -> Option<bool> {
        is_operator(ctx).then_some(self.0.settings.enabled)
    }
    /// 0-100, for merging. Operator-only.
    async fn trust(&self, ctx: &Context<'_>) -> Option<i32> {
        is_operator(ctx).then_some(i32::from(self.0.settings.trust))
    }
    /// CONFIG (seeded from the configuration file) or API. Operator-only.
    async fn origin(&self, ctx: &Context<'_>) -> Option<&str> {
        is_operator(ctx).then_some(match self.0.stored.origin {
            crate::model::SourceOrigin::Config => "CONFIG",
            crate::model::SourceOrigin::Api => "API",
        })
    }
    /// True when the configuration file pins it: the API cannot update or delete it. Operator-only.
    async fn pinned(&self, ctx: &Context<'_>) -> Option<bool> {
        is_operator(ctx).then_some(self.0.settings.pinned)
    }
    /// The definition as given (a `[[sources]]` table as JSON; credentials and query strings
    /// removed from its URL). Operator-only.
    async fn definition(&self, ctx: &Context<'_>) -> Option<Json<serde_json::Value>> {
        is_operator(ctx).then(|| Json(redacted(self.0.stored.definition.clone())))
    }
    /// Import health, as alerts read it. Operator-only.
    async fn health(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Health>> {
        if !is_operator(ctx) {
            return Ok(None);
        }
        let state = ctx.data::<AppState>()?;
        Ok(Some(state.ingestor.health(&self.0.settings.id, Utc::now()).or_internal()?.into()))
    }
    /// The latest run (its outcome and counts are public; its error, problems and changes
    /// are operator-only).
    async fn last_run(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ImportRun>> {
        let state = ctx.data::<AppState>()?;
        let st = state.store.source_state(&self.0.settings.id).or_internal()?;
        Ok(st.last_run.map(ImportRun::from))
    }
    /// Recent runs, newest first (operators page through all of them with `importRuns`).
    async fn runs(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] last: i32,
    ) -> async_graphql::Result<Vec<ImportRun>> {
        let state = ctx.data::<AppState>()?;
        let n = last.clamp(0, 100) as usize;
        Ok(state.store.runs(&self.0.settings.id, n).or_internal()?.into_iter().map(ImportRun::from).collect())
    }
}

/// A definition's URL as operators may see it quoted back.
pub(super) fn redacted(mut definition: serde_json::Value) -> serde_json::Value {
    if let Some(url) = definition.get_mut("url") {
        if let Some(text) = url.as_str() {
            *url = serde_json::Value::String(crate::fetch::redact::url_text(text));
        }
    }
    definition
}

/// Who did something, when and why.
#[derive(SimpleObject)]
pub struct Stamp {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: Option<String>,
}

impl From<crate::model::Stamp> for Stamp {
    fn from(s: crate::model::Stamp) -> Self {
        Stamp { at: s.at, by: s.by, reason: s.reason }
    }
}

/// A source's import health: what a Prometheus alert watches too.
#[derive(SimpleObject)]
pub struct Health {
    /// Seconds since the last successful (or unchanged) run; null if it never succeeded.
    pub seconds_since_success: Option<i64>,
    /// Failed runs since the last successful one.
    pub consecutive_failures: i32,
    /// Held runs waiting for an operator.
    pub held_runs: i32,
}

impl From<SourceHealth> for Health {
    fn from(h: SourceHealth) -> Self {
        Health {
            seconds_since_success: h.seconds_since_success,
            consecutive_failures: h.consecutive_failures as i32,
            held_runs: h.held_runs as i32,
        }
    }
}

/// One import run of one source.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ImportRun {
    pub id: ID,
    pub source_id: ID,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub outcome: RunOutcome,
    pub http_status: Option<i32>,
    pub fetched_bytes: i64,
    pub counts: RunCounts,
    /// Problems found beyond the first 1,000 the run keeps (`counts.problems` counts all).
    pub problems_omitted: i64,
    /// Group changes beyond the first 1,000 the run keeps in `changes`.
    pub changes_omitted: i64,
    /// A held run's fate: applied or discarded, by whom, when (null while it waits, and for
    /// runs that were not held).
    pub resolution: Option<HeldResolution>,
    #[graphql(skip)]
    pub problems: Vec<Problem>,
    #[graphql(skip)]
    pub error: Option<String>,
    #[graphql(skip)]
    pub changes: Vec<GroupChange>,
}

#[ComplexObject]
impl ImportRun {
    /// The records or fields the run could not use: the first 1,000 found. Operator-only:
    /// empty unless the request carries an operator's bearer token.
    async fn problems(&self, ctx: &Context<'_>) -> &[Problem] {
        match is_operator(ctx) {
            true => &self.problems,
            false => &[],
        }
    }

    /// Why the run failed or was held: names the source, the URL and the cause. Operator-only:
    /// null unless the request carries an operator's bearer token (`outcome` says whether
    /// the run failed).
    async fn error(&self, ctx: &Context<'_>) -> Option<&str> {
        self.error.as_deref().filter(|_| is_operator(ctx))
    }

    /// The groups the run added, updated, left missing or removed, by name; for a held run,
    /// those it would leave missing. Operator-only.
    async fn changes(&self, ctx: &Context<'_>) -> &[GroupChange] {
        match is_operator(ctx) {
            true => &self.changes,
            false => &[],
        }
    }
}

#[derive(SimpleObject, Clone)]
pub struct GroupChange {
    pub kind: GroupChangeKind,
    pub group_id: ID,
    pub name: String,
}

#[derive(SimpleObject)]
pub struct HeldResolution {
    /// True when applied, false when discarded (or superseded by a later run).
    pub applied: bool,
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: Option<String>,
    /// The run that applied it, or that superseded it.
    pub run_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct RunCounts {
    pub seen: i64,
    pub added: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub missing: i64,
    pub removed: i64,
    pub problems: i64,
}

impl From<crate::model::RunCounts> for RunCounts {
    fn from(c: crate::model::RunCounts) -> Self {
        RunCounts {
            seen: n(c.seen),
            added: n(c.added),
            updated: n(c.updated),
            unchanged: n(c.unchanged),
            missing: n(c.missing),
            removed: n(c.removed),
            problems: n(c.problems),
        }
    }
}

/// A record or field the importer could not use.
#[derive(SimpleObject)]
pub struct Problem {
    pub record: Option<String>,
    pub field: Option<String>,
    pub message: String,
    /// True when the whole record was skipped.
    pub dropped: bool,
}

impl From<importers::Problem> for Problem {
    fn from(p: importers::Problem) -> Self {
        Problem { record: p.record, field: p.field, message: p.message, dropped: p.dropped }
    }
}

pub(super) fn n(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl From<crate::model::ImportRun> for ImportRun {
    fn from(r: crate::model::ImportRun) -> Self {
        ImportRun {
            id: ID(r.id),
            source_id: ID(r.source_id),
            started_at: r.started_at,
            finished_at: r.finished_at,
            outcome: r.outcome.into(),
            http_status: r.http_status.map(i32::from),
            fetched_bytes: n(r.fetched_bytes),
            problems_omitted: n(r.problems_omitted),
            changes_omitted: n(r.changes_omitted),
            counts: r.counts.into(),
            resolution: r.resolution.map(|h| HeldResolution {
                applied: h.applied,
                at: h.stamp.at,
                by: h.stamp.by,
                reason: h.stamp.reason,
                run_id: h.run_id.map(ID),
            }),
            problems: r.problems.into_iter().map(Problem::from).collect(),
            error: r.error,
            changes: r
                .changes
                .into_iter()
                .map(|c| GroupChange { kind: c.kind.into(), group_id: ID(c.group_id), name: c.name })
                .collect(),
        }
    }
}
