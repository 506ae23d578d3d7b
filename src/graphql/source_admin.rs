//! Operators define sources through the API: create, update, delete, pause, resume, and a
//! dry run (`previewSource`). Every definition goes through the configuration's own validator,
//! so a bad one gets the message `check-config` would give; every change is audited and takes
//! effect on the scheduler at once (it follows the registry).

use async_graphql::{Context, ErrorExtensions, InputObject, Json, Object, SimpleObject, ID};
use serde_json::{Map, Value};

use super::audit;
use super::auth::{operator_name, OperatorGuard};
use super::errors::{ApiError, OrInternal};
use super::preview::SourcePreview;
use super::sources::{redacted, ImportRun, Source};
use super::AppState;
use crate::config::SourceValidator;
use crate::model::StoredSource;
use crate::registry::{Change, RegistryError};

#[derive(Default)]
pub struct SourceMutations;

/// A source's definition: the keys of a `[[sources]]` table (README, "Adding a source"). In
/// `updateSource` and a preview of a saved source, only the keys given change.
#[derive(InputObject, Default)]
pub struct SourceInput {
    /// `[a-z0-9_-]+`; required to create.
    pub id: Option<ID>,
    pub name: Option<String>,
    /// meeting_guide, meeting_guide_csv, delimited, bmlt, hsds_json, oruk, html, jsonld, rss, ical, supportmesh, ...
    pub format: Option<String>,
    /// `https://...`, `file://...` or a path (under `fetch.local_roots`).
    pub url: Option<String>,
    /// Cron, seconds first (a 5-field cron gets `0` seconds).
    pub schedule: Option<String>,
    pub enabled: Option<bool>,
    /// 0-100.
    pub trust: Option<i32>,
    pub republish: Option<bool>,
    /// `defaults.timezone`: the IANA zone of listings that name none.
    pub timezone: Option<String>,
    /// `defaults.country`.
    pub country: Option<String>,
    /// `defaults.topics`: topic codes every listing gets.
    pub topics: Option<Vec<String>>,
    /// `defaults.kind`.
    pub kind: Option<String>,
    /// Local type code -> the format's code.
    pub codes: Option<Json<Value>>,
    /// The format's own options (column maps, selector recipes, ...).
    pub options: Option<Json<Value>>,
    /// Topic and kind rules: objects with `code` or `keyword`, and `topic` or `kind`.
    pub rules: Option<Json<Value>>,
    pub core_keywords: Option<bool>,
}

impl SourceInput {
    /// The given keys as a `[[sources]]` table in JSON.
    fn to_json(&self) -> Value {
        let mut out = Map::new();
        let mut put = |key: &str, value: Option<Value>| {
            if let Some(v) = value {
                out.insert(key.to_owned(), v);
            }
        };
        put("id", self.id.as_ref().map(|v| Value::String(v.to_string())));
        put("name", self.name.clone().map(Value::String));
        put("format", self.format.clone().map(Value::String));
        put("url", self.url.clone().map(Value::String));
        put("schedule", self.schedule.clone().map(Value::String));
        put("enabled", self.enabled.map(Value::Bool));
        put("trust", self.trust.map(Value::from));
        put("republish", self.republish.map(Value::Bool));
        put("codes", self.codes.as_ref().map(|j| j.0.clone()));
        put("options", self.options.as_ref().map(|j| j.0.clone()));
        put("rules", self.rules.as_ref().map(|j| j.0.clone()));
        put("core_keywords", self.core_keywords.map(Value::Bool));
        let mut defaults = Map::new();
        let mut def = |key: &str, value: Option<Value>| {
            if let Some(v) = value {
                defaults.insert(key.to_owned(), v);
            }
        };
        def("timezone", self.timezone.clone().map(Value::String));
        def("country", self.country.clone().map(Value::String));
        def("topics", self.topics.clone().map(|t| Value::Array(t.into_iter().map(Value::String).collect())));
        def("kind", self.kind.clone().map(Value::String));
        if !defaults.is_empty() {
            out.insert("defaults".into(), Value::Object(defaults));
        }
        Value::Object(out)
    }
}

/// A deleted source: it stopped at once; its records went missing and leave after the grace
/// period.
#[derive(SimpleObject)]
pub struct DeletedSource {
    pub id: ID,
    /// The run that marked its records missing (null if it had none).
    pub run: Option<ImportRun>,
}

#[Object]
impl SourceMutations {
    /// Adds a source; it is scheduled at once (and first imported right away when serving).
    #[graphql(guard = "OperatorGuard")]
    async fn create_source(&self, ctx: &Context<'_>, input: SourceInput) -> async_graphql::Result<Source> {
        let state = ctx.data::<AppState>()?;
        let definition = SourceValidator::parse_json(input.to_json(), "createSource").map_err(invalid)?;
        let change = state.ingestor.registry().create(definition).map_err(registry_error)?;
        audited(ctx, "createSource", change)
    }

