//! Schedule hints in free text: "2nd and 4th Thursdays", "last Friday of the month",
//! "every other Sunday", "by appointment", and "7pm London Time" (a zone named after a time).
//!
//! Weekly feeds (Meeting Guide has no monthly recurrence) put these in names and notes.
//! This module only finds the phrases and says how strongly they are stated; whether a phrase
//! describes the meeting itself or an event at it ("Last Saturday: birthday night") is for the
//! parser to judge, helped by [`NthWeekdays::emphatic`] and [`NthWeekdays::negated`].

use chrono::NaiveTime;

use crate::model::Weekday;

use super::time::{parse_time, weekday_name};

/// One "nth weekday(s) of the month" phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NthWeekdays {
    /// 1..=5, or -1 for "last"; sorted, no repeats.
    pub weeks: Vec<i8>,
    /// The weekday named; `None` for "1st and 3rd week".
    pub weekday: Option<Weekday>,
    /// The same sentence says "only", "meets" or "this meeting", and names no special event
    /// (open, speaker, step, tradition, topic, birthday, celebration, potluck, business): it
    /// describes when the meeting is held rather than what happens on that day.
    pub emphatic: bool,
    /// The same sentence says "no", "not", "except", "closed" or "cancelled".
    pub negated: bool,
}

/// Words that make a sentence about an event on some weeks, not about the schedule.
#[rustfmt::skip]
const EVENT_WORDS: [&str; 13] = [
    "open", "speaker", "step", "steps", "tradition", "traditions", "topic", "birthday", "birthdays", "celebration",
    "potluck", "business", "anniversary",
];

/// Every nth-weekday phrase in the text, in order.
pub fn find_nth_weekdays(text: &str) -> Vec<NthWeekdays> {
    let mut found = Vec::new();
    for sentence in text.split(['.', '\n', ';', '!', '?', '|']) {
        let words = words(sentence);
        let cue = words.iter().any(|w| w == "only" || w == "meets")
            || words.windows(2).any(|w| w[0] == "this" && w[1] == "meeting");
        let event = words.iter().any(|w| EVENT_WORDS.contains(&w.as_str()));
        let emphatic = cue && !event;
        let negated =
            words.iter().any(|w| matches!(w.as_str(), "no" | "not" | "except" | "closed" | "cancelled" | "canceled"));
        let mut i = 0;
        while i < words.len() {
            match phrase_at(&words, i) {
                Some((weeks, weekday, next)) => {
                    found.push(NthWeekdays { weeks, weekday, emphatic, negated });
                    i = next;
                }
                None => i += 1,
            }
        }
    }
    found
}

/// The month weeks for a meeting held on `weekday`, when the text states them.
/// With `strict`, only an emphatic, non-negated phrase counts (use it for notes, which often
/// describe special events); otherwise any non-negated phrase on that weekday (names).
pub fn monthly_weeks(text: &str, weekday: Option<Weekday>, strict: bool) -> Option<Vec<i8>> {
    find_nth_weekdays(text)
        .into_iter()
        .find(|p| {
            let day_ok = match (p.weekday, weekday) {
                (Some(a), Some(b)) => a == b,
                (None, _) => !strict,
                (Some(_), None) => true,
            };
            day_ok && !p.negated && (p.emphatic || !strict)
        })
        .map(|p| p.weeks)
}

/// "every other week", "every other Sunday", "biweekly", "fortnightly", "every 2 weeks",
/// "alternate Mondays".
pub fn says_every_other_week(text: &str) -> bool {
    let words = words(text);
    let every_other = words.windows(3).any(|w| {
        w[0] == "every"
            && (w[1] == "other" || w[1] == "2" || w[1] == "two" || w[1] == "second")
            && (w[2].starts_with("week") || weekday_name(&w[2]).is_some())
    });
    let alternate = words.windows(2).any(|w| w[0] == "alternate" && weekday_name(&w[1]).is_some());
    let single = words.iter().any(|w| matches!(w.as_str(), "biweekly" | "fortnightly"))
        || words.windows(2).any(|w| w[0] == "bi" && w[1] == "weekly");
    every_other || alternate || single
}

