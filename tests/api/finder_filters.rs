//! Every `GroupFilter` field through the server, on three small feeds written here: what each
//! filter finds is worked out from the rows (their codes, days, times, addresses, sources)
//! and compared with the names the API returns.

use serde_json::{json, Value};

use crate::finder_support::{
    at, bad_input, expected_groups, feed, field, has_code, names, names_where, row, starts_in, total, weekday, with,
    Expected, FeedSource,
};
use crate::helpers::{bare_source, source, spawn_app_with, FeedServer, TestApp, TestSource};

/// A twelve-step source in Philadelphia (and two French towns), alcohol by default.
pub(crate) fn city_rows() -> Vec<Value> {
    let paris = json!({ "timezone": "Europe/Paris" });
    vec![
        with(
            row("sunrise", "Sunrise Serenity", 1, "07:00", &["O", "EN"]),
            with(
                at("100 Arch St, Philadelphia, PA 19106, USA", 39.9522, -75.1426),
                json!({ "location": "Grace Church Hall", "notes": "Side door; ring the bell" }),
            ),
        ),
        with(
            row("reunion", "Reunión de Esperanza", 1, "11:30", &["S", "C"]),
            with(
                at("200 Spring Garden St, Philadelphia, PA 19123, USA", 39.9610, -75.1440),
                json!({ "notes": "Reunión en español, café incluido" }),
            ),
        ),
        with(
            row("lunch", "Women's Lunch Break", 3, "12:15", &["W", "X", "O"]),
            at("300 Walnut St, Philadelphia, PA 19106, USA", 39.9470, -75.1470),
        ),
        with(
            row("reflections", "Evening Reflections", 5, "18:00", &["C", "XB"]),
            at("400 South St, Philadelphia, PA 19147, USA", 39.9415, -75.1500),
        ),
        with(
            row("lifeline", "Late Night Lifeline", 6, "23:30", &["O", "ASL"]),
            at("500 W Girard Ave, Philadelphia, PA 19123, USA", 39.9700, -75.1450),
        ),
        with(
            row("early-bird", "Early Bird Online", 0, "04:30", &["ONL", "O"]),
            json!({ "conference_url": "https://zoom.us/j/81234567890" }),
        ),
        with(
            row("hybrid", "Hybrid Hope", 2, "20:00", &["O", "ST"]),
            with(
                at("600 Pine St, Philadelphia, PA 19106, USA", 39.9440, -75.1520),
                json!({ "conference_url": "https://zoom.us/j/82345678901" }),
            ),
        ),
        with(
            row("closed-doors", "Closed Doors Step Study", 4, "19:00", &["C", "ST", "TC"]),
            at("700 Lombard St, Philadelphia, PA 19147, USA", 39.9430, -75.1550),
        ),
        with(
            row("young", "Young People Saturday", 6, "14:00", &["Y", "EN", "S"]),
            at("800 N Broad St, Philadelphia, PA 19130, USA", 39.9660, -75.1610),
        ),
        with(
            row("hope-mon", "Hope Group", 1, "16:30", &["O"]),
            at("900 Chestnut St, Philadelphia, PA 19107, USA", 39.9500, -75.1560),
        ),
        with(
            row("hope-thu", "Hope Group", 4, "21:00", &["O"]),
            at("900 Chestnut St, Philadelphia, PA 19107, USA", 39.9500, -75.1560),
        ),
        with(
            row("espoir", "Groupe Espoir", 3, "19:30", &["FR", "O"]),
            with(at("12 Rue Michelet, 42000 Saint-Étienne, Loire, France", 45.4397, 4.3872), paris.clone()),
        ),
        with(
            row("lumiere", "Groupe Lumière", 5, "12:30", &["FR", "C"]),
            with(at("5 Rue de Rivoli, 75004 Paris, Île-de-France, France", 48.8556, 2.3600), paris),
        ),
    ]
}

/// A peer-support source for depression in Media, PA and online.
fn peer_rows() -> Vec<Value> {
    vec![
        with(
            row("mood", "Mood Matters", 2, "18:30", &["O"]),
            at("20 W State St, Media, PA 19063, USA", 39.9168, -75.3877),
        ),
        with(
            row("mood-online", "Mood Matters Online", 4, "12:00", &["ONL", "S"]),
            json!({ "conference_url": "https://zoom.us/j/83456789012" }),
        ),
    ]
}

