//! The GraphQL API: schema assembly and the state resolvers read.
//!
//! One file per area: `query` (groups, sources, federation entities) and `topics` (the `Topic`
//! scalar and the taxonomy), merged into the query root; `mutation` (operator actions),
//! `subscription` (live events), `types`/`enums`/`sources` (objects), `filter` (inputs),
//! `auth` (operator guard), `errors` (what clients may see), `telemetry` (query shapes, never
//! variables), `documents` (parsed queries by hash: persisted queries, no re-parsing). HTTP
//! wiring lives in `crate::http`.

mod auth;
mod connection;
mod documents;
mod enums;
mod errors;
mod filter;
mod meeting;
mod mutation;
mod places;
mod query;
mod sources;
mod subscription;
mod telemetry;
mod topics;
mod types;
mod upcoming;

use std::sync::Arc;

use async_graphql::{MergedObject, SDLExportOptions, Schema};

use crate::events::EventBus;
use crate::ingest::Ingestor;
use crate::store::Store;
pub use documents::Documents;
pub use places::PlaceBook;

pub use auth::Caller;
pub use mutation::MutationRoot;
pub use subscription::SubscriptionRoot;

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

// The query root, `Query` in the schema: groups, places and sources (`query`), and the topics
// (`topics`). No doc comment: it would become the type's description in the SDL.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(query::GroupsQuery, topics::TopicsQuery);

/// What resolvers read, handed to the schema as data.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub ingestor: Ingestor,
    pub events: EventBus,
    pub max_page_size: usize,
    /// Places people type, learned from the groups and bundled.
    pub places: PlaceBook,
    /// Every topic the service knows (core and configured): filters take only these.
    pub topics: Arc<importers::Taxonomy>,
    /// Parsed queries by hash: persisted queries and no re-parsing.
    pub documents: Documents,
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
    builder(limits).extension(state.documents.clone()).data(state).finish()
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
    Schema::build(QueryRoot::default(), MutationRoot, SubscriptionRoot)
        .enable_federation()
        .limit_depth(limits.depth)
        .limit_complexity(limits.complexity)
        .extension(telemetry::QueryShapeLogger)
}
