//! The published feeds through the real server: the Meeting Guide feed read back by a second
//! supportmesh, its slugs across imports, its filters; calendars read back by the iCalendar
//! parser our `ical` importer uses; the change feed with tombstones; `republish = false`.
//! (Schema validation of the same answers is in tests/js/publish.test.mjs.)

use serde_json::{json, Value};

use crate::helpers::{source, spawn_app_with, spawn_app_with_toml, FeedServer};
use crate::publish_support::{assert_no_personal_contacts, directory, get, rows};

#[tokio::test]
async fn a_second_directory_reading_our_meeting_guide_feed_holds_the_same_groups() {
    let feeds = FeedServer::start().await;
    feeds.put("a.json", serde_json::to_vec(&rows()).unwrap());
    let a = spawn_app_with(feeds.clone(), &[source("a", "a.json")]).await;
    a.import("a").await;

    let (status, headers, body) = get(&a, "/feeds/meeting-guide.json").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
    assert!(headers["cache-control"].to_str().unwrap().starts_with("public, max-age="));
    assert_eq!(headers["access-control-allow-origin"], "*", "CORS like /graphql");
    assert_no_personal_contacts(&body);
    let entries: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(entries.len(), 5, "one entry per meeting: {body}");
    let thu = entries.iter().find(|e| e["day"] == 4).unwrap();
    assert_eq!(thu["time"], "19:30");
    assert_eq!(thu["timezone"], "America/New_York");
    assert_eq!(thu["types"], json!(["D", "O", "X"]));
    assert_eq!(thu["address"], "123 Main Street");
    assert!(thu["updated"].as_str().unwrap().len() == 19 && thu["updated"].as_str().unwrap().as_bytes()[10] == b' ');
    let online = entries.iter().find(|e| e["name"] == "Early Birds Online").unwrap();
    assert_eq!(online["conference_url"], "https://zoom.us/j/123456789");
    assert_eq!(online["attendance_option"], "online");

    feeds.put("mirror.json", body);
    let b = spawn_app_with(feeds, &[source("mirror", "mirror.json")]).await;
    b.import("mirror").await;
    assert_eq!(directory(&b).await, directory(&a).await);
}

#[tokio::test]
async fn slugs_stay_the_same_across_imports_and_feeds_filter_like_the_api() {
    let feeds = FeedServer::start().await;
    feeds.put("a.json", serde_json::to_vec(&rows()).unwrap());
    let a = spawn_app_with(feeds.clone(), &[source("a", "a.json")]).await;
    a.import("a").await;
    let slugs = |body: &str| {
        let mut s: Vec<String> = serde_json::from_str::<Vec<Value>>(body)
            .unwrap()
            .iter()
            .map(|e| e["slug"].as_str().unwrap().to_owned())
            .collect();
        s.sort();
        s
    };
    let before = slugs(&get(&a, "/feeds/meeting-guide.json").await.2);
    let mut more = rows();
    more.insert(0, json!({"name": "Noon Group", "slug": "noon", "day": 1, "time": "12:00", "address": "1 Penn Square", "city": "Philadelphia", "state": "PA", "postal_code": "19107", "latitude": 39.9524, "longitude": -75.1636}));
    feeds.put("a.json", serde_json::to_vec(&more).unwrap());
    a.import("a").await;
    let after = slugs(&get(&a, "/feeds/meeting-guide.json").await.2);
    assert_eq!(after.len(), before.len() + 1);
    assert!(before.iter().all(|s| after.contains(s)), "{before:?} vs {after:?}");

    let count = |body: String| serde_json::from_str::<Vec<Value>>(&body).map(|v| v.len()).unwrap_or(usize::MAX);
    assert_eq!(count(get(&a, "/feeds/meeting-guide.json?topic=alcohol&kind=TWELVE_STEP").await.2), 6);
    assert_eq!(count(get(&a, "/feeds/meeting-guide.json?topic=depression").await.2), 0);
    assert_eq!(count(get(&a, "/feeds/meeting-guide.json?source=elsewhere").await.2), 0);
    assert_eq!(count(get(&a, "/feeds/meeting-guide.json?attendance=ONLINE").await.2), 1);
    assert_eq!(count(get(&a, "/feeds/meeting-guide.json?lat=39.9168&lon=-75.3877&radius=5").await.2), 2);
    let (status, _, why) = get(&a, "/feeds/meeting-guide.json?kind=TWELVE_STEPS").await;
    assert_eq!((status, why.starts_with("kind:")), (400, true), "{why}");
}

