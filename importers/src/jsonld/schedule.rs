//! When a schema.org event meets: `eventSchedule` (`Schedule`: byDay, byMonthWeek,
//! repeatFrequency, startTime/endTime, scheduleTimezone, duration) or, without one, a one-off
//! `startDate`/`endDate`.
//!
//! Times are local wall-clock times. A timestamp's offset is checked against the zone: a UTC
//! stamp ("Z") is converted to the zone, another offset that disagrees with the zone (a page
//! that hard-codes "-05:00" all year) is read as written and reported. Monthly-by-date
//! schedules cannot be shown and are reported. Other event fields are `event.rs`' job.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone};

use crate::model::{Meeting, Recurrence, Weekday};
use crate::normalize::time;
use crate::problem::RecordProblems;

use super::nodes::{self, Graph, Obj};

/// The meetings of an event. `zone` is the source default; problems go to `problems`.
pub(super) fn meetings<'a>(
    event: &'a Obj,
    graph: &Graph<'a>,
    zone: &str,
    problems: &mut RecordProblems<'_>,
) -> Vec<Meeting> {
    let start = nodes::text(event.get("startDate")).map(|raw| (stamp(&raw), raw));
    let end = nodes::text(event.get("endDate")).and_then(|raw| stamp(&raw));
    if let Some((None, raw)) = &start {
        problems.field("startDate", format!("unreadable date \"{raw}\""));
    }
    let start = start.and_then(|(s, _)| s);
    let duration = nodes::text(event.get("duration")).and_then(|d| minutes(&d));
    let schedules = event.get("eventSchedule").map(|v| graph.resolve_all(v)).unwrap_or_default();
    if schedules.is_empty() {
        let Some(start) = start else {
            problems.field("startDate", "no startDate or eventSchedule: when it meets is unknown");
            return Vec::new();
        };
        let (date, at) = local(start, zone, "startDate", problems);
        let end_at = end.filter(|e| e.date == start.date).map(|e| local(e, zone, "endDate", problems).1);
        let end_at = end_at.flatten().or_else(|| at.zip(duration).map(|(t, m)| t + Duration::minutes(m)));
        let weekday = Weekday::from_iso(i64::from(date.weekday().number_from_monday()));
        return vec![Meeting {
            weekday,
            start: at,
            end: at.and(end_at),
            timezone: zone.to_owned(),
            recurrence: Recurrence::Once { date },
        }];
    }
    let mut out = Vec::new();
    for schedule in schedules {
        out.extend(from_schedule(schedule, start, duration, zone, problems));
    }
    out
}

/// A date, maybe a time, maybe an offset, as written.
#[derive(Debug, Clone, Copy)]
struct Stamp {
    date: NaiveDate,
    time: Option<NaiveTime>,
    offset: Option<FixedOffset>,
}

fn from_schedule(
    s: &Obj,
    event_start: Option<Stamp>,
    event_minutes: Option<i64>,
    default_zone: &str,
    problems: &mut RecordProblems<'_>,
) -> Vec<Meeting> {
    let zone = match nodes::text(s.get("scheduleTimezone")) {
        Some(raw) => time::validate_timezone(&raw).unwrap_or_else(|| {
            problems.field("scheduleTimezone", format!("unknown time zone \"{raw}\"; the source default is used"));
            default_zone.to_owned()
        }),
        None => default_zone.to_owned(),
    };
    if s.contains_key("byMonthDay") {
        problems.field("byMonthDay", "a monthly-by-date schedule cannot be shown; left out");
        return Vec::new();
    }
    let start_stamp = nodes::text(s.get("startDate")).and_then(|d| stamp(&d)).or(event_start);
    let mut weeks: Vec<i8> = Vec::new();
    let mut days: Vec<Weekday> = Vec::new();
    for raw in nodes::texts(s.get("byDay")) {
        match day(nodes::short_name(&raw)) {
            Some((nth, d)) => {
                weeks.extend(nth);
                if !days.contains(&d) {
                    days.push(d);
                }
            }
            None => problems.field("byDay", format!("not a day: \"{raw}\"")),
        }
    }
    for raw in nodes::texts(s.get("byMonthWeek")) {
        match raw.parse::<i8>() {
            Ok(n @ (1..=5 | -1)) => weeks.push(n),
            _ => problems.field("byMonthWeek", format!("week \"{raw}\" cannot be shown (1 to 5, or -1 for last)")),
        }
    }
    weeks.sort_unstable_by_key(|n| if *n < 0 { i8::MAX } else { *n });
    weeks.dedup();
    let frequency = nodes::text(s.get("repeatFrequency")).map(|f| f.trim().to_ascii_uppercase());
    let start_time = nodes::text(s.get("startTime")).and_then(|t| clock(&t));
    let (local_date, stamp_time) = match start_stamp {
        Some(st) => {
            let (d, t) = local(st, &zone, "startDate", problems);
            (Some(d), t)
        }
        None => (None, None),
    };
    let start = start_time.or(stamp_time);
    let minutes = nodes::text(s.get("duration")).and_then(|d| minutes(&d)).or(event_minutes);
    let end = nodes::text(s.get("endTime"))
        .and_then(|t| clock(&t))
        .or_else(|| start.zip(minutes).map(|(t, m)| t + Duration::minutes(m)));
    let mut recurrence = Recurrence::Weekly;
    match frequency.as_deref() {
        None | Some("P1W" | "P7D" | "WEEKLY" | "1W") => {}
        Some("P1D" | "DAILY") if days.is_empty() => days = Weekday::ALL.to_vec(),
        Some("P1D" | "DAILY") => {}
        Some("P2W" | "P14D" | "BIWEEKLY") => {
            problems.field("repeatFrequency", "every other week cannot be shown; listed as weekly");
        }
        Some("P1M" | "MONTHLY") if weeks.is_empty() => match local_date {
            Some(d) => {
                let n = ((d.day() - 1) / 7 + 1) as i8;
                problems.field(
                    "byMonthWeek",
                    format!("monthly without byMonthWeek; read as week {n} of the month, as its start date"),
                );
                weeks.push(n);
            }
            None => {
                problems.field("byMonthWeek", "monthly without byMonthWeek or a start date; left out");
                return Vec::new();
            }
        },
        Some("P1M" | "MONTHLY") => {}
        Some(other) => {
            problems.field("repeatFrequency", format!("\"{other}\" is not weekly or monthly; listed as weekly"))
        }
    }
    if !weeks.is_empty() {
        recurrence = Recurrence::MonthlyNth { weeks };
    }
    if days.is_empty() {
        match local_date.and_then(|d| Weekday::from_iso(i64::from(d.weekday().number_from_monday()))) {
            Some(d) => days.push(d),
            None => {
                problems.field("byDay", "the schedule names no day");
                return Vec::new();
            }
        }
    }
    days.into_iter()
        .map(|d| Meeting {
            weekday: Some(d),
            start,
            end: start.and(end),
            timezone: zone.clone(),
            recurrence: recurrence.clone(),
        })
        .collect()
}

