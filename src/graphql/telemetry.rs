//! Request telemetry that never carries what people search for.
//!
//! Logs and metrics get the operation type, the root field names (the query's shape), the
//! duration and the error count. Variables, arguments, locations and topics are never read
//! here, so they cannot leak into logs.

use std::sync::Arc;
use std::time::Instant;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection};
use async_graphql::{Response, ServerResult, Variables};
use std::sync::Mutex;

/// Installs `QueryShape` on a schema.
pub struct QueryShapeLogger;

impl ExtensionFactory for QueryShapeLogger {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(QueryShape { shape: Mutex::new(String::from("unparsed")) })
    }
}

struct QueryShape {
    shape: Mutex<String>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for QueryShape {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        if let Ok(mut s) = self.shape.lock() {
            *s = shape_of(&doc);
        }
        Ok(doc)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let started = Instant::now();
        let resp = next.run(ctx, operation_name).await;
        let shape = self.shape.lock().map(|s| s.clone()).unwrap_or_default();
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        metrics::histogram!("supportmesh_graphql_seconds", "shape" => shape.clone()).record(ms / 1000.0);
        metrics::counter!("supportmesh_graphql_requests_total", "shape" => shape.clone()).increment(1);
        tracing::info!(shape = %shape, ms, errors = resp.errors.len(), "graphql request");
        resp
    }
}

/// "query{groups,sources}" style: the operation type and its root fields, nothing else.
fn shape_of(doc: &ExecutableDocument) -> String {
    let mut parts = Vec::new();
    for (_, op) in doc.operations.iter() {
        let ty = match op.node.ty {
            OperationType::Query => "query",
            OperationType::Mutation => "mutation",
            OperationType::Subscription => "subscription",
        };
        let mut fields: Vec<String> = op
            .node
            .selection_set
            .node
            .items
            .iter()
            .filter_map(|s| match &s.node {
                Selection::Field(f) => Some(f.node.name.node.to_string()),
                _ => None,
            })
            .collect();
        fields.sort();
        fields.dedup();
        parts.push(format!("{ty}{{{}}}", fields.join(",")));
    }
    parts.join(";")
}
