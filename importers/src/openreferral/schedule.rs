//! Open Referral schedules to meetings: HSDS 1.1 `regular_schedule` rows (a weekday plus
//! opening hours) and the RFC 5545-like `schedule` objects of HSDS 3.0 and ORUK (`freq`,
//! `byday`, `bymonthday`, `dtstart`...).
//!
//! `byday` with a weekly (or no) `freq` gives one weekly meeting per day; a monthly `freq`
//! with ordinals ("2TH,4TH", "-1FR") gives the nth weekdays of the month; a `dtstart` date
//! without `freq` is a one-off. HSDS 1.1 `weekday` is a name or an ISO number (1 = Monday,
//! 7 = Sunday; 0 is read as Sunday). A time written with a UTC offset ("10:00Z") keeps its
//! clock reading: turning it into local time needs a date, which a weekly schedule lacks.
//! Where a row's text says "1st Tuesday every month" for that very day, the meeting is
//! monthly. What cannot be shown (every other week, day 15 of the month) is a problem,
//! reported once however many rows repeat it.

use chrono::{Datelike, NaiveDate, NaiveTime};

use crate::model::{Meeting, Recurrence, Weekday};
use crate::normalize::{schedule as phrases, time};
use crate::problem::RecordProblems;

/// One schedule as the source gives it; every field raw and optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ScheduleRow {
    pub weekday: Option<String>,
    pub byday: Option<String>,
    pub freq: Option<String>,
    pub interval: Option<String>,
    pub bymonthday: Option<String>,
    pub dtstart: Option<String>,
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
    pub timezone: Option<String>,
    /// Human text about the schedule (`description`, Miami's `original_text`).
    pub text: Option<String>,
}

/// The meetings the rows describe, in `default_tz` unless a row names a valid IANA zone.
pub(crate) fn meetings(rows: &[ScheduleRow], default_tz: &str, problems: &mut RecordProblems<'_>) -> Vec<Meeting> {
    let mut out: Vec<Meeting> = Vec::new();
    for row in rows {
        for meeting in row_meetings(row, default_tz, problems) {
            if !out.contains(&meeting) {
                out.push(meeting);
            }
        }
    }
    out.sort_by_key(|m| (m.weekday, m.start));
    out
}

fn row_meetings(row: &ScheduleRow, default_tz: &str, problems: &mut RecordProblems<'_>) -> Vec<Meeting> {
    let timezone = zone(row, default_tz, problems);
    let start = clock(row.opens_at.as_deref(), "opens_at", problems);
    let mut end = clock(row.closes_at.as_deref(), "closes_at", problems);
    if let (Some(s), Some(e)) = (start, end) {
        // Past midnight is fine (16:00-00:00); a 22-hour "meeting" (21:00-19:00) is a typo.
        if e < s && (s - e) < chrono::TimeDelta::hours(12) {
            problems.field_once("closes_at", format!("closes at {e} before it opens at {s}; the end time is left out"));
            end = None;
        }
    }
    let freq = row.freq.as_deref().map(|f| f.trim().to_ascii_uppercase()).unwrap_or_default();
    let interval = row.interval.as_deref().and_then(|i| i.trim().parse::<f64>().ok()).unwrap_or(1.0);
    if interval > 1.0 {
        problems.field_once("interval", format!("repeats every {interval} {}; listed as if every one", period(&freq)));
    }
    let meeting = |weekday: Weekday, recurrence: Recurrence| Meeting {
        weekday: Some(weekday),
        start,
        end: start.and(end),
        timezone: timezone.clone(),
        recurrence,
    };
    let text = row.text.as_deref().unwrap_or_default();
    let weekly_or_hint = |day: Weekday| {
        let weeks = (!text.is_empty()).then(|| phrases::monthly_weeks(text, Some(day), false)).flatten();
        weeks.map_or(Recurrence::Weekly, |weeks| Recurrence::MonthlyNth { weeks })
    };

    if let Some(byday) = row.byday.as_deref().filter(|b| !b.trim().is_empty()) {
        let days = by_day(byday, problems);
        let mut out = Vec::new();
        for day in Weekday::ALL {
            let mut weeks: Vec<i8> = days.iter().filter(|(_, d)| *d == day).filter_map(|(n, _)| *n).collect();
            let plain = days.iter().any(|(n, d)| *d == day && n.is_none());
            if !plain && weeks.is_empty() {
                continue;
            }
            let recurrence = if !plain && (freq == "MONTHLY" || freq.is_empty()) {
                weeks.sort_unstable_by_key(|n| if *n < 0 { i8::MAX } else { *n });
                weeks.dedup();
                Recurrence::MonthlyNth { weeks }
            } else {
                if !plain {
                    problems
                        .field_once("byday", format!("ordinals in \"{byday}\" need freq MONTHLY; read as every week"));
                }
                if freq == "MONTHLY" {
                    Recurrence::Weekly
                } else {
                    weekly_or_hint(day)
                }
            };
            out.push(meeting(day, recurrence));
        }
        return out;
    }
    if let Some(raw) = row.weekday.as_deref().filter(|w| !w.trim().is_empty()) {
        let mut out = Vec::new();
        for part in raw.split([',', '/', ';']).map(str::trim).filter(|p| !p.is_empty()) {
            match iso_weekday(part) {
                Some(day) => out.push(meeting(day, weekly_or_hint(day))),
                None => problems.field_once("weekday", format!("not a day: \"{part}\"")),
            }
        }
        return out;
    }
    if freq == "DAILY" {
        return Weekday::ALL.into_iter().map(|d| meeting(d, Recurrence::Weekly)).collect();
    }
    if freq == "MONTHLY" && row.bymonthday.as_deref().is_some_and(|d| !d.trim().is_empty()) {
        problems.field_once("bymonthday", "a day of the month (not a weekday) cannot be shown; no meeting listed");
        return Vec::new();
    }
    if let Some(date) = row.dtstart.as_deref().and_then(date_of).filter(|_| freq.is_empty()) {
        let from_dtstart = row.dtstart.as_deref().and_then(clock_of_datetime);
        let start = start.or(from_dtstart);
        let day = Weekday::from_iso(i64::from(date.weekday().number_from_monday()));
        return day
            .map(|weekday| Meeting {
                weekday: Some(weekday),
                start,
                end: start.and(end),
                timezone,
                recurrence: Recurrence::Once { date },
            })
            .into_iter()
            .collect();
    }
    if start.is_some() {
        problems.field_once("weekday", "opening hours without a day; no meeting listed");
    }
    Vec::new()
}

