//! The one integration test binary: the real service on port 0, a real sled store in a temp
//! dir, feeds served over real HTTP by a local server, GraphQL over HTTP and WebSocket.

mod helpers;

mod api_queries;
mod connections;
mod corrections;
mod cors;
mod crash;
mod finder_demo;
mod finder_facets;
mod finder_filters;
mod finder_near;
mod finder_paging;
mod finder_subscriptions;
mod finder_support;
mod formats;
mod garbage_feeds;
mod http_cache;
mod import_runs;
mod local_files;
mod matching;
mod matching_evidence;
mod matching_quality;
mod meeting_times;
mod operator;
mod operator_access;
mod operator_runs;
mod operator_sources;
mod peers;
mod places;
mod publish_feeds;
mod publish_hsds;
mod publish_support;
mod query_limits;
mod query_shortcuts;
mod readiness;
mod replicas;
mod run_errors;
mod schema_contract;
mod sse;
mod subscriptions;
mod topics;
mod upgrades;
mod walls;
