//! `Serial<T>`: the object `T`, with its fields resolved one after another instead of side by
//! side. The schema does not change (it is `T` to clients and in the SDL).
//!
//! async-graphql resolves each object's fields concurrently: every object of an answer gets a
//! `FuturesUnordered`, with a task allocation and waker per field. An answer of 20 groups holds
//! about 150 objects (edges, groups, their meetings and locations, facet counts), and their
//! fields are all reads of a document already in memory, so nothing would ever wait: running
//! them in order gives the same answer for much less work. Only types whose fields never wait
//! on anything belong in `Serial`.

use std::borrow::Cow;

use async_graphql::parser::types::Field;
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
        resolve_container_serial(ctx, &self.0).await
    }
}
