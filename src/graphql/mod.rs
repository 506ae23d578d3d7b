//! The GraphQL API: schema assembly and the state resolvers read.
//!
//! One file per area: `query` (groups, sources, federation entities), `mutation` (operator
//! actions), `subscription` (live events), `types`/`enums`/`sources` (objects), `filter`
//! (inputs), `auth` (operator guard), `errors` (what clients may see), `telemetry` (query
//! shapes, never variables), `parse_cache` (parsed query texts). HTTP wiring lives in `crate::http`.

mod auth;
mod connection;
mod enums;
mod errors;
mod filter;
mod meeting;
mod mutation;
mod parse_cache;
mod places;
mod query;
mod sources;
mod subscription;
mod telemetry;
mod types;

use async_graphql::{SDLExportOptions, Schema};

use crate::events::EventBus;
use crate::ingest::Ingestor;
use crate::store::Store;
pub use places::PlaceBook;

pub use auth::Caller;
pub use mutation::MutationRoot;
pub use query::QueryRoot;
pub use subscription::SubscriptionRoot;

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// What resolvers read, handed to the schema as data.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub ingestor: Ingestor,
    pub events: EventBus,
    pub max_page_size: usize,
    /// Places people type, learned from the groups and bundled.
    pub places: PlaceBook,
}

/// Limits that protect the server from expensive queries.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub depth: usize,
    pub complexity: usize,
}

/// Builds the schema that serves `state`: federation v2 enabled, depth and complexity
/// limits, query-shape logging.
pub fn build_schema(state: AppState, limits: Limits) -> AppSchema {
    builder(limits).data(state).finish()
}

/// The whole schema as SDL, committed as schema/schema.graphql: every root type
/// (subscriptions included) and the schema definition, loadable by any GraphQL tool.
pub fn sdl() -> String {
    shape().sdl_with_options(SDLExportOptions::new())
}

/// The subgraph SDL, committed as schema/subgraph.graphql: what `_service { sdl }` answers
/// and Apollo composition reads (federation v2 `@link` and `@key`; no subscriptions).
pub fn subgraph_sdl() -> String {
    shape().sdl_with_options(SDLExportOptions::new().federation().compose_directive())
}

fn shape() -> AppSchema {
    builder(Limits { depth: 64, complexity: 100_000 }).finish()
}

/// The schema's shape without data: what `build_schema` serves and `sdl` prints.
fn builder(limits: Limits) -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(QueryRoot, MutationRoot, SubscriptionRoot)
        .enable_federation()
        .limit_depth(limits.depth)
        .limit_complexity(limits.complexity)
        .extension(telemetry::QueryShapeLogger)
        .extension(parse_cache::ParseCache::default())
}
