//! `/readyz` as a load balancer polls it: 503 naming the sources whose first import run has
//! not happened yet (a feed that hangs keeps it waiting), 200 once every enabled source has a
//! run of any outcome, or once `server.ready_after_secs` have passed.

use std::time::Duration;

use crate::helpers::{
    sepa_sample, source, spawn_app_with, spawn_app_with_env, spawn_scheduled_app, FeedServer, TestApp,
};

async fn readyz(app: &TestApp) -> (u16, String) {
    let resp = app.client.get(app.url("/readyz")).send().await.expect("GET /readyz");
    (resp.status().as_u16(), resp.text().await.expect("a body"))
}

#[tokio::test]
async fn a_feed_that_hangs_keeps_readyz_at_503_naming_its_source_until_its_run_completes() {
    let feeds = FeedServer::start().await;
    feeds.put("fast.json", sepa_sample());
    feeds.put("slow.json", sepa_sample());
    let slow = feeds.hold("slow.json");
    // The scheduler runs never-run sources at startup, one after another in config order.
    let app = spawn_scheduled_app(feeds, &[source("fast", "fast.json"), source("slow", "slow.json")]).await;

    slow.arrived().await;
    let (status, body) = readyz(&app).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("slow"), "names the source it waits for: {body}");
    assert!(!body.contains("fast"), "the fast source has run: {body}");

    slow.open();
    let mut answer = readyz(&app).await;
    for _ in 0..300 {
        if answer.0 == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        answer = readyz(&app).await;
    }
    assert_eq!(answer, (200, "ready".to_owned()));
    let runs = app.gql("{ sources { id lastRun { outcome } } }", serde_json::json!({})).await;
    assert_eq!(runs["sources"][1]["id"], "slow");
    assert_eq!(runs["sources"][1]["lastRun"]["outcome"], "SUCCEEDED", "ready came from the completed run");
}

#[tokio::test]
async fn a_failed_first_run_counts_and_a_disabled_source_is_not_waited_for() {
    let feeds = FeedServer::start().await;
    feeds.put("good.json", sepa_sample());
    let disabled = crate::helpers::TestSource { extra: "enabled = false", ..source("off", "good.json") };
    let app = spawn_app_with(feeds, &[source("good", "good.json"), source("gone", "missing.json"), disabled]).await;

    let (status, body) = readyz(&app).await;
    assert_eq!(status, 503);
    assert!(body.contains("good") && body.contains("gone") && !body.contains("off"), "{body}");

    app.import("good").await;
    let (status, body) = readyz(&app).await;
    assert_eq!(status, 503);
    assert!(body.contains("gone") && !body.contains("good"), "{body}");

    let failed = app.import("gone").await;
    assert!(failed.error.is_some(), "the feed is missing: the run fails");
    assert_eq!(readyz(&app).await, (200, "ready".to_owned()), "a failed run is a run");
}

#[tokio::test]
async fn after_ready_after_secs_a_source_that_never_ran_no_longer_holds_readiness() {
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());
    let app =
        spawn_app_with_env(feeds, &[source("sepa", "sepa.json")], &[("SUPPORTMESH_SERVER_READY_AFTER_SECS", "0")])
            .await;

    assert_eq!(readyz(&app).await, (200, "ready".to_owned()));
}
