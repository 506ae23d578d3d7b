//! HTTP caching, through the real server: a GET query is public with an ETag that follows its
//! answer (304 while unchanged, a new ETag after an import changes it); POST answers and
//! answers with errors are never stored.

use reqwest::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use serde_json::json;

use crate::helpers::{sepa_rows, source, spawn_app_with, FeedServer};

#[tokio::test]
async fn get_queries_are_cacheable_until_their_answer_changes() {
    let feeds = FeedServer::start().await;
    let mut rows = sepa_rows();
    feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());
    let app = spawn_app_with(feeds, &[source("sepa", "sepa.json")]).await;
    app.import("sepa").await;
    let query = [("query", "{ groups(first: 3) { totalCount edges { node { name } } } }")];
    let get = |etag: Option<String>| {
        let mut req = app.client.get(app.url("/graphql")).query(&query);
        if let Some(e) = etag {
            req = req.header(IF_NONE_MATCH, e);
        }
        req.send()
    };

    let first = get(None).await.unwrap();
    let etag = first.headers()[ETAG].to_str().unwrap().to_owned();
    let control = first.headers()[CACHE_CONTROL].to_str().unwrap().to_owned();
    let again = get(Some(etag.clone())).await.unwrap();
    rows.truncate(rows.len() - 5);
    app.feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());
    app.import("sepa").await;
    let changed = get(Some(etag.clone())).await.unwrap();

    assert_eq!(control, "public, max-age=60");
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()[ETAG], etag.as_str());
    assert_eq!(changed.status(), 200, "the answer changed with the store");
    assert_ne!(changed.headers()[ETAG], etag.as_str());
    let body: serde_json::Value = changed.json().await.unwrap();
    assert!(body["data"]["groups"]["totalCount"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn post_answers_and_errors_are_never_stored() {
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", serde_json::to_vec(&sepa_rows()).unwrap());
    let app = spawn_app_with(feeds, &[source("sepa", "sepa.json")]).await;

    let post =
        app.client.post(app.url("/graphql")).json(&json!({ "query": "{ sources { id } }" })).send().await.unwrap();
    let error = app.client.get(app.url("/graphql")).query(&[("query", "{ nope }")]).send().await.unwrap();

    assert_eq!(post.headers()[CACHE_CONTROL], "no-store");
    assert_eq!(error.headers()[CACHE_CONTROL], "no-store");
    assert!(error.headers().get(ETAG).is_none());
}

/// The `supportmesh_response_cache_total{outcome="hit"}` count in `/metrics`.
async fn cache_hits(app: &crate::helpers::TestApp) -> u64 {
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    metrics
        .lines()
        .find(|l| l.starts_with("supportmesh_response_cache_total") && l.contains("outcome=\"hit\""))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn repeated_anonymous_posts_are_answered_from_memory_until_the_store_changes() {
    let feeds = FeedServer::start().await;
    let mut rows = sepa_rows();
    feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());
    let app = spawn_app_with(feeds, &[source("sepa", "sepa.json")]).await;
    app.import("sepa").await;
    let query = "{ groups(first: 2) { totalCount edges { node { id } } } }";
    let total = |body: &serde_json::Value| body["data"]["groups"]["totalCount"].as_i64().unwrap();

    // Kept answers last to the end of the UTC minute: a pair that straddles it is asked again.
    let minute = || chrono::Utc::now().timestamp() / 60;
    let (before, first, second, after_repeat) = loop {
        let at = minute();
        let before = cache_hits(&app).await;
        let first = app.gql_raw(query, json!({}), None).await;
        let second = app.gql_raw(query, json!({}), None).await;
        let after_repeat = cache_hits(&app).await;
        if minute() == at {
            break (before, first, second, after_repeat);
        }
    };
    let operator = app.gql_raw(query, json!({}), Some(crate::helpers::TOKEN)).await;
    let operator_again = app.gql_raw(query, json!({}), Some(crate::helpers::TOKEN)).await;
    let after_operator = cache_hits(&app).await;
    rows.truncate(rows.len() - 5);
    app.feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());
    app.import("sepa").await;
    let fresh = app.gql_raw(query, json!({}), None).await;

    assert_eq!(first, second);
    assert_eq!(after_repeat, before + 1, "the repeat was answered from memory");
    assert_eq!(operator, first);
    assert_eq!(operator_again, first);
    assert_eq!(after_operator, after_repeat, "operator requests never use kept answers");
    assert!(total(&fresh) < total(&first), "after the import the answer is recomputed: {fresh}");
}
