//! HTTP routes: GraphQL over POST and WebSocket, the finder and operator pages
//! (`finder_page.rs`), GraphiQL (`graphiql.rs`), health, readiness, metrics.
//!
//! The only place that reads HTTP headers: it turns `Authorization` into a `Caller` for the
//! operator guard, and answers `If-None-Match`. Everything else is the schema's business.
//! `sse` streams results to `Accept: text/event-stream` requests (graphql-sse); `ws` serves
//! WebSocket subscriptions.
//!
//! Caching: a successful GET query (always anonymous) gets `Cache-Control: public,
//! max-age=N` and an `ETag` that is the hash of its answer, so it changes exactly when the
//! answer does (a store change, or time for `upcoming`); a matching `If-None-Match` gets 304.
//! POST answers, and any answer with errors, are `no-store`: operator data is never cached.
//! Both serve repeated anonymous requests from `response_cache` while the store is unchanged.

mod feeds;
mod sse;
mod ws;

use std::sync::Arc;

use async_graphql::http::{receive_body, MultipartOptions};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::config::CorsOrigins;
use crate::graphql::{answer_json, Api, AppState, Caller, Splice};
use crate::readiness::{Readiness, Verdict};
use crate::response_cache::{self, Answer, ResponseCache};

/// What the routes read: `HttpShared` behind an `Arc`, so the copy axum hands each request
/// is one reference count rather than a clone of every field.
#[derive(Clone)]
pub struct HttpState(Arc<HttpShared>);

impl HttpState {
    pub fn new(shared: HttpShared) -> HttpState {
        HttpState(Arc::new(shared))
    }
}

impl std::ops::Deref for HttpState {
    type Target = HttpShared;

    fn deref(&self) -> &HttpShared {
        &self.0
    }
}

/// What the routes need.
pub struct HttpShared {
    pub schema: Api,
    pub app: AppState,
    pub operator_token: Option<String>,
    pub metrics: PrometheusHandle,
    pub cors: CorsOrigins,
    /// `max-age` for successful GET queries; 0 sends `no-store`.
    pub cache_max_age_secs: u64,
    pub handshake_timeout: std::time::Duration,
    pub max_subscriptions_per_connection: usize,
    pub max_websocket_backlog: usize,
    /// Answers kept for repeated anonymous requests.
    pub answers: ResponseCache,
    pub readiness: Readiness,
    /// The finder and operator pages (`finder_page`).
    pub pages: crate::finder_page::PageConfig,
}

/// Largest GraphQL request body accepted.
const MAX_REQUEST_BYTES: usize = 256 * 1024;

pub fn router(state: HttpState) -> Router {
    let cors = cors(&state.cors);
    Router::new()
        .merge(crate::finder_page::routes(state.pages.clone()))
        .route("/graphiql", get(crate::graphiql::page))
        .route("/graphiql/assets/{name}", get(crate::graphiql::asset))
        .route("/graphql", get(graphql_get).post(graphql_post).layer(cors.clone()))
        .merge(feeds::routes().layer(cors))
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

/// A POST: from the answers kept when anonymous and asked before at this store generation and
/// minute (`response_cache`), else run; never stored by HTTP caches. The body must arrive
/// within the handshake timeout (408 otherwise), so a trickled body cannot hold a connection.
async fn graphql_post(State(s): State<HttpState>, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let headers = parts.headers;
    let body = match tokio::time::timeout(s.handshake_timeout, axum::body::to_bytes(body, MAX_REQUEST_BYTES)).await {
        Ok(Ok(body)) => body,
        Ok(Err(e)) => return (StatusCode::PAYLOAD_TOO_LARGE, format!("request body: {e}")).into_response(),
        Err(_) => {
            let why = format!("the request body did not arrive within {} s", s.handshake_timeout.as_secs());
            return (StatusCode::REQUEST_TIMEOUT, why).into_response();
        }
    };
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let caller = Caller::identify(auth, s.operator_token.as_deref(), &s.app.store);
    let (generation, now) = (s.app.store.generation(), Utc::now());
    let key = (auth.is_none() && s.answers.is_on()).then(|| response_cache::key("post", &body));
    let cached = key.as_ref().filter(|_| !sse::wants_event_stream(&headers));
    if let Some(answer) = cached.and_then(|k| s.answers.get(k, generation, now)) {
        return answered(answer.body, "no-store");
    }
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let request =
        match receive_body(content_type, futures_util::io::Cursor::new(body), MultipartOptions::default()).await {
            Ok(r) => r,
            Err(e) => return (StatusCode::BAD_REQUEST, format!("bad GraphQL request: {e}")).into_response(),
        };
    if sse::wants_event_stream(&headers) {
        return sse::respond(&s.schema, request.data(caller)).await;
    }
    let key = key.filter(|_| !s.app.documents.is_mutation(&request));
    let resp = s.schema.execute(request.data(caller).data(Splice)).await;
    let Ok(bytes) = answer_json(&resp).map(Bytes::from) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let (Some(k), true) = (key, resp.is_ok()) {
        s.answers.put(k, generation, now, bytes.clone());
    }
    answered(bytes, "no-store")
}

/// A GraphQL answer as JSON with the given `Cache-Control`.
fn answered(body: Bytes, cache_control: &str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "application/graphql-response+json".to_owned()),
        (header::CACHE_CONTROL, cache_control.to_owned()),
    ];
    (headers, body).into_response()
}