/// "Tuesday", "TU", "2TU", "-1FR" -> (nth week, weekday).
fn day(raw: &str) -> Option<(Option<i8>, Weekday)> {
    let split = raw.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, name) = raw.split_at(split);
    let nth = match number.trim() {
        "" => None,
        n => Some(n.parse::<i8>().ok().filter(|n| (1..=5).contains(n) || *n == -1)?),
    };
    Some((nth, time::weekday_name(&name.trim().to_ascii_lowercase())?))
}

/// "19:00", "19:00:00", "19:00:00-05:00", "7:00 PM", or the time of a full timestamp.
fn clock(raw: &str) -> Option<NaiveTime> {
    if let Some(s) = stamp(raw) {
        return s.time;
    }
    let trimmed = raw.trim().trim_end_matches('Z');
    let cut = trimmed.get(5..).and_then(|rest| rest.find(['+', '-'])).map_or(trimmed.len(), |i| i + 5);
    time::parse_time(trimmed.get(..cut)?)
}

fn stamp(raw: &str) -> Option<Stamp> {
    let s = raw.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        let local = dt.naive_local();
        return Some(Stamp { date: local.date(), time: Some(local.time()), offset: Some(*dt.offset()) });
    }
    for format in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S%z"] {
        if let Ok(dt) = DateTime::parse_from_str(s, format) {
            let local = dt.naive_local();
            return Some(Stamp { date: local.date(), time: Some(local.time()), offset: Some(*dt.offset()) });
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S%.f"]
    {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, format) {
            return Some(Stamp { date: dt.date(), time: Some(dt.time()), offset: None });
        }
    }
    let date = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
    (s.len() == 10).then_some(Stamp { date, time: None, offset: None })
}

/// The stamp's local date and time in `zone` (see the module doc for offsets).
fn local(st: Stamp, zone: &str, field: &str, problems: &mut RecordProblems<'_>) -> (NaiveDate, Option<NaiveTime>) {
    let (Some(at), Some(offset)) = (st.time, st.offset) else { return (st.date, st.time) };
    let Ok(tz) = zone.parse::<chrono_tz::Tz>() else { return (st.date, st.time) };
    let naive = st.date.and_time(at);
    let zone_offset = tz.offset_from_local_datetime(&naive).earliest().map(|o| o.fix());
    if zone_offset == Some(offset) {
        return (st.date, Some(at));
    }
    if offset.local_minus_utc() == 0 {
        let in_zone = tz.from_utc_datetime(&naive).naive_local();
        return (in_zone.date(), Some(in_zone.time()));
    }
    let theirs = zone_offset.map_or_else(|| "none".to_owned(), |o| o.to_string());
    problems.field(
        field,
        format!(
            "offset {offset} is not {zone}'s on {} ({theirs}); the time is read as written, {}",
            st.date,
            at.format("%H:%M")
        ),
    );
    (st.date, Some(at))
}

/// Minutes in an ISO 8601 duration: "PT1H30M", "PT90M", "P0DT1H".
fn minutes(raw: &str) -> Option<i64> {
    let s = raw.trim().to_ascii_uppercase();
    let clock = s.strip_prefix('P')?.split_once('T').map(|(_, c)| c.to_owned())?;
    let mut total = 0i64;
    let mut number = String::new();
    for c in clock.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let n: f64 = number.parse().ok()?;
        number.clear();
        total += match c {
            'H' => (n * 60.0) as i64,
            'M' => n as i64,
            'S' => (n / 60.0) as i64,
            _ => return None,
        };
    }
    (number.is_empty() && (1..=24 * 60).contains(&total)).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_durations_and_clocks() {
        assert_eq!(day("Tuesday"), Some((None, Weekday::Tuesday)));
        assert_eq!(day("2TU"), Some((Some(2), Weekday::Tuesday)));
        assert_eq!(day("-1FR"), Some((Some(-1), Weekday::Friday)));
        assert_eq!(minutes("PT1H30M"), Some(90));
        assert_eq!(minutes("P1W"), None);
        assert_eq!(clock("19:00:00-05:00"), NaiveTime::from_hms_opt(19, 0, 0));
        assert_eq!(clock("2026-03-17T12:00:00-05:00"), NaiveTime::from_hms_opt(12, 0, 0));
    }
}
