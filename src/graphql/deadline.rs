//! A time budget per request: a query still running after `server.request_timeout_secs` is
//! cancelled and answered with a `TIMEOUT` error, whichever transport brought it (POST, GET,
//! WebSocket, SSE).
//!
//! Resolvers do their work without waiting on anything, so a request would otherwise run in
//! one poll to its end: each root field first yields to the runtime, which lets the timer
//! cancel a request between its root fields and lets other requests run meanwhile.
//! Mutations are left to finish (an import asked for by an operator is not cut in half).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextResolve, ResolveInfo,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Response, ServerResult, Value, Variables};

/// The schema extension.
#[derive(Debug, Clone, Copy)]
pub struct Deadline(pub Duration);

impl ExtensionFactory for Deadline {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PerRequest { after: self.0, mutation: AtomicBool::new(false) })
    }
}

struct PerRequest {
    after: Duration,
    mutation: AtomicBool,
}

#[async_graphql::async_trait::async_trait]
impl Extension for PerRequest {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let mutation = doc.operations.iter().any(|(_, op)| op.node.ty == OperationType::Mutation);
        self.mutation.store(mutation, Ordering::Relaxed);
        Ok(doc)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if self.mutation.load(Ordering::Relaxed) {
            return next.run(ctx, operation_name).await;
        }
        match tokio::time::timeout(self.after, next.run(ctx, operation_name)).await {
            Ok(response) => response,
            Err(_) => Response::from_errors(vec![super::errors::coded(
                format!(
                    "the request was cancelled after {} s (server.request_timeout_secs); ask for less",
                    self.after.as_secs()
                ),
                "TIMEOUT",
            )]),
        }
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if info.path_node.parent.is_none() {
            tokio::task::yield_now().await;
        }
        next.run(ctx, info).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{EmptySubscription, Object, Schema};

    struct Query;

    #[Object]
    impl Query {
        async fn slow(&self) -> i32 {
            tokio::time::sleep(Duration::from_secs(30)).await;
            1
        }
        async fn quick(&self) -> i32 {
            2
        }
    }

    struct Mutation;

    #[Object]
    impl Mutation {
        async fn work(&self) -> i32 {
            tokio::time::sleep(Duration::from_millis(300)).await;
            3
        }
    }

    fn schema() -> Schema<Query, Mutation, EmptySubscription> {
        Schema::build(Query, Mutation, EmptySubscription).extension(Deadline(Duration::from_millis(50))).finish()
    }

    #[tokio::test]
    async fn a_query_past_its_time_is_cancelled_with_a_timeout_error() {
        let resp = schema().execute("{ quick slow }").await;
        assert_eq!(resp.errors.len(), 1, "{resp:?}");
        assert!(resp.errors[0].message.contains("cancelled after"), "{:?}", resp.errors);
        let code = resp.errors[0].extensions.as_ref().and_then(|e| e.get("code")).cloned();
        assert_eq!(code, Some(Value::from("TIMEOUT")));
        assert_eq!(resp.data, Value::Null);
    }

    #[tokio::test]
    async fn quick_queries_and_mutations_finish() {
        let quick = schema().execute("{ quick }").await;
        let mutation = schema().execute("mutation { work }").await;
        assert!(quick.errors.is_empty() && mutation.errors.is_empty(), "{quick:?} {mutation:?}");
        assert_eq!(mutation.data.to_string(), "{work: 3}");
    }
}
