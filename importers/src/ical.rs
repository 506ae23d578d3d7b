//! iCalendar (`.ics`) feeds of group meetings: one listing per event series (`UID`).
//!
//! The first `VEVENT` of a `UID` without `RECURRENCE-ID` is the series; overrides of single
//! dates are ignored. `SUMMARY` is the name; `DESCRIPTION` the description (markup, passcodes,
//! members' contact sentences removed); `DTSTART` with its `TZID` (IANA, Windows or prefixed
//! names; see `ical/when.rs`), a UTC time shown in the calendar's zone (`X-WR-TIMEZONE`, else
//! the source's) or a date (all day) gives the start; `DTEND` or `DURATION` the end. The
//! `RRULE` gives the meetings (`ical/rrule.rs`): a weekly meeting per `BYDAY`, nth weekdays of
//! the month, or one date. `LOCATION` is split into a place unless it is a way to join
//! ("Online", a link); `GEO` gives the point; the join link comes from `X-GOOGLE-CONFERENCE`,
//! `CONFERENCE`, `X-MICROSOFT-SKYPETEAMSMEETINGURL`, or a conference link in `URL`,
//! `LOCATION` or `DESCRIPTION`; `CATEGORIES` become codes. `STATUS:CANCELLED` and
//! `CLASS:PRIVATE`/`CONFIDENTIAL` events are skipped with a problem. `ORGANIZER` and
//! `ATTENDEE` (people) are never read.
//!
//! A series whose `UNTIL` or `COUNT` has run out is still listed: the parser has no clock, so
//! it cannot tell an ended series from a running one. `EXDATE`s and `RDATE`s only thin or add
//! single dates and are not shown. This format takes no options.

mod document;
mod rrule;
mod when;

use chrono::{NaiveDateTime, NaiveTime, TimeDelta};
use chrono_tz::Tz;
use icalendar::parser::Component;

use crate::model::{Attendance, Listing, Location, Meeting, OnlineAccess};
use crate::normalize::{geo, links, place, text, web};
use crate::options::SourceOptions;
use crate::problem::{DocumentError, Parsed, RecordProblems};
use crate::Documents;

use document::{param, props, value};

/// Parses one iCalendar document.
pub fn parse(docs: &Documents<'_>, options: &SourceOptions) -> Result<Parsed, DocumentError> {
    crate::options::no_options(&options.format_options).map_err(|e| DocumentError(format!("ical options: {e}")))?;
    let mut parsed = Parsed::default();
    let calendars = document::read(docs.root, &mut RecordProblems::document(&mut parsed.problems))?;
    let default_zone = options.timezone.parse::<Tz>().unwrap_or(Tz::UTC);
    let mut seen = std::collections::HashSet::new();
    for calendar in &calendars {
        let zone = value(calendar, "X-WR-TIMEZONE").and_then(when::zone).unwrap_or(default_zone);
        for (index, (uid, event)) in
            series(calendar, &mut RecordProblems::document(&mut parsed.problems)).into_iter().enumerate()
        {
            let record = uid.clone().unwrap_or_else(|| format!("[VEVENT {}]", index + 1));
            let mut problems = RecordProblems::new(&mut parsed.problems, record);
            match listing(event, uid, zone, options, &mut problems) {
                Some(l) if !seen.insert(l.external_id.clone()) => {
                    problems.dropped(Some("UID"), "repeats the UID of an earlier series; skipped");
                }
                Some(l) => parsed.listings.push(l),
                None => {}
            }
        }
    }
    Ok(parsed)
}

/// Checks this format's options: it takes none.
pub fn check_options(options: &serde_json::Value) -> Result<(), String> {
    crate::options::no_options(options)
}

