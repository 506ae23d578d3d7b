//! GraphQL over Server-Sent Events (graphql-sse, distinct connections mode): a POST, or a GET
//! with query parameters, to `/graphql` with `Accept: text/event-stream` gets its results as
//! `event: next` / `data: <response JSON>` messages, then `event: complete`. A query or a
//! mutation sends one `next`; a subscription one per event, until the client closes the
//! connection. A comment line (`:`) goes out after 15 s without a message, so proxies keep
//! the connection open.
//!
//! A request that fails before it runs (it does not parse or validate, its variables do not
//! fit, the persisted query is unknown) is answered `400` with a GraphQL errors JSON body and
//! no stream, as the GraphQL over HTTP spec answers it, so a client sees the failure as a
//! failed request rather than as an event. (graphql-sse's PROTOCOL.md would send those errors
//! as a `next` event on an accepted stream instead; we chose the HTTP status, so clients fail
//! fast.) Errors raised while running (a resolver's `BAD_USER_INPUT`, `UNAUTHORIZED`) are part
//! of a result and arrive as `next`, as on every other transport.
//!
//! The caller (`Authorization`) and the GET rule (never a mutation) are decided by the routes
//! in `crate::http`, as for plain requests; this file only streams.

use std::convert::Infallible;
use std::time::Duration;

use async_graphql::{Request, Response as GqlResponse};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::{stream, FutureExt, StreamExt};
use serde_json::Value;

use crate::graphql::Api;

/// How long the stream may stay silent before a keep-alive comment.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Whether the client asked for an event stream (`Accept: text/event-stream`).
pub fn wants_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|media| media.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("text/event-stream")))
}

/// Runs `request` and streams its results, or answers `400` when it fails before running.
pub async fn respond(schema: &Api, request: Request) -> Response {
    let mut results = schema.execute_stream(request, None);
    // Parsing, validation and the variables are checked synchronously when the stream is
    // first polled (no extension of ours awaits anything before execution), so a request that
    // fails before it runs has its one result ready now. A result that is not ready yet comes
    // from a request that passed those checks: a subscription waiting for its first event, or a
    // query still running.
    let first = match results.next().now_or_never() {
        Some(Some(result)) => {
            let json = to_json(&result);
            if is_request_error(&json) {
                let body = serde_json::json!({ "errors": json["errors"] });
                return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
            }
            Some(json)
        }
        // Not ready yet, or (for no operation at all) already ended.
        _ => None,
    };
    let nexts = stream::iter(first).chain(results.map(|r| to_json(&r)));
    let events = nexts
        .map(|json| Event::default().event("next").data(json.to_string()))
        .chain(stream::once(async { Event::default().event("complete").data("") }))
        .map(Ok::<_, Infallible>);
    Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)).into_response()
}

/// Whether a serialized GraphQL response reports a request that never ran: no data, and only
/// errors that belong to no field (an error raised while resolving carries its field's path).
pub fn is_request_error(response: &Value) -> bool {
    let Some(errors) = response.get("errors").and_then(Value::as_array) else { return false };
    response.get("data").is_none_or(Value::is_null)
        && !errors.is_empty()
        && errors.iter().all(|e| e.get("path").and_then(Value::as_array).is_none_or(|p| p.is_empty()))
}

fn to_json(response: &GqlResponse) -> Value {
    serde_json::to_value(response).unwrap_or_else(|e| {
        tracing::error!(error = %e, "a GraphQL response did not serialize");
        serde_json::json!({ "errors": [{ "message": "internal error" }] })
    })
}
