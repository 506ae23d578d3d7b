//! iCalendar (RFC 5545) for "add to calendar" and calendar subscriptions: one VEVENT per
//! meeting, recurring by RRULE (`FREQ=WEEKLY;BYDAY=TH`, `FREQ=MONTHLY;BYDAY=2TH,4TH`), a
//! one-off by its date, in the group's own zone (`DTSTART;TZID=America/New_York:...`) with a
//! VTIMEZONE for every zone used (`vtimezone.rs`, from chrono-tz).
//!
//! A series starts at its first occurrence on or after the day the group was first seen (a
//! fixed anchor, so the calendar only changes when the group does); meetings by appointment
//! or without a start time have no event. `UID` is the meeting's slug at this service
//! (`<group id>-<slot key>@supportmesh`), stable across imports. `DTSTAMP` is the group's last
//! change. Text is escaped (`\\`, `\;`, `\,`, `\n`) and lines are folded at 75 octets, never
//! inside a UTF-8 character. No email or phone of anyone is written; the join link is the
//! `CONFERENCE` property (RFC 7986), the listing's page the `URL`.

mod vtimezone;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDateTime, TimeDelta, TimeZone};
use chrono_tz::Tz;
use importers::{Meeting, Recurrence, Weekday};

use super::slot_keys;
use crate::model::{next_occurrence, StoredGroup, DEFAULT_LENGTH};

/// A calendar of the meetings of `groups`, named `name`.
pub fn calendar(name: &str, groups: &[&StoredGroup]) -> String {
    let mut body = Vec::new();
    let mut zones: BTreeMap<String, (Tz, i32)> = BTreeMap::new();
    for group in groups {
        for (key, meeting) in slot_keys(group) {
            let Some(event) = event(group, &key, &meeting.slot) else { continue };
            let year = event.start.year();
            zones
                .entry(event.zone.name().to_owned())
                .and_modify(|(_, y)| *y = (*y).min(year))
                .or_insert((event.zone, year));
            body.extend(event.lines);
        }
    }
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//supportmesh//publish//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!("X-WR-CALNAME:{}", escape(name)),
    ];
    for (zone, year) in zones.values() {
        lines.extend(vtimezone::lines(*zone, *year - 1));
    }
    lines.extend(body);
    lines.push("END:VCALENDAR".to_owned());
    let mut out = String::new();
    for line in lines {
        fold_into(&mut out, &line);
    }
    out
}

/// One meeting's event: its lines, its zone and its first local start.
struct Event {
    lines: Vec<String>,
    zone: Tz,
    start: NaiveDateTime,
}

