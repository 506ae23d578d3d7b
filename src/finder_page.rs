//! The browser pages served by the binary: the finder for people at `/` (`assets/finder/`)
//! and the operator console at `/operator` (`assets/operator/`), with every script, style
//! and image they load compiled in (Leaflet vendored in `assets/finder/vendor/leaflet/` with
//! its licence), so both work offline. No CDN, no build step: plain ES modules.
//!
//! The pages call `/graphql` like any client; this file only serves files, the page config
//! (`/finder/config.json`: the map tile URL from `[server] map_tiles`) and a
//! `Content-Security-Policy` that lets the pages load nothing but this service and the tiles.
//! What people search for lives in the URL's fragment, which browsers never send, so it
//! reaches no server log.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

/// What the pages are told, and the policy they are served with.
#[derive(Debug, Clone)]
pub struct PageConfig {
    map_tiles: Option<String>,
    csp: String,
}

impl PageConfig {
    /// `map_tiles`: a tile URL template (`{z}/{x}/{y}`), or `None` for a map without tiles.
    pub fn new(map_tiles: Option<String>) -> PageConfig {
        let tiles_origin = map_tiles.as_deref().and_then(origin).unwrap_or_default();
        let csp = format!(
            "default-src 'self'; img-src 'self' data: blob: {tiles_origin}; connect-src 'self' blob:; \
             style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
        );
        PageConfig { map_tiles, csp }
    }
}

/// The routes of both pages, for any router state (they keep their own).
pub fn routes<S: Clone + Send + Sync + 'static>(config: PageConfig) -> Router<S> {
    Router::new()
        .route("/", get(finder))
        .route("/operator", get(operator))
        .route("/finder/config.json", get(config_json))
        .route("/finder/{*file}", get(asset))
        .route("/operator/{*file}", get(asset))
        .with_state(Arc::new(config))
}

async fn finder(State(c): State<Arc<PageConfig>>) -> Response {
    page(&c, include_str!("../assets/finder/index.html"))
}

async fn operator(State(c): State<Arc<PageConfig>>) -> Response {
    page(&c, include_str!("../assets/operator/index.html"))
}

async fn config_json(State(c): State<Arc<PageConfig>>) -> Response {
    let body = serde_json::json!({ "mapTiles": c.map_tiles });
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// One of the pages' files, by its path; cached by browsers for an hour.
async fn asset(uri: Uri) -> Response {
    match ASSETS.iter().find(|(path, _)| *path == uri.path()) {
        Some((path, bytes)) => {
            let headers = [(header::CONTENT_TYPE, content_type(path)), (header::CACHE_CONTROL, "public, max-age=3600")];
            (headers, *bytes).into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}

fn page(c: &PageConfig, html: &'static str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
        (header::CACHE_CONTROL, "no-cache".to_owned()),
        (header::CONTENT_SECURITY_POLICY, c.csp.clone()),
        (header::REFERRER_POLICY, "no-referrer".to_owned()),
    ];
    (headers, html).into_response()
}

/// `https://tile.example.org/{z}/{x}/{y}.png` -> `https://tile.example.org` (a `{s}`
/// subdomain becomes `*.`).
fn origin(template: &str) -> Option<String> {
    let (scheme, rest) = template.split_once("://")?;
    let host = rest.split('/').next()?.replace("{s}", "*");
    Some(format!("{scheme}://{host}"))
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("png") => "image/png",
        _ => "text/plain; charset=utf-8",
    }
}

macro_rules! files {
    ($($url:literal => $file:literal),* $(,)?) => {
        &[$(($url, include_bytes!(concat!("../assets/", $file)))),*]
    };
}

/// (URL path, bytes) of every file the pages load.
const ASSETS: &[(&str, &[u8])] = files![
    "/finder/app.js" => "finder/app.js",
    "/finder/api.js" => "finder/api.js",
    "/finder/filters.js" => "finder/filters.js",
    "/finder/facets.js" => "finder/facets.js",
    "/finder/search.js" => "finder/search.js",
    "/finder/places.js" => "finder/places.js",
    "/finder/list.js" => "finder/list.js",
    "/finder/when.js" => "finder/when.js",
    "/finder/map.js" => "finder/map.js",
    "/finder/group.js" => "finder/group.js",
    "/finder/ics.js" => "finder/ics.js",
    "/finder/live.js" => "finder/live.js",
    "/finder/dom.js" => "finder/dom.js",
    "/finder/style.css" => "finder/style.css",
    "/finder/vendor/leaflet/leaflet.js" => "finder/vendor/leaflet/leaflet.js",
    "/finder/vendor/leaflet/leaflet.css" => "finder/vendor/leaflet/leaflet.css",
    "/finder/vendor/leaflet/images/marker-icon.png" => "finder/vendor/leaflet/images/marker-icon.png",
    "/finder/vendor/leaflet/images/marker-icon-2x.png" => "finder/vendor/leaflet/images/marker-icon-2x.png",
    "/finder/vendor/leaflet/images/marker-shadow.png" => "finder/vendor/leaflet/images/marker-shadow.png",
    "/finder/vendor/leaflet/images/layers.png" => "finder/vendor/leaflet/images/layers.png",
    "/finder/vendor/leaflet/images/layers-2x.png" => "finder/vendor/leaflet/images/layers-2x.png",
    "/finder/vendor/leaflet/LICENSE" => "finder/vendor/leaflet/LICENSE",
    "/operator/console.js" => "operator/console.js",
    "/operator/token.js" => "operator/token.js",
    "/operator/sources.js" => "operator/sources.js",
    "/operator/records.js" => "operator/records.js",
    "/operator/console.css" => "operator/console.css",
];
