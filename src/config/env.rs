//! Environment overrides: `SUPPORTMESH_<SECTION>_<KEY>` replaces one raw value before
//! validation, and `SUPPORTMESH_SOURCES_<ID>_{ENABLED,URL,SCHEDULE,TRUST,REPUBLISH}` one source's.
//!
//! The environment is passed in as pairs so tests never touch the process environment. A
//! value that does not parse is an error naming the variable; a variable in a known section
//! that matches no key (a typo) is an error too, since a silently ignored override is worse
//! than a failed start. Other `SUPPORTMESH_*` names (the config path, the operator token, or
//! whatever other parts of the service read) are left alone. Overridden keys are returned so
//! `validate` can blame the variable rather than the file.

use std::collections::BTreeMap;

use super::raw::RawConfig;
use super::ConfigError;

/// Keys, as `validate` names them, whose value came from the environment -> the variable.
pub type Overrides = BTreeMap<String, String>;

/// The environment as given; later pairs win over earlier ones with the same name.
#[derive(Debug, Default)]
pub struct Vars(BTreeMap<String, String>);

const PREFIX: &str = "SUPPORTMESH_";

/// Every overridable setting outside `[[sources]]`, as `section.key`.
const KEYS: [&str; 33] = [
    "server.listen",
    "server.cors_origins",
    "server.max_page_size",
    "server.max_query_depth",
    "server.max_query_complexity",
    "server.max_root_fields",
    "server.max_aliases",
    "server.introspection",
    "server.request_timeout_secs",
    "server.cache_max_age_secs",
    "server.response_cache",
    "server.trusted_documents",
    "server.trusted_documents_only",
    "server.handshake_timeout_secs",
    "server.max_connections",
    "server.max_subscriptions_per_connection",
    "server.max_websocket_backlog",
    "server.ready_after_secs",
    "server.map_tiles",
    "server.instance_id",
    "store.path",
    "store.cache_mb",
    "fetch.timeout_secs",
    "fetch.connect_timeout_secs",
    "fetch.max_body_bytes",
    "fetch.retries",
    "fetch.user_agent",
    "fetch.block_private_networks",
    "fetch.local_roots",
    "ingest.missing_grace_days",
    "ingest.max_removal_share",
    "ingest.max_documents",
    "ingest.max_peer_pages",
];

const SOURCE_KEYS: [&str; 6] = ["enabled", "url", "schedule", "trust", "republish", "pinned"];

impl Vars {
    pub fn new<I: IntoIterator<Item = (String, String)>>(vars: I) -> Vars {
        Vars(vars.into_iter().filter(|(key, _)| key.starts_with(PREFIX)).collect())
    }

    /// A variable's value; an empty value counts as unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str).filter(|value| !value.trim().is_empty())
    }

    pub fn operator_token(&self) -> Option<String> {
        self.get(super::OPERATOR_TOKEN_VAR).map(|token| token.trim().to_owned())
    }
}

/// Applies every override in `vars` to `raw`.
pub fn apply(raw: &mut RawConfig, vars: &Vars) -> Result<Overrides, ConfigError> {
    let mut overrides = Overrides::new();
    for (var, value) in &vars.0 {
        let Some(rest) = var.strip_prefix(PREFIX) else {
            continue;
        };
        let lower = rest.to_ascii_lowercase();
        if let Some(source_part) = lower.strip_prefix("sources_") {
            let key = apply_source(raw, var, source_part, value)?;
            overrides.insert(key, var.clone());
        } else if let Some(key) = KEYS.iter().find(|key| key.replacen('.', "_", 1) == lower) {
            apply_key(raw, key, var, value)?;
            overrides.insert((*key).to_owned(), var.clone());
        } else if ["server_", "store_", "fetch_", "ingest_"].iter().any(|s| lower.starts_with(s)) {
            let known: Vec<String> = KEYS.iter().map(|key| var_name(key)).collect();
            return Err(env_error(var, value, format!("no such setting; known: {}", known.join(", "))));
        }
    }
    Ok(overrides)
}

/// `server.listen` -> `SUPPORTMESH_SERVER_LISTEN`.
fn var_name(key: &str) -> String {
    format!("{PREFIX}{}", key.replace('.', "_").to_ascii_uppercase())
}

