//! Per-source options the parsers need: format, defaults, code overrides and the known topics
//! from config.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::model::{GroupKind, Topic, TopicTag};
use crate::taxonomy::Rule;
use crate::topics::Taxonomy;

/// The document formats this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Meeting Guide JSON (12 Step Meeting List, Meeting Guide app)
    MeetingGuide,
    /// Meeting Guide / TSML spreadsheet (CSV with plain-language headers)
    MeetingGuideCsv,
    /// delimited exports (tab, pipe...) with a configured column map
    Delimited,
    /// BMLT (NA) meetings, both API shapes
    Bmlt,
    /// Open Referral HSDS 1.1 tabular datapackage
    HsdsDatapackage,
    /// Open Referral HSDS 3.0 JSON API
    HsdsJson,
    /// Open Referral UK API
    Oruk,
    /// HTML directories scraped with a CSS selector recipe
    Html,
    /// schema.org JSON-LD in HTML pages
    JsonLd,
    /// RSS / Atom feeds
    Rss,
    /// iCalendar feeds
    Ical,
    /// a peer supportmesh instance over GraphQL
    Supportmesh,
}

impl Format {
    pub const ALL: [Format; 12] = [
        Format::MeetingGuide,
        Format::MeetingGuideCsv,
        Format::Delimited,
        Format::Bmlt,
        Format::HsdsDatapackage,
        Format::HsdsJson,
        Format::Oruk,
        Format::Html,
        Format::JsonLd,
        Format::Rss,
        Format::Ical,
        Format::Supportmesh,
    ];

    /// True when one document holds the whole source, so an unchanged document (304, same
    /// hash) means an unchanged source. Paged and multi-table formats are not.
    pub fn single_document(self) -> bool {
        !matches!(
            self,
            Format::Bmlt
                | Format::HsdsDatapackage
                | Format::HsdsJson
                | Format::Oruk
                | Format::Html
                | Format::Supportmesh
        )
    }

    /// True when each page names the next (a cursor), so pages can only be asked for one at a
    /// time: `next_in_chain` follows them without parsing everything again, and the service
    /// bounds them by `ingest.max_peer_pages` rather than `ingest.max_documents`.
    pub fn chained_pages(self) -> bool {
        matches!(self, Format::Supportmesh)
    }

    /// The name used in configuration (`format = "..."`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::MeetingGuide => "meeting_guide",
            Format::MeetingGuideCsv => "meeting_guide_csv",
            Format::Delimited => "delimited",
            Format::Bmlt => "bmlt",
            Format::HsdsDatapackage => "hsds_datapackage",
            Format::HsdsJson => "hsds_json",
            Format::Oruk => "oruk",
            Format::Html => "html",
            Format::JsonLd => "jsonld",
            Format::Rss => "rss",
            Format::Ical => "ical",
            Format::Supportmesh => "supportmesh",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// What the service tells a parser about the source it reads. Built from configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceOptions {
    /// IANA zone for records that carry none. Always valid (config validates it).
    pub timezone: String,
    /// ISO 3166-1 alpha-2 country for records that carry none.
    pub country: Option<String>,
    /// Topics every listing of the source gets (AA -> alcohol, EDA -> eating_disorders).
    pub topics: Vec<Topic>,
    /// Every topic the service knows, core and configured. A format that names topics itself
    /// (a peer supportmesh instance) keeps only these; another is a problem on the record.
    pub taxonomy: Arc<Taxonomy>,
    /// Kind for listings whose format does not say (Meeting Guide is always 12-step).
    pub kind: Option<GroupKind>,
    /// Local type-code meanings that replace the format's table for this source, code ->
    /// meaning code of the format's own table (e.g. New York's "S" -> "ST").
    pub code_overrides: BTreeMap<String, String>,
    /// Topic and kind rules applied to every listing after parsing (config's global rules,
    /// the source's own, and the core keyword rules unless the source turns them off).
    pub rules: Vec<Rule>,
    /// The format's own options (`[sources.options]` in config): column maps, CSS selector
    /// recipes, taxonomy filters. `Null` when none are given. Checked by `check_options`.
    pub format_options: serde_json::Value,
}

impl SourceOptions {
    /// The source's default topics as tags, each recording that the source default gave it.
    pub fn default_topic_tags(&self) -> Vec<TopicTag> {
        self.topics.iter().cloned().map(|topic| TopicTag { topic, rule: "source default".to_owned() }).collect()
    }
}

impl Default for SourceOptions {
    fn default() -> Self {
        SourceOptions {
            timezone: "UTC".to_owned(),
            country: None,
            topics: Vec::new(),
            taxonomy: Arc::new(Taxonomy::core()),
            kind: None,
            code_overrides: BTreeMap::new(),
            rules: Vec::new(),
            format_options: serde_json::Value::Null,
        }
    }
}

/// `check_options` for formats that take no options.
pub fn no_options(options: &serde_json::Value) -> Result<(), String> {
    match options {
        serde_json::Value::Null => Ok(()),
        serde_json::Value::Object(m) if m.is_empty() => Ok(()),
        _ => Err("this format takes no options".to_owned()),
    }
}
