//! Operator mutations: imports and matching corrections here; sources (`source_admin`), held
//! runs (`runs`) and tokens (`access`) merge into `Mutation` beside them. Every one carries
//! `OperatorGuard`: without an operator's bearer token it answers an authorization error and
//! changes nothing. Every one is recorded in the audit log.

use async_graphql::{Context, ErrorExtensions, InputObject, MergedObject, Object, ID};

use super::audit;
use super::auth::OperatorGuard;
use super::errors::ApiError;
use super::sources::ImportRun;
use super::types::Group;
use super::AppState;
use crate::ingest::{IngestError, Removals};
use crate::model::{CorrectionKind, RecordKey};

// The mutation root, `Mutation` in the schema. No doc comment: it would become the type's
// description in the SDL.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    CoreMutations,
    super::source_admin::SourceMutations,
    super::runs::RunMutations,
    super::access::AccessMutations,
);

#[derive(Default)]
pub struct CoreMutations;

#[Object]
impl CoreMutations {
    /// Imports one source now and returns the run (a failed fetch is a run with outcome
    /// FAILED and an error, not a GraphQL error).
    /// With `allowRemovals: true`, a run that would mark an unusual share of the source's
    /// records missing, or strip an unusual share of them of their start times, days,
    /// addresses or map points, is applied instead of held (use it after checking a HELD run).
    #[graphql(guard = "OperatorGuard")]
    async fn run_import(
        &self,
        ctx: &Context<'_>,
        source_id: ID,
        #[graphql(default = false)] allow_removals: bool,
    ) -> async_graphql::Result<ImportRun> {
        let state = ctx.data::<AppState>()?;
        let removals = if allow_removals { Removals::Allow } else { Removals::Hold };
        let run = state.ingestor.run_source_with(&source_id, removals).await.map_err(ingest_error)?;
        let after = serde_json::json!({ "runId": run.id, "outcome": run.outcome, "allowRemovals": allow_removals });
        audit::record(ctx, "runImport", &source_id, None, Some(after))?;
        Ok(run.into())
    }

    /// Operator correction: these two source records are one group, whatever the matcher
    /// says, on this and every later import. Returns the group that now holds both.
    #[graphql(guard = "OperatorGuard")]
    async fn link_records(
        &self,
        ctx: &Context<'_>,
        a: RecordRefInput,
        b: RecordRefInput,
        reason: Option<String>,
    ) -> async_graphql::Result<Group> {
        let state = ctx.data::<AppState>()?;
        let target = format!("{} + {}", a.key(), b.key());
        let after = serde_json::json!({ "kind": "link", "reason": reason });
        let groups =
            state.ingestor.correct(CorrectionKind::Link, a.key(), b.key(), reason).await.map_err(ingest_error)?;
        audit::record(ctx, "linkRecords", &target, None, Some(after))?;
        groups
            .into_iter()
            .next()
            .map(Group::from)
            .ok_or_else(|| ApiError::NotFound("the records have no group".into()).extend())
    }

    /// Operator correction: these two source records are never one group, on this and every
    /// later import. Returns the groups that now hold them.
    #[graphql(guard = "OperatorGuard")]
    async fn unlink_records(
        &self,
        ctx: &Context<'_>,
        a: RecordRefInput,
        b: RecordRefInput,
        reason: Option<String>,
    ) -> async_graphql::Result<Vec<Group>> {
        let state = ctx.data::<AppState>()?;
        let target = format!("{} + {}", a.key(), b.key());
        let after = serde_json::json!({ "kind": "unlink", "reason": reason });
        let groups =
            state.ingestor.correct(CorrectionKind::Unlink, a.key(), b.key(), reason).await.map_err(ingest_error)?;
        audit::record(ctx, "unlinkRecords", &target, None, Some(after))?;
        Ok(groups.into_iter().map(Group::from).collect())
    }
}

/// One source record: the source's id and the record's id in that source.
#[derive(InputObject)]
pub struct RecordRefInput {
    pub source_id: ID,
    pub external_id: String,
}

impl RecordRefInput {
    fn key(&self) -> RecordKey {
        RecordKey::new(self.source_id.to_string(), self.external_id.clone())
    }
}

fn ingest_error(e: IngestError) -> async_graphql::Error {
    match e {
        IngestError::UnknownSource(id) => {
            ApiError::NotFound(format!("no source with id `{id}` is configured")).extend()
        }
        IngestError::UnknownRecord(k) => ApiError::NotFound(format!("no record `{k}` is stored")).extend(),
        IngestError::SameRecord | IngestError::Paused(_) | IngestError::NotHeld(_) => {
            ApiError::BadInput(e.to_string()).extend()
        }
        IngestError::Internal(e) => ApiError::Internal(e).extend(),
    }
}
