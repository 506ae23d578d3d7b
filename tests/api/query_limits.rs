//! What a query may ask for, through the real server: nested fragment bombs, alias floods and
//! large pages are refused before they run, with a message that names the limit; the
//! frontend's queries and standard introspection still pass; introspection can be switched
//! off; with a trusted documents manifest only its operations run.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{sepa_sample, source, spawn_app, spawn_app_with_env, FeedServer, TestApp};

/// The whole response of a POST, failing the test if the server does not answer in 30 s (a
/// hang guard, not a timing).
async fn post(app: &TestApp, query: &str, extensions: Value) -> Value {
    let body = json!({ "query": query, "extensions": extensions });
    let send = app.client.post(app.url("/graphql")).json(&body).send();
    let resp = tokio::time::timeout(Duration::from_secs(30), send).await.expect("answered in time").unwrap();
    resp.json().await.unwrap()
}

fn first_error(body: &Value) -> (String, String) {
    let e = &body["errors"][0];
    (
        e["message"].as_str().unwrap_or_default().to_owned(),
        e["extensions"]["code"].as_str().unwrap_or_default().to_owned(),
    )
}

/// `{ ...f30 }` where each fragment spreads the one below it twice: 2^30 fields expanded.
fn fragment_bomb() -> String {
    let mut q = String::from("{ ...f30 } fragment f0 on Query { groups(first: 1) { totalCount } }");
    for i in 1..=30 {
        q.push_str(&format!(" fragment f{i} on Query {{ ...f{p} ...f{p} }}", p = i - 1));
    }
    q
}

#[tokio::test]
async fn a_fragment_bomb_is_refused_at_once_and_the_service_stays_healthy() {
    let app = spawn_app().await;
    let bomb = fragment_bomb();

    let (a, b) = tokio::join!(post(&app, &bomb, json!({})), post(&app, &bomb, json!({})));
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    let get = app.client.get(app.url("/graphql")).query(&[("query", bomb.as_str())]).send().await.unwrap();
    let get: Value = get.json().await.unwrap();

    for body in [&a, &b, &get] {
        let (message, code) = first_error(body);
        assert_eq!(code, "QUERY_TOO_COMPLEX", "{body}");
        assert!(message.contains("root fields is 1073741824, over the limit of 20"), "{message}");
        assert!(body["data"].is_null(), "nothing ran: {body}");
    }
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn a_thousand_aliased_searches_are_refused_before_they_run() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let fields: String = (0..1000)
        .map(|i| format!("a{i}: groups(first: 1, filter: {{ topics: [ALCOHOL] }}) {{ totalCount }} "))
        .collect();

    let body = post(&app, &format!("{{ {fields} }}"), json!({})).await;

    let (message, code) = first_error(&body);
    assert_eq!(code, "QUERY_TOO_COMPLEX", "{body}");
    assert!(message.contains("number of root fields is 1000, over the limit of 20"), "{message}");
}

#[tokio::test]
async fn page_sizes_count_toward_the_cost() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let item = "edges { node { id name description meetings { weekday startTime endTime timezone } records { sourceId externalId url } } }";
    let aliases = |n: usize, first: usize| -> String {
        (0..n).map(|i| format!("a{i}: groups(first: {first}, after: null) {{ {item} }} ")).collect()
    };

    let large = post(&app, &format!("{{ {} }}", aliases(15, 100)), json!({})).await;
    let small = post(&app, &format!("{{ {} }}", aliases(3, 10)), json!({})).await;

    let (message, code) = first_error(&large);
    assert_eq!(code, "QUERY_TOO_COMPLEX", "{large}");
    assert!(message.contains("cost is") && message.contains("over the limit of 2000"), "{message}");
    assert!(small.get("errors").is_none(), "three pages of ten fit: {small}");
    assert_eq!(small["data"]["a2"]["edges"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn the_frontend_query_with_facets_and_standard_introspection_pass() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let q = "query($n: Int) { groups(first: $n, filter: { topics: [ALCOHOL] }) { totalCount \
             facets { topics { value count } kinds { value count } attendance { value count } weekdays { value count } } \
             edges { cursor node { id name kind topics meetings { weekday startTime timezone } } } \
             pageInfo { hasNextPage endCursor } } }";
    let introspection = "query { __schema { queryType { name } types { name kind fields(includeDeprecated: true) { name args { name type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } } type { kind name ofType { kind name ofType { kind name } } } } } } }";

    let d = app.gql(q, json!({ "n": 20 })).await;
    let i = app.gql(introspection, json!({})).await;

    assert_eq!(d["groups"]["edges"].as_array().unwrap().len(), 20);
    assert_eq!(i["__schema"]["queryType"]["name"], "Query");
}

#[tokio::test]
async fn introspection_can_be_switched_off_and_federation_still_answers() {
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());
    let app =
        spawn_app_with_env(feeds, &[source("sepa", "sepa.json")], &[("SUPPORTMESH_SERVER_INTROSPECTION", "false")])
            .await;
    app.import("sepa").await;

    let schema = post(&app, "{ __schema { types { name } } }", json!({})).await;
    let sdl = app.gql("{ _service { sdl } }", json!({})).await;
    let groups = app.gql("{ groups(first: 1) { totalCount } }", json!({})).await;

    assert_eq!(first_error(&schema).1, "INTROSPECTION_DISABLED", "{schema}");
    assert!(sdl["_service"]["sdl"].as_str().unwrap().contains("type Group"), "{sdl}");
    assert!(groups["groups"]["totalCount"].as_i64().unwrap() > 0);
}

#[tokio::test]
async fn with_trusted_documents_only_the_manifest_runs() {
    let listed = "query Count { groups(first: 1) { totalCount } }";
    let manifest = json!({
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{ "id": "count-v1", "name": "Count", "type": "query", "body": listed }],
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("manifest.json");
    std::fs::write(&path, manifest.to_string()).unwrap();
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());
    let env = [
        ("SUPPORTMESH_SERVER_TRUSTED_DOCUMENTS", path.to_str().unwrap()),
        ("SUPPORTMESH_SERVER_TRUSTED_DOCUMENTS_ONLY", "true"),
    ];
    let app = spawn_app_with_env(feeds, &[source("sepa", "sepa.json")], &env).await;
    app.import("sepa").await;
    let by_id = json!({ "persistedQuery": { "version": 1, "sha256Hash": "count-v1" } });

    let text = post(&app, listed, json!({})).await;
    let id = post(&app, "", by_id).await;
    let other = post(&app, "{ groups(first: 2) { totalCount } }", json!({})).await;

    let total = text["data"]["groups"]["totalCount"].as_i64().unwrap();
    assert!(total > 0, "{text}");
    assert_eq!(id["data"]["groups"]["totalCount"].as_i64(), Some(total), "{id}");
    assert_eq!(first_error(&other).1, "PERSISTED_QUERY_NOT_IN_LIST", "{other}");
    assert!(other["data"].is_null());
}
