//! Request telemetry that never carries what people search for.
//!
//! Logs and metrics get the operation type, the root field names (the query's shape), the
//! duration and the error count. Variables, arguments, locations and topics are never read
//! here, so they cannot leak into logs.

use std::time::Duration;

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection};

/// Records one request that ran: its duration and count by shape in the metrics (what an
/// operator reads at the default `info`), and a log line at `debug`.
pub fn record(shape: &str, took: Duration, errors: usize) {
    let seconds = took.as_secs_f64();
    metrics::histogram!("supportmesh_graphql_seconds", "shape" => shape.to_owned()).record(seconds);
    metrics::counter!("supportmesh_graphql_requests_total", "shape" => shape.to_owned()).increment(1);
    tracing::debug!(shape, ms = seconds * 1000.0, errors, "graphql request");
}

/// "query{groups,sources}" style: the operation type and its root fields, nothing else.
pub fn shape_of(doc: &ExecutableDocument) -> String {
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
