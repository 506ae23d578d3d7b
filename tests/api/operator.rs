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

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive_and_other_schemes_are_refused() {
    let app = spawn_app().await;
    let send = |authorization: String| {
        let request = app.client.post(app.url("/graphql")).header("Authorization", authorization);
        async move {
            request.json(&json!({ "query": RUN })).send().await.unwrap().json::<serde_json::Value>().await.unwrap()
        }
    };

    for scheme in ["BEARER", "bearer", "Bearer"] {
        let answer = send(format!("{scheme} {TOKEN}")).await;
        assert!(answer.get("errors").is_none(), "{scheme}: {answer}");
    }
    for refused in [format!("Basic {TOKEN}"), format!("Token {TOKEN}"), TOKEN.to_owned()] {
        let answer = send(refused.clone()).await;
        assert_eq!(answer["errors"][0]["extensions"]["code"], "UNAUTHORIZED", "{refused}: {answer}");
    }
}
