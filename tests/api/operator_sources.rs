//! Sources through the API, as an operator runs them: created, imported, previewed, paused,
//! resumed and deleted, its groups going missing and then leaving after the grace period;
//! validated exactly as the configuration file is; details shown to operators only.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{
    sepa_sample, source, spawn_app_with, spawn_app_with_toml, spawn_scheduled_app, FeedServer, TestApp, TOKEN,
};

/// An operator request that must succeed; returns `data`.
pub async fn op(app: &TestApp, query: &str, variables: Value) -> Value {
    let body = app.gql_raw(query, variables, Some(TOKEN)).await;
    assert!(body.get("errors").is_none(), "GraphQL errors: {body}");
    body["data"].clone()
}

/// An operator request that must fail; returns its first error.
pub async fn op_error(app: &TestApp, query: &str, variables: Value) -> Value {
    let body = app.gql_raw(query, variables, Some(TOKEN)).await;
    body["errors"][0].clone()
}

const CREATE: &str =
    "mutation($input: SourceInput!) { createSource(input: $input) { id name format url schedule paused origin } }";

fn new_source(feeds: &FeedServer) -> Value {
    json!({
        "id": "late", "name": "Late Night Meetings", "format": "meeting_guide", "url": feeds.url("late.json"),
        "schedule": "0 0 4 * * *", "timezone": "America/New_York", "country": "US", "topics": ["alcohol"]
    })
}

async fn groups_by_status(app: &TestApp, status: &str) -> Vec<Value> {
    app.all_groups_where("id name status", json!({ "status": [status] })).await
}

#[tokio::test]
async fn a_source_created_through_the_api_is_imported_paused_resumed_and_deleted_without_losing_groups_at_once() {
    let feeds = FeedServer::start().await;
    feeds.put("late.json", sepa_sample());
    let toml = "[ingest]\nmissing_grace_days = 0\n";
    let app = spawn_app_with_toml(feeds, &[], toml).await;

    let created = op(&app, CREATE, json!({ "input": new_source(&app.feeds) })).await;
    assert_eq!(created["createSource"]["id"], "late");
    assert_eq!(created["createSource"]["origin"], "API");
    assert_eq!(created["createSource"]["paused"], false);
    let run = op(
        &app,
        "mutation { runImport(sourceId: \"late\") { outcome counts { added } changes { kind name } } }",
        json!({}),
    )
    .await;
    assert_eq!(run["runImport"]["outcome"], "SUCCEEDED");
    let added = run["runImport"]["counts"]["added"].as_i64().unwrap();
    assert!(added > 50, "{run}");
    let changes = run["runImport"]["changes"].as_array().unwrap();
    let groups = app.total().await;
    assert_eq!(changes.len() as i64, groups, "the change report names every group added");
    assert!(changes.iter().all(|c| c["kind"] == "ADDED" && !c["name"].as_str().unwrap().is_empty()));

    // Paused: it says so, it is not imported, and its groups stay as they are.
    let paused = op(
        &app,
        "mutation { pauseSource(id: \"late\", reason: \"feed moving\") { paused pause { by reason } } }",
        json!({}),
    )
    .await;
    assert_eq!(paused["pauseSource"]["paused"], true);
    assert_eq!(paused["pauseSource"]["pause"], json!({ "by": "env", "reason": "feed moving" }));
    let refused = op_error(&app, "mutation { runImport(sourceId: \"late\") { outcome } }", json!({})).await;
    assert!(refused["message"].as_str().unwrap().contains("paused"), "{refused}");
    let public = app.gql("{ sources { id paused url } }", json!({})).await;
    assert_eq!(
        public["sources"],
        json!([{ "id": "late", "paused": true, "url": null }]),
        "the public sees it is paused, not its URL"
    );
    assert_eq!(app.total().await, groups);

    let resumed = op(&app, "mutation { resumeSource(id: \"late\") { paused } }", json!({})).await;
    assert_eq!(resumed["resumeSource"]["paused"], false);
    let again = op(&app, "mutation { runImport(sourceId: \"late\") { outcome } }", json!({})).await;
    assert_eq!(again["runImport"]["outcome"], "UNCHANGED");

    // Deleted: it is gone from the sources at once, its groups go missing, not away.
    let deleted = op(
        &app,
        "mutation { deleteSource(id: \"late\", reason: \"closed\") { id run { outcome counts { missing removed } changes { kind } } } }",
        json!({}),
    )
    .await;
    let run = &deleted["deleteSource"]["run"];
    assert_eq!(run["outcome"], "RETIRED", "{deleted}");
    assert_eq!(run["counts"]["missing"].as_i64().unwrap(), added);
    assert!(run["changes"].as_array().unwrap().iter().all(|c| c["kind"] == "MISSING"));
    assert_eq!(app.gql("{ sources { id } }", json!({})).await["sources"], json!([]));
    assert_eq!(groups_by_status(&app, "MISSING").await.len() as i64, groups, "every group is still listed, as missing");
    assert_eq!(groups_by_status(&app, "ACTIVE").await.len(), 0);
    let unknown = op_error(&app, "mutation { runImport(sourceId: \"late\") { outcome } }", json!({})).await;
    assert_eq!(unknown["extensions"]["code"], "NOT_FOUND", "{unknown}");

    // The sweep (hourly, and at every start) removes them once the grace period has passed.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let swept = app.ingestor.retire_gone_sources().await.unwrap();
    assert_eq!(swept.len(), 1);
    assert_eq!(swept[0].counts.removed as i64, added);
    assert_eq!(groups_by_status(&app, "MISSING").await.len(), 0, "removed after the grace period");
    let runs = op(
        &app,
        "{ importRuns(sourceIds: [\"late\"], outcomes: [RETIRED]) { edges { node { counts { missing removed } } } } }",
        json!({}),
    )
    .await;
    assert_eq!(runs["importRuns"]["edges"].as_array().unwrap().len(), 2, "both sweeps are in the run history: {runs}");
}