/// The series of a calendar in document order: (UID, the event that describes it).
fn series<'c>(
    calendar: &'c Component<'c>,
    problems: &mut RecordProblems<'_>,
) -> Vec<(Option<String>, &'c Component<'c>)> {
    let mut out: Vec<(Option<String>, &Component, bool)> = Vec::new();
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let events = calendar.components.iter().filter(|c| c.name.as_str().eq_ignore_ascii_case("VEVENT"));
    for event in events {
        let uid = value(event, "UID").and_then(text::plain_line);
        let master = value(event, "RECURRENCE-ID").is_none();
        let Some(id) = uid.clone() else {
            out.push((None, event, master));
            continue;
        };
        match at.get(&id).and_then(|&i| out.get_mut(i)) {
            None => {
                at.insert(id, out.len());
                out.push((uid, event, master));
            }
            Some(slot) if !slot.2 && master => *slot = (uid, event, true),
            Some(slot) if slot.2 && master => {
                let why = "another event with the same UID and no RECURRENCE-ID; only the first is listed";
                problems.at(id).dropped(Some("UID"), why);
            }
            Some(_) => {}
        }
    }
    out.into_iter().map(|(uid, event, _)| (uid, event)).collect()
}

/// One series as a listing; `None` when it is skipped (cancelled, private, untitled).
fn listing(
    event: &Component<'_>,
    uid: Option<String>,
    calendar_zone: Tz,
    opts: &SourceOptions,
    problems: &mut RecordProblems<'_>,
) -> Option<Listing> {
    if value(event, "STATUS").is_some_and(|s| s.eq_ignore_ascii_case("CANCELLED")) {
        problems.dropped(Some("STATUS"), "cancelled (STATUS:CANCELLED)");
        return None;
    }
    if value(event, "CLASS")
        .is_some_and(|c| c.eq_ignore_ascii_case("PRIVATE") || c.eq_ignore_ascii_case("CONFIDENTIAL"))
    {
        problems.dropped(Some("CLASS"), "a private event: not listed");
        return None;
    }
    let Some(name) = value(event, "SUMMARY").and_then(text::plain_line).map(|n| text::redact_secrets(&n)) else {
        problems.dropped(Some("SUMMARY"), "no title (SUMMARY)");
        return None;
    };
    let external_id = uid.unwrap_or_else(|| {
        let why = "no UID: the id is made from the start and title, and changes when they do";
        problems.field("UID", why);
        format!("{} {}", value(event, "DTSTART").unwrap_or_default(), name)
    });
    let raw_description = value(event, "DESCRIPTION").unwrap_or_default();
    let description = text::plain_text(raw_description).map(|d| links::scrub_links(&text::redact_secrets(&d)));

    let meetings = meetings(event, calendar_zone, problems);
    let place_line = value(event, "LOCATION").and_then(text::plain_line);
    let online_place = place_line.as_deref().is_some_and(place::names_online);
    let mut location =
        place_line.as_deref().filter(|_| !online_place).map(|l| place::location_from_line(l, opts.country.as_deref()));
    add_geo(event, &mut location, problems);
    let link = join_link(event, raw_description);
    let online = link.as_deref().map(|link| OnlineAccess {
        url: web::conference_url(link),
        conference_id: web::conference_id(link),
        ..OnlineAccess::default()
    });
    let attendance = match (online.is_some() || online_place, location.as_ref().is_some_and(|l| l.formatted.is_some()))
    {
        (true, true) => Attendance::Hybrid,
        (true, false) => Attendance::Online,
        (false, _) => Attendance::InPerson,
    };
    let url = value(event, "URL").filter(|u| web::conference_id(u).is_none()).and_then(web::normalize_url);
    let mut codes: Vec<String> = Vec::new();
    for code in props(event, "CATEGORIES").flat_map(|p| document::text_list(p.val.as_str())) {
        match text::plain_line(&code) {
            Some(code) if !codes.contains(&code) => codes.push(code),
            _ => {}
        }
    }
    Some(Listing {
        external_id,
        name,
        description,
        kind: opts.kind.unwrap_or_default(),
        topics: opts.default_topic_tags(),
        attendance,
        meetings,
        location,
        online,
        codes,
        url,
        updated_at: value(event, "LAST-MODIFIED").and_then(when::timestamp),
        active: true,
        ..Listing::default()
    })
}

