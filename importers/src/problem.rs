//! What a parse returns: the good listings, a problem per bad record, or one document error;
//! and [`RecordProblems`], the one way a parser reports a problem.

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

/// Where a parser reports problems: the parse's list, and the record they are about.
///
/// A parser makes one per record it reads, named by the record's id in the source (slug,
/// "row 12", "[3]" until the id is read), with [`RecordProblems::new`], or one for the
/// document as a whole with [`RecordProblems::document`]; [`RecordProblems::at`] hands the
/// same list to another record. Functions that read a record take `&mut RecordProblems<'_>`;
/// nothing else pushes a [`Problem`]. Problems keep the order they were reported in.
#[derive(Debug)]
pub struct RecordProblems<'a> {
    record: Option<String>,
    list: &'a mut Vec<Problem>,
    /// How long `list` was when this recorder was made: what it added is after that.
    start: usize,
}

impl<'a> RecordProblems<'a> {
    /// Problems of the record named `record`, added to `list`.
    pub fn new(list: &'a mut Vec<Problem>, record: impl Into<String>) -> Self {
        let start = list.len();
        RecordProblems { record: Some(record.into()), list, start }
    }

    /// Problems of the document as a whole (they name no record), added to `list`.
    pub fn document(list: &'a mut Vec<Problem>) -> Self {
        let start = list.len();
        RecordProblems { record: None, list, start }
    }

    /// Problems of another record, added to the same list.
    pub fn at(&mut self, record: impl Into<String>) -> RecordProblems<'_> {
        RecordProblems::new(self.list, record)
    }

    /// The record's name, as its problems give it; `None` for the document.
    pub fn record(&self) -> Option<&str> {
        self.record.as_deref()
    }

    /// Names the record `record` from now on (its id, once read, instead of its position);
    /// problems already reported keep the name they had.
    pub fn rename(&mut self, record: impl Into<String>) {
        self.record = Some(record.into());
    }

    /// The value of `field` cannot be used and is ignored; the record is kept.
    pub fn field(&mut self, field: &str, message: impl Into<String>) {
        self.list.push(Problem::field(self.record.clone(), field, message));
    }

    /// As [`RecordProblems::field`], unless the very same problem is already in the list (a
    /// schedule that repeats a bad value in every row is reported once).
    pub fn field_once(&mut self, field: &str, message: impl Into<String>) {
        let problem = Problem::field(self.record.clone(), field, message);
        if !self.list.contains(&problem) {
            self.list.push(problem);
        }
    }

    /// The record is skipped; `field` names the field at fault, when one is.
    pub fn dropped(&mut self, field: Option<&str>, message: impl Into<String>) {
        self.list.push(Problem::dropped(self.record.clone(), field, message));
    }

    /// A note on the record (or the document) as a whole, naming no field; nothing is skipped.
    pub fn note(&mut self, message: impl Into<String>) {
        self.list.push(Problem { record: self.record.clone(), field: None, message: message.into(), dropped: false });
    }

    /// The problems added to the list since this recorder was made (its own, and those of
    /// the recorders it handed out with [`RecordProblems::at`]).
    pub fn found(&self) -> &[Problem] {
        self.list.get(self.start..).unwrap_or_default()
    }
}

/// The document as a whole cannot be read (not JSON, wrong shape, not the expected format).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DocumentError(pub String);
