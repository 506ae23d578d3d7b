//! Operator corrections: "always one group" and "never one group" for two records, applied at
//! once by regrouping the two records, and honoured by every later import.

use chrono::Utc;

use crate::model::{Correction, CorrectionKind, RecordKey, StoredGroup};

use super::{regroup, IngestError, Ingestor};

impl Ingestor {
    /// Records an operator's correction (always / never one group) and regroups the two
    /// records at once; every later import honours it. Returns the groups now holding them.
    pub async fn correct(
        &self,
        kind: CorrectionKind,
        a: RecordKey,
        b: RecordKey,
        reason: Option<String>,
    ) -> Result<Vec<StoredGroup>, IngestError> {
        if a == b {
            return Err(IngestError::SameRecord);
        }
        let store = &self.inner.store;
        let _commit = self.inner.commit_lock.lock().await;
        let mut put = Vec::new();
        for key in [&a, &b] {
            put.push(store.record(key)?.ok_or_else(|| IngestError::UnknownRecord(key.to_string()))?);
        }
        let correction = Correction::new(kind, a.clone(), b.clone(), reason, Utc::now());
        let trust = self.trust();
        let changes = regroup(store, &trust, put, Vec::new(), correction.at, std::slice::from_ref(&correction))?;
        let (commit, events) = changes.into_commit(None, vec![correction]);
        store.commit(commit)?;
        self.publish(events);
        tracing::info!(kind = ?kind, "operator correction applied");
        let mut out: Vec<StoredGroup> = Vec::new();
        for key in [&a, &b] {
            let id = store.record(key)?.map(|r| r.group_id).unwrap_or_default();
            if let Some(g) = store.group(&id)? {
                if !out.iter().any(|x| x.id == g.id) {
                    out.push(g);
                }
            }
        }
        Ok(out)
    }
}
