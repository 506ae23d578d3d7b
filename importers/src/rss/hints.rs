//! Schedule and place hints in the free text of a feed item.
//!
//! Feeds of groups say when and where in words: "2nd & 4th Thursday, 7–9pm", "Meets every
//! Tuesday 7pm - 8:30pm", "Where: St Mark's Hall, 12 High Street, Exampletown EX1 2AB". This
//! file reads those conservatively, sentence by sentence: a weekday counts only in a plural
//! ("Tuesdays"), after "every", "each" or "meets (on)", before "evenings"/"mornings", or after
//! an ordinal ("last Friday"); a time counts only next to such a day, unless the text holds
//! exactly one time. A place counts only after a marker word at the start of a line or
//! sentence. Nth-weekday phrases, "every other", "by appointment" and zone names come from
//! `normalize::schedule`; turning hints into a `Listing` is left to `rss.rs`.

use chrono::NaiveTime;

use crate::model::Weekday;
use crate::normalize::{schedule, time};

/// When an item says its group meets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct ScheduleHint {
    /// The days named, in order, without repeats.
    pub days: Vec<Weekday>,
    /// The weeks of the month, for "2nd and 4th Thursday"; `None` for weekly.
    pub weeks: Option<Vec<i8>>,
    pub start: Option<NaiveTime>,
    pub end: Option<NaiveTime>,
    /// An IANA zone named after the start time ("7pm London time").
    pub zone: Option<&'static str>,
    /// "every other Saturday": shown as weekly, with a problem.
    pub every_other: bool,
    /// No day at all, but "by appointment".
    pub by_appointment: bool,
}

/// The schedule the title or body states, if any. The title is read first.
pub(super) fn schedule(title: &str, body: &str) -> Option<ScheduleHint> {
    let sentences: Vec<&str> = std::iter::once(title).chain(split_sentences(body)).collect();
    let read: Vec<Sentence> =
        sentences.iter().map(|s| Sentence { days: cued_days(s), nth: nth_weeks(s), time: first_time(s) }).collect();
    let states_days =
        |s: &Sentence, need_time: bool| (!s.days.is_empty() || s.nth.is_some()) && (!need_time || s.time.is_some());
    let found =
        read.iter().position(|s| states_days(s, true)).or_else(|| read.iter().position(|s| states_days(s, false)));
    let Some(i) = found else {
        let all = format!("{title}\n{body}");
        return schedule::says_by_appointment(&all)
            .then(|| ScheduleHint { by_appointment: true, ..Default::default() });
    };
    let chosen = read.get(i)?.clone();
    let sentence = sentences.get(i).copied().unwrap_or_default();
    // A day without a time borrows the time only when the whole text holds just one.
    let time = chosen.time.or_else(|| {
        let mut times: Vec<_> = read.iter().filter_map(|s| s.time).collect();
        times.dedup();
        (times.len() == 1).then(|| times.first().copied()).flatten()
    });
    let (days, weeks) = match chosen.nth {
        Some((nth_days, weeks)) => (nth_days, Some(weeks)),
        None => (chosen.days, None),
    };
    let start = time.map(|(s, _)| s);
    let zone = schedule::zone_hint(sentence).filter(|(_, t)| Some(*t) == start).map(|(zone, _)| zone);
    Some(ScheduleHint {
        days,
        weeks,
        start,
        end: time.and_then(|(_, e)| e),
        zone,
        every_other: schedule::says_every_other_week(sentence),
        by_appointment: false,
    })
}

/// A place line marked "Where:", "Venue:", "Address:", "Location:" or "Meeting place:" at
/// the start of a line or sentence: the rest of that line, without a final full stop.
pub(super) fn marked_place(body: &str) -> Option<String> {
    const MARKERS: [&str; 6] = ["where:", "venue:", "address:", "location:", "meeting place:", "meeting point:"];
    for line in body.lines() {
        let lower = line.to_lowercase();
        for marker in MARKERS {
            let found = lower.match_indices(marker).find(|(at, _)| {
                let before = lower.get(..*at).unwrap_or_default().trim_end();
                before.is_empty() || before.ends_with(['.', '!', '?', ':'])
            });
            if let Some((at, _)) = found {
                let rest = line.get(at + marker.len()..).unwrap_or_default();
                let rest = rest.trim().trim_end_matches('.').trim();
                if !rest.is_empty() {
                    return Some(rest.to_owned());
                }
            }
        }
    }
    None
}

