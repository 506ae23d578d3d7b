//! The published contract: the committed SDL, federation, GraphiQL, health, metrics, limits.

use serde_json::json;

use crate::helpers::spawn_app;

#[test]
fn the_committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/schema.graphql"))
        .expect("schema/schema.graphql is committed");
    let generated = supportmesh::graphql::sdl();
    assert!(
        committed == generated,
        "schema/schema.graphql is out of date: run `cargo run -- schema > schema/schema.graphql` and commit it"
    );
}

#[test]
fn the_committed_subgraph_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/subgraph.graphql"))
        .expect("schema/subgraph.graphql is committed");
    let generated = supportmesh::graphql::subgraph_sdl();
    assert!(
        committed == generated,
        "schema/subgraph.graphql is out of date: run `cargo run -- schema --subgraph > schema/subgraph.graphql` and commit it"
    );
}

#[test]
fn the_committed_schema_has_every_root_type_and_a_schema_definition() {
    let sdl = supportmesh::graphql::sdl();
    for root in ["type Query {", "type Mutation {", "type Subscription {"] {
        assert!(sdl.contains(root), "the SDL lacks `{root}`");
    }
    assert!(sdl.contains("schema {") && sdl.contains("subscription: Subscription"), "the SDL has no schema definition");
    assert!(supportmesh::graphql::subgraph_sdl().contains("type Query {"), "the subgraph SDL renames the query root");
}

#[tokio::test]
async fn group_is_a_federation_entity() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let g = app.gql("{ groups(first: 1) { edges { node { id name } } } }", json!({})).await;
    let node = &g["groups"]["edges"][0]["node"];

    let sdl = app.gql("{ _service { sdl } }", json!({})).await;
    let ent = app
        .gql(
            "query($r: [_Any!]!) { _entities(representations: $r) { ... on Group { id name } } }",
            json!({ "r": [{ "__typename": "Group", "id": node["id"] }] }),
        )
        .await;

    let sdl = sdl["_service"]["sdl"].as_str().unwrap();
    assert!(sdl.contains("type Group @key(fields: \"id\")"), "{sdl}");
    assert!(sdl.contains("specs.apollo.dev/federation/v2"));
    assert_eq!(ent["_entities"][0]["name"], node["name"]);
}

#[tokio::test]
async fn graphiql_health_readiness_and_metrics_are_served() {
    let app = spawn_app().await;
    app.import("sepa").await;
    app.total().await;
    let get = |path: &str| app.client.get(app.url(path)).send();

    let graphiql = get("/graphql").await.unwrap().text().await.unwrap();
    let root = get("/").await.unwrap().text().await.unwrap();
    let health = get("/healthz").await.unwrap();
    let ready = get("/readyz").await.unwrap();
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();

    assert!(graphiql.contains("graphiql") || graphiql.contains("GraphiQL"));
    assert!(root.contains("Find a support group"), "the finder page is at /: {root}");
    assert_eq!(health.status(), 200);
    assert_eq!(ready.status(), 200);
    let groups = crate::helpers::feed_groups(&crate::helpers::sepa_rows()).len();
    assert!(metrics.contains(&format!("supportmesh_groups {groups}")), "{metrics}");
    assert!(metrics.contains("supportmesh_import_runs_total"));
    assert!(metrics.contains("supportmesh_graphql_requests_total"));
    assert!(!metrics.contains("ALCOHOL") && !metrics.contains("latitude"), "metrics carry shapes, not arguments");
}

#[tokio::test]
async fn overly_deep_queries_are_refused() {
    let app = spawn_app().await;
    let deep = format!("{{ __schema {{ types {{ {} name {} }} }} }}", "ofType { ".repeat(20), "}".repeat(20));

    let body = app.gql_raw(&deep.replace("types { ofType", "types { name ofType"), json!({}), None).await;

    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().to_lowercase().contains("too deep"), "{body}");
}

#[tokio::test]
async fn queries_work_over_get_but_mutations_do_not() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let get = |q: &str| {
        let url = reqwest::Url::parse_with_params(&app.url("/graphql"), &[("query", q)]).unwrap();
        app.client.get(url).bearer_auth(crate::helpers::TOKEN).send()
    };

    let query: serde_json::Value = get("{ groups(first: 1) { totalCount } }").await.unwrap().json().await.unwrap();
    let mutation = get("mutation { runImport(sourceId: \"sepa\") { outcome } }").await.unwrap();

    assert_eq!(query["data"]["groups"]["totalCount"], crate::helpers::feed_groups(&crate::helpers::sepa_rows()).len());
    assert_eq!(mutation.status(), 405);
}

