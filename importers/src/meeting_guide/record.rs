//! One Meeting Guide record to its listings: one per weekday it names.
//!
//! Decides schedule (days, times, zone, monthly and zone hints in the name or notes, by
//! appointment), attendance and active state from `attendance_option`, the type codes and the
//! presence of a place and a conference link, and fills the rest of the `Listing`. Field reading is in
//! `fields.rs`, places and contacts in `place.rs`, ids and duplicates in `meeting_guide.rs`.

use chrono::NaiveTime;
use serde_json::Value;

use crate::meeting_guide_codes::{self as codes, CodeFacts};
use crate::model::{Attendance, GroupKind, Listing, Meeting, Recurrence, TopicTag, Weekday};
use crate::normalize::{schedule, time, web};
use crate::options::SourceOptions;

use super::fields::{show, Fields};
use super::place;

/// Builds the listings of one record whose `name` and unique id are already known. One
/// listing per weekday; `base_id` gets a `#<day>` suffix when there are several.
pub(super) fn listings(f: &mut Fields, name: String, base_id: &str, opts: &SourceOptions) -> Vec<Listing> {
    let facts = code_facts(f, opts);
    let days = days(f);
    let start = time_field(f, "time");
    let end = time_field(f, "end_time");
    let timezone = timezone(f, opts, &name, start);
    let notes = f.text("notes");
    let group_notes = f.text("group_notes").filter(|g| notes.as_ref() != Some(g));
    let description = [notes.clone(), group_notes].into_iter().flatten().collect::<Vec<_>>().join("\n\n");

    let location = place::location(f, opts);
    let country = location.as_ref().and_then(|l| l.country.clone()).or_else(|| opts.country.clone());
    let online = place::online(f, country.as_deref());
    let (contact, organisation) = place::contact(f, country.as_deref());
    let in_person = place::is_in_person_place(location.as_ref());
    let (attendance, active) = attendance(f, &facts, online.is_some(), in_person);

    let url = f.scalar("url").and_then(|raw| {
        let url = web::normalize_url(&raw);
        if url.is_none() {
            f.problems.field("url", "not an http(s) link");
        }
        url
    });
    let updated_at = f.scalar("updated").and_then(|raw| {
        let parsed = time::parse_updated(&raw);
        if parsed.is_none() {
            f.problems.field("updated", format!("unreadable date \"{raw}\""));
        }
        parsed
    });

    let mut topics: Vec<TopicTag> = opts.default_topic_tags();
    topics.extend(facts.topics.iter().cloned());
    topics.sort();
    topics.dedup_by(|a, b| a.topic == b.topic);

    let every_other =
        schedule::says_every_other_week(&name) || notes.as_deref().is_some_and(schedule::says_every_other_week);
    if every_other {
        f.problems.field("name", "says every other week, which cannot be shown; listed as weekly");
    }
    let base = Listing {
        external_id: base_id.to_owned(),
        name: name.clone(),
        group: f.text("group"),
        description: (!description.is_empty()).then_some(description),
        kind: opts.kind.unwrap_or(GroupKind::TwelveStep),
        topics,
        audience: facts.audience.clone(),
        attendance,
        meetings: Vec::new(),
        location,
        online,
        contact,
        organisation,
        cost: None,
        languages: facts.languages.clone(),
        accessibility: facts.accessibility.clone(),
        open: facts.open,
        codes: facts.codes.clone(),
        url,
        updated_at,
        active,
        origins: Vec::new(),
    };
    let meeting = |weekday: Option<Weekday>, recurrence: Recurrence| Meeting {
        weekday,
        start: weekday.and(start),
        end: weekday.and(start).and(end),
        timezone: timezone.clone(),
        recurrence,
    };
    match days {
        Days::Missing => vec![Listing { meetings: vec![meeting(None, Recurrence::ByAppointment)], ..base }],
        Days::Unreadable => vec![base],
        Days::Listed(list) => {
            let several = list.len() > 1;
            list.into_iter()
                .map(|(label, day)| {
                    let weeks = schedule::monthly_weeks(&name, Some(day), false)
                        .or_else(|| notes.as_deref().and_then(|n| schedule::monthly_weeks(n, Some(day), true)));
                    let recurrence = weeks.map_or(Recurrence::Weekly, |weeks| Recurrence::MonthlyNth { weeks });
                    let external_id = if several { format!("{base_id}#{label}") } else { base_id.to_owned() };
                    Listing { external_id, meetings: vec![meeting(Some(day), recurrence)], ..base.clone() }
                })
                .collect()
        }
    }
}

