//! Fetching source documents: the only module that talks to the network.
//!
//! `Fetcher::fetch` turns a configured `SourceLocation` into bytes, or `NotModified`, or one
//! `FetchError` whose message names the URL (or path) and the cause. Over HTTP it applies the
//! connect and total timeouts, a body-size cap enforced while streaming, gzip, conditional GET
//! from stored `Validators`, short exponential-backoff retries for network errors, 5xx and
//! 429, redirects followed by hand (at most five) so that the SSRF guard (`guard`) checks
//! every hop; `http` holds that machinery. Local files are read by `file`, always whole, and
//! only from inside `fetch.local_roots` (symlinks resolved).
//! Parsing, hashing, storing validators between
//! runs and metrics belong to the callers; this module only emits `tracing` debug events with
//! the host (never the query string), status, size and duration. Every URL a message or log
//! shows goes through `redact`.

mod file;
mod guard;
mod http;
pub mod redact;

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use crate::config::{FetchSettings, SourceLocation};

/// At most this many redirects are followed per attempt.
pub const MAX_REDIRECTS: usize = 5;

/// Fetches documents with the limits of one `FetchSettings`. Cheap to clone (the client and
/// its connection pool are shared).
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    timeout: Duration,
    connect_timeout: Duration,
    max_body_bytes: u64,
    retries: u32,
    block_private_networks: bool,
    local_roots: Vec<PathBuf>,
}

/// Cache validators from the last successful fetch, sent back for a conditional GET.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FetchOutcome {
    /// The server answered 304: the document did not change since `validators`.
    NotModified {
        status: u16,
    },
    Fetched(Document),
}

/// One fetched document, whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub bytes: Vec<u8>,
    /// The HTTP status; `None` for local files.
    pub status: Option<u16>,
    /// To store and send next time (for files, `last_modified` is the mtime).
    pub validators: Validators,
    pub content_type: Option<String>,
    /// The URL after redirects, or the file path.
    pub final_url: String,
}

/// Why a document could not be fetched. URLs in messages omit credentials and query strings.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// `after` is the limit of one attempt; `total` the whole time of all `attempts`,
    /// retry pauses included.
    #[error("{url}: {}", timed_out(*after, *attempts, *total))]
    Timeout { url: String, after: Duration, attempts: u32, total: Duration },
    #[error("{url}: HTTP status {status}{}", reason(*status))]
    Status { url: String, status: u16 },
    #[error("{url}: body larger than the {limit}-byte limit (fetch.max_body_bytes)")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: cannot connect: {cause}")]
    Connect { url: String, cause: String },
    #[error("{url}: {cause}")]
    Network { url: String, cause: String },
    #[error("{url}: refused: {host} is blocked private address {addr} (fetch.block_private_networks is on)")]
    Blocked { url: String, host: String, addr: IpAddr },
    #[error("{url}: too many redirects (more than {limit})")]
    TooManyRedirects { url: String, limit: usize },
    #[error("{url}: unusable redirect to {location:?}: {cause}")]
    BadRedirect { url: String, location: String, cause: String },
    #[error("{}: file not found", path.display())]
    FileNotFound { path: PathBuf },
    #[error("{}: refused: {why}", path.display())]
    OutsideRoots { path: PathBuf, why: String },
    #[error("{}: file larger than the {limit}-byte limit (fetch.max_body_bytes)", path.display())]
    FileTooLarge { path: PathBuf, limit: u64 },
    #[error("{}: cannot read file: {source}", path.display())]
    File { path: PathBuf, source: std::io::Error },
}

impl Fetcher {
    /// Builds the HTTP client once; fails only if the TLS backend cannot initialise.
    pub fn new(settings: &FetchSettings) -> anyhow::Result<Self> {
        let mut builder = reqwest::Client::builder()
            .user_agent(settings.user_agent.as_str())
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .gzip(true);
        if settings.block_private_networks {
            builder = builder.dns_resolver(Arc::new(guard::GuardedResolver));
        }
        let client = builder.build().context("building the HTTP client for fetching sources")?;
        Ok(Fetcher {
            client,
            timeout: settings.timeout,
            connect_timeout: settings.connect_timeout,
            max_body_bytes: settings.max_body_bytes,
            retries: settings.retries,
            block_private_networks: settings.block_private_networks,
            local_roots: settings.local_roots.clone(),
        })
    }

    /// Fetches one document. Files are always read whole; `validators` only apply to HTTP.
    pub async fn fetch(&self, location: &SourceLocation, validators: &Validators) -> Result<FetchOutcome, FetchError> {
        let started = Instant::now();
        match location {
            SourceLocation::File(path) => {
                let result = file::read(path, self.max_body_bytes, &self.local_roots).await;
                let bytes = result.as_ref().map_or(0, |document| document.bytes.len());
                tracing::debug!(path = %path.display(), bytes, elapsed_ms = elapsed_ms(started), ok = result.is_ok(), "read source file");
                result.map(FetchOutcome::Fetched)
            }
            SourceLocation::Http(url) => {
                let result = self.fetch_http(url, validators).await;
                let (status, bytes) = match &result {
                    Ok(FetchOutcome::NotModified { status }) => (Some(*status), 0),
                    Ok(FetchOutcome::Fetched(document)) => (document.status, document.bytes.len()),
                    Err(err) => (err.status(), 0),
                };
                tracing::debug!(
                    host = url.host_str().unwrap_or(""),
                    status,
                    bytes,
                    elapsed_ms = elapsed_ms(started),
                    ok = result.is_ok(),
                    "fetched source"
                );
                result
            }
        }
    }
}

/// Whether a local source could be read: its real path inside `fetch.local_roots` (for
/// `check-config`, before any run).
pub fn check_local(settings: &FetchSettings, path: &std::path::Path) -> Result<PathBuf, FetchError> {
    file::inside_roots(path, &settings.local_roots)
}

impl FetchError {
    /// Worth another attempt: network trouble, timeouts, 5xx and 429.
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Timeout { .. } | FetchError::Connect { .. } | FetchError::Network { .. } => true,
            FetchError::Status { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// The HTTP status the server answered with, for an error status.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// "timed out after 30 s (1 attempt)", or "timed out: 3 attempts, 30 s each (91 s in all)".
fn timed_out(after: Duration, attempts: u32, total: Duration) -> String {
    match attempts {
        0 | 1 => format!("timed out after {} (1 attempt)", seconds(after)),
        n => format!("timed out: {n} attempts, {} each ({} in all)", seconds(after), seconds(total)),
    }
}

/// `30 s`, `0.3 s`.
fn seconds(duration: Duration) -> String {
    match duration.subsec_millis() {
        0 => format!("{} s", duration.as_secs()),
        _ => format!("{:.1} s", duration.as_secs_f64()),
    }
}

fn reason(status: u16) -> String {
    StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .map(|reason| format!(" {reason}"))
        .unwrap_or_default()
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
