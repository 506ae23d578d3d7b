//! The query root's groups part: one group, the groups connection (filters, near a point or a
//! typed place, sort, paging both ways, facets), upcoming occurrences, places for a search box,
//! the sources with their last run, and the federation entity resolver for `Group`. The topics
//! are `topics.rs`.

use async_graphql::{Context, ErrorExtensions, Object, ID};
use chrono::{DateTime, Utc};

use super::connection::{Facets, GroupConnection, GroupEdge, PageInfo};
use super::errors::{ApiError, OrInternal};
use super::filter::{GroupFilter, GroupSort, NearInput};
use super::places::Place;
use super::rendered::{Node, Splice};
use super::serial::Serial;
use super::sources::Source;
use super::types::{Group, Instance};
use super::upcoming::{UpcomingConnection, UpcomingEdge, UpcomingPageInfo};
use super::AppState;
use crate::finder::{self, SearchError};

/// The groups, places and sources part of the query root (`super::QueryRoot`).
#[derive(Default)]
pub struct GroupsQuery;

#[Object]
impl GroupsQuery {
    /// A group by id. Ids merged into another group resolve to that group.
    async fn group(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Group>> {
        let state = ctx.data::<AppState>()?;
        Ok(state.store.group(&id).or_internal()?.map(Group::from))
    }

    /// Groups matching a filter, near a point or a place when `near` is given. Default order:
    /// nearest first with `near`, else by id; NEXT_MEETING orders by each group's next
    /// meeting from now. Page forward with `first`/`after`, backward
    /// with `last`/`before`; a cursor only works with the query and sort that made it.
    #[allow(clippy::too_many_arguments)]
    async fn groups(
        &self,
        ctx: &Context<'_>,
        filter: Option<GroupFilter>,
        near: Option<NearInput>,
        sort: Option<GroupSort>,
        #[graphql(desc = "Page size (default 20, at most the server's max page size).")] first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<GroupConnection> {
        super::deadline::checkpoint().await?;
        let state = ctx.data::<AppState>()?;
        let page = |name: &str, n: Option<i32>| -> async_graphql::Result<Option<usize>> {
            let max = state.max_page_size;
            match n {
                Some(n) if n < 0 || n as usize > max => {
                    Err(ApiError::BadInput(format!("{name} must be between 0 and {max}")).extend())
                }
                Some(n) => Ok(Some(n as usize)),
                None => Ok(None),
            }
        };
        let (first, last) = (page("first", first)?, page("last", last)?);
        let facets = ctx.look_ahead().field("facets");
        let search = finder::Search {
            sort: sort.and_then(GroupSort::to_finder),
            first: first.or(if last.is_none() { Some(20) } else { None }),
            after,
            last,
            before,
            facets: facets.exists(),
            facet_fields: finder::FacetFields(
                ["topics", "kinds", "attendance", "weekdays", "timeOfDay", "languages"]
                    .map(|f| facets.field(f).exists()),
            ),
            skip_item_cursors: !ctx.look_ahead().field("edges").field("cursor").exists(),
            ..search_of(state, filter, near).await?
        };
        // Read before the search: the documents it reads are at least this new.
        let generation = state.store.generation();
        let spliced = ctx.data_opt::<Splice>().is_some();
        let once = state.rendered.for_groups(&ctx.item.node, spliced, generation);
        let found = if sort == Some(GroupSort::NextMeeting) {
            state.store.search_by_next_meeting(&search)
        } else {
            state.store.search(&search)
        };
        let found = found.or_internal()?.map_err(|e| search_error(e).extend())?;
        let hits = found.hits;
        Ok(GroupConnection {
            total_count: hits.total as i64,
            edges: hits
                .items
                .into_iter()
                .zip(found.groups)
                .map(|(hit, group)| {
                    let node = Node { group, once: once.clone() };
                    Serial(GroupEdge { cursor: hit.cursor, distance_km: hit.distance_km, node })
                })
                .collect(),
            page_info: PageInfo {
                has_next_page: hits.has_next,
                has_previous_page: hits.has_previous,
                start_cursor: hits.start_cursor,
                end_cursor: hits.end_cursor,
            },
            facets: hits.facets.map(Facets::from),
        })
    }

    /// The next occurrences of matching meetings from `from` (default now), soonest first,
    /// including those in progress, wrapping into next week; within `withinHours` (default and
    /// at most 168). Meeting filters (weekdays, timeOfDay, startsAfter/startsBefore) apply to
    /// each meeting; the others choose the groups.
    #[allow(clippy::too_many_arguments)]
    async fn upcoming(
        &self,
        ctx: &Context<'_>,
        filter: Option<GroupFilter>,
        near: Option<NearInput>,
        from: Option<DateTime<Utc>>,
        within_hours: Option<i32>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<UpcomingConnection> {
        super::deadline::checkpoint().await?;
        let state = ctx.data::<AppState>()?;
        if first < 0 {
            return Err(ApiError::BadInput("first must be at least 0".to_owned()).extend());
        }
        let search = search_of(state, filter, near).await?;
        let found = state
            .store
            .upcoming(&search, from, within_hours.map(i64::from), first as usize, after.as_deref())
            .or_internal()?
            .map_err(|e| search_error(e).extend())?;
        let page = found.page;
        Ok(UpcomingConnection {
            from: page.from,
            page_info: UpcomingPageInfo { has_next_page: page.has_next, end_cursor: page.end_cursor },
            edges: page
                .items
                .into_iter()
                .zip(found.groups)
                .filter_map(|(item, g)| UpcomingEdge::new(item, g).map(Serial))
                .collect(),
        })
    }

    /// Places for a search box: towns, postcodes and ZIPs starting with `query` (case and
    /// accents ignored), those with imported groups first. At most 50.
    async fn places(
        &self,
        ctx: &Context<'_>,
        query: String,
        #[graphql(default = 10)] first: i32,
    ) -> async_graphql::Result<Vec<Place>> {
        super::deadline::checkpoint().await?;
        let state = ctx.data::<AppState>()?;
        if query.chars().count() > crate::places::MAX_QUERY_CHARS {
            let limit = crate::places::MAX_QUERY_CHARS;
            return Err(ApiError::BadInput(format!("query: at most {limit} characters")).extend());
        }
        let first = first.clamp(0, crate::places::MAX_SUGGESTIONS as i32) as usize;
        let gazetteer = state.places.gazetteer(&state.store).await.or_internal()?;
        Ok(gazetteer.suggest(&query, first).into_iter().map(Place::from).collect())
    }

    /// This instance: its id is what peers see in `SourceRecord.origins`.
    async fn instance(&self, ctx: &Context<'_>) -> async_graphql::Result<Instance> {
        let state = ctx.data::<AppState>()?;
        Ok(Instance { id: ID(state.instance_id.to_string()) })
    }

    /// Every source (configured or created through the API), paused ones included. The public
    /// sees names, formats and freshness; operators see the rest.
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        let state = ctx.data::<AppState>()?;
        Ok(state.ingestor.registry().entries().into_iter().map(Source).collect())
    }

    /// One source by id.
    async fn source(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Source>> {
        let state = ctx.data::<AppState>()?;
        Ok(state.ingestor.registry().entry(&id).map(Source))
    }

    /// Federation: resolves a `Group` reference by its key.
    #[graphql(entity)]
    async fn find_group_by_id(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Group>> {
        let state = ctx.data::<AppState>()?;
        Ok(state.store.group(&id).or_internal()?.map(Group::from))
    }
}

/// The finder's search for a filter and a `near` (the rest default), as `groups`, `upcoming`
/// and the subscriptions all read them.
pub(super) async fn search_of(
    state: &AppState,
    filter: Option<GroupFilter>,
    near: Option<NearInput>,
) -> async_graphql::Result<finder::Search> {
    let filter = filter.unwrap_or_default().to_finder(&state.topics).map_err(|e| e.extend())?;
    let near = match &near {
        Some(n) => Some(resolve_near(state, n).await?),
        None => None,
    };
    Ok(finder::Search { filter, near, ..Default::default() })
}

/// The finder's `near`, with a typed place resolved by the gazetteer (an unknown place is a
/// clear error, never an empty list).
async fn resolve_near(state: &AppState, near: &NearInput) -> async_graphql::Result<finder::Near> {
    let point = match near.place.as_deref() {
        Some(place) => {
            let gazetteer = state.places.gazetteer(&state.store).await.or_internal()?;
            Some(gazetteer.resolve(place).map(|p| (p.latitude, p.longitude)))
        }
        None => None,
    };
    near.to_finder(|_| match point {
        Some(Ok(p)) => Ok(p),
        Some(Err(e)) => Err(ApiError::BadInput(format!("near.place: {e}"))),
        None => Err(ApiError::BadInput("near.place: no place given".to_owned())),
    })
    .map_err(|e| e.extend())
}

pub(super) fn search_error(e: SearchError) -> ApiError {
    ApiError::BadInput(e.to_string())
}
