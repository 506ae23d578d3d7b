//! Days and times as HTML directories print them: "Thursdays From 7:00 AM to 8:00 AM",
//! "Mon-Fri 7-8pm", "2nd Tuesday, 19:30", "Daily at noon", "By appointment".
//!
//! A recipe points a field at the text that holds the day or the time; these helpers find the
//! weekdays and times of day inside it, wherever they are in the text, and turn them into
//! `Meeting`s. Single values are parsed by `normalize::time`; monthly and "every other week"
//! phrases are found by `normalize::schedule`.

use chrono::{NaiveTime, Timelike};

use crate::model::{Meeting, Recurrence, Weekday};
use crate::normalize::{schedule, time};

/// What a day text says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Days {
    /// These weekdays, each weekly or on the given weeks of the month.
    On(Vec<(Weekday, Recurrence)>),
    /// "By appointment".
    ByAppointment,
    /// No weekday in the text.
    Unreadable,
}

/// The weekdays a day text names: single days, ranges ("Mon-Fri", "Monday through Friday"),
/// "daily" / "every day", with "2nd and 4th" weeks when stated.
pub(super) fn days(text: &str) -> Days {
    // Words, with dashes kept as words of their own so "Mon-Fri" reads as a range.
    let mut words: Vec<String> = Vec::new();
    for piece in text.to_lowercase().split(|c: char| !c.is_alphanumeric() && !matches!(c, '-' | '–')) {
        for (j, part) in piece.split(['-', '–']).enumerate() {
            if j > 0 {
                words.push("-".to_owned());
            }
            if !part.is_empty() {
                words.push(part.to_owned());
            }
        }
    }
    let is_day = |w: &String| if w.len() >= 3 { time::weekday_name(w) } else { None };
    let mut found: Vec<Weekday> = Vec::new();
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let Some(day) = is_day(word) else {
            i += 1;
            continue;
        };
        let end = match (words.get(i + 1).map(String::as_str), words.get(i + 2)) {
            (Some("-" | "to" | "through" | "thru" | "till" | "until"), Some(next)) => is_day(next),
            _ => None,
        };
        match end {
            Some(end) => {
                let (from, to) = (day.iso(), end.iso());
                let span: Vec<u8> = if from <= to { (from..=to).collect() } else { (from..=7).chain(1..=to).collect() };
                found.extend(span.into_iter().filter_map(|n| Weekday::from_iso(i64::from(n))));
                i += 3;
            }
            None => {
                found.push(day);
                i += 1;
            }
        }
    }
    let daily = words.iter().any(|w| w == "daily") || words.windows(2).any(|w| w[0] == "every" && w[1] == "day");
    if found.is_empty() && daily {
        found = Weekday::ALL.to_vec();
    }
    let mut unique: Vec<Weekday> = Vec::new();
    for day in found {
        if !unique.contains(&day) {
            unique.push(day);
        }
    }
    if unique.is_empty() {
        return if schedule::says_by_appointment(text) { Days::ByAppointment } else { Days::Unreadable };
    }
    Days::On(
        unique
            .into_iter()
            .map(|day| {
                let recurrence = schedule::monthly_weeks(text, Some(day), false)
                    .map_or(Recurrence::Weekly, |weeks| Recurrence::MonthlyNth { weeks });
                (day, recurrence)
            })
            .collect(),
    )
}

