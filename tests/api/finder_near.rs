//! `near` with a point: a radius, the nearest N, online groups after the placed ones, and the
//! bounds. Distances are worked out here from the points of the feed.

use serde_json::{json, Value};

use crate::finder_support::{at, attendance, bad_input, feed, haversine_km, point, row, with};
use crate::helpers::{source, spawn_app_with, FeedServer, TestApp};

/// Philadelphia City Hall.
const CENTRE: (f64, f64) = (39.9526, -75.1652);

fn rows() -> Vec<Value> {
    let zoom = |id: &str| json!({ "conference_url": format!("https://zoom.us/j/{id}") });
    vec![
        with(
            row("city-hall", "City Hall Group", 1, "19:00", &["O"]),
            at("1 Penn Sq, Philadelphia, PA 19107, USA", 39.9530, -75.1636),
        ),
        with(
            row("rittenhouse", "Rittenhouse Group", 2, "12:00", &["C"]),
            at("1800 Walnut St, Philadelphia, PA 19103, USA", 39.9496, -75.1718),
        ),
        with(
            row("old-city", "Old City Group", 3, "07:30", &["O"]),
            at("100 Arch St, Philadelphia, PA 19106, USA", 39.9522, -75.1426),
        ),
        with(
            row("fishtown", "Fishtown Group", 4, "20:00", &["O", "S"]),
            at("1200 Frankford Ave, Philadelphia, PA 19125, USA", 39.9719, -75.1340),
        ),
        with(
            row("manayunk", "Manayunk Group", 5, "18:00", &["O"]),
            at("4300 Main St, Philadelphia, PA 19127, USA", 40.0262, -75.2249),
        ),
        with(
            row("media", "Media Group", 6, "10:00", &["O"]),
            at("20 W State St, Media, PA 19063, USA", 39.9168, -75.3877),
        ),
        with(
            row("pittsburgh", "Pittsburgh Group", 0, "19:00", &["O"]),
            at("600 Grant St, Pittsburgh, PA 15219, USA", 40.4406, -79.9959),
        ),
        with(
            row("hybrid-hall", "Hybrid Hall", 1, "18:30", &["O"]),
            with(at("1500 Market St, Philadelphia, PA 19102, USA", 39.9540, -75.1660), zoom("81111111111")),
        ),
        with(
            row("hybrid-nowhere", "Hybrid Without A Point", 2, "18:30", &["O"]),
            with(json!({ "formatted_address": "77 Nowhere Ln, Philadelphia, PA 19103, USA" }), zoom("82222222222")),
        ),
        with(row("zoom", "Zoom Serenity", 3, "21:00", &["O"]), zoom("83333333333")),
        with(row("owls", "Night Owls Online", 4, "23:00", &["ONL", "S"]), zoom("84444444444")),
        with(
            row("approx", "Town Centre Approximate", 5, "19:00", &["O"]),
            with(at("Philadelphia, PA, USA", 39.9527, -75.1650), json!({ "approximate": "yes" })),
        ),
    ]
}

async fn app() -> TestApp {
    let feeds = FeedServer::start().await;
    feeds.put("near.json", feed(&rows()));
    let app = spawn_app_with(feeds, &[source("near", "near.json")]).await;
    let run = app.import("near").await;
    assert_eq!(run.counts.problems, 0, "{run:?}");
    app
}

/// Rows a `near` finds by place: an exact point (not approximate) and not online-only.
fn placed(r: &Value) -> Option<(f64, f64)> {
    let approximate = r["approximate"] == "yes";
    point(r).filter(|_| !approximate && attendance(r) != "ONLINE")
}

/// Rows `includeOnline` adds: online, or hybrid without a point.
fn online(r: &Value) -> bool {
    attendance(r) == "ONLINE" || (attendance(r) == "HYBRID" && placed(r).is_none())
}

/// The placed rows that pass `keep`, nearest first, with their distances.
fn by_distance(keep: impl Fn(&Value) -> bool) -> Vec<(String, f64)> {
    let mut v: Vec<(String, f64)> = rows()
        .iter()
        .filter(|r| keep(r))
        .filter_map(|r| Some((r["name"].as_str()?.to_owned(), haversine_km(CENTRE, placed(r)?))))
        .collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1));
    v
}

async fn search(app: &TestApp, near: Value, filter: Value) -> Value {
    let q = "query($n: NearInput, $f: GroupFilter) { groups(near: $n, filter: $f, first: 100) { totalCount \
             edges { distanceKm node { id name } } pageInfo { hasNextPage } } }";
    app.gql(q, json!({ "n": near, "f": filter })).await["groups"].clone()
}

