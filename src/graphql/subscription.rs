//! Subscriptions: live group events from the broadcast channel in the application state,
//! filtered per subscriber with the same rules as the `groups` query.

use async_graphql::{Context, ErrorExtensions, Subscription};
use futures_util::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

use super::filter::{GroupFilter, NearInput};
use super::types::Group;
use super::AppState;
use crate::events::ChangeKind;

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
        events(ctx, ChangeKind::Added, filter, near)
    }

    /// A group that matches changed (a record joined or left, or its details changed).
    async fn group_updated(
        &self,
        ctx: &Context<'_>,
        filter: Option<GroupFilter>,
        near: Option<NearInput>,
    ) -> async_graphql::Result<impl Stream<Item = Group>> {
        events(ctx, ChangeKind::Updated, filter, near)
    }

    /// A group that matched was removed (every source dropped it).
    async fn group_removed(
        &self,
        ctx: &Context<'_>,
        filter: Option<GroupFilter>,
        near: Option<NearInput>,
    ) -> async_graphql::Result<impl Stream<Item = Group>> {
        events(ctx, ChangeKind::Removed, filter, near)
    }
}

fn events(
    ctx: &Context<'_>,
    kind: ChangeKind,
    filter: Option<GroupFilter>,
    near: Option<NearInput>,
) -> async_graphql::Result<impl Stream<Item = Group>> {
    let state = ctx.data::<AppState>()?;
    let near = near.map(|n| n.validate()).transpose().map_err(|e| e.extend())?;
    let filter = filter.unwrap_or_default();
    let rx = state.events.subscribe();
    Ok(BroadcastStream::new(rx).filter_map(move |ev| {
        let out = match ev {
            Ok(ev) if ev.kind == kind && filter.matches(&ev.group, near.as_ref()) => Some(Group((*ev.group).clone())),
            _ => None,
        };
        std::future::ready(out)
    }))
}
