//! The published feeds' routes (README "Publishing"): the Meeting Guide feed, calendars, the
//! change feed, and the HSDS API (`hsds.rs`). Each reads the store through the finder with the
//! feed's query parameters (`publish::params`), leaves out or re-merges the groups of sources
//! configured `republish = false`, and hands the groups to the pure writers in `src/publish`.
//!
//! Answers are anonymous public data: CORS as for `/graphql` (the router layers it), and
//! `Cache-Control: public, max-age=<server.cache_max_age_secs>` with an `ETag` (304 for a
//! matching `If-None-Match`). Query parameters can say what someone looks for, so they are
//! never logged: errors name the parameter, and the trace span has the path only.

mod hsds;

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;

use super::HttpState;
use crate::finder::{Near, Search, MAX_PAGE};
use crate::model::{GroupStatus, StoredGroup};
use crate::publish::params::{feed_params, pairs, FeedParams};
use crate::publish::{self, ics, meeting_guide, ndjson, Verdict, Withheld};

/// The feeds' routes, for `http::router` to merge (it adds the CORS layer).
pub fn routes() -> Router<HttpState> {
    Router::new()
        .route("/feeds/meeting-guide.json", get(meeting_guide_feed))
        .route("/feeds/groups.ndjson", get(groups_ndjson))
        .route("/calendar.ics", get(calendar))
        .route("/groups/{file}", get(group_calendar))
        .merge(hsds::routes())
}

/// `GET /feeds/meeting-guide.json`: every meeting of the groups the parameters find.
async fn meeting_guide_feed(State(s): State<HttpState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let groups = match published(&s, &pairs(q.as_deref())).await {
        Ok(g) => g,
        Err(resp) => return resp,
    };
    let entries: Vec<meeting_guide::Entry> = groups.iter().flat_map(|g| meeting_guide::entries(g)).collect();
    match serde_json::to_string(&entries) {
        Ok(body) => public(&s, &headers, "application/json", body),
        Err(e) => internal(e.into()),
    }
}

/// `GET /feeds/groups.ndjson`: the live groups (active and missing, unless `status` says) in
/// the API's shape; with `modifiedAfter`, only those changed since, and the tombstones of
/// those removed since.
async fn groups_ndjson(State(s): State<HttpState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let mut pairs = pairs(q.as_deref());
    if !pairs.iter().any(|(k, _)| k == "status") {
        pairs.push(("status".into(), "ACTIVE,MISSING".into()));
    }
    let groups = match published(&s, &pairs).await {
        Ok(g) => g,
        Err(resp) => return resp,
    };
    let since = feed_params(&pairs).ok().and_then(|p| p.modified_after);
    let mut lines: Vec<serde_json::Value> = groups.iter().map(|g| ndjson::group_line(g)).collect();
    if since.is_some() {
        match removed_since(&s, since) {
            Ok(tombs) => lines.extend(tombs),
            Err(e) => return internal(e),
        }
    }
    public(&s, &headers, "application/x-ndjson", ndjson::lines(lines))
}

/// `GET /calendar.ics?...`: the meetings of the groups the parameters find.
async fn calendar(State(s): State<HttpState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let groups = match published(&s, &pairs(q.as_deref())).await {
        Ok(g) => g,
        Err(resp) => return resp,
    };
    let refs: Vec<&StoredGroup> = groups.iter().map(Arc::as_ref).collect();
    public(&s, &headers, "text/calendar; charset=utf-8", ics::calendar("Support groups", &refs))
}

/// `GET /groups/{id}.ics`: one group's meetings (none once it is removed, so a subscribed
/// calendar drops them).
async fn group_calendar(State(s): State<HttpState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some(id) = file.strip_suffix(".ics") else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let group = match s.app.store.group(id) {
        Ok(Some(g)) => g,
        Ok(None) => return (StatusCode::NOT_FOUND, "no group with this id").into_response(),
        Err(e) => return internal(e),
    };
    let group = match publishable(&s, &withheld(&s), group) {
        Ok(Some(g)) => g,
        Ok(None) => return (StatusCode::NOT_FOUND, "no group with this id").into_response(),
        Err(e) => return internal(e),
    };
    let name = group.listing.name.clone();
    let events = if group.status == GroupStatus::Removed { vec![] } else { vec![&group] };
    public(&s, &headers, "text/calendar; charset=utf-8", ics::calendar(&name, &events))
}

