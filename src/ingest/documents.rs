//! Reading a source's documents: parse the root, fetch whatever further documents the parser
//! wants (pages, tables, detail pages) up to `ingest.max_documents`, parse again, and hash
//! every document together so an unchanged multi-document source is recognised.

use std::collections::BTreeMap;

use anyhow::Context;
use sha2::{Digest, Sha256};

use crate::config::SourceSettings;
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
/// run; stopping at `max_documents` is reported as a problem. Every follow-up document's size
/// is added to `fetched_bytes` as it arrives (a failed run reports what it fetched too).
pub(super) async fn parse_all(
    fetcher: &Fetcher,
    source: &SourceSettings,
    root: Vec<u8>,
    max_documents: usize,
    fetched_bytes: &mut u64,
) -> anyhow::Result<ParsedDocuments> {
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
                        "stopped after {} documents (ingest.max_documents); {} more were not fetched",
                        1 + extra.len(),
                        wants.len()
                    ),
                ));
            }
            let hash = documents_hash(&root, &extra);
            return Ok(ParsedDocuments { listings: parsed.listings, problems, hash });
        }
        for want in wants.into_iter().take(room) {
            let location = follow::location(&source.location, &want)?;
            let doc = match fetcher.fetch(&location, &Validators::default()).await? {
                FetchOutcome::Fetched(doc) => doc,
                FetchOutcome::NotModified { status } => {
                    anyhow::bail!("{}: unexpected HTTP {status}", crate::fetch::redact::url_text(&want))
                }
            };
            *fetched_bytes += doc.bytes.len() as u64;
            extra.insert(want, doc.bytes);
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
