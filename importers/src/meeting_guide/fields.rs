//! Lenient reading of one Meeting Guide record's fields, with a problem for each bad one.
//!
//! Feeds write the same field as a string, a number, `""` or `null`. [`Fields`] reads what
//! can be read, treats empty values as missing, and reports a field problem (to the record's
//! `RecordProblems`) for a value of the wrong kind, so the caller just gets `Option`s. What a value
//! means is decided in `record.rs` and `place.rs`.

use serde_json::{Map, Value};

use crate::normalize::text;
use crate::problem::RecordProblems;

use super::json_kind;

/// One record's fields plus where the problems found while reading them go.
pub(super) struct Fields<'a, 'p> {
    obj: &'a Map<String, Value>,
    /// Named by the record's slug, or `[index]` before the slug is known.
    pub problems: RecordProblems<'p>,
}

impl<'a, 'p> Fields<'a, 'p> {
    pub fn new(obj: &'a Map<String, Value>, problems: RecordProblems<'p>) -> Self {
        Fields { obj, problems }
    }

    /// The raw value; `None` for missing, `null` and blank strings.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        match self.obj.get(key)? {
            Value::Null => None,
            Value::String(s) if s.trim().is_empty() => None,
            v => Some(v),
        }
    }

    /// A string or number as trimmed text, without sanitising (codes, times, URLs). Other
    /// kinds are a problem.
    pub fn scalar(&mut self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            other => {
                let kind = json_kind(other);
                self.problems.field(key, format!("expected text, found {kind}"));
                None
            }
        }
    }

    /// Sanitised multi-line text with passcodes redacted (notes).
    pub fn text(&mut self, key: &str) -> Option<String> {
        let raw = self.scalar(key)?;
        text::plain_text(&raw).map(|t| text::redact_secrets(&t))
    }

    /// Sanitised one-line text with passcodes redacted (names, address parts).
    pub fn line(&mut self, key: &str) -> Option<String> {
        let raw = self.scalar(key)?;
        text::plain_line(&raw).map(|t| text::redact_secrets(&t))
    }

    /// A yes/no flag: "yes"/"no", "true"/"false", "1"/"0", booleans, 1/0.
    pub fn flag(&mut self, key: &str) -> Option<bool> {
        let value = self.get(key)?;
        let parsed = match value {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => n.as_i64().and_then(|i| match i {
                0 => Some(false),
                1 => Some(true),
                _ => None,
            }),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "yes" | "y" | "true" | "1" => Some(true),
                "no" | "n" | "false" | "0" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if parsed.is_none() {
            let shown = show(value);
            self.problems.field(key, format!("expected yes or no, found {shown}"));
        }
        parsed
    }

    /// A number written as a number or as text.
    pub fn number(&mut self, key: &str) -> Option<f64> {
        let value = self.get(key)?;
        let parsed = match value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => crate::normalize::geo::parse_coordinate(s),
            _ => None,
        };
        if parsed.is_none() {
            let shown = show(value);
            self.problems.field(key, format!("expected a number, found {shown}"));
        }
        parsed
    }
}

/// A short, safe rendering of a bad value for a problem message.
pub(super) fn show(value: &Value) -> String {
    match value {
        Value::String(s) => {
            let line = text::plain_line(s).map(|l| text::redact_secrets(&l)).unwrap_or_default();
            let short: String = line.chars().take(40).collect();
            if short.len() < line.len() {
                format!("\"{short}…\"")
            } else {
                format!("\"{short}\"")
            }
        }
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => json_kind(other).to_owned(),
    }
}
