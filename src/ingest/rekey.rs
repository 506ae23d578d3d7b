//! Upgrading a store at start, in the background: re-keying stored records after the
//! matcher's blocking-key scheme changed, then reassembling groups written in an older group
//! format (one-slot groups become real groups with their meetings; groups of format 2 get
//! ids derived from their smallest record). Queries are served
//! meanwhile; imports and corrections wait, since they need every stored record findable
//! under the current keys and every group in the current format.

use chrono::Utc;

use super::{regroup, Ingestor};
use crate::dedup;
use crate::model::GROUP_FORMAT;
use crate::store::Store;

impl Ingestor {
    /// Starts re-deriving every stored record's blocking keys when they were made under
    /// another scheme, and returns at once. It holds the commit lock throughout, so imports and
    /// corrections wait for it. If it fails, they keep waiting (a restart tries again): an
    /// import matched against stale keys would duplicate groups that already exist.
    pub fn rekey_in_background(&self) -> tokio::task::JoinHandle<()> {
        let commits = self.inner.commit_lock.clone().try_lock_owned();
        let store = self.inner.store.clone();
        let trust = self.trust();
        tokio::task::spawn_blocking(move || {
            let Ok(guard) = commits else {
                tracing::error!("could not hold imports back while re-keying; not re-keying");
                return;
            };
            match store.reblock(dedup::BLOCKING_SCHEME, dedup::blocking_keys) {
                Ok(Some(n)) if n > 0 => tracing::info!(records = n, "re-derived the stored records' matching keys"),
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %e, "re-deriving the stored records' matching keys failed; imports are paused until a restart");
                    std::mem::forget(guard);
                    return;
                }
            }
            if let Err(e) = reassemble(&store, &trust) {
                tracing::error!(error = %format!("{e:#}"), "reassembling the stored groups failed; imports are paused until a restart");
                std::mem::forget(guard);
                return;
            }
            drop(guard);
        })
    }
}

/// Regroups every source's records when the stored groups are in an older format: the same
/// regrouping an import does, so ids follow the usual rules (an assembled group keeps the id
/// of the old group that gave it most records; the others redirect to it). No events are
/// published: nothing changed for subscribers but the shape. Runs again after an interrupted
/// start, since the format is recorded last.
fn reassemble(store: &Store, trust: &dyn Fn(&str) -> u8) -> anyhow::Result<()> {
    let format = store.group_format()?;
    if format >= GROUP_FORMAT {
        return Ok(());
    }
    let sources = store.record_sources()?;
    for source in &sources {
        let records = store.records_of_source(source)?;
        let changes = regroup(store, trust, records, Vec::new(), Utc::now(), &[])?;
        let (commit, _events) = changes.into_commit(None, Vec::new());
        store.commit(commit)?;
    }
    store.set_group_format(GROUP_FORMAT)?;
    tracing::info!(from = format, to = GROUP_FORMAT, sources = sources.len(), "reassembled the stored groups");
    Ok(())
}
