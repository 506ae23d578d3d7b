//! Parsed queries, kept by their text: a frontend sends the same few query texts with new
//! variables, and parsing one (async-graphql's pest parser) cost about 8% of the main query's
//! time under load (BENCHMARKS.md, "Query load (finder)").
//!
//! Only documents that parsed and passed the parse-time checks are kept, so a hit is exactly
//! what parsing again would give; validation, limits and execution still run on every request.
//! Bounded: at most `MAX_ENTRIES` texts of at most `MAX_QUERY_BYTES` each; when full it starts
//! over.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerResult, Variables};

const MAX_ENTRIES: usize = 256;
const MAX_QUERY_BYTES: usize = 16 * 1024;

type Documents = Arc<Mutex<HashMap<Box<str>, Arc<ExecutableDocument>>>>;

/// Installs the cache on a schema; one cache per schema.
#[derive(Default)]
pub struct ParseCache {
    docs: Documents,
}

impl ExtensionFactory for ParseCache {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Cached { docs: self.docs.clone() })
    }
}

struct Cached {
    docs: Documents,
}

#[async_graphql::async_trait::async_trait]
impl Extension for Cached {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let hit = self.docs.lock().ok().and_then(|d| d.get(query).cloned());
        if let Some(doc) = hit {
            return Ok((*doc).clone());
        }
        let doc = next.run(ctx, query, variables).await?;
        if query.len() <= MAX_QUERY_BYTES {
            if let Ok(mut docs) = self.docs.lock() {
                if docs.len() >= MAX_ENTRIES {
                    docs.clear();
                }
                docs.insert(query.into(), Arc::new(doc.clone()));
            }
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    use super::*;

    struct Q;

    #[Object]
    impl Q {
        async fn twice(&self, n: i32) -> i32 {
            n * 2
        }
    }

    #[tokio::test]
    async fn a_text_is_parsed_once_and_answers_every_time_with_its_own_variables() {
        let cache = ParseCache::default();
        let docs = cache.docs.clone();
        let schema = Schema::build(Q, EmptyMutation, EmptySubscription).extension(cache).finish();
        let query = "query T($n: Int!) { twice(n: $n) }";
        for n in [1, 2] {
            let req = async_graphql::Request::new(query).variables(Variables::from_json(serde_json::json!({ "n": n })));
            let resp = schema.execute(req).await;
            assert!(resp.errors.is_empty(), "{:?}", resp.errors);
            assert_eq!(resp.data.into_json().expect("json"), serde_json::json!({ "twice": n * 2 }));
        }
        assert_eq!(docs.lock().expect("lock").len(), 1);
        for _ in 0..2 {
            let resp = schema.execute("{ twice(").await;
            assert_eq!(resp.errors.len(), 1, "a syntax error every time");
        }
        assert_eq!(docs.lock().expect("lock").len(), 1, "failed parses are not kept");
    }
}
