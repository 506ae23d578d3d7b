//! Operator authorisation: who is calling, and the guard operator mutations carry.
//!
//! The HTTP layer compares the `Authorization: Bearer` header with the token from
//! `SUPPORTMESH_OPERATOR_TOKEN` and puts a `Caller` into the request; the guard only reads it.
//! The scheme is matched case-insensitively (`Bearer`, `bearer`, `BEARER`), other schemes are
//! no token at all, and the comparison is of SHA-256 digests in constant time, so neither the
//! token's content nor its length shows in the timing. With no token configured every operator
//! mutation is refused.

use async_graphql::{Context, ErrorExtensions, Guard};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

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
        let Some(sent) = header.and_then(bearer_token) else {
            return Caller::Anonymous;
        };
        if same_token(sent, token) {
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

/// The token of a `Bearer` credential (RFC 6750; the scheme is case-insensitive, RFC 9110);
/// `None` for another scheme or an empty token.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once([' ', '\t'])?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Compares fixed-size digests in constant time: no early return on content or length.
fn same_token(sent: &str, token: &str) -> bool {
    Sha256::digest(sent.as_bytes()).ct_eq(&Sha256::digest(token.as_bytes())).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "s3cret-operator-token";

    #[test]
    fn the_bearer_scheme_is_case_insensitive_and_other_schemes_are_no_token() {
        for header in [
            "Bearer s3cret-operator-token",
            "bearer s3cret-operator-token",
            "BEARER s3cret-operator-token",
            "  BeArEr \t s3cret-operator-token  ",
        ] {
            assert_eq!(Caller::from_header(Some(header), Some(TOKEN)), Caller::Operator, "{header:?}");
        }
        for header in [
            "Basic s3cret-operator-token",
            "Token s3cret-operator-token",
            "Bearers3cret-operator-token",
            "s3cret-operator-token",
            "Bearer ",
            "",
        ] {
            assert_eq!(Caller::from_header(Some(header), Some(TOKEN)), Caller::Anonymous, "{header:?}");
        }
        assert_eq!(Caller::from_header(None, Some(TOKEN)), Caller::Anonymous);
        assert_eq!(Caller::from_header(Some("Bearer x"), None), Caller::OperatorsDisabled);
    }

    #[test]
    fn a_wrong_token_of_any_length_is_refused() {
        for wrong in ["s3cret-operator-tokem", "s3cret", "s3cret-operator-token-and-more", "S3CRET-OPERATOR-TOKEN"] {
            let header = format!("Bearer {wrong}");
            assert_eq!(Caller::from_header(Some(&header), Some(TOKEN)), Caller::WrongToken, "{wrong}");
        }
    }
}
