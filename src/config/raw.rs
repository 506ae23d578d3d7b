//! Phase one of configuration: the TOML file as written, deserialized with every default.
//!
//! Values stay close to the text (strings for addresses, URLs, crons, zones and topics; wide
//! integers for bounded numbers) so that `validate` can name the key and the fix when one is
//! wrong, instead of a generic type error. Unknown keys are rejected here by serde. Nothing in
//! this file interprets a value; environment overrides (`env`) and checks (`validate`) do.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The whole file. An empty file is a valid configuration with no sources.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawConfig {
    pub server: RawServer,
    pub store: RawStore,
    pub fetch: RawFetch,
    pub ingest: RawIngest,
    /// Topics beyond the core taxonomy (`[[topics]]`).
    pub topics: Vec<RawTopic>,
    /// Topic and kind rules for every source (`[[rules]]`).
    pub rules: Vec<RawRule>,
    pub sources: Vec<RawSource>,
}

/// One `[[topics]]` table: a topic the operator adds, with its label and optional parent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawTopic {
    pub code: Option<String>,
    pub label: Option<String>,
    pub parent: Option<String>,
}

/// One `[[rules]]` or `[[sources.rules]]` table: exactly one of `code` / `keyword`, and
/// exactly one of `topic` / `kind`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawRule {
    pub code: Option<String>,
    pub keyword: Option<String>,
    pub topic: Option<String>,
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawServer {
    pub listen: String,
    pub max_page_size: u64,
    pub max_query_depth: u64,
    pub max_query_complexity: u64,
    pub max_root_fields: u64,
    pub max_aliases: u64,
    pub introspection: bool,
    pub request_timeout_secs: u64,
    pub cache_max_age_secs: u64,
    pub response_cache: bool,
    pub trusted_documents: Option<String>,
    pub trusted_documents_only: bool,
    pub handshake_timeout_secs: u64,
    pub max_connections: u64,
    pub max_subscriptions_per_connection: u64,
    pub max_websocket_backlog: u64,
    pub cors_origins: Vec<String>,
    pub ready_after_secs: u64,
    pub map_tiles: String,
    /// This instance's id in provenance (what peers see); unset: generated once and kept in the store.
    pub instance_id: Option<String>,
}

impl Default for RawServer {
    fn default() -> Self {
        RawServer {
            listen: "127.0.0.1:8080".to_owned(),
            max_page_size: 100,
            max_query_depth: 20,
            max_query_complexity: 2000,
            max_root_fields: 20,
            max_aliases: 30,
            introspection: true,
            request_timeout_secs: 10,
            cache_max_age_secs: 60,
            response_cache: true,
            trusted_documents: None,
            trusted_documents_only: false,
            handshake_timeout_secs: 10,
            max_connections: 4096,
            max_subscriptions_per_connection: 16,
            max_websocket_backlog: 256,
            cors_origins: vec!["*".to_owned()],
            ready_after_secs: 300,
            map_tiles: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".to_owned(),
            instance_id: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawStore {
    pub path: String,
    pub cache_mb: u64,
}

impl Default for RawStore {
    fn default() -> Self {
        RawStore { path: "data/supportmesh.sled".to_owned(), cache_mb: crate::store::DEFAULT_CACHE_BYTES >> 20 }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawFetch {
    pub timeout_secs: u64,
    pub connect_timeout_secs: u64,
    pub max_body_bytes: u64,
    pub retries: u64,
    pub user_agent: String,
    pub block_private_networks: bool,
    /// Directories local sources may be read from; `None`: the config file's directory.
    pub local_roots: Option<Vec<String>>,
}

impl Default for RawFetch {
    fn default() -> Self {
        RawFetch {
            timeout_secs: 30,
            connect_timeout_secs: 10,
            max_body_bytes: 20_000_000,
            retries: 2,
            user_agent: "supportmesh/0.1 (+https://github.com/supportmesh)".to_owned(),
            block_private_networks: false,
            local_roots: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawIngest {
    pub missing_grace_days: u64,
    pub max_removal_share: f64,
    /// Most documents one run fetches (next pages, tables, detail pages), the first included.
    pub max_documents: u64,
    /// Most pages one `supportmesh` (peer) run fetches, instead of `max_documents`.
    pub max_peer_pages: u64,
}

impl Default for RawIngest {
    fn default() -> Self {
        RawIngest { missing_grace_days: 14, max_removal_share: 0.5, max_documents: 50, max_peer_pages: 10_000 }
    }
}

/// One `[[sources]]` table. `id`, `format` and `url` have no useful default, so they are
/// options here and `validate` says which one is missing.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSource {
    pub id: Option<String>,
    pub name: Option<String>,
    pub format: Option<String>,
    pub url: Option<String>,
    pub schedule: String,
    pub enabled: bool,
    pub trust: i64,
    /// Whether the published feeds may carry this source's listings.
    pub republish: bool,
    pub defaults: RawDefaults,
    /// Local type code -> the format's own code.
    pub codes: BTreeMap<String, String>,
    /// The format's own options (column maps, selector recipes...), checked by the importer.
    pub options: Option<toml::Table>,
    /// This source's topic and kind rules, applied before the global ones.
    pub rules: Vec<RawRule>,
    /// Apply the built-in keyword rules (default: on, except for 12-step meeting formats,
    /// whose names are not about topics).
    pub core_keywords: Option<bool>,
    /// The file's definition wins over the API's: `updateSource` and `deleteSource` refuse
    /// this source, and every start applies the file again (default: the file only seeds it).
    pub pinned: bool,
}

impl Default for RawSource {
    fn default() -> Self {
        RawSource {
            id: None,
            name: None,
            format: None,
            url: None,
            schedule: "0 0 */6 * * *".to_owned(),
            enabled: true,
            trust: 50,
            republish: true,
            defaults: RawDefaults::default(),
            codes: BTreeMap::new(),
            options: None,
            rules: Vec::new(),
            core_keywords: None,
            pinned: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawDefaults {
    pub timezone: String,
    pub country: Option<String>,
    pub topics: Vec<String>,
    pub kind: Option<String>,
}

impl Default for RawDefaults {
    fn default() -> Self {
        RawDefaults { timezone: "UTC".to_owned(), country: None, topics: Vec::new(), kind: None }
    }
}

/// Parses the file text. The error is toml's own message (line, column, the offending key).
pub fn parse(text: &str) -> Result<RawConfig, toml::de::Error> {
    toml::from_str(text)
}
