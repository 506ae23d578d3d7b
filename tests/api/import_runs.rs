//! Import runs as an operator sees them: re-imports, broken and empty feeds, missing records,
//! held runs.

use serde_json::json;

use crate::helpers::{
    feed_groups, sepa_rows, sepa_sample, source, spawn_app, spawn_app_with, spawn_scheduled_app, FeedServer,
};
use supportmesh::model::RunOutcome;

#[tokio::test]
async fn reimporting_an_unchanged_feed_changes_nothing() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let before = app.all_groups("id name updatedAt").await;

    let again = app.import("sepa").await;

    assert_eq!(again.outcome, RunOutcome::Unchanged, "{again:?}");
    assert_eq!(app.feeds.hits("sepa.json").1, 1, "the second fetch was a conditional GET answered 304");
    assert_eq!(app.all_groups("id name updatedAt").await, before);
}

#[tokio::test]
async fn a_malformed_feed_leaves_the_store_as_it_was_and_says_why() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let before = app.all_groups("id name").await;
    app.feeds.put("sepa.json", "<html><body>502 Bad Gateway</body></html>");

    let run = app.import("sepa").await;

    assert_eq!(run.outcome, RunOutcome::Failed);
    let error = run.error.clone().unwrap();
    assert!(error.contains("sepa") && error.contains(&app.feeds.url("sepa.json")), "{error}");
    assert!(error.to_lowercase().contains("html"), "the cause is named: {error}");
    assert_eq!(app.all_groups("id name").await, before);
    let query = "{ sources { id lastRun { outcome error } lastSuccessAt } }";
    let d = app.gql_raw(query, json!({}), Some(crate::helpers::TOKEN)).await["data"].clone();
    assert_eq!(d["sources"][0]["lastRun"]["outcome"], "FAILED");
    assert_eq!(d["sources"][0]["lastRun"]["error"], error.as_str());
    assert!(!d["sources"][0]["lastSuccessAt"].is_null());
}

#[tokio::test]
async fn an_empty_feed_is_a_failed_fetch_not_a_mass_removal() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let total = app.total().await;
    app.feeds.put("sepa.json", "[]");

    let run = app.import("sepa").await;

    assert_eq!(run.outcome, RunOutcome::Failed);
    assert!(run.error.unwrap().contains("no listings"));
    assert_eq!(app.total().await, total);
}

#[tokio::test]
async fn a_dead_url_fails_the_run_with_the_url_and_the_status() {
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());
    let app = spawn_app_with(feeds, &[source("sepa", "sepa.json"), source("gone", "never-published.json")]).await;
    app.import("sepa").await;
    let total = app.total().await;

    let run = app.import("gone").await;

    assert_eq!(run.outcome, RunOutcome::Failed, "{run:?}");
    let error = run.error.unwrap();
    assert!(error.contains("never-published.json") && error.contains("404"), "{error}");
    assert_eq!(run.http_status, Some(404), "the failed run records the status it got");
    assert_eq!(app.total().await, total);
}

#[tokio::test]
async fn a_record_that_disappears_is_marked_missing_not_removed() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let rows = sepa_rows();
    let gone = rows[3]["slug"].clone();
    let kept: Vec<_> = rows.iter().filter(|r| r["slug"] != gone).cloned().collect();
    app.feeds.put("sepa.json", serde_json::to_vec(&kept).unwrap());

    let run = app.import("sepa").await;

    assert_eq!(run.outcome, RunOutcome::Succeeded, "{run:?}");
    assert_eq!(run.counts.missing, 1);
    assert_eq!(run.counts.removed, 0);
    let listed = json!({ "status": ["ACTIVE", "MISSING"] });
    let groups = app.all_groups_where("status records { externalId missingSince }", listed).await;
    let holding = |g: &&serde_json::Value| g["records"].as_array().unwrap().iter().any(|r| r["externalId"] == gone);
    let group = groups.iter().find(holding).expect("the group of the missing meeting is still listed");
    let record = group["records"].as_array().unwrap().iter().find(|r| r["externalId"] == gone).unwrap();
    assert!(!record["missingSince"].is_null(), "{group}");
    let alone = group["records"].as_array().unwrap().len() == 1;
    let missing: Vec<_> = groups.iter().filter(|g| g["status"] == "MISSING").collect();
    assert_eq!(missing.len(), usize::from(alone), "a group goes missing only when all its meetings do");
    assert_eq!(groups.len(), feed_groups(&rows).len(), "a missing meeting is still listed within the grace period");
}

