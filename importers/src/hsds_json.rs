//! Open Referral HSDS 3.0 JSON API responses: a `service_full` object, a paged list of
//! services (`{total_items, total_pages, page_number, contents: [...]}`), a
//! `service_at_location_full` object or list, or an `organization_full` with nested services.
//!
//! Further pages are wanted as `?page=N` on the configured URL (other query parameters kept)
//! and read once fetched. The document is read by `openreferral::parse_api`, the entry point
//! this format shares with `oruk`; only `API` (what its documents are called) is its own.
//! Only support groups become listings: the selection, the schedule reading (RFC 5545-like
//! `freq`/`byday`) and the listing fields are shared with the other Open Referral formats in
//! `openreferral/`. Options (`[sources.options]`): `include_all`,
//! `taxonomy_codes`, `keywords`, `exclude_keywords` (see `openreferral/select.rs`).

use crate::openreferral::{self, Api};
use crate::problem::{DocumentError, Parsed};
use crate::Documents;

/// What is HSDS 3.0's own: its documents' name, no default zone or country, no extra fields.
const API: Api = Api {
    expected: "not an HSDS 3.0 JSON response: expected a service, a service_at_location, an organization or a \
               page of them",
    fallback: None,
    extend: &|_, _| {},
};

/// Parses the source's documents.
pub fn parse(docs: &Documents<'_>, options: &crate::SourceOptions) -> Result<Parsed, DocumentError> {
    openreferral::parse_api(docs, options, &API)
}

/// Checks this format's options.
pub fn check_options(options: &serde_json::Value) -> Result<(), String> {
    openreferral::check_options(options)
}
