//! Re-keying stored records after the matcher's blocking-key scheme changed (an upgrade), in
//! the background: queries are served meanwhile; imports and corrections wait, since they
//! need every stored record findable under the current keys.

use super::Ingestor;
use crate::dedup;

impl Ingestor {
    /// Starts re-deriving every stored record's blocking keys when they were made under
    /// another scheme, and returns at once. It holds the commit lock throughout, so imports and
    /// corrections wait for it. If it fails, they keep waiting (a restart tries again): an
    /// import matched against stale keys would duplicate groups that already exist.
    pub fn rekey_in_background(&self) -> tokio::task::JoinHandle<()> {
        let commits = self.inner.commit_lock.clone().try_lock_owned();
        let store = self.inner.store.clone();
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
            drop(guard);
        })
    }
}
