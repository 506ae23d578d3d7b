//! Which definition wins between the configuration file and the API, across restarts.

use chrono::Utc;

use super::SourceRegistry;
use crate::config::{Settings, SourceDefinition};
use crate::store::Store;

fn settings(sources: &str) -> Settings {
    let toml = format!("[fetch]\nlocal_roots = [\"/\"]\n{sources}");
    Settings::from_toml_str(&toml, std::path::Path::new("/etc/supportmesh/test.toml")).expect("valid test config")
}

const ONE: &str =
    "[[sources]]\nid = \"one\"\nformat = \"meeting_guide\"\nurl = \"/feeds/one.json\"\nschedule = \"0 0 3 * * *\"\n";

fn with(extra: &str) -> String {
    format!("{ONE}{extra}")
}

fn edit_schedule(registry: &SourceRegistry, schedule: &str) {
    let patch = serde_json::json!({ "schedule": schedule });
    let definition: SourceDefinition = registry.patched("one", patch, "updateSource").expect("patch");
    registry.update(definition).expect("update");
}

fn schedule_of(registry: &SourceRegistry) -> String {
    registry.source("one").expect("source one").schedule.clone()
}

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    (dir, store)
}

#[test]
fn the_file_seeds_a_source_and_its_later_edits_apply_until_the_api_edits_it() {
    let (_dir, store) = temp_store();
    let registry = SourceRegistry::load(store.clone(), &settings(ONE)).unwrap();
    assert_eq!(schedule_of(&registry), "0 0 3 * * *");

    let edited_file = ONE.replace("0 0 3 * * *", "0 0 4 * * *");
    let registry = SourceRegistry::load(store.clone(), &settings(&edited_file)).unwrap();
    assert_eq!(schedule_of(&registry), "0 0 4 * * *", "an edit of the file applies to a source the API never edited");

    edit_schedule(&registry, "0 30 5 * * *");
    let again = ONE.replace("0 0 3 * * *", "0 0 6 * * *");
    let registry = SourceRegistry::load(store.clone(), &settings(&again)).unwrap();
    assert_eq!(schedule_of(&registry), "0 30 5 * * *", "the API's edit stands over a later edit of the file");
}

#[test]
fn a_pinned_source_takes_the_file_every_start_and_refuses_api_edits_and_deletion() {
    let (_dir, store) = temp_store();
    let registry = SourceRegistry::load(store.clone(), &settings(ONE)).unwrap();
    edit_schedule(&registry, "0 30 5 * * *");

    let pinned = with("pinned = true\n");
    let registry = SourceRegistry::load(store.clone(), &settings(&pinned)).unwrap();
    assert_eq!(schedule_of(&registry), "0 0 3 * * *", "pinned: the file wins over the API's edit");
    let patch = registry.patched("one", serde_json::json!({ "schedule": "0 0 9 * * *" }), "updateSource").unwrap();
    let refused = registry.update(patch).unwrap_err().to_string();
    assert!(refused.contains("pinned"), "{refused}");
    let refused = registry.delete("one", "alice", None).unwrap_err().to_string();
    assert!(refused.contains("pinned"), "{refused}");
    registry.set_paused("one", true, "alice", Some("feed is down".into())).expect("a pinned source can pause");
}

#[test]
fn api_sources_survive_restarts_and_a_source_deleted_through_the_api_stays_deleted() {
    let (_dir, store) = temp_store();
    let registry = SourceRegistry::load(store.clone(), &settings(ONE)).unwrap();
    let two: SourceDefinition = serde_json::from_value(serde_json::json!({
        "id": "two", "format": "meeting_guide", "url": "/feeds/two.json", "schedule": "0 0 1 * * *"
    }))
    .unwrap();
    registry.create(two).unwrap();
    registry.set_paused("two", true, "alice", None).unwrap();
    registry.delete("one", "alice", Some("closed".into())).unwrap();

    let registry = SourceRegistry::load(store.clone(), &settings(ONE)).unwrap();
    let ids: Vec<String> = registry.sources().iter().map(|s| s.id.clone()).collect();
    assert_eq!(ids, ["two"], "`one` stays deleted although the file still lists it; `two` came back from the store");
    assert!(registry.entry("two").unwrap().paused.is_some(), "paused survives a restart");
    assert!(!registry.keeps_records_of("one"), "the deleted source's records are retired");
    let stored = store.stored_source("one").unwrap().unwrap();
    assert_eq!(stored.deleted.unwrap().by, "alice");
}

#[test]
fn a_source_removed_from_the_file_is_deleted_and_an_api_definition_that_stops_validating_is_kept_aside() {
    let (_dir, store) = temp_store();
    let registry = SourceRegistry::load(store.clone(), &settings(ONE)).unwrap();
    let two: SourceDefinition = serde_json::from_value(serde_json::json!({
        "id": "two", "format": "meeting_guide", "url": "/feeds/two.json", "defaults": { "topics": ["menopause"] }
    }))
    .unwrap();
    let with_topic = format!("[[topics]]\ncode = \"menopause\"\nlabel = \"Menopause\"\n{ONE}");
    let registry_with_topic = SourceRegistry::load(store.clone(), &settings(&with_topic)).unwrap();
    registry_with_topic.create(two).unwrap();
    drop(registry);

    // The topic leaves the file, and `one` leaves it too.
    let registry = SourceRegistry::load(store.clone(), &settings("")).unwrap();
    assert!(registry.sources().is_empty());
    let broken = registry.broken();
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert!(broken[0].1.contains("menopause"), "the reason names the unknown topic: {}", broken[0].1);
    assert!(registry.keeps_records_of("two"), "a broken source's records are kept");
    assert!(!registry.keeps_records_of("one"), "a source removed from the file is retired");
    let one = store.stored_source("one").unwrap().unwrap();
    assert!(one.deleted.is_some_and(|d| d.at <= Utc::now()));
}

#[test]
fn api_definitions_get_the_same_errors_as_the_file() {
    let (_dir, store) = temp_store();
    let registry = SourceRegistry::load(store, &settings("")).unwrap();
    let bad: SourceDefinition = serde_json::from_value(serde_json::json!({
        "id": "bad", "format": "meeting_guide", "url": "/feeds/bad.json", "schedule": "every day"
    }))
    .unwrap();
    let from_api = registry.create(bad).unwrap_err().to_string();
    let in_file = Settings::from_toml_str(
        "[[sources]]\nid = \"bad\"\nformat = \"meeting_guide\"\nurl = \"/feeds/bad.json\"\nschedule = \"every day\"\n",
        std::path::Path::new("test.toml"),
    )
    .unwrap_err()
    .to_string();
    let problem = |m: &str| m.split_once(": ").map(|(_, rest)| rest.to_owned()).unwrap();
    assert!(from_api.starts_with("createSource: sources.bad.schedule"), "{from_api}");
    assert_eq!(problem(&from_api), problem(&in_file), "one validator, one message");
}