/// The meetings of the series, in the event's zone (else the calendar's).
fn meetings(event: &Component<'_>, calendar_zone: Tz, problems: &mut RecordProblems<'_>) -> Vec<Meeting> {
    let Some(start_prop) = props(event, "DTSTART").next() else {
        problems.field("DTSTART", "no start (DTSTART): schedule unknown");
        return Vec::new();
    };
    let is_date =
        |p: &icalendar::parser::Property<'_>| param(p, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
    let start = match when::read_when(start_prop.val.as_str(), param(start_prop, "TZID"), is_date(start_prop)) {
        Ok((start, warning)) => {
            if let Some(w) = warning {
                problems.field("DTSTART", format!("{w}; times taken as {}", calendar_zone.name()));
            }
            start
        }
        Err(why) => {
            problems.field("DTSTART", why);
            return Vec::new();
        }
    };
    let zone = start.zone().unwrap_or(calendar_zone);
    let local_start = start.local_in(zone);
    let Some(first) = start.date_in(zone) else {
        problems.field("DTSTART", "the start time does not exist in its zone");
        return Vec::new();
    };
    let day_shift = (first - start.written_date()).num_days();
    let end = local_start.and_then(|s| end_time(event, s, zone, &is_date));
    if props(event, "RDATE").next().is_some() {
        problems.field("RDATE", "extra dates (RDATE) are not shown");
    }
    let pattern = match rrule::pattern(value(event, "RRULE"), first, day_shift) {
        Ok(p) => p,
        Err(why) => {
            problems.field("RRULE", format!("{why}: schedule unknown"));
            return Vec::new();
        }
    };
    for note in pattern.notes {
        problems.field("RRULE", note);
    }
    let start_time = local_start.map(|t| t.time());
    pattern
        .days
        .into_iter()
        .map(|(day, recurrence)| Meeting {
            weekday: Some(day),
            start: start_time,
            end,
            timezone: zone.name().to_owned(),
            recurrence,
        })
        .collect()
}

/// The end time from `DTEND` or `DURATION`, when it is after the start and within a day.
fn end_time(
    event: &Component<'_>,
    start: NaiveDateTime,
    zone: Tz,
    is_date: &dyn Fn(&icalendar::parser::Property<'_>) -> bool,
) -> Option<NaiveTime> {
    let end = match props(event, "DTEND").next() {
        Some(p) => when::read_when(p.val.as_str(), param(p, "TZID"), is_date(p)).ok()?.0.local_in(zone),
        None => value(event, "DURATION").and_then(when::duration).and_then(|d| start.checked_add_signed(d)),
    }?;
    let length = end - start;
    (length > TimeDelta::zero() && length < TimeDelta::days(1)).then(|| end.time())
}

/// `GEO:lat;lon` on the location (a bare point when there is no `LOCATION`).
fn add_geo(event: &Component<'_>, location: &mut Option<Location>, problems: &mut RecordProblems<'_>) {
    let Some(raw) = value(event, "GEO") else { return };
    let mut parts = raw.split([';', ',']);
    let (lat, lon) = (geo::Coordinate::text(parts.next()), geo::Coordinate::text(parts.next()));
    if let Some((lat, lon)) = geo::coordinates(lat, lon, ("GEO", "GEO"), problems) {
        let loc = location.get_or_insert_with(Location::default);
        loc.latitude = Some(lat);
        loc.longitude = Some(lon);
    }
}

/// The join link: a conference property, else a conference link in `URL`, `LOCATION` or
/// the description.
fn join_link(event: &Component<'_>, raw_description: &str) -> Option<String> {
    let explicit = ["X-GOOGLE-CONFERENCE", "CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL"]
        .into_iter()
        .filter_map(|name| value(event, name))
        .find(|v| web::normalize_url(v).is_some());
    let recognised = || {
        ["URL", "LOCATION"].into_iter().filter_map(|name| value(event, name)).find(|v| web::conference_id(v).is_some())
    };
    explicit.or_else(recognised).map(str::to_owned).or_else(|| links::first_conference_link(raw_description))
}
