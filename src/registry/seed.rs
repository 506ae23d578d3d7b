//! Building the registry at start from the configuration file's sources and the store's
//! registry tree (which wins: see the module above).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{Entry, SourceRegistry, State};
use crate::config::{SourceDefinition, SourceSettings, SourceValidator};
use crate::model::{SourceOrigin, Stamp, StoredSource};
use crate::store::Store;

/// Who the store names for changes the configuration file made.
pub(super) const FILE: &str = "configuration file";

impl SourceRegistry {
    /// The registry for `settings`' sources and what the store holds; writes back what the
    /// file seeded or changed.
    pub fn load(store: Store, settings: &crate::config::Settings) -> anyhow::Result<SourceRegistry> {
        let validator = settings.source_validator.clone();
        let now = Utc::now();
        let mut state = State::default();
        let in_file: Vec<&str> = settings.sources.iter().map(|s| s.id.as_str()).collect();
        for (definition, from_file) in settings.source_definitions.iter().zip(&settings.sources) {
            let stored = store.stored_source(&from_file.id)?;
            match from_config(&store, &validator, definition, from_file, stored, now)? {
                Seeded::Live(entry) => state.entries.push(*entry),
                Seeded::Deleted => {}
                Seeded::Broken(why) => state.broken.push((from_file.id.clone(), why)),
            }
        }
        let mut from_api: Vec<StoredSource> =
            store.stored_sources()?.into_iter().filter(|s| !in_file.contains(&s.id.as_str())).collect();
        from_api.sort_by_key(|s| s.created_at);
        for mut stored in from_api {
            if stored.deleted.is_some() {
                continue;
            }
            if stored.origin == SourceOrigin::Config {
                tracing::warn!(source = %stored.id, "the source left the configuration file: deleted (its records go missing, then leave after the grace period)");
                stored.deleted = Some(Stamp {
                    at: now,
                    by: FILE.to_owned(),
                    reason: Some("removed from the configuration file".into()),
                });
                stored.updated_at = now;
                store.put_stored_source(&stored)?;
                continue;
            }
            let origin = format!("the store (source `{}`, defined through the API)", stored.id);
            let checked = SourceValidator::parse_json(stored.definition.clone(), &origin)
                .and_then(|d| validator.validate(d, &origin));
            match checked {
                Ok(settings) => {
                    state.entries.push(Entry { settings: Arc::new(settings), paused: stored.paused.clone(), stored })
                }
                Err(e) => {
                    tracing::error!(source = %stored.id, error = %e, "a source defined through the API no longer validates; it is not run (its records are kept)");
                    state.broken.push((stored.id.clone(), e.to_string()));
                }
            }
        }
        Ok(SourceRegistry::with(store, validator, state))
    }
}

/// What a source of the file is in the registry.
enum Seeded {
    Live(Box<Entry>),
    /// An operator deleted it through the API, and the file does not pin it.
    Deleted,
    /// The API's edit of it stands but no longer validates: not run, records kept.
    Broken(String),
}

/// The registry entry for a source of the file, writing to the store what the file seeds or
/// changes.
fn from_config(
    store: &Store,
    validator: &SourceValidator,
    definition: &SourceDefinition,
    from_file: &SourceSettings,
    stored: Option<StoredSource>,
    now: DateTime<Utc>,
) -> anyhow::Result<Seeded> {
    let digest = digest(definition);
    let as_json = serde_json::to_value(definition)?;
    let id = &from_file.id;
    let Some(mut stored) = stored else {
        let stored = StoredSource { config_digest: Some(digest), ..stored_for(id, as_json, now) };
        store.put_stored_source(&stored)?;
        return Ok(Seeded::Live(Box::new(Entry { settings: Arc::new(from_file.clone()), paused: None, stored })));
    };
    let file_changed = stored.config_digest.as_deref() != Some(digest.as_str());
    let file_wins = from_file.pinned || !stored.edited_through_api;
    if stored.deleted.is_some() && !from_file.pinned {
        tracing::warn!(source = %id, "the source is in the configuration file but was deleted through the API; it stays deleted (pin it in the file, or create it again, to bring it back)");
        return Ok(Seeded::Deleted);
    }
    if file_wins {
        if file_changed || stored.origin != SourceOrigin::Config || stored.deleted.is_some() {
            stored = StoredSource {
                definition: as_json,
                origin: SourceOrigin::Config,
                config_digest: Some(digest),
                edited_through_api: false,
                deleted: None,
                updated_at: now,
                ..stored
            };
            store.put_stored_source(&stored)?;
        }
        let paused = stored.paused.clone();
        return Ok(Seeded::Live(Box::new(Entry { settings: Arc::new(from_file.clone()), paused, stored })));
    }
    if file_changed {
        tracing::warn!(source = %id, "the configuration file's definition changed, but an operator edited the source through the API: the API's definition stands (set pinned = true in the file to make the file win)");
    }
    let origin = format!("the store (source `{id}`, edited through the API)");
    match SourceValidator::parse_json(stored.definition.clone(), &origin).and_then(|d| validator.validate(d, &origin)) {
        Ok(settings) => {
            let paused = stored.paused.clone();
            Ok(Seeded::Live(Box::new(Entry { settings: Arc::new(settings), paused, stored })))
        }
        Err(e) => {
            tracing::error!(source = %id, error = %e, "the API's definition of the source no longer validates; it is not run (its records are kept)");
            Ok(Seeded::Broken(e.to_string()))
        }
    }
}

/// A new registry entry's bookkeeping.
pub(super) fn stored_for(id: &str, definition: serde_json::Value, now: DateTime<Utc>) -> StoredSource {
    StoredSource {
        id: id.to_owned(),
        definition,
        origin: SourceOrigin::Config,
        config_digest: None,
        edited_through_api: false,
        paused: None,
        deleted: None,
        created_at: now,
        updated_at: now,
    }
}

/// The digest of a definition as the file gives it (after environment overrides).
fn digest(definition: &SourceDefinition) -> String {
    let json = serde_json::to_vec(definition).unwrap_or_default();
    let hash = Sha256::digest(&json);
    hash.iter().map(|b| format!("{b:02x}")).collect()
}
