//! One BMLT record to one listing.
//!
//! Formats are resolved through the formats table (ids, else local keys; without a table,
//! BMLT's default keys) and the source's `code_overrides` (local key -> NAWS world id), then
//! read for open/closed, audience, access, languages and attendance hints. Attendance comes
//! from `venue_type` (1 in person, 2 virtual, 3 hybrid) and `temporarilyVirtual`; the end time
//! is start + duration. Unpublished meetings, and closed venues without a link, are inactive.

use chrono::TimeDelta;

use crate::meeting_guide_codes::{self as codes, CodeFacts};
use crate::model::{Attendance, GroupKind, Listing, Location, Meeting, OnlineAccess, Recurrence};
use crate::normalize::{address, geo, phone, place, schedule, text, time, web};
use crate::problem::RecordProblems;
use crate::SourceOptions;

use super::formats::{meaning, Format, Formats, Meaning, ServiceBodies};
use super::record::Record;

/// The listing of a record; none (with a problem) when it has no usable name.
pub(super) fn build(
    r: Record,
    formats: &Formats,
    bodies: &ServiceBodies,
    opts: &SourceOptions,
    problems: &mut RecordProblems<'_>,
) -> Option<Listing> {
    let Some(name) = r.name.as_deref().and_then(line) else {
        problems.dropped(Some("name"), "no usable meeting name");
        return None;
    };
    let FormatFacts { facts, hybrid } = format_facts(&r, formats, opts);
    if facts.open_conflict {
        problems.field("formats", "both open and closed; openness left unknown");
    }

    let timezone = match r.timezone.as_deref() {
        Some(raw) => time::validate_timezone(raw).unwrap_or_else(|| {
            problems.field("time_zone", format!("unknown time zone \"{raw}\"; ignored"));
            opts.timezone.clone()
        }),
        None => opts.timezone.clone(),
    };
    let end = match (r.start, r.duration) {
        (Some(start), Some(d)) if d > TimeDelta::zero() && d < TimeDelta::hours(24) => {
            Some(start.overflowing_add_signed(d).0)
        }
        _ => None,
    };
    let comments = r.comments.as_deref().and_then(notes);
    let meetings = match r.weekday {
        Some(day) => {
            let weeks = schedule::monthly_weeks(&name, Some(day), false)
                .or_else(|| comments.as_deref().and_then(|c| schedule::monthly_weeks(c, Some(day), true)));
            let recurrence = weeks.map_or(Recurrence::Weekly, |weeks| Recurrence::MonthlyNth { weeks });
            vec![Meeting { weekday: Some(day), start: r.start, end: r.start.and(end), timezone, recurrence }]
        }
        None => {
            problems.field("day", "no day given; schedule unknown");
            Vec::new()
        }
    };

    let location = location(&r, opts, problems);
    let country = location.as_ref().and_then(|l| l.country.clone()).or_else(|| opts.country.clone());
    let online = online(&r, country.as_deref(), problems);
    let has_link = online.is_some();
    let derived = if hybrid || (has_link && location.as_ref().is_some_and(|l| l.address.is_some())) {
        Attendance::Hybrid
    } else if facts.online || has_link {
        Attendance::Online
    } else {
        Attendance::InPerson
    };
    let attendance = match r.venue_type {
        _ if r.temporarily_virtual => Attendance::Online,
        Some(1) => Attendance::InPerson,
        Some(2) => Attendance::Online,
        Some(3) => Attendance::Hybrid,
        Some(other) => {
            problems.field("venue_type", format!("unknown venue type {other}"));
            derived
        }
        None => derived,
    };
    let closed_without_link = (facts.temporarily_closed || r.temporarily_virtual) && !has_link;
    let location = location.map(|l| Location { approximate: r.venue_type == Some(2), ..l });

    let topics = opts.default_topic_tags();
    let listing = Listing {
        group: None,
        external_id: r.id.clone(),
        name,
        description: comments,
        kind: opts.kind.unwrap_or(GroupKind::TwelveStep),
        topics,
        audience: facts.audience,
        attendance,
        meetings,
        location,
        online,
        contact: Default::default(),
        organisation: r.service_body.as_deref().and_then(|id| bodies.name(id)).map(str::to_owned),
        cost: None,
        languages: facts.languages,
        accessibility: facts.accessibility,
        open: facts.open,
        codes: facts.codes,
        url: None,
        updated_at: None,
        active: r.published != Some(false) && !closed_without_link,
        origins: Vec::new(),
    };
    Some(listing)
}

/// What a record's formats say: the facts Meeting Guide type codes would give (no topics),
/// and whether a format says the meeting is hybrid.
#[derive(Default)]
struct FormatFacts {
    facts: CodeFacts,
    hybrid: bool,
}

/// BMLT's default format keys and their world ids, for a server whose formats table is not
/// at hand (most servers keep these keys).
const DEFAULT_KEYS: [(&str, &str); 13] = [
    ("O", "OPEN"),
    ("C", "CLOSED"),
    ("B", "BEG"),
    ("W", "W"),
    ("M", "M"),
    ("YP", "Y"),
    ("GL", "GL"),
    ("WC", "WCHR"),
    ("ES", "LANG"),
    ("HY", "HYBR"),
    ("VM", "VM"),
    ("TC", "TC"),
    ("ASL", "ASL"),
];

