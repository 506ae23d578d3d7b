//! Per-source options the parsers need: format, defaults and code overrides from config.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{GroupKind, Topic};

/// The document formats this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    MeetingGuide,
}

impl Format {
    pub const ALL: [Format; 1] = [Format::MeetingGuide];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::MeetingGuide => "meeting_guide",
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
    /// Kind for listings whose format does not say (Meeting Guide is always 12-step).
    pub kind: Option<GroupKind>,
    /// Local type-code meanings that replace the format's table for this source, code ->
    /// meaning code of the format's own table (e.g. New York's "S" -> "ST").
    pub code_overrides: BTreeMap<String, String>,
}

impl Default for SourceOptions {
    fn default() -> Self {
        SourceOptions {
            timezone: "UTC".to_owned(),
            country: None,
            topics: Vec::new(),
            kind: None,
            code_overrides: BTreeMap::new(),
        }
    }
}