#[tokio::test]
async fn an_invalid_definition_gets_the_message_check_config_gives_and_nothing_is_saved() {
    let app = spawn_app_with(FeedServer::start().await, &[]).await;
    let mut input = new_source(&app.feeds);
    input["schedule"] = json!("every night");

    let error = op_error(&app, CREATE, json!({ "input": input })).await;
    let message = error["message"].as_str().unwrap();
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
    assert!(
        message.starts_with("createSource: sources.late.schedule = \"every night\": not a valid cron expression"),
        "{message}"
    );
    let mut topic = new_source(&app.feeds);
    topic["topics"] = json!(["no-such-topic"]);
    let error = op_error(&app, CREATE, json!({ "input": topic })).await;
    assert!(error["message"].as_str().unwrap().contains("sources.late.defaults.topics"), "{error}");
    let options = op_error(&app, CREATE, json!({ "input": { "id": "x", "format": "delimited", "url": app.feeds.url("x.csv"), "options": { "no_such_option": 1 } } })).await;
    assert!(options["message"].as_str().unwrap().contains("sources.x.options"), "{options}");
    assert_eq!(op(&app, "{ sources { id } }", json!({})).await["sources"], json!([]));
}

#[tokio::test]
async fn update_changes_only_the_keys_given_and_a_config_source_cannot_be_created_twice() {
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());
    let app = spawn_app_with(feeds, &[source("sepa", "sepa.json")]).await;

    let updated = op(
        &app,
        "mutation { updateSource(id: \"sepa\", input: { name: \"SE Pennsylvania\", trust: 80 }) { name trust schedule origin definition } }",
        json!({}),
    )
    .await;
    let s = &updated["updateSource"];
    assert_eq!(
        (s["name"].as_str(), s["trust"].as_i64(), s["schedule"].as_str()),
        (Some("SE Pennsylvania"), Some(80), Some("0 0 3 * * *"))
    );
    assert_eq!(s["origin"], "CONFIG");
    assert_eq!(s["definition"]["defaults"]["timezone"], "America/New_York", "the rest of the definition is kept");
    let twice = op_error(
        &app,
        "mutation { createSource(input: { id: \"sepa\", format: \"meeting_guide\", url: \"x.json\" }) { id } }",
        json!({}),
    )
    .await;
    assert!(twice["message"].as_str().unwrap().contains("already exists"), "{twice}");
    let rename =
        op_error(&app, "mutation { updateSource(id: \"sepa\", input: { id: \"other\" }) { id } }", json!({})).await;
    assert!(rename["message"].as_str().unwrap().contains("cannot change"), "{rename}");
    let run = app.import("sepa").await;
    assert_eq!(run.outcome, supportmesh::model::RunOutcome::Succeeded, "the updated source imports");
}

