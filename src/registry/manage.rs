//! What operators do to sources through the API: create, update, delete, pause, resume.
//! Each validates with the configuration's own validator, writes the store first and then
//! the live registry, and returns the change (before and after) for the audit log.

use std::sync::Arc;

use chrono::Utc;

use super::seed::stored_for;
use super::{Entry, SourceRegistry};
use crate::config::{ConfigError, SourceDefinition, SourceValidator};
use crate::model::{SourceOrigin, Stamp, StoredSource};

/// Why a change to a source was refused.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The definition does not validate: the same message `check-config` gives.
    #[error("{0}")]
    Invalid(#[from] ConfigError),
    #[error("a source with id `{0}` already exists")]
    Exists(String),
    #[error("no source with id `{0}` exists")]
    Unknown(String),
    #[error(
        "source `{0}` is pinned by the configuration file (pinned = true): change or remove it there, or unpin it"
    )]
    Pinned(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// A change made: the stored source before and after (`None`: it did not exist / is gone).
#[derive(Debug, Clone)]
pub struct Change {
    pub before: Option<StoredSource>,
    pub after: Option<StoredSource>,
    /// The live entry after the change (`None` once deleted).
    pub entry: Option<Entry>,
}

impl SourceRegistry {
    /// Validates `definition` as `origin` would be blamed for it, without saving anything.
    pub fn validate(
        &self,
        definition: SourceDefinition,
        origin: &str,
    ) -> Result<crate::config::SourceSettings, ConfigError> {
        self.inner.validator.validate(definition, origin)
    }

    /// The definition an update would save: the stored one with `patch`'s keys replacing its
    /// own (`defaults` key by key).
    pub fn patched(&self, id: &str, patch: serde_json::Value, origin: &str) -> Result<SourceDefinition, RegistryError> {
        let entry = self.entry(id).ok_or_else(|| RegistryError::Unknown(id.to_owned()))?;
        let serde_json::Value::Object(mut merged) = entry.stored.definition else {
            return Err(RegistryError::Internal(anyhow::anyhow!(
                "source `{id}`: the stored definition is not a table"
            )));
        };
        if let serde_json::Value::Object(patch) = patch {
            for (key, value) in patch {
                match (key.as_str(), merged.get_mut("defaults"), value) {
                    ("defaults", Some(serde_json::Value::Object(old)), serde_json::Value::Object(new)) => {
                        old.extend(new);
                    }
                    (_, _, value) => {
                        merged.insert(key, value);
                    }
                }
            }
        }
        merged.insert("id".into(), serde_json::Value::String(id.to_owned()));
        Ok(SourceValidator::parse_json(serde_json::Value::Object(merged), origin)?)
    }

    /// Adds a source defined through the API.
    pub fn create(&self, definition: SourceDefinition) -> Result<Change, RegistryError> {
        let settings = self.validate(definition.clone(), "createSource")?;
        let mut state = self.write();
        let id = settings.id.clone();
        if state.entries.iter().any(|e| e.settings.id == id) || state.broken.iter().any(|(b, _)| *b == id) {
            return Err(RegistryError::Exists(id));
        }
        let now = Utc::now();
        let before = self.inner.store.stored_source(&id)?;
        let stored = StoredSource {
            origin: SourceOrigin::Api,
            edited_through_api: true,
            created_at: before.as_ref().map_or(now, |b| b.created_at),
            ..stored_for(&id, serde_json::to_value(&definition).map_err(anyhow::Error::from)?, now)
        };
        self.inner.store.put_stored_source(&stored)?;
        let entry = Entry { settings: Arc::new(settings), paused: None, stored: stored.clone() };
        state.entries.push(entry.clone());
        drop(state);
        self.changed();
        Ok(Change { before, after: Some(stored), entry: Some(entry) })
    }

    /// Replaces a source's definition (see `patched`).
    pub fn update(&self, definition: SourceDefinition) -> Result<Change, RegistryError> {
        let settings = self.validate(definition.clone(), "updateSource")?;
        let mut state = self.write();
        let id = settings.id.clone();
        let pos =
            state.entries.iter().position(|e| e.settings.id == id).ok_or_else(|| RegistryError::Unknown(id.clone()))?;
        if state.entries[pos].settings.pinned {
            return Err(RegistryError::Pinned(id));
        }
        let before = state.entries[pos].stored.clone();
        let stored = StoredSource {
            definition: serde_json::to_value(&definition).map_err(anyhow::Error::from)?,
            edited_through_api: true,
            updated_at: Utc::now(),
            ..before.clone()
        };
        self.inner.store.put_stored_source(&stored)?;
        let entry = Entry { settings: Arc::new(settings), paused: stored.paused.clone(), stored: stored.clone() };
        state.entries[pos] = entry.clone();
        drop(state);
        self.changed();
        Ok(Change { before: Some(before), after: Some(stored), entry: Some(entry) })
    }

    /// Deletes a source: it stops running at once; its records are retired by the caller
    /// (they go missing, then leave after the grace period).
    pub fn delete(&self, id: &str, actor: &str, reason: Option<String>) -> Result<Change, RegistryError> {
        let mut state = self.write();
        let pos = state.entries.iter().position(|e| e.settings.id == id);
        let broken = state.broken.iter().position(|(b, _)| b == id);
        let before = match (pos, broken) {
            (Some(pos), _) if state.entries[pos].settings.pinned => return Err(RegistryError::Pinned(id.to_owned())),
            (Some(pos), _) => state.entries[pos].stored.clone(),
            (None, Some(_)) => {
                self.inner.store.stored_source(id)?.ok_or_else(|| RegistryError::Unknown(id.to_owned()))?
            }
            (None, None) => return Err(RegistryError::Unknown(id.to_owned())),
        };
        let now = Utc::now();
        let stored = StoredSource {
            deleted: Some(Stamp { at: now, by: actor.to_owned(), reason }),
            updated_at: now,
            ..before.clone()
        };
        self.inner.store.put_stored_source(&stored)?;
        if let Some(pos) = pos {
            state.entries.remove(pos);
        }
        if let Some(b) = broken {
            state.broken.remove(b);
        }
        drop(state);
        self.changed();
        Ok(Change { before: Some(before), after: Some(stored), entry: None })
    }

    /// Pauses (`Some` reason or not) or resumes (`pause = false`) a source.
    pub fn set_paused(
        &self,
        id: &str,
        pause: bool,
        actor: &str,
        reason: Option<String>,
    ) -> Result<Change, RegistryError> {
        let mut state = self.write();
        let pos = state
            .entries
            .iter()
            .position(|e| e.settings.id == id)
            .ok_or_else(|| RegistryError::Unknown(id.to_owned()))?;
        let before = state.entries[pos].stored.clone();
        match (pause, before.paused.is_some()) {
            (true, true) => return Err(RegistryError::Conflict(format!("source `{id}` is already paused"))),
            (false, false) => return Err(RegistryError::Conflict(format!("source `{id}` is not paused"))),
            _ => {}
        }
        let now = Utc::now();
        let paused = pause.then(|| Stamp { at: now, by: actor.to_owned(), reason });
        let stored = StoredSource { paused: paused.clone(), updated_at: now, ..before.clone() };
        self.inner.store.put_stored_source(&stored)?;
        state.entries[pos].paused = paused;
        state.entries[pos].stored = stored.clone();
        let entry = state.entries[pos].clone();
        drop(state);
        self.changed();
        Ok(Change { before: Some(before), after: Some(stored), entry: Some(entry) })
    }
}
