//! A time budget per request: a query still running after `server.request_timeout_secs` is
//! cancelled and answered with a `TIMEOUT` error, whichever transport brought it (POST, GET,
//! WebSocket, SSE).
//!
//! Resolvers do their work without waiting on anything, so a request would otherwise run in
//! one poll to its end: the root fields that search first pass a `checkpoint`, which yields
//! to the runtime (other requests run meanwhile) and refuses to start a search past the
//! request's time. Mutations are left to finish (an import asked for by an operator is not cut
//! in half): `super::executor` decides which requests run `within` the budget.

use std::future::Future;
use std::time::{Duration, Instant};

use async_graphql::Response;

tokio::task_local! {
    /// When the request being resolved on this task must end.
    static ENDS_AT: Instant;
}

/// `run`'s response, or a `TIMEOUT` error when it has not finished `after` it started.
pub async fn within(after: Duration, run: impl Future<Output = Response>) -> Response {
    let ends_at = Instant::now() + after;
    match tokio::time::timeout(after, ENDS_AT.scope(ends_at, run)).await {
        Ok(response) if Instant::now() < ends_at => response,
        // Over time: cut by the timer, or its last searches refused by their checkpoints.
        _ => Response::from_errors(vec![super::errors::coded(
            format!(
                "the request was cancelled after {} s (server.request_timeout_secs); ask for less",
                after.as_secs()
            ),
            "TIMEOUT",
        )]),
    }
}

/// Called first by the root fields that search. It yields to the runtime, so other requests
/// run meanwhile; then a request past its time runs no further search. Root fields run side
/// by side in one poll, so a timer alone could not stop a request between them.
pub async fn checkpoint() -> async_graphql::Result<()> {
    tokio::task::yield_now().await;
    match ENDS_AT.try_with(|ends_at| Instant::now() >= *ends_at) {
        Ok(true) => Err(async_graphql::Error::new("the request ran out of time")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema, Value};

    struct Query;

    #[Object]
    impl Query {
        async fn slow(&self) -> i32 {
            tokio::time::sleep(Duration::from_secs(30)).await;
            1
        }
        async fn quick(&self) -> i32 {
            2
        }
        async fn searches(&self) -> async_graphql::Result<i32> {
            checkpoint().await?;
            std::thread::sleep(Duration::from_millis(30));
            Ok(3)
        }
    }

    fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription).finish()
    }

    #[tokio::test]
    async fn a_query_past_its_time_is_cancelled_with_a_timeout_error() {
        let resp = within(Duration::from_millis(50), schema().execute("{ quick slow }")).await;
        assert_eq!(resp.errors.len(), 1, "{resp:?}");
        assert!(resp.errors[0].message.contains("cancelled after"), "{:?}", resp.errors);
        let code = resp.errors[0].extensions.as_ref().and_then(|e| e.get("code")).cloned();
        assert_eq!(code, Some(Value::from("TIMEOUT")));
        assert_eq!(resp.data, Value::Null);
    }

    #[tokio::test]
    async fn root_fields_that_search_yield_so_the_timer_can_cancel_between_them() {
        // Each root field works 30 ms without awaiting anything but its checkpoint: the
        // 50 ms budget ends the request before the 20 fields' 600 ms are done.
        let fields: String = (0..20).map(|i| format!(" s{i}: searches")).collect();
        let started = std::time::Instant::now();
        let resp = within(Duration::from_millis(50), schema().execute(format!("{{{fields} }}"))).await;
        assert_eq!(resp.errors.len(), 1, "{resp:?}");
        assert!(resp.errors[0].message.contains("cancelled after"), "{:?}", resp.errors);
        assert!(started.elapsed() < Duration::from_millis(590), "took {:?}", started.elapsed());
    }

    #[tokio::test]
    async fn quick_queries_finish() {
        let quick = within(Duration::from_millis(50), schema().execute("{ quick }")).await;
        assert!(quick.errors.is_empty(), "{quick:?}");
        assert_eq!(quick.data.to_string(), "{quick: 2}");
    }
}
