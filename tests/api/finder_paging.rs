//! Sort orders and Relay paging: NAME (case and accents ignored, ties by id), ID and DISTANCE;
//! walking forward with first/after and backward with last/before visits every group once,
//! the same order reversed; a cursor only works for the query and sort that made it.

use serde_json::{json, Value};

use crate::finder_support::{at, bad_input, feed, fold, haversine_km, point, row, with};
use crate::helpers::{source, spawn_app_with, FeedServer, TestApp};

const CENTRE: (f64, f64) = (39.9526, -75.1652);

/// Names that sort differently with and without case and accents, two groups of one name,
/// points at distinct distances from the centre, and one online group.
fn rows() -> Vec<Value> {
    let names = [
        "alpha Group",
        "Álvaro Circle",
        "Beta Meeting",
        "beta two",
        "Émile House",
        "Echo Park",
        "Zeta Night",
        "Hope",
        "Hope",
        "Ómnibus",
        "oak Tree",
        "delta Dawn",
    ];
    let mut out: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (lat, lon) = (CENTRE.0 + 0.004 * (i as f64 + 1.0), CENTRE.1 - 0.003 * (i as f64 % 4.0));
            with(
                row(&format!("m{i}"), name, (i % 7) as u8, "19:00", &["O"]),
                at(&format!("{} Market St, Philadelphia, PA 19103, USA", 100 + i), lat, lon),
            )
        })
        .collect();
    out.push(with(
        row("online", "Online Oasis", 3, "20:00", &["ONL"]),
        json!({ "conference_url": "https://zoom.us/j/85555555555" }),
    ));
    out
}

async fn app() -> TestApp {
    let feeds = FeedServer::start().await;
    feeds.put("paging.json", feed(&rows()));
    let app = spawn_app_with(feeds, &[source("paging", "paging.json")]).await;
    app.import("paging").await;
    app
}

/// One group as listed: its id, and the row it was made of.
#[derive(Debug, Clone)]
struct Listed {
    id: String,
    slug: String,
    name: String,
    point: Option<(f64, f64)>,
}

/// Every group, with the row (by its slug) it came from.
async fn everyone(app: &TestApp) -> Vec<Listed> {
    everyone_of(app, &rows()).await
}

/// Every group, with the row of `rows` it came from.
async fn everyone_of(app: &TestApp, rows: &[Value]) -> Vec<Listed> {
    let nodes = app.all_groups("id records { externalId }").await;
    nodes
        .iter()
        .map(|n| {
            let slug = n["records"][0]["externalId"].as_str().unwrap().to_owned();
            let r = rows.iter().find(|r| r["slug"] == slug.as_str()).unwrap_or_else(|| panic!("{n}"));
            Listed {
                id: n["id"].as_str().unwrap().to_owned(),
                slug,
                name: r["name"].as_str().unwrap().to_owned(),
                point: point(r),
            }
        })
        .collect()
}

/// The order a reader expects, as ids: NAME by the name without case or accents, then id;
/// DISTANCE the placed groups nearest the centre first.
fn order(groups: &[Listed], sort: &str) -> Vec<String> {
    let mut g = groups.to_vec();
    match sort {
        "ID" => g.sort_by(|a, b| a.id.cmp(&b.id)),
        "NAME" => g.sort_by(|a, b| fold(&a.name).cmp(&fold(&b.name)).then_with(|| a.id.cmp(&b.id))),
        "DISTANCE" => {
            g.retain(|x| x.point.is_some());
            let d = |x: &Listed| haversine_km(CENTRE, x.point.unwrap());
            g.sort_by(|a, b| d(a).total_cmp(&d(b)).then_with(|| a.id.cmp(&b.id)));
        }
        other => panic!("no sort {other}"),
    }
    g.into_iter().map(|x| x.id).collect()
}

const PAGE: &str =
    "query($s: GroupSort, $n: NearInput, $f: GroupFilter, $first: Int, $after: String, $last: Int, $before: String) { \
    groups(sort: $s, near: $n, filter: $f, first: $first, after: $after, last: $last, before: $before) { totalCount \
    edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

async fn page(app: &TestApp, args: Value) -> Value {
    app.gql(PAGE, args).await["groups"].clone()
}

fn ids(conn: &Value) -> Vec<String> {
    conn["edges"].as_array().unwrap().iter().map(|e| e["node"]["id"].as_str().unwrap().to_owned()).collect()
}

