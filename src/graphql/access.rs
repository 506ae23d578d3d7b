//! Access and audit for operators: named operator tokens (created, listed, revoked without a
//! restart; the store keeps only their SHA-256) and the audit log of every operator action.

use async_graphql::{Context, ErrorExtensions, Object, SimpleObject, ID};
use base64::Engine;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::audit;
use super::auth::{operator_name, OperatorGuard};
use super::connection::PageInfo;
use super::errors::{ApiError, OrInternal};
use super::sources::Stamp;
use super::AppState;
use crate::model::{OperatorToken as StoredToken, Stamp as StoredStamp};

/// Longest token name.
const MAX_NAME: usize = 100;
/// Most audit entries one page holds.
const MAX_PAGE: usize = 100;

#[derive(Default)]
pub struct AccessQueries;

#[derive(Default)]
pub struct AccessMutations;

/// A named operator token (never the token itself).
#[derive(SimpleObject)]
pub struct OperatorToken {
    pub id: ID,
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    pub created: Stamp,
    pub revoked: Option<Stamp>,
}

impl From<StoredToken> for OperatorToken {
    fn from(t: StoredToken) -> Self {
        OperatorToken {
            id: ID(t.id),
            name: t.name,
            prefix: t.prefix,
            created: t.created.into(),
            revoked: t.revoked.map(Stamp::from),
        }
    }
}

/// A token just created: `token` is shown this once and never stored.
#[derive(SimpleObject)]
pub struct CreatedOperatorToken {
    pub token: String,
    pub operator_token: OperatorToken,
}

/// One operator action.
#[derive(SimpleObject)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// The operator token's name (`env`: the token from SUPPORTMESH_OPERATOR_TOKEN).
    pub actor: String,
    /// The mutation, e.g. `updateSource`.
    pub action: String,
    pub target: String,
    pub before: Option<async_graphql::Json<serde_json::Value>>,
    pub after: Option<async_graphql::Json<serde_json::Value>>,
}

#[derive(SimpleObject)]
pub struct AuditConnection {
    pub edges: Vec<AuditEdge>,
    pub page_info: PageInfo,
}

#[derive(SimpleObject)]
pub struct AuditEdge {
    pub cursor: String,
    pub node: AuditEntry,
}

#[Object]
impl AccessQueries {
    /// Every named operator token, revoked ones included. Operator-only.
    #[graphql(guard = "OperatorGuard")]
    async fn operator_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<OperatorToken>> {
        let state = ctx.data::<AppState>()?;
        let mut tokens: Vec<StoredToken> =
            state.store.operator_tokens().or_internal()?.into_iter().map(|(_, t)| t).collect();
        tokens.sort_by_key(|t| t.created.at);
        Ok(tokens.into_iter().map(OperatorToken::from).collect())
    }

    /// The audit log, newest first: every operator action, with who, what, when, and the state
    /// before and after. Filter by `action` (e.g. "deleteSource") or `actor`. Operator-only.
    #[graphql(guard = "OperatorGuard")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        action: Option<String>,
        actor: Option<String>,
        #[graphql(default = 20)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<AuditConnection> {
        let state = ctx.data::<AppState>()?;
        let before = match after.as_deref() {
            None => None,
            Some(c) => Some(
                c.parse::<u64>()
                    .map_err(|_| ApiError::BadInput(format!("after: `{c}` is not a cursor of auditLog")).extend())?,
            ),
        };
        let first = (first.max(0) as usize).min(MAX_PAGE);
        let keep = |e: &crate::model::AuditEntry| {
            action.as_ref().is_none_or(|a| *a == e.action) && actor.as_ref().is_none_or(|a| *a == e.actor)
        };
        let (entries, has_more) = state.store.audit_page(before, first, keep).or_internal()?;
        let edges: Vec<AuditEdge> = entries
            .into_iter()
            .map(|e| AuditEdge {
                cursor: e.seq.to_string(),
                node: AuditEntry {
                    seq: e.seq as i64,
                    at: e.at,
                    actor: e.actor,
                    action: e.action,
                    target: e.target,
                    before: e.before.map(async_graphql::Json),
                    after: e.after.map(async_graphql::Json),
                },
            })
            .collect();
        let page_info = PageInfo {
            has_next_page: has_more,
            has_previous_page: before.is_some(),
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        };
        Ok(AuditConnection { edges, page_info })
    }
}

#[Object]
impl AccessMutations {
    /// Creates a named operator token. The answer carries the token once; the store keeps
    /// only its SHA-256. It works at once, without a restart.
    #[graphql(guard = "OperatorGuard")]
    async fn create_operator_token(
        &self,
        ctx: &Context<'_>,
        name: String,
    ) -> async_graphql::Result<CreatedOperatorToken> {
        let state = ctx.data::<AppState>()?;
        let actor = operator_name(ctx)?;
        let name = name.trim().to_owned();
        if name.is_empty() || name.chars().count() > MAX_NAME || name == super::auth::ENV_TOKEN_NAME {
            let why = format!("name: 1 to {MAX_NAME} characters, not `{}`", super::auth::ENV_TOKEN_NAME);
            return Err(ApiError::BadInput(why).extend());
        }
        let tokens = state.store.operator_tokens().or_internal()?;
        if tokens.iter().any(|(_, t)| t.name == name && t.revoked.is_none()) {
            return Err(ApiError::BadInput(format!(
                "name: a token named `{name}` exists; revoke it first or pick another name"
            ))
            .extend());
        }
        let token = new_token();
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let stored = StoredToken {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.clone(),
            prefix: token.chars().take(12).collect(),
            created: StoredStamp { at: Utc::now(), by: actor, reason: None },
            revoked: None,
        };
        state.store.put_operator_token(&digest, &stored).or_internal()?;
        audit::record(ctx, "createOperatorToken", &stored.id, None, audit::json(&stored))?;
        Ok(CreatedOperatorToken { token, operator_token: stored.into() })
    }

    /// Revokes a named operator token: the very next request with it is refused.
    #[graphql(guard = "OperatorGuard")]
    async fn revoke_operator_token(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: Option<String>,
    ) -> async_graphql::Result<OperatorToken> {
        let state = ctx.data::<AppState>()?;
        let actor = operator_name(ctx)?;
        let tokens = state.store.operator_tokens().or_internal()?;
        let Some((digest, before)) = tokens.into_iter().find(|(_, t)| t.id == id.as_str()) else {
            return Err(ApiError::NotFound(format!("no operator token with id `{}`", id.as_str())).extend());
        };
        if before.revoked.is_some() {
            return Err(ApiError::BadInput(format!("token `{}` is already revoked", before.name)).extend());
        }
        let after = StoredToken { revoked: Some(StoredStamp { at: Utc::now(), by: actor, reason }), ..before.clone() };
        state.store.put_operator_token(&digest, &after).or_internal()?;
        audit::record(ctx, "revokeOperatorToken", &after.id, audit::json(&before), audit::json(&after))?;
        Ok(after.into())
    }
}

/// 32 random bytes (two v4 UUIDs' worth of randomness: 244 bits), base64url, prefixed `smo_`.
fn new_token() -> String {
    let mut bytes = Vec::with_capacity(32);
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    format!("smo_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}
