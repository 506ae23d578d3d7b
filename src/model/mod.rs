//! The domain model: what the service stores, matches and serves, as plain serde types.
//!
//! `dedup`, `store`, `ingest` and `graphql` all speak these types; this module depends on none
//! of them (only on `importers::Listing`, the normalised listing every parser produces, and its
//! `Meeting`) and does no IO and reads no clock. The store serialises them, ingest builds them,
//! GraphQL reads them; `occurrence` works out when a meeting next happens from a given instant.

mod canonical;
mod correction;
mod geo;
mod group;
mod occurrence;
mod operators;
mod record;
mod run;

pub use canonical::{canonical_bytes, content_hash, CONTENT_SCHEME};
pub use correction::{Correction, CorrectionKind};
pub use geo::haversine_km;
pub use group::{GroupMeeting, GroupStatus, MatchLink, StatusConflict, StoredGroup, GROUP_FORMAT};
pub use occurrence::{
    next_occurrence, parse_hhmm, starts_between, times_of_day, upcoming, Occurrence, TimeOfDay, DEFAULT_LENGTH,
};
pub use operators::{AuditEntry, OperatorToken, SourceOrigin, Stamp, StoredSource};
pub use record::{derived_id_bits, parse_derived_id, RecordDigest, RecordKey, StoredRecord};
pub use run::{
    GroupChange, GroupChangeKind, HeldResolution, ImportRun, RunCounts, RunOutcome, RunProblems, SourceState,
    MAX_RUN_CHANGES, MAX_RUN_PROBLEMS,
};
