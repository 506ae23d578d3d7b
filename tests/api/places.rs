//! Places a person types: `near: { place }` with a town or a postcode learned from the
//! imported listings (at the median of their points, worked out here), an unknown place as a
//! clear error, and `places(query:, first:)` for a search box, learned places first.

use serde_json::{json, Value};

use crate::finder_support::{at, bad_input, feed, haversine_km, point, row, with};
use crate::helpers::{source, spawn_app_with, FeedServer, TestApp};

/// A town the bundled data does not know, one nearby, Leeds with UK postcodes, and
/// Saint-Étienne with a French one.
fn rows() -> Vec<Value> {
    let london = json!({ "timezone": "Europe/London" });
    let paris = json!({ "timezone": "Europe/Paris" });
    let leeds = |slug: &str, name: &str, address: &str, lat: f64, lon: f64| {
        with(row(slug, name, 3, "19:00", &["O"]), with(at(address, lat, lon), london.clone()))
    };
    vec![
        with(
            row("f1", "Fernhollow Mill Group", 1, "19:00", &["O"]),
            at("10 Mill Rd, Fernhollow, PA 19399, USA", 40.1000, -75.5000),
        ),
        with(
            row("f2", "Fernhollow Chapel Group", 2, "19:00", &["O"]),
            at("2 Chapel Ln, Fernhollow, PA 19399, USA", 40.1040, -75.5060),
        ),
        with(
            row("f3", "Fernhollow Green Group", 3, "19:00", &["O"]),
            at("7 The Green, Fernhollow, PA 19399, USA", 40.0980, -75.4950),
        ),
        with(row("o1", "Oakbury Group", 4, "19:00", &["O"]), at("1 Oak St, Oakbury, PA 19398, USA", 40.1500, -75.5000)),
        leeds("l1", "Park Row Group", "1 Park Row, Leeds LS1 1AA, UK", 53.7990, -1.5470),
        leeds("l2", "Park Row Early Group", "2 Park Row, Leeds LS1 1AA, UK", 53.7996, -1.5480),
        leeds("l3", "Boar Lane Group", "10 Boar Lane, Leeds LS1 5DA, UK", 53.7955, -1.5440),
        leeds("l4", "Woodhouse Group", "5 Woodhouse Lane, Leeds LS2 9JT, UK", 53.8070, -1.5520),
        leeds("l5", "Headingley Group", "20 Headingley Lane, Leeds LS6 1BN, UK", 53.8200, -1.5760),
        with(
            row("se1", "Groupe Espoir", 2, "19:30", &["FR"]),
            with(at("12 Rue Michelet, 42000 Saint-Étienne, Loire, France", 45.4397, 4.3872), paris.clone()),
        ),
        with(
            row("se2", "Groupe Jaurès", 4, "19:30", &["FR"]),
            with(at("3 Place Jean Jaurès, 42000 Saint-Étienne, Loire, France", 45.4340, 4.3900), paris),
        ),
    ]
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// Where a place learned from the rows whose address contains `part` stands: the median of
/// their points, and how many they are.
fn learned(part: &str) -> ((f64, f64), usize) {
    let points: Vec<(f64, f64)> =
        rows().iter().filter(|r| r["formatted_address"].as_str().unwrap().contains(part)).filter_map(point).collect();
    ((median(points.iter().map(|p| p.0).collect()), median(points.iter().map(|p| p.1).collect())), points.len())
}

/// The names of the rows within `km` of `centre`, nearest first, with their distances.
fn within(centre: (f64, f64), km: f64) -> Vec<(String, f64)> {
    let mut v: Vec<(String, f64)> = rows()
        .iter()
        .filter_map(|r| Some((r["name"].as_str()?.to_owned(), haversine_km(centre, point(r)?))))
        .filter(|(_, d)| *d <= km)
        .collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1));
    v
}

async fn app() -> TestApp {
    let feeds = FeedServer::start().await;
    feeds.put("places.json", feed(&rows()));
    spawn_app_with(feeds, &[source("places", "places.json")]).await
}

async fn near_place(app: &TestApp, place: &str, km: f64) -> Vec<(String, f64)> {
    let q = "query($n: NearInput) { groups(near: $n, first: 100) { totalCount edges { distanceKm node { name } } } }";
    let d = app.gql(q, json!({ "n": { "place": place, "radiusKm": km } })).await;
    let edges = d["groups"]["edges"].as_array().unwrap();
    assert_eq!(d["groups"]["totalCount"].as_u64().unwrap() as usize, edges.len());
    edges.iter().map(|e| (e["node"]["name"].as_str().unwrap().to_owned(), e["distanceKm"].as_f64().unwrap())).collect()
}

