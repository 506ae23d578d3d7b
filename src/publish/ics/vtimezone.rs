//! A VTIMEZONE for an IANA zone, from chrono-tz's tables: the zone's changes of offset in one
//! year, each a STANDARD or DAYLIGHT observance with a yearly RRULE (`BYMONTH=3;BYDAY=2SU`)
//! when the next year's change falls on the same rule, else that year's change alone. A zone
//! without changes is one STANDARD observance. Calendar programs mostly go by the TZID name;
//! this is what RFC 5545 asks for, and what the others use.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::{OffsetComponents, Tz};

/// The VTIMEZONE lines for `zone`, its observances starting in `year`.
pub fn lines(zone: Tz, year: i32) -> Vec<String> {
    let mut out = vec!["BEGIN:VTIMEZONE".to_owned(), format!("TZID:{}", zone.name())];
    let changes = changes_in(zone, year);
    if changes.is_empty() {
        let offset = offset_secs(zone, start_of(year));
        out.extend(observance(
            "STANDARD",
            offset,
            offset,
            start_of(year).naive_utc(),
            None,
            &abbrev(zone, start_of(year)),
        ));
    }
    let next_year = changes_in(zone, year + 1);
    for change in &changes {
        let rule = yearly_rule(change.local)
            .filter(|rule| next_year.iter().any(|n| n.to == change.to && yearly_rule(n.local).as_ref() == Some(rule)));
        let kind = if change.dst { "DAYLIGHT" } else { "STANDARD" };
        out.extend(observance(kind, change.from, change.to, change.local, rule, &change.name));
    }
    out.push("END:VTIMEZONE".to_owned());
    out
}

/// One change of offset: when (as the clock read before it), from and to (seconds east of UTC).
struct Change {
    local: NaiveDateTime,
    from: i32,
    to: i32,
    dst: bool,
    name: String,
}

/// The changes within the calendar year, found day by day and then to the second.
fn changes_in(zone: Tz, year: i32) -> Vec<Change> {
    let mut out = Vec::new();
    let end = start_of(year + 1);
    let mut day = start_of(year);
    while day < end {
        let next = day + TimeDelta::days(1);
        if offset_secs(zone, day) != offset_secs(zone, next) {
            let (mut lo, mut hi) = (day, next);
            while hi - lo > TimeDelta::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if offset_secs(zone, mid) == offset_secs(zone, lo) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let (from, to) = (offset_secs(zone, lo), offset_secs(zone, hi));
            let local = hi.naive_utc() + TimeDelta::seconds(i64::from(from));
            let dst = zone.offset_from_utc_datetime(&hi.naive_utc()).dst_offset() != TimeDelta::zero();
            out.push(Change { local, from, to, dst, name: abbrev(zone, hi) });
        }
        day = next;
    }
    out
}

fn start_of(year: i32) -> DateTime<Utc> {
    let date = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
}

fn offset_secs(zone: Tz, at: DateTime<Utc>) -> i32 {
    let o = zone.offset_from_utc_datetime(&at.naive_utc());
    (o.base_utc_offset() + o.dst_offset()).num_seconds() as i32
}

fn abbrev(zone: Tz, at: DateTime<Utc>) -> String {
    at.with_timezone(&zone).format("%Z").to_string()
}

/// `FREQ=YEARLY;BYMONTH=3;BYDAY=2SU` (or `-1SU` for a last weekday of the month).
fn yearly_rule(local: NaiveDateTime) -> Option<String> {
    let date = local.date();
    let day = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][date.weekday().num_days_from_monday() as usize];
    let month_days = days_in_month(date.year(), date.month())?;
    let nth = if date.day() + 7 > month_days { "-1".to_owned() } else { ((date.day() - 1) / 7 + 1).to_string() };
    Some(format!("FREQ=YEARLY;BYMONTH={};BYDAY={nth}{day}", date.month()))
}

fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some((next - first).num_days() as u32)
}

fn observance(kind: &str, from: i32, to: i32, local: NaiveDateTime, rule: Option<String>, name: &str) -> Vec<String> {
    let mut out = vec![
        format!("BEGIN:{kind}"),
        format!("DTSTART:{}", local.format("%Y%m%dT%H%M%S")),
        format!("TZOFFSETFROM:{}", utc_offset(from)),
        format!("TZOFFSETTO:{}", utc_offset(to)),
    ];
    out.extend(rule.map(|r| format!("RRULE:{r}")));
    if !name.is_empty() {
        out.push(format!("TZNAME:{}", super::escape(name)));
    }
    out.push(format!("END:{kind}"));
    out
}

/// `-0500`, `+0530`, `+0000`.
fn utc_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a % 3600 / 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_york_has_its_rules() {
        let text = lines(chrono_tz::America::New_York, 2025).join("\n");
        assert!(text.contains("BEGIN:DAYLIGHT\nDTSTART:20250309T020000\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"), "{text}");
        assert!(text.contains("BEGIN:STANDARD\nDTSTART:20251102T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"), "{text}");
        let london = lines(chrono_tz::Europe::London, 2025).join("\n");
        assert!(london.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"), "{london}");
        let tokyo = lines(chrono_tz::Asia::Tokyo, 2025).join("\n");
        assert!(
            tokyo.contains("BEGIN:STANDARD\nDTSTART:20250101T000000\nTZOFFSETFROM:+0900\nTZOFFSETTO:+0900"),
            "{tokyo}"
        );
    }
}
