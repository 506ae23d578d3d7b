//! Phase two of configuration: raw values (already overridden from the environment) become
//! the runtime `Settings`, or the first problem becomes a `ConfigError` naming the origin
//! (file or environment variable), the key and the fix.
//!
//! This file checks the sections and what spans sources (unique ids, and ids that would share
//! environment variable names); one source's own table is checked in `source`, the
//! `[[topics]]` entries in `topics` (first, since rules and defaults name topics). It also owns
//! how keys are named in messages (`server.listen`, `sources.sepa.schedule`, `sources[2].id`)
//! so that `env` can blame a variable with the same key.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::definition::SourceValidator;
use super::env::Overrides;
use super::raw::{RawConfig, RawFetch, RawIngest, RawServer, RawSource, RawStore};
use super::source::valid_id;
use super::{
    ConfigError, CorsOrigins, FetchSettings, IngestSettings, ServerSettings, Settings, SourceSettings, StoreSettings,
    TrustedDocumentsSettings,
};

pub fn validate(
    raw: RawConfig,
    origin: &Path,
    overrides: &Overrides,
    operator_token: Option<String>,
) -> Result<Settings, ConfigError> {
    let cx = Context { origin, overrides };
    let bad = |key: &str, value: Option<String>, problem: String| cx.invalid(key, value, problem);
    let server = server(&cx, raw.server)?;
    let store = store(&cx, raw.store)?;
    let fetch = fetch(&cx, raw.fetch)?;
    let ingest = ingest(&cx, raw.ingest)?;
    let topics = Arc::new(super::topics::taxonomy(&raw.topics, &bad)?);
    let global = super::rules::rules(&raw.rules, "rules", &topics, &bad)?;
    let definitions = raw.sources.clone();
    let validator = SourceValidator {
        config_dir: origin.parent().unwrap_or(Path::new("")).to_path_buf(),
        global_rules: global,
        taxonomy: topics.clone(),
    };
    let sources = sources(&cx, raw.sources, &validator)?;
    Ok(Settings {
        server,
        store,
        fetch,
        ingest,
        topics,
        sources,
        source_definitions: definitions,
        source_validator: validator,
        operator_token,
    })
}

fn server(cx: &Context, raw: RawServer) -> Result<ServerSettings, ConfigError> {
    let listen = raw.listen.trim().parse::<SocketAddr>().map_err(|_| {
        let fix = "not a socket address; use IP:PORT, e.g. \"127.0.0.1:8080\" or \"[::]:8080\"";
        cx.invalid("server.listen", quoted(&raw.listen), fix)
    })?;
    let count = |key: &str, value: u64| -> Result<usize, ConfigError> {
        Ok(usize::try_from(cx.at_least(key, value, 1)?).unwrap_or(usize::MAX))
    };
    let secs = |key: &str, value: u64| -> Result<Duration, ConfigError> {
        Ok(Duration::from_secs(cx.at_least(key, value, 1)?))
    };
    Ok(ServerSettings {
        listen,
        max_page_size: count("server.max_page_size", raw.max_page_size)?,
        max_query_depth: count("server.max_query_depth", raw.max_query_depth)?,
        max_query_complexity: count("server.max_query_complexity", raw.max_query_complexity)?,
        max_root_fields: count("server.max_root_fields", raw.max_root_fields)?,
        max_aliases: count("server.max_aliases", raw.max_aliases)?,
        introspection: raw.introspection,
        request_timeout: secs("server.request_timeout_secs", raw.request_timeout_secs)?,
        cache_max_age_secs: raw.cache_max_age_secs,
        response_cache: raw.response_cache,
        trusted_documents: trusted_documents(cx, raw.trusted_documents.as_deref(), raw.trusted_documents_only)?,
        handshake_timeout: secs("server.handshake_timeout_secs", raw.handshake_timeout_secs)?,
        max_connections: count("server.max_connections", raw.max_connections)?,
        max_subscriptions_per_connection: count(
            "server.max_subscriptions_per_connection",
            raw.max_subscriptions_per_connection,
        )?,
        max_websocket_backlog: websocket_backlog(cx, raw.max_websocket_backlog)?,
        cors_origins: cors_origins(cx, &raw.cors_origins)?,
        ready_after: Duration::from_secs(raw.ready_after_secs),
        map_tiles: map_tiles(cx, &raw.map_tiles)?,
        instance_id: instance_id(cx, raw.instance_id.as_deref())?,
    })
}

/// `server.instance_id`: 1 to 64 letters, digits, `-`, `_`, `.` or `:` (it travels in
/// provenance and peers compare it); unset or empty: the store's own.
fn instance_id(cx: &Context, raw: Option<&str>) -> Result<Option<String>, ConfigError> {
    let Some(id) = raw.map(str::trim).filter(|id| !id.is_empty()) else { return Ok(None) };
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':');
    if id.len() > 64 || !id.chars().all(allowed) {
        let fix = "use 1 to 64 letters, digits, '-', '_', '.' or ':', e.g. \"north-intergroup\" (or leave it unset)";
        return Err(cx.invalid("server.instance_id", quoted(id), fix));
    }
    Ok(Some(id.to_owned()))
}

