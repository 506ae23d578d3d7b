//! The review queue's data: what the matcher is unsure of around some records, found by the
//! same regrouping an import does and written nowhere. The GraphQL `matchReviews` query (the
//! operator's review queue) reads it; this file leaves presenting it to that query.

use chrono::Utc;

use super::regroup;
use crate::dedup::Review;
use crate::model::RecordKey;
use crate::store::Store;

/// What the matcher is unsure of among `keys` and the records they could be grouped with,
/// sorted by pair: each `Review` names the pair, why it is there (an abstention and its rival,
/// or a weak match) and the evidence text. Reads the store; writes nothing.
pub fn match_reviews(store: &Store, trust: &dyn Fn(&str) -> u8, keys: &[RecordKey]) -> anyhow::Result<Vec<Review>> {
    let mut records = Vec::new();
    for k in keys {
        records.extend(store.record(k)?);
    }
    Ok(regroup(store, trust, records, Vec::new(), Utc::now(), &[])?.reviews)
}
