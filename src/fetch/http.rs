//! HTTP fetching: retries with backoff, one attempt's redirects (each hop checked by the SSRF
//! guard when it is on), the streamed body under the size cap, and turning reqwest's errors
//! into `FetchError`s that name the URL without its query string. The public types and the
//! choice between HTTP and files live in `mod.rs`.

use std::time::Duration;

use reqwest::header::{self, HeaderValue};
use reqwest::{Response, StatusCode};
use url::Url;

use super::{guard, Document, FetchError, FetchOutcome, Fetcher, Validators, MAX_REDIRECTS};

/// First retry after this long, doubling each time.
const BACKOFF_BASE: Duration = Duration::from_millis(250);

impl Fetcher {
    pub(super) async fn fetch_http(&self, url: &Url, validators: &Validators) -> Result<FetchOutcome, FetchError> {
        let started = std::time::Instant::now();
        let mut attempt = 0;
        loop {
            match self.attempt(url, validators).await {
                Err(err) if err.is_transient() && attempt < self.retries => {
                    let delay = BACKOFF_BASE * 2u32.pow(attempt.min(4));
                    tracing::debug!(
                        host = url.host_str().unwrap_or(""),
                        attempt = attempt + 1,
                        status = err.status(),
                        ?delay,
                        "fetch failed; retrying"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(FetchError::Timeout { url, after, .. }) => {
                    return Err(FetchError::Timeout { url, after, attempts: attempt + 1, total: started.elapsed() })
                }
                result => return result,
            }
        }
    }

    /// One attempt: the request and the redirects it leads to.
    async fn attempt(&self, url: &Url, validators: &Validators) -> Result<FetchOutcome, FetchError> {
        let mut current = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            if self.block_private_networks {
                guard::check_url(&current).await.map_err(|err| match err {
                    guard::ResolveError::Blocked(b) => {
                        FetchError::Blocked { url: shown(&current), host: b.host, addr: b.addr }
                    }
                    guard::ResolveError::Lookup(io) => {
                        FetchError::Connect { url: shown(&current), cause: io.to_string() }
                    }
                })?;
            }
            let mut request = self.client.get(current.clone());
            let conditions =
                [(header::IF_NONE_MATCH, &validators.etag), (header::IF_MODIFIED_SINCE, &validators.last_modified)];
            for (name, value) in conditions {
                if let Some(value) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                    request = request.header(name, value);
                }
            }
            let response = request.send().await.map_err(|err| self.network_error(&current, &err))?;
            let status = response.status();
            if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
                current = redirect_target(&current, &response)?;
                continue;
            }
            if status == StatusCode::NOT_MODIFIED {
                return Ok(FetchOutcome::NotModified { status: status.as_u16() });
            }
            if !status.is_success() {
                return Err(FetchError::Status { url: shown(&current), status: status.as_u16() });
            }
            return self.read_body(current, response).await.map(FetchOutcome::Fetched);
        }
        Err(FetchError::TooManyRedirects { url: shown(url), limit: MAX_REDIRECTS })
    }

    /// Streams the body, refusing it as soon as it is known to exceed the cap: first from
    /// Content-Length, then by counting chunks (after gzip decoding, so bombs are caught too).
    async fn read_body(&self, url: Url, mut response: Response) -> Result<Document, FetchError> {
        let limit = self.max_body_bytes;
        let too_large = || FetchError::TooLarge { url: shown(&url), limit };
        if response.content_length().is_some_and(|length| length > limit) {
            return Err(too_large());
        }
        let text_header =
            |name| response.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok()).map(str::to_owned);
        let validators =
            Validators { etag: text_header(header::ETAG), last_modified: text_header(header::LAST_MODIFIED) };
        let content_type = text_header(header::CONTENT_TYPE);
        let status = Some(response.status().as_u16());
        let capacity = response.content_length().unwrap_or(0).min(limit).min(1 << 20);
        let mut bytes = Vec::with_capacity(capacity as usize);
        while let Some(chunk) = response.chunk().await.map_err(|err| self.network_error(&url, &err))? {
            if (bytes.len() + chunk.len()) as u64 > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Document { bytes, status, validators, content_type, final_url: url.to_string() })
    }

    pub(super) fn network_error(&self, url: &Url, err: &reqwest::Error) -> FetchError {
        let url_text = shown(url);
        if let Some(blocked) = find_source::<guard::Blocked>(err) {
            return FetchError::Blocked { url: url_text, host: blocked.host.clone(), addr: blocked.addr };
        }
        if err.is_timeout() {
            let after = if err.is_connect() { self.connect_timeout } else { self.timeout };
            return FetchError::Timeout { url: url_text, after, attempts: 1, total: after };
        }
        let cause = innermost_cause(err);
        if err.is_connect() {
            return FetchError::Connect { url: url_text, cause };
        }
        let doing = if err.is_decode() {
            "decoding the body"
        } else if err.is_body() {
            "reading the body"
        } else {
            "sending the request"
        };
        FetchError::Network { url: url_text, cause: format!("{doing}: {cause}") }
    }
}

fn redirect_target(from: &Url, response: &Response) -> Result<Url, FetchError> {
    let bad = |location: &str, cause: &str| FetchError::BadRedirect {
        url: shown(from),
        location: super::redact::url_text(location),
        cause: cause.to_owned(),
    };
    let location = response.headers().get(header::LOCATION).ok_or_else(|| bad("", "no Location header"))?;
    let location = location.to_str().map_err(|_| bad("?", "Location is not ASCII"))?;
    let next = from.join(location).map_err(|_| bad(location, "not a valid URL"))?;
    match next.scheme() {
        "http" | "https" => Ok(next),
        _ => Err(bad(location, "only http and https redirects are followed")),
    }
}

/// The URL for messages and logs: no credentials, and `?...` in place of the query, which
/// may carry API keys.
fn shown(url: &Url) -> String {
    super::redact::url(url)
}

/// The deepest error in the chain: reqwest's own message repeats the full URL, the OS's says
/// what happened ("Connection refused").
fn innermost_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

fn find_source<'a, E: std::error::Error + 'static>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a E> {
    let mut current = Some(err);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<E>() {
            return Some(found);
        }
        current = error.source();
    }
    None
}
