//! Operator mutations. Every one carries `OperatorGuard`: without the operator's bearer
//! token it answers an authorization error and changes nothing.

use async_graphql::{Context, ErrorExtensions, Object, ID};

use super::auth::OperatorGuard;
use super::errors::ApiError;
use super::sources::ImportRun;
use super::AppState;
use crate::ingest::IngestError;

pub struct MutationRoot;

#[Object]
impl MutationRoot {
    /// Imports one source now and returns the run (a failed fetch is a run with outcome
    /// FAILED and an error, not a GraphQL error).
    #[graphql(guard = "OperatorGuard")]
    async fn run_import(&self, ctx: &Context<'_>, source_id: ID) -> async_graphql::Result<ImportRun> {
        let state = ctx.data::<AppState>()?;
        match state.ingestor.run_source(&source_id).await {
            Ok(run) => Ok(run.into()),
            Err(IngestError::UnknownSource(id)) => {
                Err(ApiError::NotFound(format!("no source with id `{id}` is configured")).extend())
            }
            Err(IngestError::Internal(e)) => Err(ApiError::Internal(e).extend()),
        }
    }
}
