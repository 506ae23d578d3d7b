//! `Source` and `ImportRun`: what operators see of import health.
//!
//! Anyone may see that a run ran, how it ended and its counts; a run's error and problems
//! quote URLs, paths and feed content, so only the operator (the `Caller` from `auth`) reads
//! them: for anyone else they are null and empty.

use async_graphql::{ComplexObject, Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::auth::Caller;
use super::enums::RunOutcome;
use super::errors::OrInternal;
use super::AppState;
use crate::config::SourceSettings;

/// A configured source.
pub struct Source(pub SourceSettings);

#[Object]
impl Source {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn format(&self) -> &str {
        self.0.format.as_str()
    }
    /// The feed's URL without credentials or query string (or a local file's name).
    async fn url(&self) -> String {
        self.0.location.public()
    }
    /// Cron schedule, seconds first.
    async fn schedule(&self) -> &str {
        &self.0.schedule
    }
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
    async fn trust(&self) -> i32 {
        i32::from(self.0.trust)
    }
    async fn last_run(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ImportRun>> {
        let state = ctx.data::<AppState>()?;
        let st = state.store.source_state(&self.0.id).or_internal()?;
        Ok(st.last_run.map(ImportRun::from))
    }
    async fn last_success_at(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DateTime<Utc>>> {
        let state = ctx.data::<AppState>()?;
        Ok(state.store.source_state(&self.0.id).or_internal()?.last_success_at)
    }
    /// Recent runs, newest first.
    async fn runs(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] last: i32,
    ) -> async_graphql::Result<Vec<ImportRun>> {
        let state = ctx.data::<AppState>()?;
        let n = last.clamp(0, 100) as usize;
        Ok(state.store.runs(&self.0.id, n).or_internal()?.into_iter().map(ImportRun::from).collect())
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
    #[graphql(skip)]
    pub problems: Vec<Problem>,
    #[graphql(skip)]
    pub error: Option<String>,
}

#[ComplexObject]
impl ImportRun {
    /// The records or fields the run could not use: the first 1,000 found. Operator-only:
    /// empty unless the request carries the operator's bearer token.
    async fn problems(&self, ctx: &Context<'_>) -> &[Problem] {
        match is_operator(ctx) {
            true => &self.problems,
            false => &[],
        }
    }

    /// Why the run failed or was held: names the source, the URL and the cause. Operator-only:
    /// null unless the request carries the operator's bearer token (`outcome` says whether
    /// the run failed).
    async fn error(&self, ctx: &Context<'_>) -> Option<&str> {
        self.error.as_deref().filter(|_| is_operator(ctx))
    }
}

fn is_operator(ctx: &Context<'_>) -> bool {
    ctx.data_opt::<Caller>() == Some(&Caller::Operator)
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

/// A record or field the importer could not use.
#[derive(SimpleObject)]
pub struct Problem {
    pub record: Option<String>,
    pub field: Option<String>,
    pub message: String,
    /// True when the whole record was skipped.
    pub dropped: bool,
}

impl From<crate::model::ImportRun> for ImportRun {
    fn from(r: crate::model::ImportRun) -> Self {
        let c = r.counts;
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        ImportRun {
            id: ID(r.id),
            source_id: ID(r.source_id),
            started_at: r.started_at,
            finished_at: r.finished_at,
            outcome: r.outcome.into(),
            http_status: r.http_status.map(i32::from),
            fetched_bytes: n(r.fetched_bytes),
            problems_omitted: n(r.problems_omitted),
            counts: RunCounts {
                seen: n(c.seen),
                added: n(c.added),
                updated: n(c.updated),
                unchanged: n(c.unchanged),
                missing: n(c.missing),
                removed: n(c.removed),
                problems: n(c.problems),
            },
            problems: r
                .problems
                .into_iter()
                .map(|p| Problem { record: p.record, field: p.field, message: p.message, dropped: p.dropped })
                .collect(),
            error: r.error,
        }
    }
}
