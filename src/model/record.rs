//! Source records: one listing of one source as last seen, keyed by (source, external id).

use chrono::{DateTime, Utc};
use importers::Listing;
use serde::{Deserialize, Serialize};

/// Identifies one listing of one source: (source id, the source's external id).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordKey {
    pub source_id: String,
    pub external_id: String,
}

impl RecordKey {
    pub fn new(source_id: impl Into<String>, external_id: impl Into<String>) -> Self {
        RecordKey { source_id: source_id.into(), external_id: external_id.into() }
    }

    /// The id of a group whose smallest record this is: `g` and 16 hex digits of the SHA-256
    /// of the key. A group's id is always this of its smallest record, so it is a function of
    /// its members, whatever order they arrived in (replicas agree); every id so derived
    /// resolves to the group now holding the record.
    pub fn group_id(&self) -> String {
        format!("g{:016x}", derived_id_bits(self.to_string().as_bytes()))
    }
}

/// The 64 bits of the id derived from a record whose key reads `text` (`source:external`):
/// the first 8 bytes of its SHA-256, which `group_id` writes as 16 hex digits.
pub fn derived_id_bits(text: &[u8]) -> u64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text);
    u64::from_be_bytes(digest[..8].try_into().expect("a SHA-256 digest has 32 bytes"))
}

/// The bits of a derived id (`g` and 16 hex digits), or `None` for an id of another shape.
pub fn parse_derived_id(id: &str) -> Option<u64> {
    let hex =
        id.strip_prefix('g').filter(|h| h.len() == 16 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))?;
    u64::from_str_radix(hex, 16).ok()
}

impl std::fmt::Display for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.source_id, self.external_id)
    }
}

/// What a run reads of every stored record of its source to judge it: its key, its content
/// hash and since when it is missing, not its listing. Only the records that change are then
/// read whole.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordDigest {
    pub key: RecordKey,
    pub hash: String,
    pub missing_since: Option<DateTime<Utc>>,
}

/// One source's listing as last seen, and the group it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRecord {
    pub key: RecordKey,
    pub listing: Listing,
    /// Content hash of the normalised listing: an unchanged hash is a no-op on re-import.
    pub hash: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// Set when the record disappeared from its feed; cleared when it comes back.
    pub missing_since: Option<DateTime<Utc>>,
    pub group_id: String,
    /// The matcher's blocking keys for this record. Kept apart from the document since store
    /// format 2 (the store's `record_blocks` and `blocks` trees), so re-keying rewrites an
    /// index, not the documents; a format-1 document still carries them and decodes.
    #[serde(default, skip_serializing)]
    pub blocks: Vec<String>,
}
