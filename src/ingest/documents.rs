//! Reading a source's documents: parse the root, fetch whatever further documents the parser
//! wants (pages, tables, detail pages) up to `ingest.max_documents`, parse again, and hash
//! every document together so an unchanged multi-document source is recognised. A format whose
//! pages chain by cursor (a peer, `Format::chained_pages`) is followed page by page from each
//! page alone (`importers::next_in_chain`) and parsed once at the end, so a long chain costs
//! one parse, not one per page; it is bounded by `ingest.max_peer_pages` instead.

use std::collections::BTreeMap;

use anyhow::Context;
use sha2::{Digest, Sha256};

use crate::config::{IngestSettings, SourceSettings};
use crate::fetch::{FetchOutcome, Fetcher, Validators};
use crate::model::RunProblems;

use super::follow;

/// The parse of every document of a source (its problems already bounded), and one hash over
/// all of them.
pub(super) struct ParsedDocuments {
    pub listings: Vec<importers::Listing>,
    pub problems: RunProblems,
    pub hash: String,
}

/// Parses `root`, fetching follow-up documents as the parser asks. Any failed fetch fails the
/// run; stopping at `max_documents` (`max_peer_pages` for chained pages) is reported as a
/// problem. Every follow-up document's size is added to `fetched_bytes` as it arrives (a
/// failed run reports what it fetched too).
pub(super) async fn parse_all(
    fetcher: &Fetcher,
    source: &SourceSettings,
    root: Vec<u8>,
    settings: &IngestSettings,
    fetched_bytes: &mut u64,
) -> anyhow::Result<ParsedDocuments> {
    let chained = source.format.chained_pages();
    let (max_documents, bound) = match chained {
        true => (settings.max_peer_pages, "ingest.max_peer_pages"),
        false => (settings.max_documents, "ingest.max_documents"),
    };
    let url = follow::root_url(&source.location);
    let mut extra: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut root = root;
    loop {
        let (format, options, base) = (source.format, source.options.clone(), url.clone());
        let (result, back_root, back_extra) = tokio::task::spawn_blocking(move || {
            let docs = importers::Documents { url: &base, root: &root, extra: &extra };
            (importers::parse(format, &docs, &options), root, extra)
        })
        .await
        .context("the parser stopped unexpectedly")?;
        (root, extra) = (back_root, back_extra);
        let parsed = result.map_err(|e| {
            let why = super::excerpt::document_message(&e.0);
            anyhow::anyhow!("the document cannot be read as {}: {why}", source.format.as_str())
        })?;
        let wants: Vec<String> = parsed.wants.iter().filter(|w| !extra.contains_key(*w)).cloned().collect();
        let room = max_documents.saturating_sub(1 + extra.len());
        if wants.is_empty() || room == 0 {
            let mut problems = RunProblems::from(parsed.problems);
            if !wants.is_empty() {
                problems.push(importers::Problem::dropped(
                    None,
                    None,
                    format!(
                        "stopped after {} documents ({bound}); {} more were not fetched",
                        1 + extra.len(),
                        wants.len()
                    ),
                ));
            }
            let hash = documents_hash(&root, &extra);
            return Ok(ParsedDocuments { listings: parsed.listings, problems, hash });
        }
        let mut last = None;
        for want in wants.into_iter().take(room) {
            let bytes = fetch(fetcher, source, &want).await?;
            *fetched_bytes += bytes.len() as u64;
            extra.insert(want.clone(), bytes);
            last = Some(want);
        }
        // A chain: each next page from the last one alone, then one parse of them all.
        while let Some(page) = last.take().filter(|_| chained && 1 + extra.len() < max_documents) {
            let next = importers::next_in_chain(source.format, &url, &source.options, &extra[&page]);
            let Some(next) = next.filter(|n| !extra.contains_key(n)) else { break };
            let bytes = fetch(fetcher, source, &next).await?;
            *fetched_bytes += bytes.len() as u64;
            extra.insert(next.clone(), bytes);
            last = Some(next);
        }
    }
}

/// One follow-up document, if the source may follow it.
async fn fetch(fetcher: &Fetcher, source: &SourceSettings, want: &str) -> anyhow::Result<Vec<u8>> {
    let location = follow::location(&source.location, want)?;
    match fetcher.fetch(&location, &Validators::default()).await? {
        FetchOutcome::Fetched(doc) => Ok(doc.bytes),
        FetchOutcome::NotModified { status } => {
            anyhow::bail!("{}: unexpected HTTP {status}", crate::fetch::redact::url_text(want))
        }
    }
}

/// The hash of one document, as compared for single-document sources.
pub(super) fn document_hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn documents_hash(root: &[u8], extra: &BTreeMap<String, Vec<u8>>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(root);
    for (k, v) in extra {
        hasher.update(k.as_bytes());
        hasher.update(v);
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
