//! Feeds of garbage, as an operator meets them: a feed whose every record is broken keeps a
//! bounded list of problems on its run, and a feed that would strip most groups of their
//! times or places is held like a mass removal, leaving what people search for intact.

use serde_json::{json, Value};

use crate::helpers::{sepa_rows, source, spawn_app_with, FeedServer, TestApp, TOKEN};
use supportmesh::model::{RunOutcome, MAX_RUN_PROBLEMS};

/// The first 50 rows of the sepa sample, with `edit` applied to each.
fn fifty_rows(edit: impl Fn(&mut serde_json::Map<String, Value>)) -> Vec<u8> {
    let rows: Vec<Value> = sepa_rows()
        .into_iter()
        .take(50)
        .map(|mut r| {
            edit(r.as_object_mut().unwrap());
            r
        })
        .collect();
    serde_json::to_vec(&rows).unwrap()
}

async fn app_on(feed: Vec<u8>) -> TestApp {
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", feed);
    spawn_app_with(feeds, &[source("sepa", "sepa.json")]).await
}

const SEEN: &str = "id meetings { startTime } location { latitude longitude }";

#[tokio::test]
async fn a_feed_of_empty_objects_keeps_the_first_problems_and_counts_the_rest() {
    // More than the parser keeps too (`importers::MAX_PARSE_PROBLEMS`): its count carries on.
    let empties = importers::MAX_PARSE_PROBLEMS + 5 * MAX_RUN_PROBLEMS;
    let app = app_on(format!("[{}]", vec!["{}"; empties].join(",")).into_bytes()).await;

    let run = app.import("sepa").await;

    assert_eq!(run.problems.len(), MAX_RUN_PROBLEMS, "{:?}", run.outcome);
    let q = "{ sources { lastRun { outcome counts { problems } problemsOmitted problems { record dropped } } } }";
    let d = app.gql_raw(q, json!({}), Some(TOKEN)).await;
    let last = &d["data"]["sources"][0]["lastRun"];
    assert_eq!(last["counts"]["problems"], empties, "{d}");
    assert_eq!(last["problemsOmitted"], empties - MAX_RUN_PROBLEMS);
    let problems = last["problems"].as_array().unwrap();
    assert_eq!(problems.len(), MAX_RUN_PROBLEMS);
    assert_eq!(problems[0]["record"], "[0]", "the first problems found are the ones kept");
    let runs = app.gql_raw("{ sources { runs { problemsOmitted } } }", json!({}), Some(TOKEN)).await;
    assert_eq!(runs["data"]["sources"][0]["runs"][0]["problemsOmitted"], empties - MAX_RUN_PROBLEMS, "as stored");
}

#[tokio::test]
async fn a_feed_whose_every_time_is_garbage_is_held_and_the_groups_keep_their_times() {
    let app = app_on(fifty_rows(|_| {})).await;
    app.import("sepa").await;
    let before = app.all_groups(SEEN).await;
    app.feeds.put(
        "sepa.json",
        fifty_rows(|r| {
            r.insert("time".into(), json!("25:99"));
            r.insert("end_time".into(), json!("25:99"));
        }),
    );

    let run = app.import("sepa").await;

    assert_eq!(run.outcome, RunOutcome::Held, "{run:?}");
    let d = app.gql_raw("{ sources { lastRun { outcome error } } }", json!({}), Some(TOKEN)).await;
    let error = d["data"]["sources"][0]["lastRun"]["error"].as_str().unwrap_or_default().to_owned();
    assert!(error.contains("50 of the 50 records") && error.contains("start times"), "{d}");
    let after = app.all_groups(SEEN).await;
    assert_eq!(after, before, "nothing changed");
    assert!(after.iter().all(|g| g["meetings"].as_array().unwrap().iter().all(|m| !m["startTime"].is_null())));
}

#[tokio::test]
async fn a_feed_whose_every_latitude_is_garbage_is_held_and_the_groups_keep_their_points() {
    let app = app_on(fifty_rows(|_| {})).await;
    app.import("sepa").await;
    let before = app.all_groups(SEEN).await;
    app.feeds.put(
        "sepa.json",
        fifty_rows(|r| {
            r.insert("latitude".into(), json!("999"));
        }),
    );

    let run = app.import("sepa").await;

    assert_eq!(run.outcome, RunOutcome::Held, "{run:?}");
    let error = run.error.unwrap_or_default();
    assert!(error.contains("50 of the 50 records") && error.contains("map points"), "{error}");
    let after = app.all_groups(SEEN).await;
    assert_eq!(after, before, "nothing changed");
    assert!(after.iter().all(|g| !g["location"]["latitude"].is_null()));

    // An operator who has checked the feed applies it anyway.
    let forced = app
        .gql_raw("mutation { runImport(sourceId: \"sepa\", allowRemovals: true) { outcome } }", json!({}), Some(TOKEN))
        .await;
    assert_eq!(forced["data"]["runImport"]["outcome"], "SUCCEEDED", "{forced}");
}

#[tokio::test]
async fn a_feed_whose_every_day_is_garbage_is_held() {
    let app = app_on(fifty_rows(|_| {})).await;
    app.import("sepa").await;
    let before = app.all_groups("id meetings { weekday startTime }").await;
    app.feeds.put(
        "sepa.json",
        fifty_rows(|r| {
            r.insert("day".into(), json!("banana"));
        }),
    );

    let run = app.import("sepa").await;

    assert_eq!(run.outcome, RunOutcome::Held, "{run:?}");
    assert!(run.error.unwrap_or_default().contains("50 of the 50 records"));
    assert_eq!(app.all_groups("id meetings { weekday startTime }").await, before, "nothing changed");
}

#[tokio::test]
async fn a_few_records_losing_their_times_is_an_ordinary_update() {
    let app = app_on(fifty_rows(|_| {})).await;
    app.import("sepa").await;
    let slugs: Vec<Value> = sepa_rows().iter().take(5).map(|r| r["slug"].clone()).collect();
    app.feeds.put(
        "sepa.json",
        fifty_rows(|r| {
            if slugs.contains(&r["slug"]) {
                r.insert("time".into(), json!("25:99"));
            }
        }),
    );

    let run = app.import("sepa").await;

    assert_eq!(run.outcome, RunOutcome::Succeeded, "{run:?}");
}
