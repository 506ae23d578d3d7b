//! Group change events: what subscriptions deliver.
//!
//! Ingest publishes one event per group that a committed run added, changed or removed, after
//! the commit; GraphQL subscriptions read them from the broadcast channel held in the
//! application state. A slow subscriber that falls behind loses old events, never blocks
//! ingest.

use std::sync::Arc;

use tokio::sync::broadcast;

use crate::model::StoredGroup;

/// What happened to a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A new real group (not a new record of a known group).
    Added,
    Updated,
    Removed,
}

#[derive(Debug, Clone)]
pub struct GroupEvent {
    pub kind: ChangeKind,
    pub group: Arc<StoredGroup>,
}

/// The broadcast channel of group events; cheap to clone.
#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<GroupEvent>,
}

impl EventBus {
    pub fn new(capacity: usize) -> Self {
        let (tx, _) = broadcast::channel(capacity);
        EventBus { tx }
    }

    /// Sends to every current subscriber; with none, the event is dropped.
    pub fn publish(&self, event: GroupEvent) {
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<GroupEvent> {
        self.tx.subscribe()
    }
}
