//! Answers kept for repeated anonymous requests: a frontend asks the same few questions again
//! and again (a town's default list, the same filters from many people), and an answer
//! served from here skips parsing, planning and resolving altogether.
//!
//! An answer is kept by the SHA-256 of the request as sent (the POST body, or the GET query
//! string): the request itself, its variables included, is never kept, only that digest and
//! the public answer. An answer is served only while the store is at the generation it was
//! computed on and within the UTC minute it was computed in: meeting times have minute
//! precision, so an answer that depends on the time (`upcoming`, `next`, `NEXT_MEETING`)
//! stays the true answer for that minute. Only successful anonymous answers are kept;
//! operator requests and answers with errors never are.
//!
//! Bounded: at most `MAX_ENTRIES` answers of at most `MAX_ANSWER_BYTES` each; when full it is
//! cleared (a flood of unique requests only costs misses).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use chrono::{DateTime, Timelike, Utc};
use sha2::{Digest, Sha256};

/// The most answers kept.
const MAX_ENTRIES: usize = 4_096;
/// Larger answers are not kept.
const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// One kept answer.
#[derive(Clone)]
pub struct Answer {
    pub body: Bytes,
    /// The quoted hash of the body, for `ETag`.
    pub etag: String,
}

/// The cache; cheap to clone. `Default` is on.
#[derive(Clone, Default)]
pub struct ResponseCache {
    inner: Arc<RwLock<Entries>>,
    off: bool,
}

#[derive(Default)]
struct Entries {
    /// The store generation and UTC minute every entry was computed at.
    epoch: (u64, i64),
    answers: HashMap<[u8; 32], Answer>,
}

/// What a request is kept under.
pub type Key = [u8; 32];

/// The key of a request as sent: a tag for the transport and its bytes.
pub fn key(transport: &str, request: &[u8]) -> Key {
    let mut h = Sha256::new();
    h.update(transport.as_bytes());
    h.update([0]);
    h.update(request);
    h.finalize().into()
}

/// The quoted digest of an answer, as an `ETag`.
pub fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", digest[..12].iter().map(|b| format!("{b:02x}")).collect::<String>())
}

impl ResponseCache {
    /// A cache that keeps nothing (`server.response_cache = false`).
    pub fn off() -> Self {
        ResponseCache { off: true, ..Default::default() }
    }

    /// Whether answers are kept at all (so a request's key is worth computing).
    pub fn is_on(&self) -> bool {
        !self.off
    }

    /// The answer kept for `key`, if it was computed at this generation and minute.
    pub fn get(&self, key: &Key, generation: u64, now: DateTime<Utc>) -> Option<Answer> {
        if self.off {
            return None;
        }
        let entries = self.inner.read().unwrap_or_else(|e| e.into_inner());
        if entries.epoch != epoch(generation, now) {
            return None;
        }
        let hit = entries.answers.get(key).cloned();
        let outcome = if hit.is_some() { "hit" } else { "miss" };
        metrics::counter!("supportmesh_response_cache_total", "outcome" => outcome).increment(1);
        hit
    }

    /// Keeps `body` as the answer to `key`, computed at `generation` (read before the request
    /// ran, so a commit during it makes the answer stale rather than wrongly fresh).
    pub fn put(&self, key: Key, generation: u64, now: DateTime<Utc>, body: Bytes) -> Answer {
        let answer = Answer { etag: etag(&body), body };
        if self.off || answer.body.len() > MAX_ANSWER_BYTES {
            return answer;
        }
        let mut entries = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let at = epoch(generation, now);
        if entries.epoch != at || entries.answers.len() >= MAX_ENTRIES {
            entries.answers.clear();
            entries.epoch = at;
        }
        entries.answers.insert(key, answer.clone());
        answer
    }
}

fn epoch(generation: u64, now: DateTime<Utc>) -> (u64, i64) {
    (generation, now.timestamp() - i64::from(now.second()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_answer_lasts_until_the_store_changes_or_the_minute_ends() {
        let cache = ResponseCache::default();
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 5).unwrap();
        let k = key("post", b"{\"query\":\"{ groups { totalCount } }\"}");
        cache.put(k, 7, at, Bytes::from_static(b"{\"data\":1}"));

        let later_same_minute = at + chrono::Duration::seconds(50);
        let next_minute = at + chrono::Duration::seconds(55);
        assert_eq!(cache.get(&k, 7, later_same_minute).map(|a| a.body), Some(Bytes::from_static(b"{\"data\":1}")));
        assert!(cache.get(&k, 8, at).is_none(), "a commit makes it stale");
        assert!(cache.get(&k, 7, next_minute).is_none(), "a new minute makes it stale");
        assert!(cache.get(&key("get", b"x"), 7, at).is_none());
    }

    #[test]
    fn a_full_cache_starts_again_and_large_answers_are_not_kept() {
        let cache = ResponseCache::default();
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
        for i in 0..MAX_ENTRIES + 1 {
            cache.put(key("post", &i.to_be_bytes()), 1, at, Bytes::from_static(b"{}"));
        }
        let big = key("post", b"big");
        cache.put(big, 1, at, Bytes::from(vec![b' '; MAX_ANSWER_BYTES + 1]));

        assert!(cache.get(&key("post", &MAX_ENTRIES.to_be_bytes()), 1, at).is_some());
        assert!(cache.get(&key("post", &0usize.to_be_bytes()), 1, at).is_none(), "cleared when full");
        assert!(cache.get(&big, 1, at).is_none());
    }
}