/// "by appointment", "by appt", "appointment only", "call for an appointment".
pub fn says_by_appointment(text: &str) -> bool {
    let words = words(text);
    words.iter().enumerate().any(|(i, w)| {
        if w != "appointment" && w != "appt" && w != "appointments" {
            return false;
        }
        let before = |n: usize| i.checked_sub(n).and_then(|j| words.get(j)).map(String::as_str);
        matches!(before(1), Some("by" | "for"))
            || matches!(before(2), Some("by" | "for"))
            || words.get(i + 1).is_some_and(|n| n == "only")
    })
}

/// A time of day followed by a zone name ("2pm Eastern", "3:30 pm Central", "7pm London
/// Time", "6 pm (Mountain)", "6pm AST"): the IANA zone and the time. The first such phrase
/// wins. Meant for feeds whose names say in which zone their `time` is; a caller should only
/// trust it when the time agrees with the record's own.
pub fn zone_hint(text: &str) -> Option<(&'static str, NaiveTime)> {
    let lower = text.to_lowercase().replace("a.m.", "am").replace("p.m.", "pm");
    let tokens: Vec<&str> =
        lower.split(|c: char| !(c.is_alphanumeric() || c == ':')).filter(|t| !t.is_empty()).collect();
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        let (clock, next) = match tokens.get(i + 1) {
            Some(m) if matches!(*m, "am" | "pm") => (parse_time(&format!("{token} {m}")), i + 2),
            _ if token.ends_with("am") || token.ends_with("pm") => (parse_time(token), i + 1),
            _ => (None, i + 1),
        };
        if let Some(clock) = clock {
            let zone = (1..=3).rev().find_map(|n| {
                let phrase = tokens.get(next..next + n)?.join(" ");
                ZONE_NAMES.iter().find(|(name, _)| *name == phrase).map(|(_, zone)| *zone)
            });
            if let Some(zone) = zone {
                return Some((zone, clock));
            }
        }
        i = next;
    }
    None
}

/// Zone names as people write them after a time, to IANA zones.
#[rustfmt::skip]
const ZONE_NAMES: [(&str, &str); 30] = [
    ("eastern", "America/New_York"), ("est", "America/New_York"), ("edt", "America/New_York"), ("et", "America/New_York"),
    ("central european time", "Europe/Berlin"), ("cet", "Europe/Berlin"), ("cest", "Europe/Berlin"),
    ("central", "America/Chicago"), ("cst", "America/Chicago"), ("cdt", "America/Chicago"), ("ct", "America/Chicago"),
    ("mountain", "America/Denver"), ("mst", "America/Denver"), ("mdt", "America/Denver"),
    ("pacific", "America/Los_Angeles"), ("pst", "America/Los_Angeles"), ("pdt", "America/Los_Angeles"), ("pt", "America/Los_Angeles"),
    ("atlantic", "America/Halifax"), ("ast", "America/Halifax"), ("adt", "America/Halifax"),
    ("london time", "Europe/London"), ("uk time", "Europe/London"), ("gmt", "Europe/London"), ("bst", "Europe/London"),
    ("south africa time", "Africa/Johannesburg"), ("south african time", "Africa/Johannesburg"), ("sast", "Africa/Johannesburg"),
    ("alaska", "America/Anchorage"), ("hawaii", "Pacific/Honolulu"),
];

/// Lower-case words; `&` is kept as a word so "2nd & 4th" reads as a list.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace('&', " & ")
        .split(|c: char| !(c.is_alphanumeric() || c == '&'))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn ordinal(word: &str) -> Option<i8> {
    Some(match word {
        "1st" | "first" => 1,
        "2nd" | "second" => 2,
        "3rd" | "third" => 3,
        "4th" | "fourth" => 4,
        "5th" | "fifth" => 5,
        "last" => -1,
        _ => return None,
    })
}