fn edge_names(conn: &Value) -> Vec<String> {
    conn["edges"].as_array().unwrap().iter().map(|e| e["node"]["name"].as_str().unwrap().to_owned()).collect()
}

/// The edges are the placed ones given, in order, with their distances.
fn assert_placed(edges: &[Value], want: &[(String, f64)]) {
    let got: Vec<&str> = edges.iter().map(|e| e["node"]["name"].as_str().unwrap()).collect();
    let names: Vec<&str> = want.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(got, names);
    for (e, (name, km)) in edges.iter().zip(want) {
        let d = e["distanceKm"].as_f64().unwrap_or_else(|| panic!("{name} has no distance"));
        assert!((d - km).abs() < 1e-6, "{name}: {d} km, expected {km}");
    }
}

#[tokio::test]
async fn a_radius_finds_the_placed_groups_inside_it_nearest_first() {
    let app = app().await;
    for km in [0.5, 5.0, 25.0] {
        let want: Vec<(String, f64)> = by_distance(|_| true).into_iter().filter(|(_, d)| *d <= km).collect();
        let conn =
            search(&app, json!({ "latitude": CENTRE.0, "longitude": CENTRE.1, "radiusKm": km }), json!({})).await;
        assert_placed(conn["edges"].as_array().unwrap(), &want);
        assert_eq!(conn["totalCount"].as_u64().unwrap() as usize, want.len(), "{km} km");
    }
    let all = search(&app, json!({ "latitude": CENTRE.0, "longitude": CENTRE.1, "radiusKm": 5.0 }), json!({})).await;
    let names = edge_names(&all);
    assert!(!names.iter().any(|n| n == "Town Centre Approximate"), "a town-level point is no place to meet");
    assert!(
        !names.iter().any(|n| n == "Zoom Serenity" || n == "Night Owls Online"),
        "online groups need includeOnline"
    );
}

#[tokio::test]
async fn a_radius_combines_with_the_filters() {
    let app = app().await;
    let near = json!({ "latitude": CENTRE.0, "longitude": CENTRE.1, "radiusKm": 25.0 });
    let spanish = by_distance(|r| r["types"].as_array().unwrap().iter().any(|c| c == "S"));
    let late_week = by_distance(|r| r["day"].as_u64().unwrap() >= 3);

    let conn = search(&app, near.clone(), json!({ "languages": ["es"] })).await;
    assert_placed(
        conn["edges"].as_array().unwrap(),
        &spanish.into_iter().filter(|(_, d)| *d <= 25.0).collect::<Vec<_>>(),
    );
    let conn = search(&app, near, json!({ "weekdays": ["WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"] })).await;
    assert_placed(
        conn["edges"].as_array().unwrap(),
        &late_week.into_iter().filter(|(_, d)| *d <= 25.0).collect::<Vec<_>>(),
    );
}

#[tokio::test]
async fn nearest_n_ranks_every_placed_group_without_a_radius() {
    let app = app().await;
    let ranked = by_distance(|_| true);
    for n in [1, 3, ranked.len(), 100] {
        let want: Vec<(String, f64)> = ranked.iter().take(n).cloned().collect();
        let conn = search(&app, json!({ "latitude": CENTRE.0, "longitude": CENTRE.1, "nearest": n }), json!({})).await;
        assert_placed(conn["edges"].as_array().unwrap(), &want);
        assert_eq!(conn["totalCount"].as_u64().unwrap() as usize, want.len(), "nearest {n}");
    }
    // The nearest N that pass the filter, not the nearest N then filtered.
    let spanish = by_distance(|r| r["types"].as_array().unwrap().iter().any(|c| c == "S"));
    let conn = search(
        &app,
        json!({ "latitude": CENTRE.0, "longitude": CENTRE.1, "nearest": 1 }),
        json!({ "languages": ["es"] }),
    )
    .await;
    assert_placed(conn["edges"].as_array().unwrap(), &spanish[..1]);
}

