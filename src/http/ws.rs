//! GraphQL over WebSocket: async-graphql-axum's connection, in both subprotocols
//! (`graphql-transport-ws` and the legacy `graphql-ws`), with one correction.
//!
//! async-graphql answers an operation that fails before it runs (it does not parse or
//! validate, or its variables do not fit) with a `next` message carrying the errors, then
//! `complete`. The graphql-transport-ws protocol (graphql-ws's PROTOCOL.md) says such errors
//! are an `error` message whose payload is the list of errors, with no `complete` after it,
//! and clients such as `graphql-ws` reject the operation only on `error`. So for that
//! subprotocol the outgoing messages pass through `Corrector`, which turns a request error
//! (see `sse::is_request_error`) into `error` and drops its `complete`. Errors raised while
//! running stay in `next`, as the protocol wants. The legacy subprotocol is left as it is.
//!
//! A client has the handshake timeout to send `connection_init`, or the socket is closed;
//! each connection holds at most `max_subscriptions_per_connection` subscriptions
//! (`SubscriptionSlots`, in the connection's data).
//!
//! Each connection starts with a 1 KiB read buffer and gathers 8 KiB of writes, and a client
//! message may be at most 256 KiB (as an HTTP request body); a larger one closes the connection.
//!
//! Outgoing messages wait for the socket in a queue of at most `server.max_websocket_backlog` messages, written
//! by their own task. A client that stops reading (its TCP window stays shut) fills it; the
//! connection is then dropped, with the reason in the log and in
//! `supportmesh_websockets_dropped_total{reason="slow reader"}`. So a subscriber that never
//! reads holds at most the queue, the socket's buffers and its subscriptions' queues on the
//! event bus, which they leave when they are dropped with it.

use std::collections::HashSet;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_graphql::http::{WebSocketProtocols, ALL_WEBSOCKET_PROTOCOLS};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Body;
use axum::extract::ws::Message;
use axum::extract::{FromRequestParts, Request, WebSocketUpgrade};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::{stream, Sink, SinkExt, StreamExt};
use serde_json::{json, Value};

use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, Notify};

use crate::graphql::{Api, SubscriptionSlots};

/// The read buffer each connection holds from its start, and what a write gathers before it
/// goes to the socket (tungstenite's default is 128 KiB each: 10,000 subscribers held 2.5 GB
/// of buffers for messages of a few hundred bytes). A client sends a few small messages
/// (`connection_init`, `subscribe`, pings), so its buffer is small and grows for a larger
/// message, up to `MAX_MESSAGE_BYTES`; the write buffer starts empty and grows to a burst.
const READ_BUFFER_BYTES: usize = 1024;
const WRITE_BUFFER_BYTES: usize = 8 * 1024;

/// The largest message (and frame) a client may send, as for an HTTP request body; a larger
/// one closes the connection (tungstenite's default is 64 MiB).
const MAX_MESSAGE_BYTES: usize = 256 * 1024;

/// What one WebSocket connection may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time to send `connection_init`, or the socket is closed.
    pub handshake: Duration,
    /// Subscriptions held at once.
    pub most_subscriptions: usize,
    /// Messages queued beyond what the socket has taken: a client that lets this many pile up
    /// has stopped reading and is dropped.
    pub backlog: usize,
}

