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
    app.subscribed(1).await;
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
    app.subscribed(2).await;
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
    app.subscribed(1).await;

    app.import("sepa").await;

    let first = ws.next_data(Duration::from_secs(3)).await.expect("events for the first import");
    assert!(first["groupAdded"]["name"].is_string());
}

#[tokio::test]
async fn over_graphql_transport_ws_a_request_error_is_an_error_message_and_a_resolver_error_stays_in_next() {
    let app = spawn_app().await;
    let mut ws = WsClient::connect(&app, "graphql-transport-ws").await;
    let wait = Duration::from_secs(10);

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
    app.subscribed(2).await;
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

/// A subscriber that never reads from its socket is dropped once its backlog is full, and the
/// reason is counted; a subscriber that reads gets every event meanwhile.
#[tokio::test]
async fn a_subscriber_that_never_reads_is_dropped_after_a_bounded_backlog() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::Message;

    // Twelve distinct copies of the sample: several hundred new groups in one import.
    let mut rows = Vec::new();
    for c in 0..12 {
        for r in sepa_rows() {
            let mut r = r;
            for key in ["slug", "name", "group"] {
                if let Some(v) = r[key].as_str().filter(|v| !v.is_empty()) {
                    r[key] = json!(format!("{v} c{c}"));
                }
            }
            if let Some(lat) = r["latitude"].as_str().and_then(|v| v.parse::<f64>().ok()).or(r["latitude"].as_f64()) {
                r["latitude"] = json!(format!("{:.6}", lat + c as f64));
            }
            rows.push(r);
        }
    }
    let groups = crate::helpers::feed_groups(&rows).len();
    let feeds = crate::helpers::FeedServer::start().await;
    feeds.put("many.json", serde_json::to_vec(&rows).unwrap());
    // A short backlog (the setting), so the stalled client is dropped early in the import.
    let env = [("SUPPORTMESH_SERVER_MAX_WEBSOCKET_BACKLOG", "32")];
    let app = crate::helpers::spawn_app_with_env(feeds, &[crate::helpers::source("many", "many.json")], &env).await;

    // The stalled client: a tiny receive window, every subscription it may hold, each asking
    // for a large document per event, and it never reads after the handshake.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(2048).unwrap();
    let tcp = socket.connect(app.addr).await.unwrap();
    let mut req = format!("ws://{}/graphql", app.addr).into_client_request().unwrap();
    req.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    let (mut stalled, _) = tokio_tungstenite::client_async(req, tcp).await.unwrap();
    stalled.send(Message::Text(json!({ "type": "connection_init" }).to_string().into())).await.unwrap();
    let ack = stalled.next().await.unwrap().unwrap();
    assert!(ack.to_text().unwrap().contains("connection_ack"), "{ack:?}");
    let heavy = "subscription { groupAdded { id name description records { sourceId externalId url } \
        location { formatted address locality postcode latitude longitude } \
        meetings { weekday startTime endTime timezone } } }";
    for id in 0..16 {
        let msg = json!({ "id": id.to_string(), "type": "subscribe", "payload": { "query": heavy } });
        stalled.send(Message::Text(msg.to_string().into())).await.unwrap();
    }
    let mut reader = WsClient::connect(&app, "graphql-transport-ws").await;
    reader.subscribe("1", "subscription { groupAdded { id } }", json!({})).await;

    let run = app.import("many").await;

    assert_eq!(run.counts.added as usize, rows.len(), "{:?}", run.counts);
    let mut delivered = 0;
    while delivered < groups {
        reader.next_data(Duration::from_secs(10)).await.expect("the reading subscriber gets every group");
        delivered += 1;
    }
    // The stalled client was dropped, and said why, once its backlog filled.
    let mut dropped = 0.0;
    for _ in 0..100 {
        let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
        dropped = metrics
            .lines()
            .find(|l| l.starts_with("supportmesh_websockets_dropped_total") && l.contains("slow reader"))
            .and_then(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .unwrap_or(0.0);
        if dropped >= 1.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(dropped >= 1.0, "the stalled subscriber was not dropped for being a slow reader");
    // What its socket still holds ends: the server closed it, far short of every event.
    let mut received = 0;
    while let Ok(Some(Ok(msg))) = tokio::time::timeout(Duration::from_secs(10), stalled.next()).await {
        if msg.is_text() {
            received += 1;
        }
    }
    assert!(received < 16 * groups, "the stalled client got {received} of {} events", 16 * groups);
}
