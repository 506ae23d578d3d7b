//! One schema.org `Event` (or a childless `EventSeries`) as one listing, and, when a page has
//! no events, an organisation that describes itself as a support group.
//!
//! An event inherits what it leaves out (description, url, organiser, location, attendance
//! mode, keywords...) from its series (`superEvent`, or the event it is a `subEvent` of).
//! Keywords and audience types go into `codes`, so configuration rules can map them; no
//! topic is set here except the source's own and what the code table says. When it meets is
//! `schedule.rs`, where it is `place.rs`.

use serde_json::Value;
use url::Url;

use crate::meeting_guide_codes as codes;
use crate::model::{Attendance, Contact, Listing, TopicTag};
use crate::normalize::{table, text, time, web};
use crate::options::SourceOptions;
use crate::problem::RecordProblems;
use crate::taxonomy;

use super::nodes::{self, Found, Graph, Obj};
use super::{place, schedule};

/// What every mapping needs.
pub(super) struct Ctx<'g, 'a> {
    pub graph: &'g Graph<'a>,
    pub opts: &'g SourceOptions,
    pub base: Option<&'g Url>,
}

/// Properties an event takes from its series when it has none of its own.
const INHERITED: [&str; 12] = [
    "name",
    "description",
    "url",
    "organizer",
    "location",
    "eventAttendanceMode",
    "eventStatus",
    "keywords",
    "inLanguage",
    "isAccessibleForFree",
    "offers",
    "audience",
];

/// The listing of one event; `None` (with a problem) when it has no name. `problems` name
/// the event by its position until its id is known, then by that.
pub(super) fn event_listing<'a>(
    found: Found<'a>,
    parent: Option<&'a Obj>,
    ctx: &Ctx<'_, 'a>,
    problems: &mut RecordProblems<'_>,
) -> Option<Listing> {
    let node = found.node;
    let get = |key: &str| -> Option<&'a Value> {
        node.get(key).or_else(|| parent.filter(|_| INHERITED.contains(&key)).and_then(|p| p.get(key)))
    };
    let Some(name) = nodes::text(get("name")).and_then(|n| text::plain_line(&n)).map(|n| text::redact_secrets(&n))
    else {
        problems.dropped(Some("name"), "an event without a name");
        return None;
    };
    let where_text = nodes::text(node.get("location")).unwrap_or_default();
    let schedule_key = serde_json::to_string(&node.get("eventSchedule")).unwrap_or_default();
    let start_key = nodes::text(node.get("startDate")).unwrap_or_default();
    let id = own_id(node, ctx.base)
        .unwrap_or_else(|| format!("jsonld-{}", table::stable_id(&[&name, &schedule_key, &start_key, &where_text])));
    problems.rename(id.as_str());

    let meetings = schedule::meetings(node, ctx.graph, &ctx.opts.timezone, problems);
    let mut listing = common(node, get, &name, &id, ctx, problems);
    // The event's own organiser, else its series', else the organisation it is listed under;
    // people are skipped (`place::organisation`), so a member's name never becomes one.
    let organisers = [get("organizer"), parent.and_then(|p| p.get("organizer"))]
        .into_iter()
        .flatten()
        .flat_map(|o| ctx.graph.resolve_all(o))
        .chain(found.org);
    let org = organisers.into_iter().find_map(|o| place::organisation(o, ctx.opts.country.as_deref()));
    if let Some((org_name, contact)) = org {
        listing.organisation = org_name;
        listing.contact = contact;
    }
    let mode = nodes::text(get("eventAttendanceMode")).map(|m| nodes::short_name(&m).to_owned());
    let status = nodes::text(get("eventStatus")).map(|s| nodes::short_name(&s).to_owned());
    listing.attendance = match (mode.as_deref(), status.as_deref()) {
        (_, Some("EventMovedOnline")) | (Some("OnlineEventAttendanceMode"), _) => Attendance::Online,
        (Some("MixedEventAttendanceMode"), _) => Attendance::Hybrid,
        (Some("OfflineEventAttendanceMode"), _) => Attendance::InPerson,
        _ => listing.attendance,
    };
    listing.active = status.as_deref() != Some("EventCancelled");
    listing.meetings = meetings;
    Some(listing)
}

/// The listing of an organisation that stands for a group; `problems` as for events.
pub(super) fn org_listing<'a>(node: &'a Obj, ctx: &Ctx<'_, 'a>, problems: &mut RecordProblems<'_>) -> Option<Listing> {
    let Some(name) = nodes::text(node.get("name")).and_then(|n| text::plain_line(&n)) else {
        problems.dropped(Some("name"), "an organisation without a name");
        return None;
    };
    let id = own_id(node, ctx.base).unwrap_or_else(|| format!("jsonld-{}", table::stable_id(&[&name])));
    problems.rename(id.as_str());
    let get = |key: &str| -> Option<&'a Value> {
        if key == "location" {
            node.get("location").or_else(|| node.get("address"))
        } else {
            node.get(key)
        }
    };
    let mut listing = common(node, get, &name, &id, ctx, problems);
    if let Some((_, contact)) = place::organisation(node, ctx.opts.country.as_deref()) {
        listing.contact = contact;
    }
    Some(listing)
}

