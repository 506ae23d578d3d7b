//! What a failed run tells whom: anyone sees that it failed and its counts; only the operator
//! reads its error and problems, and even they never see a URL's query string or
//! credentials, or more than a short excerpt of a document.

use serde_json::json;

use crate::helpers::{bare_source, spawn_app_with, spawn_app_with_toml, FeedServer, TOKEN};
use supportmesh::model::RunOutcome;

const LAST_RUN: &str = "{ sources { id lastRun { outcome error counts { seen problems } problems { message } } } }";

#[tokio::test]
async fn an_anonymous_caller_sees_that_a_run_failed_but_not_why_and_no_one_sees_the_api_key() {
    let feeds = FeedServer::start().await;
    let app = spawn_app_with(feeds, &[bare_source("keyed", "gone.json?api_key=s3cret-key")]).await;

    let run = app.import("keyed").await;

    assert_eq!(run.outcome, RunOutcome::Failed);
    let anonymous = app.gql(LAST_RUN, json!({})).await;
    let last = &anonymous["sources"][0]["lastRun"];
    assert_eq!(last["outcome"], "FAILED");
    assert_eq!(last["counts"]["seen"], 0, "counts are public");
    assert!(last["error"].is_null() && last["problems"] == json!([]), "{anonymous}");
    let wrong = app.gql_raw(LAST_RUN, json!({}), Some("not-the-token")).await;
    assert!(wrong["data"]["sources"][0]["lastRun"]["error"].is_null(), "{wrong}");
    let operator = app.gql_raw(LAST_RUN, json!({}), Some(TOKEN)).await;
    let error = operator["data"]["sources"][0]["lastRun"]["error"].as_str().unwrap_or_default().to_owned();
    assert!(error.contains("gone.json?...") && error.contains("404"), "{operator}");
    assert!(!error.contains("s3cret"), "{error}");
    let sources = app.gql("{ sources { url } }", json!({})).await;
    assert!(!sources.to_string().contains("s3cret"), "{sources}");
}

#[tokio::test]
async fn a_document_of_the_wrong_kind_is_quoted_in_a_short_escaped_excerpt_only() {
    let feeds = FeedServer::start().await;
    let first_line = format!("{}\u{7},{}", "p".repeat(120), "q".repeat(120));
    let url = feeds.put("secrets.csv", format!("{first_line}\nrow,row\n"));
    let toml = format!("[[sources]]\nid = \"sheet\"\nformat = \"meeting_guide_csv\"\nurl = \"{url}\"\n");
    let app = spawn_app_with_toml(feeds, &[], &toml).await;

    let run = app.import("sheet").await;

    assert_eq!(run.outcome, RunOutcome::Failed, "{run:?}");
    let error = run.error.unwrap_or_default();
    assert!(error.contains("Name") && error.contains("\"ppp"), "the cause is still named: {error}");
    let run_of = |c: char| (1..=240).rev().find(|n| error.contains(&c.to_string().repeat(*n))).unwrap_or(0);
    let quoted = run_of('p') + run_of('q');
    assert!(quoted <= 80, "{quoted} characters of the document quoted: {error}");
    assert!(!error.chars().any(char::is_control), "control characters are escaped: {error:?}");
}
