//! Group change events: what subscriptions deliver.
//!
//! Ingest publishes the events of a committed run (one per group it added, changed or
//! removed) after the commit. Each subscription registers what it wants with the bus (a kind
//! and a test of the event) and gets its own bounded queue. Publishing hands the run's events
//! to the bus's own thread (so the run goes on at once), which judges every event once per
//! subscriber of its kind, in the order published, and queues it only for those it matches: an import of
//! 100 groups with 10,000 subscribers wakes each subscriber only for its own deliveries, not
//! 100 times. A subscriber whose queue is full (it has fallen `capacity` events behind) is
//! dropped from the bus: it gets what its queue holds, then `Lagged`, and never slows ingest
//! or the others. A subscription that ends leaves the bus at once (`Subscription`'s drop).
//! Subscribers whose filter has a radius are indexed by place (`listeners.rs`): an event is
//! put only to those whose circle could hold it, and to those that want groups anywhere.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::task::{Context, Poll};

use futures_util::Stream;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

mod listeners;

use listeners::Listeners;

use crate::finder::{Area, GroupFacts};
use crate::model::StoredGroup;

/// What happened to a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// Which events a subscriber wants, judged once per event as it is published.
pub type Wants = Box<dyn Fn(&GroupEvent) -> bool + Send + Sync>;

/// The subscribers of group events; cheap to clone.
#[derive(Clone)]
pub struct EventBus {
    inner: Arc<Bus>,
    /// To the bus's thread, which judges and queues what is published, in order.
    work: std::sync::mpsc::Sender<Work>,
}

/// What the bus's thread is asked to do.
enum Work {
    /// A run's events and their place in the order of publishing.
    Deliver(u64, Vec<GroupEvent>),
    /// Answer once everything sent before is queued.
    Ack(std::sync::mpsc::SyncSender<()>),
}

struct Bus {
    /// Events one subscriber may have waiting before it is dropped.
    capacity: usize,
    subscribers: RwLock<HashMap<ChangeKind, Listeners<Subscriber>>>,
    next_id: AtomicU64,
    /// Subscribers currently registered (`supportmesh_subscribers`).
    count: AtomicU64,
    /// Batches published so far: a subscriber gets only those published after it subscribed.
    published: AtomicU64,
}

struct Subscriber {
    wants: Wants,
    queue: mpsc::Sender<GroupEvent>,
    /// Set when the subscriber is dropped for falling behind.
    lagged: Arc<AtomicBool>,
    /// The batches published before it subscribed (it gets none of them).
    since: u64,
}

impl EventBus {
    /// A bus on which each subscriber may fall at most `capacity` events behind.
    ///
    /// Publishing hands the events to the bus's own thread, which judges them against every
    /// subscriber (1,000,000 judgements for 100 events and 10,000 subscribers), so the run
    /// that published goes on at once. The thread ends when the last clone of the bus is dropped.
    pub fn new(capacity: usize) -> Self {
        let inner = Arc::new(Bus {
            capacity: capacity.max(1),
            subscribers: RwLock::default(),
            next_id: AtomicU64::new(0),
            count: AtomicU64::new(0),
            published: AtomicU64::new(0),
        });
        let (work, jobs) = std::sync::mpsc::channel();
        let bus = inner.clone();
        std::thread::Builder::new()
            .name("event-bus".into())
            .spawn(move || {
                for job in jobs {
                    match job {
                        Work::Deliver(batch, events) => bus.deliver(batch, events),
                        Work::Ack(done) => {
                            let _ = done.send(());
                        }
                    }
                }
            })
            .expect("the event bus's thread starts");
        EventBus { inner, work }
    }

    /// The events a subscriber may have waiting before it is dropped.
    pub fn capacity(&self) -> usize {
        self.inner.capacity
    }

    /// Subscribers registered now.
    pub fn subscribers(&self) -> u64 {
        self.inner.count.load(Ordering::Relaxed)
    }

