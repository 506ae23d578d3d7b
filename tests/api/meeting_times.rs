//! `Meeting.next(from:)` and `upcoming` through the real server: occurrences in each group's own
//! time zone, across midnight, the end of the week and daylight-saving changes in Europe/London
//! and America/New_York.

use serde_json::{json, Value};

use crate::helpers::{source, spawn_app_with, FeedServer, TestApp};

/// A Meeting Guide feed of four meetings in two time zones (days: 0 = Sunday).
fn feed() -> Vec<u8> {
    let meeting = |slug: &str, name: &str, day: u8, time: &str, end: &str, tz: &str, address: &str| {
        json!({
            "name": name, "slug": slug, "day": day, "time": time, "end_time": end, "timezone": tz,
            "types": ["O"], "formatted_address": address,
        })
    };
    let meetings = json!([
        meeting(
            "early",
            "Sunday Early Light",
            0,
            "01:30",
            "02:30",
            "Europe/London",
            "1 High Street, Leeds LS1 1AA, UK"
        ),
        meeting(
            "late",
            "Saturday Late Night",
            6,
            "23:00",
            "01:00",
            "America/New_York",
            "10 Main St, Philadelphia, PA 19103, USA"
        ),
        meeting(
            "monday",
            "Monday Morning Start",
            1,
            "09:00",
            "",
            "America/New_York",
            "20 Main St, Philadelphia, PA 19103, USA"
        ),
        meeting(
            "autumn",
            "Sunday Autumn Hour",
            0,
            "01:30",
            "02:30",
            "America/New_York",
            "30 Main St, Philadelphia, PA 19103, USA"
        ),
    ]);
    serde_json::to_vec(&meetings).expect("json")
}

async fn app() -> TestApp {
    let feeds = FeedServer::start().await;
    feeds.put("times.json", feed());
    let app = spawn_app_with(feeds, &[source("times", "times.json")]).await;
    app.import("times").await;
    app
}

/// The next occurrence of the one meeting of the group named `name`, from `from`.
async fn next(app: &TestApp, name: &str, from: &str) -> Value {
    let q = "query($text: String, $from: DateTime) { groups(filter: { text: $text }) { edges { node { name \
             meetings { next(from: $from) { startsAt endsAt localStart timezone inProgress } } } } } }";
    let data = app.gql(q, json!({ "text": name, "from": from })).await;
    let edges = data["groups"]["edges"].as_array().expect("edges").clone();
    let node = edges.iter().find(|e| e["node"]["name"] == name).unwrap_or_else(|| panic!("{name} in {data}"));
    node["node"]["meetings"][0]["next"].clone()
}

#[tokio::test]
async fn a_meeting_in_the_spring_forward_gap_starts_when_the_clocks_change() {
    let app = app().await;
    // Saturday 28 March 2026, 23:00 UTC; London's clocks go from 01:00 GMT to 02:00 BST at 01:00 UTC.
    let n = next(&app, "Sunday Early Light", "2026-03-28T23:00:00Z").await;
    assert_eq!(n["startsAt"], "2026-03-29T01:00:00+00:00", "{n}");
    assert_eq!(n["localStart"], "2026-03-29T02:00:00");
    assert_eq!(n["endsAt"], "2026-03-29T01:30:00+00:00", "02:30 BST");
    assert_eq!(n["timezone"], "Europe/London");
    assert_eq!(n["inProgress"], false);
    // A week later, summer time: 01:30 BST is 00:30 UTC.
    let n = next(&app, "Sunday Early Light", "2026-03-29T02:00:00Z").await;
    assert_eq!(n["startsAt"], "2026-04-05T00:30:00+00:00", "{n}");
}

#[tokio::test]
async fn a_meeting_across_midnight_is_in_progress_after_midnight() {
    let app = app().await;
    // Sunday 1 November 2026, 00:30 EDT (04:30 UTC): the Saturday 23:00-01:00 meeting is on.
    let n = next(&app, "Saturday Late Night", "2026-11-01T04:30:00Z").await;
    assert_eq!(n["inProgress"], true, "{n}");
    assert_eq!(n["startsAt"], "2026-11-01T03:00:00+00:00");
    assert_eq!(n["localStart"], "2026-10-31T23:00:00");
    // 01:00 happens twice that night; the earlier (EDT) one ends it.
    assert_eq!(n["endsAt"], "2026-11-01T05:00:00+00:00");
}

#[tokio::test]
async fn the_end_of_the_week_wraps_to_monday() {
    let app = app().await;
    // Sunday 6 December 2026, 18:00 EST (23:00 UTC): next is Monday 09:00 EST, an hour long.
    let n = next(&app, "Monday Morning Start", "2026-12-06T23:00:00Z").await;
    assert_eq!(n["startsAt"], "2026-12-07T14:00:00+00:00", "{n}");
    assert_eq!(n["endsAt"], "2026-12-07T15:00:00+00:00", "no end time: 60 minutes");
    assert_eq!(n["localStart"], "2026-12-07T09:00:00");
}

