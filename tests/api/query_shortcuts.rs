//! The query engine's shortcuts answer exactly as the full path does, through the real server
//! with kept answers off (so every request is computed): group nodes rendered once and copied
//! into later answers until an import changes the store, events rendered once for every
//! subscriber with the same selection, and validation once per document, with variables that
//! do not fit still refused as before.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{sepa_rows, source, spawn_app_with_env, FeedServer, TestApp, WsClient};

const NO_KEPT_ANSWERS: &[(&str, &str)] = &[("SUPPORTMESH_SERVER_RESPONSE_CACHE", "false")];

const NODE: &str = "id name kind meetings { weekday startTime endTime timezone recurrence } \
                    location { formatted locality latitude longitude approximate } contact { website }";

async fn app() -> (TestApp, Vec<Value>) {
    let feeds = FeedServer::start().await;
    let rows = sepa_rows();
    feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());
    let app = spawn_app_with_env(feeds, &[source("sepa", "sepa.json")], NO_KEPT_ANSWERS).await;
    app.import("sepa").await;
    (app, rows)
}

/// The nodes of a page, asked with plain fields (kept renders), through GET, and through a
/// fragment (always resolved field by field).
async fn pages(app: &TestApp) -> [Value; 4] {
    let plain = format!("{{ groups(first: 25) {{ totalCount edges {{ cursor node {{ {NODE} }} }} }} }}");
    let fragment = format!(
        "{{ groups(first: 25) {{ totalCount edges {{ cursor node {{ ...G }} }} }} }} fragment G on Group {{ {NODE} }}"
    );
    let first = app.gql(&plain, json!({})).await;
    let again = app.gql(&plain, json!({})).await;
    let get: Value = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", plain.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    [first, again, get["data"].clone(), app.gql(&fragment, json!({})).await]
}

