//! GraphQL over Server-Sent Events (graphql-sse, distinct connections mode) on the raw wire:
//! the content type, `event: next` / `data:` framing, the closing `event: complete`, request
//! errors as a 400 with a GraphQL errors body, subscriptions, and the caller's token.

use futures_util::StreamExt;
use serde_json::{json, Value};

use crate::helpers::{feed_groups, sepa_rows, spawn_app, TestApp, TOKEN};

/// POSTs `body` asking for an event stream.
async fn post_stream(app: &TestApp, body: Value, token: Option<&str>) -> reqwest::Response {
    let mut req = app.client.post(app.url("/graphql")).header("accept", "text/event-stream").json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("request sent")
}

/// The events of a finished stream as (event, data) pairs, checking the framing on the way.
fn events(text: &str) -> Vec<(String, String)> {
    assert!(text.ends_with("\n\n"), "every message ends with a blank line: {text:?}");
    text.trim_end_matches('\n')
        .split("\n\n")
        .map(|message| {
            let mut event = String::new();
            let mut data = String::new();
            for line in message.lines() {
                match line.split_once(": ").or_else(|| line.strip_suffix(':').map(|f| (f, ""))) {
                    Some(("event", v)) => event = v.to_owned(),
                    Some(("data", v)) => data.push_str(v),
                    _ => panic!("unexpected line {line:?} in {text:?}"),
                }
            }
            (event, data)
        })
        .collect()
}

fn content_type(resp: &reqwest::Response) -> String {
    resp.headers()["content-type"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_query_streams_one_next_event_then_complete() {
    let app = spawn_app().await;
    app.import("sepa").await;

    let resp = post_stream(&app, json!({ "query": "{ groups(first: 1) { totalCount } }" }), None).await;

    assert_eq!(resp.status(), 200);
    assert!(content_type(&resp).starts_with("text/event-stream"), "{}", content_type(&resp));
    let got = events(&resp.text().await.unwrap());
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, "next");
    let result: Value = serde_json::from_str(&got[0].1).unwrap();
    assert_eq!(result["data"]["groups"]["totalCount"], feed_groups(&sepa_rows()).len());
    assert_eq!(got[1], ("complete".to_owned(), String::new()));
}

#[tokio::test]
async fn a_request_that_does_not_validate_is_a_400_with_errors_and_no_stream() {
    let app = spawn_app().await;
    let unknown_field = json!({ "query": "subscription { groupAdded { nope } }" });
    let bad_variables = json!({
        "query": "query($n: Int!) { groups(first: $n) { totalCount } }",
        "variables": { "n": "ten" }
    });

    for body in [unknown_field, bad_variables] {
        let resp = post_stream(&app, body.clone(), None).await;

        assert_eq!(resp.status(), 400, "{body}");
        assert!(content_type(&resp).starts_with("application/json"), "{}", content_type(&resp));
        let answer: Value = resp.json().await.unwrap();
        assert!(answer.get("data").is_none(), "{answer}");
        assert!(answer["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{answer}");
    }
}

#[tokio::test]
async fn a_subscription_streams_an_event_per_new_group() {
    let app = spawn_app().await;
    app.import("sepa").await;
    // The response starts once the subscription listens (a filter without a place).
    let resp = post_stream(&app, json!({ "query": "subscription { groupAdded { name } }" }), None).await;
    assert_eq!(resp.status(), 200);
    assert!(content_type(&resp).starts_with("text/event-stream"));
    let mut rows = sepa_rows();
    rows.push(json!({ "name": "Harbour Lights", "slug": "hl-1", "day": 2, "time": "18:30",
        "formatted_address": "10 Harbour St, Media, PA 19063, USA", "latitude": 39.9168, "longitude": -75.3877 }));
    app.feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());

    app.import("sepa").await;

    let mut body = resp.bytes_stream();
    let mut text = String::new();
    while !text.contains("\n\n") {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), body.next())
            .await
            .expect("an event within 10 s")
            .expect("the stream stays open")
            .unwrap();
        text.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    let first = text.split("\n\n").next().unwrap().to_owned() + "\n\n";
    let got = events(&first);
    assert_eq!(got[0].0, "next");
    let event: Value = serde_json::from_str(&got[0].1).unwrap();
    assert_eq!(event["data"]["groupAdded"]["name"], "Harbour Lights");
}

#[tokio::test]
async fn a_mutation_over_the_stream_needs_the_operator_token_as_a_plain_post_does() {
    let app = spawn_app().await;
    let import = json!({ "query": "mutation { runImport(sourceId: \"sepa\") { outcome } }" });

    let refused = events(&post_stream(&app, import.clone(), None).await.text().await.unwrap());
    let allowed = events(&post_stream(&app, import, Some(TOKEN)).await.text().await.unwrap());

    let refused: Value = serde_json::from_str(&refused[0].1).unwrap();
    assert_eq!(refused["errors"][0]["extensions"]["code"], "UNAUTHORIZED", "{refused}");
    let allowed: Value = serde_json::from_str(&allowed[0].1).unwrap();
    assert_eq!(allowed["data"]["runImport"]["outcome"], "SUCCEEDED", "{allowed}");
    assert_eq!(app.total().await as usize, feed_groups(&sepa_rows()).len());
}

#[tokio::test]
async fn a_get_stream_may_subscribe_but_never_mutate() {
    let app = spawn_app().await;
    let get = |query: &str| {
        app.client.get(app.url("/graphql")).query(&[("query", query)]).header("accept", "text/event-stream").send()
    };

    let subscription = get("subscription { groupAdded { name } }").await.unwrap();
    let mutation = get("mutation { runImport(sourceId: \"sepa\") { outcome } }").await.unwrap();

    assert_eq!(subscription.status(), 200);
    assert!(content_type(&subscription).starts_with("text/event-stream"));
    assert_eq!(mutation.status(), 405);
    assert_eq!(app.total().await, 0, "nothing was imported");
}
