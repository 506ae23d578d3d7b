//! Writing the audit log: every operator mutation records who (the token's name), what (the
//! mutation), on what, and the state before and after. Reading it is `access.rs`.

use async_graphql::Context;
use chrono::Utc;

use super::auth::operator_name;
use super::errors::OrInternal;
use super::AppState;
use crate::model::AuditEntry;

/// Records one operator action. `before` and `after` are what the action changed, as JSON.
pub(super) fn record(
    ctx: &Context<'_>,
    action: &str,
    target: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> async_graphql::Result<()> {
    let state = ctx.data::<AppState>()?;
    let actor = operator_name(ctx)?;
    let entry = AuditEntry {
        seq: 0,
        at: Utc::now(),
        actor,
        action: action.to_owned(),
        target: target.to_owned(),
        before,
        after,
    };
    state.store.append_audit(entry).or_internal()?;
    Ok(())
}

/// A serialisable value as audit JSON (null if it cannot be written, which plain data cannot).
pub(super) fn json<T: serde::Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}