/// "MO,TU", "2TH, 4TH", "-1FR", "Monday": (ordinal, day) pairs; bad items are reported.
fn by_day(raw: &str, problems: &mut RecordProblems<'_>) -> Vec<(Option<i8>, Weekday)> {
    let mut out = Vec::new();
    for item in raw.split([',', ' ', ';']).map(str::trim).filter(|i| !i.is_empty()) {
        let split = item.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(item.len());
        let (number, name) = item.split_at(split);
        let day = time::weekday_name(&name.to_ascii_lowercase());
        let ordinal = match number.trim() {
            "" => Ok(None),
            n => match n.trim_start_matches('+').parse::<i8>() {
                Ok(k @ 1..=5) | Ok(k @ -1) => Ok(Some(k)),
                _ => Err(()),
            },
        };
        match (ordinal, day) {
            (Ok(ordinal), Some(day)) => out.push((ordinal, day)),
            _ => problems
                .field_once("byday", format!("cannot read \"{item}\" (expected MO..SU, optionally after 1-5 or -1)")),
        }
    }
    out
}

/// An HSDS 1.1 weekday: a name, or an ISO number (1 = Monday ... 7 = Sunday, 0 = Sunday).
fn iso_weekday(raw: &str) -> Option<Weekday> {
    match raw.trim().parse::<f64>() {
        Ok(n) if n.fract() == 0.0 && n.abs() < 100.0 => match n as i64 {
            0 => Some(Weekday::Sunday),
            k => Weekday::from_iso(k),
        },
        Ok(_) => None,
        Err(_) => time::weekday_name(&raw.trim().trim_end_matches('.').to_ascii_lowercase()),
    }
}

/// A time of day; a trailing `Z` or UTC offset is dropped (see the module doc).
fn clock(raw: Option<&str>, field: &str, problems: &mut RecordProblems<'_>) -> Option<NaiveTime> {
    let raw = raw?.trim();
    if raw.is_empty() {
        return None;
    }
    let parsed = time::parse_time(strip_offset(raw)).or_else(|| clock_of_datetime(raw));
    if parsed.is_none() {
        problems.field_once(field, format!("unreadable time \"{raw}\""));
    }
    parsed
}

fn strip_offset(raw: &str) -> &str {
    let s = raw.strip_suffix(['Z', 'z']).unwrap_or(raw);
    // "10:00+01:00", "10:00:00-0500": an offset after a clock with a colon.
    match s.rfind(['+', '-']) {
        Some(i) if i >= 4 && s[..i].contains(':') => &s[..i],
        _ => s,
    }
}

