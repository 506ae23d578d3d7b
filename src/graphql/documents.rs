//! Parsed query documents, kept by the SHA-256 of their text: automatic persisted queries as
//! Apollo clients send them (a hash-only request finds its document, or gets
//! `PERSISTED_QUERY_NOT_FOUND` so the client sends the text once), and no re-parsing of the
//! queries a frontend sends again and again.
//!
//! Trusted documents: an operator's manifest of allowed operations (Apollo's persisted query
//! manifest, `{ format, version, operations: [{ id, body, ... }] }`) is parsed at start and
//! kept for good; clients may send an operation's `id` (or its SHA-256) alone, and with
//! `only` every other operation is refused with `PERSISTED_QUERY_NOT_IN_LIST`.
//!
//! Bounded: at most `CAPACITY` documents of at most `MAX_QUERY_BYTES` each (the cache is
//! cleared when full, so unique queries only cost misses). Validation, depth and complexity
//! limits still run on every request: only parsing is skipped.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use async_graphql::parser::types::{ExecutableDocument, OperationDefinition, OperationType};
use async_graphql::{Request, ServerError, ServerResult};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The most documents kept.
const CAPACITY: usize = 2_000;
/// Longer queries are parsed every time and never persisted.
const MAX_QUERY_BYTES: usize = 32 * 1024;

/// The documents every request is looked up in (`super::executor`); cheap to clone.
#[derive(Clone, Default)]
pub struct Documents {
    cache: Arc<RwLock<HashMap<String, ExecutableDocument>>>,
    trusted: Option<Arc<Trusted>>,
}

/// The manifest's operations by id and by the SHA-256 of their text.
struct Trusted {
    documents: HashMap<String, ExecutableDocument>,
    only: bool,
}

#[derive(Deserialize)]
struct Manifest {
    format: String,
    version: i64,
    operations: Vec<ManifestOperation>,
}

#[derive(Deserialize)]
struct ManifestOperation {
    id: String,
    body: String,
}

#[derive(Deserialize)]
struct PersistedQuery {
    version: i32,
    #[serde(rename = "sha256Hash")]
    sha256_hash: String,
}

impl Documents {
    /// The request with its document: a persisted query's found by hash (or
    /// `PERSISTED_QUERY_NOT_FOUND`), a text's from the cache or parsed now and kept; with a
    /// trusted-only manifest, anything else is refused.
    /// Also gives the key the document is kept under (the SHA-256 of its text, or a trusted
    /// operation's id), when it is kept.
    pub fn prepare(&self, mut request: Request) -> ServerResult<(Request, Option<String>)> {
        let persisted = match request.extensions.remove("persistedQuery") {
            Some(value) => Some(async_graphql::from_value::<PersistedQuery>(value).map_err(|_| {
                error("the persistedQuery extension must be { version: 1, sha256Hash }", "BAD_REQUEST")
            })?),
            None => None,
        };
        if let Some(p) = &persisted {
            if p.version != 1 {
                return Err(error("only version 1 of persisted queries is supported", "PERSISTED_QUERY_NOT_SUPPORTED"));
            }
        }
        if let Some(trusted) = self.trusted.as_deref().filter(|t| t.only) {
            let key = match &persisted {
                Some(p) if request.query.is_empty() => p.sha256_hash.to_ascii_lowercase(),
                _ => sha256(&request.query),
            };
            let Some(doc) = trusted.documents.get(&key) else {
                return Err(error(
                    "this server only runs the operations in its trusted documents manifest",
                    "PERSISTED_QUERY_NOT_IN_LIST",
                ));
            };
            return Ok((with(request, doc.clone()), Some(key)));
        }
        Ok(match persisted {
            Some(p) if request.query.is_empty() => {
                let hash = p.sha256_hash.to_ascii_lowercase();
                match self.get(&hash) {
                    Some(doc) => (with(request, doc), Some(hash)),
                    None => return Err(error("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")),
                }
            }
            Some(p) => {
                let hash = sha256(&request.query);
                if !p.sha256_hash.eq_ignore_ascii_case(&hash) {
                    return Err(error("provided sha does not match query", "BAD_REQUEST"));
                }
                self.parsed(request, hash)
            }
            None if request.query.len() <= MAX_QUERY_BYTES => {
                let hash = sha256(&request.query);
                self.parsed(request, hash)
            }
            None => (request, None),
        })
    }

