//! Groups that move, rename, go online or pause are still one group, through the real
//! pipeline: two directories of one town written in the test, imported, and read back as a
//! client sees them (meetings with their records, `matchExplanation`, `statusConflict`); and
//! the matcher's doubts (`Ingestor::match_reviews`) for an operator's review queue.

use serde_json::{json, Value};

use crate::helpers::{source, spawn_app_with, FeedServer, TestApp};

/// A Meeting Guide row in Riverton (postcode 19971).
fn row(slug: &str, name: &str, day: u8, time: &str, venue: &str, street: Option<&str>, point: (f64, f64)) -> Value {
    let address = match street {
        Some(s) => format!("{s}, Riverton, DE 19971, USA"),
        None => "Riverton, DE 19971, USA".to_owned(),
    };
    json!({
        "slug": slug, "name": name, "day": day, "time": time, "location": venue,
        "formatted_address": address, "latitude": point.0, "longitude": point.1,
        "attendance_option": "in_person", "types": ["O"], "updated": "2024-01-01 10:00:00",
    })
}

fn with(mut r: Value, key: &str, value: Value) -> Value {
    r[key] = value;
    r
}

const QUAY: (f64, f64) = (38.700, -75.100);
const MILL: (f64, f64) = (38.730, -75.140);
const ELM: (f64, f64) = (38.690, -75.090);
const OAK: (f64, f64) = (38.720, -75.150);
const FRONT: (f64, f64) = (38.705, -75.105);

fn directory_a() -> Vec<Value> {
    vec![
        // The Harbour Club, before it moved.
        row("hl-mon", "Harbour Lights", 1, "19:00", "The Harbour Club", Some("12 Quay Street"), QUAY),
        row("hl-wed", "Harbour Lights Step Study", 3, "19:00", "The Harbour Club", Some("12 Quay Street"), QUAY),
        row("hl-fri", "Harbour Lights Speakers", 5, "19:00", "The Harbour Club", Some("12 Quay Street"), QUAY),
        // A rare name, and a common one listed at three places.
        row("lk", "The Lantern Keepers", 4, "20:00", "St Anne's Church", Some("5 Elm Street"), ELM),
        row("bbs-thu", "Big Book Study", 4, "12:00", "St Anne's Church", Some("5 Elm Street"), ELM),
        row("bbs-mon", "Big Book Study", 1, "12:00", "Riverton Library", Some("1 Main Street"), QUAY),
        row("bbs-tue", "Big Book Study", 2, "12:00", "Grange Hall", Some("40 Mill Lane"), MILL),
        // Paused in this directory.
        with(
            row("db", "Suspended: Daybreak", 6, "07:00", "Riverton Diner", Some("7 Front Street"), FRONT),
            "attendance_option",
            json!("inactive"),
        ),
        // Meets at the diner; the other directory has it online.
        row("sun", "Sunrise", 0, "08:00", "Riverton Diner", Some("7 Front Street"), FRONT),
        // Twins in one feed: the hybrid group's room, and its online part.
        row("hh-room", "Harbour Hybrid", 2, "19:00", "The Harbour Club", Some("12 Quay Street"), QUAY),
        with(
            row("hh-online", "Harbour Hybrid", 2, "19:00", "The Harbour Club", Some("12 Quay Street"), QUAY),
            "conference_url",
            json!("https://zoom.us/j/5551234567"),
        ),
    ]
}

fn directory_b() -> Vec<Value> {
    vec![
        row("b1", "Harbour Lights", 1, "19:00", "The Harbour Club", Some("40 Mill Lane"), MILL),
        row("b2", "Harbour Lights Step Study", 3, "19:00", "The Harbour Club", Some("40 Mill Lane"), MILL),
        row("b3", "Harbour Lights Speakers", 5, "19:00", "The Harbour Club", Some("40 Mill Lane"), MILL),
        row("b4", "Lantern Keepers", 4, "20:00", "St Mark's Church", Some("90 Oak Avenue"), OAK),
        row("b5", "Big Book Study", 4, "12:00", "St Mark's Church", Some("90 Oak Avenue"), OAK),
        row("b6", "Daybreak", 6, "07:00", "Riverton Diner", Some("7 Front Street"), FRONT),
        with(
            with(
                row("b7", "Sunrise -- Online", 0, "08:00", "Online", None, FRONT),
                "attendance_option",
                json!("online"),
            ),
            "conference_url",
            json!("https://zoom.us/j/8887776665"),
        ),
        row("b8", "Harbour Hybrid", 2, "19:00", "The Harbour Club", Some("12 Quay Street"), QUAY),
    ]
}

