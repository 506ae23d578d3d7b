//! Configuration: the TOML file plus `SUPPORTMESH_*` environment overrides, validated into
//! the runtime `Settings` the rest of the service is handed explicitly (no globals).
//!
//! Two phases, as ripgrep goes from raw flags to validated values: `raw` deserializes the
//! file with every default and rejects unknown keys, `env` applies environment overrides to
//! those raw values, and `validate` (with `source` for each `[[sources]]` table and `topics`
//! for `[[topics]]`) turns them into parsed addresses, URLs, paths, crons, the topic taxonomy
//! and `importers::SourceOptions`, failing with a message that names the file (or variable),
//! the key and the fix. This module reads one file and the environment; it does not watch
//! files, parse command-line flags (the CLI applies `--listen` on top) or schedule anything.

mod definition;
mod env;
mod raw;
mod rules;
mod source;
mod topics;
mod validate;

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use importers::{Format, SourceOptions, Taxonomy};

pub use definition::{SourceDefaults, SourceDefinition, SourceRule, SourceValidator};
pub use source::normalize_cron;

/// Where `load` looks when no path is given and `SUPPORTMESH_CONFIG` is unset.
pub const DEFAULT_CONFIG_PATH: &str = "config/supportmesh.toml";
/// Names the configuration file to load.
pub const CONFIG_PATH_VAR: &str = "SUPPORTMESH_CONFIG";
/// The bearer token operator mutations require. Only ever read from the environment.
pub const OPERATOR_TOKEN_VAR: &str = "SUPPORTMESH_OPERATOR_TOKEN";

/// The validated configuration of one service process.
#[derive(Clone, PartialEq)]
pub struct Settings {
    pub server: ServerSettings,
    pub store: StoreSettings,
    pub fetch: FetchSettings,
    pub ingest: IngestSettings,
    /// Every known topic: the core taxonomy plus `[[topics]]`, with labels and parents. Rules
    /// and source defaults name only these; the API serves them (`topics`).
    pub topics: Arc<Taxonomy>,
    pub sources: Vec<SourceSettings>,
    /// The `[[sources]]` tables as written (after environment overrides), in file order: what
    /// the store's source registry is seeded from (`crate::registry`).
    pub source_definitions: Vec<SourceDefinition>,
    /// Validates a source defined through the API exactly as the file's sources were.
    pub source_validator: SourceValidator,
    /// From `SUPPORTMESH_OPERATOR_TOKEN` only; `None` when unset or empty.
    pub operator_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerSettings {
    pub listen: SocketAddr,
    pub max_page_size: usize,
    pub max_query_depth: usize,
    pub max_query_complexity: usize,
    /// Most root fields in one operation (aliases of one field count apart).
    pub max_root_fields: usize,
    /// Most aliased fields in one operation.
    pub max_aliases: usize,
    /// Whether `__schema`/`__type` are answered (tools and codegen need them; production may
    /// switch them off). `_service { sdl }` stays on for gateways.
    pub introspection: bool,
    /// A request still running after this is cancelled with a `TIMEOUT` error.
    pub request_timeout: Duration,
    /// `Cache-Control: public, max-age=N` on successful GET queries; 0 sends `no-store`.
    pub cache_max_age_secs: u64,
    /// Keep successful anonymous answers for repeats while the store is unchanged
    /// (`response_cache`).
    pub response_cache: bool,
    /// An operator's manifest of allowed operations (Apollo's persisted query manifest), and
    /// whether anything else is refused.
    pub trusted_documents: Option<TrustedDocumentsSettings>,
    /// Time a client has to send its request headers, or a WebSocket its `connection_init`.
    pub handshake_timeout: Duration,
    /// Open connections beyond this are refused at accept.
    pub max_connections: usize,
    pub max_subscriptions_per_connection: usize,
    /// Messages queued for one WebSocket beyond what its socket has taken; a client that lets
    /// more pile up has stopped reading and is dropped.
    pub max_websocket_backlog: usize,
    /// Origins whose pages may call `/graphql` from a browser: `["*"]` (any) or exact origins.
    pub cors_origins: CorsOrigins,
    /// `/readyz` answers ready this long after start even if some source has never run.
    pub ready_after: Duration,
    /// The finder page's map tile URL template (`{z}/{x}/{y}`); `None`: a map without tiles.
    pub map_tiles: Option<String>,
    /// This instance's id, as peers see it in provenance (`instance_id`); `None`: the one
    /// generated once and kept in the store.
    pub instance_id: Option<String>,
}

/// Where the trusted documents manifest is, and what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedDocumentsSettings {
    /// Relative paths resolve against the config file's directory.
    pub manifest: PathBuf,
    /// Refuse every operation that is not in the manifest (else the manifest only
    /// pre-registers them, so clients may send their ids).
    pub only: bool,
}

