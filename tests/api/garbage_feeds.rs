//! Feeds of garbage, as an operator meets them: a feed whose every record is broken keeps a
//! bounded list of problems on its run.

use serde_json::json;

use crate::helpers::{source, spawn_app_with, FeedServer, TestApp, TOKEN};
use supportmesh::model::MAX_RUN_PROBLEMS;

async fn app_on(feed: Vec<u8>) -> TestApp {
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", feed);
    spawn_app_with(feeds, &[source("sepa", "sepa.json")]).await
}

#[tokio::test]
async fn a_feed_of_empty_objects_keeps_the_first_problems_and_counts_the_rest() {
    let empties = 5 * MAX_RUN_PROBLEMS;
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
