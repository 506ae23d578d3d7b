//! Operator authorisation: who is calling, and the guard operator mutations carry.
//!
//! The HTTP layer compares the `Authorization: Bearer` header with the token from
//! `SUPPORTMESH_OPERATOR_TOKEN` (in constant time) and puts a `Caller` into the request; the
//! guard only reads it. With no token configured every operator mutation is refused.

use async_graphql::{Context, ErrorExtensions, Guard};

use super::errors::ApiError;

/// Who sent the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    /// A bearer token was sent but is not the operator token.
    WrongToken,
    Operator,
    /// Operator mutations are switched off: no token is configured.
    OperatorsDisabled,
}

impl Caller {
    /// Decides the caller from the Authorization header value and the configured token.
    pub fn from_header(header: Option<&str>, token: Option<&str>) -> Caller {
        let Some(token) = token else { return Caller::OperatorsDisabled };
        let Some(sent) = header.and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer "))) else {
            return Caller::Anonymous;
        };
        if constant_time_eq(sent.trim().as_bytes(), token.as_bytes()) {
            Caller::Operator
        } else {
            Caller::WrongToken
        }
    }
}

/// Lets only the operator through.
pub struct OperatorGuard;

impl Guard for OperatorGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        let caller = ctx.data_opt::<Caller>().copied().unwrap_or(Caller::Anonymous);
        let refusal = match caller {
            Caller::Operator => return Ok(()),
            Caller::Anonymous => "operator mutations need an `Authorization: Bearer <token>` header",
            Caller::WrongToken => "the bearer token is not the operator token",
            Caller::OperatorsDisabled => {
                "operator mutations are disabled on this server: set SUPPORTMESH_OPERATOR_TOKEN to enable them"
            }
        };
        Err(ApiError::Unauthorized(format!("not authorized: {refusal}")).extend())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
