//! Operator corrections: link and unlink two records; the decision survives later imports.

use serde_json::{json, Value};

use crate::helpers::{sepa_rows, source, spawn_app_with, FeedServer, TestApp, TOKEN};

const LINK: &str = "mutation($a: RecordRefInput!, $b: RecordRefInput!) { linkRecords(a: $a, b: $b, reason: \"same group, renamed\") { id records { sourceId externalId } matchExplanation { evidence } } }";
const UNLINK: &str = "mutation($a: RecordRefInput!, $b: RecordRefInput!) { unlinkRecords(a: $a, b: $b) { id records { sourceId externalId } } }";

fn rec(source: &str, id: &Value) -> Value {
    json!({ "sourceId": source, "externalId": id })
}

/// Two directories: `a` lists the sample, `b` lists its first rows again (same meetings).
async fn two_directories(b_rows: Vec<Value>) -> TestApp {
    let feeds = FeedServer::start().await;
    feeds.put("a.json", serde_json::to_vec(&sepa_rows()).unwrap());
    feeds.put("b.json", serde_json::to_vec(&b_rows).unwrap());
    let app = spawn_app_with(feeds, &[source("a", "a.json"), source("b", "b.json")]).await;
    app.import("a").await;
    app.import("b").await;
    app
}

async fn group_of(app: &TestApp, source: &str, id: &Value) -> Vec<String> {
    let groups = app.all_groups("records { sourceId externalId }").await;
    let g = groups
        .iter()
        .find(|g| g["records"].as_array().unwrap().iter().any(|r| r["sourceId"] == source && &r["externalId"] == id))
        .expect("the record has a group");
    g["records"].as_array().unwrap().iter().map(|r| format!("{}:{}", r["sourceId"], r["externalId"])).collect()
}

#[tokio::test]
async fn a_link_joins_two_records_and_survives_later_imports() {
    let rows = sepa_rows();
    let mut renamed = rows[0].clone();
    renamed["slug"] = json!("b-0");
    renamed["name"] = json!("Completely Different Name");
    let app = two_directories(vec![renamed.clone()]).await;
    assert_eq!(group_of(&app, "b", &json!("b-0")).await.len(), 1, "the matcher keeps them apart");
    let id_of = |source: &'static str, id: Value| {
        let app = &app;
        async move {
            let groups = app.all_groups("id records { sourceId externalId }").await;
            groups
                .into_iter()
                .find(|g| {
                    g["records"].as_array().unwrap().iter().any(|r| r["sourceId"] == source && r["externalId"] == id)
                })
                .map(|g| g["id"].clone())
                .unwrap()
        }
    };
    let (id_a, id_b) = (id_of("a", rows[0]["slug"].clone()).await, id_of("b", json!("b-0")).await);

    let linked =
        app.gql_raw(LINK, json!({ "a": rec("a", &rows[0]["slug"]), "b": rec("b", &json!("b-0")) }), Some(TOKEN)).await;

    assert!(linked.get("errors").is_none(), "{linked}");
    assert_eq!(linked["data"]["linkRecords"]["records"].as_array().unwrap().len(), 2);
    let evidence = linked["data"]["linkRecords"]["matchExplanation"][0]["evidence"][0].as_str().unwrap();
    assert_eq!(evidence, "linked by an operator: same group, renamed");
    // One of the two ids survives; the other resolves to the merged group.
    let survivor = linked["data"]["linkRecords"]["id"].clone();
    assert!(survivor == id_a || survivor == id_b);
    for old in [&id_a, &id_b] {
        let g = app.gql("query($id: ID!) { group(id: $id) { id } }", json!({ "id": old })).await;
        assert_eq!(g["group"]["id"], survivor);
    }
    // A later import that changes the record re-decides its group: the link still wins.
    renamed["notes"] = json!("Now upstairs");
    app.feeds.put("b.json", serde_json::to_vec(&vec![renamed]).unwrap());
    app.import("b").await;
    assert_eq!(group_of(&app, "b", &json!("b-0")).await.len(), 2);
}

#[tokio::test]
async fn an_unlink_splits_a_merged_group_and_survives_later_imports() {
    let rows = sepa_rows();
    let mut copy = rows[0].clone();
    copy["slug"] = json!("b-0");
    let app = two_directories(vec![copy.clone()]).await;
    assert_eq!(group_of(&app, "b", &json!("b-0")).await.len(), 2, "the matcher merges the copy");
    let total = app.total().await;

    let split = app
        .gql_raw(UNLINK, json!({ "a": rec("a", &rows[0]["slug"]), "b": rec("b", &json!("b-0")) }), Some(TOKEN))
        .await;

    assert!(split.get("errors").is_none(), "{split}");
    assert_eq!(split["data"]["unlinkRecords"].as_array().unwrap().len(), 2);
    assert_eq!(app.total().await, total + 1);
    copy["notes"] = json!("Bring a friend");
    app.feeds.put("b.json", serde_json::to_vec(&vec![copy]).unwrap());
    app.import("b").await;
    assert_eq!(group_of(&app, "b", &json!("b-0")).await.len(), 1);
}

#[tokio::test]
async fn corrections_need_the_operator_and_real_records() {
    let rows = sepa_rows();
    let app = two_directories(vec![]).await;
    let vars = json!({ "a": rec("a", &rows[0]["slug"]), "b": rec("a", &rows[1]["slug"]) });

    let anonymous = app.gql_raw(LINK, vars.clone(), None).await;
    let unknown =
        app.gql_raw(LINK, json!({ "a": rec("a", &rows[0]["slug"]), "b": rec("a", &json!("nope")) }), Some(TOKEN)).await;

    assert_eq!(anonymous["errors"][0]["extensions"]["code"], "UNAUTHORIZED");
    assert_eq!(unknown["errors"][0]["extensions"]["code"], "NOT_FOUND", "{unknown}");
    assert_eq!(group_of(&app, "a", &rows[0]["slug"]).await.len(), 1);
}
