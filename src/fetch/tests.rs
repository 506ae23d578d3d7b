//! Fetch tests against a real local axum server on 127.0.0.1:0: conditional GET, gzip, the
//! size cap (by Content-Length and by counting chunks), timeouts, retries on 5xx only,
//! redirects, local files and the SSRF guard.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use super::*;
use url::Url;

/// `{"hello":"gzip"}`, gzip-compressed.
const GZIPPED: [u8; 36] = [
    31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 171, 86, 202, 72, 205, 201, 201, 87, 178, 82, 74, 175, 202, 44, 80, 170, 5, 0,
    246, 79, 5, 111, 16, 0, 0, 0,
];
const LIMIT: u64 = 1024;

#[derive(Default)]
struct Hits {
    flaky: AtomicUsize,
    missing: AtomicUsize,
}

async fn spawn_server() -> (String, Arc<Hits>) {
    let hits = Arc::new(Hits::default());
    let app = Router::new()
        .route("/etag", get(etag))
        .route("/gzip", get(|| async { ([(header::CONTENT_ENCODING, "gzip")], GZIPPED.to_vec()) }))
        .route("/big", get(|| async { vec![b'x'; LIMIT as usize + 1] }))
        .route("/big-chunked", get(big_chunked))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
        .route("/flaky", get(flaky))
        .route("/missing", get(missing))
        .route("/loop", get(|| async { Redirect::temporary("/loop") }))
        .route("/moved", get(|| async { Redirect::permanent("/etag") }))
        .with_state(hits.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), hits)
}

async fn etag(headers: HeaderMap) -> Response {
    if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v == "\"v1\"") {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let headers = [
        (header::ETAG, "\"v1\""),
        (header::LAST_MODIFIED, "Wed, 21 Oct 2015 07:28:00 GMT"),
        (header::CONTENT_TYPE, "application/json"),
    ];
    (headers, "[1,2,3]").into_response()
}

async fn big_chunked() -> Body {
    Body::from_stream(futures_util::stream::iter((0..4).map(|_| Ok::<_, Infallible>(vec![b'y'; 512]))))
}

async fn flaky(State(hits): State<Arc<Hits>>) -> Response {
    match hits.flaky.fetch_add(1, Ordering::SeqCst) {
        0 => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        _ => "ok".into_response(),
    }
}

async fn missing(State(hits): State<Arc<Hits>>) -> StatusCode {
    hits.missing.fetch_add(1, Ordering::SeqCst);
    StatusCode::NOT_FOUND
}

fn fetcher(timeout: Duration, retries: u32, block_private_networks: bool) -> Fetcher {
    Fetcher::new(&fetcher_settings(timeout, retries, block_private_networks)).expect("client")
}

fn fetcher_settings(timeout: Duration, retries: u32, block_private_networks: bool) -> FetchSettings {
    FetchSettings {
        timeout,
        connect_timeout: timeout,
        max_body_bytes: LIMIT,
        retries,
        user_agent: "supportmesh-test".to_owned(),
        block_private_networks,
        local_roots: vec![std::env::temp_dir()],
    }
}

fn http(url: &str) -> SourceLocation {
    SourceLocation::Http(Url::parse(url).expect("url"))
}

async fn fetch_err(fetcher: &Fetcher, url: &str) -> FetchError {
    fetcher.fetch(&http(url), &Validators::default()).await.expect_err("should fail")
}

#[tokio::test]
async fn etag_is_returned_and_honoured_with_not_modified() {
    let (base, _) = spawn_server().await;
    let fetcher = fetcher(Duration::from_secs(5), 0, false);

    let first = fetcher.fetch(&http(&format!("{base}/etag")), &Validators::default()).await.expect("fetch");
    let FetchOutcome::Fetched(document) = first else { panic!("expected a document, got {first:?}") };
    assert_eq!(document.bytes, b"[1,2,3]");
    assert_eq!((document.status, document.content_type.as_deref()), (Some(200), Some("application/json")));
    assert_eq!(document.validators.etag.as_deref(), Some("\"v1\""));
    assert_eq!(document.validators.last_modified.as_deref(), Some("Wed, 21 Oct 2015 07:28:00 GMT"));

    let second = fetcher.fetch(&http(&format!("{base}/etag")), &document.validators).await.expect("fetch");
    assert_eq!(second, FetchOutcome::NotModified { status: 304 });
}

