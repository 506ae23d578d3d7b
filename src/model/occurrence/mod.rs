//! When a meeting next happens: its next occurrence as UTC instants, from an instant the caller
//! gives, in the meeting's own IANA time zone (weekly, nth-weekday-of-month and one-off rules).
//!
//! Pure: no clock is read here (every function takes the instant it works from) and nothing is
//! cached between calls. Time-of-day filters live in `time_of_day`, the soonest-first list in
//! `upcoming`. Parsing sources into `importers::Meeting`, reading the clock, and serving the
//! results are left to the importers, the GraphQL layer and its callers.
//!
//! # Daylight-saving rules
//!
//! A meeting's times are wall-clock times in its zone, turned into instants on the day:
//!
//! - **Gap** (spring forward; the local time does not exist that day, e.g. 02:30 in New York on
//!   2026-03-08): the time moves forward to the first valid instant after the gap, i.e. the
//!   instant the clocks change (02:30 becomes 03:00 EDT, 07:00 UTC). It is not shifted by the
//!   length of the gap (so not 03:30).
//! - **Overlap** (fall back; the local time happens twice, e.g. 01:30 in New York on
//!   2026-11-01): the earlier instant is taken (01:30 EDT, 05:30 UTC).
//!
//! The end is resolved by the same rules from its own wall-clock time, so a meeting across a
//! change lasts an hour more or less in real time (01:30-02:30 on a fall-back night lasts two
//! hours). Only if both ends fall into one gap (the end would not be after the start) does the
//! end become the start plus the wall-clock length. A meeting with no end lasts 60 minutes of
//! real time; an end at or before the start is on the next day (23:00-01:00).

mod time_of_day;
mod upcoming;

#[cfg(test)]
mod tests;

use chrono::{
    DateTime, Datelike, Days, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Timelike,
    Utc,
};
use chrono_tz::Tz;
use importers::{Meeting, Recurrence, Weekday};

pub use time_of_day::{parse_hhmm, starts_between, times_of_day, TimeOfDay};
pub use upcoming::upcoming;

/// How long a meeting with no end time lasts.
pub const DEFAULT_LENGTH: Duration = Duration::minutes(60);

/// How many months after the current one a monthly rule is searched (a 5th weekday is never
/// more than a few months away; the bound keeps bad data from looping).
const MONTHS_AHEAD: u32 = 15;

/// Hours searched forward from a nonexistent local time for the end of its gap (the longest
/// gap on record is a whole day: Pacific/Apia skipped 2011-12-30).
const GAP_SEARCH_HOURS: i64 = 26;

/// One concrete occurrence of a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The wall-clock time at `starts_at` in the meeting's zone. This is the meeting's own
    /// start time, except on a spring-forward day where that time does not exist (then it is
    /// the first time after the gap, e.g. 03:00 for 02:30).
    pub local_start: NaiveDateTime,
    pub timezone: Tz,
    /// Started at or before the instant asked about, and not yet ended at it.
    pub in_progress: bool,
}

/// The first occurrence of `m` that has not ended at `from` (`from < ends_at`): an occurrence
/// in progress at `from` is returned with `in_progress` set.
///
/// `None` when the meeting has no start time, is by appointment, is weekly or monthly without a
/// weekday, is monthly with no valid week (1..=5 or -1), is a one-off that has ended, or names
/// a time zone chrono-tz does not know.
pub fn next_occurrence(m: &Meeting, from: DateTime<Utc>) -> Option<Occurrence> {
    if !schedulable(m) {
        return None;
    }
    let tz: Tz = m.timezone.parse().ok()?;
    next_in(m, tz, local_date(tz, from)?, from)
}

/// Whether a meeting can have an occurrence at all, decided without its time zone.
fn schedulable(m: &Meeting) -> bool {
    m.start.is_some() && !matches!(m.recurrence, Recurrence::ByAppointment)
}

/// The calendar date in `tz` at `instant` (`None` only at the very ends of chrono's range).
fn local_date(tz: Tz, instant: DateTime<Utc>) -> Option<NaiveDate> {
    let offset = tz.offset_from_utc_datetime(&instant.naive_utc()).fix();
    Some(instant.naive_utc().checked_add_offset(offset)?.date())
}

