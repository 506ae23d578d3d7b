//! Keyset paging: sort keys, opaque cursors, and the page of a window of an order.
//!
//! Every hit has a unique sort key `(bucket, distance bits, text)`: for ID order the text is
//! the id; for NAME order `Facts::sort_name` (folded name, `\0`, id); for DISTANCE order the
//! bucket is 0 for groups in the radius (ordered by distance, whose non-negative f64 bits
//! order like the number, then id) and 1 for the online groups `include_online` adds after
//! them (by id). A cursor is that key plus the sort and a fingerprint of the query, so a page
//! after a cursor is well defined even when groups came or went since, and a cursor from
//! another query or sort is refused (`SearchError::ForeignCursor`).

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use base64::Engine;
use chrono::{DateTime, Utc};
use roaring::RoaringBitmap;

use super::{SearchError, Sort};

/// Where a hit stands in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Key<'a> {
    pub bucket: u8,
    pub dist: u64,
    pub text: &'a str,
}

/// A decoded cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cursor {
    bucket: u8,
    dist: u64,
    text: String,
}

impl Cursor {
    pub(crate) fn key(&self) -> Key<'_> {
        Key { bucket: self.bucket, dist: self.dist, text: &self.text }
    }

    pub(crate) fn encode(sort: Sort, fingerprint: u64, key: Key<'_>) -> String {
        let raw = format!("v1:{}:{fingerprint:016x}:{}:{:016x}:{}", sort_code(sort), key.bucket, key.dist, key.text);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    }

    /// Reads the cursor given as `field` ("after", "before") for a query of this sort and
    /// fingerprint.
    pub(crate) fn decode(s: &str, field: &str, sort: Sort, fingerprint: u64) -> Result<Cursor, SearchError> {
        let not_ours = || SearchError::BadInput(format!("{field}: not a cursor from this API"));
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).map_err(|_| not_ours())?;
        let raw = String::from_utf8(raw).map_err(|_| not_ours())?;
        let parts: Vec<&str> = raw.splitn(6, ':').collect();
        let [version, code, fp, bucket, dist, text] = parts[..] else { return Err(not_ours()) };
        let fp = u64::from_str_radix(fp, 16).map_err(|_| not_ours())?;
        let bucket: u8 = bucket.parse().map_err(|_| not_ours())?;
        let dist = u64::from_str_radix(dist, 16).map_err(|_| not_ours())?;
        if version != "v1" || !matches!(code, "i" | "n" | "d") {
            return Err(not_ours());
        }
        if code != sort_code(sort) || fp != fingerprint {
            return Err(SearchError::ForeignCursor);
        }
        Ok(Cursor { bucket, dist, text: text.to_owned() })
    }
}

fn sort_code(sort: Sort) -> &'static str {
    match sort {
        Sort::Id => "i",
        Sort::Name => "n",
        Sort::Distance => "d",
    }
}