#[tokio::test]
async fn a_preview_shows_what_an_import_would_do_and_commits_nothing() {
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());
    let rows: Vec<Value> = serde_json::from_slice(&sepa_sample()).unwrap();
    feeds.put("fewer.json", serde_json::to_vec(&rows[..70]).unwrap());
    feeds.put("late.json", sepa_sample());
    let app = spawn_app_with(feeds, &[source("sepa", "sepa.json")]).await;
    app.import("sepa").await;
    let groups = app.total().await;

    const PREVIEW: &str = "mutation($id: ID, $input: SourceInput) { previewSource(id: $id, input: $input) {
        sourceId listingCount counts { added updated unchanged missing } wouldHold
        changes { kind externalId name } listings(first: 3) { externalId name meetings } } }";
    let unsaved = op(&app, PREVIEW, json!({ "input": new_source(&app.feeds) })).await["previewSource"].clone();
    assert_eq!(unsaved["listingCount"].as_u64().unwrap() as usize, rows.len());
    assert_eq!(unsaved["counts"]["added"].as_u64().unwrap() as usize, rows.len());
    assert_eq!(unsaved["listings"].as_array().unwrap().len(), 3);
    assert!(unsaved["listings"][0]["meetings"][0].as_str().unwrap().contains("America/New_York"), "{unsaved}");

    let changed = op(&app, PREVIEW, json!({ "id": "sepa", "input": { "url": app.feeds.url("fewer.json") } })).await
        ["previewSource"]
        .clone();
    assert_eq!(changed["counts"]["missing"], 10);
    assert_eq!(changed["counts"]["unchanged"], 70);
    let missing: Vec<&Value> =
        changed["changes"].as_array().unwrap().iter().filter(|c| c["kind"] == "MISSING").collect();
    assert_eq!(missing.len(), 10);
    assert!(changed["wouldHold"].is_null(), "10 of 80 is no unusual share: {changed}");

    assert_eq!(app.total().await, groups, "nothing committed");
    assert_eq!(
        op(&app, "{ sources { id url } }", json!({})).await["sources"].as_array().unwrap().len(),
        1,
        "nothing saved"
    );
    let sepa = op(&app, "{ source(id: \"sepa\") { url } }", json!({})).await;
    assert!(sepa["source"]["url"].as_str().unwrap().ends_with("sepa.json"), "the saved source is unchanged: {sepa}");
    let broken = op_error(
        &app,
        PREVIEW,
        json!({ "input": { "id": "dead", "format": "meeting_guide", "url": app.feeds.url("nothing-here.json") } }),
    )
    .await;
    assert!(
        broken["message"].as_str().unwrap().contains("nothing-here.json"),
        "a preview that cannot fetch says why: {broken}"
    );
}

#[tokio::test]
async fn the_scheduler_follows_sources_created_paused_and_resumed_through_the_api() {
    let feeds = FeedServer::start().await;
    feeds.put("late.json", sepa_sample());
    let app = spawn_scheduled_app(feeds, &[]).await;
    let mut input = new_source(&app.feeds);
    input["schedule"] = json!("* * * * * *");

    op(&app, CREATE, json!({ "input": input })).await;
    let first = wait_for_runs(&app, 2).await;
    assert_eq!(first[0]["outcome"], "UNCHANGED", "every second, the unchanged feed: {first:?}");

    let paused = op(&app, "mutation { pauseSource(id: \"late\") { pause { at } } }", json!({})).await;
    let at = chrono::DateTime::parse_from_rfc3339(paused["pauseSource"]["pause"]["at"].as_str().unwrap()).unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let runs = runs_of(&app).await;
    let started_after = runs
        .iter()
        .filter(|r| chrono::DateTime::parse_from_rfc3339(r["startedAt"].as_str().unwrap()).unwrap() > at)
        .count();
    assert_eq!(started_after, 0, "no run starts while paused: {runs:?}");

    op(&app, "mutation { resumeSource(id: \"late\") { paused } }", json!({})).await;
    wait_for_runs(&app, runs.len() + 1).await;
    op(&app, "mutation { deleteSource(id: \"late\") { id } }", json!({})).await;
}

async fn runs_of(app: &TestApp) -> Vec<Value> {
    let q = "{ importRuns(sourceIds: [\"late\"], first: 100) { edges { node { outcome startedAt } } } }";
    op(app, q, json!({})).await["importRuns"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect()
}

/// Polls until the source has at least `n` runs (the scheduler runs it every second).
async fn wait_for_runs(app: &TestApp, n: usize) -> Vec<Value> {
    for _ in 0..100 {
        let runs = runs_of(app).await;
        if runs.len() >= n {
            return runs;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the scheduler did not run the source {n} times in 10 s");
}
