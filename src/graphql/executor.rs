//! How every request runs, whichever transport brought it (POST, GET, WebSocket, SSE): its
//! document found by hash or parsed once (`documents`), judged against the budget before
//! anything runs (`budget`), run within the time budget (`deadline`; mutations are left to
//! finish), and counted by its shape (`telemetry`).
//!
//! A query whose document already passed full validation runs on a second schema, the same
//! but in `ValidationMode::Fast`, when its variables surely fit (`verdicts`).
//!
//! These steps wrap the schema rather than being schema extensions. Once a schema has any
//! extension, async-graphql runs every field of every answer through each extension's
//! `resolve` hook (a boxed future per field and extension, and two registry lookups): with
//! four extensions that was a large share of a search's CPU, for hooks that only ever needed
//! the request. The schema this wraps has no extension.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::parser::types::OperationType;
use async_graphql::{Data, Executor, Request, Response, ServerError};
use futures_util::stream::{self, BoxStream, StreamExt};

use super::verdicts::Verdicts;
use super::{deadline, documents, telemetry, AppSchema, Budget, Documents};

/// The schema with the steps every request goes through; cheap to clone.
#[derive(Clone)]
pub struct Api {
    schema: AppSchema,
    /// The same schema, validating only what can differ with the variables' values.
    fast: AppSchema,
    verdicts: Option<Verdicts>,
    documents: Documents,
    budget: Budget,
    timeout: Duration,
}

/// A request ready to run: its document found and judged.
struct Prepared {
    request: Request,
    /// The query's shape for telemetry (operation type and root fields, never arguments).
    shape: String,
    /// The operation that will run, when the document parsed and names one.
    operation: Option<OperationType>,
    /// The key the document is kept under, and whether it may skip full validation.
    kept: Option<String>,
    skip_validation: bool,
}

impl Api {
    pub(super) fn new(
        (schema, fast): (AppSchema, AppSchema),
        documents: Documents,
        budget: Budget,
        timeout: Duration,
    ) -> Api {
        let verdicts = Verdicts::new(&schema.sdl());
        Api { schema, fast, verdicts, documents, budget, timeout }
    }

    /// Runs a query or a mutation: a refused request is answered with its error and nothing
    /// runs.
    pub async fn execute(&self, request: Request) -> Response {
        let prepared = match self.prepare(request) {
            Ok(p) => p,
            Err(refused) => return Response::from_errors(vec![refused]),
        };
        let mutation = prepared.operation == Some(OperationType::Mutation);
        let name = prepared.request.operation_name.clone();
        let schema = if prepared.skip_validation { &self.fast } else { &self.schema };
        let resp = self.timed(&prepared.shape, mutation, schema.execute(prepared.request)).await;
        // An answer with data passed validation (a refused document has none).
        if let (Some(verdicts), Some(key), false) = (&self.verdicts, &prepared.kept, prepared.skip_validation) {
            if resp.data != async_graphql::Value::Null {
                verdicts.passed(key, name.as_deref());
            }
        }
        resp
    }

    /// Runs a subscription as a stream of results; a query or a mutation sent this way
    /// (graphql-ws, SSE) gives one result, run as `execute` runs it.
    pub fn execute_stream(&self, request: Request, session: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        let prepared = match self.prepare(request) {
            Ok(p) => p,
            Err(refused) => return stream::once(async move { Response::from_errors(vec![refused]) }).boxed(),
        };
        let mut results = match session {
            Some(data) => self.schema.execute_stream_with_session_data(prepared.request, data),
            None => self.schema.execute_stream(prepared.request),
        };
        match prepared.operation {
            Some(OperationType::Subscription) => results,
            operation => {
                let api = self.clone();
                let mutation = operation == Some(OperationType::Mutation);
                stream::once(async move {
                    let one = async move { results.next().await.unwrap_or_default() };
                    api.timed(&prepared.shape, mutation, one).await
                })
                .boxed()
            }
        }
    }

    /// Finds the document (persisted or cached) and judges it; a request that does not parse
    /// goes on as it is, for the schema to report.
    fn prepare(&self, request: Request) -> Result<Prepared, ServerError> {
        let (mut request, kept) = self.documents.prepare(request)?;
        self.budget.judge(&mut request)?;
        let name = request.operation_name.clone();
        let variables = std::mem::take(&mut request.variables);
        let (shape, operation, skip_validation) = match request.parsed_query() {
            Ok(doc) => {
                let skip = match (&self.verdicts, &kept) {
                    (Some(v), Some(key)) => v.may_skip(key, name.as_deref(), doc, &variables),
                    _ => false,
                };
                (telemetry::shape_of(doc), documents::operation(doc, name.as_deref()).map(|op| op.ty), skip)
            }
            Err(_) => (String::from("unparsed"), None, false),
        };
        request.variables = variables;
        Ok(Prepared { request, shape, operation, kept, skip_validation })
    }

    /// Runs `run` within the time budget (a mutation without one) and records it.
    async fn timed(&self, shape: &str, mutation: bool, run: impl std::future::Future<Output = Response>) -> Response {
        let started = Instant::now();
        let resp = match mutation {
            true => run.await,
            false => deadline::within(self.timeout, run).await,
        };
        telemetry::record(shape, started.elapsed(), resp.errors.len());
        resp
    }
}

impl Executor for Api {
    async fn execute(&self, request: Request) -> Response {
        Api::execute(self, request).await
    }

    fn execute_stream(&self, request: Request, session_data: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        Api::execute_stream(self, request, session_data)
    }
}
