//! The HSDS 3.0 API's routes under `/hsds/` (objects from `publish::hsds`): lists in the
//! spec's page envelope with `page` (from 1) and `per_page` (default 50, at most 1000), or
//! every item as JSON lines with `format=ndjson`; `search`, `taxonomy_term_id`,
//! `organization_id` and `modified_after` where the spec has them, plus every finder
//! parameter of the other feeds; `/service_at_locations` also takes `postcode` (those at that
//! postcode) and `proximity` (metres from the postcode's centre).

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;

use super::{bad_request, internal, public, publishable, published, withheld};
use crate::http::HttpState;
use crate::publish::hsds;
use crate::publish::params::{first, pairs};

const DEFAULT_PER_PAGE: usize = 50;
const MAX_PER_PAGE: usize = 1000;

pub fn routes() -> Router<HttpState> {
    Router::new()
        .route("/hsds", get(root))
        .route("/hsds/", get(root))
        .route("/hsds/services", get(services))
        .route("/hsds/services/{id}", get(service))
        .route("/hsds/organizations", get(organizations))
        .route("/hsds/organizations/{id}", get(organization))
        .route("/hsds/service_at_locations", get(service_at_locations))
        .route("/hsds/taxonomies", get(taxonomies))
        .route("/hsds/taxonomy_terms", get(taxonomy_terms))
}

async fn root(State(s): State<HttpState>, headers: HeaderMap) -> Response {
    public(&s, &headers, "application/json", hsds::root().to_string())
}

/// `GET /hsds/services`: full services (schedules, locations and all), paged.
async fn services(State(s): State<HttpState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let pairs = match with_term(&s, pairs(q.as_deref())) {
        Ok(p) => p,
        Err(why) => return bad_request(why),
    };
    let groups = match published(&s, &pairs).await {
        Ok(g) => g,
        Err(resp) => return resp,
    };
    let org = first(&pairs, "organization_id");
    let items: Vec<Value> = groups
        .iter()
        .filter(|g| org.is_none_or(|o| hsds::organization_of(g).is_some_and(|(id, _)| id == o)))
        .map(|g| hsds::service(g, &s.app.topics))
        .collect();
    listed(&s, &headers, &pairs, items)
}

/// `GET /hsds/services/{id}`: one service in full.
async fn service(State(s): State<HttpState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "no service with this id").into_response();
    let Some(group_id) = hsds::group_id_of(&id) else { return not_found() };
    let group = match s.app.store.group(&group_id) {
        Ok(Some(g)) if g.status != crate::model::GroupStatus::Removed => g,
        Ok(_) => return not_found(),
        Err(e) => return internal(e),
    };
    match publishable(&s, &withheld(&s), group) {
        Ok(Some(g)) => public(&s, &headers, "application/json", hsds::service(&g, &s.app.topics).to_string()),
        Ok(None) => not_found(),
        Err(e) => internal(e),
    }
}

/// `GET /hsds/organizations`: the organisations the published groups name, by name.
async fn organizations(State(s): State<HttpState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let pairs = pairs(q.as_deref());
    let search = first(&pairs, "search").map(str::to_lowercase);
    let groups = match published(&s, &without(&pairs, "search")).await {
        Ok(g) => g,
        Err(resp) => return resp,
    };
    let mut orgs: Vec<(String, String)> = groups.iter().filter_map(|g| hsds::organization_of(g)).collect();
    orgs.sort_by(|a, b| a.1.to_lowercase().cmp(&b.1.to_lowercase()).then_with(|| a.0.cmp(&b.0)));
    orgs.dedup_by(|a, b| a.0 == b.0);
    let items = orgs
        .iter()
        .filter(|(_, name)| search.as_deref().is_none_or(|q| name.to_lowercase().contains(q)))
        .map(|(id, name)| hsds::organization(id, name, None, None))
        .collect();
    listed(&s, &headers, &pairs, items)
}

/// `GET /hsds/organizations/{id}`: one organisation with its groups' services in full.
async fn organization(State(s): State<HttpState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let groups = match published(&s, &[]).await {
        Ok(g) => g,
        Err(resp) => return resp,
    };
    let mine: Vec<_> =
        groups.iter().filter(|g| hsds::organization_of(g).is_some_and(|(oid, _)| oid == id.to_lowercase())).collect();
    let Some((oid, name)) = mine.first().and_then(|g| hsds::organization_of(g)) else {
        return (StatusCode::NOT_FOUND, "no organization with this id").into_response();
    };
    let services = mine.iter().map(|g| hsds::service(g, &s.app.topics)).collect();
    public(&s, &headers, "application/json", hsds::organization(&oid, &name, None, Some(services)).to_string())
}