/// Upgrades the request to a GraphQL WebSocket connection served by `schema`, within `limits`.
pub async fn upgrade(schema: Api, req: Request<Body>, limits: Limits) -> Response {
    let Limits { handshake, most_subscriptions, backlog: most_queued } = limits;
    let (mut parts, _body) = req.into_parts();
    let corrected = offered_protocol(&parts.headers) == Some(WebSocketProtocols::GraphQLWS);
    let protocol = match GraphQLProtocol::from_request_parts(&mut parts, &()).await {
        Ok(p) => p,
        Err(status) => return status.into_response(),
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(u) => u,
        Err(rejection) => return rejection.into_response(),
    };
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| async move {
            let (sink, incoming) = socket.split();
            // A client message the socket refuses (over `MAX_MESSAGE_BYTES`, a broken frame)
            // ends the connection; the log says why (sizes and kinds only, never content).
            let incoming = incoming.inspect(|msg| {
                if let Err(e) = msg {
                    tracing::info!(error = %e, "closed a WebSocket: its client sent what the socket refuses");
                }
            });
            let mut sink: Pin<Box<dyn Sink<Message, Error = axum::Error> + Send>> = if corrected {
                let mut corrector = Corrector::default();
                Box::pin(sink.with_flat_map(move |msg| stream::iter(corrector.correct(msg).map(Ok))))
            } else {
                Box::pin(sink)
            };
            let (queue, mut backlog) = mpsc::channel::<Message>(most_queued);
            let write = async move {
                while let Some(msg) = backlog.recv().await {
                    // What else is queued goes out with it, in one write: a burst of events
                    // to one connection is one flush, not one per message.
                    let mut batch = Some(msg);
                    while let Some(msg) = batch.take().or_else(|| backlog.try_recv().ok()) {
                        if sink.feed(msg).await.is_err() {
                            return;
                        }
                    }
                    if sink.flush().await.is_err() {
                        return;
                    }
                }
            };
            let overflowed = Arc::new(AtomicBool::new(false));
            let full = overflowed.clone();
            let sink = futures_util::sink::unfold(queue, move |queue, msg: Message| {
                let full = full.clone();
                async move {
                    match queue.try_send(msg) {
                        Ok(()) => Ok(queue),
                        Err(TrySendError::Full(_)) => {
                            full.store(true, Ordering::Release);
                            Err(Unsent)
                        }
                        Err(TrySendError::Closed(_)) => Err(Unsent),
                    }
                }
            });
            let initialised = Arc::new(Notify::new());
            let init = initialised.clone();
            let serve = GraphQLWebSocket::new_with_pair(sink, incoming, schema, protocol)
                .on_connection_init(move |_payload| {
                    init.notify_one();
                    let mut data = async_graphql::Data::default();
                    data.insert(SubscriptionSlots::new(most_subscriptions));
                    std::future::ready(Ok(data))
                })
                .serve();
            let deadline = async {
                if tokio::time::timeout(handshake, initialised.notified()).await.is_ok() {
                    std::future::pending::<()>().await;
                }
            };
            let session = async {
                tokio::select! {
                    () = serve => {}
                    () = deadline => {
                        metrics::counter!("supportmesh_websockets_dropped_total", "reason" => "no connection_init").increment(1);
                        return false;
                    }
                }
                true
            };
            tokio::pin!(write);
            tokio::select! {
                // The writer stops only when the socket is gone: nothing left to do.
                () = &mut write => {}
                drain = session => {
                    if drain && !overflowed.load(Ordering::Acquire) {
                        // A session that ended of itself: its last messages still go out.
                        write.await;
                    } else if drain {
                        metrics::counter!("supportmesh_websockets_dropped_total", "reason" => "slow reader").increment(1);
                        tracing::info!(backlog = most_queued, "dropped a WebSocket client that stopped reading: its backlog of messages was full");
                    }
                }
            }
        })
        .into_response()
}

/// A message the queue did not take (full, or its writer gone).
#[derive(Debug)]
struct Unsent;

/// The subprotocol async-graphql-axum picks: the first offered one it knows.
fn offered_protocol(headers: &axum::http::HeaderMap) -> Option<WebSocketProtocols> {
    headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())?
        .split(',')
        .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok())
}

/// Rewrites graphql-transport-ws messages on their way out; one per connection.
#[derive(Default)]
struct Corrector {
    /// Operations answered with `error`, whose `complete` is still to come (and to drop).
    errored: HashSet<String>,
}

impl Corrector {
    /// The message to send instead of `msg`, or none.
    fn correct(&mut self, msg: Message) -> Option<Message> {
        let Message::Text(text) = &msg else { return Some(msg) };
        // Only a `next` with errors and the `complete` of an operation answered with `error`
        // are ever changed; every other message (each event a subscriber receives) passes
        // unparsed. A quote inside a JSON string is escaped, so `"errors"` appears only as a key.
        let next_with_errors = text.contains("\"next\"") && text.contains("\"errors\"");
        let complete = !self.errored.is_empty() && text.contains("\"complete\"");
        if !next_with_errors && !complete {
            return Some(msg);
        }
        let Ok(parsed) = serde_json::from_str::<Value>(text) else { return Some(msg) };
        let id = parsed["id"].as_str().unwrap_or_default();
        match parsed["type"].as_str() {
            Some("next") if super::sse::is_request_error(&parsed["payload"]) => {
                self.errored.insert(id.to_owned());
                let error = json!({ "id": id, "type": "error", "payload": parsed["payload"]["errors"] });
                Some(Message::Text(error.to_string().into()))
            }
            Some("complete") if self.errored.remove(id) => None,
            _ => Some(msg),
        }
    }
}
