//! What a client may hold open, through the real server: a connection that never finishes
//! its headers or its body, an idle keep-alive and a WebSocket that never sends `connection_init` are
//! closed after the handshake timeout; connections beyond the cap are refused at once; a
//! WebSocket connection holds at most its share of subscriptions.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::{sepa_sample, source, spawn_app_with_env, FeedServer, TestApp, WsClient};

async fn app_with(env: &[(&str, &str)]) -> TestApp {
    let feeds = FeedServer::start().await;
    feeds.put("sepa.json", sepa_sample());
    spawn_app_with_env(feeds, &[source("sepa", "sepa.json")], env).await
}

/// Reads until the server closes the connection; None if it is still open after `wait`.
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> Option<Vec<u8>> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    let read_all = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(wait, read_all).await.ok()?;
    Some(seen)
}

#[tokio::test]
async fn half_sent_headers_and_idle_keep_alives_are_closed() {
    let app = app_with(&[("SUPPORTMESH_SERVER_HANDSHAKE_TIMEOUT_SECS", "1")]).await;

    let mut half = TcpStream::connect(app.addr).await.unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut idle = TcpStream::connect(app.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();

    assert!(closed_within(&mut half, Duration::from_secs(10)).await.is_some(), "a half-sent request stays open");
    let answered = closed_within(&mut idle, Duration::from_secs(10)).await.expect("an idle keep-alive stays open");
    assert!(String::from_utf8_lossy(&answered).starts_with("HTTP/1.1 200"), "the request itself was answered");
}

#[tokio::test]
async fn a_trickled_request_body_is_answered_408() {
    let app = app_with(&[("SUPPORTMESH_SERVER_HANDSHAKE_TIMEOUT_SECS", "1")]).await;
    let mut slow = TcpStream::connect(app.addr).await.unwrap();
    let head = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
    slow.write_all(head.as_bytes()).await.unwrap();
    slow.write_all(b"{\"query\":").await.unwrap();

    let answer = closed_within(&mut slow, Duration::from_secs(10)).await.expect("the connection is still open");

    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive within 1 s"), "{answer}");
}

#[tokio::test]
async fn connections_beyond_the_cap_are_refused_and_the_others_served() {
    let app =
        app_with(&[("SUPPORTMESH_SERVER_MAX_CONNECTIONS", "2"), ("SUPPORTMESH_SERVER_HANDSHAKE_TIMEOUT_SECS", "30")])
            .await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = TcpStream::connect(app.addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
        let mut buf = [0u8; 256];
        let n = s.read(&mut buf).await.unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
        held.push(s);
    }

    let mut third = TcpStream::connect(app.addr).await.unwrap();
    let _ = third.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let refused = closed_within(&mut third, Duration::from_secs(10)).await.expect("the third connection is closed");
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = app.client.get(app.url("/healthz")).send().await.unwrap();

    assert!(refused.is_empty(), "closed without an answer: {}", String::from_utf8_lossy(&refused));
    assert_eq!(after.status(), 200, "a slot frees when a connection closes");
}

#[tokio::test]
async fn a_websocket_that_never_initialises_is_closed() {
    let app = app_with(&[("SUPPORTMESH_SERVER_HANDSHAKE_TIMEOUT_SECS", "1")]).await;
    let mut req = format!("ws://{}/graphql", app.addr).into_client_request().unwrap();
    req.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("websocket connects");

    let end = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(msg)) = ws.next().await {
            if msg.is_close() {
                break;
            }
        }
    })
    .await;

    assert!(end.is_ok(), "the socket is still open 10 s after a 1 s handshake timeout");
}

#[tokio::test]
async fn a_websocket_message_over_the_request_limit_closes_that_connection_only() {
    let app = app_with(&[]).await;
    let mut big = WsClient::connect(&app, "graphql-transport-ws").await;
    let query = format!("subscription {{ groupAdded {{ id }} }} # {}", "x".repeat(300 * 1024));
    big.subscribe("1", &query, json!({})).await;

    let closed = big.closed_within(Duration::from_secs(10)).await;

    assert!(closed, "a 300 KiB message did not close the connection");
    let mut small = WsClient::connect(&app, "graphql-transport-ws").await;
    small.subscribe("1", "subscription { groupAdded { id } } # {}", json!({})).await;
    let reply = small.next_json(Duration::from_millis(500)).await;
    assert!(reply.is_none(), "a small subscription is accepted and waits for events: {reply:?}");
}

#[tokio::test]
async fn a_connection_holds_at_most_its_share_of_subscriptions() {
    let app = app_with(&[("SUPPORTMESH_SERVER_MAX_SUBSCRIPTIONS_PER_CONNECTION", "2")]).await;
    let mut ws = WsClient::connect(&app, "graphql-transport-ws").await;
    for id in ["1", "2", "3"] {
        ws.subscribe(id, "subscription { groupAdded { id } }", json!({})).await;
    }

    let refused = ws.next_json(Duration::from_secs(5)).await.expect("an answer to the third subscription");

    assert_eq!(refused["id"], "3", "{refused}");
    let text = refused.to_string();
    assert!(text.contains("already has 2 subscriptions"), "{text}");
}
