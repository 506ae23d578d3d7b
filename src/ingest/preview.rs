//! A dry run: fetch and parse a source (saved or not) and show what an import would do to
//! the store — the listings, the problems, what it would add, change and mark missing, and
//! whether it would be held — without writing anything.

use crate::config::SourceSettings;
use crate::fetch::{FetchOutcome, Validators};
use crate::model::{RunCounts, RunProblems};

use super::{diff, documents, policy, Ingestor};

/// What an import of the previewed source would do now.
pub struct Preview {
    pub http_status: Option<u16>,
    pub fetched_bytes: u64,
    /// Every listing the feed yields, in feed order.
    pub listings: Vec<importers::Listing>,
    pub problems: RunProblems,
    pub counts: RunCounts,
    /// Record-level changes: (kind, the listing's external id, its name).
    pub changes: Vec<(RecordChange, String, String)>,
    /// Why the import would be held, when it would.
    pub held: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordChange {
    Added,
    Updated,
    Missing,
}

impl Ingestor {
    /// Fetches and parses `source` (never conditionally) and diffs it against what the store
    /// holds for its id. Nothing is written; a fetch or parse failure is the error.
    pub async fn preview(&self, source: &SourceSettings) -> anyhow::Result<Preview> {
        let doc = match self.inner.fetcher.fetch(&source.location, &Validators::default()).await? {
            FetchOutcome::Fetched(doc) => doc,
            FetchOutcome::NotModified { .. } => anyhow::bail!("the server answered 304 to an unconditional request"),
        };
        let (http_status, mut fetched_bytes) = (doc.status, doc.bytes.len() as u64);
        let settings = &self.inner.settings;
        let read = documents::parse_all(&self.inner.fetcher, source, doc.bytes, settings, &mut fetched_bytes).await?;
        let documents::ParsedDocuments { listings, mut problems, .. } = read;
        let store = &self.inner.store;
        // Under the commit lock, as a run's diff: the digests and the records read whole after
        // them are of one state of the store.
        let _commit = self.inner.commit_lock.lock().await;
        let existing = store.record_digests(&source.id)?;
        policy::refuse_empty(listings.len(), !existing.is_empty())?;
        let listings = policy::refuse_echoes(listings, &self.inner.instance_id, &mut problems);
        let now = chrono::Utc::now();
        let mut changes =
            diff(&source.id, listings.clone(), existing, now, self.grace(), |keys| store.records_by_key(keys))?;
        problems.append(std::mem::take(&mut changes.problems));
        let counts = RunCounts { problems: problems.total(), ..changes.counts.clone() };
        let held = policy::hold_reason(&changes, source, settings.max_removal_share, policy::Removals::Hold);
        let record_changes = changes
            .put
            .iter()
            .map(|r| {
                let kind = match (r.missing_since.is_some(), r.group_id.is_empty()) {
                    (true, _) => RecordChange::Missing,
                    (false, true) => RecordChange::Added,
                    (false, false) => RecordChange::Updated,
                };
                (kind, r.key.external_id.clone(), r.listing.name.clone())
            })
            .collect();
        Ok(Preview { http_status, fetched_bytes, listings, problems, counts, changes: record_changes, held })
    }
}