#[tokio::test]
async fn an_ambiguous_fall_back_time_takes_the_first_instant() {
    let app = app().await;
    // 1 November 2026 in New York: 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST).
    let n = next(&app, "Sunday Autumn Hour", "2026-11-01T00:00:00Z").await;
    assert_eq!(n["startsAt"], "2026-11-01T05:30:00+00:00", "{n}");
    assert_eq!(n["localStart"], "2026-11-01T01:30:00");
}

/// The names of the `upcoming` list from `from`, with `extra` arguments.
async fn upcoming(app: &TestApp, from: &str, extra: &str) -> Vec<(String, String, bool)> {
    let q = format!(
        "query($from: DateTime) {{ upcoming(from: $from{extra}) {{ edges {{ node {{ \
         occurrence {{ startsAt inProgress }} meeting {{ weekday }} group {{ name }} }} }} }} }}"
    );
    let data = app.gql(&q, json!({ "from": from })).await;
    data["upcoming"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{data}"))
        .iter()
        .map(|e| {
            let n = &e["node"];
            (
                n["group"]["name"].as_str().unwrap().to_owned(),
                n["occurrence"]["startsAt"].as_str().unwrap().to_owned(),
                n["occurrence"]["inProgress"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn upcoming_lists_what_is_on_now_then_soonest_first_across_zones_and_the_clock_change() {
    let app = app().await;
    // Sunday 1 November 2026, 00:30 in New York (EDT, 04:30 UTC); London is on GMT again.
    let list = upcoming(&app, "2026-11-01T04:30:00Z", "").await;
    let expected = [
        ("Saturday Late Night", "2026-11-01T03:00:00+00:00", true),
        ("Sunday Autumn Hour", "2026-11-01T05:30:00+00:00", false),
        ("Monday Morning Start", "2026-11-02T14:00:00+00:00", false),
        ("Sunday Early Light", "2026-11-08T01:30:00+00:00", false),
    ];
    let expected: Vec<(String, String, bool)> =
        expected.iter().map(|(n, t, p)| ((*n).to_owned(), (*t).to_owned(), *p)).collect();
    assert_eq!(list, expected, "in progress first, then by start; London's 01:30 GMT is a week away");

    let soon = upcoming(&app, "2026-11-01T04:30:00Z", ", withinHours: 2").await;
    assert_eq!(soon.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(), ["Saturday Late Night", "Sunday Autumn Hour"]);

    let nights = upcoming(&app, "2026-11-01T04:30:00Z", ", filter: { timeOfDay: [NIGHT] }").await;
    let names: Vec<&str> = nights.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(names, ["Saturday Late Night", "Sunday Autumn Hour", "Sunday Early Light"], "09:00 is no night");
}

#[tokio::test]
async fn upcoming_pages_keep_the_instant_of_their_first_page() {
    let app = app().await;
    let q = "query($after: String) { upcoming(first: 2, after: $after) { from edges { node { group { name } } } pageInfo { hasNextPage endCursor } } }";
    let first = app.gql(q, json!({ "after": null })).await;
    assert_eq!(first["upcoming"]["pageInfo"]["hasNextPage"], true, "{first}");
    let cursor = first["upcoming"]["pageInfo"]["endCursor"].clone();
    let second = app.gql(q, json!({ "after": cursor })).await;
    assert_eq!(second["upcoming"]["from"], first["upcoming"]["from"]);
    assert_eq!(second["upcoming"]["edges"].as_array().unwrap().len(), 2);
    assert_eq!(second["upcoming"]["pageInfo"]["hasNextPage"], false, "four meetings in all");
    let names = |d: &Value| -> Vec<String> {
        d["upcoming"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["group"]["name"].to_string()).collect()
    };
    let mut all = names(&first);
    all.extend(names(&second));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 4, "every meeting once: {all:?}");

    let foreign = app
        .gql_raw(
            "query($after: String) { upcoming(filter: { weekdays: [MONDAY] }, after: $after) { from } }",
            json!({ "after": cursor }),
            None,
        )
        .await;
    assert!(foreign["errors"][0]["message"].as_str().unwrap_or("").contains("another query"), "{foreign}");
}

#[tokio::test]
async fn groups_sorted_by_next_meeting_come_soonest_first() {
    let app = app().await;
    let q = "{ groups(sort: NEXT_MEETING) { edges { node { name meetings { next { startsAt } } } } } }";
    let data = app.gql(q, json!({})).await;
    let edges = data["groups"]["edges"].as_array().unwrap_or_else(|| panic!("{data}"));
    assert_eq!(edges.len(), 4, "{data}");
    let soonest: Vec<chrono::DateTime<chrono::Utc>> = edges
        .iter()
        .map(|e| {
            e["node"]["meetings"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|m| m["next"]["startsAt"].as_str())
                .map(|t| t.parse().expect("an RFC 3339 instant"))
                .min()
                .expect("every test meeting recurs")
        })
        .collect();
    assert!(soonest.windows(2).all(|w| w[0] <= w[1]), "not by next meeting: {soonest:?}");
}