    /// Changes a source: only the keys given in `input` change. Refused for a pinned source.
    #[graphql(guard = "OperatorGuard")]
    async fn update_source(&self, ctx: &Context<'_>, id: ID, input: SourceInput) -> async_graphql::Result<Source> {
        let state = ctx.data::<AppState>()?;
        if input.id.as_ref().is_some_and(|given| *given != id) {
            return Err(
                ApiError::BadInput("input.id: a source's id cannot change; create a new source".into()).extend()
            );
        }
        let registry = state.ingestor.registry();
        let definition = registry.patched(&id, input.to_json(), "updateSource").map_err(registry_error)?;
        let change = registry.update(definition).map_err(registry_error)?;
        audited(ctx, "updateSource", change)
    }

    /// Deletes a source: it stops running at once, and its groups are not deleted outright:
    /// its records go missing now and leave after the grace period (`ingest.missing_grace_days`).
    #[graphql(guard = "OperatorGuard")]
    async fn delete_source(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: Option<String>,
    ) -> async_graphql::Result<DeletedSource> {
        let state = ctx.data::<AppState>()?;
        let actor = operator_name(ctx)?;
        let change = state.ingestor.registry().delete(&id, &actor, reason).map_err(registry_error)?;
        audit::record(ctx, "deleteSource", &id, change.before.map(shown), change.after.map(shown))?;
        let runs = state.ingestor.retire_gone_sources().await.or_internal()?;
        let run = runs.into_iter().find(|r| r.source_id == id.as_str()).map(ImportRun::from);
        Ok(DeletedSource { id, run })
    }

    /// Pauses a source: it is not imported until resumed, and its listings stay as they are
    /// (no run ages them), saying so (`Source.paused`).
    #[graphql(guard = "OperatorGuard")]
    async fn pause_source(&self, ctx: &Context<'_>, id: ID, reason: Option<String>) -> async_graphql::Result<Source> {
        let state = ctx.data::<AppState>()?;
        let actor = operator_name(ctx)?;
        let change = state.ingestor.registry().set_paused(&id, true, &actor, reason).map_err(registry_error)?;
        audited(ctx, "pauseSource", change)
    }

    /// Resumes a paused source on its schedule.
    #[graphql(guard = "OperatorGuard")]
    async fn resume_source(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Source> {
        let state = ctx.data::<AppState>()?;
        let actor = operator_name(ctx)?;
        let change = state.ingestor.registry().set_paused(&id, false, &actor, None).map_err(registry_error)?;
        audited(ctx, "resumeSource", change)
    }

    /// A dry run: fetches and parses a source as `input` defines it (with `id` of a saved
    /// source, `input` changes only the keys it gives) and shows what an import would do now,
    /// without saving or committing anything.
    #[graphql(guard = "OperatorGuard")]
    async fn preview_source(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        #[graphql(default)] input: SourceInput,
    ) -> async_graphql::Result<SourcePreview> {
        let state = ctx.data::<AppState>()?;
        let registry = state.ingestor.registry();
        let definition = match &id {
            Some(id) => registry.patched(id, input.to_json(), "previewSource").map_err(registry_error)?,
            None => SourceValidator::parse_json(input.to_json(), "previewSource").map_err(invalid)?,
        };
        let settings = registry.validate(definition, "previewSource").map_err(invalid)?;
        match state.ingestor.preview(&settings).await {
            Ok(preview) => Ok(SourcePreview::new(settings.id.clone(), preview)),
            Err(e) => {
                let why =
                    crate::fetch::redact::text(&format!("source `{}` ({}): {e:#}", settings.id, settings.location));
                Err(ApiError::BadInput(format!("the preview could not read the source: {why}")).extend())
            }
        }
    }
}

/// Audits a registry change and answers the source as it is now.
fn audited(ctx: &Context<'_>, action: &str, change: Change) -> async_graphql::Result<Source> {
    let entry = change.entry.ok_or_else(|| ApiError::NotFound("the source is gone".into()).extend())?;
    audit::record(ctx, action, &entry.settings.id, change.before.map(shown), change.after.map(shown))?;
    Ok(Source(entry))
}

/// A stored source as the audit log shows it (its URL redacted).
fn shown(s: StoredSource) -> Value {
    let mut v = audit::json(&s).unwrap_or(Value::Null);
    if let Some(def) = v.get_mut("definition") {
        *def = redacted(def.take());
    }
    v
}

fn invalid(e: crate::config::ConfigError) -> async_graphql::Error {
    ApiError::BadInput(e.to_string()).extend()
}

fn registry_error(e: RegistryError) -> async_graphql::Error {
    match e {
        RegistryError::Unknown(_) => ApiError::NotFound(e.to_string()).extend(),
        RegistryError::Internal(e) => ApiError::Internal(e).extend(),
        e => ApiError::BadInput(e.to_string()).extend(),
    }
}
