//! The one integration test binary: the real service on port 0, a real sled store in a temp
//! dir, feeds served over real HTTP by a local server, GraphQL over HTTP and WebSocket.

mod helpers;

mod api_queries;
mod corrections;
mod cors;
mod formats;
mod import_runs;
mod matching;
mod matching_quality;
mod meeting_times;
mod operator;
mod schema_contract;
mod subscriptions;
mod topics;
mod walls;