fn event(group: &StoredGroup, key: &str, slot: &Meeting) -> Option<Event> {
    let l = &group.listing;
    if !l.active {
        return None;
    }
    let zone: Tz = slot.timezone.parse().ok()?;
    let start = first_start(slot, zone, group.first_seen)?;
    let length = match (slot.start, slot.end) {
        (Some(s), Some(e)) if e > s => e - s,
        (Some(s), Some(e)) if e < s => e - s + TimeDelta::days(1),
        _ => DEFAULT_LENGTH,
    };
    let rrule = match &slot.recurrence {
        Recurrence::Weekly => Some(format!("FREQ=WEEKLY;BYDAY={}", byday(slot.weekday?))),
        Recurrence::MonthlyNth { weeks } => {
            let day = byday(slot.weekday?);
            let list: Vec<String> = weeks.iter().map(|w| format!("{w}{day}")).collect();
            Some(format!("FREQ=MONTHLY;BYDAY={}", list.join(",")))
        }
        Recurrence::Once { .. } => None,
        Recurrence::ByAppointment => return None,
    };
    let tzid = zone.name();
    let mut lines = vec![
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}-{key}@supportmesh", group.id),
        format!("DTSTAMP:{}", group.updated_at.format("%Y%m%dT%H%M%SZ")),
        format!("DTSTART;TZID={tzid}:{}", local(start)),
        format!("DTEND;TZID={tzid}:{}", local(start + length)),
    ];
    lines.extend(rrule.map(|r| format!("RRULE:{r}")));
    lines.push(format!("SUMMARY:{}", escape(&l.name)));
    if let Some(d) = &l.description {
        lines.push(format!("DESCRIPTION:{}", escape(d)));
    }
    if let Some(place) = l.location.as_ref().and_then(location_text) {
        lines.push(format!("LOCATION:{}", escape(&place)));
    }
    if let Some((lat, lon)) = l.location.as_ref().and_then(|p| p.latitude.zip(p.longitude)) {
        lines.push(format!("GEO:{lat};{lon}"));
    }
    if let Some(url) = l.online.as_ref().and_then(|o| o.url.as_deref()) {
        lines.push(format!("CONFERENCE;VALUE=URI;FEATURE=VIDEO:{url}"));
    }
    if let Some(url) = l.url.as_deref().or(l.contact.website.as_deref()) {
        lines.push(format!("URL:{url}"));
    }
    lines.push("STATUS:CONFIRMED".to_owned());
    lines.push("TRANSP:OPAQUE".to_owned());
    lines.push("END:VEVENT".to_owned());
    Some(Event { lines, zone, start })
}

/// The local start of the series: a one-off's date, else the first occurrence that has not
/// ended when the group was first seen.
fn first_start(slot: &Meeting, zone: Tz, since: chrono::DateTime<chrono::Utc>) -> Option<NaiveDateTime> {
    let start = slot.start?;
    if let Recurrence::Once { date } = slot.recurrence {
        return Some(date.and_time(start));
    }
    let anchor = zone.from_utc_datetime(&since.naive_utc()).date_naive().and_hms_opt(0, 0, 0)?;
    let from = zone.from_local_datetime(&anchor).earliest()?.with_timezone(&chrono::Utc);
    let first = next_occurrence(slot, from)?;
    // The clock reading the meeting is held at, even on a spring-forward day.
    Some(first.local_start.date().and_time(start))
}

fn byday(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "MO",
        Weekday::Tuesday => "TU",
        Weekday::Wednesday => "WE",
        Weekday::Thursday => "TH",
        Weekday::Friday => "FR",
        Weekday::Saturday => "SA",
        Weekday::Sunday => "SU",
    }
}

fn local(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// The place on one line: building, street, town, region and postcode, country; or the
/// source's formatted line when the parts are not given apart.
fn location_text(p: &importers::Location) -> Option<String> {
    let region_postcode = [p.region.as_deref(), p.postcode.as_deref()].into_iter().flatten().collect::<Vec<_>>();
    let region_postcode = (!region_postcode.is_empty()).then(|| region_postcode.join(" "));
    let parts: Vec<String> =
        [p.address.clone(), p.locality.clone(), region_postcode, p.country.clone()].into_iter().flatten().collect();
    let street = if parts.len() >= 2 { Some(parts.join(", ")) } else { p.formatted.clone().or(parts.first().cloned()) };
    let all: Vec<String> = [p.name.clone(), street].into_iter().flatten().collect();
    (!all.is_empty()).then(|| all.join(", "))
}

/// RFC 5545 TEXT: backslash, semicolon, comma and line breaks escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` with CRLF, folded so no physical line exceeds 75 octets (continuations
/// start with a space), never splitting a UTF-8 character.
fn fold_into(out: &mut String, line: &str) {
    let mut budget = 75;
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > budget {
            out.push_str("\r\n ");
            used = 0;
            budget = 74;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "é".repeat(60));
        fold_into(&mut out, &line);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets: {physical}", physical.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), line);
    }

    #[test]
    fn escapes_text() {
        assert_eq!(escape("a, b; c\\d\nnext"), "a\\, b\\; c\\\\d\\nnext");
    }
}
