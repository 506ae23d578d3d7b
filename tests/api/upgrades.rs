//! Stores written by earlier versions keep working: a store of one-slot groups (group format
//! 1, no format recorded, matching keys of an older scheme) is reassembled into real groups at
//! start (each group gets its smallest record's id), and every id it published still resolves.

use serde_json::{json, Value};

use crate::helpers::{feed_groups, sepa_rows, sepa_sample, source, spawn_app_on_store, FeedServer};

/// Writes what the previous version stored for the sepa sample as source `source`: one group
/// per listing with the id `legacy<i>`, no `meetings`, no group names (that version did not
/// keep them), blocking keys of an older scheme and no group format. Returns (id, external id)
/// per group.
pub async fn write_format_1_store(dir: &std::path::Path, source: &str) -> Vec<(String, String)> {
    use supportmesh::model::{GroupStatus, RecordKey, StoredGroup, StoredRecord};
    use supportmesh::store::{RunCommit, Store};
    let store = Store::open(&dir.join("store")).unwrap();
    let opts = importers::SourceOptions {
        timezone: "America/New_York".into(),
        country: Some("US".into()),
        topics: vec![importers::Topic::ALCOHOL],
        ..Default::default()
    };
    let parsed =
        importers::parse(importers::Format::MeetingGuide, &importers::Documents::single(&sepa_sample()), &opts)
            .unwrap();
    let now = chrono::Utc::now();
    let mut commit = RunCommit::default();
    let mut ids = Vec::new();
    for (i, mut l) in parsed.listings.into_iter().enumerate() {
        l.group = None;
        let key = RecordKey::new(source, l.external_id.clone());
        let id = format!("legacy{i}");
        ids.push((id.clone(), l.external_id.clone()));
        commit.groups_put.push(StoredGroup {
            id: id.clone(),
            listing: l.clone(),
            records: vec![key.clone()],
            links: vec![],
            meetings: vec![],
            status: GroupStatus::Active,
            status_conflict: None,
            first_seen: now,
            updated_at: now,
        });
        commit.records_put.push(StoredRecord {
            key,
            hash: supportmesh::dedup::listing_hash(&l),
            listing: l,
            first_seen: now,
            last_seen: now,
            missing_since: None,
            group_id: id,
            blocks: vec!["an old scheme's key".to_owned()],
        });
    }
    store.commit(commit).unwrap();
    // What the previous version wrote: no group format recorded.
    store.set_group_format(0).unwrap();
    store.flush().await.unwrap();
    ids
}

#[tokio::test]
async fn a_store_of_one_slot_groups_is_reassembled_at_start_and_old_ids_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let legacy = write_format_1_store(dir.path(), "sepa").await;
    let rows: Vec<Value> = sepa_rows()
        .into_iter()
        .map(|mut r| {
            r.as_object_mut().unwrap().remove("group");
            r
        })
        .collect();
    let expected = feed_groups(&rows).len();
    assert!(expected < legacy.len(), "the sample has groups with several meetings");
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());

    let app = spawn_app_on_store(feeds, &[source("sepa", "sepa.json")], dir).await;

    let mut total = 0;
    for _ in 0..100 {
        total = app.total().await as usize;
        if total == expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(total, expected, "the one-slot groups were reassembled into real groups");
    let groups = app
        .all_groups(
            "id records { sourceId externalId } meetings { records { externalId } } statusConflict { decidedBy }",
        )
        .await;
    assert!(
        groups.iter().all(|g| g["id"] == crate::helpers::derived_id(&g["records"])),
        "assembled groups get their smallest record's id"
    );
    assert!(groups.iter().all(|g| g["statusConflict"].is_null()), "documents written before status conflicts read");
    let meetings: usize = groups.iter().map(|g| g["meetings"].as_array().unwrap().len()).sum();
    assert_eq!(meetings, legacy.len(), "every listing is one meeting of a group");
    for (id, external) in &legacy {
        let g = app
            .gql("query($id: ID!) { group(id: $id) { id meetings { records { externalId } } } }", json!({ "id": id }))
            .await;
        let holds = g["group"]["meetings"]
            .as_array()
            .unwrap_or_else(|| panic!("{id} no longer resolves: {g}"))
            .iter()
            .any(|m| m["records"].as_array().unwrap().iter().any(|r| r["externalId"] == external.as_str()));
        assert!(holds, "{id} resolves to the group that now holds its meeting: {g}");
    }
}

/// A store of format 2 (real groups, ids kept from history rather than derived) gets the ids
/// derived from each group's smallest record at start; the ids it published still resolve.
#[tokio::test]
async fn a_format_2_store_gets_derived_ids_and_old_ids_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let legacy = write_format_1_store(dir.path(), "sepa").await;
    {
        let store = crate::helpers::reopen_store(&dir.path().join("store"));
        store.set_group_format(2).unwrap();
        store.flush().await.unwrap();
    }
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());

    let app = spawn_app_on_store(feeds, &[source("sepa", "sepa.json")], dir).await;

    let mut groups = Vec::new();
    for _ in 0..100 {
        groups = app.all_groups("id records { sourceId externalId }").await;
        if groups.iter().all(|g| g["id"] == crate::helpers::derived_id(&g["records"])) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(groups.iter().all(|g| g["id"] == crate::helpers::derived_id(&g["records"])), "ids were not re-derived");
    for (id, external) in &legacy {
        let g = app.gql("query($id: ID!) { group(id: $id) { records { externalId } } }", json!({ "id": id })).await;
        let records = g["group"]["records"].as_array().unwrap_or_else(|| panic!("{id} no longer resolves: {g}"));
        assert!(records.iter().any(|r| r["externalId"] == external.as_str()), "{id}: {g}");
    }
}
