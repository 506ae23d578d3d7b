//! One selected Open Referral service to its listings: one, or one per place it is held at.
//!
//! Names and descriptions are sanitised here (and passcodes redacted); a place whose name
//! ends with the service's name is the fuller name (211 Miami names services "NORTH" and
//! their locations "NAMI - FAMILY SUPPORT GROUP - NORTH"), so that one is shown. Kind comes
//! from the wording ([`super::select::kind`]), else the source's configured kind. Places,
//! contacts, languages and access features are read in `place.rs`; selection is `select.rs`.

use crate::model::{Attendance, GroupKind, Listing, TopicTag};
use crate::normalize::text;
use crate::problem::RecordProblems;

use super::place;
use super::{schedule, select, unescape, Context, Service};

/// The texts a service is judged and listed by, sanitised.
pub(super) struct Texts {
    pub name: Option<String>,
    pub description: Option<String>,
    /// The name to show at each site (same order as `Service::sites`), when it is fuller.
    pub site_names: Vec<Option<String>>,
    /// Service, alternate and site names, for exclude words.
    pub names: String,
    /// Names plus description, for keywords.
    pub all: String,
}

impl Texts {
    pub fn of(service: &Service) -> Texts {
        let line = |raw: &Option<String>| raw.as_deref().and_then(|r| text::plain_line(&unescape(r)));
        let name = line(&service.name).or_else(|| line(&service.alternate_name));
        let description = service
            .description
            .as_deref()
            .and_then(|d| text::plain_text(&unescape(d)))
            .map(|d| text::redact_secrets(&d));
        let site_names: Vec<Option<String>> = service
            .sites
            .iter()
            .map(|site| {
                let full = line(&site.name)?;
                let short = name.as_deref()?.to_lowercase();
                let lower = full.to_lowercase();
                (lower.len() > short.len() && lower.ends_with(&short)).then_some(full)
            })
            .collect();
        let mut names = name.clone().unwrap_or_default();
        for extra in line(&service.alternate_name).iter().chain(site_names.iter().flatten()) {
            names.push_str(" | ");
            names.push_str(extra);
        }
        let all = format!("{names} | {}", description.as_deref().unwrap_or_default());
        Texts { name, description, site_names, names, all }
    }
}

/// A service's names and description as the selection's first look reads them
/// ([`select::rough_words`]): unescaped but not sanitised.
pub(super) fn rough_text(service: &Service) -> String {
    let mut raw = String::new();
    let names = [&service.name, &service.alternate_name, &service.description];
    for part in names.into_iter().flatten().chain(service.sites.iter().filter_map(|s| s.name.as_ref())) {
        raw.push_str(&unescape(part));
        raw.push_str(" | ");
    }
    select::rough_words(&raw)
}

/// The listings of a selected service; a service without a usable name is dropped.
/// `problems` name the service; those of one place name its listing (`service@location`).
pub(super) fn listings(
    service: &Service,
    texts: &Texts,
    ctx: &Context<'_>,
    problems: &mut RecordProblems<'_>,
) -> Vec<Listing> {
    let record = service.id.clone();
    let Some(name) = texts.name.clone() else {
        problems.dropped(Some("name"), "no usable name");
        return Vec::new();
    };
    let term_names: Vec<&str> = service.terms.iter().filter_map(|t| t.name.as_deref()).collect();
    let kind = select::kind(&format!("{} {}", texts.all, term_names.join(" | ")))
        .or(ctx.opts.kind)
        .unwrap_or(GroupKind::PeerSupport);
    let mut topics: Vec<TopicTag> = ctx.opts.default_topic_tags();
    for tag in &service.topics {
        if !topics.iter().any(|t| t.topic == tag.topic) {
            topics.push(tag.clone());
        }
    }
    let status = service.status.as_deref().map(|s| s.trim().to_ascii_lowercase()).unwrap_or_default();
    let active = !matches!(status.as_str(), "inactive" | "defunct" | "temporarily closed");
    let base = Listing {
        group: None,
        external_id: record.clone(),
        name: name.clone(),
        description: texts.description.clone(),
        kind,
        topics,
        audience: service.audience.clone(),
        attendance: service.attendance.unwrap_or_default(),
        meetings: Vec::new(),
        location: None,
        online: None,
        contact: place::contact(service, ctx.country.as_deref(), problems),
        organisation: service.organisation.as_ref().and_then(|o| o.name.as_deref()).and_then(text::plain_line),
        cost: service.cost.as_deref().and_then(|c| text::plain_line(&unescape(c))),
        languages: place::languages(service.languages.iter()),
        accessibility: Vec::new(),
        open: None,
        codes: codes(service),
        url: None,
        updated_at: service.updated_at,
        active,
        origins: Vec::new(),
    };
    let mut seen: Vec<&str> = Vec::new();
    let sites: Vec<(usize, &super::Site)> = service
        .sites
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            let fresh = !seen.contains(&s.id.as_str());
            seen.push(&s.id);
            fresh
        })
        .collect();
    if sites.is_empty() {
        let meetings = schedule::meetings(&service.schedules, &ctx.timezone, problems);
        return vec![Listing { meetings, ..base }];
    }
    let several = sites.len() > 1;
    sites
        .into_iter()
        .map(|(i, site)| {
            let id = if several { format!("{record}@{}", site.id) } else { record.clone() };
            let display = texts.site_names.get(i).cloned().flatten();
            let mut site_problems = problems.at(id.as_str());
            let mut location = place::location(site, ctx.country.as_deref(), &mut site_problems);
            if let Some(place) = location.as_mut() {
                let shown = display.as_deref().unwrap_or(&name);
                if display.is_some() || place.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(shown)) {
                    place.name = None;
                }
            }
            let online = place::online(site);
            let rows = if site.schedules.is_empty() { &service.schedules } else { &site.schedules };
            let meetings = schedule::meetings(rows, &ctx.timezone, &mut site_problems);
            let attendance = service.attendance.unwrap_or(match (&location, &online) {
                (Some(_), Some(_)) => Attendance::Hybrid,
                (None, Some(_)) => Attendance::Online,
                _ => Attendance::InPerson,
            });
            let mut languages = base.languages.clone();
            for tag in place::languages(site.languages.iter()) {
                if !languages.contains(&tag) {
                    languages.push(tag);
                }
            }
            let mut contact = base.contact.clone();
            if contact.phone.is_none() {
                contact.phone = place::first_phone(&site.phones, ctx.country.as_deref());
            }
            Listing {
                external_id: id,
                name: display.unwrap_or_else(|| name.clone()),
                attendance,
                meetings,
                location,
                online,
                contact,
                languages,
                accessibility: place::accessibility(&site.accessibility),
                ..base.clone()
            }
        })
        .collect()
}

/// Taxonomy term ids, codes and names, then the format's other codes; each once.
fn codes(service: &Service) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let terms = service.terms.iter().flat_map(|t| [&t.id, &t.code, &t.name]);
    for raw in terms.flatten().chain(service.codes.iter()) {
        if let Some(code) = text::plain_line(raw) {
            if !out.iter().any(|c| c.eq_ignore_ascii_case(&code)) {
                out.push(code);
            }
        }
    }
    out
}
