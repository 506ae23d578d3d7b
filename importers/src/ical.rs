//! iCalendar feeds. Not written yet: every document is refused with a clear error.

use crate::{DocumentError, Documents, Parsed};

/// Parses the source's documents.
pub fn parse(_docs: &Documents<'_>, _options: &crate::SourceOptions) -> Result<Parsed, DocumentError> {
    Err(DocumentError("the ical format is not supported yet".to_owned()))
}

/// Checks this format's options.
pub fn check_options(options: &serde_json::Value) -> Result<(), String> {
    crate::options::no_options(options)
}
