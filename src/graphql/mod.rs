//! The GraphQL API: schema assembly and the state resolvers read.
//!
//! One file per area: `query` (groups, sources, federation entities), `topics` (the `Topic`
//! scalar and the taxonomy), `runs` (run history, held runs), `access` (operator tokens,
//! the audit log) and `reviews` (the matching review queue), merged into the query root; `mutation` (imports, corrections),
//! `source_admin` (sources through the API, with `preview` for dry runs), `runs` and
//! `access`, merged into the mutation root; `audit` (writing the audit log),
//! `subscription` (live events), `types`/`enums`/`sources` (objects), `filter` (inputs),
//! `auth` (operator guard), `executor` (what every request goes through: `documents`, parsed
//! queries by hash for persisted queries and no re-parsing; `budget`, what a query may cost;
//! `deadline`, how long it may run; `telemetry`, query shapes, never variables), `errors`
//! (what clients may see). HTTP wiring lives in `crate::http`.

mod access;
mod answer;
mod audit;
pub mod auth;
mod budget;
mod connection;
mod deadline;
mod documents;
mod enums;
mod errors;
mod executor;
mod filter;
mod meeting;
mod mutation;
mod places;
mod preview;
mod query;
mod rendered;
mod reviews;
mod runs;
mod serial;
mod source_admin;
mod sources;
mod subscription;
mod telemetry;
mod topics;
mod types;
mod upcoming;
mod verdicts;

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{MergedObject, SDLExportOptions, Schema};

use crate::events::EventBus;
use crate::ingest::Ingestor;
use crate::store::Store;
pub use answer::to_json as answer_json;
pub use documents::Documents;
pub use executor::Api;
pub use places::PlaceBook;
pub use rendered::{Rendered, Splice};

pub use auth::Caller;
pub use budget::Budget;
pub use mutation::MutationRoot;
pub use subscription::{SubscriptionRoot, SubscriptionSlots};

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

// The query root, `Query` in the schema: groups, places and sources (`query`), and the topics
// (`topics`). No doc comment: it would become the type's description in the SDL.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    query::GroupsQuery,
    topics::TopicsQuery,
    runs::RunQueries,
    access::AccessQueries,
    reviews::ReviewQueries,
);

/// What resolvers read, handed to the schema as data.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub ingestor: Ingestor,
    pub events: EventBus,
    pub max_page_size: usize,
    /// This instance's id in provenance (`Query.instance`, `SourceRecord.origins`).
    pub instance_id: Arc<str>,
    /// Places people type, learned from the groups and bundled.
    pub places: PlaceBook,
    /// Every topic the service knows (core and configured): filters take only these.
    pub topics: Arc<importers::Taxonomy>,
    /// Parsed queries by hash: persisted queries and no re-parsing.
    pub documents: Documents,
    /// Group nodes rendered once per store generation, for answers written as JSON by
    /// `answer_json`.
    pub rendered: Rendered,
}

/// Builds the API that serves `state`: the schema (federation v2 enabled) with what every
/// request goes through first (`executor`: documents, the query budget, the time budget,
/// query-shape telemetry).
pub fn build_api(state: AppState, budget: Budget, timeout: Duration) -> Api {
    let documents = state.documents.clone();
    let fast = builder(budget).data(state.clone()).validation_mode(async_graphql::ValidationMode::Fast).finish();
    Api::new((builder(budget).data(state).finish(), fast), documents, budget, timeout)
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
    let budget = Budget { depth: 64, cost: 100_000, page: 100, root_fields: 100, aliases: 100, introspection: true };
    builder(budget).finish()
}

/// The schema's shape without data: what `build_api` serves and `sdl` prints. No schema
/// extension (see `executor`); the budget replaces async-graphql's own depth and complexity
/// limits, whose walks expand fragments.
fn builder(budget: Budget) -> async_graphql::SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    let builder = Schema::build(QueryRoot::default(), MutationRoot::default(), SubscriptionRoot).enable_federation();
    match budget.introspection {
        true => builder,
        false => builder.disable_introspection(),
    }
}
