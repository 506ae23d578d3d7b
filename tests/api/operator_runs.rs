//! Runs and reviews for operators: run history as a connection across sources and per source,
//! filtered by outcome; held runs listed with what they would remove, applied (exactly the
//! listings they read) or discarded, and superseded by a later run.

use serde_json::{json, Value};

use crate::helpers::{sepa_rows, sepa_sample, source, spawn_app_with, FeedServer, TestApp};
use crate::operator_sources::{op, op_error};

const HELD: &str =
    "{ heldRuns { id sourceId outcome error changes { kind groupId name } changesOmitted resolution { applied } } }";

async fn app_with_two_sources() -> TestApp {
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());
    feeds.put("copy.json", sepa_sample());
    spawn_app_with(feeds, &[source("sepa", "sepa.json"), source("copy", "copy.json")]).await
}

async fn hold_sepa(app: &TestApp) -> Value {
    app.feeds.put("sepa.json", serde_json::to_vec(&sepa_rows()[..10]).unwrap());
    let held = app.import("sepa").await;
    assert_eq!(held.outcome, supportmesh::model::RunOutcome::Held);
    let listed = op(app, HELD, json!({})).await["heldRuns"].clone();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    listed[0].clone()
}

#[tokio::test]
async fn a_held_run_lists_what_it_would_remove_and_applying_it_commits_exactly_what_it_read() {
    let app = app_with_two_sources().await;
    app.import("sepa").await;
    let active = app.total().await;

    let held = hold_sepa(&app).await;
    assert!(held["error"].as_str().unwrap().contains("70 of the 80 records"), "{held}");
    let would_go = held["changes"].as_array().unwrap();
    assert!(
        !would_go.is_empty()
            && would_go.iter().all(|c| c["kind"] == "MISSING" && !c["name"].as_str().unwrap().is_empty())
    );
    assert!(held["resolution"].is_null());
    assert_eq!(app.total().await, active, "holding changed nothing");

    // The feed changes again before the operator looks: applying still commits what was held.
    app.feeds.put("sepa.json", b"not json".to_vec());
    let applied = op(
        &app,
        "mutation($id: ID!) { applyHeldRun(runId: $id) { run { outcome counts { missing } } held { id resolution { applied by runId } } } }",
        json!({ "id": held["id"] }),
    )
    .await["applyHeldRun"]
        .clone();
    assert_eq!(applied["run"]["outcome"], "SUCCEEDED", "{applied}");
    assert_eq!(applied["run"]["counts"]["missing"], 70);
    assert_eq!(applied["held"]["resolution"]["applied"], true);
    assert_eq!(applied["held"]["resolution"]["by"], "env");
    let missing = app.all_groups_where("id", json!({ "status": ["MISSING"] })).await;
    let named: std::collections::BTreeSet<&str> = would_go.iter().map(|c| c["groupId"].as_str().unwrap()).collect();
    assert!(!missing.is_empty());
    assert!(
        missing.iter().all(|g| named.contains(g["id"].as_str().unwrap())),
        "what went missing is what the held run named"
    );
    assert_eq!(op(&app, HELD, json!({})).await["heldRuns"], json!([]), "no held run waits any more");
    let twice =
        op_error(&app, "mutation($id: ID!) { applyHeldRun(runId: $id) { run { id } } }", json!({ "id": held["id"] }))
            .await;
    assert!(twice["message"].as_str().unwrap().contains("already applied by env"), "{twice}");
}

#[tokio::test]
async fn a_discarded_held_run_changes_nothing_and_a_later_run_supersedes_one_left_waiting() {
    let app = app_with_two_sources().await;
    app.import("sepa").await;
    let active = app.total().await;

    let held = hold_sepa(&app).await;
    let discarded = op(
        &app,
        "mutation($id: ID!) { discardHeldRun(runId: $id) { resolution { applied by } } }",
        json!({ "id": held["id"] }),
    )
    .await;
    assert_eq!(discarded["discardHeldRun"]["resolution"], json!({ "applied": false, "by": "env" }));
    assert_eq!(app.total().await, active);
    assert_eq!(app.all_groups_where("id", json!({ "status": ["MISSING"] })).await.len(), 0);

    let waiting = hold_sepa(&app).await;
    app.feeds.put("sepa.json", sepa_sample());
    let fixed = app.import("sepa").await;
    assert_eq!(op(&app, HELD, json!({})).await["heldRuns"], json!([]), "the fixed feed's run supersedes the held one");
    let refused = op_error(
        &app,
        "mutation($id: ID!) { applyHeldRun(runId: $id) { run { id } } }",
        json!({ "id": waiting["id"] }),
    )
    .await;
    assert!(refused["message"].as_str().unwrap().contains(&format!("superseded by run {}", fixed.id)), "{refused}");
    let not_held =
        op_error(&app, "mutation($id: ID!) { discardHeldRun(runId: $id) { id } }", json!({ "id": fixed.id })).await;
    assert!(not_held["message"].as_str().unwrap().contains("was not held"), "{not_held}");
}

#[tokio::test]
async fn run_history_pages_newest_first_across_sources_and_filters_by_source_and_outcome() {
    let app = app_with_two_sources().await;
    for _ in 0..3 {
        app.import("sepa").await;
        app.import("copy").await;
    }
    app.feeds.put("copy.json", b"[".to_vec());
    app.import("copy").await;

    const RUNS: &str = "query($s: [ID!], $o: [RunOutcome!], $after: String) {
        importRuns(sourceIds: $s, outcomes: $o, first: 3, after: $after) {
            edges { cursor node { id sourceId outcome startedAt } } pageInfo { hasNextPage endCursor } } }";
    let mut all: Vec<Value> = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = op(&app, RUNS, json!({ "after": after })).await["importRuns"].clone();
        all.extend(page["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()));
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(all.len(), 7, "every run once: {all:?}");
    let started: Vec<&str> = all.iter().map(|r| r["startedAt"].as_str().unwrap()).collect();
    assert!(started.windows(2).all(|w| w[0] >= w[1]), "newest first: {started:?}");
    assert_eq!(all[0]["outcome"], "FAILED");
    let ids: std::collections::BTreeSet<&str> = all.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 7, "no run twice across pages");

    let failed = op(&app, RUNS, json!({ "o": ["FAILED"] })).await["importRuns"]["edges"].clone();
    assert_eq!(failed.as_array().unwrap().len(), 1);
    let sepa =
        op(&app, RUNS, json!({ "s": ["sepa"], "o": ["SUCCEEDED", "UNCHANGED"] })).await["importRuns"]["edges"].clone();
    assert_eq!(sepa.as_array().unwrap().len(), 3);
    assert!(sepa.as_array().unwrap().iter().all(|e| e["node"]["sourceId"] == "sepa"));
    let bad = op_error(&app, RUNS, json!({ "after": "not-a-cursor" })).await;
    assert_eq!(bad["extensions"]["code"], "BAD_USER_INPUT", "{bad}");
}