fn format_facts(r: &Record, formats: &Formats, opts: &SourceOptions) -> FormatFacts {
    let mut resolved: Vec<Format> = Vec::new();
    for id in &r.format_ids {
        if let Some(f) = formats.by_id(id).filter(|f| !resolved.iter().any(|g| g.key == f.key)) {
            resolved.push(f.clone());
        }
    }
    for key in &r.format_keys {
        if resolved.iter().any(|f| &f.key == key) {
            continue;
        }
        let found = formats.by_key(key).cloned();
        let fallback = || {
            let world_id = formats.is_empty().then(|| DEFAULT_KEYS.iter().find(|(k, _)| k == key)).flatten();
            Format { key: key.clone(), world_id: world_id.map(|(_, w)| (*w).to_owned()), name: None }
        };
        resolved.push(found.unwrap_or_else(fallback));
    }
    let mut out = FormatFacts::default();
    let facts = &mut out.facts;
    let (mut open, mut closed) = (false, false);
    for f in &resolved {
        for code in [Some(&f.key), f.world_id.as_ref()].into_iter().flatten() {
            if !facts.codes.contains(code) {
                facts.codes.push(code.clone());
            }
        }
        let Some(world) = codes::overridden(&opts.code_overrides, &f.key).or(f.world_id.as_ref()) else { continue };
        match meaning(world, &f.key, f.name.as_deref()) {
            Some(Meaning::Open(true)) => open = true,
            Some(Meaning::Open(false)) => closed = true,
            Some(Meaning::Audience(a)) => facts.audience.push(a),
            Some(Meaning::Access(x)) => facts.accessibility.push(x),
            Some(Meaning::Languages(tags)) => facts.languages.extend(tags),
            Some(Meaning::SignLanguage) => {
                facts.accessibility.push(crate::model::Accessibility::SignLanguage);
                facts.languages.push("ase".to_owned());
            }
            Some(Meaning::Hybrid) => out.hybrid = true,
            Some(Meaning::Online) => facts.online = true,
            Some(Meaning::TemporarilyClosed) => facts.temporarily_closed = true,
            None => {}
        }
    }
    facts.settle(open, closed);
    out
}

fn location(r: &Record, opts: &SourceOptions, problems: &mut RecordProblems<'_>) -> Option<Location> {
    let country = r.nation.as_deref().and_then(|raw| {
        let code = address::country_code(raw, true);
        if code.is_none() {
            problems.field("location_nation", format!("unknown country \"{}\"", line(raw).unwrap_or_default()));
        }
        code
    });
    // BMLT servers write 0, 0 for a meeting without coordinates: not a point, and no fault.
    let (lat, lng) = match (r.latitude, r.longitude) {
        (Some(lat), Some(lng)) if lat == 0.0 && lng == 0.0 => (None, None),
        given => given,
    };
    let (latitude, longitude) = geo::coordinates(lat.into(), lng.into(), ("latitude", "longitude"), problems).unzip();
    let name = r.location_text.as_deref().and_then(line);
    let street = r.street.as_deref().and_then(line);
    let locality = r.town.as_deref().and_then(line);
    let region = r.province.as_deref().and_then(line);
    let postcode = r.postcode.as_deref().and_then(line);
    let notes = r.location_info.as_deref().and_then(notes);
    let read = Location {
        name,
        address: street,
        locality,
        region,
        postcode,
        country,
        latitude,
        longitude,
        notes,
        ..Location::default()
    };
    place::location_from_fields(read, opts.country.as_deref())
}

fn online(r: &Record, country: Option<&str>, problems: &mut RecordProblems<'_>) -> Option<OnlineAccess> {
    let url = r.virtual_link.as_deref().and_then(|raw| {
        let url = web::conference_url(raw);
        if url.is_none() {
            problems.field("virtual_meeting_link", "not an http(s) link");
        }
        url.map(|u| (u, web::conference_id(raw)))
    });
    let phone = r.phone_meeting.as_deref().and_then(|raw| {
        let phone = phone::conference_phone(raw, country);
        if phone.is_none() {
            problems.field("phone_meeting_number", "not a phone number");
        }
        phone.map(|p| (p, phone::dial_meeting_id(raw)))
    });
    if url.is_none() && phone.is_none() {
        return None;
    }
    let info = r.virtual_info.as_deref().and_then(text::plain_text).and_then(|info| {
        let kept: Vec<&str> = info.lines().filter(|l| !text::mentions_secret(l)).collect();
        text::plain_text(&text::redact_secrets(&kept.join("\n")))
    });
    let conference_id =
        url.as_ref().and_then(|(_, id)| id.clone()).or_else(|| phone.as_ref().and_then(|(_, id)| id.clone()));
    Some(OnlineAccess { url: url.map(|(u, _)| u), phone: phone.map(|(p, _)| p), conference_id, notes: info })
}

/// Sanitised one-line text, passcodes redacted.
fn line(raw: &str) -> Option<String> {
    text::plain_line(raw).map(|t| text::redact_secrets(&t))
}

/// Sanitised notes, passcodes redacted (members' contact details are `crate::finish`'s).
fn notes(raw: &str) -> Option<String> {
    text::plain_text(raw).map(|t| text::redact_secrets(&t))
}
