//! Access and audit: every operator field refuses callers without a token (and changes
//! nothing); named tokens work at once, are stored hashed and stop working the moment they are
//! revoked; every operator action is in the audit log with who, what, when, before and after.

use serde_json::{json, Value};

use crate::helpers::{sepa_sample, source, spawn_app_with, FeedServer, TestApp, TOKEN};
use crate::operator_sources::op;

async fn app() -> TestApp {
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());
    spawn_app_with(feeds, &[source("sepa", "sepa.json")]).await
}

/// Every operator operation (18), as a request that would change something or read operator data.
const OPERATOR_OPERATIONS: &[&str] = &[
    "mutation { runImport(sourceId: \"sepa\") { id } }",
    "mutation { createSource(input: { id: \"x\", format: \"meeting_guide\", url: \"x.json\" }) { id } }",
    "mutation { updateSource(id: \"sepa\", input: { name: \"X\" }) { id } }",
    "mutation { deleteSource(id: \"sepa\") { id } }",
    "mutation { pauseSource(id: \"sepa\") { id } }",
    "mutation { resumeSource(id: \"sepa\") { id } }",
    "mutation { previewSource(id: \"sepa\") { listingCount } }",
    "mutation { applyHeldRun(runId: \"sepa-20260101T000000.000Z\") { run { id } } }",
    "mutation { discardHeldRun(runId: \"sepa-20260101T000000.000Z\") { id } }",
    "mutation { createOperatorToken(name: \"mallory\") { token } }",
    "mutation { revokeOperatorToken(id: \"x\") { id } }",
    "mutation { linkRecords(a: { sourceId: \"sepa\", externalId: \"a\" }, b: { sourceId: \"sepa\", externalId: \"b\" }) { id } }",
    "mutation { unlinkRecords(a: { sourceId: \"sepa\", externalId: \"a\" }, b: { sourceId: \"sepa\", externalId: \"b\" }) { id } }",
    "{ importRuns { edges { cursor } } }",
    "{ heldRuns { id } }",
    "{ operatorTokens { id } }",
    "{ auditLog { edges { cursor } } }",
    "{ matchReviews { totalCount } }",
];

#[tokio::test]
async fn every_operator_operation_refuses_a_caller_without_a_token_and_changes_nothing() {
    let app = app().await;
    for operation in OPERATOR_OPERATIONS {
        for token in [None, Some("not-a-token")] {
            let body = app.gql_raw(operation, json!({}), token).await;
            assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHORIZED", "{operation} with {token:?}: {body}");
        }
    }
    assert_eq!(app.total().await, 0);
    let sources = op(&app, "{ sources { id name paused } }", json!({})).await;
    assert_eq!(sources["sources"], json!([{ "id": "sepa", "name": "sepa", "paused": false }]));
    let audit = op(&app, "{ auditLog { edges { node { action } } } }", json!({})).await;
    assert_eq!(audit["auditLog"]["edges"], json!([]), "refused calls did nothing to audit");
}

#[tokio::test]
async fn the_public_sees_a_sources_name_kind_and_freshness_and_operators_see_its_details() {
    let app = app().await;
    app.import("sepa").await;
    const Q: &str = "{ sources { id name format lastRefreshedAt url schedule trust definition health { consecutiveFailures } lastRun { outcome error changes { name } } } }";

    let public = app.gql(Q, json!({})).await["sources"][0].clone();
    let operator = op(&app, Q, json!({})).await["sources"][0].clone();

    assert_eq!((public["id"].as_str(), public["format"].as_str()), (Some("sepa"), Some("meeting_guide")));
    assert!(public["lastRefreshedAt"].is_string());
    for hidden in ["url", "schedule", "trust", "definition", "health"] {
        assert!(public[hidden].is_null(), "{hidden} is operator-only: {public}");
        assert!(!operator[hidden].is_null(), "operators see {hidden}: {operator}");
    }
    assert_eq!(public["lastRun"]["outcome"], "SUCCEEDED", "a run's outcome is public");
    assert_eq!(public["lastRun"]["changes"], json!([]), "what it changed is for operators");
    assert!(!operator["lastRun"]["changes"].as_array().unwrap().is_empty());
    assert_eq!(operator["health"]["consecutiveFailures"], 0);
}