/// True when an organisation describes itself as a support group: "support group", "peer
/// support", "self-help group", "mutual aid", or a meeting about a condition of the core
/// taxonomy. Conservative on purpose: charities and clinics are not groups.
pub(super) fn looks_like_group(node: &Obj) -> bool {
    let fields = ["name", "description", "keywords", "alternateName"];
    let all: Vec<String> = fields.iter().flat_map(|k| nodes::texts(node.get(*k))).collect();
    let words = format!(" {} ", words(&all.join(" ")));
    let phrases =
        ["support group", "peer support", "self help group", "mutual aid", "mutual support", "support meeting"];
    if phrases.iter().any(|p| words.contains(&format!(" {p} "))) {
        return true;
    }
    let meets = [" meeting ", " meetings ", " meets "].iter().any(|w| words.contains(w));
    let mut probe = Listing { name: all.join(" "), ..Listing::default() };
    taxonomy::apply(&mut probe, &taxonomy::core_rules());
    meets && !probe.topics.is_empty()
}

/// What events and organisations share: description, url, location, codes and what they
/// say, cost, languages, update time.
fn common<'a>(
    node: &'a Obj,
    get: impl Fn(&str) -> Option<&'a Value>,
    name: &str,
    id: &str,
    ctx: &Ctx<'_, 'a>,
    problems: &mut RecordProblems<'_>,
) -> Listing {
    let opts = ctx.opts;
    let description =
        nodes::text(get("description")).and_then(|d| text::plain_text(&d)).map(|d| text::redact_secrets(&d));
    let url = nodes::text(get("url")).and_then(|u| absolute(&u, ctx.base));
    let place = place::whereabouts(get("location"), ctx.graph, ctx.base, opts.country.as_deref(), problems);
    let mut given: Vec<String> = Vec::new();
    for keyword in nodes::texts(get("keywords")) {
        given.extend(keyword.split(',').filter_map(text::plain_line));
    }
    for audience in get("audience").map(|a| ctx.graph.resolve_all(a)).unwrap_or_default() {
        given.extend(nodes::texts(audience.get("audienceType")).iter().filter_map(|a| text::plain_line(a)));
    }
    let facts = codes::interpret(&given, &opts.code_overrides);
    let mut topics: Vec<TopicTag> = opts.default_topic_tags();
    topics.extend(facts.topics.iter().cloned());
    topics.sort();
    topics.dedup_by(|a, b| a.topic == b.topic);
    let attendance = match (
        place.online.is_some(),
        place.location.as_ref().is_some_and(|l| l.address.is_some() || l.latitude.is_some()),
    ) {
        (true, true) => Attendance::Hybrid,
        (true, false) => Attendance::Online,
        _ if facts.online => Attendance::Online,
        _ => Attendance::InPerson,
    };
    let updated_at = nodes::text(node.get("dateModified")).and_then(|d| time::parse_updated(&d));
    Listing {
        group: None,
        external_id: id.to_owned(),
        name: name.to_owned(),
        description,
        kind: opts.kind.unwrap_or_default(),
        topics,
        audience: facts.audience.clone(),
        attendance,
        meetings: Vec::new(),
        location: place.location,
        online: place.online,
        contact: Contact::default(),
        organisation: None,
        cost: cost(&get, ctx.graph),
        languages: languages(get("inLanguage"), ctx.graph),
        accessibility: facts.accessibility.clone(),
        open: facts.open,
        codes: facts.codes.clone(),
        url,
        updated_at,
        active: true,
        origins: Vec::new(),
    }
}

/// The node's `@id` when it is a real address (not a blank node), else its `url`.
fn own_id(node: &Obj, base: Option<&Url>) -> Option<String> {
    let id = nodes::text(node.get("@id")).filter(|i| !i.starts_with("_:"));
    id.or_else(|| nodes::text(node.get("url")).and_then(|u| absolute(&u, base)))
}

fn absolute(raw: &str, base: Option<&Url>) -> Option<String> {
    match base.and_then(|b| b.join(raw.trim()).ok()) {
        Some(u) if matches!(u.scheme(), "http" | "https") => web::normalize_url(u.as_str()),
        _ => web::normalize_url(raw),
    }
}

/// "Free" for `isAccessibleForFree` or a zero price; else "10 USD".
fn cost<'a>(get: &impl Fn(&str) -> Option<&'a Value>, graph: &Graph<'a>) -> Option<String> {
    let free = match get("isAccessibleForFree") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    };
    if free {
        return Some("Free".to_owned());
    }
    let offer = get("offers").map(|o| graph.resolve_all(o)).unwrap_or_default().into_iter().next()?;
    let price = nodes::text(offer.get("price"))?;
    let amount: f64 = price.trim().trim_start_matches(['$', '£', '€']).parse().ok()?;
    if amount == 0.0 {
        return Some("Free".to_owned());
    }
    let currency = nodes::text(offer.get("priceCurrency")).and_then(|c| text::plain_line(&c)).unwrap_or_default();
    text::plain_line(&format!("{price} {currency}"))
}

/// BCP 47 primary tags of `inLanguage` ("en-US" -> "en"); language names are left out.
fn languages<'a>(value: Option<&'a Value>, graph: &Graph<'a>) -> Vec<String> {
    let Some(value) = value else { return Vec::new() };
    let mut raw = nodes::texts(Some(value));
    for node in graph.resolve_all(value) {
        raw.extend(nodes::text(node.get("alternateName")));
    }
    let mut out: Vec<String> = Vec::new();
    for tag in raw {
        let primary = tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        if (2..=3).contains(&primary.len())
            && primary.chars().all(|c| c.is_ascii_alphabetic())
            && !out.contains(&primary)
        {
            out.push(primary);
        }
    }
    out
}

fn words(s: &str) -> String {
    let lower = s.to_lowercase();
    lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}
