//! What a parse returns: the good listings, a problem per bad record, or one document error.

use serde::{Deserialize, Serialize};

use crate::model::Listing;

/// The result of parsing one readable document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub listings: Vec<Listing>,
    pub problems: Vec<Problem>,
    /// Absolute URLs of further documents this parse needs (next pages, datapackage tables,
    /// detail pages), not yet in `Documents::extra`. Empty when the parse is complete.
    pub wants: Vec<String>,
}

/// One record (or one field of a record) that could not be used as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The record's id in the source (slug, row number...), when it has one.
    pub record: Option<String>,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// Why, in words an operator understands.
    pub message: String,
    /// True when the record was dropped; false when only the field was ignored.
    pub dropped: bool,
}

impl Problem {
    pub fn dropped(record: Option<String>, field: Option<&str>, message: impl Into<String>) -> Self {
        Problem { record, field: field.map(str::to_owned), message: message.into(), dropped: true }
    }

    pub fn field(record: Option<String>, field: &str, message: impl Into<String>) -> Self {
        Problem { record, field: Some(field.to_owned()), message: message.into(), dropped: false }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(r) = &self.record {
            write!(f, "record {r}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        f.write_str(&self.message)?;
        if self.dropped {
            f.write_str(" (record skipped)")?;
        }
        Ok(())
    }
}

/// The document as a whole cannot be read (not JSON, wrong shape, not the expected format).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DocumentError(pub String);
