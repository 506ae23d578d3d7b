//! Pure parsers for the formats support-group directories publish.
//!
//! The bytes of a source's documents plus the source's options go in; `Parsed { listings,
//! problems, wants }` comes out. No IO, no async, no clock: fetching, storing and matching
//! belong to the service. One bad record never fails a document: it becomes a `Problem`
//! naming the record and the field, which parsers report through `problem::RecordProblems`.
//! A document that cannot be read at all is one `DocumentError`.
//!
//! Formats that span several documents (next pages, the tables of a datapackage, detail
//! pages) say which further URLs they need in `Parsed::wants`; the service fetches them and
//! parses again with them in `Documents::extra`, until nothing more is wanted or its page
//! cap is reached. After the format parser, `finish` bounds and cleans every listing (text
//! and list caps, bidi and control characters, members' contact details, each a problem) and
//! the topic and kind rules of `taxonomy` run on it, so every format gets the same treatment.
//! A parse has a time budget (`budget`), the one clock the crate reads. Topics are open-ended codes; the
//! known ones, with labels and parents, are `topics::Taxonomy`.

pub mod budget;
mod finish;
pub mod model;
pub mod normalize;
pub mod options;
pub mod parallel;
pub mod problem;
pub mod taxonomy;
pub mod topics;

pub mod bmlt;
pub mod delimited;
pub mod hsds_datapackage;
pub mod hsds_json;
pub mod html;
pub mod ical;
pub mod jsonld;
pub mod meeting_guide;
mod meeting_guide_codes;
pub mod meeting_guide_csv;
mod openreferral;
pub mod oruk;
pub mod peer;
pub mod rss;

use std::collections::BTreeMap;

pub use model::*;
pub use options::{Format, SourceOptions};
pub use problem::{DocumentError, Parsed, Problem, Problems, MAX_PARSE_PROBLEMS};
pub use topics::{Taxonomy, TopicInfo};

/// The documents of one source run: the root document and whatever further documents
/// earlier parses asked for.
#[derive(Debug, Clone, Copy)]
pub struct Documents<'a> {
    /// Where the root came from: an absolute http(s) or file URL; the base for relative links.
    pub url: &'a str,
    pub root: &'a [u8],
    /// Further documents by the absolute URL a parse asked for in `Parsed::wants`.
    pub extra: &'a BTreeMap<String, Vec<u8>>,
}

impl<'a> Documents<'a> {
    /// Just one document, with no base URL worth resolving against.
    pub fn single(root: &'a [u8]) -> Documents<'a> {
        static EMPTY: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        Documents { url: "file:///feed", root, extra: &EMPTY }
    }
}

/// Parses a source's documents in the given format, finishes every listing (`finish`: text
/// and list caps, bidi and control characters, members' contact details), then applies the
/// topic and kind rules; within `budget::DEFAULT`.
pub fn parse(format: Format, docs: &Documents<'_>, options: &SourceOptions) -> Result<Parsed, DocumentError> {
    parse_within(format, docs, options, budget::DEFAULT)
}

/// As [`parse`], stopping with a `DocumentError` ("parse took longer than 30 s...") once
/// `budget` has passed (see `budget` for where it is checked).
pub fn parse_within(
    format: Format,
    docs: &Documents<'_>,
    options: &SourceOptions,
    budget: std::time::Duration,
) -> Result<Parsed, DocumentError> {
    let deadline = budget::Deadline::after(budget);
    let mut parsed = match format {
        Format::MeetingGuide => meeting_guide::parse(docs.root, options)?,
        Format::MeetingGuideCsv => meeting_guide_csv::parse(docs, options)?,
        Format::Delimited => delimited::parse(docs, options)?,
        Format::Bmlt => bmlt::parse(docs, options)?,
        Format::HsdsDatapackage => hsds_datapackage::parse(docs, options)?,
        Format::HsdsJson => hsds_json::parse(docs, options)?,
        Format::Oruk => oruk::parse(docs, options)?,
        Format::Html => html::parse_until(docs, options, &deadline)?,
        Format::JsonLd => jsonld::parse(docs, options)?,
        Format::Rss => rss::parse(docs, options)?,
        Format::Ical => ical::parse(docs, options)?,
        Format::Supportmesh => peer::parse(docs, options)?,
    };
    deadline.check()?;
    finish::listings(&mut parsed, &deadline)?;
    taxonomy::apply_all(&mut parsed.listings, &options.rules);
    Ok(parsed)
}

/// For a format whose pages chain (`Format::chained_pages`: each page names the next, as a
/// peer's cursor does), the page to fetch after `page`, read from that page alone. A caller
/// can so fetch a long chain one page after another without parsing all of it again after
/// each page, then `parse` once. `None` for other formats, on the last page, or when the page
/// is unreadable (`parse` then says why).
pub fn next_in_chain(format: Format, url: &str, options: &SourceOptions, page: &[u8]) -> Option<String> {
    match format {
        Format::Supportmesh => peer::next_page(url, options, page),
        _ => None,
    }
}

/// Checks a source's format options (the `[sources.options]` table) before any run, so a
/// wrong recipe fails at startup with the key named.
pub fn check_options(format: Format, options: &serde_json::Value) -> Result<(), String> {
    match format {
        Format::MeetingGuide => options::no_options(options),
        Format::MeetingGuideCsv => meeting_guide_csv::check_options(options),
        Format::Delimited => delimited::check_options(options),
        Format::Bmlt => bmlt::check_options(options),
        Format::HsdsDatapackage => hsds_datapackage::check_options(options),
        Format::HsdsJson => hsds_json::check_options(options),
        Format::Oruk => oruk::check_options(options),
        Format::Html => html::check_options(options),
        Format::JsonLd => jsonld::check_options(options),
        Format::Rss => rss::check_options(options),
        Format::Ical => ical::check_options(options),
        Format::Supportmesh => peer::check_options(options),
    }
}