#[tokio::test]
async fn a_named_token_works_at_once_is_stored_hashed_and_stops_working_when_revoked() {
    let app = app().await;
    let created = op(
        &app,
        "mutation { createOperatorToken(name: \"alice\") { token operatorToken { id name prefix created { by } } } }",
        json!({}),
    )
    .await;
    let token = created["createOperatorToken"]["token"].as_str().unwrap().to_owned();
    let id = created["createOperatorToken"]["operatorToken"]["id"].clone();
    assert_eq!(created["createOperatorToken"]["operatorToken"]["created"]["by"], "env");
    assert!(token.starts_with(created["createOperatorToken"]["operatorToken"]["prefix"].as_str().unwrap()));

    let as_alice =
        app.gql_raw("mutation { pauseSource(id: \"sepa\") { pause { by } } }", json!({}), Some(&token)).await;
    assert_eq!(as_alice["data"]["pauseSource"]["pause"]["by"], "alice", "{as_alice}");
    let listed = app.gql_raw("{ operatorTokens { name revoked { by } } }", json!({}), Some(&token)).await;
    assert_eq!(listed["data"]["operatorTokens"], json!([{ "name": "alice", "revoked": null }]));

    assert!(!directory_contains(app.store_dir(), token.as_bytes()), "the token itself is never written to disk");

    op(
        &app,
        "mutation($id: ID!) { revokeOperatorToken(id: $id, reason: \"left\") { revoked { by reason } } }",
        json!({ "id": id }),
    )
    .await;
    let after = app.gql_raw("mutation { resumeSource(id: \"sepa\") { paused } }", json!({}), Some(&token)).await;
    assert_eq!(after["errors"][0]["extensions"]["code"], "UNAUTHORIZED", "{after}");
    assert!(after["errors"][0]["message"].as_str().unwrap().contains("revoked"), "{after}");
    let still_paused = op(&app, "{ source(id: \"sepa\") { paused } }", json!({})).await;
    assert_eq!(still_paused["source"]["paused"], true, "the revoked token's request changed nothing");
    let env_still = app.gql_raw("{ operatorTokens { name } }", json!({}), Some(TOKEN)).await;
    assert!(env_still.get("errors").is_none(), "the environment token still works: {env_still}");
}