/// What the `day` field gives.
enum Days {
    /// No day at all: a meeting by appointment.
    Missing,
    /// A day was given but none could be read: schedule unknown.
    Unreadable,
    /// (day as written, weekday), repeats removed.
    Listed(Vec<(String, Weekday)>),
}

fn days(f: &mut Fields) -> Days {
    let Some(value) = f.get("day") else { return Days::Missing };
    let items: Vec<&Value> = match value {
        Value::Array(items) if items.is_empty() => return Days::Missing,
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    let mut listed: Vec<(String, Weekday)> = Vec::new();
    for item in items {
        let label = match item {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            other => {
                f.problems.field("day", format!("expected a day number, found {}", super::json_kind(other)));
                continue;
            }
        };
        let day = if label == "7" {
            f.problems.field("day", "day 7 is outside 0-6; read as Sunday");
            Some(Weekday::Sunday)
        } else {
            label
                .parse::<f64>()
                .ok()
                .filter(|n| n.fract() == 0.0)
                .map_or_else(|| time::parse_weekday(&label), |n| Weekday::from_sunday0(n as i64))
        };
        match day {
            Some(day) if !listed.iter().any(|(_, d)| *d == day) => listed.push((label, day)),
            Some(_) => {}
            None => f.problems.field("day", format!("not a day: {}", show(item))),
        }
    }
    if listed.is_empty() {
        Days::Unreadable
    } else {
        Days::Listed(listed)
    }
}

fn time_field(f: &mut Fields, key: &str) -> Option<NaiveTime> {
    let raw = f.scalar(key)?;
    let parsed = time::parse_time(&raw);
    if parsed.is_none() {
        f.problems.field(key, format!("unreadable time \"{raw}\""));
    }
    parsed
}

/// The row's `timezone` when valid; else the zone the name states for this very start time
/// ("Soho EDA - 7pm London Time" at 19:00); else the source default.
fn timezone(f: &mut Fields, opts: &SourceOptions, name: &str, start: Option<NaiveTime>) -> String {
    if let Some(raw) = f.scalar("timezone") {
        match time::validate_timezone(&raw) {
            Some(zone) => return zone,
            None => f.problems.field("timezone", format!("unknown time zone \"{raw}\"; ignored")),
        }
    }
    match schedule::zone_hint(name) {
        Some((zone, clock)) if Some(clock) == start => zone.to_owned(),
        _ => opts.timezone.clone(),
    }
}

fn code_facts(f: &mut Fields, opts: &SourceOptions) -> CodeFacts {
    let given = match f.get("types").map(codes::split_types) {
        None => Vec::new(),
        Some(Ok(codes)) => codes,
        Some(Err(why)) => {
            f.problems.field("types", why);
            Vec::new()
        }
    };
    let facts = codes::interpret(&given, &opts.code_overrides);
    if facts.open_conflict {
        f.problems.field("types", "both open and closed; openness left unknown");
    }
    facts
}

/// Attendance and whether the meeting is active. `attendance_option` wins when given;
/// otherwise a conference link with a real place is hybrid, one without (or with the place
/// temporarily closed) is online. A closed place without a link, or "inactive", is inactive.
fn attendance(f: &mut Fields, facts: &CodeFacts, has_conference: bool, in_person: bool) -> (Attendance, bool) {
    let derived = if has_conference && in_person && !facts.temporarily_closed {
        Attendance::Hybrid
    } else if has_conference || facts.online {
        Attendance::Online
    } else {
        Attendance::InPerson
    };
    let closed_without_link = facts.temporarily_closed && !has_conference;
    match f.scalar("attendance_option").map(|s| s.to_ascii_lowercase()).as_deref() {
        Some("online") => (Attendance::Online, true),
        Some("hybrid") => (Attendance::Hybrid, true),
        Some("in_person") => (Attendance::InPerson, !closed_without_link),
        Some("inactive") => (derived, false),
        Some(other) => {
            f.problems.field("attendance_option", format!("unknown option \"{other}\""));
            (derived, !closed_without_link)
        }
        None => (derived, !closed_without_link),
    }
}
