//! Subscriptions: live group events from the event bus in the application state
//! (`events::EventBus`), filtered per subscriber with the same rules as the `groups` query
//! (`finder::Matcher`, the finder's rules on one group: the search compiled once per
//! subscription, each event's facts computed once for all its subscribers).
//!
//! Each subscription registers its matcher with the event bus (`events::EventBus`), which
//! queues an event only for the subscribers it matches; each reads its queue at its own pace
//! and yields to the runtime after each event it delivers, so a burst to thousands of
//! subscribers shares the machine with queries instead of holding it. A subscriber that falls
//! further behind than its queue holds is dropped with an error that says so (it may
//! subscribe again), never slowing the others.
//! A connection holds at most `server.max_subscriptions_per_connection` at once
//! (`SubscriptionSlots`, given to each WebSocket connection).

use std::sync::Arc;

use async_graphql::{Context, ErrorExtensions, Subscription};
use futures_util::{Stream, StreamExt};
use tokio::sync::Semaphore;

use super::errors::ApiError;
use super::filter::{GroupFilter, NearInput};
use super::query::{search_error, search_of};
use super::rendered::Node;
use super::AppState;
use crate::events::{ChangeKind, Delivery};

pub struct SubscriptionRoot;

#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// A new real group that matches (once per group, not once per source listing it).
    async fn group_added(
        &self,
        ctx: &Context<'_>,
        filter: Option<GroupFilter>,
        near: Option<NearInput>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Node>>> {
        events(ctx, ChangeKind::Added, filter, near).await
    }

    /// A group that matches changed (a record joined or left, or its details changed).
    async fn group_updated(
        &self,
        ctx: &Context<'_>,
        filter: Option<GroupFilter>,
        near: Option<NearInput>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Node>>> {
        events(ctx, ChangeKind::Updated, filter, near).await
    }

    /// A group that matched was removed (every source dropped it).
    async fn group_removed(
        &self,
        ctx: &Context<'_>,
        filter: Option<GroupFilter>,
        near: Option<NearInput>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Node>>> {
        events(ctx, ChangeKind::Removed, filter, near).await
    }
}

async fn events(
    ctx: &Context<'_>,
    kind: ChangeKind,
    filter: Option<GroupFilter>,
    near: Option<NearInput>,
) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Node>>> {
    let state = ctx.data::<AppState>()?;
    let search = search_of(state, filter, near).await?;
    search.validate().map_err(|e| search_error(e).extend())?;
    let slot = match ctx.data_opt::<SubscriptionSlots>() {
        Some(slots) => Some(slots.0.clone().try_acquire_owned().map_err(|_| {
            ApiError::BadInput(format!(
                "this connection already has {} subscriptions, the most it may hold; close one first",
                slots.1
            ))
            .extend()
        })?),
        None => None,
    };
    let once = state.rendered.for_events(&ctx.item.node);
    let matcher = search.matcher();
    let area = matcher.area();
    let deliveries = state.events.subscribe(kind, area, Box::new(move |ev| matcher.matches(&ev.group, ev.facts())));
    let stream = deliveries.then(move |delivery| {
        let _held = &slot;
        let item = match delivery {
            Delivery::Event(ev) => Ok(Node { group: ev.group, once: once.clone() }),
            // The last item: the bus has dropped this subscriber.
            Delivery::Lagged(behind) => Err(ApiError::BadInput(format!(
                "this subscriber fell {behind} events behind and was dropped; subscribe again"
            ))
            .extend()),
        };
        async move {
            tokio::task::yield_now().await;
            item
        }
    });
    Ok(stream)
}

/// The subscriptions one connection may still open, and the most it may hold.
#[derive(Clone)]
pub struct SubscriptionSlots(Arc<Semaphore>, usize);

impl SubscriptionSlots {
    pub fn new(most: usize) -> Self {
        SubscriptionSlots(Arc::new(Semaphore::new(most)), most)
    }
}