/// start/end cursors are the first and last edges' cursors.
fn assert_cursors(conn: &Value) {
    let edges = conn["edges"].as_array().unwrap();
    let info = &conn["pageInfo"];
    assert_eq!(info["startCursor"], edges.first().map_or(Value::Null, |e| e["cursor"].clone()), "{conn}");
    assert_eq!(info["endCursor"], edges.last().map_or(Value::Null, |e| e["cursor"].clone()), "{conn}");
}

/// Walks forward `k` at a time; returns the ids in the order visited.
async fn forward(app: &TestApp, base: &Value, k: usize, total: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut after = Value::Null;
    for n in 0.. {
        let mut args = base.clone();
        args["first"] = json!(k);
        args["after"] = after.clone();
        let conn = page(app, args).await;
        assert_eq!(conn["totalCount"].as_u64().unwrap() as usize, total);
        assert_cursors(&conn);
        assert_eq!(conn["pageInfo"]["hasPreviousPage"], n > 0, "page {n} forward by {k}: {conn}");
        out.extend(ids(&conn));
        let next = conn["pageInfo"]["hasNextPage"].as_bool().unwrap();
        assert_eq!(next, out.len() < total, "page {n} forward by {k}: {conn}");
        if !next {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    out
}

/// Walks backward from the end `k` at a time; returns the ids in the order visited (the
/// last group first).
async fn backward(app: &TestApp, base: &Value, k: usize, total: usize) -> Vec<String> {
    let mut visited = Vec::new();
    let mut before = Value::Null;
    for n in 0.. {
        let mut args = base.clone();
        args["last"] = json!(k);
        args["before"] = before.clone();
        let conn = page(app, args).await;
        assert_eq!(conn["totalCount"].as_u64().unwrap() as usize, total);
        assert_cursors(&conn);
        assert_eq!(conn["pageInfo"]["hasNextPage"], n > 0, "page {n} backward by {k}: {conn}");
        let page_ids = ids(&conn);
        assert!(page_ids.len() == k || page_ids.len() == total - visited.len(), "a full page unless at the start");
        visited.extend(page_ids.into_iter().rev());
        let previous = conn["pageInfo"]["hasPreviousPage"].as_bool().unwrap();
        assert_eq!(previous, visited.len() < total, "page {n} backward by {k}: {conn}");
        if !previous {
            break;
        }
        before = conn["pageInfo"]["startCursor"].clone();
    }
    visited
}

async fn walk_both_ways(app: &TestApp, base: Value, want: &[String]) {
    for k in [1, 3, 5, want.len(), 50] {
        let there = forward(app, &base, k, want.len()).await;
        assert_eq!(there, want, "forward by {k}, {base}");
        let mut back = backward(app, &base, k, want.len()).await;
        back.reverse();
        assert_eq!(back, want, "backward by {k} is the same order reversed, {base}");
    }
}

#[tokio::test]
async fn name_order_ignores_case_and_accents_and_breaks_ties_by_id() {
    let app = app().await;
    let groups = everyone(&app).await;
    assert_eq!(groups.len(), rows().len(), "one group per row");
    let want = order(&groups, "NAME");

    let conn = page(&app, json!({ "s": "NAME", "first": 50 })).await;

    assert_eq!(ids(&conn), want);
    let names: Vec<&str> = want.iter().map(|id| groups.iter().find(|g| &g.id == id).unwrap().name.as_str()).collect();
    let a = names.iter().position(|n| *n == "alpha Group").unwrap();
    let alvaro = names.iter().position(|n| *n == "Álvaro Circle").unwrap();
    let beta = names.iter().position(|n| *n == "Beta Meeting").unwrap();
    assert!(a < alvaro && alvaro < beta, "Á sorts as A, lower case among upper: {names:?}");
    let e = names.iter().position(|n| *n == "Echo Park").unwrap();
    let emile = names.iter().position(|n| *n == "Émile House").unwrap();
    assert!(e < emile, "{names:?}");
}

#[tokio::test]
async fn id_order_is_the_default_without_near_and_distance_with_it() {
    let app = app().await;
    let groups = everyone(&app).await;

    let default = page(&app, json!({ "first": 50 })).await;
    let by_id = page(&app, json!({ "s": "ID", "first": 50 })).await;
    let near = json!({ "latitude": CENTRE.0, "longitude": CENTRE.1, "radiusKm": 100 });
    let nearest = page(&app, json!({ "n": near, "first": 50 })).await;
    let by_distance = page(&app, json!({ "n": near, "s": "DISTANCE", "first": 50 })).await;

    assert_eq!(ids(&default), order(&groups, "ID"));
    assert_eq!(ids(&by_id), order(&groups, "ID"));
    assert_eq!(ids(&nearest), order(&groups, "DISTANCE"));
    assert_eq!(ids(&by_distance), order(&groups, "DISTANCE"));
}

#[tokio::test]
async fn near_sorted_by_name_keeps_its_distances() {
    let app = app().await;
    let groups = everyone(&app).await;
    let in_reach: Vec<Listed> = groups.iter().filter(|g| g.point.is_some()).cloned().collect();
    let q = "query($n: NearInput) { groups(near: $n, sort: NAME, first: 50) { edges { distanceKm node { id location { latitude longitude } } } } }";

    let d = app.gql(q, json!({ "n": { "latitude": CENTRE.0, "longitude": CENTRE.1, "radiusKm": 100 } })).await;

    let edges = d["groups"]["edges"].as_array().unwrap();
    let got: Vec<String> = edges.iter().map(|e| e["node"]["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(got, order(&in_reach, "NAME"));
    for e in edges {
        let p =
            (e["node"]["location"]["latitude"].as_f64().unwrap(), e["node"]["location"]["longitude"].as_f64().unwrap());
        assert!((e["distanceKm"].as_f64().unwrap() - haversine_km(CENTRE, p)).abs() < 1e-6, "{e}");
    }
}

#[tokio::test]
async fn paging_forward_and_backward_visits_every_group_once_in_each_order() {
    let app = app().await;
    let groups = everyone(&app).await;
    let near = json!({ "latitude": CENTRE.0, "longitude": CENTRE.1, "radiusKm": 100 });

    walk_both_ways(&app, json!({ "s": "ID" }), &order(&groups, "ID")).await;
    walk_both_ways(&app, json!({ "s": "NAME" }), &order(&groups, "NAME")).await;
    walk_both_ways(&app, json!({ "n": near }), &order(&groups, "DISTANCE")).await;
    // Online groups follow the placed ones, by id.
    let mut with_online = order(&groups, "DISTANCE");
    let mut online: Vec<String> = groups.iter().filter(|g| g.point.is_none()).map(|g| g.id.clone()).collect();
    online.sort();
    with_online.extend(online);
    let mut near_online = near.clone();
    near_online["includeOnline"] = json!(true);
    walk_both_ways(&app, json!({ "n": near_online }), &with_online).await;
    // By name, online groups take their place among the others.
    walk_both_ways(&app, json!({ "n": near_online, "s": "NAME" }), &order(&groups, "NAME")).await;
    // The nearest N page like any list.
    let nearest = json!({ "latitude": CENTRE.0, "longitude": CENTRE.1, "nearest": 5 });
    walk_both_ways(&app, json!({ "n": nearest }), &order(&groups, "DISTANCE")[..5]).await;
    // A filtered list pages the same way: the groups meeting Monday to Wednesday, by name.
    let rows = rows();
    let midweek: Vec<&str> = rows
        .iter()
        .filter(|r| (1..=3).contains(&r["day"].as_u64().unwrap()))
        .map(|r| r["slug"].as_str().unwrap())
        .collect();
    let filtered: Vec<String> = order(&groups, "NAME")
        .into_iter()
        .filter(|id| groups.iter().any(|g| &g.id == id && midweek.contains(&g.slug.as_str())))
        .collect();
    assert_eq!(filtered.len(), midweek.len());
    walk_both_ways(&app, json!({ "s": "NAME", "f": { "weekdays": ["MONDAY", "TUESDAY", "WEDNESDAY"] } }), &filtered)
        .await;
}

#[tokio::test]
async fn last_alone_is_the_end_of_the_list_and_after_with_before_is_a_window() {
    let app = app().await;
    let want = order(&everyone(&app).await, "NAME");

    let tail = page(&app, json!({ "s": "NAME", "last": 4 })).await;
    assert_eq!(ids(&tail), want[want.len() - 4..]);
    assert_eq!(tail["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(tail["pageInfo"]["hasNextPage"], false);

    let all = page(&app, json!({ "s": "NAME", "first": 50 })).await;
    let cursor = |i: usize| all["edges"][i]["cursor"].clone();
    let window = page(&app, json!({ "s": "NAME", "after": cursor(2), "before": cursor(8), "first": 50 })).await;
    assert_eq!(ids(&window), want[3..8]);
    let window = page(&app, json!({ "s": "NAME", "after": cursor(2), "before": cursor(8), "last": 2 })).await;
    assert_eq!(ids(&window), want[6..8]);
    assert_eq!(window["pageInfo"]["hasPreviousPage"], true);
}

#[tokio::test]
async fn a_cursor_from_another_query_or_sort_is_a_clear_error() {
    let app = app().await;
    let by_name = page(&app, json!({ "s": "NAME", "first": 2 })).await;
    let cursor = by_name["pageInfo"]["endCursor"].clone();
    let near = json!({ "latitude": CENTRE.0, "longitude": CENTRE.1, "radiusKm": 100 });
    let by_distance = page(&app, json!({ "n": near, "first": 2 })).await;
    let near_cursor = by_distance["pageInfo"]["endCursor"].clone();

    let foreign = [
        json!({ "s": "ID", "first": 2, "after": cursor }),
        json!({ "s": "NAME", "first": 2, "after": cursor, "f": { "weekdays": ["MONDAY"] } }),
        json!({ "s": "NAME", "last": 2, "before": cursor, "f": { "text": "hope" } }),
        json!({ "s": "NAME", "first": 2, "after": cursor, "n": near }),
        json!({ "first": 2, "after": near_cursor, "n": { "latitude": CENTRE.0 + 0.1, "longitude": CENTRE.1, "radiusKm": 100 } }),
        json!({ "first": 2, "after": near_cursor, "n": { "latitude": CENTRE.0, "longitude": CENTRE.1, "radiusKm": 50 } }),
    ];
    for args in foreign {
        let message = bad_input(&app, PAGE, args.clone()).await;
        assert!(message.contains("another query or sort"), "{args}: {message}");
    }
    let garbage = bad_input(&app, PAGE, json!({ "first": 2, "after": "bm9wZQ" })).await;
    assert!(garbage.contains("after") && garbage.contains("not a cursor"), "{garbage}");
    let both = bad_input(&app, PAGE, json!({ "first": 2, "last": 2 })).await;
    assert!(both.contains("first") && both.contains("last"), "{both}");
    // The same query and sort again takes the cursor.
    let next = page(&app, json!({ "s": "NAME", "first": 2, "after": cursor })).await;
    assert_eq!(ids(&next).len(), 2);
}

#[tokio::test]
async fn a_cursor_keeps_its_place_when_groups_come_and_go() {
    let app = app().await;
    let before = order(&everyone(&app).await, "NAME");
    let first = page(&app, json!({ "s": "NAME", "first": 4 })).await;
    assert_eq!(ids(&first), before[..4]);
    let cursor = first["pageInfo"]["endCursor"].clone();
    // A group that sorts first arrives, one after the cursor leaves its feed.
    let gone = before[6].clone();
    let gone_slug = everyone(&app).await.into_iter().find(|g| g.id == gone).unwrap().slug;
    let mut rows: Vec<Value> = rows().into_iter().filter(|r| r["slug"] != gone_slug.as_str()).collect();
    rows.push(with(
        row("aaa", "Aardvark Hall", 2, "19:00", &["O"]),
        at("1 Apple St, Philadelphia, PA 19103, USA", 39.99, -75.2),
    ));
    app.feeds.put("paging.json", feed(&rows));
    let run = app.import("paging").await;
    assert_eq!((run.counts.added, run.counts.missing), (1, 1), "{run:?}");

    let now = order(&everyone_of(&app, &rows).await, "NAME");
    let rest = page(&app, json!({ "s": "NAME", "first": 50, "after": cursor })).await;

    let after_cursor: Vec<String> = before[4..].iter().filter(|id| **id != gone).cloned().collect();
    assert_eq!(ids(&rest), after_cursor, "the rest of the list, without the group that left");
    assert_eq!(now[1..], [&before[..4], &after_cursor[..]].concat()[..], "the new group sorts first");
    assert_eq!(rest["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
}
