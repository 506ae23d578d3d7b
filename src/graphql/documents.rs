//! Parsed query documents, kept by the SHA-256 of their text: automatic persisted queries as
//! Apollo clients send them (a hash-only request finds its document, or gets
//! `PERSISTED_QUERY_NOT_FOUND` so the client sends the text once), and no re-parsing of the
//! queries a frontend sends again and again.
//!
//! Bounded: at most `CAPACITY` documents of at most `MAX_QUERY_BYTES` each (the cache is
//! cleared when full, so unique queries only cost misses). Validation, depth and complexity
//! limits still run on every request: only parsing is skipped.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{ErrorExtensionValues, Request, ServerError, ServerResult};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The most documents kept.
const CAPACITY: usize = 2_000;
/// Longer queries are parsed every time and never persisted.
const MAX_QUERY_BYTES: usize = 32 * 1024;

/// The schema extension; cheap to clone.
#[derive(Clone, Default)]
pub struct Documents {
    cache: Arc<RwLock<HashMap<String, ExecutableDocument>>>,
}

#[derive(Deserialize)]
struct PersistedQuery {
    version: i32,
    #[serde(rename = "sha256Hash")]
    sha256_hash: String,
}

impl ExtensionFactory for Documents {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(self.clone())
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Documents {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
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
        let request = match persisted {
            Some(p) if request.query.is_empty() => match self.get(&p.sha256_hash.to_ascii_lowercase()) {
                Some(doc) => with(request, doc),
                None => return Err(error("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")),
            },
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
            None => request,
        };
        next.run(ctx, request).await
    }
}

impl Documents {
    /// Whether the request would run anything but a query (a mutation or a subscription),
    /// judged on its text or, for a hash-only persisted query, on the stored document. GET
    /// requests are refused when it does, so no link can change anything.
    pub fn is_mutation(&self, request: &Request) -> bool {
        self.runs_any(request, |ty| ty != OperationType::Query)
    }

    /// Whether the request holds a mutation (judged as `is_mutation` judges).
    pub fn has_mutation(&self, request: &Request) -> bool {
        self.runs_any(request, |ty| ty == OperationType::Mutation)
    }

    fn runs_any(&self, request: &Request, pred: impl Fn(OperationType) -> bool) -> bool {
        let doc = if request.query.is_empty() {
            request
                .extensions
                .get("persistedQuery")
                .and_then(|v| async_graphql::from_value::<PersistedQuery>(v.clone()).ok())
                .and_then(|p| self.get(&p.sha256_hash.to_ascii_lowercase()))
        } else {
            async_graphql::parser::parse_query(&request.query).ok()
        };
        doc.is_some_and(|d| d.operations.iter().any(|(_, op)| pred(op.node.ty)))
    }

    fn get(&self, hash: &str) -> Option<ExecutableDocument> {
        self.cache.read().unwrap_or_else(|e| e.into_inner()).get(hash).cloned()
    }

    /// The request with its document from the cache, or parsed now and kept; a query that does
    /// not parse goes on as it is, for the schema to report.
    fn parsed(&self, request: Request, hash: String) -> Request {
        if let Some(doc) = self.get(&hash) {
            return with(request, doc);
        }
        if request.query.len() > MAX_QUERY_BYTES {
            return request;
        }
        match async_graphql::parser::parse_query(&request.query) {
            Ok(doc) => {
                let mut cache = self.cache.write().unwrap_or_else(|e| e.into_inner());
                if cache.len() >= CAPACITY {
                    cache.clear();
                }
                cache.insert(hash, doc.clone());
                with(request, doc)
            }
            Err(_) => request,
        }
    }
}

fn with(mut request: Request, doc: ExecutableDocument) -> Request {
    request.set_parsed_query(doc);
    request
}

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn error(message: &str, code: &str) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = ErrorExtensionValues::default();
    ext.set("code", code);
    e.extensions = Some(ext);
    e
}