#[tokio::test]
async fn gzip_bodies_are_decoded() {
    let (base, _) = spawn_server().await;
    let outcome =
        fetcher(Duration::from_secs(5), 0, false).fetch(&http(&format!("{base}/gzip")), &Validators::default()).await;
    let Ok(FetchOutcome::Fetched(document)) = outcome else { panic!("expected a document, got {outcome:?}") };
    assert_eq!(document.bytes, br#"{"hello":"gzip"}"#);
}

#[tokio::test]
async fn bodies_over_the_cap_fail_naming_the_url() {
    let (base, _) = spawn_server().await;
    let fetcher = fetcher(Duration::from_secs(5), 2, false);
    for path in ["/big", "/big-chunked"] {
        let err = fetch_err(&fetcher, &format!("{base}{path}")).await;
        assert!(matches!(err, FetchError::TooLarge { limit: LIMIT, .. }), "{path}: {err:?}");
        let message = err.to_string();
        assert!(message.contains(&format!("{base}{path}")) && message.contains("1024-byte limit"), "{message}");
    }
}

#[tokio::test]
async fn slow_servers_time_out() {
    let (base, _) = spawn_server().await;
    let err = fetch_err(&fetcher(Duration::from_millis(300), 0, false), &format!("{base}/slow")).await;
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
    assert_eq!(err.to_string(), format!("{base}/slow: timed out after 0.3 s (1 attempt)"));
}

#[tokio::test]
async fn a_timeout_after_retries_states_every_attempt_and_the_whole_time() {
    let (base, _) = spawn_server().await;

    let err = fetch_err(&fetcher(Duration::from_millis(300), 2, false), &format!("{base}/slow")).await;

    let FetchError::Timeout { attempts, total, .. } = &err else { panic!("{err:?}") };
    assert_eq!(*attempts, 3);
    assert!(*total >= Duration::from_millis(900), "{total:?}");
    let message = err.to_string();
    let prefix = format!("{base}/slow: timed out: 3 attempts, 0.3 s each (");
    assert!(message.starts_with(&prefix) && message.ends_with(" s in all)"), "{message}");
}

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    let (base, hits) = spawn_server().await;
    let outcome =
        fetcher(Duration::from_secs(5), 2, false).fetch(&http(&format!("{base}/flaky")), &Validators::default()).await;
    assert!(matches!(&outcome, Ok(FetchOutcome::Fetched(d)) if d.bytes == b"ok"), "{outcome:?}");
    assert_eq!(hits.flaky.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn client_errors_are_not_retried_and_name_status_and_url() {
    let (base, hits) = spawn_server().await;
    let err = fetch_err(&fetcher(Duration::from_secs(5), 2, false), &format!("{base}/missing?key=secret")).await;
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.to_string(), format!("{base}/missing?...: HTTP status 404 Not Found"), "query strings are hidden");
    assert_eq!(hits.missing.load(Ordering::SeqCst), 1, "a 404 is not retried");
}

#[tokio::test]
async fn redirects_are_followed_up_to_the_limit() {
    let (base, _) = spawn_server().await;
    let fetcher = fetcher(Duration::from_secs(5), 0, false);
    let outcome = fetcher.fetch(&http(&format!("{base}/moved")), &Validators::default()).await;
    assert!(matches!(&outcome, Ok(FetchOutcome::Fetched(d)) if d.final_url == format!("{base}/etag")), "{outcome:?}");

    let err = fetch_err(&fetcher, &format!("{base}/loop")).await;
    assert!(matches!(err, FetchError::TooManyRedirects { limit: 5, .. }), "{err:?}");
    assert!(err.to_string().contains(&format!("{base}/loop")), "{err}");
}

#[tokio::test]
async fn refused_connections_name_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/feed", listener.local_addr().expect("addr"));
    drop(listener);
    let err = fetch_err(&fetcher(Duration::from_secs(5), 0, false), &url).await;
    assert!(matches!(err, FetchError::Connect { .. }), "{err:?}");
    assert!(err.to_string().starts_with(&format!("{url}: cannot connect")), "{err}");
}