    /// Events of `kind` that `wants` accepts, from now on, until the subscription is dropped.
    /// `area` says where the groups `wants` accepts can be (`None`: anywhere), so that events
    /// elsewhere are not put to it.
    pub fn subscribe(&self, kind: ChangeKind, area: Option<Area>, wants: Wants) -> Subscription {
        let (queue, rx) = mpsc::channel(self.inner.capacity);
        let lagged = Arc::new(AtomicBool::new(false));
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let since = self.inner.published.load(Ordering::Acquire);
        let subscriber = Subscriber { wants, queue, lagged: lagged.clone(), since };
        self.inner.write().entry(kind).or_default().insert(id, area, subscriber);
        self.inner.counted(1);
        Subscription { rx, lagged, leave: Some(Leave { bus: self.inner.clone(), kind, id }) }
    }

    /// Queues each event (soon, on the bus's thread, in the order published) for every
    /// subscriber of its kind that wants it; with none, it is dropped. Subscribers whose
    /// queue is full are dropped from the bus (see the module).
    pub fn publish_all(&self, events: impl IntoIterator<Item = GroupEvent>) {
        let events: Vec<GroupEvent> = events.into_iter().collect();
        if !events.is_empty() {
            let batch = self.inner.published.fetch_add(1, Ordering::AcqRel) + 1;
            let _ = self.work.send(Work::Deliver(batch, events));
        }
    }

    /// Waits until every event published before is queued for its subscribers.
    pub fn delivered(&self) {
        let (done, wait) = std::sync::mpsc::sync_channel(1);
        if self.work.send(Work::Ack(done)).is_ok() {
            let _ = wait.recv();
        }
    }
}

impl Bus {
    /// What `publish_all` asks, on the bus's thread.
    fn deliver(&self, batch: u64, events: Vec<GroupEvent>) {
        let mut gone: Vec<(ChangeKind, u64)> = Vec::new();
        {
            let subscribers = self.subscribers.read().unwrap_or_else(|e| e.into_inner());
            for event in events {
                let Some(of_kind) = subscribers.get(&event.kind) else { continue };
                for (id, s) in of_kind.candidates(event.facts().point()) {
                    if batch <= s.since || !(s.wants)(&event) {
                        continue;
                    }
                    match s.queue.try_send(event.clone()) {
                        Ok(()) => {}
                        Err(TrySendError::Full(_)) => {
                            if !s.lagged.swap(true, Ordering::AcqRel) {
                                gone.push((event.kind, id));
                            }
                        }
                        Err(TrySendError::Closed(_)) => gone.push((event.kind, id)),
                    }
                }
            }
        }
        if !gone.is_empty() {
            let mut subscribers = self.write();
            for (kind, id) in gone {
                if subscribers.get_mut(&kind).and_then(|m| m.remove(id)).is_some() {
                    self.counted(-1);
                }
            }
        }
    }

