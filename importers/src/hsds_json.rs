//! Open Referral HSDS 3.0 JSON API responses: a `service_full` object, a paged list of
//! services (`{total_items, total_pages, page_number, contents: [...]}`), a
//! `service_at_location_full` object or list, or an `organization_full` with nested services.
//!
//! Further pages are wanted as `?page=N` on the configured URL (other query parameters kept)
//! and read once fetched. Only support groups become listings: the selection, the schedule
//! reading (RFC 5545-like `freq`/`byday`) and the listing fields are shared with the other
//! Open Referral formats in `openreferral/`. Options (`[sources.options]`): `include_all`,
//! `taxonomy_codes`, `keywords`, `exclude_keywords` (see `openreferral/select.rs`).

use crate::openreferral::{self, json, paging, Context};
use crate::problem::{DocumentError, Parsed, RecordProblems};
use crate::Documents;

const EXPECTED: &str =
    "not an HSDS 3.0 JSON response: expected a service, a service_at_location, an organization or a page of them";

/// Parses the source's documents.
pub fn parse(docs: &Documents<'_>, options: &crate::SourceOptions) -> Result<Parsed, DocumentError> {
    let ctx = Context::new(options, None)?;
    let mut parsed = Parsed::default();
    let mut problems = RecordProblems::document(&mut parsed.problems);
    let pages = paging::items(docs, EXPECTED, &mut problems)?;
    let mut collected = json::Collected::default();
    for (position, item) in &pages.items {
        collected.item(item, position, &|_, _| {}, &mut problems);
    }
    let services = collected.finish(&mut problems);
    parsed.wants = pages.wants;
    openreferral::build(services, &ctx, &mut parsed);
    Ok(parsed)
}

/// Checks this format's options.
pub fn check_options(options: &serde_json::Value) -> Result<(), String> {
    openreferral::check_options(options)
}
