//! The nested JSON of HSDS 3.0 and Open Referral UK to [`Service`]s.
//!
//! Both APIs nest the same objects with different names: addresses (`addresses` /
//! `physical_addresses`), schedules (`schedules` / `regular_schedules` / `regular_schedule`),
//! taxonomy (`attributes[].taxonomy_term` / `service_taxonomys[].taxonomy`). One reader takes
//! every spelling. Items are services, service_at_locations (`{service, location}`, merged by
//! service id) or organizations with nested `services`. Contacts (people) are never read.
//! Envelopes and pages are `paging.rs`; the format files add their own extensions.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::normalize::time;
use crate::problem::RecordProblems;

use super::schedule::ScheduleRow;
use super::{Address, Org, Service, Site, Term};

/// A JSON object with lenient getters: strings trimmed, numbers as text, blanks as `None`.
#[derive(Clone, Copy)]
pub(crate) struct Obj<'a>(pub &'a Map<String, Value>);

impl<'a> Obj<'a> {
    pub fn str(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub fn first(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| self.str(k))
    }

    pub fn obj(&self, key: &str) -> Option<Obj<'a>> {
        match self.0.get(key)? {
            Value::Object(m) => Some(Obj(m)),
            _ => None,
        }
    }

    /// The objects under any of `keys` (an array of objects, or one object).
    pub fn list(&self, keys: &[&str]) -> Vec<Obj<'a>> {
        let mut out = Vec::new();
        for key in keys {
            match self.0.get(*key) {
                Some(Value::Array(items)) => out.extend(items.iter().filter_map(|v| v.as_object().map(Obj))),
                Some(Value::Object(m)) => out.push(Obj(m)),
                _ => {}
            }
        }
        out
    }

    /// Plain strings under `key`, or a field of the objects there.
    pub fn texts(&self, key: &str, fields: &[&str]) -> Vec<String> {
        let Some(Value::Array(items)) = self.0.get(key) else {
            return self.str(key).into_iter().collect();
        };
        items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
                Value::Object(m) => Obj(m).first(fields),
                _ => None,
            })
            .collect()
    }
}

/// The services read so far, by first appearance; service_at_location items add sites.
#[derive(Default)]
pub(crate) struct Collected {
    services: Vec<Service>,
    /// Objects that are not services and hold none, by kind ("organization", "location"):
    /// organization list entries leave their services out.
    others: BTreeMap<&'static str, usize>,
    /// Positions in `services` by id, to find repeats and service_at_location partners.
    by_id: HashMap<String, Vec<usize>>,
}

