//! The bare-handler peer of `bench/run.sh`: an axum server whose `POST /graphql` looks the
//! request body up among the 20 load requests and returns supportmesh's own recorded answer to
//! it, pre-rendered. What is left is HTTP, routing and a hash lookup: the ceiling any GraphQL
//! server on this machine is measured against.
//!
//!     bare_peer --listen 127.0.0.1:18081 --requests requests.jsonl --answers answers.jsonl

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

type Answers = Arc<HashMap<Bytes, Bytes>>;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str| argv.iter().position(|a| a == name).and_then(|i| argv.get(i + 1)).cloned();
    let listen = get("--listen").unwrap_or_else(|| "127.0.0.1:18081".into());
    let lines = |flag: &str| -> anyhow::Result<Vec<Bytes>> {
        let file = get(flag).with_context(|| format!("{flag} is required"))?;
        let text = std::fs::read_to_string(&file).with_context(|| file.clone())?;
        Ok(text.lines().filter(|l| !l.trim().is_empty()).map(|l| Bytes::from(l.to_owned())).collect())
    };
    let (requests, answers) = (lines("--requests")?, lines("--answers")?);
    anyhow::ensure!(requests.len() == answers.len(), "as many answers as requests, please");
    let map: Answers = Arc::new(requests.into_iter().zip(answers).collect());
    let app = Router::new().route("/graphql", post(graphql)).with_state(map);
    let listener = tokio::net::TcpListener::bind(&listen).await.with_context(|| listen.clone())?;
    eprintln!("bare peer on {listen}");
    axum::serve(listener, app).await?;
    Ok(())
}

async fn graphql(State(answers): State<Answers>, body: Bytes) -> Response {
    match answers.get(&body) {
        Some(a) => ([(header::CONTENT_TYPE, "application/json")], a.clone()).into_response(),
        None => (StatusCode::BAD_REQUEST, "not one of the load requests").into_response(),
    }
}
