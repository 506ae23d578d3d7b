//! `Serial<T>`: the object `T`, with its fields resolved one after another instead of side by
//! side. The schema does not change (it is `T` to clients and in the SDL).
//!
//! async-graphql resolves each object's fields concurrently: every object of an answer gets a
//! `FuturesUnordered`, with a task allocation and waker per field. An answer of 20 groups holds
//! about 150 objects (edges, groups, their meetings and locations, facet counts), and their
//! fields are all reads of a document already in memory, so nothing would ever wait: running
//! them in order gives the same answer for much less work. Only types whose fields never wait
//! on anything belong in `Serial`.
//!
//! A selection of plain fields (no fragment, directive, `__typename` or repeated response key:
//! what lists ask for) is resolved here field by field, each awaited in place, which also
//! spares async-graphql's boxed future per field. Any other selection goes through
//! async-graphql's own serial resolver, so fragments and directives keep their exact rules.

use std::borrow::Cow;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{resolve_container_serial, ContainerType};
use async_graphql::{ContextSelectionSet, OutputType, Positioned, ServerResult, Value};

/// `T`, resolved field after field (see the module).
pub struct Serial<T>(pub T);

impl<T: ContainerType> OutputType for Serial<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(&self, ctx: &ContextSelectionSet<'_>, _field: &Positioned<Field>) -> ServerResult<Value> {
        if !plain(&ctx.item.node) {
            return resolve_container_serial(ctx, &self.0).await;
        }
        // What `resolve_container_serial` does for plain fields: each field's value under its
        // response key, a failed field's error recorded and the field left out.
        let mut results = IndexMap::with_capacity(ctx.item.node.items.len());
        for item in &ctx.item.node.items {
            let Selection::Field(field) = &item.node else { continue };
            match self.0.resolve_field(&ctx.with_field(field)).await {
                Ok(value) => {
                    results.insert(field.node.response_key().node.clone(), value.unwrap_or_default());
                }
                Err(e) => ctx.add_error(e),
            }
        }
        Ok(if results.is_empty() { Value::Null } else { Value::Object(results) })
    }
}

/// Whether every selection is a field without directives, other than `__typename`, each under
/// its own response key.
fn plain(set: &SelectionSet) -> bool {
    set.items.iter().enumerate().all(|(i, item)| match plain_field(item) {
        Some(f) => {
            let k = f.node.response_key().node.as_str();
            set.items[..i].iter().filter_map(plain_field).all(|earlier| earlier.node.response_key().node.as_str() != k)
        }
        None => false,
    })
}

fn plain_field(item: &Positioned<Selection>) -> Option<&Positioned<Field>> {
    match &item.node {
        Selection::Field(f) if f.node.directives.is_empty() && f.node.name.node != "__typename" => Some(f),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    struct Inner(i32);

    #[Object]
    impl Inner {
        async fn n(&self) -> i32 {
            self.0
        }
        async fn label(&self) -> String {
            format!("inner {}", self.0)
        }
        async fn fails(&self) -> async_graphql::Result<i32> {
            Err("no such thing".into())
        }
    }

    struct Item(i32);

    #[Object]
    impl Item {
        async fn n(&self) -> i32 {
            self.0
        }
        async fn label(&self) -> String {
            format!("item {}", self.0)
        }
        async fn fails(&self) -> async_graphql::Result<i32> {
            Err("no such thing".into())
        }
        async fn next(&self) -> Serial<Inner> {
            Serial(Inner(self.0 + 1))
        }
        async fn items(&self) -> Vec<Serial<Inner>> {
            (0..3).map(|i| Serial(Inner(self.0 * 10 + i))).collect()
        }
    }

    struct Query;

    #[Object]
    impl Query {
        async fn serial(&self) -> Serial<Item> {
            Serial(Item(1))
        }
        async fn parallel(&self) -> Item {
            Item(1)
        }
    }

    /// The same selection on `serial` and on `parallel` (async-graphql's own resolver) gives
    /// the same data and the same errors.
    #[tokio::test]
    async fn serial_objects_answer_as_async_graphql_does() {
        let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
        let selections = [
            "{ n label }",
            "{ a: n b: n label }",
            "{ n n label }",
            "{ x: n x: n }",
            "{ n fails label }",
            "{ __typename n }",
            "{ n ... on Item { label } }",
            "{ ...F } fragment F on Item { n next { label } }",
            "{ n label @skip(if: $skip) }",
            "{ n label @include(if: $skip) next { n } }",
            "{ items { n fails label } }",
            "{ next { x: label x: label } next { n } }",
        ];
        for selection in selections {
            let run = |root: &str| {
                let vars = if selection.contains("$skip") { "($skip: Boolean = true)" } else { "" };
                let (set, fragments) = selection.split_once(" fragment ").unwrap_or((selection, ""));
                let fragments = if fragments.is_empty() { String::new() } else { format!("fragment {fragments}") };
                let query = format!("query{vars} {{ {root} {set} }} {fragments}");
                let schema = schema.clone();
                async move { schema.execute(query).await }
            };
            let (serial, parallel) = (run("serial").await, run("parallel").await);
            assert!(serial.errors.iter().all(|e| e.message == "no such thing"), "{selection}: {:?}", serial.errors);
            assert_eq!(serial.data.to_string(), parallel.data.to_string().replace("parallel", "serial"), "{selection}");
            let errors = |r: &async_graphql::Response| {
                r.errors.iter().map(|e| format!("{} at {:?}", e.message, &e.path[1..])).collect::<Vec<_>>()
            };
            assert_eq!(errors(&serial), errors(&parallel), "{selection}");
        }
    }
}