/// The times of day in a text, in order: "7:00 AM", "7pm", "19:30", "noon". A range's first
/// end borrows the second's meridiem when it has none ("7-8pm", "7:00 - 8:30 PM").
pub(super) fn times(text: &str) -> Vec<NaiveTime> {
    let lower = text.to_lowercase().replace("a.m.", "am").replace("p.m.", "pm");
    let tokens: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | ',' | '(' | ')' | '@' | '/'))
        .filter(|t| !t.is_empty())
        .collect();
    let mut out: Vec<(NaiveTime, bool)> = Vec::new();
    let mut bare_hour: Option<u32> = None;
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        let next = tokens.get(i + 1).copied();
        if let Some(m @ ("am" | "pm")) = next {
            if let Some(t) = time::parse_time(&format!("{token} {m}")) {
                push_with_meridiem(&mut out, &mut bare_hour, t, m == "pm");
                i += 2;
                continue;
            }
        }
        let stated = token.ends_with("am") || token.ends_with("pm");
        if let Some(t) = time::parse_time(token) {
            if stated {
                push_with_meridiem(&mut out, &mut bare_hour, t, token.ends_with("pm"));
            } else {
                out.push((t, false));
            }
        } else if token.len() <= 2 && token.chars().all(|c| c.is_ascii_digit()) {
            bare_hour = token.parse().ok().filter(|h| (1..=12).contains(h));
        }
        i += 1;
    }
    // "7:00 - 8:30 PM": a first time without meridiem before a pm time is pm too.
    if let [(first, false), (second, true), ..] = out.as_slice() {
        if first.hour() < 12 && second.hour() >= 12 && first.hour() + 12 <= second.hour() {
            if let Some(t) = first.with_hour(first.hour() + 12) {
                out[0].0 = t;
            }
        }
    }
    out.into_iter().map(|(t, _)| t).collect()
}

/// One `Meeting` per day, all at the same times.
pub(super) fn meetings(days: &Days, start: Option<NaiveTime>, end: Option<NaiveTime>, zone: &str) -> Vec<Meeting> {
    match days {
        Days::On(list) => list
            .iter()
            .map(|(day, recurrence)| Meeting {
                weekday: Some(*day),
                start,
                end: start.and(end),
                timezone: zone.to_owned(),
                recurrence: recurrence.clone(),
            })
            .collect(),
        Days::ByAppointment => vec![Meeting {
            weekday: None,
            start: None,
            end: None,
            timezone: zone.to_owned(),
            recurrence: Recurrence::ByAppointment,
        }],
        Days::Unreadable => Vec::new(),
    }
}

/// A time with its meridiem stated; a bare hour just before it ("7-8pm") becomes a time too.
fn push_with_meridiem(out: &mut Vec<(NaiveTime, bool)>, bare: &mut Option<u32>, t: NaiveTime, pm: bool) {
    if let Some(hour) = bare.take() {
        let hour = if pm && hour < 12 { hour + 12 } else { hour % 12 + if pm { 12 } else { 0 } };
        if let Some(start) = NaiveTime::from_hms_opt(hour, 0, 0).filter(|s| *s <= t) {
            out.push((start, true));
        }
    }
    out.push((t, true));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
    }

    #[test]
    fn finds_times_and_ranges() {
        assert_eq!(times("Thursdays From 7:00 AM to 8:00 AM"), [t(7, 0), t(8, 0)]);
        assert_eq!(times("7-8pm"), [t(19, 0), t(20, 0)]);
        assert_eq!(times("7:00 - 8:30 PM"), [t(19, 0), t(20, 30)]);
        assert_eq!(times("at 19:30"), [t(19, 30)]);
        assert_eq!(times("Noon"), [t(12, 0)]);
        assert!(times("Room 12").is_empty());
    }

    #[test]
    fn finds_days() {
        let weekly = |d: &[Weekday]| Days::On(d.iter().map(|d| (*d, Recurrence::Weekly)).collect());
        use Weekday::*;
        assert_eq!(days("Thursdays From 7:00 AM"), weekly(&[Thursday]));
        assert_eq!(days("Mon-Wed"), weekly(&[Monday, Tuesday, Wednesday]));
        assert_eq!(days("Friday through Sunday"), weekly(&[Friday, Saturday, Sunday]));
        assert_eq!(days("Daily"), weekly(&Weekday::ALL));
        assert_eq!(days("Mondays & Thursdays"), weekly(&[Monday, Thursday]));
        assert_eq!(days("2nd Tuesday"), Days::On(vec![(Tuesday, Recurrence::MonthlyNth { weeks: vec![2] })]));
        assert_eq!(days("s From 12:00 AM"), Days::Unreadable);
        assert_eq!(days("We meet by appointment"), Days::ByAppointment);
    }
}