#[tokio::test]
async fn every_operator_action_is_in_the_audit_log_with_who_what_when_before_and_after() {
    let app = app().await;
    let alice = op(&app, "mutation { createOperatorToken(name: \"alice\") { token } }", json!({})).await
        ["createOperatorToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let as_alice = |q: &'static str| {
        let (app, alice) = (&app, alice.clone());
        async move {
            let body = app.gql_raw(q, json!({}), Some(&alice)).await;
            assert!(body.get("errors").is_none(), "{q}: {body}");
        }
    };
    as_alice("mutation { runImport(sourceId: \"sepa\") { id } }").await;
    as_alice("mutation { updateSource(id: \"sepa\", input: { schedule: \"0 0 5 * * *\" }) { id } }").await;
    as_alice("mutation { pauseSource(id: \"sepa\", reason: \"checking\") { id } }").await;
    as_alice("mutation { resumeSource(id: \"sepa\") { id } }").await;
    as_alice("mutation { deleteSource(id: \"sepa\") { id } }").await;

    let log =
        op(&app, "{ auditLog(first: 10) { edges { node { seq at actor action target before after } } } }", json!({}))
            .await;
    let entries: Vec<Value> = log["auditLog"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect();
    let actions: Vec<(&str, &str, &str)> = entries
        .iter()
        .map(|e| (e["actor"].as_str().unwrap(), e["action"].as_str().unwrap(), e["target"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("alice", "deleteSource", "sepa"),
            ("alice", "resumeSource", "sepa"),
            ("alice", "pauseSource", "sepa"),
            ("alice", "updateSource", "sepa"),
            ("alice", "runImport", "sepa"),
            ("env", "createOperatorToken", entries[5]["target"].as_str().unwrap()),
        ],
        "newest first"
    );
    let update = &entries[3];
    assert_eq!(update["before"]["definition"]["schedule"], "0 0 3 * * *");
    assert_eq!(update["after"]["definition"]["schedule"], "0 0 5 * * *");
    assert_eq!(entries[2]["after"]["paused"]["reason"], "checking");
    assert!(entries[0]["after"]["deleted"]["at"].is_string());
    assert!(entries
        .windows(2)
        .all(|w| w[0]["seq"].as_i64() > w[1]["seq"].as_i64() && w[0]["at"].as_str() >= w[1]["at"].as_str()));
    let only = op(&app, "{ auditLog(action: \"pauseSource\") { edges { node { actor } } } }", json!({})).await;
    assert_eq!(only["auditLog"]["edges"].as_array().unwrap().len(), 1);
    let paged = op(&app, "{ auditLog(first: 2) { pageInfo { hasNextPage endCursor } } }", json!({})).await;
    let cursor = paged["auditLog"]["pageInfo"]["endCursor"].clone();
    let next = op(
        &app,
        "query($c: String) { auditLog(first: 2, after: $c) { edges { node { action } } } }",
        json!({ "c": cursor }),
    )
    .await;
    assert_eq!(next["auditLog"]["edges"][0]["node"]["action"], "pauseSource");
}

fn directory_contains(dir: &std::path::Path, needle: &[u8]) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().any(|e| {
        let path = e.path();
        match path.is_dir() {
            true => directory_contains(&path, needle),
            false => std::fs::read(&path).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle)),
        }
    })
}

#[tokio::test]
async fn import_and_export_while_the_server_holds_the_store_say_so_plainly() {
    let app = app().await;
    let config = app.store_dir().join("cli.toml");
    let store = app.store_dir().join("store");
    std::fs::write(&config, format!("[store]\npath = \"{}\"\n", store.display())).unwrap();

    for command in ["import", "export"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_supportmesh"))
            .args([command, "--config", config.to_str().unwrap()])
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{command}");
        assert!(stderr.contains("in use by another supportmesh process"), "{command}: {stderr}");
        assert!(stderr.contains("runImport") && stderr.contains("/feeds/groups.ndjson"), "{command}: {stderr}");
        assert!(!stderr.contains("could not acquire lock"), "{command}: {stderr}");
    }
}

#[tokio::test]
async fn metrics_carry_what_an_alert_on_a_failing_or_held_source_needs() {
    // Its own source id: the metrics recorder is one per process, shared by every test's app.
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());
    let app = spawn_app_with(feeds, &[source("alerting", "sepa.json")]).await;
    app.import("alerting").await;
    app.feeds.put("sepa.json", b"{ not json".to_vec());
    app.import("alerting").await;
    app.import("alerting").await;

    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("supportmesh_source_consecutive_failures{source=\"alerting\"} 2"), "{metrics}");
    assert!(metrics.contains("supportmesh_source_held_runs{source=\"alerting\"} 0"), "{metrics}");
    assert!(metrics.contains("supportmesh_source_paused{source=\"alerting\"} 0"), "{metrics}");
    let since = metrics
        .lines()
        .find_map(|l| l.strip_prefix("supportmesh_source_seconds_since_success{source=\"alerting\"} "))
        .expect("seconds since the last success");
    assert!(since.parse::<f64>().unwrap() < 3600.0, "{since}");

    app.feeds.put("sepa.json", serde_json::to_vec(&crate::helpers::sepa_rows()[..5]).unwrap());
    app.import("alerting").await;
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("supportmesh_source_held_runs{source=\"alerting\"} 1"), "{metrics}");
    assert!(
        metrics.contains("supportmesh_source_consecutive_failures{source=\"alerting\"} 2"),
        "a held run is no success: {metrics}"
    );
}