    /// Documents with an operator's manifest of trusted operations; an error names the
    /// operation that does not parse, or what is wrong with the manifest.
    pub fn with_manifest(text: &str, only: bool) -> Result<Documents, String> {
        let manifest: Manifest =
            serde_json::from_str(text).map_err(|e| format!("not a persisted query manifest: {e}"))?;
        if manifest.format != "apollo-persisted-query-manifest" || manifest.version != 1 {
            return Err(format!(
                "format {:?} version {} is not supported; expected \"apollo-persisted-query-manifest\" version 1",
                manifest.format, manifest.version
            ));
        }
        let mut documents = HashMap::new();
        for op in manifest.operations {
            let doc = async_graphql::parser::parse_query(&op.body)
                .map_err(|e| format!("operation {:?} does not parse: {e}", op.id))?;
            documents.insert(sha256(&op.body), doc.clone());
            documents.insert(op.id.to_ascii_lowercase(), doc);
        }
        Ok(Documents { cache: Arc::default(), trusted: Some(Arc::new(Trusted { documents, only })) })
    }

    /// Whether the request would run anything but a query (a mutation or a subscription),
    /// judged on its text or, for a hash-only persisted query, on the stored document. GET
    /// requests are refused when it does, so no link can change anything; only queries'
    /// answers are kept for repeats.
    pub fn is_mutation(&self, request: &Request) -> bool {
        self.runs_any(request, |ty| ty != OperationType::Query)
    }

    /// Whether the request holds a mutation (judged as `is_mutation` judges).
    pub fn has_mutation(&self, request: &Request) -> bool {
        self.runs_any(request, |ty| ty == OperationType::Mutation)
    }

    fn runs_any(&self, request: &Request, pred: impl Fn(OperationType) -> bool) -> bool {
        let runs = |doc: &ExecutableDocument| doc.operations.iter().any(|(_, op)| pred(op.node.ty));
        if request.query.is_empty() {
            let hash = request
                .extensions
                .get("persistedQuery")
                .and_then(|v| async_graphql::from_value::<PersistedQuery>(v.clone()).ok())
                .map(|p| p.sha256_hash.to_ascii_lowercase());
            return hash.and_then(|h| self.peek(&h, runs)).unwrap_or(false);
        }
        let hash = sha256(&request.query);
        match self.peek(&hash, runs) {
            Some(found) => found,
            // Parsed once: the request then finds it in the cache.
            None => self.document(&request.query, hash).is_some_and(|d| runs(&d)),
        }
    }

    fn get(&self, hash: &str) -> Option<ExecutableDocument> {
        self.peek(hash, ExecutableDocument::clone)
    }

    /// `f` of the document kept under `hash`, without copying it.
    fn peek<R>(&self, hash: &str, f: impl FnOnce(&ExecutableDocument) -> R) -> Option<R> {
        if let Some(doc) = self.trusted.as_deref().and_then(|t| t.documents.get(hash)) {
            return Some(f(doc));
        }
        self.cache.read().unwrap_or_else(|e| e.into_inner()).get(hash).map(f)
    }

    /// The request with its document from the cache, or parsed now and kept; a query that does
    /// not parse goes on as it is, for the schema to report.
    fn parsed(&self, request: Request, hash: String) -> (Request, Option<String>) {
        match self.document(&request.query, hash.clone()) {
            Some(doc) => (with(request, doc), Some(hash)),
            None => (request, None),
        }
    }

    /// The document of `query` (whose SHA-256 is `hash`): from the cache, or parsed now and
    /// kept when it is short enough; `None` when it does not parse.
    fn document(&self, query: &str, hash: String) -> Option<ExecutableDocument> {
        if let Some(doc) = self.get(&hash) {
            return Some(doc);
        }
        let doc = async_graphql::parser::parse_query(query).ok()?;
        if query.len() <= MAX_QUERY_BYTES {
            let mut cache = self.cache.write().unwrap_or_else(|e| e.into_inner());
            if cache.len() >= CAPACITY {
                cache.clear();
            }
            cache.insert(hash, doc.clone());
        }
        Some(doc)
    }
}

/// The operation a request runs: the one named, or the document's only one.
pub(super) fn operation<'a>(doc: &'a ExecutableDocument, name: Option<&str>) -> Option<&'a OperationDefinition> {
    let mut ops = doc.operations.iter();
    let found = match name {
        Some(name) => ops.find(|(n, _)| n.is_some_and(|n| n.as_str() == name)),
        None => ops.next().filter(|_| doc.operations.iter().count() == 1),
    };
    found.map(|(_, op)| &op.node)
}

fn with(mut request: Request, doc: ExecutableDocument) -> Request {
    request.set_parsed_query(doc);
    request
}

fn sha256(text: &str) -> String {
    // Every request hashes its text: written digit by digit, not `format!` per byte.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in Sha256::digest(text.as_bytes()) {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

fn error(message: &str, code: &str) -> ServerError {
    super::errors::coded(message, code)
}

#[cfg(test)]
mod tests {
    /// The key is the SHA-256 as Apollo clients write it: 64 lowercase hex digits.
    #[test]
    fn keys_are_lowercase_hex_sha256() {
        assert_eq!(super::sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(super::sha256("{ groups { totalCount } }").len(), 64);
    }
}