/// What one sentence states.
#[derive(Debug, Clone)]
struct Sentence {
    days: Vec<Weekday>,
    nth: Option<(Vec<Weekday>, Vec<i8>)>,
    time: Option<(NaiveTime, Option<NaiveTime>)>,
}

/// Lines, then sentences: a full stop ends a sentence only before a space or the end, so
/// "10.30am" and "St. Mark's" stay whole.
fn split_sentences(body: &str) -> impl Iterator<Item = &str> {
    body.split(['\n', ';', '!', '?', '|'])
        .flat_map(|line| line.split(". "))
        .map(|s| s.trim().trim_end_matches('.'))
        .filter(|s| !s.is_empty())
}

/// Weekdays stated as a regular habit, with the days listed after them ("Mondays and
/// Wednesdays", "every Monday, Wednesday & Friday").
fn cued_days(sentence: &str) -> Vec<Weekday> {
    let words = words(sentence);
    let mut days = Vec::new();
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let Some(day) = full_day(w) else {
            i += 1;
            continue;
        };
        let prev = |n: usize| i.checked_sub(n).and_then(|j| words.get(j)).map(String::as_str);
        let plural = w.ends_with("days");
        let cue = matches!(prev(1), Some("every" | "each" | "meets" | "meet" | "alternate"))
            || (prev(1) == Some("other") && prev(2) == Some("every"))
            || (prev(1) == Some("on") && matches!(prev(2), Some("meets" | "meet" | "meeting")))
            || words
                .get(i + 1)
                .is_some_and(|n| matches!(n.as_str(), "evenings" | "mornings" | "afternoons" | "nights"));
        if !(plural || cue) {
            i += 1;
            continue;
        }
        push_day(&mut days, day);
        i += 1;
        // "and Wednesdays", ", Wednesday", "& Friday"
        while let Some(next) = words.get(i) {
            if matches!(next.as_str(), "and" | "&" | "or") {
                i += 1;
            } else if let Some(day) = full_day(next) {
                push_day(&mut days, day);
                i += 1;
            } else {
                break;
            }
        }
    }
    days
}

/// "2nd and 4th Thursday" in this sentence, not negated: (the weekday, the weeks).
fn nth_weeks(sentence: &str) -> Option<(Vec<Weekday>, Vec<i8>)> {
    schedule::find_nth_weekdays(sentence)
        .into_iter()
        .find(|p| !p.negated && p.weekday.is_some())
        .and_then(|p| Some((vec![p.weekday?], p.weeks)))
}

/// The first time of day in a sentence, with the end of a range when one follows
/// ("7–9pm", "7pm - 9pm", "6:30pm to 7:30pm", "18:00-19:30", "10.30am–12pm").
fn first_time(sentence: &str) -> Option<(NaiveTime, Option<NaiveTime>)> {
    let tokens = time_tokens(sentence);
    let mut i = 0;
    while i < tokens.len() {
        let Some((start, bare, next)) = time_at(&tokens, i) else {
            i += 1;
            continue;
        };
        let joined = tokens.get(next).is_some_and(|t| matches!(t.as_str(), "-" | "to" | "until" | "till"));
        // The end of a range is never a bare number ("Room 2 - 3 Station Road").
        let end = joined.then(|| time_at(&tokens, next + 1)).flatten().filter(|(_, bare, _)| bare.is_none());
        let end = end.map(|(end, _, _)| end);
        let start = match (bare, end) {
            (Some(hour), Some(end)) => bare_start(hour, end),
            (Some(_), None) => {
                i = next;
                continue;
            }
            (None, _) => Some(start),
        };
        if let Some(start) = start {
            return Some((start, end));
        }
        i = next;
    }
    None
}

