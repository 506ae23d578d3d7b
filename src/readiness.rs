//! Readiness as a load balancer reads it (`GET /readyz`): the store is open and readable,
//! and every enabled source has had its first import run since the store was created (a run
//! is recorded for it, whatever its outcome), or `server.ready_after_secs` have passed since
//! start, so one feed that never answers cannot keep a replica out of service for ever.
//!
//! Run records are never deleted, so once every source has one the answer stays "ready"
//! (latched) and later checks only read the store's group counter. A restart on a store
//! that already holds a run of each source is ready at once; a source added to the config
//! keeps it waiting until its first run (the scheduler starts one for every source never run).
//! The waiting list names source ids only.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::SourceSettings;
use crate::store::Store;

/// Decides readiness; cheap to clone.
#[derive(Clone)]
pub struct Readiness {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    /// The enabled sources, by id.
    sources: Vec<String>,
    started: Instant,
    ready_after: Duration,
    /// Set once every source has a run: run records are never removed.
    every_source_ran: AtomicBool,
}

/// What `/readyz` answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ready,
    /// These enabled sources (ids) have no run yet.
    Waiting(Vec<String>),
}

impl Readiness {
    /// Readiness for `store` and the enabled ones of `sources`, counting time from now.
    pub fn new(store: Store, sources: &[std::sync::Arc<SourceSettings>], ready_after: Duration) -> Readiness {
        let sources = sources.iter().filter(|s| s.enabled).map(|s| s.id.clone()).collect();
        Readiness {
            inner: Arc::new(Inner {
                store,
                sources,
                started: Instant::now(),
                ready_after,
                every_source_ran: AtomicBool::new(false),
            }),
        }
    }

    /// The verdict now; an error when the store cannot be read.
    pub fn check(&self) -> anyhow::Result<Verdict> {
        let inner = &self.inner;
        inner.store.live_group_count()?;
        if inner.every_source_ran.load(Ordering::Acquire) {
            return Ok(Verdict::Ready);
        }
        let mut waiting = Vec::new();
        for id in &inner.sources {
            if inner.store.runs(id, 1)?.is_empty() {
                waiting.push(id.clone());
            }
        }
        if waiting.is_empty() {
            inner.every_source_ran.store(true, Ordering::Release);
            return Ok(Verdict::Ready);
        }
        if inner.started.elapsed() >= inner.ready_after {
            return Ok(Verdict::Ready);
        }
        Ok(Verdict::Waiting(waiting))
    }
}