/// The manifest path, anchored at the config file's directory; `only` needs a manifest.
fn trusted_documents(
    cx: &Context,
    manifest: Option<&str>,
    only: bool,
) -> Result<Option<TrustedDocumentsSettings>, ConfigError> {
    match manifest.map(str::trim).filter(|m| !m.is_empty()) {
        Some(path) => {
            let path = Path::new(path);
            let manifest = match (path.is_relative(), cx.origin.parent()) {
                (true, Some(dir)) => dir.join(path),
                _ => path.to_owned(),
            };
            Ok(Some(TrustedDocumentsSettings { manifest, only }))
        }
        None if only => Err(cx.invalid(
            "server.trusted_documents_only",
            "true".to_owned(),
            "needs server.trusted_documents, the path of the manifest of allowed operations",
        )),
        None => Ok(None),
    }
}

/// `["*"]` is any origin; otherwise each entry is one exact origin without a path.
fn cors_origins(cx: &Context, raw: &[String]) -> Result<CorsOrigins, ConfigError> {
    let origins: Vec<&str> = raw.iter().map(|o| o.trim()).filter(|o| !o.is_empty()).collect();
    if origins.contains(&"*") {
        return Ok(CorsOrigins::Any);
    }
    let mut out = Vec::with_capacity(origins.len());
    for origin in origins {
        let parsed = url::Url::parse(origin).ok().filter(|u| {
            matches!(u.scheme(), "http" | "https") && u.host().is_some() && u.path() == "/" && !origin.ends_with('/')
        });
        if parsed.is_none() {
            let fix = "not an origin; use \"*\" for any, or scheme://host[:port] with no path, e.g. \"https://groups.example.org\"";
            return Err(cx.invalid("server.cors_origins", quoted(origin), fix));
        }
        out.push(origin.to_owned());
    }
    Ok(CorsOrigins::Only(out))
}

/// Empty is no tiles; otherwise an http(s) URL template with `{z}`, `{x}` and `{y}`.
fn map_tiles(cx: &Context, raw: &str) -> Result<Option<String>, ConfigError> {
    let template = raw.trim();
    if template.is_empty() {
        return Ok(None);
    }
    let placeholders = ["{z}", "{x}", "{y}"].iter().all(|p| template.contains(p));
    let scheme = template.starts_with("https://") || template.starts_with("http://");
    if !placeholders || !scheme {
        let fix = "use an http(s) tile URL template with {z}, {x} and {y}, e.g. \"https://tile.openstreetmap.org/{z}/{x}/{y}.png\", or \"\" for a map without tiles";
        return Err(cx.invalid("server.map_tiles", quoted(template), fix));
    }
    Ok(Some(template.to_owned()))
}

fn store(cx: &Context, raw: RawStore) -> Result<StoreSettings, ConfigError> {
    if raw.path.trim().is_empty() {
        let fix = "empty; give a directory for the sled store, e.g. \"data/supportmesh.sled\"";
        return Err(cx.invalid("store.path", quoted(&raw.path), fix));
    }
    Ok(StoreSettings { path: raw.path.into(), cache_bytes: store_cache(cx, raw.cache_mb)? << 20 })
}

/// sled's page cache, in MiB: at least 8, at most 65,536. What the service searches and
/// matches against lives in its own indexes, so the cache holds only the documents being read
/// and written; a larger one mostly adds to the memory the service holds.
fn store_cache(cx: &Context, mb: u64) -> Result<u64, ConfigError> {
    const MAX_CACHE_MB: u64 = 65_536;
    let mb = cx.at_least("store.cache_mb", mb, 8)?;
    if mb > MAX_CACHE_MB {
        return Err(cx.invalid("store.cache_mb", mb.to_string(), format!("must be at most {MAX_CACHE_MB} (64 GiB)")));
    }
    Ok(mb)
}

fn fetch(cx: &Context, raw: RawFetch) -> Result<FetchSettings, ConfigError> {
    let secs = |key: &str, value: u64| -> Result<Duration, ConfigError> {
        Ok(Duration::from_secs(cx.at_least(key, value, 1)?))
    };
    let retries = u32::try_from(raw.retries).ok().filter(|retries| *retries <= 10);
    let Some(retries) = retries else {
        return Err(cx.invalid("fetch.retries", raw.retries.to_string(), "at most 10 extra attempts"));
    };
    let agent = raw.user_agent.trim();
    if agent.is_empty() || !agent.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        let problem = "must be non-empty printable ASCII";
        return Err(cx.invalid("fetch.user_agent", quoted(&raw.user_agent), problem));
    }
    Ok(FetchSettings {
        timeout: secs("fetch.timeout_secs", raw.timeout_secs)?,
        connect_timeout: secs("fetch.connect_timeout_secs", raw.connect_timeout_secs)?,
        max_body_bytes: cx.at_least("fetch.max_body_bytes", raw.max_body_bytes, 1)?,
        retries,
        user_agent: agent.to_owned(),
        block_private_networks: raw.block_private_networks,
        local_roots: local_roots(cx, raw.local_roots),
    })
}