#[tokio::test]
async fn calendars_read_back_as_the_same_meetings() {
    let feeds = FeedServer::start().await;
    feeds.put("a.json", serde_json::to_vec(&rows()).unwrap());
    let a = spawn_app_with(feeds, &[source("a", "a.json")]).await;
    a.import("a").await;
    let groups = a.all_groups("id name meetings { weekday startTime endTime timezone recurrence weeksOfMonth }").await;
    let serenity = groups.iter().find(|g| g["name"] == "Serenity Group").unwrap();

    let (status, headers, ics) = get(&a, &format!("/groups/{}.ics", serenity["id"].as_str().unwrap())).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/calendar; charset=utf-8");
    assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n"), "{ics}");
    assert!(ics.contains("DTSTART;TZID=America/New_York:"), "{ics}");
    assert!(ics.contains("RRULE:FREQ=WEEKLY;BYDAY=TH\r\n"), "{ics}");
    assert!(ics.contains("DESCRIPTION:Side door\\, downstairs\\; bring a friend."), "{ics}");
    assert!(ics.split("\r\n").all(|line| line.len() <= 75), "folded at 75 octets");
    assert_no_personal_contacts(&ics);
    assert_eq!(meetings_read_back(&ics, "Serenity Group"), meetings_of(serenity));

    let (_, _, all) = get(&a, "/calendar.ics?topic=alcohol").await;
    assert!(all.contains("RRULE:FREQ=MONTHLY;BYDAY=-1FR"), "{all}");
    assert!(all.contains("BEGIN:VTIMEZONE\r\nTZID:America/Chicago\r\n"), "{all}");
    for g in &groups {
        assert_eq!(meetings_read_back(&all, g["name"].as_str().unwrap()), meetings_of(g), "{}", g["name"]);
    }
    let (_, _, near) = get(&a, "/calendar.ics?lat=39.1031&lon=-94.5844&radius=10").await;
    assert_eq!(near.matches("BEGIN:VEVENT").count(), 1, "{near}");
    assert_eq!(get(&a, "/groups/gffffffffffffffff.ics").await.0, 404);
}

/// The meetings the iCalendar importer (icalendar's parser and rrule) reads from a calendar
/// for events named `name`, as the API writes meetings.
fn meetings_read_back(ics: &str, name: &str) -> Vec<Value> {
    let parsed = importers::parse(
        importers::Format::Ical,
        &importers::Documents::single(ics.as_bytes()),
        &importers::SourceOptions::default(),
    )
    .expect("the calendar parses");
    let mut out: Vec<Value> = parsed
        .listings
        .iter()
        .filter(|l| l.name == name)
        .flat_map(|l| l.meetings.iter())
        .map(|m| {
            let (recurrence, weeks) = match &m.recurrence {
                importers::Recurrence::Weekly => ("WEEKLY", vec![]),
                importers::Recurrence::MonthlyNth { weeks } => ("MONTHLY_NTH", weeks.clone()),
                importers::Recurrence::Once { .. } => ("ONCE", vec![]),
                importers::Recurrence::ByAppointment => ("BY_APPOINTMENT", vec![]),
            };
            json!({
                "weekday": m.weekday.map(|d| d.as_str().to_ascii_uppercase()),
                "startTime": m.start.map(|t| t.format("%H:%M").to_string()),
                "endTime": m.end.map(|t| t.format("%H:%M").to_string()),
                "timezone": m.timezone, "recurrence": recurrence, "weeksOfMonth": weeks,
            })
        })
        .collect();
    out.sort_by_key(|m| m.to_string());
    out
}

fn meetings_of(group: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = group["meetings"].as_array().unwrap().clone();
    out.sort_by_key(|m| m.to_string());
    out
}

