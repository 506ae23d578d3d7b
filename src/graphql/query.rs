//! Query root: one group, the groups connection, the sources with their last run, and the
//! federation entity resolver for `Group`.

use async_graphql::{Context, ErrorExtensions, Object, SimpleObject, ID};

use super::errors::{ApiError, OrInternal};
use super::filter::{GroupFilter, NearInput};
use super::sources::Source;
use super::types::Group;
use super::AppState;
use crate::store::{Cursor, GroupQuery};

pub struct QueryRoot;

/// A page of groups (a Relay connection).
#[derive(SimpleObject)]
pub struct GroupConnection {
    /// How many groups match, over all pages.
    pub total_count: i64,
    pub edges: Vec<GroupEdge>,
    pub page_info: PageInfo,
}

#[derive(SimpleObject)]
pub struct GroupEdge {
    pub cursor: String,
    /// Distance from the `near` point, when one was given.
    pub distance_km: Option<f64>,
    pub node: Group,
}

#[derive(SimpleObject)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[Object(name = "Query")]
impl QueryRoot {
    /// A group by id. Ids merged into another group resolve to that group.
    async fn group(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Group>> {
        let state = ctx.data::<AppState>()?;
        Ok(state.store.group(&id).or_internal()?.map(Group))
    }

    /// Groups matching a filter, nearest first when `near` is given, else in id order.
    async fn groups(
        &self,
        ctx: &Context<'_>,
        filter: Option<GroupFilter>,
        near: Option<NearInput>,
        #[graphql(desc = "Page size (default 20, at most the server's max page size).")] first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<GroupConnection> {
        let state = ctx.data::<AppState>()?;
        let max = state.max_page_size;
        let first = first.unwrap_or(20);
        if first < 0 || first as usize > max {
            return Err(ApiError::BadInput(format!("first must be between 0 and {max}")).extend());
        }
        let mut q = GroupQuery { first: first as usize, ..Default::default() };
        if let Some(f) = &filter {
            f.apply(&mut q).map_err(|e| e.extend())?;
        }
        if let Some(n) = &near {
            q.near = Some(n.validate().map_err(|e| e.extend())?);
        }
        if let Some(a) = &after {
            let cursor = Cursor::decode(a)
                .ok_or_else(|| ApiError::BadInput("after: not a cursor from this API".to_owned()).extend())?;
            q.after = Some(cursor);
        }
        let page = state.store.query_groups(&q).or_internal()?;
        let end_cursor = page.items.last().map(|i| i.cursor.encode());
        Ok(GroupConnection {
            total_count: page.total as i64,
            edges: page
                .items
                .into_iter()
                .map(|i| GroupEdge { cursor: i.cursor.encode(), distance_km: i.distance_km, node: Group(i.group) })
                .collect(),
            page_info: PageInfo { has_next_page: page.has_next, end_cursor },
        })
    }

    /// Every configured source, with its import health.
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        let state = ctx.data::<AppState>()?;
        Ok(state.ingestor.sources().iter().map(|s| Source(s.clone())).collect())
    }

    /// Federation: resolves a `Group` reference by its key.
    #[graphql(entity)]
    async fn find_group_by_id(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Group>> {
        let state = ctx.data::<AppState>()?;
        Ok(state.store.group(&id).or_internal()?.map(Group))
    }
}