/// The sources that must stay out of the feeds, from the configuration.
pub(super) fn withheld(s: &HttpState) -> Withheld {
    Withheld::new(s.app.ingestor.sources().iter().map(|src| (src.id.as_str(), src.trust, src.republish)))
}

/// The group as it may be published (`publish::publishable`, records read from the store).
pub(super) fn publishable(
    s: &HttpState,
    withheld: &Withheld,
    group: StoredGroup,
) -> anyhow::Result<Option<StoredGroup>> {
    publish::publishable(group, withheld, |key| s.app.store.record(key))
}

/// Every live group the parameters find, in id order, as it may be published; a bad
/// parameter or an unknown place is a 400 naming it.
pub(super) async fn published(s: &HttpState, pairs: &[(String, String)]) -> Result<Vec<Arc<StoredGroup>>, Response> {
    let params = feed_params(pairs).map_err(bad_request)?;
    let search = search(s, &params).await?;
    let withheld = withheld(s);
    let mut out = Vec::new();
    let mut search = Search { first: Some(MAX_PAGE), ..search };
    loop {
        let found = match s.app.store.search(&search) {
            Ok(Ok(found)) => found,
            Ok(Err(e)) => return Err(bad_request(e.to_string())),
            Err(e) => return Err(internal(e)),
        };
        for g in found.groups {
            if params.modified_after.is_some_and(|at| g.updated_at < at) {
                continue;
            }
            match withheld.verdict(&g) {
                Verdict::Publish => out.push(g),
                Verdict::LeaveOut => {}
                Verdict::Remerge => match publishable(s, &withheld, (*g).clone()) {
                    Ok(Some(g)) => out.push(Arc::new(g)),
                    Ok(None) => {}
                    Err(e) => return Err(internal(e)),
                },
            }
        }
        if !found.hits.has_next {
            return Ok(out);
        }
        search.after = found.hits.end_cursor;
    }
}

/// The finder's search for the parameters: `place` resolved through the gazetteer.
async fn search(s: &HttpState, p: &FeedParams) -> Result<Search, Response> {
    let mut near = p.near;
    if let Some(place) = &p.place {
        let gazetteer = s.app.places.gazetteer(&s.app.store).await.map_err(internal)?;
        let found = gazetteer.resolve(place).map_err(|e| bad_request(format!("place: {e}")))?;
        near = Some(Near::km(found.latitude, found.longitude, p.radius_km));
    }
    Ok(Search { near, sort: Some(crate::finder::Sort::Id), ..Search::filter(p.filter.clone()) })
}

/// Tombstones of groups removed at or after `since` (all sources: an id and a time say
/// nothing a source could forbid).
fn removed_since(s: &HttpState, since: Option<chrono::DateTime<Utc>>) -> anyhow::Result<Vec<serde_json::Value>> {
    let mut out = Vec::new();
    s.app.store.for_each_tombstone(|g| {
        if since.is_none_or(|at| g.updated_at >= at) {
            out.push(ndjson::tombstone_line(&g.id, g.updated_at));
        }
    })?;
    Ok(out)
}

/// A public answer: cacheable for `cache_max_age_secs`, with its ETag (304 when held).
pub(super) fn public(s: &HttpState, headers: &HeaderMap, content_type: &str, body: String) -> Response {
    let etag = crate::response_cache::etag(body.as_bytes());
    let control = match s.cache_max_age_secs {
        0 => "no-store".to_owned(),
        n => format!("public, max-age={n}"),
    };
    let held = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == etag));
    if held && s.cache_max_age_secs > 0 {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag), (header::CACHE_CONTROL, control)]).into_response();
    }
    let headers =
        [(header::CONTENT_TYPE, content_type.to_owned()), (header::CACHE_CONTROL, control), (header::ETAG, etag)];
    (headers, body).into_response()
}

pub(super) fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, message).into_response()
}

pub(super) fn internal(e: anyhow::Error) -> Response {
    tracing::error!(error = %format!("{e:#}"), "a published feed failed");
    (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
}
