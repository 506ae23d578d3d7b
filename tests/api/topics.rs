//! Topics are data: a topic added in config (`[[topics]]`) with a keyword rule tags the
//! listings that mention it, and clients filter on it, see it on groups and in facets, and
//! find it in the `topics` query beside the core taxonomy; an unknown topic is an error.

use serde_json::{json, Value};

use crate::helpers::{source, spawn_app_with_toml, FeedServer, TestApp};

const TOPICS: &str = r#"
[[topics]]
code = "loneliness"
label = "Loneliness"
parent = "mental_health"

[[rules]]
keyword = "lonel"
topic = "loneliness"
"#;

fn feed() -> Value {
    json!([
        { "name": "Lonely No More", "slug": "lnm-1", "day": 2, "time": "10:00", "types": ["O"],
          "formatted_address": "12 Baltimore Ave, Media, PA 19063, USA", "latitude": 39.9168, "longitude": -75.3877 },
        { "name": "Tuesday Serenity", "slug": "ts-2", "day": 2, "time": "19:30", "types": ["C"],
          "formatted_address": "200 State St, Media, PA 19063, USA", "latitude": 39.9180, "longitude": -75.3890 }
    ])
}

async fn app() -> TestApp {
    let feeds = FeedServer::start().await;
    feeds.put("media.json", feed().to_string());
    let app = spawn_app_with_toml(feeds, &[source("media", "media.json")], TOPICS).await;
    app.import("media").await;
    app
}

fn names(d: &Value) -> Vec<&str> {
    let mut names: Vec<&str> =
        d["groups"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["name"].as_str().unwrap()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_configured_topic_tags_listings_and_filters_find_them() {
    let app = app().await;

    let d = app
        .gql(
            "{ groups(filter: { topics: [LONELINESS] }) { totalCount edges { node { name topics topicTags { topic rule } } } facets { topics { value count } } } }",
            json!({}),
        )
        .await;
    assert_eq!(names(&d), ["Lonely No More"], "{d}");
    let node = &d["groups"]["edges"][0]["node"];
    assert_eq!(node["topics"], json!(["ALCOHOL", "LONELINESS"]), "the source default, then the rule's");
    assert_eq!(node["topicTags"][1], json!({ "topic": "LONELINESS", "rule": "keyword \"lonel\"" }));
    let facets = d["groups"]["facets"]["topics"].as_array().unwrap();
    assert!(facets.contains(&json!({ "value": "LONELINESS", "count": 1 })), "{facets:?}");

    let core = app.gql("{ groups(filter: { topics: [ALCOHOL] }) { edges { node { name } } } }", json!({})).await;
    assert_eq!(names(&core), ["Lonely No More", "Tuesday Serenity"], "core enum literals work as before");

    let q = "query($t: [Topic!]) { groups(filter: { topics: $t }) { edges { node { name } } } }";
    for spelled in ["loneliness", "LONELINESS", "Loneliness"] {
        let d = app.gql(q, json!({ "t": [spelled] })).await;
        assert_eq!(names(&d), ["Lonely No More"], "{spelled}: {d}");
    }
}

#[tokio::test]
async fn the_topics_query_lists_the_core_and_the_configured_topics() {
    let app = app().await;
    let d = app.gql("{ topics { code label parent core } }", json!({})).await;
    let topics = d["topics"].as_array().unwrap();

    assert_eq!(topics.len(), importers::Topic::CORE.len() + 1, "{d}");
    assert_eq!(topics[0], json!({ "code": "MENTAL_HEALTH", "label": "Mental health", "parent": null, "core": true }));
    let alcohol = topics.iter().find(|t| t["code"] == "ALCOHOL").expect("ALCOHOL");
    assert_eq!(alcohol, &json!({ "code": "ALCOHOL", "label": "Alcohol", "parent": "ADDICTION", "core": true }));
    assert_eq!(
        topics.last().unwrap(),
        &json!({ "code": "LONELINESS", "label": "Loneliness", "parent": "MENTAL_HEALTH", "core": false }),
        "configured topics come after the core ones"
    );
    for t in topics {
        assert!(t["parent"].is_null() || topics.iter().any(|p| p["code"] == t["parent"]), "{t} has a listed parent");
    }
}

#[tokio::test]
async fn an_unknown_topic_in_a_filter_is_a_clear_error() {
    let app = app().await;

    let body = app.gql_raw("{ groups(filter: { topics: [LONLINESS] }) { totalCount } }", json!({}), None).await;
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{body}");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("unknown topic \"LONLINESS\"; the topics query lists them"), "{message}");
    assert!(body["data"].is_null(), "no empty list: {body}");

    let q = "query($t: [Topic!]) { groups(filter: { topics: $t }) { totalCount } }";
    let as_string = app.gql_raw(q, json!({ "t": ["long-covid"] }), None).await;
    let message = as_string["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("unknown topic \"LONG_COVID\""), "{as_string}");

    let malformed = app.gql_raw(q, json!({ "t": ["what?!"] }), None).await;
    let message = malformed["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("\"what?!\" is not a topic code"), "{malformed}");
}
