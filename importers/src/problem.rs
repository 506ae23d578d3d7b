//! What a parse returns: the good listings, a problem per bad record (the first
//! [`MAX_PARSE_PROBLEMS`] kept in [`Problems`], the rest counted), or one document error; and
//! [`RecordProblems`], the one way a parser reports a problem.

use serde::{Deserialize, Serialize};

use crate::model::Listing;

/// The result of parsing one readable document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub listings: Vec<Listing>,
    pub problems: Problems,
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

/// Most problems one parse keeps. A feed of millions of bad records (3,000,000 `{}` in a
/// Meeting Guide array) keeps these and counts the rest, instead of holding a `Problem` per
/// record; the service keeps fewer still (`MAX_RUN_PROBLEMS`), so nothing it shows is lost.
pub const MAX_PARSE_PROBLEMS: usize = 10_000;

/// The problems of one parse, in the order they were reported: the first
/// [`MAX_PARSE_PROBLEMS`] kept, the rest only counted. Filled through [`RecordProblems`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    kept: Vec<Problem>,
    omitted: usize,
}

impl Problems {
    /// Keeps `problem` while there is room; else counts it and hands it back.
    fn push(&mut self, problem: Problem) -> Option<Problem> {
        if self.kept.len() < MAX_PARSE_PROBLEMS {
            self.kept.push(problem);
            None
        } else {
            self.omitted += 1;
            Some(problem)
        }
    }

    /// Adds another list's problems after these (kept while there is room, else counted).
    pub(crate) fn append(&mut self, other: Problems) {
        let Problems { kept, omitted } = other;
        let mut kept = kept.into_iter();
        let room = MAX_PARSE_PROBLEMS.saturating_sub(self.kept.len());
        self.kept.extend(kept.by_ref().take(room));
        self.omitted += kept.len() + omitted;
    }

    /// The problems kept, the first reported.
    pub fn kept(&self) -> &[Problem] {
        &self.kept
    }

    /// The kept problems, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Problem> {
        self.kept.iter()
    }

    /// Problems reported beyond the kept ones: counted, not kept.
    pub fn omitted(&self) -> usize {
        self.omitted
    }

    /// Every problem reported, kept or not.
    pub fn len_total(&self) -> usize {
        self.kept.len() + self.omitted
    }

    /// True when no problem was reported at all.
    pub fn is_empty(&self) -> bool {
        self.len_total() == 0
    }

    /// (the kept problems, how many more were counted).
    pub fn into_parts(self) -> (Vec<Problem>, usize) {
        (self.kept, self.omitted)
    }
}

impl<'a> IntoIterator for &'a Problems {
    type Item = &'a Problem;
    type IntoIter = std::slice::Iter<'a, Problem>;

    fn into_iter(self) -> Self::IntoIter {
        self.kept.iter()
    }
}

/// Where a parser reports problems: the parse's list, and the record they are about.
///
/// A parser makes one per record it reads, named by the record's id in the source (slug,
/// "row 12", "[3]" until the id is read), with [`RecordProblems::new`], or one for the
/// document as a whole with [`RecordProblems::document`]; [`RecordProblems::at`] hands the
/// same list to another record. Functions that read a record take `&mut RecordProblems<'_>`;
/// nothing else pushes a [`Problem`]. Problems keep the order they were reported in; past
/// [`MAX_PARSE_PROBLEMS`] in the list they are counted, not kept (see [`Problems`]).
#[derive(Debug)]
pub struct RecordProblems<'a> {
    record: Option<String>,
    list: &'a mut Problems,
    /// How many problems `list` kept when this recorder was made: what it added is after that.
    start: usize,
    /// This recorder's [`RecordProblems::field_once`] problems that were counted, not kept
    /// (the list was full), so that a repeat is still counted once. Empty until the cap.
    once_omitted: Vec<Problem>,
}

