//! What a frontend sees: the groups connection, filters, near, paging, one group by id.

use serde_json::json;

use crate::helpers::{feed_groups, feed_groups_where, sepa_rows, spawn_app};

#[tokio::test]
async fn an_imported_feed_is_served_as_real_groups_with_their_meetings() {
    let app = spawn_app().await;
    let rows = sepa_rows();

    let run = app.import("sepa").await;

    assert_eq!(run.counts.added as usize, rows.len(), "{run:?}");
    assert_eq!(app.total().await as usize, feed_groups(&rows).len());
    let first = &rows[0];
    let d = app
        .gql(
            "query($t: String) { groups(filter: { text: $t }, first: 50) { edges { node { name kind topics meetings { weekday startTime timezone records { externalId } } records { sourceId externalId } } } } }",
            json!({ "t": first["name"] }),
        )
        .await;
    let nodes: Vec<_> = d["groups"]["edges"].as_array().unwrap().iter().map(|e| &e["node"]).collect();
    let hit = nodes
        .iter()
        .find(|n| n["records"].as_array().unwrap().iter().any(|r| r["externalId"] == first["slug"]))
        .unwrap_or_else(|| panic!("{} not found by its name: {d}", first["name"]));
    let meeting = hit["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["records"].as_array().unwrap().iter().any(|r| r["externalId"] == first["slug"]))
        .unwrap_or_else(|| panic!("no meeting of {hit} is described by {}", first["slug"]));
    assert_eq!(hit["name"], first["name"]);
    assert_eq!(hit["kind"], "TWELVE_STEP");
    assert_eq!(hit["topics"], json!(["ALCOHOL"]));
    let weekdays = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"];
    let day: usize = first["day"].as_str().unwrap().parse().unwrap();
    assert_eq!(meeting["weekday"], weekdays[day]);
    assert_eq!(meeting["startTime"], first["time"]);
    assert_eq!(meeting["timezone"], "America/New_York");
}

#[tokio::test]
async fn filters_by_weekday_topic_and_attendance_agree_with_the_feed() {
    let app = spawn_app().await;
    let rows = sepa_rows();
    app.import("sepa").await;

    let mondays = feed_groups_where(&rows, |r| r["day"] == "1");
    let online_codes =
        feed_groups_where(&rows, |r| r["types"].as_array().is_some_and(|t| t.iter().any(|c| c == "ONL")));
    let count = |filter: serde_json::Value| {
        let app = &app;
        async move {
            app.gql("query($f: GroupFilter) { groups(filter: $f) { totalCount } }", json!({ "f": filter })).await
                ["groups"]["totalCount"]
                .as_i64()
                .unwrap() as usize
        }
    };

    assert_eq!(count(json!({ "weekdays": ["MONDAY"] })).await, mondays);
    assert_eq!(count(json!({ "topics": ["ALCOHOL"] })).await, feed_groups(&rows).len());
    assert_eq!(count(json!({ "topics": ["DEPRESSION"] })).await, 0);
    let online_or_hybrid = count(json!({ "attendance": ["ONLINE", "HYBRID"] })).await;
    assert!(online_or_hybrid >= online_codes, "{online_or_hybrid} online/hybrid groups, {online_codes} rows coded ONL");
    assert_eq!(count(json!({ "weekdays": ["MONDAY"], "topics": ["DEPRESSION"] })).await, 0);
}

#[tokio::test]
async fn near_returns_groups_within_the_radius_nearest_first() {
    let app = spawn_app().await;
    let rows = sepa_rows();
    app.import("sepa").await;
    let anchor = rows
        .iter()
        .find(|r| r["types"].as_array().is_some_and(|t| !t.iter().any(|c| c == "ONL")) && r["conference_url"] == "")
        .expect("an in-person meeting in the fixture");
    let (lat, lon): (f64, f64) =
        (anchor["latitude"].as_str().unwrap().parse().unwrap(), anchor["longitude"].as_str().unwrap().parse().unwrap());

    let d = app
        .gql(
            "query($n: NearInput) { groups(near: $n, first: 100) { totalCount edges { distanceKm node { name records { externalId } } } } }",
            json!({ "n": { "latitude": lat, "longitude": lon, "radiusKm": 15.0 } }),
        )
        .await;

    let edges = d["groups"]["edges"].as_array().unwrap();
    let dist: Vec<f64> = edges.iter().map(|e| e["distanceKm"].as_f64().unwrap()).collect();
    assert!(!dist.is_empty());
    assert!(dist.windows(2).all(|w| w[0] <= w[1]), "not ordered by distance: {dist:?}");
    assert!(dist.iter().all(|d| *d <= 15.0));
    assert!(dist[0] < 0.01, "the anchor itself comes first: {dist:?}");
    assert!(edges.iter().any(|e| e["node"]["records"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["externalId"] == anchor["slug"])));
    assert_eq!(d["groups"]["totalCount"].as_u64().unwrap() as usize, edges.len());
}

#[tokio::test]
async fn paging_walks_every_group_once() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let total = app.total().await as usize;

    let mut seen = std::collections::BTreeSet::new();
    let mut after = serde_json::Value::Null;
    loop {
        let d = app
            .gql(
                "query($a: String) { groups(first: 7, after: $a) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }",
                json!({ "a": after }),
            )
            .await;
        for e in d["groups"]["edges"].as_array().unwrap() {
            assert!(seen.insert(e["node"]["id"].as_str().unwrap().to_owned()), "a group came twice");
        }
        if !d["groups"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = d["groups"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len(), total);
}

#[tokio::test]
async fn bad_arguments_get_clear_errors() {
    let app = spawn_app().await;

    let too_big = app.gql_raw("{ groups(first: 1000) { totalCount } }", json!({}), None).await;
    let bad_cursor = app.gql_raw("{ groups(after: \"nope\") { totalCount } }", json!({}), None).await;
    let bad_near = app
        .gql_raw("{ groups(near: { latitude: 91, longitude: 0, radiusKm: 5 }) { totalCount } }", json!({}), None)
        .await;

    assert!(too_big["errors"][0]["message"].as_str().unwrap().contains("first must be between 0 and 100"), "{too_big}");
    assert!(bad_cursor["errors"][0]["message"].as_str().unwrap().contains("not a cursor"), "{bad_cursor}");
    assert!(bad_near["errors"][0]["message"].as_str().unwrap().contains("latitude"), "{bad_near}");
}

#[tokio::test]
async fn group_by_id_and_unknown_id() {
    let app = spawn_app().await;
    app.import("sepa").await;
    let first = app.gql("{ groups(first: 1) { edges { node { id name } } } }", json!({})).await;
    let node = &first["groups"]["edges"][0]["node"];

    let one = app.gql("query($id: ID!) { group(id: $id) { id name status } }", json!({ "id": node["id"] })).await;
    let none = app.gql("{ group(id: \"g-does-not-exist\") { id } }", json!({})).await;

    assert_eq!(one["group"]["name"], node["name"]);
    assert_eq!(one["group"]["status"], "ACTIVE");
    assert!(none["group"].is_null());
}
