//! Stores written by earlier versions keep working: a store of one-slot groups (group format
//! 1, no format recorded, matching keys of an older scheme) is reassembled into real groups at
//! start (each group gets its smallest record's id), and every id it published still resolves.
//! A store in store format 1, as the code before store formats wrote it (a committed fixture,
//! `tests/fixtures/stores/`), is migrated at open without reporting its records as changed; a
//! store from a newer version is refused.

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
        commit.groups_put.push(std::sync::Arc::new(StoredGroup {
            id: id.clone(),
            listing: l.clone(),
            records: vec![key.clone()],
            links: vec![],
            meetings: vec![],
            status: GroupStatus::Active,
            status_conflict: None,
            first_seen: now,
            updated_at: now,
        }));
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

/// A copy of the committed store `tests/fixtures/stores/<name>/`, at `dir/store`.
fn fixture_store(name: &str) -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stores");
    copy(&fixtures.join(name), &dir.path().join("store"));
    dir
}

fn fixture_ids(name: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/stores/{name}.ids"));
    std::fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect()
}

/// Opens the committed store `name` (written by an older version), re-keys it as the service
/// does at start, and checks what every migration must leave: the current format, every group
/// it held under its id, every record's keys and canonical hash, and every record found under
/// each of its keys.
fn assert_migrated(name: &str) -> tempfile::TempDir {
    let dir = fixture_store(name);
    let ids = fixture_ids(name);
    assert!(ids.len() > 10, "the fixture holds groups");

    let store =
        supportmesh::store::Store::open(&dir.path().join("store")).unwrap_or_else(|e| panic!("{name} opens: {e:#}"));
    // The matcher's key scheme may have changed since the fixture was written (name carriers):
    // the service re-keys at start, from the keys the store holds.
    store.reblock(supportmesh::dedup::BLOCKING_SCHEME, supportmesh::dedup::blocking_keys).unwrap();

    assert_eq!(store.store_format().unwrap(), supportmesh::store::STORE_FORMAT);
    assert_eq!(store.live_group_count().unwrap() as usize, ids.len());
    let records = store.records_of_source("sepa").unwrap();
    assert!(records.len() >= ids.len());
    for r in &records {
        assert_eq!(r.blocks, supportmesh::dedup::blocking_keys(&r.listing), "{}: keys moved apart", r.key);
        assert_eq!(r.hash, supportmesh::dedup::listing_hash(&r.listing), "{}: canonical hash", r.key);
        assert_eq!(store.record(&r.key).unwrap().as_ref(), Some(r), "one record reads as the scan does");
        for b in &r.blocks {
            assert!(store.records_with_block(b).unwrap().contains(&r.key), "{}: indexed under {b}", r.key);
        }
    }
    for id in &ids {
        assert_eq!(store.group(id).unwrap().map(|g| g.id).as_deref(), Some(id.as_str()), "{id} is still a group");
    }
    dir
}

/// The store the code before store formats wrote for the sepa sample (store format 1:
/// blocking keys inside each record, hashes over serde's JSON) opens in the current format.
#[test]
fn a_format_1_store_is_migrated_at_open() {
    assert_migrated("v1-sepa");
}

/// The store format 2 wrote for the sepa sample (an on-disk `blocks` tree of every blocking
/// key) opens in the current format: the retired tree is gone from disk and the matcher finds every
/// record under each of its keys from the index built at open.
#[test]
fn a_format_2_store_is_migrated_at_open() {
    let dir = assert_migrated("v2-sepa");
    let db = crate::helpers::reopen_sled(&dir.path().join("store"));
    let trees: Vec<String> = db.tree_names().iter().map(|n| String::from_utf8_lossy(n).into_owned()).collect();
    assert!(!trees.iter().any(|t| t == "blocks"), "the retired blocks tree is dropped: {trees:?}");
    assert!(trees.iter().any(|t| t == "record_blocks"), "each record's keys stay on disk: {trees:?}");
}

/// The store format 3 wrote for the sepa sample (JSON documents, key lists unpacked) opens in
/// format 4: every document and key list is packed, the groups and records read as before,
/// and the documents take well under two thirds of the bytes they took.
#[test]
fn a_format_3_store_is_migrated_at_open_and_shrinks() {
    const PACKED: [&str; 4] = ["records", "record_blocks", "groups", "sources"];
    let bytes = |path: &std::path::Path| -> Vec<(usize, usize, bool)> {
        let db = crate::helpers::reopen_sled(path);
        PACKED
            .iter()
            .map(|name| {
                let tree = db.open_tree(name).unwrap();
                let values: Vec<_> = tree.iter().map(|kv| kv.unwrap().1).collect();
                let total = values.iter().map(|v| v.len()).sum();
                (values.len(), total, values.iter().all(|v| v.first() == Some(&4)))
            })
            .collect()
    };
    let before = bytes(&fixture_store("v3-sepa").path().join("store"));
    assert!(before.iter().all(|(n, _, packed)| *n > 0 && !packed), "the fixture is format 3: {before:?}");

    let dir = assert_migrated("v3-sepa");

    let after = bytes(&dir.path().join("store"));
    for (name, (b, a)) in PACKED.iter().zip(before.iter().zip(&after)) {
        assert_eq!(a.0, b.0, "{name}: every value kept");
        assert!(a.2, "{name}: every value packed");
        assert!(a.1 * 3 < b.1 * 2, "{name}: {} bytes packed, {} before", a.1, b.1);
    }
}

