//! What operators keep in the store besides the directory: the source registry, the hashed
//! operator tokens, the audit log, the listings of held runs, and run history pages across
//! sources. Small trees, written one document at a time (none of it is part of a run's
//! commit, except the run log itself).

use anyhow::Context;
use chrono::{DateTime, Utc};

use super::{codec, commit::run_key, get_json, Store};
use crate::model::{AuditEntry, ImportRun, OperatorToken, StoredSource};

/// The sled trees of this file, opened with the store.
#[derive(Clone)]
pub(crate) struct OperatorTrees {
    /// Source id -> `StoredSource`.
    registry: sled::Tree,
    /// SHA-256 of a token -> `OperatorToken`.
    tokens: sled::Tree,
    /// Sequence number (big-endian) -> `AuditEntry`.
    audit: sled::Tree,
    /// Held run id -> `HeldListings` (what applying the run commits).
    held: sled::Tree,
}

impl OperatorTrees {
    pub(super) fn open(db: &sled::Db) -> anyhow::Result<Self> {
        let tree = |name: &str| db.open_tree(name).with_context(|| format!("opening store tree {name}"));
        Ok(OperatorTrees {
            registry: tree("registry")?,
            tokens: tree("operator_tokens")?,
            audit: tree("audit")?,
            held: tree("held_runs")?,
        })
    }
}

/// The listings a held run would have applied, kept so an operator can apply exactly them.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct HeldListings {
    pub listings: Vec<importers::Listing>,
    /// The document hash and validators the run saw (the source's state once applied).
    pub document_hash: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A page of import runs, newest first, and whether more follow.
pub struct RunPage {
    pub runs: Vec<ImportRun>,
    pub has_more: bool,
}

/// Filters on run history.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    /// Only these sources (empty: every source).
    pub sources: Vec<String>,
    /// Only these outcomes (empty: every outcome).
    pub outcomes: Vec<crate::model::RunOutcome>,
    /// Only held runs nobody has applied or discarded yet.
    pub unresolved_only: bool,
}

impl RunFilter {
    fn admits(&self, run: &ImportRun) -> bool {
        (self.outcomes.is_empty() || self.outcomes.contains(&run.outcome))
            && (!self.unresolved_only || run.resolution.is_none())
    }
}

impl Store {
    /// Every source the registry holds, deleted ones included, by id.
    pub fn stored_sources(&self) -> anyhow::Result<Vec<StoredSource>> {
        let mut out = Vec::new();
        for kv in self.inner.ops.registry.iter() {
            let (_, v) = kv?;
            out.push(serde_json::from_slice(&v).context("decoding a stored source")?);
        }
        Ok(out)
    }

    pub fn stored_source(&self, id: &str) -> anyhow::Result<Option<StoredSource>> {
        get_json(&self.inner.ops.registry, id.as_bytes())
    }

    /// Writes a source's registry entry and flushes, so an acknowledged change survives a crash.
    pub fn put_stored_source(&self, source: &StoredSource) -> anyhow::Result<()> {
        self.inner.ops.registry.insert(source.id.as_bytes(), serde_json::to_vec(source)?)?;
        self.inner.ops.registry.flush()?;
        Ok(())
    }

    /// The token whose SHA-256 is `digest`, revoked or not.
    pub fn operator_token(&self, digest: &[u8; 32]) -> anyhow::Result<Option<OperatorToken>> {
        get_json(&self.inner.ops.tokens, digest)
    }

    /// Every operator token (never the tokens themselves: only their names and prefixes).
    pub fn operator_tokens(&self) -> anyhow::Result<Vec<(Vec<u8>, OperatorToken)>> {
        let mut out = Vec::new();
        for kv in self.inner.ops.tokens.iter() {
            let (k, v) = kv?;
            out.push((k.to_vec(), serde_json::from_slice(&v).context("decoding an operator token")?));
        }
        Ok(out)
    }

    pub fn has_operator_tokens(&self) -> bool {
        !self.inner.ops.tokens.is_empty()
    }

    pub fn put_operator_token(&self, digest: &[u8], token: &OperatorToken) -> anyhow::Result<()> {
        self.inner.ops.tokens.insert(digest, serde_json::to_vec(token)?)?;
        self.inner.ops.tokens.flush()?;
        Ok(())
    }

    /// Appends to the audit log; returns the entry as written (with its sequence number).
    pub fn append_audit(&self, mut entry: AuditEntry) -> anyhow::Result<AuditEntry> {
        let seq = self.inner.db.generate_id()? + 1;
        entry.seq = seq;
        self.inner.ops.audit.insert(seq.to_be_bytes(), serde_json::to_vec(&entry)?)?;
        self.inner.ops.audit.flush()?;
        Ok(entry)
    }

