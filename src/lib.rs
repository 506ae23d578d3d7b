//! supportmesh: one deduplicated, always-fresh directory of support groups, served as GraphQL.
//!
//! Pipeline: `scheduler` decides when, `ingest` runs one source (`fetch` -> `importers` ->
//! `ingest::diff` -> `dedup` -> `store`), `events` carries what changed to `graphql`
//! subscriptions; `http` (with `readiness` for `/readyz`) and `startup` put the service on the network; `cli` is the binary's
//! front door. See README.md for the codemap and invariants.

pub mod cli;
pub mod config;
pub mod dedup;
pub mod events;
pub mod export;
pub mod fetch;
pub mod finder;
pub mod finder_page;
pub mod graphiql;
pub mod graphql;
pub mod http;
pub mod ingest;
pub mod listen;
pub mod model;
pub use importers::parallel;
pub mod places;
pub mod publish;
pub mod readiness;
pub mod registry;
pub mod response_cache;
pub mod scheduler;
pub mod startup;
pub mod store;
pub mod telemetry;