#[tokio::test]
async fn kept_node_renders_answer_as_resolving_does_until_an_import_changes_them() {
    let (app, mut rows) = app().await;

    let [first, again, get, fragment] = pages(&app).await;
    for row in rows.iter_mut() {
        let name = row["name"].as_str().unwrap_or_default().to_owned();
        row["name"] = json!(format!("{name} (renamed)"));
    }
    app.feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());
    app.import("sepa").await;
    let [renamed, renamed_again, renamed_get, renamed_fragment] = pages(&app).await;

    let edges = first["groups"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 25);
    assert!(edges.iter().any(|e| e["node"]["meetings"].as_array().unwrap().len() > 1), "groups with meetings");
    assert_eq!(again, first, "a repeat is answered from kept renders, the same");
    assert_eq!(get, first, "GET answers the same");
    assert_eq!(fragment, first, "resolving every field gives the same nodes");
    let names = |page: &Value| -> Vec<String> {
        page["groups"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(names(&renamed).iter().all(|n| n.ends_with("(renamed)")), "after the import: {:?}", names(&renamed));
    assert_eq!(renamed_again, renamed);
    assert_eq!(renamed_get, renamed);
    assert_eq!(renamed_fragment, renamed);
}

#[tokio::test]
async fn a_document_validated_once_still_refuses_variables_that_do_not_fit() {
    let (app, _) = app().await;
    let near = "query Near($lat: Float!, $lon: Float!, $f: GroupFilter) { \
                groups(filter: $f, near: { latitude: $lat, longitude: $lon, radiusKm: 25 }) { totalCount } }";
    // The same operation with other whitespace: another document, fully validated each time.
    let twin = near.replace("{ totalCount }", "{  totalCount  }");
    let good = json!({ "lat": 39.95, "lon": -75.16, "f": { "weekdays": ["MONDAY"] } });

    let first = app.gql(near, good.clone()).await;
    let again = app.gql(near, good.clone()).await;
    let bad_values = [
        json!({ "lat": "north", "lon": -75.16 }),
        json!({ "lat": 39.95 }),
        json!({ "lat": 39.95, "lon": null }),
        json!({ "lat": 39.95, "lon": -75.16, "f": { "weekdays": ["SOMEDAY"] } }),
        json!({ "lat": 39.95, "lon": -75.16, "f": { "colour": "red" } }),
        json!({ "lat": 39.95, "lon": -75.16, "f": { "topics": ["not a topic!"] } }),
    ];

    assert!(first["groups"]["totalCount"].as_i64().unwrap() > 0, "{first}");
    assert_eq!(again, first);
    for vars in bad_values {
        let refused = app.gql_raw(near, vars.clone(), None).await;
        let fresh = app.gql_raw(&twin, vars.clone(), None).await;
        assert!(refused["data"].is_null(), "{vars}: a request error, no data: {refused}");
        assert!(!refused["errors"].as_array().unwrap().is_empty(), "{vars}: {refused}");
        assert_eq!(refused["errors"], fresh["errors"], "{vars}: the same error as full validation gives");
    }
    assert_eq!(app.gql(near, good).await, first, "good variables still run");
}

/// The groups an import adds, as each subscriber receives them, sorted by id.
async fn added(ws: &mut WsClient, field: &str) -> Vec<Value> {
    let mut got = Vec::new();
    while let Some(d) = ws.next_data(Duration::from_secs(3)).await {
        got.push(d[field].clone());
    }
    got.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    got
}

#[tokio::test]
async fn subscribers_with_one_selection_share_a_render_that_answers_as_resolving_does() {
    let (app, mut rows) = app().await;
    let plain = format!("subscription {{ groupAdded {{ {NODE} }} }}");
    let fragment = format!("subscription {{ groupAdded {{ ...G }} }} fragment G on Group {{ {NODE} }}");
    let updated = format!("subscription {{ groupUpdated {{ {NODE} }} }}");
    let mut a = WsClient::connect(&app, "graphql-transport-ws").await;
    let mut b = WsClient::connect(&app, "graphql-transport-ws").await;
    let mut legacy = WsClient::connect(&app, "graphql-ws").await;
    let mut resolved = WsClient::connect(&app, "graphql-transport-ws").await;
    let mut changes = WsClient::connect(&app, "graphql-transport-ws").await;
    a.subscribe("1", &plain, json!({})).await;
    b.subscribe("1", &plain, json!({})).await;
    legacy.subscribe("1", &plain, json!({})).await;
    resolved.subscribe("1", &fragment, json!({})).await;
    changes.subscribe("1", &updated, json!({})).await;
    app.subscribed(5).await;
    let extra = json!([
        { "name": "Harbour Lights", "slug": "hl-1", "day": 2, "time": "18:30", "types": ["O"],
          "formatted_address": "10 Harbour St, Media, PA 19063, USA", "latitude": 39.9168, "longitude": -75.3877 },
        { "name": "Harbour Lights", "slug": "hl-2", "day": 4, "time": "19:00", "types": ["O"],
          "formatted_address": "10 Harbour St, Media, PA 19063, USA", "latitude": 39.9168, "longitude": -75.3877 },
    ]);
    rows.extend(extra.as_array().unwrap().iter().cloned());
    app.feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());
    app.import("sepa").await;
    let (got_a, got_b, got_legacy, got_resolved) = (
        added(&mut a, "groupAdded").await,
        added(&mut b, "groupAdded").await,
        added(&mut legacy, "groupAdded").await,
        added(&mut resolved, "groupAdded").await,
    );
    let last = rows.len() - 1;
    rows[last]["time"] = json!("20:15");
    app.feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());
    app.import("sepa").await;
    let got_changed = added(&mut changes, "groupUpdated").await;

    assert_eq!(got_a.len(), 1, "one new group with two meetings: {got_a:?}");
    assert_eq!(got_a[0]["name"], "Harbour Lights");
    assert_eq!(got_a[0]["meetings"].as_array().unwrap().len(), 2);
    assert_eq!(got_b, got_a, "a second subscriber gets the same");
    assert_eq!(got_legacy, got_a, "over the legacy protocol too");
    assert_eq!(got_resolved, got_a, "resolving every field gives the same");
    assert_eq!(got_changed.len(), 1, "{got_changed:?}");
    let starts: Vec<&str> =
        got_changed[0]["meetings"].as_array().unwrap().iter().map(|m| m["startTime"].as_str().unwrap()).collect();
    assert!(starts.contains(&"20:15"), "the update shows the new time, not a kept render: {starts:?}");
}