    /// Audit entries older than `before` (a sequence number; `None`: the newest), newest first,
    /// that pass `keep`, at most `limit`; and whether more follow.
    pub fn audit_page(
        &self,
        before: Option<u64>,
        limit: usize,
        keep: impl Fn(&AuditEntry) -> bool,
    ) -> anyhow::Result<(Vec<AuditEntry>, bool)> {
        let end = before.unwrap_or(u64::MAX);
        let mut out = Vec::new();
        for kv in self.inner.ops.audit.range(..end.to_be_bytes()).rev() {
            let (_, v) = kv?;
            let entry: AuditEntry = serde_json::from_slice(&v).context("decoding an audit entry")?;
            if keep(&entry) {
                if out.len() == limit {
                    return Ok((out, true));
                }
                out.push(entry);
            }
        }
        Ok((out, false))
    }

    pub fn put_held_listings(&self, run_id: &str, held: &HeldListings) -> anyhow::Result<()> {
        self.inner.ops.held.insert(run_id.as_bytes(), serde_json::to_vec(held)?)?;
        self.inner.ops.held.flush()?;
        Ok(())
    }

    pub fn held_listings(&self, run_id: &str) -> anyhow::Result<Option<HeldListings>> {
        get_json(&self.inner.ops.held, run_id.as_bytes())
    }

    pub fn remove_held_listings(&self, run_id: &str) -> anyhow::Result<()> {
        self.inner.ops.held.remove(run_id.as_bytes())?;
        Ok(())
    }

    /// One stored run by id (`<source>-<started>`), found within its source.
    pub fn run(&self, source_id: &str, run_id: &str) -> anyhow::Result<Option<ImportRun>> {
        let mut prefix = source_id.as_bytes().to_vec();
        prefix.push(0);
        for kv in self.inner.trees.runs.scan_prefix(prefix).rev() {
            let (k, v) = kv?;
            let run: ImportRun = super::decode_at(&self.inner.trees.runs, &k, &v)?;
            if run.id == run_id {
                return Ok(Some(run));
            }
        }
        Ok(None)
    }

    /// Rewrites a stored run (a held run once it is applied or discarded).
    pub fn put_run(&self, run: &ImportRun) -> anyhow::Result<()> {
        self.inner.trees.runs.insert(run_key(run), codec::encode(run)?)?;
        self.inner.trees.runs.flush()?;
        Ok(())
    }

    /// Runs newest first across the filter's sources, after the run `after` (a cursor made by
    /// `RunCursor::of`), at most `limit`.
    pub fn runs_page(&self, filter: &RunFilter, after: Option<&RunCursor>, limit: usize) -> anyhow::Result<RunPage> {
        let sources = match filter.sources.is_empty() {
            true => self.run_sources()?,
            false => filter.sources.clone(),
        };
        let mut found: Vec<(RunCursor, ImportRun)> = Vec::new();
        for source in sources {
            let mut prefix = source.as_bytes().to_vec();
            prefix.push(0);
            let mut taken = 0;
            for kv in self.inner.trees.runs.scan_prefix(prefix).rev() {
                let (k, v) = kv?;
                let run: ImportRun = super::decode_at(&self.inner.trees.runs, &k, &v)?;
                let cursor = RunCursor::of(&run);
                if after.is_some_and(|a| cursor <= *a) || !filter.admits(&run) {
                    continue;
                }
                found.push((cursor, run));
                taken += 1;
                if taken > limit {
                    break;
                }
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        let has_more = found.len() > limit;
        found.truncate(limit);
        Ok(RunPage { runs: found.into_iter().map(|(_, r)| r).collect(), has_more })
    }

    /// The sources that have runs, sorted.
    fn run_sources(&self) -> anyhow::Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        let mut next: Option<Vec<u8>> = None;
        loop {
            let kv = match &next {
                None => self.inner.trees.runs.first()?,
                Some(from) => self.inner.trees.runs.range(from.as_slice()..).next().transpose()?,
            };
            let Some((k, _)) = kv else { break };
            let source = k.split(|b| *b == 0).next().unwrap_or_default().to_vec();
            out.push(String::from_utf8_lossy(&source).into_owned());
            let mut after = source;
            after.push(1);
            next = Some(after);
        }
        Ok(out)
    }
}

/// Where a run sits in history pages: newest first, then by source and id (descending), so
/// the order is total across sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunCursor {
    pub started_at: DateTime<Utc>,
    pub source_id: String,
    pub run_id: String,
}

impl RunCursor {
    pub fn of(run: &ImportRun) -> Self {
        RunCursor { started_at: run.started_at, source_id: run.source_id.clone(), run_id: run.id.clone() }
    }
}

impl PartialOrd for RunCursor {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Smaller is newer: pages go from small to large.
impl Ord for RunCursor {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (other.started_at, &other.source_id, &other.run_id).cmp(&(self.started_at, &self.source_id, &self.run_id))
    }
}