/// An ordinal list followed by a weekday (or "week") starting at `i`:
/// (weeks, weekday, index after the phrase).
fn phrase_at(words: &[String], i: usize) -> Option<(Vec<i8>, Option<Weekday>, usize)> {
    let mut weeks = vec![ordinal(words.get(i)?)?];
    let mut j = i + 1;
    loop {
        let w = words.get(j)?;
        if let Some(n) = ordinal(w) {
            weeks.push(n);
            j += 1;
        } else if matches!(w.as_str(), "and" | "&" | "or") && words.get(j + 1).and_then(|n| ordinal(n)).is_some() {
            j += 1;
        } else {
            break;
        }
    }
    let w = words.get(j)?;
    let weekday = if let Some(day) = weekday_name(w) {
        Some(day)
    } else if matches!(w.as_str(), "week" | "weeks" | "wk" | "wks") {
        None
    } else {
        return None;
    };
    weeks.sort_unstable_by_key(|n| if *n < 0 { i8::MAX } else { *n });
    weeks.dedup();
    Some((weeks, weekday, j + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_monthly_patterns() {
        let eda = "Aiken, SC - 2nd and 4th Thursdays 2pm Eastern - In-Person";
        assert_eq!(monthly_weeks(eda, Some(Weekday::Thursday), false), Some(vec![2, 4]));
        assert_eq!(monthly_weeks("Steps 1-8 Workshop (2nd Sat)", Some(Weekday::Saturday), false), Some(vec![2]));
        assert_eq!(monthly_weeks("last Friday of the month", Some(Weekday::Friday), false), Some(vec![-1]));
        assert_eq!(monthly_weeks("1st, 3rd & last Mon", Some(Weekday::Monday), false), Some(vec![1, 3, -1]));
        assert_eq!(monthly_weeks("3rd Avenue Tuesday Night", Some(Weekday::Tuesday), false), None);
    }

    #[test]
    fn notes_need_emphasis_and_no_negation() {
        let day = Some(Weekday::Saturday);
        assert_eq!(monthly_weeks("Only meets 1st Saturday of the Month.", day, true), Some(vec![1]));
        assert_eq!(monthly_weeks("Last Saturday 8PM Sobriety Celebration", day, true), None);
        assert_eq!(monthly_weeks("No meeting last Saturday of the month only", day, true), None);
        assert_eq!(monthly_weeks("Open meeting is 1st Saturday of the month only", day, true), None);
    }

    #[test]
    fn zones_named_after_times() {
        let at = |h, m, zone| NaiveTime::from_hms_opt(h, m, 0).map(|t| (zone, t));
        assert_eq!(zone_hint("Soho EDA - 7pm London Time - In-Person"), at(19, 0, "Europe/London"));
        assert_eq!(zone_hint("Fairfield, IA - 1st and 3rd Mondays 3:30 pm Central"), at(15, 30, "America/Chicago"));
        assert_eq!(zone_hint("Kalispell, MT - Tuesdays @ 6 pm (Mountain)"), at(18, 0, "America/Denver"));
        assert_eq!(zone_hint("Berlin - 10am Central European Time"), at(10, 0, "Europe/Berlin"));
        assert_eq!(zone_hint("Mountain View, AR - 11am"), None);
        assert_eq!(zone_hint("Steps 1-8 Workshop"), None);
    }

    #[test]
    fn other_phrases() {
        assert!(says_every_other_week("Grand Rapids (MI) EDA every other Sunday 8pm"));
        assert!(!says_every_other_week("every Sunday"));
        assert!(says_by_appointment("Meetings by appointment"));
        assert!(!says_by_appointment("Appointment of officers"));
    }
}
