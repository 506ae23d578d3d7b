//! `spawn_app()` and friends: a running app with a temp store, a local feed server, and a
//! GraphQL client over HTTP and WebSocket.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use supportmesh::config::Settings;
use supportmesh::ingest::Ingestor;
use supportmesh::model::ImportRun;
use supportmesh::startup::{Application, Imports};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

pub const TOKEN: &str = "test-operator-token-3b1f";

/// A real HTTP server standing in for every feed; `put` swaps a feed's content, `hold` keeps
/// a feed's requests waiting.
#[derive(Clone)]
pub struct FeedServer {
    pub addr: SocketAddr,
    files: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    hits: Arc<Mutex<HashMap<String, (usize, usize)>>>,
    gates: Arc<Mutex<HashMap<String, FeedGate>>>,
}

/// A held feed: its requests wait until `open`; `arrived` resolves once one is waiting.
#[derive(Clone)]
pub struct FeedGate {
    open: tokio::sync::watch::Sender<bool>,
    arrived: Arc<tokio::sync::Notify>,
}

impl FeedGate {
    pub async fn arrived(&self) {
        self.arrived.notified().await;
    }

    pub fn open(&self) {
        self.open.send_replace(true);
    }
}

impl FeedServer {
    pub async fn start() -> FeedServer {
        let feeds = FeedState::default();
        let app = axum::Router::new().route("/{name}", axum::routing::get(serve_feed)).with_state(feeds.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind feed server");
        let addr = listener.local_addr().expect("feed server address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        FeedServer { addr, files: feeds.files, hits: feeds.hits, gates: feeds.gates }
    }

    /// Keeps every request for `name` waiting until the returned gate opens.
    pub fn hold(&self, name: &str) -> FeedGate {
        let gate = FeedGate { open: tokio::sync::watch::Sender::new(false), arrived: Arc::default() };
        self.gates.lock().unwrap().insert(name.to_owned(), gate.clone());
        gate
    }

    pub fn put(&self, name: &str, body: impl Into<Vec<u8>>) -> String {
        self.files.lock().unwrap().insert(name.to_owned(), body.into());
        self.url(name)
    }

    pub fn url(&self, name: &str) -> String {
        format!("http://{}/{name}", self.addr)
    }

    /// (full responses, 304 responses) served for a feed.
    pub fn hits(&self, name: &str) -> (usize, usize) {
        self.hits.lock().unwrap().get(name).copied().unwrap_or_default()
    }
}

#[derive(Clone, Default)]
struct FeedState {
    files: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    hits: Arc<Mutex<HashMap<String, (usize, usize)>>>,
    gates: Arc<Mutex<HashMap<String, FeedGate>>>,
}

async fn serve_feed(State(feeds): State<FeedState>, Path(name): Path<String>, headers: HeaderMap) -> Response {
    let gate = feeds.gates.lock().unwrap().get(&name).cloned();
    if let Some(gate) = gate {
        let mut open = gate.open.subscribe();
        gate.arrived.notify_one();
        let _ = open.wait_for(|open| *open).await;
    }
    let FeedState { files, hits, .. } = feeds;
    let Some(body) = files.lock().unwrap().get(&name).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!(
        "\"{:x}\"",
        body.iter().fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100000001b3))
    );
    let mut hits = hits.lock().unwrap();
    let entry = hits.entry(name).or_default();
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        entry.1 += 1;
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    entry.0 += 1;
    ([(header::ETAG, etag), (header::CONTENT_TYPE, "application/json".to_owned())], body).into_response()
}

/// A running app.
pub struct TestApp {
    pub addr: SocketAddr,
    pub feeds: FeedServer,
    pub ingestor: Ingestor,
    pub client: reqwest::Client,
    _store_dir: tempfile::TempDir,
}

/// One source of a test app: id, feed file name, extra TOML lines for the source table.
pub struct TestSource<'a> {
    pub id: &'a str,
    pub feed: &'a str,
    pub extra: &'a str,
    /// Whether the source names its time zone (New York), country (US) and topic (alcohol).
    pub defaults: bool,
    /// The source's format (`meeting_guide` unless set).
    pub format: &'a str,
    /// A URL to read instead of `feed` on the feed server (another app's `/graphql`).
    pub url: Option<&'a str>,
}

pub fn source<'a>(id: &'a str, feed: &'a str) -> TestSource<'a> {
    TestSource { id, feed, extra: "", defaults: true, format: "meeting_guide", url: None }
}

