//! Live updates over a real WebSocket client, in both subprotocols.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{sepa_rows, spawn_app, WsClient};

fn new_meetings() -> serde_json::Value {
    json!([
        { "name": "Harbour Lights", "slug": "hl-1", "day": 2, "time": "18:30", "types": ["O", "W"],
          "formatted_address": "10 Harbour St, Media, PA 19063, USA", "latitude": 39.9168, "longitude": -75.3877 },
        { "name": "Dawn Patrol Online", "slug": "dp-2", "day": 5, "time": "06:00", "types": ["ONL"],
          "conference_url": "https://zoom.us/j/99911122233" }
    ])
}

#[tokio::test]
async fn group_added_fires_once_per_new_group_and_not_on_an_unchanged_reimport() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let mut ws = WsClient::connect(&app, "graphql-transport-ws").await;
    ws.subscribe("1", "subscription { groupAdded { id name } }", json!({})).await;
    let mut rows = sepa_rows();
    rows.extend(new_meetings().as_array().unwrap().iter().cloned());
    app.feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());

    app.import("sepa").await;
    let mut names = Vec::new();
    while let Some(d) = ws.next_data(Duration::from_secs(3)).await {
        names.push(d["groupAdded"]["name"].as_str().unwrap().to_owned());
    }
    names.sort();
    assert_eq!(names, ["Dawn Patrol Online", "Harbour Lights"]);

    app.import("sepa").await;
    assert_eq!(ws.next_data(Duration::from_secs(1)).await, None, "an unchanged re-import fired an event");
}

#[tokio::test]
async fn group_added_honours_the_filter_and_near() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let mut online = WsClient::connect(&app, "graphql-transport-ws").await;
    online.subscribe("1", "subscription { groupAdded(filter: { attendance: [ONLINE] }) { name } }", json!({})).await;
    let mut near = WsClient::connect(&app, "graphql-transport-ws").await;
    near.subscribe(
        "2",
        "subscription($n: NearInput) { groupAdded(near: $n) { name } }",
        json!({ "n": { "latitude": 39.9170, "longitude": -75.3880, "radiusKm": 1.0 } }),
    )
    .await;
    let mut rows = sepa_rows();
    rows.extend(new_meetings().as_array().unwrap().iter().cloned());
    app.feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());

    app.import("sepa").await;

    let got_online = online.next_data(Duration::from_secs(3)).await.expect("an online group");
    assert_eq!(got_online["groupAdded"]["name"], "Dawn Patrol Online");
    assert_eq!(online.next_data(Duration::from_millis(500)).await, None);
    let got_near = near.next_data(Duration::from_secs(3)).await.expect("a group nearby");
    assert_eq!(got_near["groupAdded"]["name"], "Harbour Lights");
    assert_eq!(near.next_data(Duration::from_millis(500)).await, None);
}

#[tokio::test]
async fn the_legacy_graphql_ws_protocol_works_too() {
    let app = spawn_app().await;
    let mut ws = WsClient::connect(&app, "graphql-ws").await;
    ws.subscribe("1", "subscription { groupAdded { name } }", json!({})).await;

    app.import("sepa").await;

    let first = ws.next_data(Duration::from_secs(3)).await.expect("events for the first import");
    assert!(first["groupAdded"]["name"].is_string());
}

#[tokio::test]
async fn over_graphql_transport_ws_a_request_error_is_an_error_message_and_a_resolver_error_stays_in_next() {
    let app = spawn_app().await;
    let mut ws = WsClient::connect(&app, "graphql-transport-ws").await;
    let wait = Duration::from_secs(3);

    ws.subscribe("1", "subscription { groupAdded { nope } }", json!({})).await;
    ws.subscribe(
        "2",
        "subscription { groupAdded(near: { place: \"Nowhere Atoll\", radiusKm: 5 }) { name } }",
        json!({}),
    )
    .await;

    let error = ws.next_json(wait).await.expect("an answer to the first");
    assert_eq!((&error["type"], &error["id"]), (&json!("error"), &json!("1")), "{error}");
    assert!(error["payload"][0]["message"].as_str().unwrap().contains("nope"), "the payload is the errors: {error}");
    // No `complete` for the first follows: the protocol ends an operation at its `error`.
    let next = ws.next_json(wait).await.expect("an answer to the second");
    assert_eq!((&next["type"], &next["id"]), (&json!("next"), &json!("2")), "{next}");
    assert_eq!(next["payload"]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{next}");
    let complete = ws.next_json(wait).await.expect("the second completes");
    assert_eq!((&complete["type"], &complete["id"]), (&json!("complete"), &json!("2")), "{complete}");
}

/// A new group with three meetings at one clubhouse, as a feed lists it: one row per meeting.
fn clubhouse(days: &[u8]) -> Vec<serde_json::Value> {
    days.iter()
        .map(|d| {
            json!({ "name": "Life or Death", "slug": format!("lod-{d}"), "day": d, "time": "12:00", "types": ["O"],
                    "formatted_address": "77 Clubhouse Rd, Media, PA 19063, USA", "latitude": 39.9201, "longitude": -75.3901 })
        })
        .collect()
}

#[tokio::test]
async fn a_new_group_with_several_meetings_is_added_once_and_a_new_meeting_updates_it() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let mut ws = WsClient::connect(&app, "graphql-transport-ws").await;
    ws.subscribe("1", "subscription { groupAdded { id name meetings { weekday } } }", json!({})).await;
    ws.subscribe("2", "subscription { groupUpdated { id name meetings { weekday } } }", json!({})).await;
    let mut rows = sepa_rows();
    rows.extend(clubhouse(&[1, 3]));
    app.feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());

    app.import("sepa").await;
    let added = ws.next_data(Duration::from_secs(3)).await.expect("groupAdded for the new group");
    assert_eq!(added["groupAdded"]["name"], "Life or Death");
    assert_eq!(added["groupAdded"]["meetings"], json!([{ "weekday": "MONDAY" }, { "weekday": "WEDNESDAY" }]));
    assert_eq!(ws.next_data(Duration::from_secs(1)).await, None, "one event for the group, not one per meeting");

    let mut rows = sepa_rows();
    rows.extend(clubhouse(&[1, 3, 5]));
    app.feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());
    app.import("sepa").await;
    let updated = ws.next_data(Duration::from_secs(3)).await.expect("groupUpdated for the new meeting");
    assert_eq!(updated["groupUpdated"]["id"], added["groupAdded"]["id"], "the same group, under the same id");
    assert_eq!(updated["groupUpdated"]["meetings"].as_array().unwrap().len(), 3);
    assert_eq!(ws.next_data(Duration::from_secs(1)).await, None, "no groupAdded for a meeting of a known group");
}
