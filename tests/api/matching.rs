//! Groups across sources: the same meetings listed by two directories are one group each,
//! with both records, and ids keep resolving when groups merge.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{sepa_rows, sepa_sample, source, spawn_app_with, FeedServer, WsClient};

/// The same meetings as a second directory would re-publish them: new ids, 12-hour times.
fn republished(rows: &[Value]) -> Vec<Value> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let mut r = r.clone();
            r["slug"] = json!(format!("other-{i}"));
            let t = r["time"].as_str().unwrap();
            let (h, m) = t.split_once(':').unwrap();
            let h: u32 = h.parse().unwrap();
            let (h12, ampm) = match h {
                0 => (12, "AM"),
                1..=11 => (h, "AM"),
                12 => (12, "PM"),
                _ => (h - 12, "PM"),
            };
            r["time"] = json!(format!("{h12}:{m} {ampm}"));
            r
        })
        .collect()
}

#[tokio::test]
async fn a_second_directory_listing_the_same_meetings_adds_no_groups() {
    let feeds = FeedServer::start().await;
    let rows = sepa_rows();
    feeds.put("a.json", sepa_sample());
    feeds.put("b.json", serde_json::to_vec(&republished(&rows)).unwrap());
    let app = spawn_app_with(feeds, &[source("b-dir", "b.json"), source("a-dir", "a.json")]).await;
    app.import("b-dir").await;
    let ids_before: Vec<Value> = app.all_groups("id").await.into_iter().map(|g| g["id"].clone()).collect();
    let mut ws = WsClient::connect(&app, "graphql-transport-ws").await;
    ws.subscribe("1", "subscription { groupAdded { name } }", json!({})).await;

    app.import("a-dir").await;

    assert_eq!(ws.next_data(Duration::from_secs(2)).await, None, "a duplicate record fired groupAdded");
    let groups = app.all_groups("id records { sourceId } matchExplanation { evidence score }").await;
    assert_eq!(groups.len(), rows.len());
    assert!(groups.iter().all(|g| g["records"].as_array().unwrap().len() == 2), "every group holds both listings");
    assert!(groups[0]["matchExplanation"][0]["evidence"].as_array().unwrap().len() >= 2);
    // Ids published before the merge still resolve, to the group that now holds the records.
    for id in ids_before {
        let g = app.gql("query($id: ID!) { group(id: $id) { records { sourceId } } }", json!({ "id": id })).await;
        assert_eq!(g["group"]["records"].as_array().map(Vec::len), Some(2), "{id} no longer resolves");
    }
}

#[tokio::test]
async fn the_same_name_and_time_in_another_place_is_another_group() {
    let feeds = FeedServer::start().await;
    let rows = sepa_rows();
    let mut moved = republished(&rows[..5]);
    for r in &mut moved {
        r["latitude"] = json!("40.4406");
        r["longitude"] = json!("-79.9959");
        r["conference_url"] = json!("");
        r["conference_phone"] = json!("");
        r["formatted_address"] = json!("1 Market Square, Pittsburgh, PA 15222, USA");
    }
    feeds.put("a.json", serde_json::to_vec(&rows[..5]).unwrap());
    feeds.put("b.json", serde_json::to_vec(&moved).unwrap());
    let app = spawn_app_with(feeds, &[source("a-dir", "a.json"), source("b-dir", "b.json")]).await;

    app.import("a-dir").await;
    app.import("b-dir").await;

    assert_eq!(app.total().await, 10);
}