/// A `supportmesh` source reading another instance's GraphQL endpoint.
pub fn peer_source<'a>(id: &'a str, endpoint: &'a str, extra: &'a str) -> TestSource<'a> {
    TestSource { extra, format: "supportmesh", url: Some(endpoint), ..bare_source(id, "") }
}

/// A source configured with nothing but its id, format, URL and schedule.
pub fn bare_source<'a>(id: &'a str, feed: &'a str) -> TestSource<'a> {
    TestSource { defaults: false, ..source(id, feed) }
}

/// Spawns the app on port 0 with a temp store, the given sources served by `feeds`, the
/// operator token set, and no scheduler (tests run imports themselves).
pub async fn spawn_app_with(feeds: FeedServer, sources: &[TestSource<'_>]) -> TestApp {
    spawn(feeds, sources, Imports::OnDemand, tempfile::tempdir().expect("temp dir"), &[], "").await
}

/// Like `spawn_app_with`, with extra top-level TOML (`[[topics]]`, `[[rules]]`...) before the
/// sources.
pub async fn spawn_app_with_toml(feeds: FeedServer, sources: &[TestSource<'_>], toml: &str) -> TestApp {
    spawn(feeds, sources, Imports::OnDemand, tempfile::tempdir().expect("temp dir"), &[], toml).await
}

/// Like `spawn_app_with`, with `SUPPORTMESH_*` environment overrides as `(name, value)`.
pub async fn spawn_app_with_env(feeds: FeedServer, sources: &[TestSource<'_>], env: &[(&str, &str)]) -> TestApp {
    spawn(feeds, sources, Imports::OnDemand, tempfile::tempdir().expect("temp dir"), env, "").await
}

/// Like `spawn_app_with`, on the store already in `store_dir/store` (as a restart finds it).
pub async fn spawn_app_on_store(
    feeds: FeedServer,
    sources: &[TestSource<'_>],
    store_dir: tempfile::TempDir,
) -> TestApp {
    spawn(feeds, sources, Imports::OnDemand, store_dir, &[], "").await
}

/// Like `spawn_app_with`, with the cron scheduler running as `serve` runs it.
pub async fn spawn_scheduled_app(feeds: FeedServer, sources: &[TestSource<'_>]) -> TestApp {
    spawn(feeds, sources, Imports::Scheduled, tempfile::tempdir().expect("temp dir"), &[], "").await
}

async fn spawn(
    feeds: FeedServer,
    sources: &[TestSource<'_>],
    imports: Imports,
    store_dir: tempfile::TempDir,
    extra_env: &[(&str, &str)],
    top_level: &str,
) -> TestApp {
    let mut toml = format!(
        "[server]\nlisten = \"127.0.0.1:0\"\n[store]\npath = \"{}\"\n{top_level}\n",
        store_dir.path().join("store").display()
    );
    for s in sources {
        toml.push_str(&format!(
            "[[sources]]\nid = \"{}\"\nformat = \"{}\"\nurl = \"{}\"\nschedule = \"0 0 3 * * *\"\n{}\n",
            s.id,
            s.format,
            s.url.map_or_else(|| feeds.url(s.feed), str::to_owned),
            s.extra
        ));
        if s.defaults {
            toml.push_str(
                "[sources.defaults]\ntimezone = \"America/New_York\"\ncountry = \"US\"\ntopics = [\"alcohol\"]\n",
            );
        }
    }
    let mut env = vec![("SUPPORTMESH_OPERATOR_TOKEN".to_owned(), TOKEN.to_owned())];
    env.extend(extra_env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    let settings =
        Settings::from_toml_str_with_env(&toml, std::path::Path::new("test.toml"), env).expect("test config is valid");
    // A store the test has just closed may still be locked by sled's background threads for a
    // moment: wait for it rather than fail.
    let mut attempts = 0;
    let app = loop {
        match Application::build(settings.clone(), imports).await {
            Ok(app) => break app,
            Err(e) if attempts < 100 && format!("{e:#}").contains("in use by another supportmesh process") => {
                attempts += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("app builds: {e:#}"),
        }
    };
    let addr = app.local_addr().expect("bound");
    let ingestor = app.state().ingestor.clone();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    TestApp { addr, feeds, ingestor, client: reqwest::Client::new(), _store_dir: store_dir }
}

/// `spawn_app_with` on a fresh feed server holding `sepa.json` (the SE Pennsylvania sample)
/// as source `sepa`.
pub async fn spawn_app() -> TestApp {
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());
    spawn_app_with(feeds, &[source("sepa", "sepa.json")]).await
}

/// 80 real meetings from SE Pennsylvania (2021), scrubbed of personal details.
pub fn sepa_sample() -> Vec<u8> {
    include_bytes!("../fixtures/sepa-sample.json").to_vec()
}

pub fn sepa_rows() -> Vec<Value> {
    serde_json::from_slice(&sepa_sample()).expect("fixture is JSON")
}

/// The groups a person reading a Meeting Guide feed would make of its rows, as indices: rows
/// with the same name at the same `formatted_address` (or the same `conference_url`), and rows
/// whose `group` names one place. This is the README's assembly rule on the feed's own fields.
pub fn feed_groups(rows: &[Value]) -> Vec<Vec<usize>> {
    let fold = |v: &Value| -> String {
        let s = v.as_str().unwrap_or("");
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let text = |r: &Value, k: &str| r[k].as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    let mut by_key: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    let mut by_group: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    for (i, r) in rows.iter().enumerate() {
        let name = fold(&r["name"]);
        if let Some(a) = text(r, "formatted_address") {
            by_key.entry(format!("p|{name}|{a}")).or_default().push(i);
        }
        if let Some(u) = text(r, "conference_url") {
            by_key.entry(format!("o|{name}|{u}")).or_default().push(i);
        }
        if let Some(g) = text(r, "group") {
            by_group.entry(fold(&Value::String(g))).or_default().push(i);
        }
    }
    for (g, members) in by_group {
        let places: std::collections::BTreeSet<Option<String>> =
            members.iter().map(|&i| text(&rows[i], "formatted_address")).collect();
        if places.len() == 1 && !places.contains(&None) {
            by_key.insert(format!("g|{g}"), members);
        }
    }
    let mut parent: Vec<usize> = (0..rows.len()).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            i = p[i];
        }
        i
    }
    for members in by_key.values() {
        for w in members.windows(2) {
            let (a, b) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..rows.len() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    groups.into_values().collect()
}

/// "sourceId:externalId" of each record in a `records { sourceId externalId }` list, sorted.
pub fn record_keys(records: &Value) -> Vec<String> {
    let mut keys: Vec<String> = records
        .as_array()
        .expect("a list of records")
        .iter()
        .map(|r| format!("{}:{}", r["sourceId"].as_str().unwrap(), r["externalId"].as_str().unwrap()))
        .collect();
    keys.sort();
    keys
}

/// How many of the feed's groups have a row for which `pred` holds.
pub fn feed_groups_where(rows: &[Value], pred: impl Fn(&Value) -> bool) -> usize {
    feed_groups(rows).iter().filter(|g| g.iter().any(|&i| pred(&rows[i]))).count()
}

impl TestApp {
    /// The directory holding the app's store.
    pub fn store_dir(&self) -> &std::path::Path {
        self._store_dir.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// POSTs a GraphQL request; returns the whole response body.
    pub async fn gql_raw(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let mut req = self.client.post(self.url("/graphql")).json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request sent").json().await.expect("JSON response")
    }

    /// A GraphQL request that must succeed; returns `data`.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        let body = self.gql_raw(query, variables, None).await;
        assert!(body.get("errors").is_none(), "GraphQL errors: {body}");
        body["data"].clone()
    }

    /// Waits until the server holds at least `n` subscriptions (`supportmesh_subscribers` in
    /// `/metrics`, counted once a subscription is registered): events published after that
    /// reach them. A subscription message is not acknowledged, so without this an import
    /// started at once could publish before the server has read it.
    pub async fn subscribed(&self, n: usize) {
        for _ in 0..400 {
            let metrics = self.client.get(self.url("/metrics")).send().await.unwrap().text().await.unwrap();
            let held = metrics
                .lines()
                .find(|l| l.starts_with("supportmesh_subscribers "))
                .and_then(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
                .unwrap_or(0.0);
            if held >= n as f64 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("the server did not hold {n} subscriptions within 10 s");
    }

    pub async fn total(&self) -> i64 {
        self.gql("{ groups(first: 1) { totalCount } }", json!({})).await["groups"]["totalCount"].as_i64().unwrap()
    }

    /// Runs an import directly, as the scheduler would.
    pub async fn import(&self, source: &str) -> ImportRun {
        self.ingestor.run_source(source).await.expect("source is configured")
    }

    /// Every active group, walking the connection page by page.
    pub async fn all_groups(&self, fields: &str) -> Vec<Value> {
        self.all_groups_where(fields, json!({})).await
    }

    /// Every group that passes `filter` (a `GroupFilter`), page by page.
    pub async fn all_groups_where(&self, fields: &str, filter: Value) -> Vec<Value> {
        let mut out = Vec::new();
        let mut after = Value::Null;
        loop {
            let q = format!("query($after: String, $f: GroupFilter) {{ groups(filter: $f, first: 50, after: $after) {{ edges {{ node {{ {fields} }} }} pageInfo {{ hasNextPage endCursor }} }} }}");
            let d = self.gql(&q, json!({ "after": after, "f": filter })).await;
            out.extend(d["groups"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()));
            if !d["groups"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                return out;
            }
            after = d["groups"]["pageInfo"]["endCursor"].clone();
        }
    }
}

/// A WebSocket GraphQL client speaking one of the two subprotocols.
pub struct WsClient {
    ws: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    pub protocol: &'static str,
}

impl WsClient {
    pub async fn connect(app: &TestApp, protocol: &'static str) -> WsClient {
        let mut req = format!("ws://{}/graphql", app.addr).into_client_request().unwrap();
        req.headers_mut().insert("Sec-WebSocket-Protocol", protocol.parse().unwrap());
        let (ws, _) = tokio_tungstenite::connect_async(req).await.expect("websocket connects");
        let mut c = WsClient { ws, protocol };
        c.send(json!({ "type": "connection_init", "payload": {} })).await;
        let ack = c.next_json(Duration::from_secs(5)).await.expect("an answer to connection_init");
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        c
    }

    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        let ty = if self.protocol == "graphql-ws" { "start" } else { "subscribe" };
        self.send(json!({ "id": id, "type": ty, "payload": { "query": query, "variables": variables } })).await;
        // Give the server a moment to register the subscription before events are produced.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    /// Whether the server closes the connection within `wait` (a close frame, or the stream
    /// ends or fails), whatever else it sends first.
    pub async fn closed_within(&mut self, wait: Duration) -> bool {
        let closed = async {
            while let Some(Ok(msg)) = self.ws.next().await {
                if msg.is_close() {
                    return;
                }
            }
        };
        tokio::time::timeout(wait, closed).await.is_ok()
    }

    /// The next data payload, or None when nothing arrives within `wait`.
    pub async fn next_data(&mut self, wait: Duration) -> Option<Value> {
        loop {
            let msg = self.next_json(wait).await?;
            match msg["type"].as_str() {
                Some("next") | Some("data") => return Some(msg["payload"]["data"].clone()),
                Some("ka") | Some("ping") | Some("pong") => continue,
                _ => panic!("unexpected message: {msg}"),
            }
        }
    }

    async fn send(&mut self, v: Value) {
        self.ws.send(Message::Text(v.to_string().into())).await.expect("websocket send");
    }

    /// The next message as it came, or None when nothing arrives within `wait`.
    pub async fn next_json(&mut self, wait: Duration) -> Option<Value> {
        loop {
            let msg = tokio::time::timeout(wait, self.ws.next()).await.ok()??.ok()?;
            if let Message::Text(t) = msg {
                return serde_json::from_str(&t).ok();
            }
        }
    }
}

/// The id a group with these `records { sourceId externalId }` must have: its smallest
/// record's derived id.
pub fn derived_id(records: &Value) -> String {
    let keys = records.as_array().expect("records").iter().map(|r| {
        supportmesh::model::RecordKey::new(r["sourceId"].as_str().unwrap(), r["externalId"].as_str().unwrap())
    });
    keys.min().expect("a group has records").group_id()
}

/// Opens the store at `path` once a handle the test just dropped has let go of its lock (sled
/// releases it shortly after the last handle is dropped).
pub fn reopen_store(path: &std::path::Path) -> supportmesh::store::Store {
    for _ in 0..100 {
        if let Ok(store) = supportmesh::store::Store::open(path) {
            return store;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the store at {} stayed locked for 5 s after it was closed", path.display())
}

/// `Store::open` at `path` once no handle the test dropped holds sled's lock; the open's own
/// error otherwise (a store refused for its format, say).
pub fn open_store_when_unlocked(path: &std::path::Path) -> anyhow::Result<supportmesh::store::Store> {
    for _ in 0..100 {
        match supportmesh::store::Store::open(path) {
            // `Store::open` names sled's lock error for operators ("in use by another
            // supportmesh process"): sled's own text is gone from it.
            Err(e) if format!("{e:#}").contains("is in use by another supportmesh process") => {
                std::thread::sleep(Duration::from_millis(50))
            }
            other => return other,
        }
    }
    supportmesh::store::Store::open(path)
}

/// The sled database at `path` itself, as another version of supportmesh would open it.
pub fn reopen_sled(path: &std::path::Path) -> sled::Db {
    for _ in 0..100 {
        if let Ok(db) = sled::open(path) {
            return db;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the store at {} stayed locked for 5 s after it was closed", path.display())
}
