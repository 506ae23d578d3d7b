//! Run history and held runs for operators: `importRuns` (a Relay connection across sources or
//! for some, filtered by outcome), `heldRuns` (waiting for an operator, with what they would
//! remove), and `applyHeldRun` / `discardHeldRun`.

use async_graphql::{Context, ErrorExtensions, Object, SimpleObject, ID};
use base64::Engine;

use super::audit;
use super::auth::{operator_name, OperatorGuard};
use super::connection::PageInfo;
use super::enums::RunOutcome;
use super::errors::{ApiError, OrInternal};
use super::sources::ImportRun;
use super::AppState;
use crate::ingest::IngestError;
use crate::store::{RunCursor, RunFilter};

/// Most runs one page holds.
const MAX_PAGE: usize = 100;

#[derive(Default)]
pub struct RunQueries;

#[derive(Default)]
pub struct RunMutations;

/// A page of import runs, newest first.
#[derive(SimpleObject)]
pub struct ImportRunConnection {
    pub edges: Vec<ImportRunEdge>,
    pub page_info: PageInfo,
}

#[derive(SimpleObject)]
pub struct ImportRunEdge {
    pub cursor: String,
    pub node: ImportRun,
}

/// A held run applied: the run that applied it, and the held run as resolved.
#[derive(SimpleObject)]
pub struct AppliedRun {
    pub run: ImportRun,
    pub held: ImportRun,
}

#[Object]
impl RunQueries {
    /// Import runs, newest first, across every source or those of `sourceIds`, optionally only
    /// some outcomes. Operator-only.
    #[graphql(guard = "OperatorGuard")]
    async fn import_runs(
        &self,
        ctx: &Context<'_>,
        source_ids: Option<Vec<ID>>,
        outcomes: Option<Vec<RunOutcome>>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<ImportRunConnection> {
        let state = ctx.data::<AppState>()?;
        let filter = RunFilter {
            sources: source_ids.unwrap_or_default().into_iter().map(|id| id.0).collect(),
            outcomes: outcomes.unwrap_or_default().into_iter().map(Into::into).collect(),
            unresolved_only: false,
        };
        let after = after.as_deref().map(decode_cursor).transpose()?;
        let first = (first.max(0) as usize).min(MAX_PAGE);
        let page = state.store.runs_page(&filter, after.as_ref(), first).or_internal()?;
        let edges: Vec<ImportRunEdge> = page
            .runs
            .into_iter()
            .map(|r| ImportRunEdge { cursor: encode_cursor(&RunCursor::of(&r)), node: r.into() })
            .collect();
        let page_info = PageInfo {
            has_next_page: page.has_more,
            has_previous_page: after.is_some(),
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        };
        Ok(ImportRunConnection { edges, page_info })
    }

    /// Held runs waiting for an operator, newest first, each with what it would remove
    /// (`changes`) and why it was held (`error`). Operator-only.
    #[graphql(guard = "OperatorGuard")]
    async fn held_runs(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ImportRun>> {
        let state = ctx.data::<AppState>()?;
        let filter =
            RunFilter { sources: Vec::new(), outcomes: vec![crate::model::RunOutcome::Held], unresolved_only: true };
        let page = state.store.runs_page(&filter, None, MAX_PAGE).or_internal()?;
        Ok(page.runs.into_iter().map(ImportRun::from).collect())
    }
}

#[Object]
impl RunMutations {
    /// Applies a held run: exactly the listings it read are committed (removals allowed) as a
    /// new run, and the held run records who applied it.
    #[graphql(guard = "OperatorGuard")]
    async fn apply_held_run(&self, ctx: &Context<'_>, run_id: ID) -> async_graphql::Result<AppliedRun> {
        let state = ctx.data::<AppState>()?;
        let actor = operator_name(ctx)?;
        let (run, held) = state.ingestor.apply_held(&run_id, &actor).await.map_err(held_error)?;
        audit::record(
            ctx,
            "applyHeldRun",
            &run_id,
            None,
            audit::json(&serde_json::json!({ "appliedBy": run.id, "counts": run.counts })),
        )?;
        Ok(AppliedRun { run: run.into(), held: held.into() })
    }

    /// Discards a held run: nothing changes but the run's record of who discarded it.
    #[graphql(guard = "OperatorGuard")]
    async fn discard_held_run(&self, ctx: &Context<'_>, run_id: ID) -> async_graphql::Result<ImportRun> {
        let state = ctx.data::<AppState>()?;
        let actor = operator_name(ctx)?;
        let held = state.ingestor.discard_held(&run_id, &actor).await.map_err(held_error)?;
        audit::record(ctx, "discardHeldRun", &run_id, None, audit::json(&serde_json::json!({ "discarded": true })))?;
        Ok(held.into())
    }
}

fn held_error(e: IngestError) -> async_graphql::Error {
    match e {
        IngestError::NotHeld(why) => ApiError::BadInput(why).extend(),
        IngestError::UnknownSource(_) | IngestError::Paused(_) => ApiError::BadInput(e.to_string()).extend(),
        IngestError::Internal(e) => ApiError::Internal(e).extend(),
        e => ApiError::BadInput(e.to_string()).extend(),
    }
}

fn encode_cursor(c: &RunCursor) -> String {
    let at = c.started_at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    let text = format!("{at}\u{0}{}\u{0}{}", c.source_id, c.run_id);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

fn decode_cursor(text: &str) -> async_graphql::Result<RunCursor> {
    let bad = || ApiError::BadInput(format!("after: `{text}` is not a cursor of importRuns")).extend();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = text.split('\u{0}');
    let (Some(at), Some(source), Some(run), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let started_at = chrono::DateTime::parse_from_rfc3339(at).map_err(|_| bad())?.with_timezone(&chrono::Utc);
    Ok(RunCursor { started_at, source_id: source.to_owned(), run_id: run.to_owned() })
}
