//! HTTP routes: GraphQL over POST and WebSocket, GraphiQL (`graphiql.rs`), health, readiness,
//! metrics.
//!
//! The only place that reads HTTP headers: it turns `Authorization` into a `Caller` for the
//! operator guard. Everything else is the schema's business. `sse` streams results to
//! `Accept: text/event-stream` requests (graphql-sse); `ws` serves WebSocket subscriptions.

mod sse;
mod ws;

use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::config::CorsOrigins;
use crate::graphql::{AppSchema, AppState, Caller};
use crate::readiness::{Readiness, Verdict};

/// What the routes need.
#[derive(Clone)]
pub struct HttpState {
    pub schema: AppSchema,
    pub app: AppState,
    pub operator_token: Option<String>,
    pub metrics: PrometheusHandle,
    pub cors: CorsOrigins,
    pub readiness: Readiness,
}

/// Largest GraphQL request body accepted.
const MAX_REQUEST_BYTES: usize = 256 * 1024;

pub fn router(state: HttpState) -> Router {
    let cors = cors(&state.cors);
    Router::new()
        .route("/", get(crate::graphiql::page))
        .route("/graphiql", get(crate::graphiql::page))
        .route("/graphiql/assets/{name}", get(crate::graphiql::asset))
        .route("/graphql", get(graphql_get).post(graphql_post).layer(cors))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BYTES))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            // The path only: a query string (GET /graphql?query=...) can carry what people search for.
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
        }))
        .with_state(state)
}

async fn graphql_post(State(s): State<HttpState>, headers: HeaderMap, req: GraphQLRequest) -> Response {
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let caller = Caller::from_header(auth, s.operator_token.as_deref());
    if sse::wants_event_stream(&headers) {
        return sse::respond(&s.schema, req.into_inner().data(caller)).await;
    }
    GraphQLResponse::from(s.schema.execute(req.into_inner().data(caller)).await).into_response()
}

/// A WebSocket upgrade goes to subscriptions (graphql-transport-ws or legacy graphql-ws);
/// a GET with `?query=` runs a query (GraphQL over HTTP; never a mutation, so a link cannot
/// change anything), or with `Accept: text/event-stream` a query or a subscription as an
/// event stream; a plain GET gets GraphiQL.
async fn graphql_get(State(s): State<HttpState>, req: Request<Body>) -> Response {
    let upgrade = req.headers().get(header::UPGRADE).and_then(|v| v.to_str().ok());
    if upgrade.is_some_and(|u| u.eq_ignore_ascii_case("websocket")) {
        return ws::upgrade(s.schema.clone(), req).await;
    }
    let Some(query_string) = req.uri().query().filter(|q| q.contains("query=")) else {
        return crate::graphiql::page().await.into_response();
    };
    let request = match async_graphql::http::parse_query_string(query_string) {
        Ok(r) => r,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("bad GraphQL GET request: {e}")).into_response(),
    };
    // An event stream may carry a subscription (an EventSource can only GET), never a mutation.
    let stream = sse::wants_event_stream(req.headers());
    let refused = if stream { s.app.documents.has_mutation(&request) } else { s.app.documents.is_mutation(&request) };
    if refused {
        let body = async_graphql::Response::from_errors(vec![async_graphql::ServerError::new(
            "mutations are not allowed over GET; use POST",
            None,
        )]);
        return (StatusCode::METHOD_NOT_ALLOWED, axum::Json(body)).into_response();
    }
    let caller = Caller::Anonymous;
    if stream {
        return sse::respond(&s.schema, request.data(caller)).await;
    }
    GraphQLResponse::from(s.schema.execute(request.data(caller)).await).into_response()
}

/// Browsers may call `/graphql` from the configured origins (any by default): GET and POST,
/// with `Content-Type` and `Authorization`; never with cookies.
fn cors(origins: &CorsOrigins) -> CorsLayer {
    let allow = match origins {
        CorsOrigins::Any => AllowOrigin::any(),
        CorsOrigins::Only(list) => AllowOrigin::list(list.iter().filter_map(|o| o.parse().ok())),
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT])
        .max_age(std::time::Duration::from_secs(600))
}

/// 200 once the store is readable and every source has run (`crate::readiness`); else 503
/// naming the sources it waits for.
async fn readyz(State(s): State<HttpState>) -> Response {
    match s.readiness.check() {
        Ok(Verdict::Ready) => (StatusCode::OK, "ready").into_response(),
        Ok(Verdict::Waiting(ids)) => {
            let body = format!("not ready: waiting for the first import run of {}", ids.join(", "));
            (StatusCode::SERVICE_UNAVAILABLE, body).into_response()
        }
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "store not readable");
            (StatusCode::SERVICE_UNAVAILABLE, "store not readable").into_response()
        }
    }
}

async fn metrics(State(s): State<HttpState>) -> Response {
    if let Ok(n) = s.app.store.live_group_count() {
        metrics::gauge!("supportmesh_groups").set(n as f64);
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], s.metrics.render()).into_response()
}