/// `next_occurrence` with the zone already parsed and `today`, the local date at `from`, known.
fn next_in(m: &Meeting, tz: Tz, today: NaiveDate, from: DateTime<Utc>) -> Option<Occurrence> {
    let start = m.start?;
    // An occurrence that started yesterday may still be running (23:00-01:00); none that
    // started earlier can be, since a meeting lasts at most a day plus a DST hour.
    let yesterday = today.pred_opt()?;
    let on = |date: NaiveDate| occurrence_on(tz, date, start, m.end, from);
    match &m.recurrence {
        Recurrence::ByAppointment => None,
        Recurrence::Once { date } => on(*date).filter(|o| o.ends_at > from),
        Recurrence::Weekly => {
            let weekday = m.weekday?;
            let ahead = (iso(weekday) + 7 - yesterday.weekday().number_from_monday()) % 7;
            let first = yesterday.checked_add_days(Days::new(ahead.into()))?;
            // `first` is yesterday at the earliest, so the one a week later starts after
            // `from`: two candidates always suffice.
            let second = first.checked_add_days(Days::new(7))?;
            [first, second].into_iter().filter_map(on).find(|o| o.ends_at > from)
        }
        Recurrence::MonthlyNth { weeks } => {
            let weekday = iso(m.weekday?);
            if !weeks.iter().copied().any(valid_week) {
                return None;
            }
            let (mut year, mut month) = (yesterday.year(), yesterday.month());
            let mut earliest = yesterday;
            for _ in 0..=MONTHS_AHEAD {
                // Each pass takes the month's next date on or after `earliest` and moves
                // `earliest` past it: at most five passes per month.
                while let Some(date) =
                    weeks.iter().filter_map(|&n| nth_weekday(year, month, weekday, n)).filter(|d| *d >= earliest).min()
                {
                    if let Some(o) = on(date).filter(|o| o.ends_at > from) {
                        return Some(o);
                    }
                    earliest = date.succ_opt()?;
                }
                (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
            }
            None
        }
    }
}

fn iso(weekday: Weekday) -> u32 {
    weekday.iso().into()
}

fn valid_week(n: i8) -> bool {
    matches!(n, 1..=5 | -1)
}

/// The `n`th (1..=5, or -1 for the last) ISO `weekday` of a month, if that month has one.
fn nth_weekday(year: i32, month: u32, weekday: u32, n: i8) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let days = first.num_days_in_month() as u32;
    let day = match n {
        1..=5 => 1 + (weekday + 7 - first.weekday().number_from_monday()) % 7 + 7 * (n as u32 - 1),
        -1 => {
            let last = first.with_day(days)?;
            days - (last.weekday().number_from_monday() + 7 - weekday) % 7
        }
        _ => return None,
    };
    first.with_day(day) // None past the month's end: no 5th that month
}

/// The occurrence on local `date` (which need not match the weekday: callers choose dates).
fn occurrence_on(
    tz: Tz,
    date: NaiveDate,
    start: NaiveTime,
    end: Option<NaiveTime>,
    from: DateTime<Utc>,
) -> Option<Occurrence> {
    let local = date.and_time(start);
    let begins = resolve(tz, local)?;
    let starts_at = begins.with_timezone(&Utc);
    let ends_at = match end {
        None => starts_at.checked_add_signed(DEFAULT_LENGTH)?,
        Some(end) => {
            let end_date = if end <= start { date.succ_opt()? } else { date };
            let local_end = end_date.and_time(end);
            match resolve(tz, local_end)?.with_timezone(&Utc) {
                ends_at if ends_at > starts_at => ends_at,
                // Both ends fell into one gap: keep the wall-clock length.
                _ => starts_at.checked_add_signed(local_end - local)?,
            }
        }
    };
    Some(Occurrence {
        starts_at,
        ends_at,
        local_start: begins.naive_local(),
        timezone: tz,
        in_progress: starts_at <= from && from < ends_at,
    })
}

/// A wall-clock time in `tz` as an instant, by the module's DST rules: the earlier of two
/// instants in an overlap, the end of the gap for a time inside one.
fn resolve(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Tz>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t),
        LocalResult::Ambiguous(a, b) => Some(a.min(b)),
        LocalResult::None => gap_end(tz, local),
    }
}

/// The first valid instant after the gap `local` falls into: found by stepping forward an hour
/// at a time to a valid local time, then halving, in whole seconds, down to the first one.
fn gap_end(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Tz>> {
    let valid = |t: NaiveDateTime| tz.from_local_datetime(&t).earliest();
    // Transitions fall on whole seconds; dropping a fraction keeps the halving exact.
    let base = local.with_nanosecond(0)?;
    let at = |seconds: i64| base.checked_add_signed(Duration::seconds(seconds));
    // `invalid` and `ok` are seconds after `base`: not a valid local time, and a valid one.
    let mut invalid = 0;
    let mut ok = (1..=GAP_SEARCH_HOURS).map(|h| h * 3600).find(|&s| at(s).and_then(valid).is_some())?;
    while ok - invalid > 1 {
        let mid = invalid + (ok - invalid) / 2;
        if at(mid).and_then(valid).is_some() {
            ok = mid;
        } else {
            invalid = mid;
        }
    }
    valid(at(ok)?)
}
