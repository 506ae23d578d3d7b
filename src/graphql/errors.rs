//! Errors at the GraphQL boundary: what a client may see, and what it may not.
//!
//! Bad input, not found and unauthorized are shown with their message and a `code`
//! extension; internal errors are logged with their cause and shown only as "internal error".

use async_graphql::ErrorExtensions;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadInput(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        let code = match self {
            ApiError::BadInput(_) => "BAD_USER_INPUT",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::Unauthorized(_) => "UNAUTHORIZED",
            ApiError::Internal(cause) => {
                tracing::error!(error = %format!("{cause:#}"), "internal error answering a GraphQL request");
                return async_graphql::Error::new("internal error").extend_with(|_, ext| ext.set("code", "INTERNAL"));
            }
        };
        async_graphql::Error::new(self.to_string()).extend_with(|_, ext| ext.set("code", code))
    }
}

/// Turns a store or ingest failure into the client-safe "internal error".
pub trait OrInternal<T> {
    fn or_internal(self) -> async_graphql::Result<T>;
}

impl<T> OrInternal<T> for anyhow::Result<T> {
    fn or_internal(self) -> async_graphql::Result<T> {
        self.map_err(|e| ApiError::Internal(e).extend())
    }
}

/// A request-level error (no field path) with a `code` extension, as Apollo clients read them.
pub fn coded(message: impl Into<String>, code: &str) -> async_graphql::ServerError {
    let mut e = async_graphql::ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code);
    e.extensions = Some(ext);
    e
}
