//! An `RRULE` as the weekly / nth-weekday-of-the-month / one-off shapes a `Meeting` can hold.
//!
//! `FREQ=WEEKLY;BYDAY=MO,WE` is a weekly meeting per day; `FREQ=MONTHLY;BYDAY=2TH,4TH` and
//! `FREQ=MONTHLY;BYDAY=TH;BYSETPOS=2` are nth weekdays; no rule, or `COUNT=1`, is one date.
//! What a meeting cannot say is a note for the parser to report: every other week (listed as
//! weekly), every other month (listed as monthly), day-of-the-month and yearly rules (no
//! meeting), month limits. `COUNT`, `UNTIL` and `EXDATE` only end or thin a series; with no
//! clock there is no "has it ended yet", so they change nothing here. Parsing values and
//! zones is `when.rs`'s job.

use chrono::{Datelike, NaiveDate};

use crate::model::{Recurrence, Weekday};

/// The meetings' days and recurrences, plus notes on what could not be shown.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Pattern {
    pub days: Vec<(Weekday, Recurrence)>,
    pub notes: Vec<String>,
}

/// The pattern of a series first held on `first` (a local date). `day_shift` is how many days
/// the local date lies after the date as written (a UTC time that is already tomorrow
/// locally), applied to the rule's weekdays.
pub(super) fn pattern(rule: Option<&str>, first: NaiveDate, day_shift: i64) -> Result<Pattern, String> {
    let once = || Pattern { days: vec![(weekday(first), Recurrence::Once { date: first })], notes: Vec::new() };
    let Some(raw) = rule else { return Ok(once()) };
    let rule = Rule::parse(raw)?;
    if rule.count == Some(1) {
        return Ok(once());
    }
    let mut notes = Vec::new();
    for key in &rule.limits {
        notes.push(format!("the rule's {key} limit cannot be shown; it is left out"));
    }
    let shifted = |day: Weekday| shift(day, day_shift);
    let listed: Vec<Weekday> = dedup(rule.by_day.iter().map(|(_, d)| shifted(*d)));
    let weekly = |days: Vec<Weekday>| days.into_iter().map(|d| (d, Recurrence::Weekly)).collect::<Vec<_>>();
    let days = match rule.freq.as_str() {
        "WEEKLY" => {
            if rule.interval > 1 {
                notes.push(format!("repeats every {} weeks, which cannot be shown; listed as weekly", rule.interval));
            }
            weekly(if listed.is_empty() { vec![weekday(first)] } else { listed })
        }
        "DAILY" if rule.interval == 1 => weekly(if listed.is_empty() { Weekday::ALL.to_vec() } else { listed }),
        "MONTHLY" => {
            if rule.interval > 1 {
                notes.push(format!("repeats every {} months, which cannot be shown; listed as monthly", rule.interval));
            }
            monthly(&rule, day_shift, &mut notes)
        }
        "DAILY" => {
            notes.push(format!("repeats every {} days, which cannot be shown", rule.interval));
            Vec::new()
        }
        other => {
            notes.push(format!("repeats {}, which cannot be shown", other.to_lowercase()));
            Vec::new()
        }
    };
    Ok(Pattern { days, notes })
}

/// The parts of an `RRULE` this crate reads.
#[derive(Debug, Default)]
struct Rule {
    freq: String,
    interval: u32,
    /// (ordinal, weekday): "2TH" is (Some(2), Thursday).
    by_day: Vec<(Option<i8>, Weekday)>,
    by_set_pos: Vec<i8>,
    by_month_day: bool,
    count: Option<u32>,
    /// Limits that cannot be shown (BYMONTH, BYWEEKNO, BYYEARDAY).
    limits: Vec<&'static str>,
}

impl Rule {
    fn parse(raw: &str) -> Result<Rule, String> {
        let mut rule = Rule { interval: 1, ..Rule::default() };
        for part in raw.trim().split(';').filter(|p| !p.trim().is_empty()) {
            let (key, value) = part.split_once('=').ok_or_else(|| format!("unreadable rule part \"{part}\""))?;
            let value = value.trim();
            match key.trim().to_ascii_uppercase().as_str() {
                "FREQ" => rule.freq = value.to_ascii_uppercase(),
                "INTERVAL" => rule.interval = value.parse().ok().filter(|n| *n > 0).ok_or("unreadable INTERVAL")?,
                "COUNT" => rule.count = value.parse().ok(),
                "BYDAY" => {
                    rule.by_day = value.split(',').map(by_day).collect::<Option<_>>().ok_or("unreadable BYDAY")?;
                }
                "BYSETPOS" => {
                    rule.by_set_pos = value
                        .split(',')
                        .map(|n| n.trim().parse().ok())
                        .collect::<Option<_>>()
                        .ok_or("unreadable BYSETPOS")?;
                }
                "BYMONTHDAY" => rule.by_month_day = true,
                "BYMONTH" => rule.limits.push("BYMONTH"),
                "BYWEEKNO" => rule.limits.push("BYWEEKNO"),
                "BYYEARDAY" => rule.limits.push("BYYEARDAY"),
                _ => {}
            }
        }
        if rule.freq.is_empty() {
            return Err("the rule has no FREQ".to_owned());
        }
        Ok(rule)
    }
}

