//! The domain model: what the service stores, matches and serves, as plain serde types.
//!
//! `dedup`, `store`, `ingest` and `graphql` all speak these types; this module depends on none
//! of them (only on `importers::Listing`, the normalised listing every parser produces) and
//! does no IO. The store serialises them, ingest builds them, GraphQL reads them.

mod correction;
mod geo;
mod group;
mod record;
mod run;

pub use correction::{Correction, CorrectionKind};
pub use geo::haversine_km;
pub use group::{GroupStatus, MatchLink, StoredGroup};
pub use record::{RecordKey, StoredRecord};
pub use run::{ImportRun, RunCounts, RunOutcome, SourceState};