/// Hook for a format's own extensions: the item's object and the service read from it.
pub(crate) type Extend<'f> = &'f dyn Fn(Obj<'_>, &mut Service);

impl Collected {
    /// Reads one list item or document: a service, a service_at_location or an organization.
    /// `problems` are the document's: those of the item name it by its `position` (`[3]`,
    /// `page 2 [0]`), those of an organization's services `[3].services[1]`.
    pub fn item(&mut self, value: &Value, position: &str, extend: Extend<'_>, problems: &mut RecordProblems<'_>) {
        let Value::Object(map) = value else {
            let why = format!("expected an object, found {}", crate::meeting_guide::json_kind(value));
            problems.at(position).dropped(None, why);
            return;
        };
        let o = Obj(map);
        if let Some(service) = o.obj("service") {
            self.service_at_location(o, service, extend, &mut problems.at(position));
        } else if !o.list(&["services"]).is_empty() {
            let org = organisation(o);
            for (i, s) in o.list(&["services"]).into_iter().enumerate() {
                self.service(s, Some(org.clone()), extend, &mut problems.at(format!("{position}.services[{i}]")));
            }
        } else if let Some(kind) = other_kind(o) {
            *self.others.entry(kind).or_default() += 1;
        } else {
            self.service(o, None, extend, &mut problems.at(position));
        }
    }

    /// The services read, after a note on the objects that were not services (to the
    /// document's `problems`).
    pub fn finish(self, problems: &mut RecordProblems<'_>) -> Vec<Service> {
        for (kind, count) in &self.others {
            let hint = if *kind == "organization" {
                " (list entries leave their services out; point the source at /services or /organizations/{id})"
            } else {
                ""
            };
            let why = format!("{count} {kind} objects are not services and hold none; ignored{hint}");
            problems.note(why);
        }
        self.services
    }

    fn service(&mut self, o: Obj<'_>, org: Option<Org>, extend: Extend<'_>, problems: &mut RecordProblems<'_>) {
        let Some(mut service) = service(o, problems) else { return };
        if service.organisation.is_none() {
            service.organisation = org;
        }
        extend(o, &mut service);
        let known = self.by_id.get(&service.id).into_iter().flatten();
        if !known.filter_map(|&i| self.services.get(i)).any(|s| *s == service) {
            self.push(service);
        }
    }

    fn push(&mut self, service: Service) {
        self.by_id.entry(service.id.clone()).or_default().push(self.services.len());
        self.services.push(service);
    }

    fn service_at_location(&mut self, sal: Obj<'_>, s: Obj<'_>, extend: Extend<'_>, problems: &mut RecordProblems<'_>) {
        let Some(site) = site(sal) else {
            return self.service(s, None, extend, problems);
        };
        let first = s.str("id").and_then(|id| self.by_id.get(&id)).and_then(|at| at.first().copied());
        match first.and_then(|i| self.services.get_mut(i)) {
            Some(known) if !known.sites.contains(&site) => known.sites.push(site),
            Some(_) => {}
            None => {
                let Some(mut service) = service(s, problems) else { return };
                extend(s, &mut service);
                service.sites = vec![site];
                self.push(service);
            }
        }
    }
}

/// One service object; `None` (with a problem, under its position) when it has no id.
pub(crate) fn service(o: Obj<'_>, problems: &mut RecordProblems<'_>) -> Option<Service> {
    let Some(id) = o.str("id") else {
        let name = o.str("name").map(|n| format!(" (\"{n}\")")).unwrap_or_default();
        problems.dropped(Some("id"), format!("a service without an id{name}"));
        return None;
    };
    let mut cost: Vec<String> = o.first(&["fees_description", "fees"]).into_iter().collect();
    for option in o.list(&["cost_options"]) {
        let parts: Vec<String> =
            [option.str("option"), amount(option), option.str("amount_description")].into_iter().flatten().collect();
        if !parts.is_empty() {
            cost.push(parts.join(" "));
        }
    }
    Some(Service {
        id,
        name: o.str("name"),
        alternate_name: o.str("alternate_name"),
        description: o.str("description"),
        organisation: o.obj("organization").map(organisation),
        url: o.first(&["url", "website"]),
        email: o.str("email"),
        phones: phones(o),
        status: o.str("status"),
        cost: (!cost.is_empty()).then(|| join_sentences(&cost)),
        terms: terms(o),
        codes: Vec::new(),
        topics: Vec::new(),
        audience: Vec::new(),
        attendance: None,
        languages: o.texts("languages", &["name", "language", "code"]),
        schedules: schedules(o),
        sites: o.list(&["service_at_locations"]).into_iter().filter_map(site).collect(),
        updated_at: o.str("last_modified").and_then(|d| time::parse_updated(&d)),
    })
}

fn organisation(o: Obj<'_>) -> Org {
    Org { name: o.str("name"), url: o.first(&["website", "url"]), email: o.str("email"), phones: phones(o) }
}

/// What an object is when it is not a service: organizations carry legal and tax facts,
/// locations a `location_type`, taxonomy terms a `term_uri` or parent; services a status.
fn other_kind(o: Obj<'_>) -> Option<&'static str> {
    let has = |keys: &[&str]| keys.iter().any(|k| o.0.contains_key(*k));
    if has(&["status", "service_at_locations", "fees", "fees_description", "eligibility_description"]) {
        None
    } else if has(&["location_type", "addresses", "physical_addresses", "latitude"]) {
        Some("location")
    } else if has(&["website", "legal_status", "tax_status", "tax_id", "year_incorporated", "organization_identifiers"])
    {
        Some("organization")
    } else if has(&["term_uri", "taxonomy_detail", "parent_id", "vocabulary"]) {
        Some("taxonomy term")
    } else {
        None
    }
}

/// A service_at_location (with its `location`) as a site.
fn site(sal: Obj<'_>) -> Option<Site> {
    let loc = sal.obj("location");
    let id = loc.and_then(|l| l.str("id")).or_else(|| sal.str("location_id")).or_else(|| sal.str("id"))?;
    let mut site = Site { id, ..Site::default() };
    site.schedules = schedules(sal);
    site.phones = phones(sal);
    if let Some(l) = loc {
        site.name = l.str("name");
        let addresses = l.list(&["addresses", "physical_addresses"]);
        let kind = |a: &Obj<'_>| a.str("address_type").unwrap_or_default().to_ascii_lowercase();
        let chosen = addresses
            .iter()
            .find(|a| matches!(kind(a).as_str(), "" | "physical"))
            .or_else(|| addresses.iter().find(|a| kind(a) != "virtual"));
        site.address = chosen.map(|a| address(*a)).unwrap_or_default();
        site.latitude = l.str("latitude");
        site.longitude = l.str("longitude");
        site.transportation = l.str("transportation");
        site.is_virtual = l.str("location_type").is_some_and(|t| t.eq_ignore_ascii_case("virtual"));
        site.virtual_url = l.str("url").filter(|_| site.is_virtual);
        site.schedules.extend(schedules(l));
        site.phones.extend(phones(l));
        site.languages = l.texts("languages", &["name", "language", "code"]);
        for a in l.list(&["accessibility", "accessibility_for_disabilities"]) {
            site.accessibility.extend(["accessibility", "description", "details"].iter().filter_map(|k| a.str(k)));
        }
    }
    Some(site)
}

fn address(a: Obj<'_>) -> Address {
    Address {
        lines: ["address_1", "address_2", "address_3", "address_4"].iter().filter_map(|k| a.str(k)).collect(),
        city: a.str("city"),
        region: a.first(&["state_province", "region"]),
        postcode: a.str("postal_code"),
        country: a.str("country"),
    }
}

/// The object's own public phone numbers (not fax, pager or personal mobiles).
fn phones(o: Obj<'_>) -> Vec<String> {
    o.list(&["phones"])
        .into_iter()
        .filter(|p| {
            let kind = p.str("type").unwrap_or_default().to_ascii_lowercase();
            !matches!(kind.as_str(), "fax" | "pager" | "cell")
        })
        .filter_map(|p| p.str("number"))
        .collect()
}

fn schedules(o: Obj<'_>) -> Vec<ScheduleRow> {
    o.list(&["schedules", "regular_schedules", "regular_schedule"]).into_iter().map(schedule).collect()
}

fn schedule(s: Obj<'_>) -> ScheduleRow {
    ScheduleRow {
        weekday: s.str("weekday"),
        byday: s.str("byday"),
        freq: s.str("freq"),
        interval: s.str("interval"),
        bymonthday: s.str("bymonthday"),
        dtstart: s.str("dtstart"),
        opens_at: s.str("opens_at"),
        closes_at: s.str("closes_at"),
        timezone: s.str("timezone"),
        text: s.first(&["description", "notes"]),
    }
}

/// HSDS 3.0 attributes' taxonomy terms and ORUK's `service_taxonomys[].taxonomy`.
fn terms(o: Obj<'_>) -> Vec<Term> {
    let mut out = Vec::new();
    for a in o.list(&["attributes"]) {
        if let Some(t) = a.obj("taxonomy_term") {
            out.push(term(t));
        }
    }
    for link in o.list(&["service_taxonomys", "service_taxonomies", "taxonomy_terms", "taxonomies"]) {
        out.push(link.obj("taxonomy").or_else(|| link.obj("taxonomy_term")).map_or_else(|| term(link), term));
    }
    out.retain(|t| t.id.is_some() || t.name.is_some() || t.code.is_some());
    out
}

fn term(t: Obj<'_>) -> Term {
    Term { id: t.str("id"), code: t.str("code"), name: t.str("name"), vocabulary: t.first(&["vocabulary", "taxonomy"]) }
}

/// "a.", "b" -> "a. b"; "a", "b" -> "a; b".
fn join_sentences(parts: &[String]) -> String {
    let mut out = String::new();
    for part in parts {
        if !out.is_empty() {
            out.push_str(if out.ends_with(['.', '!', '?']) { " " } else { "; " });
        }
        out.push_str(part);
    }
    out
}

fn amount(option: Obj<'_>) -> Option<String> {
    let amount = option.str("amount")?;
    Some(match option.str("currency") {
        Some(c) => format!("{amount} {}", c.to_ascii_uppercase()),
        None => amount,
    })
}