/// A cursor of an order that depends on an instant (`upcoming`, NEXT_MEETING): the position
/// just past its item, the instant, and the fingerprint of the search, under a `tag` naming
/// the list, so a cursor of another list or query is refused.
pub(crate) fn encode_position(tag: &str, next: usize, from: DateTime<Utc>, print: u64) -> String {
    let raw = format!("{tag}|{next}|{}|{print:016x}", from.timestamp());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

/// The position and instant of a cursor made by `encode_position` with the same tag and print.
pub(crate) fn decode_position(tag: &str, cursor: &str, print: u64) -> Result<(usize, DateTime<Utc>), SearchError> {
    let bad = || SearchError::BadInput("after: not a cursor from this API".into());
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let raw = String::from_utf8(raw).map_err(|_| bad())?;
    let mut parts = raw.split('|');
    if parts.next() != Some(tag) {
        return Err(SearchError::ForeignCursor);
    }
    let next: usize = parts.next().and_then(|n| n.parse().ok()).ok_or_else(bad)?;
    let at = parts.next().and_then(|t| t.parse().ok()).and_then(|t| DateTime::from_timestamp(t, 0)).ok_or_else(bad)?;
    let seen = parts.next().and_then(|p| u64::from_str_radix(p, 16).ok()).ok_or_else(bad)?;
    if seen != print {
        return Err(SearchError::ForeignCursor);
    }
    Ok((next, at))
}

/// FNV-1a, 64 bits: stable across runs and builds, unlike `std`'s hasher.
pub(crate) fn fingerprint(canonical: &str) -> u64 {
    canonical.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// The keys strictly between `after` and `before`, and how many to take from which end.
pub(crate) struct Window<'c> {
    pub after: Option<Key<'c>>,
    pub before: Option<Key<'c>>,
    /// First n (true) or last n (false) of the window.
    pub forward: bool,
    pub n: usize,
}

/// One page: its hits in order, and whether hits exist past either end of it.
pub(crate) struct Page<'a> {
    pub items: Vec<(Key<'a>, u32)>,
    pub has_next: bool,
    pub has_previous: bool,
}

impl Window<'_> {
    /// The page of an unordered list of hits: one pass and a partial selection, O(hits).
    pub(crate) fn select<'a>(&self, hits: impl Iterator<Item = (Key<'a>, u32)>) -> Page<'a> {
        let (mut at_or_before_after, mut at_or_after_before) = (false, false);
        let mut inside = Vec::new();
        for (k, ord) in hits {
            if self.after.is_some_and(|a| k <= a) {
                at_or_before_after = true;
            } else if self.before.is_some_and(|b| k >= b) {
                at_or_after_before = true;
            } else {
                inside.push((k, ord));
            }
        }
        let more = inside.len() > self.n;
        if self.n == 0 {
            inside.clear();
        } else if more && self.forward {
            inside.select_nth_unstable(self.n);
            inside.truncate(self.n);
        } else if more {
            let cut = inside.len() - self.n;
            inside.select_nth_unstable(cut);
            inside.drain(..cut);
        }
        inside.sort_unstable();
        let (has_next, has_previous) = if self.forward {
            (more || at_or_after_before, at_or_before_after)
        } else {
            (at_or_after_before, more || at_or_before_after)
        };
        Page { items: inside, has_next, has_previous }
    }

    /// The page of the members of an ordered map (ID or NAME order), walking the map from
    /// the cursor: fast when the members are a large share of the map.
    pub(crate) fn scan<'a>(&self, order: &'a BTreeMap<Arc<str>, u32>, members: &RoaringBitmap) -> Page<'a> {
        let lo = self.after.map_or(Bound::Unbounded, |a| Bound::Excluded(a.text));
        let hi = self.before.map_or(Bound::Unbounded, |b| Bound::Excluded(b.text));
        let empty = matches!((self.after, self.before), (Some(a), Some(b)) if a.text >= b.text);
        let mut items: Vec<(Key<'a>, u32)> = Vec::new();
        if !empty {
            let inside = order
                .range::<str, _>((lo, hi))
                .filter(|(_, ord)| members.contains(**ord))
                .map(|(text, &ord)| (Key { bucket: 0, dist: 0, text }, ord));
            items =
                if self.forward { inside.take(self.n + 1).collect() } else { inside.rev().take(self.n + 1).collect() };
        }
        let more = items.len() > self.n;
        items.truncate(self.n);
        if !self.forward {
            items.reverse();
        }
        let members_in = |lo: Bound<&str>, hi: Bound<&str>, rev: bool| {
            let mut it = order.range::<str, _>((lo, hi)).map(|(_, ord)| *ord);
            if rev {
                it.rev().any(|ord| members.contains(ord))
            } else {
                it.any(|ord| members.contains(ord))
            }
        };
        let before_page = self.after.is_some_and(|a| members_in(Bound::Unbounded, Bound::Included(a.text), true));
        let after_page = self.before.is_some_and(|b| members_in(Bound::Included(b.text), Bound::Unbounded, false));
        let (has_next, has_previous) =
            if self.forward { (more || after_page, before_page) } else { (after_page, more || before_page) };
        Page { items, has_next, has_previous }
    }
}
