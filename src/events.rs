//! Group change events: what subscriptions deliver.
//!
//! Ingest publishes one event per group that a committed run added, changed or removed, after
//! the commit; GraphQL subscriptions read them from the broadcast channel held in the
//! application state. A slow subscriber that falls behind loses old events, never blocks
//! ingest.

use std::sync::{Arc, OnceLock};

use tokio::sync::broadcast;

use crate::finder::GroupFacts;
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
    /// The group's facts as it was while listed, computed by the first subscriber that judges
    /// the event and shared by every other (each clone of the event holds the same cell).
    facts: Arc<OnceLock<GroupFacts>>,
}

impl GroupEvent {
    pub fn new(kind: ChangeKind, group: Arc<StoredGroup>) -> Self {
        GroupEvent { kind, group, facts: Arc::default() }
    }

    /// What the finder would hold of the group while it was listed (a removed group is
    /// judged as it was before it went), for subscribers' filters.
    pub fn facts(&self) -> &GroupFacts {
        self.facts.get_or_init(|| GroupFacts::as_listed(&self.group))
    }
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