impl<'a> RecordProblems<'a> {
    /// Problems of the record named `record`, added to `list`.
    pub fn new(list: &'a mut Problems, record: impl Into<String>) -> Self {
        let start = list.kept.len();
        RecordProblems { record: Some(record.into()), list, start, once_omitted: Vec::new() }
    }

    /// Problems of the document as a whole (they name no record), added to `list`.
    pub fn document(list: &'a mut Problems) -> Self {
        let start = list.kept.len();
        RecordProblems { record: None, list, start, once_omitted: Vec::new() }
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
    /// schedule that repeats a bad value in every row is reported once). Past the cap, "in the
    /// list" is the kept problems and those this recorder counted: the same problem from
    /// another recorder with the same record name (an id the source repeats) counts again.
    pub fn field_once(&mut self, field: &str, message: impl Into<String>) {
        let problem = Problem::field(self.record.clone(), field, message);
        if self.list.kept.contains(&problem) || self.once_omitted.contains(&problem) {
            return;
        }
        if let Some(counted) = self.list.push(problem) {
            self.once_omitted.push(counted);
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
    /// the recorders it handed out with [`RecordProblems::at`]) that were kept: once the list
    /// holds [`MAX_PARSE_PROBLEMS`], later ones are counted, not kept, and not found here (so
    /// a decision on them can only change the wording of problems that are counted too).
    pub fn found(&self) -> &[Problem] {
        self.list.kept.get(self.start..).unwrap_or_default()
    }
}

/// The document as a whole cannot be read (not JSON, wrong shape, not the expected format).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DocumentError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    /// A list holding `n` problems, each of its own record.
    fn list_of(n: usize) -> Problems {
        let mut list = Problems::default();
        for i in 0..n {
            RecordProblems::new(&mut list, format!("[{i}]")).dropped(Some("slug"), "no usable slug");
        }
        list
    }

    #[test]
    fn problems_beyond_the_cap_are_counted_not_kept() {
        let list = list_of(MAX_PARSE_PROBLEMS + 7);

        assert_eq!(
            (list.kept().len(), list.omitted(), list.len_total()),
            (MAX_PARSE_PROBLEMS, 7, MAX_PARSE_PROBLEMS + 7)
        );
        assert_eq!(list.kept()[0].record.as_deref(), Some("[0]"), "the first reported are kept, in order");
        assert_eq!(
            list.iter().last().and_then(|p| p.record.as_deref()),
            Some(format!("[{}]", MAX_PARSE_PROBLEMS - 1).as_str())
        );
    }

    #[test]
    fn append_keeps_the_order_and_the_total() {
        let mut first = list_of(MAX_PARSE_PROBLEMS - 2);
        first.append(list_of(5));
        assert_eq!((first.kept().len(), first.omitted()), (MAX_PARSE_PROBLEMS, 3));
        assert_eq!(first.kept()[MAX_PARSE_PROBLEMS - 1].record.as_deref(), Some("[1]"));

        let mut full = list_of(MAX_PARSE_PROBLEMS + 1);
        full.append(list_of(MAX_PARSE_PROBLEMS + 4));
        assert_eq!(full.len_total(), 2 * MAX_PARSE_PROBLEMS + 5);
        assert!(Problems::default().is_empty() && !full.is_empty());
    }

    #[test]
    fn a_recorder_past_the_cap_counts_and_finds_only_what_was_kept() {
        let mut list = list_of(MAX_PARSE_PROBLEMS - 1);
        let mut record = RecordProblems::new(&mut list, "r1");
        record.field("time", "unreadable time");
        record.rename("slug-1");
        record.field("day", "not a day");
        record.note("a note");
        assert_eq!(record.found().len(), 1, "only the kept one is found");
        assert_eq!(record.found()[0].record.as_deref(), Some("r1"));
        for _ in 0..3 {
            record.field_once("byday", "cannot read \"XX\"");
        }
        record.at("slug-1@site").field_once("byday", "cannot read \"XX\"");

        assert_eq!((list.kept().len(), list.omitted()), (MAX_PARSE_PROBLEMS, 4), "a repeat is counted once");
    }
}
