//! Open Referral HSDS 1.1 tabular datapackage: `datapackage.json` plus one CSV per table.
//!
//! The root document is the descriptor. Its `resources[].path` name the tables; the first
//! parse wants the ones a group listing needs (services, organizations, locations,
//! services_at_location, physical_addresses, phones, regular_schedules, services_taxonomy,
//! taxonomy, languages, accessibility_for_disabilities), resolved against the descriptor's
//! URL. Tables the descriptor does not list are simply done without (only a missing services
//! table is a `DocumentError`); contacts, eligibility and the rest are never asked for, so
//! staff names in contacts.csv are never even fetched. Once the services table is there the
//! tables are read (`hsds_datapackage/tables.rs`), joined (`join.rs`), and the support
//! groups among the services become listings through `openreferral`. Options as for
//! `hsds_json` (`include_all`, `taxonomy_codes`, `keywords`, `exclude_keywords`).

mod join;
mod tables;

use std::collections::BTreeMap;

use crate::normalize::table;
use crate::openreferral::{self, Context};
use crate::problem::{DocumentError, Parsed, RecordProblems};
use crate::Documents;

use tables::Table;

/// Parses the source's documents.
pub fn parse(docs: &Documents<'_>, options: &crate::SourceOptions) -> Result<Parsed, DocumentError> {
    let ctx = Context::new(options, None)?;
    let urls = tables::descriptor(docs.root, docs.url)?;
    let Some(services_url) = urls.get("service") else {
        let listed: Vec<&str> = urls.keys().copied().collect();
        let found = if listed.is_empty() { "no table this format reads".to_owned() } else { listed.join(", ") };
        return Err(DocumentError(format!("the datapackage lists no services table (it lists: {found})")));
    };
    let mut parsed = Parsed {
        wants: urls.values().filter(|u| !docs.extra.contains_key(*u)).cloned().collect(),
        ..Parsed::default()
    };
    let Some(service_bytes) = docs.extra.get(services_url) else {
        return Ok(parsed);
    };
    let services = Table::read(service_bytes)
        .map_err(|why| DocumentError(format!("the services table ({services_url}) cannot be read: {why}")))?;
    table::report_cuts(
        &services.cut,
        Some(&services.header),
        &mut RecordProblems::new(&mut parsed.problems, services_url.as_str()),
    );
    let mut read: BTreeMap<&'static str, Table> = BTreeMap::new();
    read.insert("service", services);
    for (kind, url) in &urls {
        let Some(bytes) = docs.extra.get(url).filter(|_| *kind != "service") else { continue };
        match Table::read(bytes) {
            Ok(t) => {
                table::report_cuts(
                    &t.cut,
                    Some(&t.header),
                    &mut RecordProblems::new(&mut parsed.problems, url.as_str()),
                );
                read.insert(kind, t);
            }
            Err(why) => RecordProblems::new(&mut parsed.problems, url)
                .note(format!("the {kind} table cannot be read ({why}); left out")),
        }
    }
    let services = join::services(&read, &mut RecordProblems::document(&mut parsed.problems));
    openreferral::build(services, &ctx, &mut parsed);
    Ok(parsed)
}

/// Checks this format's options.
pub fn check_options(options: &serde_json::Value) -> Result<(), String> {
    openreferral::check_options(options)
}