    /// Counts subscribers joining (1) or leaving (-1), in `supportmesh_subscribers` too.
    fn counted(&self, delta: i64) {
        let now = if delta > 0 {
            self.count.fetch_add(1, Ordering::Relaxed) + 1
        } else {
            self.count.fetch_sub(1, Ordering::Relaxed) - 1
        };
        metrics::gauge!("supportmesh_subscribers").set(now as f64);
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<ChangeKind, Listeners<Subscriber>>> {
        self.subscribers.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a subscription receives: the events it wants, in order, then `Lagged` and the end
/// if it fell too far behind.
#[derive(Debug)]
pub enum Delivery {
    Event(GroupEvent),
    /// The subscriber fell this many events behind and was dropped.
    Lagged(usize),
}

/// One subscriber's events; leaves the bus when dropped.
pub struct Subscription {
    rx: mpsc::Receiver<GroupEvent>,
    lagged: Arc<AtomicBool>,
    leave: Option<Leave>,
}

struct Leave {
    bus: Arc<Bus>,
    kind: ChangeKind,
    id: u64,
}

impl Drop for Leave {
    fn drop(&mut self) {
        let removed = self.bus.write().get_mut(&self.kind).and_then(|m| m.remove(self.id)).is_some();
        if removed {
            self.bus.counted(-1);
        }
    }
}

impl Stream for Subscription {
    type Item = Delivery;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Delivery>> {
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(event)) => Poll::Ready(Some(Delivery::Event(event))),
            // The bus dropped its sender: the subscriber lagged (told once), or the bus is gone.
            Poll::Ready(None) => match self.leave.take() {
                Some(leave) if self.lagged.load(Ordering::Acquire) => {
                    Poll::Ready(Some(Delivery::Lagged(leave.bus.capacity)))
                }
                _ => Poll::Ready(None),
            },
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    fn event(kind: ChangeKind, name: &str) -> GroupEvent {
        let group = StoredGroup {
            id: name.to_owned(),
            listing: importers::Listing { name: name.to_owned(), ..Default::default() },
            records: Vec::new(),
            links: Vec::new(),
            meetings: Vec::new(),
            status: crate::model::GroupStatus::Active,
            status_conflict: None,
            first_seen: chrono::DateTime::UNIX_EPOCH,
            updated_at: chrono::DateTime::UNIX_EPOCH,
        };
        GroupEvent::new(kind, Arc::new(group))
    }

    fn names_starting(prefix: &'static str) -> Wants {
        Box::new(move |e: &GroupEvent| e.group.listing.name.starts_with(prefix))
    }

    /// What a subscription has received so far (without waiting for more).
    fn received(sub: &mut Subscription) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(Some(d)) = sub.next().now_or_never() {
            out.push(match d {
                Delivery::Event(e) => e.group.listing.name.clone(),
                Delivery::Lagged(n) => format!("lagged {n}"),
            });
        }
        out
    }

    use futures_util::FutureExt;

    #[test]
    fn each_subscriber_gets_only_the_events_of_its_kind_that_it_wants() {
        let bus = EventBus::new(16);
        let mut a = bus.subscribe(ChangeKind::Added, None, names_starting("A"));
        let mut all_updates = bus.subscribe(ChangeKind::Updated, None, Box::new(|_| true));
        bus.publish_all([
            event(ChangeKind::Added, "Alpha"),
            event(ChangeKind::Added, "Beta"),
            event(ChangeKind::Updated, "Ash"),
            event(ChangeKind::Added, "Apex"),
        ]);
        bus.delivered();
        assert_eq!(received(&mut a), ["Alpha", "Apex"]);
        assert_eq!(received(&mut all_updates), ["Ash"]);
    }

    #[test]
    fn a_subscriber_that_falls_behind_gets_its_queue_then_lagged_and_the_others_go_on() {
        let bus = EventBus::new(2);
        let mut slow = bus.subscribe(ChangeKind::Added, None, Box::new(|_| true));
        let mut picky = bus.subscribe(ChangeKind::Added, None, names_starting("c"));
        bus.publish_all(["a", "b", "c1"].map(|n| event(ChangeKind::Added, n)));
        bus.publish_all(["c2"].map(|n| event(ChangeKind::Added, n)));
        bus.delivered();
        assert_eq!(bus.subscribers(), 1, "the slow one left the bus");
        assert_eq!(received(&mut slow), ["a", "b", "lagged 2"]);
        assert!(matches!(slow.next().now_or_never(), Some(None)), "and its stream ended");
        assert_eq!(received(&mut picky), ["c1", "c2"]);
    }

    /// Events published before a subscription are not its own, even while the bus's thread
    /// has not judged them yet.
    #[test]
    fn a_subscriber_gets_only_what_is_published_after_it_subscribed() {
        let bus = EventBus::new(16);
        let mut early = bus.subscribe(ChangeKind::Added, None, Box::new(|_| true));
        // A batch published, which the bus's thread has not judged yet when `late` subscribes.
        let batch = bus.inner.published.fetch_add(1, Ordering::AcqRel) + 1;
        let mut late = bus.subscribe(ChangeKind::Added, None, Box::new(|_| true));
        bus.inner.deliver(batch, vec![event(ChangeKind::Added, "before")]);
        bus.publish_all([event(ChangeKind::Added, "after")]);
        bus.delivered();
        assert_eq!(received(&mut early), ["before", "after"]);
        assert_eq!(received(&mut late), ["after"]);
    }

    #[test]
    fn a_dropped_subscription_leaves_the_bus() {
        let bus = EventBus::new(4);
        let a = bus.subscribe(ChangeKind::Removed, None, Box::new(|_| true));
        let b = bus.subscribe(ChangeKind::Added, None, Box::new(|_| false));
        assert_eq!(bus.subscribers(), 2);
        drop(a);
        drop(b);
        assert_eq!(bus.subscribers(), 0);
        bus.publish_all([event(ChangeKind::Removed, "x")]);
    }
}
