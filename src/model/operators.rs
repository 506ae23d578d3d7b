//! What operators leave in the store: the sources they define (`StoredSource`), their named
//! tokens (`OperatorToken`, hashed, never the token itself) and the audit log (`AuditEntry`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A source as the registry keeps it: the definition as given (validated again at every
/// start), where it came from and what operators did to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSource {
    pub id: String,
    /// The `[[sources]]` table as JSON (`config::SourceDefinition`).
    pub definition: serde_json::Value,
    pub origin: SourceOrigin,
    /// Digest of the configuration file's definition last applied (config sources only): a
    /// file edited since is applied again unless the API has edited the source.
    pub config_digest: Option<String>,
    /// Changed through `updateSource` since it was seeded from the file.
    pub edited_through_api: bool,
    pub paused: Option<Stamp>,
    pub deleted: Option<Stamp>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where a source's definition came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceOrigin {
    Config,
    Api,
}

/// Who did something and when, with their reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: Option<String>,
}

/// A named operator token. Only the SHA-256 of the token is stored (its key in the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorToken {
    pub id: String,
    pub name: String,
    /// The first characters of the token, so an operator can tell tokens apart.
    pub prefix: String,
    pub created: Stamp,
    pub revoked: Option<Stamp>,
}

/// One operator action: who, what, when, on what, and the state before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Increasing from 1: the log's order and the cursor of its pages.
    pub seq: u64,
    pub at: DateTime<Utc>,
    /// The operator token's name (`env` for `SUPPORTMESH_OPERATOR_TOKEN`).
    pub actor: String,
    /// The mutation, e.g. `updateSource`.
    pub action: String,
    /// What it acted on, e.g. a source id, a run id, a pair of records.
    pub target: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}
