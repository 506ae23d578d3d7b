//! Replicas converge: two instances with one configuration, importing the same sources in
//! opposite orders (and seeing a record join a group and leave it again), hold the same
//! groups under the same ids, resolve each other's ids, and answer a paged query the same
//! whichever replica serves each page.

use serde_json::{json, Value};

use crate::helpers::{sepa_rows, source, spawn_app_with, FeedServer, TestApp};

/// A second directory re-publishing the first `n` meetings under its own ids.
fn republished(rows: &[Value], n: usize) -> Vec<Value> {
    rows.iter()
        .take(n)
        .enumerate()
        .map(|(i, r)| {
            let mut r = r.clone();
            r["slug"] = json!(format!("b-{i:03}"));
            r
        })
        .collect()
}

const FIELDS: &str = "id name kind status records { sourceId externalId } \
                      meetings { weekday startTime endTime timezone records { sourceId externalId } }";

async fn replica() -> TestApp {
    let feeds = FeedServer::start().await;
    let rows = sepa_rows();
    feeds.put("a.json", serde_json::to_vec(&rows).unwrap());
    feeds.put("b.json", serde_json::to_vec(&republished(&rows, 40)).unwrap());
    spawn_app_with(feeds, &[source("a-dir", "a.json"), source("b-dir", "b.json")]).await
}

/// Every live group, in id order, as a frontend reads them.
async fn everything(app: &TestApp) -> Vec<Value> {
    let mut groups = app.all_groups(FIELDS).await;
    groups.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    groups
}

async fn records_of(app: &TestApp, id: &str) -> Value {
    let g =
        app.gql("query($id: ID!) { group(id: $id) { records { sourceId externalId } } }", json!({ "id": id })).await;
    g["group"]["records"].clone()
}

#[tokio::test]
async fn two_replicas_importing_in_opposite_orders_agree_on_every_id() {
    let (a, b) = (replica().await, replica().await);
    a.import("a-dir").await;
    b.import("b-dir").await;
    let a_early = everything(&a).await;
    let b_early = everything(&b).await;
    a.import("b-dir").await;
    b.import("a-dir").await;

    // A record with a small key joins a group on both replicas, then leaves it.
    let rows = sepa_rows();
    let mut grown = republished(&rows, 40);
    let mut joining = rows[60].clone();
    joining["slug"] = json!("a-000-joins");
    grown.push(joining);
    for app in [&a, &b] {
        app.feeds.put("b.json", serde_json::to_vec(&grown).unwrap());
        app.import("b-dir").await;
    }
    let (a_joined, b_joined) = (everything(&a).await, everything(&b).await);
    for app in [&a, &b] {
        app.feeds.put("b.json", serde_json::to_vec(&republished(&rows, 40)).unwrap());
        app.import("b-dir").await;
    }
    let (a_final, b_final) = (everything(&a).await, everything(&b).await);

    assert_eq!(a_joined, b_joined, "the replicas disagree after the record joined");
    assert_eq!(a_final, b_final, "the replicas disagree at the end");
    let merged = a_final.iter().filter(|g| g["records"].as_array().unwrap().len() > 1).count();
    assert!(merged >= 10, "the two directories share meetings: {merged} merged groups");
    // Ids each replica published early resolve on the other to the group holding their records.
    for (early, other) in [(&a_early, &b), (&b_early, &a)] {
        for g in early {
            let id = g["id"].as_str().unwrap();
            let held = records_of(other, id).await;
            let first = &g["records"][0];
            assert!(held.as_array().is_some_and(|rs| rs.contains(first)), "{id} does not resolve to {first}: {held}");
        }
    }
}

async fn page(app: &TestApp, after: Value) -> Value {
    let q = "query($after: String) { groups(first: 7, after: $after, filter: { weekdays: [MONDAY, TUESDAY] }) { \
             totalCount edges { node { id name } } pageInfo { endCursor hasNextPage } } }";
    app.gql(q, json!({ "after": after })).await["groups"].clone()
}

#[tokio::test]
async fn a_paged_query_reads_the_same_whichever_replica_serves_each_page() {
    let (a, b) = (replica().await, replica().await);
    a.import("a-dir").await;
    a.import("b-dir").await;
    b.import("b-dir").await;
    b.import("a-dir").await;
    let a1 = page(&a, Value::Null).await;
    let cursor = a1["pageInfo"]["endCursor"].clone();
    let a2 = page(&a, cursor.clone()).await;
    let b2 = page(&b, cursor).await;

    assert!(a1["pageInfo"]["hasNextPage"].as_bool().unwrap());
    assert_eq!(a2, b2, "page two differs between the replicas");
    assert_eq!(a2["edges"].as_array().unwrap().len(), 7);
}
