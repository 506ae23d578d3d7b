//! The time one parse may take: a backstop that turns a runaway parse into one clear
//! `DocumentError` instead of a stuck import.
//!
//! `crate::parse` gives every call [`DEFAULT`]; `crate::parse_within` takes another. The
//! deadline is checked where a parser can stop cleanly: after the format parser, between the
//! listings of the finishing step, and in the HTML parser between pages and items. One call
//! into a third-party parser (html5ever, serde_json, the csv reader) is not interrupted: the
//! inputs that make those slow are refused before the call (`normalize::nesting`) or bounded
//! (`normalize::limits`). This is the only clock the crate reads, and only a monotonic one; a
//! parse that stays within its budget gives the same result for the same documents.

use std::time::{Duration, Instant};

use crate::problem::DocumentError;

/// The budget of one `parse` call: far above what any real source takes (the largest demo
/// sources parse in well under a second in a release build).
pub const DEFAULT: Duration = Duration::from_secs(30);

/// When a parse must stop.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Option<Instant>,
    budget: Duration,
}

impl Deadline {
    /// A deadline `budget` from now.
    pub fn after(budget: Duration) -> Deadline {
        Deadline { at: Instant::now().checked_add(budget), budget }
    }

    /// The error to stop with once the deadline has passed.
    pub fn check(&self) -> Result<(), DocumentError> {
        match self.at {
            Some(at) if Instant::now() >= at => Err(DocumentError(format!(
                "parse took longer than {} s (the budget of one parse); nothing from it is used",
                self.budget.as_secs_f64()
            ))),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spent_budget_is_an_error_that_says_so() {
        assert!(Deadline::after(DEFAULT).check().is_ok());
        let spent = Deadline::after(Duration::ZERO);
        let error = spent.check().err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("parse took longer than 0 s (the budget of one parse); nothing from it is used")
        );
    }
}