fn assert_same(got: &[(String, f64)], want: &[(String, f64)], what: &str) {
    let names = |v: &[(String, f64)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(got), names(want), "{what}");
    for ((name, a), (_, b)) in got.iter().zip(want) {
        assert!((a - b).abs() < 1e-6, "{what}: {name} at {a} km, expected {b}");
    }
}

async fn places(app: &TestApp, query: &str, first: i64) -> Vec<Value> {
    let q = "query($q: String!, $n: Int!) { places(query: $q, first: $n) { name kind latitude longitude country region listings } }";
    app.gql(q, json!({ "q": query, "n": first })).await["places"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_town_learned_from_the_feed_is_a_place_to_search_near() {
    let app = app().await;
    let q = "query($n: NearInput) { groups(near: $n) { totalCount } }";
    let before = bad_input(&app, q, json!({ "n": { "place": "Fernhollow", "radiusKm": 5 } })).await;
    assert!(before.contains("Fernhollow"), "an unknown place is an error naming it: {before}");
    assert!(places(&app, "Fernhollow", 10).await.is_empty(), "the bundled data does not know it");

    app.import("places").await;

    let (centre, _) = learned("Fernhollow");
    for spelling in ["Fernhollow", "fernhollow", "FERNHOLLOW", "Fernhollow, PA", "Fernhollow, Pennsylvania, US"] {
        assert_same(&near_place(&app, spelling, 3.0).await, &within(centre, 3.0), spelling);
    }
    assert_same(&near_place(&app, "Fernhollow", 10.0).await, &within(centre, 10.0), "10 km takes in Oakbury");
    assert!(within(centre, 10.0).iter().any(|(n, _)| n == "Oakbury Group"));
    let (zip, _) = learned("PA 19399");
    assert_same(&near_place(&app, "19399", 3.0).await, &within(zip, 3.0), "the learned ZIP");
}

#[tokio::test]
async fn uk_postcodes_and_outcodes_learned_from_the_feed_are_places() {
    let app = app().await;
    app.import("places").await;

    let (full, _) = learned("LS1 1AA");
    for spelling in ["LS1 1AA", "ls1 1aa", "LS11AA", " ls1  1aa "] {
        assert_same(&near_place(&app, spelling, 0.2).await, &within(full, 0.2), spelling);
    }
    let (outcode, _) = learned("LS1 ");
    assert_same(&near_place(&app, "LS1", 0.6).await, &within(outcode, 0.6), "the outcode");
    assert_same(&near_place(&app, "ls1", 0.6).await, &within(outcode, 0.6), "the outcode in lower case");
    // A full postcode nobody listed is looked up by its outcode.
    assert_same(&near_place(&app, "LS1 9ZZ", 0.6).await, &within(outcode, 0.6), "an unlisted LS1 postcode");
    let (town, _) = learned("Leeds");
    assert_same(
        &near_place(&app, "Leeds", 0.3).await,
        &within(town, 0.3),
        "the learned town wins over the bundled one",
    );
}

#[tokio::test]
async fn a_place_is_found_whatever_its_case_accents_and_saint_spelling() {
    let app = app().await;
    app.import("places").await;

    let (centre, n) = learned("Saint-Étienne");
    assert_eq!(n, 2);
    for spelling in ["Saint-Étienne", "saint etienne", "SAINT-ETIENNE", "St-Étienne", "St Etienne", "42000"] {
        assert_same(&near_place(&app, spelling, 2.0).await, &within(centre, 2.0), spelling);
    }
    let suggested = places(&app, "saint-e", 5).await;
    assert!(suggested[0]["name"].as_str().unwrap().starts_with("Saint-Étienne"), "{suggested:?}");
    assert_eq!(suggested[0]["listings"].as_u64().unwrap() as usize, n);
    assert_eq!(suggested[0]["country"], "FR");
}

#[tokio::test]
async fn an_unknown_place_is_a_clear_error_never_an_empty_list() {
    let app = app().await;
    app.import("places").await;
    let q = "query($n: NearInput) { groups(near: $n) { totalCount edges { node { name } } } }";

    for place in ["Nowhereville Flats", "ZZ9 9ZZ", "LS99"] {
        let message = bad_input(&app, q, json!({ "n": { "place": place, "radiusKm": 5 } })).await;
        assert!(message.contains("near.place") && message.contains(place), "{place}: {message}");
    }
    let blank = bad_input(&app, q, json!({ "n": { "place": "  ", "radiusKm": 5 } })).await;
    assert!(blank.contains("near.place"), "{blank}");
}

#[tokio::test]
async fn places_suggests_learned_towns_and_codes_first() {
    let app = app().await;
    app.import("places").await;

    let fern = places(&app, "fernho", 10).await;
    let (centre, n) = learned("Fernhollow");
    assert_eq!(fern.len(), 1, "{fern:?}");
    assert_eq!(fern[0]["kind"], "TOWN");
    assert!(fern[0]["name"].as_str().unwrap().starts_with("Fernhollow"), "{}", fern[0]);
    assert_eq!(fern[0]["country"], "US");
    assert_eq!(fern[0]["listings"].as_u64().unwrap() as usize, n);
    assert!((fern[0]["latitude"].as_f64().unwrap() - centre.0).abs() < 1e-9);
    assert!((fern[0]["longitude"].as_f64().unwrap() - centre.1).abs() < 1e-9);

    // Leeds is known to both layers: the learned one first, once; bundled towns follow.
    let lee = places(&app, "Lee", 10).await;
    assert_eq!(lee.len(), 10, "{lee:?}");
    assert!(lee[0]["name"].as_str().unwrap().starts_with("Leeds") && lee[0]["country"] == "GB", "{}", lee[0]);
    assert_eq!(lee[0]["listings"].as_u64().unwrap() as usize, learned("Leeds").1);
    assert!(lee[1..].iter().all(|p| p["listings"] == 0), "{lee:?}");
    let gb_leeds = lee.iter().filter(|p| p["name"].as_str().unwrap().starts_with("Leeds") && p["country"] == "GB");
    assert_eq!(gb_leeds.count(), 1, "Leeds, GB once: {lee:?}");
    let mut names: Vec<&str> = lee.iter().map(|p| p["name"].as_str().unwrap()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), lee.len(), "no place twice");

    // Codes once a digit is typed: the outcode (more listings) before its postcodes.
    let ls1 = places(&app, "LS1", 10).await;
    let codes: Vec<(&str, &str, u64)> = ls1
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["kind"].as_str().unwrap(), p["listings"].as_u64().unwrap()))
        .collect();
    let count = |part: &str| learned(part).1 as u64;
    assert_eq!(codes.len(), 3, "{codes:?}");
    assert!(codes[0].0.starts_with("LS1") && codes[0].1 == "OUTCODE" && codes[0].2 == count("LS1 "), "{codes:?}");
    assert!(codes[1].0.starts_with("LS1 1AA") && codes[1].1 == "POSTCODE" && codes[1].2 == count("LS1 1AA"));
    assert!(codes[2].0.starts_with("LS1 5DA") && codes[2].1 == "POSTCODE" && codes[2].2 == count("LS1 5DA"));
    let one = places(&app, "ls1 1", 10).await;
    assert_eq!(one.len(), 1, "{one:?}");
    assert!(one[0]["name"].as_str().unwrap().starts_with("LS1 1AA"));

    // A learned ZIP first, then bundled ones, none twice.
    let zips = places(&app, "1939", 10).await;
    assert_eq!(zips[0]["kind"], "ZIP");
    assert!(zips[0]["name"].as_str().unwrap().starts_with("19399"), "{zips:?}");
    assert_eq!(zips[0]["listings"].as_u64().unwrap() as usize, learned("PA 19399").1);
    let mut zip_names: Vec<&str> = zips.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(zip_names.iter().filter(|n| n.starts_with("19399")).count() == 1, "{zips:?}");
    zip_names.sort();
    zip_names.dedup();
    assert_eq!(zip_names.len(), zips.len());
}

#[tokio::test]
async fn places_honours_first() {
    let app = app().await;
    app.import("places").await;

    assert_eq!(places(&app, "LS1", 1).await.len(), 1);
    assert_eq!(places(&app, "LS1", 2).await.len(), 2);
    assert!(places(&app, "LS1", 0).await.is_empty());
    assert_eq!(places(&app, "a", 100).await.len(), 50, "at most 50");
    assert_eq!(places(&app, "Lee", 3).await.len(), 3);
}