#[tokio::test]
async fn local_files_are_read_and_missing_ones_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("feed.json");
    std::fs::write(&path, b"[]").expect("write");
    let fetcher = fetcher(Duration::from_secs(5), 0, false);

    let outcome = fetcher.fetch(&SourceLocation::File(path.clone()), &Validators::default()).await;
    let Ok(FetchOutcome::Fetched(document)) = outcome else { panic!("expected a document, got {outcome:?}") };
    assert_eq!((document.bytes.as_slice(), document.status), (&b"[]"[..], None));
    let mtime = document.validators.last_modified.expect("mtime");
    assert!(chrono::DateTime::parse_from_rfc2822(&mtime).is_ok(), "{mtime}");

    let missing = dir.path().join("nope.json");
    let err = fetcher.fetch(&SourceLocation::File(missing.clone()), &Validators::default()).await.expect_err("missing");
    assert!(matches!(err, FetchError::FileNotFound { .. }), "{err:?}");
    assert_eq!(err.to_string(), format!("{}: file not found", missing.display()));

    std::fs::write(&path, vec![b'z'; LIMIT as usize + 1]).expect("write");
    let err = fetcher.fetch(&SourceLocation::File(path), &Validators::default()).await.expect_err("too big");
    assert!(matches!(err, FetchError::FileTooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn the_guard_refuses_private_addresses() {
    let (base, _) = spawn_server().await;
    let guarded = fetcher(Duration::from_secs(5), 2, true);

    let err = fetch_err(&guarded, &format!("{base}/etag")).await;
    assert!(matches!(err, FetchError::Blocked { .. }), "{err:?}");
    assert!(err.to_string().contains("blocked private address 127.0.0.1"), "{err}");

    let by_name = base.replace("127.0.0.1", "localhost");
    let err = fetch_err(&guarded, &format!("{by_name}/etag")).await;
    assert!(matches!(err, FetchError::Blocked { .. }), "{err:?}");

    // The client's own resolver refuses too, for a name that changed between check and connect.
    let sent = guarded.client.get(format!("{by_name}/etag")).send().await.expect_err("resolver refuses");
    let err = guarded.network_error(&Url::parse(&by_name).expect("url"), &sent);
    assert!(matches!(err, FetchError::Blocked { .. }), "{err:?}");
}

#[tokio::test]
async fn local_files_outside_the_roots_are_refused_also_through_a_symlink() {
    let base = tempfile::tempdir().expect("tempdir");
    let (root, outside) = (base.path().join("feeds"), base.path().join("elsewhere"));
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let secret = outside.join("secret.txt");
    std::fs::write(&secret, "password=hunter2").unwrap();
    let link = root.join("table.csv");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    let inside = root.join("feed.json");
    std::fs::write(&inside, "[]").unwrap();
    let settings =
        FetchSettings { local_roots: vec![root.clone()], ..fetcher_settings(Duration::from_secs(5), 0, false) };
    let fetcher = Fetcher::new(&settings).expect("client");
    let read = |path: &std::path::Path| {
        let (fetcher, location) = (fetcher.clone(), SourceLocation::File(path.to_path_buf()));
        async move { fetcher.fetch(&location, &Validators::default()).await }
    };

    assert!(read(&inside).await.is_ok());
    for refused in [&link, &secret] {
        let err = read(refused).await.expect_err("outside the roots");
        assert!(matches!(err, FetchError::OutsideRoots { .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.contains("refused") && message.contains("fetch.local_roots"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
    let message = read(&link).await.expect_err("a symlink out").to_string();
    assert!(message.contains(&format!("leads to {}", secret.canonicalize().unwrap().display())), "{message}");
}
