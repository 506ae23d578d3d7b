//! `groupAdded(filter:, near:)` keeps a list fresh with the rules of the query: for each
//! filter, the new groups a subscriber is sent are exactly the ones the same `groups` query
//! finds after the import and did not find before.

use std::time::Duration;

use serde_json::{json, Value};

use crate::finder_filters::city_rows;
use crate::finder_support::{at, feed, names, row, with};
use crate::helpers::{source, spawn_app_with, FeedServer, TestApp, WsClient};

const CENTRE: (f64, f64) = (39.9526, -75.1652);

fn new_rows() -> Vec<Value> {
    vec![
        with(
            row("nueva", "Nueva Vida", 1, "19:00", &["S", "O"]),
            at("1 S Broad St, Philadelphia, PA 19107, USA", 39.9510, -75.1635),
        ),
        with(
            row("nuit", "Nuit Blanche", 5, "22:00", &["FR", "O"]),
            with(
                at("3 Place Jean Jaurès, 42000 Saint-Étienne, Loire, France", 45.4340, 4.3900),
                json!({ "timezone": "Europe/Paris" }),
            ),
        ),
        with(
            row("serenity-online", "Serenity Online", 2, "06:00", &["ONL", "EN"]),
            json!({ "conference_url": "https://zoom.us/j/86666666666" }),
        ),
        with(
            row("midnight", "Midnight Serenity", 6, "00:30", &["O", "S"]),
            at("20 W State St, Media, PA 19063, USA", 39.9168, -75.3877),
        ),
    ]
}

async fn app() -> TestApp {
    let feeds = FeedServer::start().await;
    feeds.put("city.json", feed(&city_rows()));
    let app = spawn_app_with(feeds, &[source("city", "city.json")]).await;
    app.import("city").await;
    app
}

/// The names of the groups a `groups(filter:, near:)` query finds, sorted.
async fn found(app: &TestApp, filter: &Value, near: &Value) -> Vec<String> {
    if near.is_null() {
        return names(app, filter.clone()).await;
    }
    let q = "query($f: GroupFilter, $n: NearInput) { groups(filter: $f, near: $n, first: 100) { edges { node { name } } } }";
    let d = app.gql(q, json!({ "f": filter, "n": near })).await;
    let mut v: Vec<String> = d["groups"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

/// One subscriber per `(filter, near)` to `field` (groupAdded, groupRemoved), each with the
/// names the same `groups` query finds now.
async fn subscribe_each(app: &TestApp, field: &str, subscriptions: &[(Value, Value)]) -> Vec<(WsClient, Vec<String>)> {
    let query = format!("subscription($f: GroupFilter, $n: NearInput) {{ {field}(filter: $f, near: $n) {{ name }} }}");
    let mut out = Vec::new();
    for (i, (filter, near)) in subscriptions.iter().enumerate() {
        let mut ws = WsClient::connect(app, "graphql-transport-ws").await;
        ws.subscribe(&i.to_string(), &query, json!({ "f": filter, "n": near })).await;
        out.push((ws, found(app, filter, near).await));
    }
    app.subscribed(subscriptions.len()).await;
    out
}

/// The names a subscriber is sent on `field`, sorted: waits while fewer than `expected` came.
async fn received(ws: &mut WsClient, field: &str, expected: usize) -> Vec<String> {
    let mut got = Vec::new();
    while let Some(d) = ws.next_data(Duration::from_millis(if got.len() < expected { 3000 } else { 700 })).await {
        got.push(d[field]["name"].as_str().unwrap().to_owned());
    }
    got.sort();
    got
}

#[tokio::test]
async fn group_added_sends_what_the_same_query_newly_finds() {
    let app = app().await;
    let near = |km: f64, online: bool| json!({ "latitude": CENTRE.0, "longitude": CENTRE.1, "radiusKm": km, "includeOnline": online });
    let subscriptions: Vec<(Value, Value)> = vec![
        (json!({ "languages": ["es"] }), Value::Null),
        (json!({ "languages": ["FR"] }), Value::Null),
        (json!({ "languages": ["de"] }), Value::Null),
        (json!({ "timeOfDay": ["NIGHT"] }), Value::Null),
        (json!({ "startsAfter": "21:00", "startsBefore": "01:00" }), Value::Null),
        (json!({ "text": "serenity" }), Value::Null),
        (json!({ "locality": ["saint etienne"] }), Value::Null),
        (json!({ "attendance": ["ONLINE"] }), Value::Null),
        (json!({ "languages": ["es"] }), near(5.0, false)),
        (json!({ "attendance": ["ONLINE"] }), near(5.0, true)),
        (json!({}), near(30.0, false)),
        (json!({}), json!({ "place": "saint etienne", "radiusKm": 10 })),
    ];
    let mut clients = subscribe_each(&app, "groupAdded", &subscriptions).await;
    let mut rows = city_rows();
    rows.extend(new_rows());
    app.feeds.put("city.json", feed(&rows));

    let run = app.import("city").await;
    assert_eq!(run.counts.added as usize, new_rows().len(), "{run:?}");

    for ((filter, near), (ws, before)) in subscriptions.iter().zip(&mut clients) {
        let want: Vec<String> = found(&app, filter, near).await.into_iter().filter(|n| !before.contains(n)).collect();
        let got = received(ws, "groupAdded", want.len()).await;
        assert_eq!(got, want, "groupAdded(filter: {filter}, near: {near})");
    }
}

/// `groupRemoved(filter:, near:)` judges a removed group as it was while listed: each
/// subscriber is sent exactly the removed groups its query found before they went.
#[tokio::test]
async fn group_removed_sends_the_gone_groups_the_same_query_found() {
    let feeds = FeedServer::start().await;
    let mut rows = city_rows();
    rows.extend(new_rows());
    feeds.put("city.json", feed(&rows));
    let toml = "[ingest]\nmissing_grace_days = 0\nmax_removal_share = 1.0\n";
    let app = crate::helpers::spawn_app_with_toml(feeds, &[source("city", "city.json")], toml).await;
    app.import("city").await;
    let near = json!({ "latitude": CENTRE.0, "longitude": CENTRE.1, "radiusKm": 30 });
    let subscriptions: Vec<(Value, Value)> = vec![
        (json!({ "languages": ["es"] }), Value::Null),
        (json!({ "languages": ["de"] }), Value::Null),
        (json!({ "text": "serenity" }), Value::Null),
        (json!({ "attendance": ["ONLINE"] }), Value::Null),
        (json!({}), near),
    ];
    let mut clients = subscribe_each(&app, "groupRemoved", &subscriptions).await;
    app.feeds.put("city.json", feed(&city_rows()));

    app.import("city").await;
    let run = app.import("city").await;

    assert_eq!(run.counts.removed as usize, new_rows().len(), "the second run removes what went missing: {run:?}");
    let mut sent = 0;
    for ((filter, near), (ws, before)) in subscriptions.iter().zip(&mut clients) {
        let now = found(&app, filter, near).await;
        let want: Vec<String> = before.iter().filter(|n| !now.contains(n)).cloned().collect();
        let got = received(ws, "groupRemoved", want.len()).await;
        assert_eq!(got, want, "groupRemoved(filter: {filter}, near: {near})");
        sent += got.len();
    }
    assert!(sent >= 3, "the removed groups reached their subscribers ({sent} sent)");
}
