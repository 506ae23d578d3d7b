//! Peers (format `supportmesh`) through two real servers: two instances that import each other
//! never import their own groups back (no echoes, no duplicates, round after round), a peer
//! import pages past `ingest.max_documents` (bounded by `ingest.max_peer_pages` instead), and
//! an instance id is generated once per store and kept.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::finder_support::{at, feed, row, with};
use crate::helpers::{peer_source, source, spawn_app_with, spawn_app_with_env, FeedServer, TestApp};
use supportmesh::model::{ImportRun, RunOutcome};

const FIELDS: &str = "id name records { sourceId externalId origins }";

/// A port nothing listens on yet, for an app whose address its peer must know first.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

async fn instance_id(app: &TestApp) -> String {
    app.gql("{ instance { id } }", json!({})).await["instance"]["id"].as_str().expect("an id").to_owned()
}

/// An import that must succeed (or find nothing changed).
async fn import(app: &TestApp, source: &str) -> ImportRun {
    let run = app.import(source).await;
    assert!(matches!(run.outcome, RunOutcome::Succeeded | RunOutcome::Unchanged), "{source}: {run:?}");
    run
}

/// Group name -> how many groups have it.
fn names(groups: &[Value]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for g in groups {
        *out.entry(g["name"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    out
}

/// Every record of every group, as (group name, sourceId, origins).
fn records(groups: &[Value]) -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    for g in groups {
        for r in g["records"].as_array().unwrap() {
            let origins = r["origins"].as_array().unwrap().iter().map(|o| o.as_str().unwrap().to_owned()).collect();
            out.push((g["name"].as_str().unwrap().to_owned(), r["sourceId"].as_str().unwrap().to_owned(), origins));
        }
    }
    out
}

#[tokio::test]
async fn peer_instances_that_import_each_other_never_import_their_own_groups_back() {
    let serenity = with(
        row("serenity", "Serenity Group", 3, "20:00", &["O"]),
        at("20 W State St, Media, PA 19063, USA", 39.9168, -75.3877),
    );
    let a_rows = vec![
        with(
            row("alpha", "Alpha Group", 1, "19:00", &["O"]),
            at("1 Boathouse Row, Philadelphia, PA 19130, USA", 39.9690, -75.1870),
        ),
        with(
            row("anchor", "Anchor Group", 2, "18:30", &["C"]),
            at("900 Chestnut St, Philadelphia, PA 19107, USA", 39.9500, -75.1560),
        ),
        serenity.clone(),
    ];
    let b_rows = vec![
        with(
            row("beacon", "Beacon Group", 4, "12:00", &["O"]),
            at("800 N Broad St, Philadelphia, PA 19130, USA", 39.9660, -75.1610),
        ),
        with(serenity, json!({ "slug": "serenity-b" })),
    ];
    let b_port = free_port();
    let b_endpoint = format!("http://127.0.0.1:{b_port}/graphql");
    let feeds_a = FeedServer::start().await;
    feeds_a.put("a.json", feed(&a_rows));
    let a = spawn_app_with_env(
        feeds_a,
        &[source("a-feed", "a.json"), peer_source("b-peer", &b_endpoint, "")],
        &[("SUPPORTMESH_SERVER_INSTANCE_ID", "alpha")],
    )
    .await;
    let a_endpoint = a.url("/graphql");
    let feeds_b = FeedServer::start().await;
    feeds_b.put("b.json", feed(&b_rows));
    let listen = format!("127.0.0.1:{b_port}");
    let b = spawn_app_with_env(
        feeds_b,
        &[source("b-feed", "b.json"), peer_source("a-peer", &a_endpoint, "")],
        &[("SUPPORTMESH_SERVER_LISTEN", listen.as_str())],
    )
    .await;
    assert_eq!(instance_id(&a).await, "alpha", "as configured");
    let b_id = instance_id(&b).await;
    assert_eq!(b_id.len(), 36, "B's own, generated: {b_id}");

    let expected: BTreeMap<String, usize> =
        ["Alpha Group", "Anchor Group", "Beacon Group", "Serenity Group"].iter().map(|n| (n.to_string(), 1)).collect();
    for round in 1..=3 {
        import(&a, "a-feed").await;
        import(&b, "b-feed").await;
        import(&b, "a-peer").await;
        let run = import(&a, "b-peer").await;
        if run.outcome == RunOutcome::Succeeded {
            let echo = run.problems.iter().find(|p| p.message.contains("came from this instance (alpha)"));
            let echo = echo.unwrap_or_else(|| panic!("round {round}: the echoes are counted: {:?}", run.problems));
            // B's copies of A's three groups (Serenity merged with B's own listing of it).
            assert!(echo.message.starts_with("3 group(s)"), "{}", echo.message);
        }

        let (at_a, at_b) = (a.all_groups(FIELDS).await, b.all_groups(FIELDS).await);
        assert_eq!(names(&at_a), expected, "round {round}: A holds each group once");
        assert_eq!(names(&at_b), expected, "round {round}: B holds each group once");
        for (name, source, origins) in records(&at_a) {
            assert_eq!(origins.iter().filter(|o| *o == "alpha").count(), 1, "{name} {source}: {origins:?}");
            assert_eq!(origins.last().map(String::as_str), Some("alpha"), "{name} {source}: {origins:?}");
            match source.as_str() {
                "a-feed" => assert_eq!(origins, ["alpha"], "{name}: A's own record"),
                "b-peer" => {
                    assert_eq!(name, "Beacon Group", "only B's own group comes from B");
                    assert_eq!(origins, [b_id.as_str(), "alpha"]);
                }
                other => panic!("unexpected source {other}"),
            }
        }
        let from_a: Vec<_> = records(&at_b).into_iter().filter(|(_, s, _)| s == "a-peer").collect();
        assert_eq!(from_a.len(), 3, "B holds A's three groups: {from_a:?}");
        for (name, _, origins) in from_a {
            assert_eq!(origins, ["alpha", b_id.as_str()], "{name}");
        }
    }
}

#[tokio::test]
async fn a_peer_import_pages_past_the_documents_cap() {
    let rows: Vec<Value> = (0..60)
        .map(|i| {
            let place = at(
                &format!("{} Market St, Philadelphia, PA 19106, USA", 100 + i * 10),
                39.95 + f64::from(i) * 0.01,
                -75.15,
            );
            with(row(&format!("g{i}"), &format!("Group number {i}"), (i % 7) as u8, "19:00", &["O"]), place)
        })
        .collect();
    let feeds = FeedServer::start().await;
    feeds.put("a.json", feed(&rows));
    let a = spawn_app_with(feeds, &[source("a-feed", "a.json")]).await;
    import(&a, "a-feed").await;
    assert_eq!(a.total().await, 60);

    // One group a page: 60 pages and the root, past ingest.max_documents (50).
    let endpoint = a.url("/graphql");
    let peer = [peer_source("a-peer", &endpoint, "[sources.options]\npage_size = 1\n")];
    let b = spawn_app_with(FeedServer::start().await, &peer).await;
    let run = import(&b, "a-peer").await;
    assert!(run.problems.iter().all(|p| !p.message.contains("stopped after")), "{:?}", run.problems);
    assert_eq!((run.counts.added, b.total().await), (60, 60), "{run:?}");

    // The peer's own bound: 10 documents are the root and 9 pages.
    let c = spawn_app_with_env(FeedServer::start().await, &peer, &[("SUPPORTMESH_INGEST_MAX_PEER_PAGES", "10")]).await;
    let run = import(&c, "a-peer").await;
    let stopped =
        run.problems.iter().find(|p| p.message.contains("stopped after 10 documents (ingest.max_peer_pages)"));
    assert!(stopped.is_some(), "{:?}", run.problems);
    assert_eq!(c.total().await, 9);
}

#[test]
fn peer_instance_id_is_generated_once_per_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let first = {
        let store = supportmesh::store::Store::open(&path).unwrap();
        let id = store.instance_id().unwrap();
        assert_eq!(store.instance_id().unwrap(), id, "asked again");
        id
    };
    let parsed: Vec<&str> = first.split('-').collect();
    assert_eq!(parsed.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "a UUID: {first}");
    assert!(parsed[2].starts_with('4'), "version 4: {first}");
    let reopened = crate::helpers::reopen_store(&path);
    assert_eq!(reopened.instance_id().unwrap(), first, "kept in the store");
    let other = supportmesh::store::Store::open(&dir.path().join("other")).unwrap();
    assert_ne!(other.instance_id().unwrap(), first, "another store, another id");
}
