//! Open Referral UK (ORUK v1) API responses: a paged `/services` list (Spring-style
//! `{totalElements, totalPages, number, first, last, content: [...]}`), a `/services/{id}`
//! detail object, or a bare array of services (pages concatenated, as the collected OpenPlace
//! exports are).
//!
//! Further pages are wanted as `?page=N`. ORUK is a UK standard: with no zone configured
//! (the "UTC" default) meetings are in Europe/London, and the country defaults to GB, so
//! postcodes are written the UK way. OpenPlace's vendor fields are read too: the
//! `deliverable_type`, `attending_type` and `attending_access` labels become taxonomy terms
//! (so `taxonomy_codes = ["Peer group"]` can select on them), `pc_targetAudience` gives
//! audiences, codes and the few topics it states outright, `pc_metadata.date_modified` the
//! update time. `pc_metadata.assured_by` and `contacts` name people and are never read.
//! The document is read by `openreferral::parse_api`, as `hsds_json`'s is; what is ORUK's own
//! is `API`: its documents' name, the UK defaults and `openplace`. Selection and listing
//! fields are shared with the other Open Referral formats (`openreferral/`); options as for
//! `hsds_json`.

use crate::model::{Attendance, Audience, Topic, TopicTag};
use crate::normalize::time;
use crate::openreferral::json::Obj;
use crate::openreferral::{self, Api, Service, Term};
use crate::problem::{DocumentError, Parsed};
use crate::Documents;

/// What is ORUK's own: its documents' name, the UK zone and country, the OpenPlace fields.
const API: Api = Api {
    expected: "not an Open Referral UK response: expected a page of services, a service or an array of them",
    fallback: Some(("Europe/London", "GB")),
    extend: &openplace,
};

/// Parses the source's documents.
pub fn parse(docs: &Documents<'_>, options: &crate::SourceOptions) -> Result<Parsed, DocumentError> {
    openreferral::parse_api(docs, options, &API)
}

/// Checks this format's options.
pub fn check_options(options: &serde_json::Value) -> Result<(), String> {
    openreferral::check_options(options)
}

/// The ORUK and OpenPlace fields beyond HSDS.
fn openplace(o: Obj<'_>, service: &mut Service) {
    for key in ["deliverable_type", "attending_type", "attending_access"] {
        if let Some(label) = o.str(key) {
            service.terms.push(Term { id: None, code: None, name: Some(label), vocabulary: Some(key.to_owned()) });
        }
    }
    service.attendance = match o.str("attending_type").map(|t| t.to_ascii_lowercase()).as_deref() {
        Some("online" | "phone") => Some(Attendance::Online),
        Some("venue") => Some(Attendance::InPerson),
        _ => None,
    };
    for audience in o.list(&["pc_targetAudience"]) {
        let Some(label) = audience.str("audienceType") else { continue };
        target_audience(&label, service);
    }
    if service.updated_at.is_none() {
        let modified = o.obj("pc_metadata").and_then(|m| m.str("date_modified")).or_else(|| o.str("assured_date"));
        service.updated_at = modified.and_then(|d| time::parse_updated(&d));
    }
}

/// One OpenPlace target audience ("Women", "Carers", "Parents>Grandparents"): kept as a
/// code; mapped to an audience or a topic when it names one without doubt.
fn target_audience(label: &str, service: &mut Service) {
    if !service.codes.iter().any(|c| c == label) {
        service.codes.push(label.to_owned());
    }
    let key = label.to_ascii_lowercase();
    let audience = match key.as_str() {
        "women" => Some(Audience::Women),
        "men" => Some(Audience::Men),
        "lgbtq+" | "lgbtq" | "lgbt" => Some(Audience::Lgbtq),
        "refugees/asylum seekers" => Some(Audience::Newcomers),
        "young people" | "children and young people" => Some(Audience::YoungPeople),
        "older people" | "over 50s" => Some(Audience::Seniors),
        _ => None,
    };
    if let Some(a) = audience.filter(|a| !service.audience.contains(a)) {
        service.audience.push(a);
    }
    let topic = match key.as_str() {
        "bereaved" => Some(Topic::BEREAVEMENT),
        "carers" => Some(Topic::CARING),
        "mental health" => Some(Topic::MENTAL_HEALTH),
        "drug and alcohol misuse" => Some(Topic::ADDICTION),
        _ => None,
    };
    if let Some(topic) = topic.filter(|t| !service.topics.iter().any(|x| x.topic == *t)) {
        service.topics.push(TopicTag { topic, rule: format!("target audience \"{label}\"") });
    }
}