/// `GET /hsds/service_at_locations`: each place of each group, with `postcode` and `proximity`.
async fn service_at_locations(State(s): State<HttpState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let mut pairs = match with_term(&s, pairs(q.as_deref())) {
        Ok(p) => p,
        Err(why) => return bad_request(why),
    };
    let postcode = first(&pairs, "postcode").map(str::to_owned);
    let proximity = match first(&pairs, "proximity").map(|p| p.parse::<f64>()) {
        None => None,
        Some(Ok(m)) if m > 0.0 => Some(m),
        Some(_) => return bad_request("proximity: expected a distance in metres above 0".into()),
    };
    let exact_postcode = match (&postcode, proximity) {
        (Some(p), Some(m)) => {
            pairs.push(("place".into(), p.clone()));
            pairs.push(("radius".into(), (m / 1000.0).to_string()));
            None
        }
        (Some(p), None) => Some(squash(p)),
        (None, Some(_)) => return bad_request("proximity: needs postcode".into()),
        (None, None) => None,
    };
    let groups = match published(&s, &pairs).await {
        Ok(g) => g,
        Err(resp) => return resp,
    };
    let items = groups
        .iter()
        .filter(|g| {
            exact_postcode.as_deref().is_none_or(|want| {
                g.listing.location.as_ref().and_then(|l| l.postcode.as_deref()).is_some_and(|p| squash(p) == want)
            })
        })
        .flat_map(|g| hsds::service_at_location_items(g))
        .collect();
    listed(&s, &headers, &pairs, items)
}

async fn taxonomies(State(s): State<HttpState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    listed(&s, &headers, &pairs(q.as_deref()), vec![hsds::taxonomy()])
}

async fn taxonomy_terms(State(s): State<HttpState>, RawQuery(q): RawQuery, headers: HeaderMap) -> Response {
    let pairs = pairs(q.as_deref());
    let search = first(&pairs, "search").map(str::to_lowercase);
    let items = hsds::taxonomy_terms(&s.app.topics)
        .into_iter()
        .filter(|t| {
            search.as_deref().is_none_or(|q| {
                [&t["name"], &t["code"]].iter().any(|v| v.as_str().is_some_and(|v| v.to_lowercase().contains(q)))
            })
        })
        .collect();
    listed(&s, &headers, &pairs, items)
}

/// `taxonomy_term_id` as the finder's `topic`; an id that is not one of ours finds nothing.
fn with_term(s: &HttpState, mut pairs: Vec<(String, String)>) -> Result<Vec<(String, String)>, String> {
    if let Some(term) = first(&pairs, "taxonomy_term_id").map(str::to_owned) {
        let Some(topic) = hsds::topic_of_term(&s.app.topics, &term) else {
            return Err("taxonomy_term_id: not a term of /hsds/taxonomy_terms".into());
        };
        pairs.push(("topic".into(), topic.to_owned()));
    }
    Ok(pairs)
}

fn without(pairs: &[(String, String)], key: &str) -> Vec<(String, String)> {
    pairs.iter().filter(|(k, _)| k != key).cloned().collect()
}

/// "SW1A 1AA" and "sw1a1aa" alike.
fn squash(postcode: &str) -> String {
    postcode.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_ascii_uppercase()
}

/// A list: one page of the envelope, or every item as JSON lines with `format=ndjson`.
fn listed(s: &HttpState, headers: &HeaderMap, pairs: &[(String, String)], items: Vec<Value>) -> Response {
    if first(pairs, "format").is_some_and(|f| f.eq_ignore_ascii_case("ndjson")) {
        return public(s, headers, "application/x-ndjson", crate::publish::ndjson::lines(items));
    }
    let number = |key: &str, default: usize| match first(pairs, key) {
        None => Ok(default),
        Some(v) => {
            v.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| format!("{key}: expected a whole number from 1"))
        }
    };
    let (page, per_page) = match (number("page", 1), number("per_page", DEFAULT_PER_PAGE)) {
        (Ok(p), Ok(n)) if n <= MAX_PER_PAGE => (p, n),
        (Ok(_), Ok(_)) => return bad_request(format!("per_page: at most {MAX_PER_PAGE}")),
        (Err(e), _) | (_, Err(e)) => return bad_request(e),
    };
    let total = items.len();
    let contents: Vec<Value> = items.into_iter().skip((page - 1).saturating_mul(per_page)).take(per_page).collect();
    public(s, headers, "application/json", hsds::page(contents, total, page, per_page).to_string())
}