/// A WebSocket upgrade goes to subscriptions (graphql-transport-ws or legacy graphql-ws);
/// a GET with `?query=` runs a query (GraphQL over HTTP; never a mutation, so a link cannot
/// change anything), or with `Accept: text/event-stream` a query or a subscription as an
/// event stream; a plain GET gets GraphiQL.
async fn graphql_get(State(s): State<HttpState>, req: Request<Body>) -> Response {
    let upgrade = req.headers().get(header::UPGRADE).and_then(|v| v.to_str().ok());
    if upgrade.is_some_and(|u| u.eq_ignore_ascii_case("websocket")) {
        let limits = ws::Limits {
            handshake: s.handshake_timeout,
            most_subscriptions: s.max_subscriptions_per_connection,
            backlog: s.max_websocket_backlog,
        };
        return ws::upgrade(s.schema.clone(), req, limits).await;
    }
    let Some(query_string) = req.uri().query().filter(|q| q.contains("query=")) else {
        return crate::graphiql::page().await.into_response();
    };
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (generation, now) = (s.app.store.generation(), Utc::now());
    let key = response_cache::key("get", query_string.as_bytes());
    let stream = sse::wants_event_stream(req.headers());
    if let Some(answer) = s.answers.get(&key, generation, now).filter(|_| !stream) {
        return public(answer, if_none_match.as_deref(), s.cache_max_age_secs);
    }
    let request = match async_graphql::http::parse_query_string(query_string) {
        Ok(r) => r,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("bad GraphQL GET request: {e}")).into_response(),
    };
    // An event stream may carry a subscription (an EventSource can only GET), never a mutation.
    let refused = if stream { s.app.documents.has_mutation(&request) } else { s.app.documents.is_mutation(&request) };
    if refused {
        let body = async_graphql::Response::from_errors(vec![async_graphql::ServerError::new(
            "mutations are not allowed over GET; use POST",
            None,
        )]);
        return (StatusCode::METHOD_NOT_ALLOWED, axum::Json(body)).into_response();
    }
    if stream {
        return sse::respond(&s.schema, request.data(Caller::Anonymous)).await;
    }
    let resp = s.schema.execute(request.data(Caller::Anonymous).data(Splice)).await;
    let Ok(bytes) = answer_json(&resp).map(Bytes::from) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if !resp.is_ok() {
        return answered(bytes, "no-store");
    }
    let answer = s.answers.put(key, generation, now, bytes);
    public(answer, if_none_match.as_deref(), s.cache_max_age_secs)
}

/// A successful GET answer: public with its ETag (304 when the client holds it), or
/// `no-store` when caching is off.
fn public(answer: Answer, if_none_match: Option<&str>, max_age: u64) -> Response {
    if max_age == 0 {
        return answered(answer.body, "no-store");
    }
    let control = format!("public, max-age={max_age}");
    let holds = if_none_match.is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == answer.etag));
    if holds {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, answer.etag), (header::CACHE_CONTROL, control)])
            .into_response();
    }
    let mut resp = answered(answer.body, &control);
    if let Ok(v) = answer.etag.parse() {
        resp.headers_mut().insert(header::ETAG, v);
    }
    resp
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
    s.app.ingestor.export_health_gauges();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], s.metrics.render()).into_response()
}
