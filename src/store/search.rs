//! Searching the live groups: the in-memory finder index picks the page, the `groups` tree
//! supplies the documents, both under the store's read lock (a search never sees half a run).

use std::sync::Arc;

use anyhow::Context;

use super::{decode_at, Store};
use chrono::{DateTime, Utc};

use crate::finder::{Hits, Search, SearchError, UpcomingPage};
use crate::model::StoredGroup;

/// One page of a search: the hits (ids, distances, cursors, facets) and their groups, in the
/// same order.
#[derive(Debug, Clone)]
pub struct Found {
    pub hits: Hits,
    pub groups: Vec<Arc<StoredGroup>>,
}

impl Store {
    /// Runs a search; the outer error is the store's, the inner one the search's (bad input, a
    /// cursor from another query).
    pub fn search(&self, search: &Search) -> anyhow::Result<Result<Found, SearchError>> {
        let index = self.read();
        let hits = match index.finder.search(search) {
            Ok(h) => h,
            Err(e) => return Ok(Err(e)),
        };
        let groups = self.live_groups(hits.items.iter().map(|h| h.id.as_str()))?;
        Ok(Ok(Found { hits, groups }))
    }

    /// A search ordered by each group's next meeting from now (see
    /// `finder::Index::search_by_next_meeting`).
    pub fn search_by_next_meeting(&self, search: &Search) -> anyhow::Result<Result<Found, SearchError>> {
        let index = self.read();
        let hits = match index.finder.search_by_next_meeting(search, Utc::now()) {
            Ok(h) => h,
            Err(e) => return Ok(Err(e)),
        };
        let groups = self.live_groups(hits.items.iter().map(|h| h.id.as_str()))?;
        Ok(Ok(Found { hits, groups }))
    }

    /// The live groups the finder named, from the cache or decoded from sled (and cached);
    /// the caller holds the read lock.
    fn live_groups<'a>(&self, ids: impl Iterator<Item = &'a str>) -> anyhow::Result<Vec<Arc<StoredGroup>>> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(g) = self.inner.cache.get(id) {
                out.push(g);
                continue;
            }
            let groups = &self.inner.trees.groups;
            let value = groups
                .get(id.as_bytes())?
                .with_context(|| format!("the finder names group {id}, which the store does not hold"))?;
            let g = Arc::new(decode_at::<StoredGroup>(groups, id.as_bytes(), &value)?);
            self.inner.cache.put(g.clone(), super::codec::decoded_len(&value));
            out.push(g);
        }
        Ok(out)
    }
}

/// One page of upcoming occurrences and the groups they belong to (one per item, in order).
#[derive(Debug, Clone)]
pub struct FoundUpcoming {
    pub page: UpcomingPage,
    pub groups: Vec<Arc<StoredGroup>>,
}

impl Store {
    /// The upcoming occurrences of a search's meetings (see `finder::Index::upcoming`).
    pub fn upcoming(
        &self,
        search: &Search,
        from: Option<DateTime<Utc>>,
        within_hours: Option<i64>,
        first: usize,
        after: Option<&str>,
    ) -> anyhow::Result<Result<FoundUpcoming, SearchError>> {
        let index = self.read();
        let page = match index.finder.upcoming(search, from, Utc::now(), within_hours, first, after) {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        let groups = self.live_groups(page.items.iter().map(|i| i.group_id.as_str()))?;
        Ok(Ok(FoundUpcoming { page, groups }))
    }
}