/// The date of "2024-05-02" or "2024-05-02T19:00:00Z".
fn date_of(raw: &str) -> Option<NaiveDate> {
    let head = raw.trim().get(..10)?;
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

/// The clock reading of "2024-05-02T19:00:00" (offset ignored), if it has one.
fn clock_of_datetime(raw: &str) -> Option<NaiveTime> {
    let (_, t) = raw.trim().split_once(['T', ' '])?;
    time::parse_time(strip_offset(t))
}

/// The row's zone when it names an IANA zone; a number (HSDS 3.0's UTC offset) or unknown
/// name is reported and the source's zone used.
fn zone(row: &ScheduleRow, default_tz: &str, problems: &mut RecordProblems<'_>) -> String {
    let Some(raw) = row.timezone.as_deref().map(str::trim).filter(|z| !z.is_empty()) else {
        return default_tz.to_owned();
    };
    match time::validate_timezone(raw) {
        Some(zone) => zone,
        None => {
            problems.field_once(
                "timezone",
                format!("\"{raw}\" is not a time zone name; the source's zone {default_tz} is used"),
            );
            default_tz.to_owned()
        }
    }
}

fn period(freq: &str) -> &'static str {
    match freq {
        "MONTHLY" => "months",
        "DAILY" => "days",
        _ => "weeks",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(row: ScheduleRow) -> (Vec<Meeting>, Vec<crate::problem::Problem>) {
        let mut problems = crate::problem::Problems::default();
        let m = meetings(&[row], "Europe/London", &mut RecordProblems::new(&mut problems, "r1"));
        (m, problems.into_parts().0)
    }

    fn t(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    #[test]
    fn monthly_ordinals_and_weekly_days() {
        let row = ScheduleRow {
            freq: Some("MONTHLY".into()),
            byday: Some("2TH,4TH".into()),
            opens_at: Some("19:00".into()),
            closes_at: Some("21:00".into()),
            ..Default::default()
        };
        let (m, p) = run(row);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].recurrence, Recurrence::MonthlyNth { weeks: vec![2, 4] });
        assert_eq!((m[0].weekday, m[0].start, m[0].end), (Some(Weekday::Thursday), t(19, 0), t(21, 0)));
        assert!(p.is_empty(), "{p:?}");
        let weekly = ScheduleRow { freq: Some("WEEKLY".into()), byday: Some("TH,FR".into()), ..Default::default() };
        let days: Vec<_> = run(weekly).0.iter().map(|m| m.weekday).collect();
        assert_eq!(days, [Some(Weekday::Thursday), Some(Weekday::Friday)]);
    }

    #[test]
    fn hsds_1_1_weekdays_and_one_offs() {
        let row = ScheduleRow { weekday: Some("1".into()), opens_at: Some("8:00am".into()), ..Default::default() };
        assert_eq!(run(row).0[0].weekday, Some(Weekday::Monday));
        let named = ScheduleRow {
            weekday: Some("Tuesday".into()),
            opens_at: Some("7:00pm".into()),
            text: Some("LGBTQI Group: 7:00pm-8:30pm, 1st Tuesday every month".into()),
            ..Default::default()
        };
        assert_eq!(run(named).0[0].recurrence, Recurrence::MonthlyNth { weeks: vec![1] });
        let once = ScheduleRow { dtstart: Some("2025-03-06T18:30:00Z".into()), ..Default::default() };
        let m = run(once).0;
        assert_eq!((m[0].weekday, m[0].start), (Some(Weekday::Thursday), t(18, 30)));
        assert!(matches!(m[0].recurrence, Recurrence::Once { .. }));
    }

    #[test]
    fn what_cannot_be_shown_is_reported() {
        let row = ScheduleRow {
            freq: Some("WEEKLY".into()),
            interval: Some("2".into()),
            byday: Some("MO,XX".into()),
            opens_at: Some("10:00Z".into()),
            timezone: Some("3".into()),
            ..Default::default()
        };
        let (m, p) = run(row);
        assert_eq!((m.len(), m[0].start, m[0].timezone.as_str()), (1, t(10, 0), "Europe/London"));
        let fields: Vec<_> = p.iter().filter_map(|p| p.field.clone()).collect();
        assert_eq!(fields, ["timezone", "interval", "byday"]);
        let typo = ScheduleRow {
            weekday: Some("Mon".into()),
            opens_at: Some("9:00pm".into()),
            closes_at: Some("7:00pm".into()),
            ..Default::default()
        };
        let (m, p) = run(typo);
        assert_eq!((m[0].start, m[0].end, p.len()), (t(21, 0), None, 1));
        let late = ScheduleRow {
            weekday: Some("Mon".into()),
            opens_at: Some("4:00pm".into()),
            closes_at: Some("12:00am".into()),
            ..Default::default()
        };
        assert_eq!(run(late).0[0].end, t(0, 0));
    }
}