/// A second twelve-step source: one meeting the city source lists too, and one of its own.
fn city2_rows(city: &[Value]) -> Vec<Value> {
    let mut shared = city.iter().find(|r| r["slug"] == "reflections").expect("the shared meeting").clone();
    shared["slug"] = json!("er-77");
    vec![
        shared,
        with(
            row("dawn", "Dawn Walkers", 0, "08:00", &["O"]),
            at("1 Boathouse Row, Philadelphia, PA 19130, USA", 39.9690, -75.1870),
        ),
    ]
}

const PEERS: &str = "[sources.defaults]\ntimezone = \"America/New_York\"\ncountry = \"US\"\ntopics = [\"depression\"]\nkind = \"peer_support\"\n";

/// The app with the three sources imported, and the groups a reader expects of them.
pub(crate) async fn app() -> (TestApp, Vec<Expected>) {
    let (city, peers) = (city_rows(), peer_rows());
    let city2 = city2_rows(&city);
    let feeds = FeedServer::start().await;
    feeds.put("city.json", feed(&city));
    feeds.put("peers.json", feed(&peers));
    feeds.put("city2.json", feed(&city2));
    let sources: [TestSource<'_>; 3] = [
        source("city", "city.json"),
        TestSource { extra: PEERS, ..bare_source("peers", "peers.json") },
        source("city2", "city2.json"),
    ];
    let app = spawn_app_with(feeds, &sources).await;
    for id in ["city", "peers", "city2"] {
        let run = app.import(id).await;
        assert_eq!(run.counts.problems, 0, "{run:?}");
    }
    let expected = expected_groups(&[
        FeedSource { id: "city", rows: &city, kind: "TWELVE_STEP", topic: "ALCOHOL" },
        FeedSource { id: "peers", rows: &peers, kind: "PEER_SUPPORT", topic: "DEPRESSION" },
        FeedSource { id: "city2", rows: &city2, kind: "TWELVE_STEP", topic: "ALCOHOL" },
    ]);
    (app, expected)
}

type Pred = Box<dyn Fn(&Expected) -> bool>;

fn code(c: &'static str) -> Pred {
    Box::new(move |g| g.any(|r| has_code(r, c)))
}

