//! Times of day, weekdays, "last updated" timestamps and IANA zone names as sources write them.
//!
//! Everything here is a pure string conversion: no clock is read and no zone is guessed. A
//! naive timestamp is taken as UTC (the Meeting Guide spec says `updated` is UTC). Which zone
//! a meeting is in, and what to do when a value does not parse, is for the parsers to decide.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::model::Weekday;

/// Parses a time of day: "18:30", "8:00", "18:30:00", "8:00 PM", "8:00pm", "8 pm",
/// "6:00 p.m.", "Noon", "Midnight". "24:00" is read as midnight.
pub fn parse_time(raw: &str) -> Option<NaiveTime> {
    let s = raw.trim().to_ascii_lowercase().replace('.', "");
    match s.as_str() {
        "noon" | "12 noon" | "midday" => return NaiveTime::from_hms_opt(12, 0, 0),
        "midnight" | "12 midnight" => return NaiveTime::from_hms_opt(0, 0, 0),
        _ => {}
    }
    let (clock, meridiem) = if let Some(c) = s.strip_suffix("am") {
        (c.trim(), Some(false))
    } else if let Some(c) = s.strip_suffix("pm") {
        (c.trim(), Some(true))
    } else {
        (s.as_str(), None)
    };
    let mut parts = clock.split(':');
    let hour: u32 = number(parts.next()?)?;
    let minute: u32 = parts.next().map_or(Some(0), number)?;
    let second: u32 = parts.next().map_or(Some(0), number)?;
    if parts.next().is_some() || (meridiem.is_none() && !clock.contains(':')) {
        return None;
    }
    let hour = match meridiem {
        Some(pm) if (1..=12).contains(&hour) => hour % 12 + if pm { 12 } else { 0 },
        Some(_) => return None,
        None if hour == 24 && minute == 0 && second == 0 => 0,
        None => hour,
    };
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// Parses a weekday: a number 0-6 with Sunday = 0 (Meeting Guide), or an English name or
/// abbreviation in any case ("Monday", "mon", "Tues", "THURS", "Sundays").
pub fn parse_weekday(raw: &str) -> Option<Weekday> {
    let s = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    if let Ok(n) = s.parse::<i64>() {
        return Weekday::from_sunday0(n);
    }
    weekday_name(&s)
}

/// An English weekday name, abbreviation or plural, already lower-case.
pub fn weekday_name(s: &str) -> Option<Weekday> {
    let s = s.strip_suffix('s').filter(|r| r.ends_with("day")).unwrap_or(s);
    Some(match s {
        "monday" | "mon" | "mo" => Weekday::Monday,
        "tuesday" | "tue" | "tues" | "tu" => Weekday::Tuesday,
        "wednesday" | "wed" | "weds" | "we" => Weekday::Wednesday,
        "thursday" | "thu" | "thur" | "thurs" | "th" => Weekday::Thursday,
        "friday" | "fri" | "fr" => Weekday::Friday,
        "saturday" | "sat" | "sa" => Weekday::Saturday,
        "sunday" | "sun" | "su" => Weekday::Sunday,
        _ => return None,
    })
}

/// Parses a "last updated" value into UTC: "2020-10-27 16:17:24", "2020-04-0416:50:58" (no
/// separator), "2020-10-27", "8/28/2021", "8/10/2021 11:16:48 AM" (US month first), RFC 3339.
/// Naive values are taken as UTC.
pub fn parse_updated(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc));
    }
    const NAIVE: [&str; 7] = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d%H:%M:%S",
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y %H:%M:%S",
    ];
    let naive = NAIVE.iter().find_map(|f| NaiveDateTime::parse_from_str(s, f).ok()).or_else(|| {
        ["%Y-%m-%d", "%m/%d/%Y"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    })?;
    Some(naive.and_utc())
}

/// The canonical IANA name when `raw` names a zone chrono-tz knows ("america/new_york" ->
/// "America/New_York"); `None` otherwise.
pub fn validate_timezone(raw: &str) -> Option<String> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(tz) = s.parse::<chrono_tz::Tz>() {
        return Some(tz.name().to_owned());
    }
    chrono_tz::TZ_VARIANTS.iter().find(|tz| tz.name().eq_ignore_ascii_case(s)).map(|tz| tz.name().to_owned())
}

fn number(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() || s.len() > 2 || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    #[test]
    fn times_in_the_wild() {
        assert_eq!(parse_time("18:30"), t(18, 30));
        assert_eq!(parse_time("8:00"), t(8, 0));
        assert_eq!(parse_time("8:00 PM"), t(20, 0));
        assert_eq!(parse_time("12:15am"), t(0, 15));
        assert_eq!(parse_time("Noon"), t(12, 0));
        assert_eq!(parse_time("18:30:00"), t(18, 30));
        assert_eq!(parse_time("13:00 PM"), None);
        assert_eq!(parse_time("1830"), None);
    }

    #[test]
    fn updated_styles() {
        for raw in ["2020-10-27 16:17:24", "2020-10-2716:17:24", "2020-10-27T16:17:24Z", "10/27/2020 4:17:24 PM"] {
            let got = parse_updated(raw).map(|d| d.to_rfc3339());
            assert_eq!(got.as_deref(), Some("2020-10-27T16:17:24+00:00"), "{raw}");
        }
        assert!(parse_updated("8/28/2021").is_some());
        assert_eq!(validate_timezone("america/new_york").as_deref(), Some("America/New_York"));
        assert_eq!(validate_timezone("Eastern"), None);
    }
}