#[tokio::test]
async fn include_online_adds_the_online_groups_after_the_placed_ones() {
    let app = app().await;
    let mut online_names: Vec<String> =
        rows().iter().filter(|r| online(r)).map(|r| r["name"].as_str().unwrap().to_owned()).collect();
    online_names.sort();
    let want_placed: Vec<(String, f64)> = by_distance(|_| true).into_iter().filter(|(_, d)| *d <= 5.0).collect();

    let conn = search(
        &app,
        json!({ "latitude": CENTRE.0, "longitude": CENTRE.1, "radiusKm": 5.0, "includeOnline": true }),
        json!({}),
    )
    .await;

    let edges = conn["edges"].as_array().unwrap();
    assert_eq!(conn["totalCount"].as_u64().unwrap() as usize, want_placed.len() + online_names.len());
    let (by_place, rest) = edges.split_at(want_placed.len());
    assert_placed(by_place, &want_placed);
    let mut tail: Vec<String> = rest.iter().map(|e| e["node"]["name"].as_str().unwrap().to_owned()).collect();
    assert!(rest.iter().all(|e| e["distanceKm"].is_null()), "online groups have no distance: {rest:?}");
    let ids: Vec<&str> = rest.iter().map(|e| e["node"]["id"].as_str().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "online groups come by id: {ids:?}");
    tail.sort();
    assert_eq!(tail, online_names);

    // Nearest N with online groups: the N nearest, then every online group.
    let conn = search(
        &app,
        json!({ "latitude": CENTRE.0, "longitude": CENTRE.1, "nearest": 2, "includeOnline": true }),
        json!({}),
    )
    .await;
    assert_eq!(conn["totalCount"].as_u64().unwrap() as usize, 2 + online_names.len());
    assert_placed(&conn["edges"].as_array().unwrap()[..2], &by_distance(|_| true)[..2]);
}

#[tokio::test]
async fn near_with_an_online_filter_finds_nothing_unless_online_groups_are_included() {
    let app = app().await;
    let near = |include: bool| json!({ "latitude": CENTRE.0, "longitude": CENTRE.1, "radiusKm": 50.0, "includeOnline": include });
    let online_only: Vec<String> = {
        let mut v: Vec<String> = rows()
            .iter()
            .filter(|r| attendance(r) == "ONLINE")
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };

    let without = search(&app, near(false), json!({ "attendance": ["ONLINE"] })).await;
    let with_online = search(&app, near(true), json!({ "attendance": ["ONLINE"] })).await;
    let hybrid = search(&app, near(true), json!({ "attendance": ["HYBRID"] })).await;

    assert_eq!(without["totalCount"], 0, "online groups have no place to be near: {without}");
    assert!(without["edges"].as_array().unwrap().is_empty());
    let mut got = edge_names(&with_online);
    got.sort();
    assert_eq!(got, online_only);
    // A hybrid group with a point is found by place; one without is added as online.
    let hybrid_names = edge_names(&hybrid);
    assert_eq!(hybrid_names, ["Hybrid Hall", "Hybrid Without A Point"], "{hybrid}");
    assert!(hybrid["edges"][0]["distanceKm"].is_number() && hybrid["edges"][1]["distanceKm"].is_null());
}

#[tokio::test]
async fn bad_near_arguments_are_clear_errors() {
    let app = app().await;
    let q = "query($n: NearInput) { groups(near: $n) { totalCount } }";
    let cases = [
        (json!({ "latitude": 39.9, "longitude": -75.1, "radiusKm": 0 }), "radiusKm"),
        (json!({ "latitude": 39.9, "longitude": -75.1, "radiusKm": 501 }), "radiusKm"),
        (json!({ "latitude": 39.9, "longitude": -75.1, "nearest": 0 }), "nearest"),
        (json!({ "latitude": 39.9, "longitude": -75.1, "nearest": 1001 }), "nearest"),
        (json!({ "latitude": 39.9, "longitude": -75.1, "radiusKm": 5, "nearest": 3 }), "radiusKm or nearest"),
        (json!({ "latitude": 39.9, "longitude": -75.1 }), "radiusKm"),
        (json!({ "latitude": 39.9, "radiusKm": 5 }), "latitude and longitude"),
        (json!({ "latitude": 39.9, "longitude": -75.1, "place": "Leeds", "radiusKm": 5 }), "not both"),
        (json!({ "latitude": 95, "longitude": -75.1, "radiusKm": 5 }), "latitude"),
    ];
    for (near, says) in cases {
        let message = bad_input(&app, q, json!({ "n": near })).await;
        assert!(message.contains(says), "{near}: {message}");
    }
    let sort = bad_input(&app, "{ groups(sort: DISTANCE) { totalCount } }", json!({})).await;
    assert!(sort.contains("DISTANCE") && sort.contains("near"), "{sort}");
}