/// What Apollo clients send for automatic persisted queries.
fn persisted(query: Option<&str>, hash: &str) -> serde_json::Value {
    let mut body = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
    if let Some(q) = query {
        body["query"] = json!(q);
    }
    body
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn automatic_persisted_queries_work_as_apollo_clients_expect() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let query = "{ groups(first: 1) { totalCount } }";
    let hash = sha256_hex(query);
    let post = |body: serde_json::Value| {
        let app = &app;
        async move {
            let resp = app.client.post(app.url("/graphql")).json(&body).send().await.unwrap();
            resp.json::<serde_json::Value>().await.unwrap()
        }
    };

    let unknown = post(persisted(None, &hash)).await;
    assert_eq!(unknown["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND", "{unknown}");
    assert_eq!(unknown["errors"][0]["message"], "PersistedQueryNotFound");
    let registered = post(persisted(Some(query), &hash)).await;
    let by_hash = post(persisted(None, &hash)).await;
    let wrong = post(persisted(Some(query), &sha256_hex("{ other }"))).await;

    assert!(registered["data"]["groups"]["totalCount"].as_i64().unwrap() > 0, "{registered}");
    assert_eq!(by_hash["data"], registered["data"], "the hash alone runs the registered query");
    assert!(wrong["errors"][0]["message"].as_str().unwrap().contains("does not match"), "{wrong}");
}

#[tokio::test]
async fn a_persisted_mutation_cannot_run_over_get() {
    let app = spawn_app().await;
    let mutation = "mutation { runImport(sourceId: \"sepa\") { outcome } }";
    let hash = sha256_hex(mutation);
    let registered = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(crate::helpers::TOKEN)
        .json(&persisted(Some(mutation), &hash))
        .send()
        .await
        .unwrap();
    assert!(registered.status().is_success());
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string();
    let url =
        reqwest::Url::parse_with_params(&app.url("/graphql"), &[("query", ""), ("extensions", &extensions)]).unwrap();

    let over_get = app.client.get(url).bearer_auth(crate::helpers::TOKEN).send().await.unwrap();

    assert_eq!(over_get.status(), 405, "a stored mutation ran from a link");
}

#[tokio::test]
async fn the_finder_and_operator_pages_load_everything_from_the_service_itself() {
    let app = spawn_app().await;
    for path in ["/", "/operator"] {
        let resp = app.client.get(app.url(path)).send().await.unwrap();
        let policy = resp.headers()["content-security-policy"].to_str().unwrap().to_owned();
        let page = resp.text().await.unwrap();

        assert!(policy.starts_with("default-src 'self'"), "{path}: {policy}");
        assert!(
            !page.contains("https://") && !page.contains("http://"),
            "{path} loads something from elsewhere: {page}"
        );
        let files: Vec<&str> = page.split('"').filter(|s| s.ends_with(".js") || s.ends_with(".css")).collect();
        assert!(files.len() >= 2, "{path}: {page}");
        for file in files {
            let resp = app.client.get(app.url(file)).send().await.unwrap();
            assert_eq!(resp.status(), 200, "{file}");
            assert!(!resp.bytes().await.unwrap().is_empty(), "{file} is empty");
        }
    }
    let config: serde_json::Value =
        app.client.get(app.url("/finder/config.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(config["mapTiles"], "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "the default tiles");
}

#[tokio::test]
async fn graphiql_loads_everything_from_the_service_itself() {
    let app = spawn_app().await;
    let page = app.client.get(app.url("/graphiql")).send().await.unwrap().text().await.unwrap();

    let sources: Vec<&str> = page.split(['"', '\'']).filter(|s| s.ends_with(".js") || s.ends_with(".css")).collect();
    assert!(sources.len() >= 4, "{page}");
    assert!(!page.contains("https://") && !page.contains("http://"), "the page loads something from elsewhere: {page}");
    for src in sources {
        let resp = app.client.get(app.url(src)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{src}");
        let kind = resp.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(kind.starts_with(if src.ends_with(".js") { "text/javascript" } else { "text/css" }), "{src}: {kind}");
        assert!(!resp.bytes().await.unwrap().is_empty(), "{src} is empty");
    }
}
