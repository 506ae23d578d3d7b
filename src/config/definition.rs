//! One source's definition as an operator writes it (a `[[sources]]` table, or the input of
//! `createSource` / `updateSource`), and the one validator both go through.
//!
//! `SourceDefinition` is the raw table, serialisable so the store can keep what the API was
//! given and validate it again at every start (a stored definition is never trusted as
//! settings). `SourceValidator` carries what validating one source needs from the rest of
//! the file (its directory for relative paths, the global rules, the taxonomy), so a
//! definition from the API gets exactly the checks and messages `check-config` gives.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use importers::Taxonomy;

use super::env::Overrides;
use super::validate::Context;
use super::{ConfigError, SourceSettings};

pub use super::raw::{RawDefaults as SourceDefaults, RawRule as SourceRule, RawSource as SourceDefinition};

/// Validates one source definition as the configuration file's own sources are validated.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceValidator {
    /// The configuration file's directory: relative local paths are resolved against it.
    pub(super) config_dir: PathBuf,
    pub(super) global_rules: Vec<importers::taxonomy::Rule>,
    pub(super) taxonomy: Arc<Taxonomy>,
}

impl SourceValidator {
    /// `definition` as runtime settings, or the first problem, blamed on `origin` (e.g.
    /// "createSource") with the key (`sources.<id>.<field>`) and the fix.
    pub fn validate(&self, definition: SourceDefinition, origin: &str) -> Result<SourceSettings, ConfigError> {
        let overrides = Overrides::default();
        let cx = Context::new(Path::new(origin), &overrides);
        cx.source(0, definition, &self.config_dir, &self.global_rules, &self.taxonomy)
    }

    /// A definition from JSON (the GraphQL input), with serde's message naming the field
    /// when a key is unknown or a value has the wrong type.
    pub fn parse_json(value: serde_json::Value, origin: &str) -> Result<SourceDefinition, ConfigError> {
        serde_json::from_value(value).map_err(|e| ConfigError::Invalid {
            origin: origin.to_owned(),
            key: "input".to_owned(),
            value: None,
            problem: e.to_string(),
        })
    }
}
