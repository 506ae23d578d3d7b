//! Subscriptions: live group events from the broadcast channel in the application state,
//! filtered per subscriber with the same rules as the `groups` query (`Search::matches_group`,
//! the finder's rules on one group).

use async_graphql::{Context, ErrorExtensions, Subscription};
use futures_util::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

use super::filter::{GroupFilter, NearInput};
use super::query::{search_error, search_of};
use super::types::Group;
use super::AppState;
use crate::events::ChangeKind;
use crate::finder;
use crate::model::{GroupStatus, StoredGroup};

pub struct SubscriptionRoot;

#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// A new real group that matches (once per group, not once per source listing it).
    async fn group_added(
        &self,
        ctx: &Context<'_>,
        filter: Option<GroupFilter>,
        near: Option<NearInput>,
    ) -> async_graphql::Result<impl Stream<Item = Group>> {
        events(ctx, ChangeKind::Added, filter, near).await
    }

    /// A group that matches changed (a record joined or left, or its details changed).
    async fn group_updated(
        &self,
        ctx: &Context<'_>,
        filter: Option<GroupFilter>,
        near: Option<NearInput>,
    ) -> async_graphql::Result<impl Stream<Item = Group>> {
        events(ctx, ChangeKind::Updated, filter, near).await
    }

    /// A group that matched was removed (every source dropped it).
    async fn group_removed(
        &self,
        ctx: &Context<'_>,
        filter: Option<GroupFilter>,
        near: Option<NearInput>,
    ) -> async_graphql::Result<impl Stream<Item = Group>> {
        events(ctx, ChangeKind::Removed, filter, near).await
    }
}

async fn events(
    ctx: &Context<'_>,
    kind: ChangeKind,
    filter: Option<GroupFilter>,
    near: Option<NearInput>,
) -> async_graphql::Result<impl Stream<Item = Group>> {
    let state = ctx.data::<AppState>()?;
    let search = search_of(state, filter, near).await?;
    search.validate().map_err(|e| search_error(e).extend())?;
    let rx = state.events.subscribe();
    Ok(BroadcastStream::new(rx).filter_map(move |ev| {
        let out = match ev {
            Ok(ev) if ev.kind == kind && belongs(&search, kind, &ev.group) => Some(Group(ev.group.clone())),
            _ => None,
        };
        std::future::ready(out)
    }))
}

/// Whether the group of an event belongs to the subscriber's list; a removed group is judged
/// as it was while listed.
fn belongs(search: &finder::Search, kind: ChangeKind, group: &StoredGroup) -> bool {
    if kind == ChangeKind::Removed && group.status == GroupStatus::Removed {
        let listed = StoredGroup { status: GroupStatus::Active, ..group.clone() };
        return search.matches_group(&listed);
    }
    search.matches_group(group)
}