/// Openness by the codes: O without C is open, C without O closed.
fn open(g: &Expected) -> Option<bool> {
    let (o, c) = (g.any(|r| has_code(r, "O")), g.any(|r| has_code(r, "C")));
    match (o, c) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

fn town(g: &Expected) -> &str {
    let address = field(&g.rows[0], "formatted_address").unwrap_or("");
    ["Philadelphia", "Media", "Saint-Étienne", "Paris"].into_iter().find(|t| address.contains(t)).unwrap_or("")
}

#[tokio::test]
async fn each_filter_field_finds_the_groups_its_rows_describe() {
    let (app, groups) = app().await;
    assert_eq!(total(&app, json!({})).await, groups.len(), "every group, none merged or split by mistake");

    let cases: Vec<(Value, Pred)> = vec![
        (json!({ "topics": ["ALCOHOL"] }), Box::new(|g| g.topic == "ALCOHOL")),
        (json!({ "topics": ["DEPRESSION"] }), Box::new(|g| g.topic == "DEPRESSION")),
        (json!({ "topics": ["ALCOHOL", "DEPRESSION"] }), Box::new(|_| true)),
        (json!({ "topics": ["GAMBLING"] }), Box::new(|_| false)),
        (json!({ "kinds": ["TWELVE_STEP"] }), Box::new(|g| g.kind == "TWELVE_STEP")),
        (json!({ "kinds": ["PEER_SUPPORT"] }), Box::new(|g| g.kind == "PEER_SUPPORT")),
        (json!({ "kinds": ["THERAPY_GROUP"] }), Box::new(|_| false)),
        (json!({ "attendance": ["IN_PERSON"] }), Box::new(|g| g.attendance() == "IN_PERSON")),
        (json!({ "attendance": ["ONLINE"] }), Box::new(|g| g.attendance() == "ONLINE")),
        (json!({ "attendance": ["HYBRID"] }), Box::new(|g| g.attendance() == "HYBRID")),
        (json!({ "attendance": ["ONLINE", "HYBRID"] }), Box::new(|g| g.attendance() != "IN_PERSON")),
        (json!({ "weekdays": ["MONDAY"] }), Box::new(|g| g.weekdays().contains("MONDAY"))),
        (json!({ "weekdays": ["THURSDAY"] }), Box::new(|g| g.weekdays().contains("THURSDAY"))),
        (
            json!({ "weekdays": ["SATURDAY", "SUNDAY"] }),
            Box::new(|g| g.weekdays().iter().any(|d| ["SATURDAY", "SUNDAY"].contains(d))),
        ),
        (json!({ "languages": ["es"] }), Box::new(|g| g.languages().contains("es"))),
        (json!({ "languages": ["ES"] }), Box::new(|g| g.languages().contains("es"))),
        (json!({ "languages": ["en"] }), Box::new(|g| g.languages().contains("en"))),
        (json!({ "languages": ["fr", "ase"] }), Box::new(|g| g.languages().iter().any(|l| ["fr", "ase"].contains(l)))),
        (json!({ "accessibility": ["WHEELCHAIR_ACCESS"] }), code("X")),
        (json!({ "accessibility": ["ACCESSIBLE_TOILET"] }), code("XB")),
        (json!({ "accessibility": ["SIGN_LANGUAGE"] }), code("ASL")),
        (json!({ "audience": ["WOMEN"] }), code("W")),
        (json!({ "audience": ["YOUNG_PEOPLE"] }), code("Y")),
        (
            json!({ "audience": ["WOMEN", "YOUNG_PEOPLE"] }),
            Box::new(|g| g.any(|r| has_code(r, "W") || has_code(r, "Y"))),
        ),
        // Twelve-step groups charge no fees; the peer source says nothing about cost.
        (json!({ "free": true }), Box::new(|g| g.kind == "TWELVE_STEP")),
        (json!({ "free": false }), Box::new(|g| g.kind != "TWELVE_STEP")),
        (json!({ "open": true }), Box::new(|g| open(g) == Some(true))),
        (json!({ "open": false }), Box::new(|g| open(g) == Some(false))),
        (json!({ "sourceCodes": ["ST"] }), code("ST")),
        (json!({ "sourceCodes": ["W", "Y"] }), Box::new(|g| g.any(|r| has_code(r, "W") || has_code(r, "Y")))),
        (json!({ "excludeSourceCodes": ["TC"] }), Box::new(|g| !g.any(|r| has_code(r, "TC")))),
        (
            json!({ "excludeSourceCodes": ["O", "ONL"] }),
            Box::new(|g| !g.any(|r| has_code(r, "O") || has_code(r, "ONL"))),
        ),
        (
            json!({ "sourceCodes": ["ST"], "excludeSourceCodes": ["TC"] }),
            Box::new(|g| g.any(|r| has_code(r, "ST") && !has_code(r, "TC"))),
        ),
        (json!({ "sources": ["city"] }), Box::new(|g| g.sources.contains("city"))),
        (json!({ "sources": ["city2"] }), Box::new(|g| g.sources.contains("city2"))),
        (
            json!({ "sources": ["peers", "city2"] }),
            Box::new(|g| g.sources.contains("peers") || g.sources.contains("city2")),
        ),
        (json!({ "sources": ["nobody"] }), Box::new(|_| false)),
        (json!({ "locality": ["Philadelphia"] }), Box::new(|g| town(g) == "Philadelphia")),
        (json!({ "locality": ["media", "PARIS"] }), Box::new(|g| ["Media", "Paris"].contains(&town(g)))),
        (json!({ "region": ["PA"] }), Box::new(|g| ["Philadelphia", "Media"].contains(&town(g)))),
        // Across fields AND, within a list OR.
        (
            json!({ "languages": ["es"], "attendance": ["IN_PERSON"] }),
            Box::new(|g| g.languages().contains("es") && g.attendance() == "IN_PERSON"),
        ),
        (
            json!({ "topics": ["ALCOHOL"], "weekdays": ["MONDAY", "FRIDAY"], "open": false }),
            Box::new(|g| {
                g.topic == "ALCOHOL"
                    && g.weekdays().iter().any(|d| ["MONDAY", "FRIDAY"].contains(d))
                    && open(g) == Some(false)
            }),
        ),
        (
            json!({ "kinds": ["PEER_SUPPORT"], "languages": ["es"], "free": false }),
            Box::new(|g| g.kind == "PEER_SUPPORT" && g.languages().contains("es")),
        ),
    ];
    for (filter, pred) in &cases {
        let want = names_where(&groups, pred);
        assert_eq!(names(&app, filter.clone()).await, want, "filter {filter}");
        assert_eq!(total(&app, filter.clone()).await, want.len(), "totalCount of {filter}");
    }
}

#[tokio::test]
async fn a_group_listed_by_two_sources_is_one_group_found_by_either() {
    let (app, groups) = app().await;
    let shared: Vec<&Expected> = groups.iter().filter(|g| g.sources.len() == 2).collect();
    assert_eq!(shared.len(), 1, "the feeds share one meeting");

    for s in ["city", "city2"] {
        let d = app
            .gql(
                "query($f: GroupFilter) { groups(filter: $f, first: 50) { edges { node { name records { sourceId externalId } } } } }",
                json!({ "f": { "sources": [s], "text": shared[0].name } }),
            )
            .await;
        let edges = d["groups"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), 1, "{s}: {d}");
        let mut records: Vec<(String, String)> = edges[0]["node"]["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["sourceId"].as_str().unwrap().to_owned(), r["externalId"].as_str().unwrap().to_owned()))
            .collect();
        records.sort();
        let mut want: Vec<(String, String)> =
            vec![("city".into(), "reflections".into()), ("city2".into(), "er-77".into())];
        want.sort();
        assert_eq!(records, want);
    }
}

#[tokio::test]
async fn parts_of_the_day_overlap_and_night_wraps_midnight() {
    let (app, groups) = app().await;

    for part in ["MORNING", "MIDDAY", "EVENING", "NIGHT"] {
        let want = names_where(&groups, |g| g.parts_of_day().contains(part));
        assert_eq!(names(&app, json!({ "timeOfDay": [part] })).await, want, "{part}");
    }
    // The 11:30 meeting is both a morning and a midday meeting; 04:30 is both night and
    // morning; 23:30 is night only.
    let morning = names(&app, json!({ "timeOfDay": ["MORNING"] })).await;
    let midday = names(&app, json!({ "timeOfDay": ["MIDDAY"] })).await;
    let night = names(&app, json!({ "timeOfDay": ["NIGHT"] })).await;
    let has = |list: &[String], name: &str| list.iter().any(|n| n == name);
    assert!(has(&morning, "Reunión de Esperanza") && has(&midday, "Reunión de Esperanza"));
    assert!(has(&morning, "Early Bird Online") && has(&night, "Early Bird Online"));
    assert!(has(&night, "Late Night Lifeline") && !has(&morning, "Late Night Lifeline"));
    let both = names_where(&groups, |g| g.parts_of_day().contains("EVENING") || g.parts_of_day().contains("NIGHT"));
    assert_eq!(names(&app, json!({ "timeOfDay": ["EVENING", "NIGHT"] })).await, both);
}

#[tokio::test]
async fn starts_after_and_before_bound_the_local_start_time() {
    let (app, groups) = app().await;
    let cases: [(Option<&str>, Option<&str>); 7] = [
        (Some("18:00"), None),
        (Some("18:01"), None),
        (None, Some("07:00")),
        (None, Some("07:01")),
        (Some("11:30"), Some("16:30")),
        (Some("20:00"), Some("05:00")),
        (Some("12:00"), Some("12:30")),
    ];
    for (after, before) in cases {
        let want = names_where(&groups, |g| g.any(|r| starts_in(field(r, "time").unwrap(), after, before)));
        let filter = json!({ "startsAfter": after, "startsBefore": before });
        assert_eq!(names(&app, filter.clone()).await, want, "{filter}");
    }
    // The window is at or after `startsAfter` and before `startsBefore`: 18:00 is after
    // "18:00"; 07:00 is not before "07:00".
    let sunrise = names(&app, json!({ "startsBefore": "07:00" })).await;
    assert!(!sunrise.iter().any(|n| n == "Sunrise Serenity"), "07:00 is not before 07:00: {sunrise:?}");
    let evening = names(&app, json!({ "startsAfter": "18:00" })).await;
    assert!(evening.iter().any(|n| n == "Evening Reflections"), "18:00 is at or after 18:00: {evening:?}");
}

#[tokio::test]
async fn a_bad_time_is_a_bad_user_input_error_naming_the_field() {
    let (app, _) = app().await;
    let q = "query($f: GroupFilter) { groups(filter: $f) { totalCount } }";

    let after = bad_input(&app, q, json!({ "f": { "startsAfter": "25:99" } })).await;
    let before = bad_input(&app, q, json!({ "f": { "startsBefore": "7pm" } })).await;

    assert!(after.contains("startsAfter") && after.contains("25:99"), "{after}");
    assert!(before.contains("startsBefore") && before.contains("7pm"), "{before}");
}

#[tokio::test]
async fn locality_and_region_ignore_case_and_accents() {
    let (app, _) = app().await;

    for spelling in ["Saint-Étienne", "saint etienne", "SAINT-ETIENNE", "Saint Étienne", " saint-étienne "] {
        assert_eq!(names(&app, json!({ "locality": [spelling] })).await, ["Groupe Espoir"], "{spelling}");
    }
    for spelling in ["Île-de-France", "ile de france", "ILE-DE-FRANCE"] {
        assert_eq!(names(&app, json!({ "region": [spelling] })).await, ["Groupe Lumière"], "{spelling}");
    }
    let d = app
        .gql("{ groups(filter: { locality: [\"saint etienne\"] }) { edges { node { location { locality region postcode country } } } } }", json!({}))
        .await;
    let location = &d["groups"]["edges"][0]["node"]["location"];
    assert_eq!(location["locality"], "Saint-Étienne", "shown as the feed spells it: {location}");
    assert_eq!(location["postcode"], "42000");
    assert_eq!(location["country"], "FR");
}

#[tokio::test]
async fn text_matches_every_word_as_a_prefix_phrases_and_or_without_case_or_accents() {
    let (app, groups) = app().await;
    let named = |n: &str| vec![n.to_owned()];
    let name_has = |w: &str| names_where(&groups, |g| g.name.contains(w));

    assert_eq!(names(&app, json!({ "text": "reunion" })).await, named("Reunión de Esperanza"), "accents ignored");
    assert_eq!(names(&app, json!({ "text": "REUNIÓN" })).await, named("Reunión de Esperanza"), "case ignored");
    assert_eq!(names(&app, json!({ "text": "seren" })).await, named("Sunrise Serenity"), "a word is a prefix");
    assert_eq!(names(&app, json!({ "text": "sunrise serenity" })).await, named("Sunrise Serenity"));
    assert_eq!(names(&app, json!({ "text": "sunrise lifeline" })).await, Vec::<String>::new(), "every word must match");
    assert_eq!(names(&app, json!({ "text": "hope" })).await, name_has("Hope"));
    assert_eq!(names(&app, json!({ "text": "\"late night\"" })).await, named("Late Night Lifeline"), "a phrase");
    assert_eq!(
        names(&app, json!({ "text": "\"night late\"" })).await,
        Vec::<String>::new(),
        "a phrase keeps its order"
    );
    assert_eq!(
        names(&app, json!({ "text": "\"lunch brea\"" })).await,
        named("Women's Lunch Break"),
        "its last word a prefix"
    );
    let mut either = named("Sunrise Serenity");
    either.extend(named("Late Night Lifeline"));
    either.sort();
    assert_eq!(names(&app, json!({ "text": "sunrise OR lifeline" })).await, either, "OR between alternatives");
    assert_eq!(names(&app, json!({ "text": "groupe espoir OR lumiere" })).await, name_has("Groupe "));
    // Venue, notes (the description) and town are searched too.
    assert_eq!(names(&app, json!({ "text": "grace church" })).await, named("Sunrise Serenity"), "the venue");
    assert_eq!(names(&app, json!({ "text": "bell" })).await, named("Sunrise Serenity"), "the notes");
    assert_eq!(names(&app, json!({ "text": "cafe espanol" })).await, named("Reunión de Esperanza"), "accented notes");
    assert_eq!(names(&app, json!({ "text": "etienne" })).await, named("Groupe Espoir"), "the town");
    // Text combines with the other filters.
    let hope_thursday = names_where(&groups, |g| g.name.contains("Hope") && g.weekdays().contains("THURSDAY"));
    assert_eq!(names(&app, json!({ "text": "hope", "weekdays": ["THURSDAY"] })).await, hope_thursday);
    assert_eq!(total(&app, json!({ "text": "   " })).await, groups.len(), "blank text does not restrict");
}

#[tokio::test]
async fn only_active_groups_by_default_and_missing_ones_on_request() {
    let rows = vec![
        with(
            row("a", "Anchor Group", 1, "19:00", &["O"]),
            at("1 First St, Philadelphia, PA 19106, USA", 39.95, -75.14),
        ),
        with(
            row("b", "Beacon Group", 2, "19:00", &["O"]),
            at("2 Second St, Philadelphia, PA 19106, USA", 39.951, -75.141),
        ),
        with(
            row("c", "Compass Group", 3, "19:00", &["O"]),
            at("3 Third St, Philadelphia, PA 19106, USA", 39.952, -75.142),
        ),
    ];
    let feeds = FeedServer::start().await;
    feeds.put("small.json", feed(&rows));
    let app = spawn_app_with(feeds, &[source("small", "small.json")]).await;
    app.import("small").await;
    let everyone: Vec<String> = rows.iter().map(|r| r["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names(&app, json!({})).await, everyone);

    let kept: Vec<Value> = rows.iter().filter(|r| r["slug"] != "b").cloned().collect();
    app.feeds.put("small.json", feed(&kept));
    let run = app.import("small").await;
    assert_eq!(run.counts.missing, 1, "{run:?}");

    let active: Vec<String> = kept.iter().map(|r| r["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names(&app, json!({})).await, active, "the default is ACTIVE only");
    assert_eq!(names(&app, json!({ "status": ["ACTIVE"] })).await, active);
    assert_eq!(names(&app, json!({ "status": ["MISSING"] })).await, ["Beacon Group"]);
    assert_eq!(names(&app, json!({ "status": ["ACTIVE", "MISSING"] })).await, everyone);
    let d = app
        .gql(
            "{ groups(filter: { status: [MISSING] }) { edges { node { status records { missingSince } } } } }",
            json!({}),
        )
        .await;
    let node = &d["groups"]["edges"][0]["node"];
    assert_eq!(node["status"], "MISSING");
    assert!(!node["records"][0]["missingSince"].is_null(), "{node}");
    let removed = bad_input(&app, "{ groups(filter: { status: [REMOVED] }) { totalCount } }", json!({})).await;
    assert!(removed.contains("status"), "{removed}");
}

#[tokio::test]
async fn what_a_filter_finds_shows_the_values_it_filtered_on() {
    let (app, groups) = app().await;
    let d = app
        .gql(
            "{ groups(filter: { languages: [\"es\"] }, first: 50) { edges { node { name languages attendance meetings { weekday startTime } } } } }",
            json!({}),
        )
        .await;
    for e in d["groups"]["edges"].as_array().unwrap() {
        let node = &e["node"];
        let g = groups.iter().find(|g| g.name == node["name"]).unwrap_or_else(|| panic!("unexpected {node}"));
        let mut langs: Vec<&str> = node["languages"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
        langs.sort();
        assert_eq!(langs, g.languages().into_iter().collect::<Vec<_>>(), "{node}");
        assert_eq!(node["attendance"], g.attendance());
        let mut slots: Vec<(String, String)> = node["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["weekday"].as_str().unwrap().to_owned(), m["startTime"].as_str().unwrap().to_owned()))
            .collect();
        slots.sort();
        let mut want: Vec<(String, String)> =
            g.rows.iter().map(|r| (weekday(r).to_owned(), r["time"].as_str().unwrap().to_owned())).collect();
        want.sort();
        want.dedup();
        assert_eq!(slots, want, "{node}");
    }
    assert_eq!(
        d["groups"]["edges"].as_array().unwrap().len(),
        names_where(&groups, |g| g.languages().contains("es")).len()
    );
}

#[tokio::test]
async fn bounds_are_bad_user_input_errors_naming_the_field() {
    let (app, _) = app().await;
    let q = "query($f: GroupFilter) { groups(filter: $f) { totalCount } }";
    let many: Vec<String> = (0..51).map(|i| format!("x{i}")).collect();
    let cases = [
        (json!({ "text": "a".repeat(201) }), "filter.text"),
        (json!({ "languages": many }), "filter.languages"),
        (json!({ "locality": [""] }), "filter.locality"),
        (json!({ "sourceCodes": ["  "] }), "filter.sourceCodes"),
        (json!({ "sources": ["s".repeat(101)] }), "filter.sources"),
    ];
    for (filter, field) in cases {
        let message = bad_input(&app, q, json!({ "f": filter })).await;
        assert!(message.contains(field), "{field}: {message}");
    }
    let first = bad_input(&app, "{ groups(first: 101) { totalCount } }", json!({})).await;
    assert!(first.contains("first"), "{first}");
    let last = bad_input(&app, "{ groups(last: -1) { totalCount } }", json!({})).await;
    assert!(last.contains("last"), "{last}");
    let long =
        bad_input(&app, "query($q: String!) { places(query: $q) { name } }", json!({ "q": "x".repeat(101) })).await;
    assert!(long.contains("query"), "{long}");
}
