//! GraphiQL served by the binary itself: the page and every script and style it loads
//! (vendored in `assets/graphiql/`, with their licences), so the IDE works offline. No CDN.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

const PAGE: &str = include_str!("../assets/graphiql/index.html");

/// (file name, content type, bytes) of every asset the page loads.
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("graphiql.min.js", "text/javascript; charset=utf-8", include_bytes!("../assets/graphiql/graphiql.min.js")),
    ("graphiql.min.css", "text/css; charset=utf-8", include_bytes!("../assets/graphiql/graphiql.min.css")),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/graphiql/react-dom.production.min.js"),
    ),
    ("start.js", "text/javascript; charset=utf-8", include_bytes!("../assets/graphiql/start.js")),
];

/// The GraphiQL page.
pub async fn page() -> Html<&'static str> {
    Html(PAGE)
}

/// One of the page's assets, cached by browsers for a day (they change only with the binary).
pub async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, bytes)) => {
            ([(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, "public, max-age=86400")], *bytes)
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such GraphiQL asset").into_response(),
    }
}