/// Which browser origins may call the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    Any,
    /// Exact origins, `scheme://host[:port]`, as browsers send them.
    Only(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoreSettings {
    /// As written: a relative path resolves against the current directory.
    pub path: PathBuf,
    /// The most bytes of sled's page cache (`store.cache_mb`).
    pub cache_bytes: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FetchSettings {
    /// Total time for one attempt, connecting to the last body byte.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_body_bytes: u64,
    /// Extra attempts after the first, for network errors, 5xx and 429.
    pub retries: u32,
    pub user_agent: String,
    /// Refuse loopback, private, link-local and unspecified addresses (SSRF guard).
    pub block_private_networks: bool,
    /// Local documents are read only from inside these directories (symlinks resolved, by
    /// `fetch`); as configured, relative ones joined to the config file's directory, which is
    /// the only root when `fetch.local_roots` is unset.
    pub local_roots: Vec<PathBuf>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IngestSettings {
    /// How long a record may be missing from its feed before it is removed.
    pub missing_grace: Duration,
    /// A run that would mark more than this share (0.0..=1.0) of a source's records missing
    /// is held for an operator.
    pub max_removal_share: f64,
    /// Most documents one run fetches (next pages, tables, detail pages), the first included.
    pub max_documents: usize,
    /// Most pages one `supportmesh` (peer) run fetches, the root included, instead of
    /// `max_documents`: a peer pages through any size up to this.
    pub max_peer_pages: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceSettings {
    /// `[a-z0-9_-]+`, unique.
    pub id: String,
    pub name: String,
    pub format: Format,
    pub location: SourceLocation,
    /// Six fields, seconds first, single-spaced (a 5-field cron gets `0` seconds prepended).
    pub schedule: String,
    pub enabled: bool,
    /// 0..=100, for merging.
    pub trust: u8,
    /// False keeps this source's listings out of every published feed (`src/publish`), for
    /// sources whose terms forbid republishing; its groups still show in the API.
    pub republish: bool,
    /// The configuration file's definition wins over the API's (`pinned = true`).
    pub pinned: bool,
    pub options: SourceOptions,
}

/// Where a source's document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceLocation {
    Http(url::Url),
    /// A local file; a plain relative path in the config is resolved against the config
    /// file's directory.
    File(PathBuf),
}

/// Why the configuration cannot be used. Every message names where the bad value came from.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read the configuration file: {source} (pass --config PATH or set SUPPORTMESH_CONFIG)", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: {}", path.display(), message.trim_end())]
    Parse { path: PathBuf, message: String },
    /// `origin` is the file, or the environment variable that supplied the value.
    #[error("{origin}: {key}{}: {problem}", shown(value.as_deref()))]
    Invalid { origin: String, key: String, value: Option<String>, problem: String },
    #[error("environment variable {var}={value:?}: {problem}")]
    Env { var: String, value: String, problem: String },
}

impl Settings {
    /// Loads `path`, else `$SUPPORTMESH_CONFIG`, else `config/supportmesh.toml` (built-in
    /// defaults when that default file does not exist), then applies the process environment.
    pub fn load(path: Option<&Path>) -> Result<Settings, ConfigError> {
        Settings::load_with_env(path, process_env())
    }

    /// `load` with the environment given as (name, value) pairs, for tests.
    pub fn load_with_env<I>(path: Option<&Path>, vars: I) -> Result<Settings, ConfigError>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let vars = env::Vars::new(vars);
        let (path, explicit) = match (path, vars.get(CONFIG_PATH_VAR)) {
            (Some(path), _) => (path.to_path_buf(), true),
            (None, Some(from_env)) => (PathBuf::from(from_env), true),
            (None, None) => (PathBuf::from(DEFAULT_CONFIG_PATH), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if !explicit && err.kind() == std::io::ErrorKind::NotFound => {
                tracing::warn!(path = %path.display(), "no configuration file; using built-in defaults");
                String::new()
            }
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        Settings::parse(&text, &path, &vars)
    }

    /// Parses configuration text without looking at the environment. `origin` names the file
    /// in messages, and its directory anchors relative source paths.
    pub fn from_toml_str(text: &str, origin: &Path) -> Result<Settings, ConfigError> {
        Settings::parse(text, origin, &env::Vars::default())
    }

    /// `from_toml_str`, then the given environment overrides.
    pub fn from_toml_str_with_env<I>(text: &str, origin: &Path, vars: I) -> Result<Settings, ConfigError>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        Settings::parse(text, origin, &env::Vars::new(vars))
    }

    /// The source with this id, enabled or not.
    pub fn source(&self, id: &str) -> Option<&SourceSettings> {
        self.sources.iter().find(|source| source.id == id)
    }

    pub fn enabled_sources(&self) -> impl Iterator<Item = &SourceSettings> {
        self.sources.iter().filter(|source| source.enabled)
    }

    fn parse(text: &str, origin: &Path, vars: &env::Vars) -> Result<Settings, ConfigError> {
        let mut raw = raw::parse(text)
            .map_err(|err| ConfigError::Parse { path: origin.to_path_buf(), message: err.to_string() })?;
        let overrides = env::apply(&mut raw, vars)?;
        validate::validate(raw, origin, &overrides, vars.operator_token())
    }
}

impl Default for Settings {
    /// The built-in defaults: what an empty file gives.
    fn default() -> Self {
        Settings::from_toml_str("", Path::new("<built-in defaults>")).expect("the built-in defaults are valid (tested)")
    }
}

impl fmt::Debug for Settings {
    /// Like a derived Debug, but never prints the operator token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("server", &self.server)
            .field("store", &self.store)
            .field("fetch", &self.fetch)
            .field("ingest", &self.ingest)
            .field("topics", &self.topics)
            .field("sources", &self.sources)
            .field("source_definitions", &self.source_definitions)
            .field("source_validator", &self.source_validator)
            .field("operator_token", &self.operator_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl fmt::Display for SourceLocation {
    /// The URL as errors and logs show it (no credentials, `?...` for the query: see
    /// `fetch::redact`), or the path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceLocation::Http(url) => f.write_str(&crate::fetch::redact::url(url)),
            SourceLocation::File(path) => write!(f, "{}", path.display()),
        }
    }
}

impl SourceLocation {
    /// What the public API shows: the redacted URL (see `Display`); for local files only the
    /// file name.
    pub fn public(&self) -> String {
        match self {
            SourceLocation::Http(url) => crate::fetch::redact::url(url),
            SourceLocation::File(path) => {
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
            }
        }
    }
}

/// A short human summary for `supportmesh check-config`.
pub fn check_report(settings: &Settings) -> String {
    let fetch = &settings.fetch;
    let enabled = settings.enabled_sources().count();
    let core = settings.topics.topics().iter().filter(|t| t.core).count();
    let added: Vec<&str> = settings.topics.topics().iter().filter(|t| !t.core).map(|t| t.topic.as_str()).collect();
    let roots: Vec<String> = fetch.local_roots.iter().map(|r| r.display().to_string()).collect();
    let mut out = format!(
        "listen   {}\nstore    {}\nfetch    timeout {}s, body limit {} bytes, {} retries, private networks {}\n\
         local    files only under {}\n\
         operator {}\ntopics   {} core, {} configured{}\nsources  {} configured, {enabled} enabled\n",
        settings.server.listen,
        settings.store.path.display(),
        fetch.timeout.as_secs(),
        fetch.max_body_bytes,
        fetch.retries,
        if fetch.block_private_networks { "blocked" } else { "allowed" },
        if roots.is_empty() { "(none: local sources are refused)".to_owned() } else { roots.join(", ") },
        if settings.operator_token.is_some() { "token set" } else { "no token: operator mutations are refused" },
        core,
        added.len(),
        if added.is_empty() { String::new() } else { format!(" ({})", added.join(", ")) },
        settings.sources.len(),
    );
    let id_width = settings.sources.iter().map(|s| s.id.len()).max().unwrap_or(0);
    let location_width = settings.sources.iter().map(|s| s.location.to_string().len()).max().unwrap_or(0);
    for source in &settings.sources {
        out.push_str(&format!(
            "  {:id_width$}  {:<13}  {:location_width$}  schedule \"{}\"{}\n",
            source.id,
            source.format.as_str(),
            source.location.to_string(),
            source.schedule,
            if source.enabled { "" } else { "  (disabled)" },
        ));
    }
    out
}

/// The process environment as UTF-8 pairs. Variables that are not valid UTF-8 cannot be ours
/// in any useful way and are skipped rather than panicking as `std::env::vars` would.
fn process_env() -> Vec<(String, String)> {
    std::env::vars_os().filter_map(|(key, value)| Some((key.into_string().ok()?, value.into_string().ok()?))).collect()
}

fn shown(value: Option<&str>) -> String {
    match value {
        Some(value) => format!(" = {value}"),
        None => " is missing".to_owned(),
    }
}

#[cfg(test)]
mod tests;