/// `fetch.local_roots` as configured, relative entries joined to the config file's
/// directory; unset, that directory alone. Whether they exist is checked when a file is read.
fn local_roots(cx: &Context, raw: Option<Vec<String>>) -> Vec<PathBuf> {
    let config_dir = match cx.origin.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match raw {
        None => vec![config_dir],
        Some(roots) => roots
            .iter()
            .map(|root| root.trim())
            .filter(|root| !root.is_empty())
            .map(|root| config_dir.join(root))
            .collect(),
    }
}

fn ingest(cx: &Context, raw: RawIngest) -> Result<IngestSettings, ConfigError> {
    let share = raw.max_removal_share;
    if !(0.0..=1.0).contains(&share) {
        let problem = "must be a share between 0.0 and 1.0, e.g. 0.5";
        return Err(cx.invalid("ingest.max_removal_share", share.to_string(), problem));
    }
    let days = raw.missing_grace_days;
    if days > 3650 {
        return Err(cx.invalid("ingest.missing_grace_days", days.to_string(), "at most 3650 days"));
    }
    let max_documents =
        usize::try_from(cx.at_least("ingest.max_documents", raw.max_documents, 1)?).unwrap_or(usize::MAX);
    let max_peer_pages =
        usize::try_from(cx.at_least("ingest.max_peer_pages", raw.max_peer_pages, 1)?).unwrap_or(usize::MAX);
    Ok(IngestSettings {
        missing_grace: Duration::from_secs(days * 86_400),
        max_removal_share: share,
        max_documents,
        max_peer_pages,
    })
}

/// Each source on its own (`source.rs`), then unique ids, also once '-' reads as '_' as in
/// environment variable names.
fn sources(cx: &Context, raw: Vec<RawSource>, v: &SourceValidator) -> Result<Vec<SourceSettings>, ConfigError> {
    let mut sources: Vec<SourceSettings> = Vec::with_capacity(raw.len());
    let mut env_ids: BTreeMap<String, usize> = BTreeMap::new();
    for (index, raw_source) in raw.into_iter().enumerate() {
        let source = cx.source(index, raw_source, &v.config_dir, &v.global_rules, &v.taxonomy)?;
        let env_id = source.id.replace('-', "_");
        if let Some(&first) = env_ids.get(&env_id) {
            let problem = if sources[first].id == source.id {
                format!("duplicate source id (also sources[{first}]); ids must be unique")
            } else {
                let var = format!("SUPPORTMESH_SOURCES_{}_*", env_id.to_ascii_uppercase());
                format!("clashes with sources[{first}] id {:?}: both would be {var}; rename one", sources[first].id)
            };
            return Err(cx.invalid(&format!("sources[{index}].id"), quoted(&source.id), problem));
        }
        env_ids.insert(env_id, index);
        sources.push(source);
    }
    Ok(sources)
}

/// How errors and overrides name a source's key: by id once the id is usable, else by index.
pub fn source_key(index: usize, id: Option<&str>, field: &str) -> String {
    match id {
        Some(id) if valid_id(id) => format!("sources.{id}.{field}"),
        _ => format!("sources[{index}].{field}"),
    }
}

pub(super) struct Context<'a> {
    origin: &'a Path,
    overrides: &'a Overrides,
}

impl<'a> Context<'a> {
    pub(super) fn new(origin: &'a Path, overrides: &'a Overrides) -> Self {
        Context { origin, overrides }
    }

    pub(super) fn invalid(
        &self,
        key: &str,
        value: impl Into<Option<String>>,
        problem: impl Into<String>,
    ) -> ConfigError {
        let file = self.origin.display();
        let origin = match self.overrides.get(key) {
            Some(var) => format!("environment variable {var} (overriding {file})"),
            None => file.to_string(),
        };
        ConfigError::Invalid { origin, key: key.to_owned(), value: value.into(), problem: problem.into() }
    }

    fn at_least(&self, key: &str, value: u64, min: u64) -> Result<u64, ConfigError> {
        match value >= min {
            true => Ok(value),
            false => Err(self.invalid(key, value.to_string(), format!("must be at least {min}"))),
        }
    }
}

/// The most messages queued for one WebSocket: at least 1, and at most `MAX_WEBSOCKET_BACKLOG`
/// (a backlog so long that it never fills would let a stalled client hold memory for good).
fn websocket_backlog(cx: &Context, value: u64) -> Result<usize, ConfigError> {
    const MAX_WEBSOCKET_BACKLOG: u64 = 65_536;
    let value = cx.at_least("server.max_websocket_backlog", value, 1)?;
    if value > MAX_WEBSOCKET_BACKLOG {
        let why =
            format!("must be at most {MAX_WEBSOCKET_BACKLOG}: a client that lets more pile up has stopped reading");
        return Err(cx.invalid("server.max_websocket_backlog", value.to_string(), why));
    }
    Ok(value as usize)
}

pub(super) fn quoted(text: &str) -> Option<String> {
    Some(format!("{text:?}"))
}