/// The store format 4 wrote for the sepa sample (a sled tree of the ids derived from records)
/// opens in format 5: the tree is gone from disk, and every id derived from a record still
/// finds the group holding it, from the index built at open.
#[test]
fn a_format_4_store_is_migrated_at_open() {
    let dir = assert_migrated("v4-sepa");
    let path = dir.path().join("store");
    let store = crate::helpers::open_store_when_unlocked(&path).unwrap();
    let records = store.records_of_source("sepa").unwrap();
    for r in &records {
        let found = store.group(&r.key.group_id()).unwrap().map(|g| g.id);
        assert_eq!(found.as_ref(), Some(&r.group_id), "{}: its derived id finds its group", r.key);
    }
    drop(store);
    let db = crate::helpers::reopen_sled(&path);
    let trees: Vec<String> = db.tree_names().iter().map(|n| String::from_utf8_lossy(n).into_owned()).collect();
    assert!(!trees.iter().any(|t| t == "derived"), "the retired derived tree is dropped: {trees:?}");
    assert_eq!(db.open_tree("record_blocks").unwrap().len(), records.len(), "every record has a key list");
}

/// Format 4 kept no key list for a record without blocking keys; format 5 gives it an empty
/// one, so the index built at open knows the record and its derived id.
#[test]
fn a_format_4_record_without_keys_gets_an_empty_key_list() {
    let dir = fixture_store("v4-sepa");
    let path = dir.path().join("store");
    let key = {
        let db = crate::helpers::reopen_sled(&path);
        let lists = db.open_tree("record_blocks").unwrap();
        let (key, _) = lists.iter().next().unwrap().unwrap();
        lists.remove(&key).unwrap();
        db.flush().unwrap();
        let sep = key.iter().position(|b| *b == 0).unwrap();
        supportmesh::model::RecordKey::new(
            String::from_utf8(key[..sep].to_vec()).unwrap(),
            String::from_utf8(key[sep + 1..].to_vec()).unwrap(),
        )
    };

    let store = crate::helpers::open_store_when_unlocked(&path).unwrap();

    let record = store.record(&key).unwrap().expect("the record is kept");
    assert!(record.blocks.is_empty(), "{key}: no keys, as format 4 stored it");
    let found = store.group(&key.group_id()).unwrap().map(|g| g.id);
    assert_eq!(found, Some(record.group_id.clone()), "{key}: its derived id finds its group");
    let records = store.records_of_source("sepa").unwrap().len();
    drop(store);
    let db = crate::helpers::reopen_sled(&path);
    assert_eq!(db.open_tree("record_blocks").unwrap().len(), records, "every record has a key list");
}

/// A format-3 store left by a run killed half-written (its undo log pending, some records
/// renamed: `make-cut-short-store.sh`) opens in format 4 with the run rolled back first: every
/// record and group as the last whole run left them, and every value packed (a rollback after
/// the migration would put format-3 values back).
#[test]
fn a_format_3_store_with_a_run_cut_short_is_rolled_back_then_migrated() {
    let dir = fixture_store("v3-cut-short");
    let ids = fixture_ids("v3-cut-short");
    let path = dir.path().join("store");
    {
        let db = crate::helpers::reopen_sled(&path);
        let renamed = db
            .open_tree("records")
            .unwrap()
            .iter()
            .filter(|kv| kv.as_ref().unwrap().1.windows(b"renamed".len()).any(|w| w == b"renamed"));
        assert!(renamed.count() > 0, "the fixture holds records the cut-short run renamed");
        let undo = db.open_tree("undo").unwrap();
        assert!(undo.get([0u8]).unwrap().is_some(), "the fixture holds the marker of a run being written");
        assert!(undo.len() > 1, "and the run's undo log");
    }

    let store = supportmesh::store::Store::open(&path).unwrap();

    assert_eq!(store.store_format().unwrap(), supportmesh::store::STORE_FORMAT);
    assert_eq!(store.live_group_count().unwrap() as usize, ids.len());
    let records = store.records_of_source("copies").unwrap();
    assert!(!records.is_empty());
    for r in &records {
        assert!(!r.listing.name.contains("renamed"), "{}: the cut-short run is rolled back", r.key);
        assert_eq!(store.group(&r.group_id).unwrap().map(|g| g.records.contains(&r.key)), Some(true), "{}", r.key);
    }
    for id in &ids {
        assert_eq!(store.group(id).unwrap().map(|g| g.id).as_deref(), Some(id.as_str()), "{id} is still a group");
    }
    drop(store);
    let db = crate::helpers::reopen_sled(&path);
    for name in ["records", "record_blocks", "groups", "runs", "sources"] {
        let tree = db.open_tree(name).unwrap();
        assert!(tree.iter().all(|kv| kv.unwrap().1.first() == Some(&4)), "{name}: every value packed");
    }
    assert!(db.open_tree("undo").unwrap().is_empty(), "the undo log is cleared");
}

