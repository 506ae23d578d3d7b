//! Operator mutations need the bearer token; without it they change nothing.

use serde_json::json;

use crate::helpers::{spawn_app, TOKEN};

const RUN: &str = "mutation { runImport(sourceId: \"sepa\") { outcome counts { added } } }";

#[tokio::test]
async fn run_import_without_the_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;

    let none = app.gql_raw(RUN, json!({}), None).await;
    let wrong = app.gql_raw(RUN, json!({}), Some("not-the-token")).await;

    assert_eq!(none["errors"][0]["extensions"]["code"], "UNAUTHORIZED", "{none}");
    assert!(none["errors"][0]["message"].as_str().unwrap().contains("Authorization: Bearer"));
    assert_eq!(wrong["errors"][0]["extensions"]["code"], "UNAUTHORIZED", "{wrong}");
    assert_eq!(app.total().await, 0);
}

#[tokio::test]
async fn run_import_with_the_token_imports_and_returns_the_run() {
    let app = spawn_app().await;

    let ok = app.gql_raw(RUN, json!({}), Some(TOKEN)).await;
    let unknown = app.gql_raw("mutation { runImport(sourceId: \"nope\") { outcome } }", json!({}), Some(TOKEN)).await;

    assert!(ok.get("errors").is_none(), "{ok}");
    assert_eq!(ok["data"]["runImport"]["outcome"], "SUCCEEDED");
    let meetings = app
        .all_groups("meetings { weekday }")
        .await
        .iter()
        .map(|g| g["meetings"].as_array().unwrap().len())
        .sum::<usize>();
    assert_eq!(
        ok["data"]["runImport"]["counts"]["added"].as_u64().unwrap() as usize,
        meetings,
        "one record per meeting"
    );
    assert_eq!(unknown["errors"][0]["extensions"]["code"], "NOT_FOUND", "{unknown}");
}