#[tokio::test]
async fn the_change_feed_has_the_api_shape_changes_since_and_tombstones() {
    let feeds = FeedServer::start().await;
    feeds.put("a.json", serde_json::to_vec(&rows()).unwrap());
    let toml = "[ingest]\nmissing_grace_days = 0\nmax_removal_share = 1.0\n";
    let a = spawn_app_with_toml(feeds.clone(), &[source("a", "a.json")], toml).await;
    a.import("a").await;
    let lines = |body: &str| body.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()).collect::<Vec<_>>();

    let (status, headers, body) = get(&a, "/feeds/groups.ndjson").await;
    assert_eq!((status, headers["content-type"].to_str().unwrap()), (200, "application/x-ndjson"));
    assert_no_personal_contacts(&body);
    let all = lines(&body);
    assert_eq!(all.len(), 4);
    let serenity = all.iter().find(|g| g["name"] == "Serenity Group").unwrap();
    assert_eq!(serenity["kind"], "TWELVE_STEP");
    assert_eq!(serenity["attendance"], "IN_PERSON");
    assert_eq!(serenity["topics"], json!(["ALCOHOL"]));
    assert_eq!(serenity["status"], "ACTIVE");
    assert_eq!(serenity["contact"], json!({"email": null, "phone": null, "website": "https://serenity.example.org/"}));
    assert!(serenity["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["weekday"] == "THURSDAY" && m["startTime"] == "19:30"));
    let api = a.gql("{ groups(filter: { text: \"Serenity\" }) { edges { node { id updatedAt } } } }", json!({})).await;
    assert_eq!(serenity["id"], api["groups"]["edges"][0]["node"]["id"]);

    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let kept: Vec<Value> = rows().into_iter().filter(|r| r["slug"] != "early").collect();
    feeds.put("a.json", serde_json::to_vec(&kept).unwrap());
    a.import("a").await;
    let (_, _, missing) = get(&a, &format!("/feeds/groups.ndjson?modifiedAfter={}", urlencode(&since))).await;
    let missing = lines(&missing);
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!((&missing[0]["name"], &missing[0]["status"]), (&json!("Early Birds Online"), &json!("MISSING")));
    // Past the grace period (0 days here), the next run of a changed feed removes it.
    feeds.put("a.json", serde_json::to_vec(&kept.iter().rev().collect::<Vec<_>>()).unwrap());
    a.import("a").await;
    let (_, _, changed) = get(&a, &format!("/feeds/groups.ndjson?modifiedAfter={}", urlencode(&since))).await;
    let changed = lines(&changed);
    assert!(
        changed.iter().any(|g| g["status"] == "REMOVED" && g["updatedAt"].is_string()),
        "the removed group's tombstone: {changed:?}"
    );
    assert!(changed.iter().all(|g| g["name"] != "Serenity Group"), "unchanged groups are left out: {changed:?}");
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn a_source_that_says_no_stays_out_of_every_feed() {
    let feeds = FeedServer::start().await;
    feeds.put("a.json", serde_json::to_vec(&rows()).unwrap());
    let private = json!([{
        "name": "Private Circle", "slug": "pc", "day": 1, "time": "18:00", "address": "77 Quiet Lane",
        "city": "Media", "state": "PA", "postal_code": "19063", "latitude": 39.92, "longitude": -75.39,
    }]);
    feeds.put("b.json", serde_json::to_vec(&private).unwrap());
    let mut no = source("nope", "b.json");
    no.extra = "republish = false";
    let a = spawn_app_with(feeds, &[source("a", "a.json"), no]).await;
    a.import("a").await;
    a.import("nope").await;
    assert_eq!(a.total().await, 5, "the API still shows it");
    for path in ["/feeds/meeting-guide.json", "/feeds/groups.ndjson", "/calendar.ics", "/hsds/services?per_page=100"] {
        let (status, _, body) = get(&a, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains("Private Circle") && !body.contains("Quiet Lane"), "{path}: {body}");
        assert!(body.contains("Serenity Group"), "{path}");
    }
    let id = a.gql("{ groups(filter: { text: \"Private\" }) { edges { node { id } } } }", json!({})).await["groups"]
        ["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(get(&a, &format!("/groups/{id}.ics")).await.0, 404);
}

#[tokio::test]
async fn a_group_merged_with_a_source_that_says_no_is_published_from_the_others_alone() {
    let feeds = FeedServer::start().await;
    feeds.put("a.json", serde_json::to_vec(&rows()).unwrap());
    let place = json!({"address": "123 Main Street", "city": "Media", "state": "PA", "postal_code": "19063",
                       "latitude": 39.9168, "longitude": -75.3877});
    let mut thu = json!({"name": "Serenity Group", "slug": "x-thu", "day": 4, "time": "19:30", "end_time": "20:30",
                         "notes": "Only for the private list."});
    let mut mon = json!({"name": "Serenity Group", "slug": "x-mon", "day": 1, "time": "18:00"});
    for row in [&mut thu, &mut mon] {
        row.as_object_mut().unwrap().extend(place.as_object().unwrap().clone());
    }
    feeds.put("b.json", serde_json::to_vec(&json!([thu, mon])).unwrap());
    let mut no = source("nope", "b.json");
    no.extra = "republish = false\ntrust = 90";
    let a = spawn_app_with(feeds, &[source("a", "a.json"), no]).await;
    a.import("a").await;
    a.import("nope").await;
    let api = a.all_groups("name description meetings { weekday } records { sourceId }").await;
    let merged = api.iter().find(|g| g["name"] == "Serenity Group").unwrap();
    assert_eq!(merged["description"], "Only for the private list.", "the API shows the trusted source's text");
    assert_eq!(merged["meetings"].as_array().unwrap().len(), 3, "{merged}");

    let (_, _, body) = get(&a, "/feeds/meeting-guide.json").await;
    let entries: Vec<Value> = serde_json::from_str(&body).unwrap();
    let serenity: Vec<&Value> = entries.iter().filter(|e| e["name"] == "Serenity Group").collect();
    let mut days: Vec<i64> = serenity.iter().map(|e| e["day"].as_i64().unwrap()).collect();
    days.sort();
    assert_eq!(days, [0, 4], "only the meetings the other source lists: {body}");
    assert!(serenity.iter().all(|e| e["notes"] == "Side door, downstairs; bring a friend."), "{body}");
    assert!(!body.contains("private list"));
    let (_, _, lines) = get(&a, "/feeds/groups.ndjson").await;
    assert!(!lines.contains("private list") && !lines.contains("\"nope\""), "{lines}");
}
