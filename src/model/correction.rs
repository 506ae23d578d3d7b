//! Operator corrections: decisions about two records that win over the matcher.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::RecordKey;

/// An operator's decision about two records, which wins over the matcher on every import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub kind: CorrectionKind,
    /// The two records, `a < b`.
    pub a: RecordKey,
    pub b: RecordKey,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKind {
    /// Always one group.
    Link,
    /// Never one group.
    Unlink,
}

impl Correction {
    /// A correction about two records, ordered so each pair has one key.
    pub fn new(kind: CorrectionKind, x: RecordKey, y: RecordKey, reason: Option<String>, at: DateTime<Utc>) -> Self {
        let (a, b) = if x <= y { (x, y) } else { (y, x) };
        Correction { kind, a, b, reason, at }
    }
}
