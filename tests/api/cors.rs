//! Browsers can call the API: CORS on `/graphql`, any origin by default, or only the
//! configured ones.

use crate::helpers::{sepa_sample, source, spawn_app, spawn_app_with_env, FeedServer};

/// A browser's preflight for a JSON POST from `origin`; returns the allowed origin, if any.
async fn preflight(app: &crate::helpers::TestApp, origin: &str) -> Option<String> {
    let resp = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .expect("preflight answered");
    assert!(resp.status().is_success(), "preflight status {}", resp.status());
    resp.headers().get("access-control-allow-origin").map(|v| v.to_str().expect("ascii").to_owned())
}

#[tokio::test]
async fn any_origin_may_query_by_default() {
    let app = spawn_app().await;
    assert_eq!(preflight(&app, "https://finder.example.org").await.as_deref(), Some("*"));
    let resp = app
        .client
        .post(app.url("/graphql"))
        .header("Origin", "https://finder.example.org")
        .json(&serde_json::json!({ "query": "{ groups(first: 1) { totalCount } }" }))
        .send()
        .await
        .expect("query answered");
    assert_eq!(resp.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("*"));
}

#[tokio::test]
async fn only_configured_origins_may_call_when_a_list_is_set() {
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());
    let env = [("SUPPORTMESH_SERVER_CORS_ORIGINS", "https://groups.example.org, https://admin.example.org")];
    let app = spawn_app_with_env(feeds, &[source("sepa", "sepa.json")], &env).await;
    assert_eq!(preflight(&app, "https://groups.example.org").await.as_deref(), Some("https://groups.example.org"));
    assert_eq!(preflight(&app, "https://admin.example.org").await.as_deref(), Some("https://admin.example.org"));
    assert_eq!(preflight(&app, "https://evil.example.com").await, None, "an unlisted origin is not allowed");
}