async fn imported() -> TestApp {
    let feeds = FeedServer::start().await;
    feeds.put("a.json", serde_json::to_vec(&directory_a()).unwrap());
    feeds.put("b.json", serde_json::to_vec(&directory_b()).unwrap());
    let mut b = source("dirb", "b.json");
    b.extra = "trust = 90";
    let app = spawn_app_with(feeds, &[source("dira", "a.json"), b]).await;
    app.import("dira").await;
    app.import("dirb").await;
    app
}

/// The group holding record `key` ("source:id"), as a client reads it.
fn group_of<'a>(groups: &'a [Value], key: &str) -> &'a Value {
    groups
        .iter()
        .find(|g| crate::helpers::record_keys(&g["records"]).iter().any(|k| k == key))
        .unwrap_or_else(|| panic!("no group holds {key}"))
}

/// The records of the meeting that `key` describes.
fn meeting_of(groups: &[Value], key: &str) -> Vec<String> {
    group_of(groups, key)["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| crate::helpers::record_keys(&m["records"]))
        .find(|keys| keys.iter().any(|k| k == key))
        .unwrap_or_default()
}

fn evidence(group: &Value) -> Vec<String> {
    group["matchExplanation"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["evidence"].as_array().unwrap().iter().map(|e| e.as_str().unwrap().to_owned()))
        .collect()
}

const FIELDS: &str = "name active records { sourceId externalId } meetings { records { sourceId externalId } } \
                      matchExplanation { evidence } statusConflict { activeIn inactiveIn decidedBy }";

#[tokio::test]
async fn a_venue_that_moves_takes_its_meetings_with_it() {
    let app = imported().await;
    let groups = app.all_groups(FIELDS).await;
    for (a, b) in [("dira:hl-mon", "dirb:b1"), ("dira:hl-wed", "dirb:b2"), ("dira:hl-fri", "dirb:b3")] {
        assert_eq!(meeting_of(&groups, a), vec![a.to_owned(), b.to_owned()], "{a} and {b} are one meeting");
    }
    let words = evidence(group_of(&groups, "dira:hl-mon"));
    assert!(
        words.iter().any(|e| e == "same venue (The Harbour Club), which moved from 12 Quay Street to 40 Mill Lane"
            || e == "same venue (The Harbour Club), which moved from 40 Mill Lane to 12 Quay Street"),
        "{words:?}"
    );
}

#[tokio::test]
async fn a_rare_name_outweighs_a_disputed_venue_and_a_common_one_does_not() {
    let app = imported().await;
    let groups = app.all_groups(FIELDS).await;
    assert_eq!(meeting_of(&groups, "dira:lk"), vec!["dira:lk".to_owned(), "dirb:b4".to_owned()]);
    let words = evidence(group_of(&groups, "dira:lk"));
    assert!(words.iter().any(|e| e == "rare name: 1 group in this region carries it"), "{words:?}");
    assert_eq!(meeting_of(&groups, "dirb:b5"), vec!["dirb:b5".to_owned()], "Big Book Study at another church");
}

#[tokio::test]
async fn a_paused_group_is_one_group_whose_sources_disagree_on_its_status() {
    let app = imported().await;
    let groups = app.all_groups(FIELDS).await;
    assert_eq!(meeting_of(&groups, "dira:db"), vec!["dira:db".to_owned(), "dirb:b6".to_owned()]);
    let g = group_of(&groups, "dira:db");
    assert_eq!(g["active"], true, "the more trusted directory says it meets: {g}");
    assert_eq!(
        g["statusConflict"],
        json!({ "activeIn": ["dirb:b6"], "inactiveIn": ["dira:db"], "decidedBy": "dirb:b6" })
    );
    assert!(group_of(&groups, "dira:lk")["statusConflict"].is_null(), "no conflict where the sources agree");
}

#[tokio::test]
async fn a_group_that_went_online_in_its_town_is_the_same_group() {
    let app = imported().await;
    let groups = app.all_groups(FIELDS).await;
    assert_eq!(meeting_of(&groups, "dira:sun"), vec!["dira:sun".to_owned(), "dirb:b7".to_owned()]);
    let words = evidence(group_of(&groups, "dira:sun"));
    assert!(words.iter().any(|e| e == "one listing is online only, the other meets in person"), "{words:?}");
}

#[tokio::test]
async fn twins_inside_one_feed_are_left_apart_and_put_in_front_of_an_operator() {
    let app = imported().await;
    let groups = app.all_groups(FIELDS).await;
    assert_eq!(meeting_of(&groups, "dirb:b8"), vec!["dirb:b8".to_owned()], "the matcher abstains");

    let reviews = app.ingestor.match_reviews("dirb").unwrap();
    let twin = reviews
        .iter()
        .find(|r| r.b.to_string() == "dirb:b8" && r.a.source_id == "dira")
        .unwrap_or_else(|| panic!("no review of dirb:b8: {reviews:?}"));
    let supportmesh::dedup::ReviewKind::Abstained { rival } = &twin.kind else { panic!("{twin:?}") };
    let pair = [twin.a.to_string(), rival.to_string()];
    assert!(pair.contains(&"dira:hh-room".to_owned()) && pair.contains(&"dira:hh-online".to_owned()), "{twin:?}");
    assert!(twin.evidence.iter().any(|e| e == "same name (\"harbour\")"), "{:?}", twin.evidence);
    assert!(twin.kind.describe().starts_with("not joined: dira:hh-"), "{}", twin.kind.describe());
    // The weak matches are there too, with their evidence.
    assert!(
        reviews
            .iter()
            .any(|r| r.kind == supportmesh::dedup::ReviewKind::Weak
                && r.evidence.iter().any(|e| e.starts_with("rare name"))),
        "{reviews:?}"
    );
}

/// The same doubts through the API: `matchReviews` lists the twins' pair with its evidence for
/// operators only, and an operator's `linkRecords` takes the pair out of the queue.
#[tokio::test]
async fn the_review_queue_lists_the_doubts_for_operators_and_a_link_resolves_one() {
    let app = imported().await;
    const Q: &str = "{ matchReviews(sourceIds: [\"dirb\"], first: 200) { totalCount reviews {
        a { sourceId externalId name groupId } b { sourceId externalId } score reason
        rival { sourceId externalId } description evidence } } }";
    let anonymous = app.gql_raw(Q, serde_json::json!({}), None).await;
    assert_eq!(anonymous["errors"][0]["extensions"]["code"], "UNAUTHORIZED", "{anonymous}");

    let queue = crate::operator_sources::op(&app, Q, serde_json::json!({})).await["matchReviews"].clone();
    let reviews = queue["reviews"].as_array().unwrap();
    assert_eq!(queue["totalCount"].as_u64().unwrap() as usize, reviews.len());
    let twin = reviews
        .iter()
        .find(|r| r["b"]["externalId"] == "b8" && r["reason"] == "ABSTAINED")
        .unwrap_or_else(|| panic!("the twins' pair is in the queue: {queue}"));
    assert!(twin["rival"]["externalId"].as_str().unwrap().starts_with("hh-"), "{twin}");
    assert!(twin["evidence"].as_array().unwrap().iter().any(|e| e == "same name (\"harbour\")"), "{twin}");
    assert!(twin["description"].as_str().unwrap().starts_with("not joined"), "{twin}");
    assert!(!twin["a"]["name"].as_str().unwrap().is_empty());
    let scores: Vec<f64> = reviews.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "closest calls first: {scores:?}");

    let link =
        "mutation($a: RecordRefInput!, $b: RecordRefInput!) { linkRecords(a: $a, b: $b, reason: \"the room\") { id } }";
    let vars = serde_json::json!({
        "a": { "sourceId": twin["a"]["sourceId"], "externalId": twin["a"]["externalId"] },
        "b": { "sourceId": "dirb", "externalId": "b8" },
    });
    crate::operator_sources::op(&app, link, vars).await;
    let after = crate::operator_sources::op(&app, Q, serde_json::json!({})).await["matchReviews"].clone();
    let still = after["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["a"]["externalId"] == twin["a"]["externalId"] && r["b"]["externalId"] == "b8");
    assert!(!still, "a pair an operator linked leaves the queue: {after}");
}