#[tokio::test]
async fn a_run_that_would_drop_most_of_a_source_is_held() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let rows = sepa_rows();
    app.feeds.put("sepa.json", serde_json::to_vec(&rows[..10]).unwrap());

    let run = app.import("sepa").await;

    assert_eq!(run.outcome, RunOutcome::Held, "{run:?}");
    assert!(run.error.unwrap().contains("70 of the 80 records"));
    let groups = app.all_groups("status").await;
    assert_eq!(groups.len(), feed_groups(&rows).len());
    assert!(groups.iter().all(|g| g["status"] == "ACTIVE"));

    // An operator who has checked the feed applies it anyway.
    let forced = app
        .gql_raw(
            "mutation { runImport(sourceId: \"sepa\", allowRemovals: true) { outcome counts { missing } } }",
            json!({}),
            Some(crate::helpers::TOKEN),
        )
        .await;
    assert_eq!(forced["data"]["runImport"]["outcome"], "SUCCEEDED", "{forced}");
    assert_eq!(forced["data"]["runImport"]["counts"]["missing"], 70);
    let missing = app.all_groups_where("status", json!({ "status": ["MISSING"] })).await.len();
    let active = app.all_groups("status").await;
    assert!(active.iter().all(|g| g["status"] == "ACTIVE"), "missing groups are listed only on request");
    let kept = |g: &Vec<usize>| g.iter().any(|&i| i < 10);
    assert_eq!(
        missing,
        feed_groups(&rows).iter().filter(|g| !kept(g)).count(),
        "groups none of whose meetings are left"
    );
}

#[tokio::test]
async fn one_bad_record_is_a_problem_on_the_run_and_the_rest_import() {
    let app = spawn_app().await;
    let mut rows = sepa_rows();
    rows[5] = json!({ "slug": "broken", "day": 2, "time": "19:00" });
    app.feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());

    let run = app.import("sepa").await;

    assert_eq!(run.outcome, RunOutcome::Succeeded);
    assert_eq!(run.counts.added as usize, rows.len() - 1);
    assert!(run.problems.iter().any(|p| p.record.as_deref() == Some("broken") && p.dropped), "{:?}", run.problems);
    let query = "{ sources { lastRun { counts { problems } problems { record field message dropped } } } }";
    let d = app.gql_raw(query, json!({}), Some(crate::helpers::TOKEN)).await["data"].clone();
    assert!(d["sources"][0]["lastRun"]["counts"]["problems"].as_i64().unwrap() >= 1);
    assert!(d["sources"][0]["lastRun"]["problems"].as_array().unwrap().iter().any(|p| p["record"] == "broken"), "{d}");
}

#[tokio::test]
async fn the_scheduler_imports_a_source_never_run_before_at_startup() {
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());

    let app = spawn_scheduled_app(feeds, &[source("sepa", "sepa.json")]).await;

    let mut total = 0;
    for _ in 0..100 {
        total = app.total().await;
        if total > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(total as usize, feed_groups(&sepa_rows()).len(), "the startup run imported the feed");
    assert_eq!(app.feeds.hits("sepa.json").0, 1, "exactly one startup run");
}

/// A listing that drops out of a feed which then stops changing still leaves after the grace
/// period: unchanged runs (304, or the same document) age missing records too, and report the
/// source's counts.
#[tokio::test]
async fn a_missing_record_leaves_after_the_grace_period_even_when_the_feed_stops_changing() {
    let feeds = FeedServer::start().await;
    let rows = sepa_rows();
    feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());
    let env = [("SUPPORTMESH_INGEST_MISSING_GRACE_DAYS", "0")];
    let app = crate::helpers::spawn_app_with_env(feeds, &[source("sepa", "sepa.json")], &env).await;
    app.import("sepa").await;
    let gone = rows.last().unwrap()["slug"].as_str().unwrap().to_owned();
    app.feeds.put("sepa.json", serde_json::to_vec(&rows[..rows.len() - 1]).unwrap());
    let dropped = app.import("sepa").await;
    let statuses = json!({ "status": ["ACTIVE", "MISSING"] });
    let held = app.all_groups_where("records { externalId }", statuses.clone()).await;

    let unchanged = app.import("sepa").await;

    assert_eq!(dropped.counts.missing, 1, "{dropped:?}");
    assert!(held.iter().any(|g| g["records"].to_string().contains(&gone)), "a missing record is still listed");
    assert_eq!(unchanged.outcome, RunOutcome::Unchanged, "{unchanged:?}");
    assert_eq!(unchanged.counts.removed, 1, "the unchanged run removed the expired record: {unchanged:?}");
    assert_eq!(unchanged.counts.unchanged as usize, rows.len() - 1);
    let live = app.all_groups_where("records { externalId }", statuses).await;
    assert!(!live.iter().any(|g| g["records"].to_string().contains(&gone)), "{gone} is still listed");
}
