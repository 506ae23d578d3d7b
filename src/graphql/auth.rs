//! Operator authorisation: who is calling, and the guard operator fields carry.
//!
//! The HTTP layer hands the `Authorization` header to `Caller::identify`, which puts a
//! `Caller` into the request; the guard only reads it. Two kinds of token are operators: the
//! one from `SUPPORTMESH_OPERATOR_TOKEN` (named `env`), and named tokens created through the
//! API (`access.rs`), of which the store keeps only the SHA-256 (so a revoked token stops
//! working on the very next request). The scheme is matched case-insensitively (`Bearer`,
//! `bearer`, `BEARER`), other schemes are no token at all, and the environment token is
//! compared as SHA-256 digests in constant time, so neither its content nor its length shows
//! in the timing. With no token of either kind every operator field is refused.

use std::sync::Arc;

use async_graphql::{Context, ErrorExtensions, Guard};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::errors::ApiError;
use crate::store::Store;

/// The name the environment's operator token acts under in the audit log.
pub const ENV_TOKEN_NAME: &str = "env";

/// Who sent the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    /// A bearer token was sent but is no operator's token.
    WrongToken,
    /// A bearer token was sent that an operator revoked.
    RevokedToken,
    /// An operator, by the name of their token.
    Operator(Arc<str>),
    /// Operator fields are switched off: no token is configured or stored.
    OperatorsDisabled,
}

impl Caller {
    /// Decides the caller from the Authorization header value, the environment's token and the
    /// tokens the store holds.
    pub fn identify(header: Option<&str>, env_token: Option<&str>, store: &Store) -> Caller {
        let stored = store.has_operator_tokens();
        if env_token.is_none() && !stored {
            return Caller::OperatorsDisabled;
        }
        let Some(sent) = header.and_then(bearer_token) else {
            return Caller::Anonymous;
        };
        let digest: [u8; 32] = Sha256::digest(sent.as_bytes()).into();
        if env_token.is_some_and(|token| same_digest(&digest, token)) {
            return Caller::Operator(ENV_TOKEN_NAME.into());
        }
        if !stored {
            return Caller::WrongToken;
        }
        match store.operator_token(&digest) {
            Ok(Some(t)) if t.revoked.is_none() => Caller::Operator(t.name.into()),
            Ok(Some(_)) => Caller::RevokedToken,
            Ok(None) => Caller::WrongToken,
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "could not read the operator tokens");
                Caller::WrongToken
            }
        }
    }

    /// The operator's name, when the caller is one.
    pub fn operator(&self) -> Option<&str> {
        match self {
            Caller::Operator(name) => Some(name),
            _ => None,
        }
    }

    /// Why this caller may not act as an operator (`None` for an operator).
    fn refusal(&self) -> Option<&'static str> {
        Some(match self {
            Caller::Operator(_) => return None,
            Caller::Anonymous => "operator fields need an `Authorization: Bearer <token>` header",
            Caller::WrongToken => "the bearer token is not an operator token",
            Caller::RevokedToken => "the bearer token was revoked",
            Caller::OperatorsDisabled => {
                "operator fields are disabled on this server: set SUPPORTMESH_OPERATOR_TOKEN to enable them"
            }
        })
    }
}

/// Whether the request comes from an operator.
pub fn is_operator(ctx: &Context<'_>) -> bool {
    ctx.data_opt::<Caller>().is_some_and(|c| c.operator().is_some())
}

/// The operator's name, or the authorization error (for resolvers that act as someone).
pub fn operator_name(ctx: &Context<'_>) -> async_graphql::Result<String> {
    let caller = ctx.data_opt::<Caller>().cloned().unwrap_or(Caller::Anonymous);
    match (caller.operator(), caller.refusal()) {
        (Some(name), _) => Ok(name.to_owned()),
        (None, why) => Err(ApiError::Unauthorized(format!("not authorized: {}", why.unwrap_or_default())).extend()),
    }
}

/// Lets only operators through.
pub struct OperatorGuard;

impl Guard for OperatorGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        operator_name(ctx).map(|_| ())
    }
}

/// The token of a `Bearer` credential (RFC 6750; the scheme is case-insensitive, RFC 9110);
/// `None` for another scheme or an empty token.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once([' ', '\t'])?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Compares fixed-size digests in constant time: no early return on content or length.
fn same_digest(sent: &[u8; 32], token: &str) -> bool {
    sent.ct_eq(Sha256::digest(token.as_bytes()).as_slice()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "s3cret-operator-token";

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        (dir, store)
    }

    fn env_operator() -> Caller {
        Caller::Operator(ENV_TOKEN_NAME.into())
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive_and_other_schemes_are_no_token() {
        let (_dir, store) = store();
        for header in [
            "Bearer s3cret-operator-token",
            "bearer s3cret-operator-token",
            "BEARER s3cret-operator-token",
            "  BeArEr \t s3cret-operator-token  ",
        ] {
            assert_eq!(Caller::identify(Some(header), Some(TOKEN), &store), env_operator(), "{header:?}");
        }
        for header in [
            "Basic s3cret-operator-token",
            "Token s3cret-operator-token",
            "Bearers3cret-operator-token",
            "s3cret-operator-token",
            "Bearer ",
            "",
        ] {
            assert_eq!(Caller::identify(Some(header), Some(TOKEN), &store), Caller::Anonymous, "{header:?}");
        }
        assert_eq!(Caller::identify(None, Some(TOKEN), &store), Caller::Anonymous);
        assert_eq!(Caller::identify(Some("Bearer x"), None, &store), Caller::OperatorsDisabled);
    }

    #[test]
    fn a_wrong_token_of_any_length_is_refused() {
        let (_dir, store) = store();
        for wrong in ["s3cret-operator-tokem", "s3cret", "s3cret-operator-token-and-more", "S3CRET-OPERATOR-TOKEN"] {
            let header = format!("Bearer {wrong}");
            assert_eq!(Caller::identify(Some(&header), Some(TOKEN), &store), Caller::WrongToken, "{wrong}");
        }
    }
}
