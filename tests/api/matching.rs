//! Groups across sources: the same meetings listed by two directories are one group each,
//! with both records, and ids keep resolving when groups merge.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{
    derived_id, feed_groups, sepa_rows, sepa_sample, source, spawn_app_on_store, spawn_app_with, FeedServer, WsClient,
};

/// The same meetings as a second directory would re-publish them: new ids, 12-hour times.
fn republished(rows: &[Value]) -> Vec<Value> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let mut r = r.clone();
            r["slug"] = json!(format!("other-{i}"));
            let t = r["time"].as_str().unwrap();
            let (h, m) = t.split_once(':').unwrap();
            let h: u32 = h.parse().unwrap();
            let (h12, ampm) = match h {
                0 => (12, "AM"),
                1..=11 => (h, "AM"),
                12 => (12, "PM"),
                _ => (h - 12, "PM"),
            };
            r["time"] = json!(format!("{h12}:{m} {ampm}"));
            r
        })
        .collect()
}

#[tokio::test]
async fn a_second_directory_listing_the_same_meetings_adds_no_groups() {
    let feeds = FeedServer::start().await;
    let rows = sepa_rows();
    feeds.put("a.json", sepa_sample());
    feeds.put("b.json", serde_json::to_vec(&republished(&rows)).unwrap());
    let app = spawn_app_with(feeds, &[source("b-dir", "b.json"), source("a-dir", "a.json")]).await;
    app.import("b-dir").await;
    let ids_before: Vec<Value> = app.all_groups("id").await.into_iter().map(|g| g["id"].clone()).collect();
    let mut ws = WsClient::connect(&app, "graphql-transport-ws").await;
    ws.subscribe("1", "subscription { groupAdded { name } }", json!({})).await;

    app.import("a-dir").await;

    assert_eq!(ws.next_data(Duration::from_secs(2)).await, None, "a duplicate record fired groupAdded");
    let groups = app
        .all_groups(
            "id records { sourceId externalId } meetings { records { sourceId } } matchExplanation { evidence score }",
        )
        .await;
    assert_eq!(groups.len(), feed_groups(&rows).len());
    let meetings: Vec<&Value> = groups.iter().flat_map(|g| g["meetings"].as_array().unwrap()).collect();
    assert_eq!(meetings.len(), rows.len());
    assert!(meetings.iter().all(|m| m["records"].as_array().unwrap().len() == 2), "every meeting holds both listings");
    assert!(groups[0]["matchExplanation"][0]["evidence"].as_array().unwrap().len() >= 2);
    // Records joined existing groups with smaller keys ("a-dir" < "b-dir"): each group now has
    // its smallest record's id, and every id published before resolves to it.
    assert!(groups.iter().all(|g| g["id"] == derived_id(&g["records"])), "ids follow the smallest record");
    for id in ids_before {
        let g = app
            .gql("query($id: ID!) { group(id: $id) { meetings { records { sourceId } } } }", json!({ "id": id }))
            .await;
        let meetings = g["group"]["meetings"].as_array().unwrap_or_else(|| panic!("{id} no longer resolves"));
        assert!(meetings.iter().all(|m| m["records"].as_array().map(Vec::len) == Some(2)), "{id}: {g}");
    }
}

/// A store written before the matcher's blocking keys changed (no key scheme recorded, records
/// keyed the old way) is re-keyed when the service starts: a second directory imported after
/// the upgrade still finds the groups it duplicates.
#[tokio::test]
async fn records_stored_under_an_older_key_scheme_still_match_after_an_upgrade() {
    let rows = sepa_rows();
    let dir = tempfile::tempdir().unwrap();
    crate::upgrades::write_format_1_store(dir.path(), "a-dir").await;
    let feeds = FeedServer::start().await;
    feeds.put("a.json", sepa_sample());
    feeds.put("b.json", serde_json::to_vec(&republished(&rows)).unwrap());
    let app = spawn_app_on_store(feeds, &[source("a-dir", "a.json"), source("b-dir", "b.json")], dir).await;

    app.import("b-dir").await;

    let groups = app.all_groups("id records { sourceId externalId } meetings { records { sourceId } }").await;
    assert_eq!(groups.len(), feed_groups(&rows).len(), "the second directory's listings joined the stored groups");
    let meetings: Vec<&Value> = groups.iter().flat_map(|g| g["meetings"].as_array().unwrap()).collect();
    assert_eq!(meetings.len(), rows.len());
    assert!(meetings.iter().all(|m| m["records"].as_array().unwrap().len() == 2));
    assert!(groups.iter().all(|g| g["id"] == derived_id(&g["records"])), "ids follow the smallest record");
}

