//! The matching review queue for operators: the pairs of records the matcher abstained on
//! (a rival of the same source fits about as well: twins inside one feed) or joined on its
//! weakest evidence, with that evidence, so a person decides. `linkRecords` or `unlinkRecords`
//! resolves a pair: a pair with an operator correction leaves the queue.

use std::collections::BTreeSet;

use async_graphql::{Context, Enum, ErrorExtensions, Object, SimpleObject, ID};

use super::auth::OperatorGuard;
use super::errors::{ApiError, OrInternal};
use super::AppState;
use crate::dedup::{Review, ReviewKind};
use crate::model::RecordKey;

/// Most reviews one answer lists (`totalCount` counts all).
const MAX_REVIEWS: usize = 200;

#[derive(Default)]
pub struct ReviewQueries;

/// Why a pair is in the queue.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum MatchReviewReason {
    /// Not joined: another record of the same source fits about as well.
    Abstained,
    /// Joined, on the weakest evidence the matcher accepts.
    Weak,
}

/// One record of a pair, by its source and id, with its name.
#[derive(SimpleObject)]
pub struct ReviewedRecord {
    pub source_id: ID,
    pub external_id: String,
    pub name: Option<String>,
    /// The group that holds it now.
    pub group_id: Option<ID>,
}

/// A pair for an operator to decide.
#[derive(SimpleObject)]
pub struct MatchReview {
    pub a: ReviewedRecord,
    pub b: ReviewedRecord,
    pub score: f64,
    pub reason: MatchReviewReason,
    /// For an abstention: the record that fits about as well.
    pub rival: Option<ReviewedRecord>,
    /// The reason in words.
    pub description: String,
    /// The matcher's evidence for the pair, as `matchExplanation` words it.
    pub evidence: Vec<String>,
}

#[derive(SimpleObject)]
pub struct MatchReviewList {
    pub total_count: i64,
    /// Closest calls first (highest score), at most 200.
    pub reviews: Vec<MatchReview>,
}

#[Object]
impl ReviewQueries {
    /// The review queue: pairs the matcher abstained on or joined on weak evidence, for the
    /// sources given (default: every source), without operator corrections yet. Each is
    /// resolved by `linkRecords` or `unlinkRecords`. Operator-only.
    #[graphql(guard = "OperatorGuard")]
    async fn match_reviews(
        &self,
        ctx: &Context<'_>,
        source_ids: Option<Vec<ID>>,
        #[graphql(default = 50)] first: i32,
    ) -> async_graphql::Result<MatchReviewList> {
        let state = ctx.data::<AppState>()?;
        let sources: Vec<String> = match source_ids {
            Some(ids) => ids.into_iter().map(|id| id.0).collect(),
            None => state.ingestor.sources().iter().map(|s| s.id.clone()).collect(),
        };
        let ingestor = state.ingestor.clone();
        let found = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<Review>> {
            let mut all = Vec::new();
            for id in sources {
                all.extend(ingestor.match_reviews(&id)?);
            }
            Ok(all)
        })
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("the review queue task failed: {e}")).extend())?
        .or_internal()?;
        let corrected: BTreeSet<(RecordKey, RecordKey)> =
            state.store.corrections().or_internal()?.into_iter().map(|c| (c.a, c.b)).collect();
        let mut seen = BTreeSet::new();
        let mut open: Vec<Review> = found
            .into_iter()
            .filter(|r| {
                let pair = ordered(&r.a, &r.b);
                !corrected.contains(&pair) && seen.insert(pair)
            })
            .collect();
        open.sort_by(|x, y| y.score.total_cmp(&x.score).then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b))));
        let total_count = open.len() as i64;
        let first = (first.max(0) as usize).min(MAX_REVIEWS);
        let reviews =
            open.into_iter().take(first).map(|r| review(state, r)).collect::<anyhow::Result<_>>().or_internal()?;
        Ok(MatchReviewList { total_count, reviews })
    }
}

fn ordered(a: &RecordKey, b: &RecordKey) -> (RecordKey, RecordKey) {
    match a <= b {
        true => (a.clone(), b.clone()),
        false => (b.clone(), a.clone()),
    }
}

fn review(state: &AppState, r: Review) -> anyhow::Result<MatchReview> {
    let description = r.kind.describe();
    let (reason, rival) = match &r.kind {
        ReviewKind::Abstained { rival } => (MatchReviewReason::Abstained, Some(record(state, rival)?)),
        ReviewKind::Weak => (MatchReviewReason::Weak, None),
    };
    Ok(MatchReview {
        a: record(state, &r.a)?,
        b: record(state, &r.b)?,
        score: r.score,
        reason,
        rival,
        description,
        evidence: r.evidence,
    })
}

fn record(state: &AppState, key: &RecordKey) -> anyhow::Result<ReviewedRecord> {
    let stored = state.store.record(key)?;
    Ok(ReviewedRecord {
        source_id: ID(key.source_id.clone()),
        external_id: key.external_id.clone(),
        name: stored.as_ref().map(|r| r.listing.name.clone()),
        group_id: stored.map(|r| ID(r.group_id)),
    })
}