/// A time at `tokens[i]`: (time, the bare hour when it had no am/pm or minutes, next index).
fn time_at(tokens: &[String], i: usize) -> Option<(NaiveTime, Option<u32>, usize)> {
    let token = tokens.get(i)?;
    if let Some(m) = tokens.get(i + 1).filter(|m| matches!(m.as_str(), "am" | "pm" | "noon")) {
        if token.chars().all(|c| c.is_ascii_digit() || matches!(c, ':' | '.')) {
            let joined = if m == "noon" { "noon".to_owned() } else { format!("{}{m}", token.replace('.', ":")) };
            return time::parse_time(&joined).map(|t| (t, None, i + 2));
        }
    }
    if token.len() <= 2 && token.chars().all(|c| c.is_ascii_digit()) {
        let hour: u32 = token.parse().ok().filter(|h| (1..=12).contains(h))?;
        return NaiveTime::from_hms_opt(hour, 0, 0).map(|t| (t, Some(hour), i + 1));
    }
    let has_meridiem = token.ends_with("am") || token.ends_with("pm");
    let clock_24 = token.contains(':') && (4..=5).contains(&token.len());
    if token == "noon" || token == "12noon" || token == "midday" {
        return NaiveTime::from_hms_opt(12, 0, 0).map(|t| (t, None, i + 1));
    }
    if !(has_meridiem || clock_24) || !token.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    time::parse_time(&token.replace('.', ":")).map(|t| (t, None, i + 1))
}

/// "7-9pm": the bare start hour takes the end's half of the day, unless that would put it
/// after the end ("10-12pm" is 10am to noon, "11-1pm" is 11am to 1pm).
fn bare_start(hour: u32, end: NaiveTime) -> Option<NaiveTime> {
    use chrono::Timelike;
    let pm = end.hour() >= 12;
    let same_half = NaiveTime::from_hms_opt(hour % 12 + if pm { 12 } else { 0 }, 0, 0)?;
    if same_half <= end {
        Some(same_half)
    } else {
        NaiveTime::from_hms_opt(hour % 12, 0, 0)
    }
}

/// Lower-case tokens for time reading: dashes are their own token, "p.m." is "pm".
fn time_tokens(sentence: &str) -> Vec<String> {
    let lower = sentence.to_lowercase().replace("a.m.", "am").replace("p.m.", "pm").replace(['–', '—', '‑'], "-");
    let spaced = lower.replace('-', " - ");
    spaced
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, ':' | '.' | '-')))
        .map(|t| t.trim_matches('.'))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn words(sentence: &str) -> Vec<String> {
    sentence
        .to_lowercase()
        .replace('&', " & ")
        .split(|c: char| !(c.is_alphanumeric() || c == '&'))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A weekday written in full ("tuesday", "tuesdays"): abbreviations such as "we", "sat" and
/// "sun" are ordinary words too often.
fn full_day(word: &str) -> Option<Weekday> {
    (word.ends_with("day") || word.ends_with("days")).then(|| time::weekday_name(word)).flatten()
}

fn push_day(days: &mut Vec<Weekday>, day: Weekday) {
    if !days.contains(&day) {
        days.push(day);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    #[test]
    fn times_and_ranges() {
        assert_eq!(first_time("7–9pm"), Some((t(19, 0).unwrap(), t(21, 0))));
        assert_eq!(first_time("10-12pm"), Some((t(10, 0).unwrap(), t(12, 0))));
        assert_eq!(first_time("Sundays, 10.30am–12pm"), Some((t(10, 30).unwrap(), t(12, 0))));
        assert_eq!(first_time("6:30pm to 7:30pm"), Some((t(18, 30).unwrap(), t(19, 30))));
        assert_eq!(first_time("Fridays 18:00-19:30"), Some((t(18, 0).unwrap(), t(19, 30))));
        assert_eq!(first_time("7:00 pm"), Some((t(19, 0).unwrap(), None)));
        assert_eq!(first_time("Room 12, 3 Station Road"), None);
    }

    #[test]
    fn days_need_a_cue() {
        assert_eq!(cued_days("Mondays and Wednesdays, 6:30pm"), [Weekday::Monday, Weekday::Wednesday]);
        assert_eq!(cued_days("Meets every Tuesday 7pm"), [Weekday::Tuesday]);
        assert_eq!(cued_days("meets on Wednesday evenings"), [Weekday::Wednesday]);
        assert!(cued_days("Tuesday Evening Depression Support").is_empty());
        assert!(cued_days("we sat in the sun on Tuesday 5 March").is_empty());
    }

    #[test]
    fn places_need_a_marker() {
        let body = "Every Wednesday 2pm. Venue: Exampleton Library, 1 Church Lane.";
        assert_eq!(marked_place(body).as_deref(), Some("Exampleton Library, 1 Church Lane"));
        assert_eq!(marked_place("Meet at the bandstand, Victoria Park."), None);
    }
}