/// Nth weekdays (from BYDAY ordinals, else BYSETPOS on one weekday), or weekly when BYDAY
/// has no ordinals at all.
fn monthly(rule: &Rule, day_shift: i64, notes: &mut Vec<String>) -> Vec<(Weekday, Recurrence)> {
    let has_ordinals = rule.by_day.iter().any(|(n, _)| n.is_some());
    let single_day = rule.by_day.len() == 1;
    if rule.by_day.is_empty() || rule.by_month_day {
        notes.push("monthly on a day of the month, which cannot be shown".to_owned());
        return Vec::new();
    }
    if !has_ordinals && rule.by_set_pos.is_empty() {
        return dedup(rule.by_day.iter().map(|(_, d)| shift(*d, day_shift)))
            .into_iter()
            .map(|d| (d, Recurrence::Weekly))
            .collect();
    }
    if !has_ordinals && !single_day {
        notes.push("BYSETPOS over several weekdays cannot be shown".to_owned());
        return Vec::new();
    }
    let mut out: Vec<(Weekday, Vec<i8>)> = Vec::new();
    for (n, day) in &rule.by_day {
        let ordinals: Vec<i8> = match n {
            Some(n) => vec![*n],
            None => rule.by_set_pos.clone(),
        };
        for n in ordinals {
            if !(1..=5).contains(&n) && n != -1 {
                notes.push(format!("the {n}th weekday of the month cannot be shown; left out"));
                continue;
            }
            let day = shift(*day, day_shift);
            match out.iter_mut().find(|(d, _)| *d == day) {
                Some((_, weeks)) => weeks.push(n),
                None => out.push((day, vec![n])),
            }
        }
    }
    out.into_iter()
        .map(|(day, mut weeks)| {
            weeks.sort_unstable_by_key(|n| if *n < 0 { i8::MAX } else { *n });
            weeks.dedup();
            (day, Recurrence::MonthlyNth { weeks })
        })
        .collect()
}

/// "2TH" -> (Some(2), Thursday); "SU" -> (None, Sunday); "-1FR" -> (Some(-1), Friday).
fn by_day(token: &str) -> Option<(Option<i8>, Weekday)> {
    let token = token.trim().to_ascii_uppercase();
    let split = token.len().checked_sub(2)?;
    let (ordinal, code) = (token.get(..split)?, token.get(split..)?);
    let day = match code {
        "MO" => Weekday::Monday,
        "TU" => Weekday::Tuesday,
        "WE" => Weekday::Wednesday,
        "TH" => Weekday::Thursday,
        "FR" => Weekday::Friday,
        "SA" => Weekday::Saturday,
        "SU" => Weekday::Sunday,
        _ => return None,
    };
    let ordinal = match ordinal.strip_prefix('+').unwrap_or(ordinal) {
        "" => None,
        n => Some(n.parse::<i8>().ok()?),
    };
    Some((ordinal, day))
}

fn weekday(date: NaiveDate) -> Weekday {
    Weekday::from_iso(i64::from(date.weekday().number_from_monday())).unwrap_or(Weekday::Monday)
}

fn shift(day: Weekday, by: i64) -> Weekday {
    Weekday::from_iso((i64::from(day.iso()) - 1 + by).rem_euclid(7) + 1).unwrap_or(day)
}

fn dedup(days: impl Iterator<Item = Weekday>) -> Vec<Weekday> {
    let mut out = Vec::new();
    for d in days {
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(rule: &str) -> Vec<(Weekday, Recurrence)> {
        let first = NaiveDate::from_ymd_opt(2024, 1, 11).unwrap_or_default();
        pattern(Some(rule), first, 0).map(|p| p.days).unwrap_or_default()
    }

    #[test]
    fn rule_shapes() {
        use Recurrence::*;
        assert_eq!(days("FREQ=WEEKLY;BYDAY=MO,WE"), [(Weekday::Monday, Weekly), (Weekday::Wednesday, Weekly)]);
        assert_eq!(days("FREQ=WEEKLY"), [(Weekday::Thursday, Weekly)]);
        assert_eq!(days("FREQ=MONTHLY;BYDAY=2TH,4TH"), [(Weekday::Thursday, MonthlyNth { weeks: vec![2, 4] })]);
        assert_eq!(days("FREQ=MONTHLY;BYDAY=TH;BYSETPOS=-1"), [(Weekday::Thursday, MonthlyNth { weeks: vec![-1] })]);
        assert_eq!(days("FREQ=MONTHLY;BYMONTHDAY=1"), []);
        assert!(matches!(days("FREQ=WEEKLY;COUNT=1").as_slice(), [(Weekday::Thursday, Once { .. })]));
        assert!(pattern(Some("BYDAY=MO"), NaiveDate::MIN, 0).is_err());
        assert!(pattern(Some("FREQ=WEEKLY;BYDAY=XX"), NaiveDate::MIN, 0).is_err());
    }

    #[test]
    fn utc_days_shift_to_the_local_day() {
        let first = NaiveDate::from_ymd_opt(2024, 1, 9).unwrap_or_default();
        let p = pattern(Some("FREQ=WEEKLY;BYDAY=MO,SU"), first, 1).unwrap_or_default();
        assert_eq!(p.days, [(Weekday::Tuesday, Recurrence::Weekly), (Weekday::Monday, Recurrence::Weekly)]);
    }
}