fn apply_key(raw: &mut RawConfig, key: &str, var: &str, value: &str) -> Result<(), ConfigError> {
    match key {
        "server.listen" => raw.server.listen = value.to_owned(),
        "server.cors_origins" => raw.server.cors_origins = value.split(',').map(|o| o.trim().to_owned()).collect(),
        "server.max_page_size" => raw.server.max_page_size = whole(var, value)?,
        "server.max_query_depth" => raw.server.max_query_depth = whole(var, value)?,
        "server.max_query_complexity" => raw.server.max_query_complexity = whole(var, value)?,
        "server.max_root_fields" => raw.server.max_root_fields = whole(var, value)?,
        "server.max_aliases" => raw.server.max_aliases = whole(var, value)?,
        "server.introspection" => raw.server.introspection = boolean(var, value)?,
        "server.request_timeout_secs" => raw.server.request_timeout_secs = whole(var, value)?,
        "server.cache_max_age_secs" => raw.server.cache_max_age_secs = whole(var, value)?,
        "server.response_cache" => raw.server.response_cache = boolean(var, value)?,
        "server.trusted_documents" => raw.server.trusted_documents = Some(value.to_owned()),
        "server.trusted_documents_only" => raw.server.trusted_documents_only = boolean(var, value)?,
        "server.handshake_timeout_secs" => raw.server.handshake_timeout_secs = whole(var, value)?,
        "server.max_connections" => raw.server.max_connections = whole(var, value)?,
        "server.max_subscriptions_per_connection" => raw.server.max_subscriptions_per_connection = whole(var, value)?,
        "server.max_websocket_backlog" => raw.server.max_websocket_backlog = whole(var, value)?,
        "server.ready_after_secs" => raw.server.ready_after_secs = whole(var, value)?,
        "server.map_tiles" => raw.server.map_tiles = value.to_owned(),
        "server.instance_id" => raw.server.instance_id = Some(value.to_owned()),
        "store.path" => raw.store.path = value.to_owned(),
        "store.cache_mb" => raw.store.cache_mb = whole(var, value)?,
        "fetch.timeout_secs" => raw.fetch.timeout_secs = whole(var, value)?,
        "fetch.connect_timeout_secs" => raw.fetch.connect_timeout_secs = whole(var, value)?,
        "fetch.max_body_bytes" => raw.fetch.max_body_bytes = whole(var, value)?,
        "fetch.retries" => raw.fetch.retries = whole(var, value)?,
        "fetch.user_agent" => raw.fetch.user_agent = value.to_owned(),
        "fetch.block_private_networks" => raw.fetch.block_private_networks = boolean(var, value)?,
        "fetch.local_roots" => {
            raw.fetch.local_roots =
                Some(std::env::split_paths(value).map(|root| root.to_string_lossy().into_owned()).collect())
        }
        "ingest.missing_grace_days" => raw.ingest.missing_grace_days = whole(var, value)?,
        "ingest.max_documents" => raw.ingest.max_documents = whole(var, value)?,
        "ingest.max_peer_pages" => raw.ingest.max_peer_pages = whole(var, value)?,
        "ingest.max_removal_share" => {
            raw.ingest.max_removal_share =
                value.trim().parse().map_err(|_| env_error(var, value, "expected a number such as 0.5"))?
        }
        other => unreachable!("KEYS and apply_key disagree about {other}"),
    }
    Ok(())
}

/// `part` is the lower-cased rest after `sources_`: `<id>_<field>`, where the id has `-` as `_`.
fn apply_source(raw: &mut RawConfig, var: &str, part: &str, value: &str) -> Result<String, ConfigError> {
    let target = raw.sources.iter_mut().enumerate().find_map(|(index, source)| {
        let env_id = source.id.as_deref()?.to_ascii_lowercase().replace('-', "_");
        let field = SOURCE_KEYS.iter().find(|field| part == format!("{env_id}_{field}"))?;
        Some((index, source, *field))
    });
    let Some((index, source, field)) = target else {
        let ids: Vec<&str> = raw.sources.iter().filter_map(|s| s.id.as_deref()).collect();
        return Err(env_error(
            var,
            value,
            format!(
                "expected SUPPORTMESH_SOURCES_<ID>_<ENABLED|URL|SCHEDULE|TRUST|REPUBLISH|PINNED> for a configured source \
                 (ids upper-cased, '-' as '_'); configured ids: {}",
                if ids.is_empty() { "none".to_owned() } else { ids.join(", ") }
            ),
        ));
    };
    match field {
        "enabled" => source.enabled = boolean(var, value)?,
        "republish" => source.republish = boolean(var, value)?,
        "pinned" => source.pinned = boolean(var, value)?,
        "url" => source.url = Some(value.to_owned()),
        "schedule" => source.schedule = value.to_owned(),
        _ => {
            source.trust =
                value.trim().parse().map_err(|_| env_error(var, value, "expected a whole number from 0 to 100"))?
        }
    }
    Ok(super::validate::source_key(index, source.id.as_deref(), field))
}

fn whole(var: &str, value: &str) -> Result<u64, ConfigError> {
    value.trim().replace('_', "").parse().map_err(|_| env_error(var, value, "expected a whole number such as 30"))
}

fn boolean(var: &str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(env_error(var, value, "expected true or false")),
    }
}

fn env_error(var: &str, value: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError::Env { var: var.to_owned(), value: value.to_owned(), problem: problem.into() }
}