/// The first import after the migration reports what changed in the feed and nothing else:
/// one listing renamed is one record updated and one `groupUpdated`, every other record
/// unchanged (the migrated hashes are the ones the import computes).
#[tokio::test]
async fn the_first_import_after_the_migration_from_format_1_changes_only_what_the_feed_changed() {
    first_import_changes_only_what_the_feed_changed("v1-sepa").await;
}

#[tokio::test]
async fn the_first_import_after_the_migration_from_format_2_changes_only_what_the_feed_changed() {
    first_import_changes_only_what_the_feed_changed("v2-sepa").await;
}

#[tokio::test]
async fn the_first_import_after_the_migration_from_format_3_changes_only_what_the_feed_changed() {
    first_import_changes_only_what_the_feed_changed("v3-sepa").await;
}

#[tokio::test]
async fn the_first_import_after_the_migration_from_format_4_changes_only_what_the_feed_changed() {
    first_import_changes_only_what_the_feed_changed("v4-sepa").await;
}

async fn first_import_changes_only_what_the_feed_changed(name: &str) {
    let dir = fixture_store(name);
    let ids = fixture_ids(name);
    let mut rows = sepa_rows();
    let renamed = format!("{} (renamed)", rows[0]["name"].as_str().unwrap());
    rows[0]["name"] = Value::String(renamed.clone());
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", serde_json::to_vec(&rows).unwrap());
    let app = spawn_app_on_store(feeds, &[source("sepa", "sepa.json")], dir).await;
    assert_eq!(app.total().await as usize, ids.len(), "every group of the old store is served");
    let mut ws = crate::helpers::WsClient::connect(&app, "graphql-transport-ws").await;
    ws.subscribe("1", "subscription { groupUpdated { name } }", json!({})).await;
    ws.subscribe("2", "subscription { groupAdded { name } }", json!({})).await;

    let run = app.import("sepa").await;

    assert_eq!(run.outcome, supportmesh::model::RunOutcome::Succeeded, "{:?}", run.error);
    let c = &run.counts;
    assert_eq!((c.added, c.updated, c.missing, c.removed), (0, 1, 0, 0), "{c:?}");
    assert_eq!(c.unchanged, c.seen - 1, "{c:?}");
    let event = ws.next_data(std::time::Duration::from_secs(5)).await.expect("the renamed group's update");
    assert_eq!(event["groupUpdated"]["name"], renamed.as_str(), "{event}");
    assert_eq!(ws.next_data(std::time::Duration::from_millis(500)).await, None, "no other group was reported");
    assert_eq!(app.total().await as usize, ids.len());
}

/// A store of the code before formats were recorded whose sources only ever failed holds no
/// records, only runs and source states as JSON: it is migrated (packed), not taken for a new
/// store, so its source states still read.
#[test]
fn a_format_1_store_with_only_source_states_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let state = supportmesh::model::SourceState {
        last_modified: Some("Tue, 01 Dec 2026 03:00:00 GMT".into()),
        ..Default::default()
    };
    {
        let db = sled::open(&path).unwrap();
        db.open_tree("sources").unwrap().insert("sepa", serde_json::to_vec(&state).unwrap()).unwrap();
        db.flush().unwrap();
    }

    let store = crate::helpers::open_store_when_unlocked(&path).unwrap();

    assert_eq!(store.store_format().unwrap(), supportmesh::store::STORE_FORMAT);
    assert_eq!(store.source_state("sepa").unwrap().last_modified, state.last_modified);
}

/// A store written by a newer version (a store format above this code's) is refused with a
/// message naming both formats, and left as it was.
#[test]
fn a_store_from_a_newer_version_is_refused() {
    let dir = fixture_store("v1-sepa");
    let path = dir.path().join("store");
    drop(supportmesh::store::Store::open(&path).unwrap());
    let newer = supportmesh::store::STORE_FORMAT + 7;
    {
        // What a newer version would write: its format number in `meta`.
        let db = crate::helpers::reopen_sled(&path);
        db.open_tree("meta").unwrap().insert("store_format", &newer.to_be_bytes()[..]).unwrap();
        db.flush().unwrap();
    }

    let err = match crate::helpers::open_store_when_unlocked(&path) {
        Ok(_) => panic!("a store from a newer version opened"),
        Err(e) => format!("{e:#}"),
    };

    assert!(err.contains(&format!("store format {newer}")), "{err}");
    assert!(err.contains(&format!("formats 1 to {}", supportmesh::store::STORE_FORMAT)), "{err}");
    assert!(err.contains("newer supportmesh"), "{err}");
}