#[tokio::test]
async fn the_same_name_and_time_in_another_place_is_another_group() {
    let feeds = FeedServer::start().await;
    let rows = sepa_rows();
    let mut moved = republished(&rows[..5]);
    for r in &mut moved {
        r["latitude"] = json!("40.4406");
        r["longitude"] = json!("-79.9959");
        r["conference_url"] = json!("");
        r["conference_phone"] = json!("");
        r["formatted_address"] = json!("1 Market Square, Pittsburgh, PA 15222, USA");
    }
    feeds.put("a.json", serde_json::to_vec(&rows[..5]).unwrap());
    feeds.put("b.json", serde_json::to_vec(&moved).unwrap());
    let app = spawn_app_with(feeds, &[source("a-dir", "a.json"), source("b-dir", "b.json")]).await;

    app.import("a-dir").await;
    app.import("b-dir").await;

    assert_eq!(app.total().await, 10);
}

/// The sussex labelled set, parsed as the two sources `dira` and `dirb`.
fn sussex_records() -> Vec<(supportmesh::model::RecordKey, importers::Listing, String)> {
    let opts = importers::SourceOptions {
        timezone: "America/New_York".into(),
        country: Some("US".into()),
        topics: vec![importers::Topic::ALCOHOL],
        ..Default::default()
    };
    let mut out = Vec::new();
    for (src, file) in [("dira", "source-a.json"), ("dirb", "source-b.json")] {
        let bytes =
            std::fs::read(format!("{}/tests/fixtures/matching/sussex/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let parsed =
            importers::parse(importers::Format::MeetingGuide, &importers::Documents::single(&bytes), &opts).unwrap();
        for l in parsed.listings {
            let hash = supportmesh::dedup::listing_hash(&l);
            out.push((supportmesh::model::RecordKey::new(src, l.external_id.clone()), l, hash));
        }
    }
    out
}

fn memberships(clusters: &[supportmesh::dedup::Cluster]) -> std::collections::BTreeSet<Vec<String>> {
    clusters.iter().map(|c| c.members.iter().map(|k| k.to_string()).collect()).collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Invariant 4: the same records in any order give the same groups with the same ids.
    #[test]
    fn matching_is_order_independent(order in proptest::strategy::Strategy::prop_shuffle(proptest::strategy::Just((0..245usize).collect::<Vec<_>>()))) {
        use supportmesh::dedup::{cluster, derive_id, Candidate};
        let records = sussex_records();
        let all: Vec<Candidate<'_>> = records.iter().map(|(k, l, h)| Candidate { key: k, listing: l, hash: h }).collect();
        let shuffled: Vec<Candidate<'_>> = order.iter().filter_map(|&i| all.get(i).copied()).collect();
        proptest::prop_assert_eq!(shuffled.len(), all.len());

        let (a, b) = (cluster(&all, &[]), cluster(&shuffled, &[]));

        proptest::prop_assert_eq!(&a, &b);
        let ids = |cs: &[supportmesh::dedup::Cluster]| cs.iter().map(|c| derive_id(&c.members, 0)).collect::<Vec<_>>();
        proptest::prop_assert_eq!(ids(&a), ids(&b));
    }
}

/// Importing one source after the other re-decides only what each import touches, and ends
/// with the same meetings as clustering everything at once, assembled into the same groups,
/// in either import order.
#[tokio::test]
async fn incremental_imports_equal_a_rebuild_in_either_order() {
    use supportmesh::dedup::{cluster, Candidate};
    let records = sussex_records();
    let all: Vec<Candidate<'_>> = records.iter().map(|(k, l, h)| Candidate { key: k, listing: l, hash: h }).collect();
    let rebuild = memberships(&cluster(&all, &[]));
    let dir = format!("{}/tests/fixtures/matching/sussex", env!("CARGO_MANIFEST_DIR"));

    let mut first_order = None;
    for order in [["dira", "dirb"], ["dirb", "dira"]] {
        let feeds = FeedServer::start().await;
        feeds.put("a.json", std::fs::read(format!("{dir}/source-a.json")).unwrap());
        feeds.put("b.json", std::fs::read(format!("{dir}/source-b.json")).unwrap());
        let app = spawn_app_with(feeds, &[source("dira", "a.json"), source("dirb", "b.json")]).await;
        for s in order {
            app.import(s).await;
        }
        let groups =
            app.all_groups("records { sourceId externalId } meetings { records { sourceId externalId } }").await;
        let keys = crate::helpers::record_keys;
        let served: std::collections::BTreeSet<Vec<String>> =
            groups.iter().flat_map(|g| g["meetings"].as_array().unwrap().iter().map(|m| keys(&m["records"]))).collect();
        let assembled: std::collections::BTreeSet<Vec<String>> = groups.iter().map(|g| keys(&g["records"])).collect();
        match &first_order {
            None => first_order = Some(assembled),
            Some(first) => assert_eq!(&assembled, first, "the groups assembled depend on the import order"),
        }
        assert_eq!(served, rebuild, "import order {order:?}");
    }
}
