//! Tests of `next_occurrence` and `upcoming` at fixed instants: across midnight, the end of the
//! week, month ends and the 2026 daylight-saving changes in London and New York (the
//! time-of-day filters are tested beside them, in `time_of_day`).

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use importers::{Meeting, Recurrence, Weekday};
use proptest::prelude::*;

use super::*;

const LONDON: &str = "Europe/London";
const NEW_YORK: &str = "America/New_York";

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap_or_else(|e| panic!("bad instant {s}: {e}"))
}

fn time(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").unwrap()
}

fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn meeting(weekday: Option<Weekday>, start: &str, end: Option<&str>, tz: &str, recurrence: Recurrence) -> Meeting {
    Meeting { weekday, start: Some(time(start)), end: end.map(time), timezone: tz.to_string(), recurrence }
}

fn weekly(weekday: Weekday, start: &str, end: Option<&str>, tz: &str) -> Meeting {
    meeting(Some(weekday), start, end, tz, Recurrence::Weekly)
}

fn monthly(weekday: Weekday, weeks: &[i8], start: &str, end: Option<&str>, tz: &str) -> Meeting {
    meeting(Some(weekday), start, end, tz, Recurrence::MonthlyNth { weeks: weeks.to_vec() })
}

fn once(day: &str, start: &str, end: Option<&str>, tz: &str) -> Meeting {
    meeting(None, start, end, tz, Recurrence::Once { date: date(day) })
}

fn next(m: &Meeting, from: &str) -> Occurrence {
    next_occurrence(m, utc(from)).unwrap_or_else(|| panic!("no occurrence of {m:?} from {from}"))
}

/// `(starts_at, ends_at)` of the next occurrence, as RFC 3339 UTC text for readable failures.
fn span(m: &Meeting, from: &str) -> (String, String) {
    let o = next(m, from);
    (o.starts_at.to_rfc3339(), o.ends_at.to_rfc3339())
}

fn at(start: &str, end: &str) -> (String, String) {
    (utc(start).to_rfc3339(), utc(end).to_rfc3339())
}

// ---- weekly, midnight and the end of the week ----

#[test]
fn a_weekly_meeting_later_today_is_today() {
    let m = weekly(Weekday::Wednesday, "19:00", Some("20:30"), LONDON);
    let o = next(&m, "2026-01-14T10:00:00Z");
    assert_eq!(o.starts_at, utc("2026-01-14T19:00:00Z"));
    assert_eq!(o.ends_at, utc("2026-01-14T20:30:00Z"));
    assert_eq!(o.local_start, local("2026-01-14 19:00"));
    assert_eq!(o.timezone, Tz::Europe__London);
    assert!(!o.in_progress);
}

#[test]
fn a_weekly_meeting_over_for_today_is_next_week() {
    let m = weekly(Weekday::Wednesday, "19:00", Some("20:30"), LONDON);
    assert_eq!(span(&m, "2026-01-14T21:00:00Z"), at("2026-01-21T19:00:00Z", "2026-01-21T20:30:00Z"));
    // Thursday: six days on.
    assert_eq!(span(&m, "2026-01-15T08:00:00Z"), at("2026-01-21T19:00:00Z", "2026-01-21T20:30:00Z"));
}

#[test]
fn a_meeting_in_progress_is_returned_until_its_end() {
    let m = weekly(Weekday::Wednesday, "19:00", Some("20:30"), LONDON);
    let o = next(&m, "2026-01-14T19:45:00Z");
    assert_eq!(o.starts_at, utc("2026-01-14T19:00:00Z"));
    assert!(o.in_progress);
    assert!(next(&m, "2026-01-14T19:00:00Z").in_progress, "in progress from its first instant");
    assert!(!next(&m, "2026-01-14T18:59:59Z").in_progress);
    let last = next(&m, "2026-01-14T20:29:59Z");
    assert!(last.in_progress && last.starts_at == utc("2026-01-14T19:00:00Z"));
    // At its end it is over: the next is a week on.
    let after = next(&m, "2026-01-14T20:30:00Z");
    assert_eq!(after.starts_at, utc("2026-01-21T19:00:00Z"));
    assert!(!after.in_progress);
}

#[test]
fn a_late_meeting_ending_after_midnight_is_in_progress_the_next_day() {
    let m = weekly(Weekday::Friday, "23:00", Some("01:00"), LONDON);
    let o = next(&m, "2026-01-17T00:30:00Z");
    assert_eq!((o.starts_at, o.ends_at), (utc("2026-01-16T23:00:00Z"), utc("2026-01-17T01:00:00Z")));
    assert_eq!(o.local_start, local("2026-01-16 23:00"));
    assert!(o.in_progress);
    assert_eq!(span(&m, "2026-01-17T01:00:00Z"), at("2026-01-23T23:00:00Z", "2026-01-24T01:00:00Z"));
    // Seen before it starts on Friday, it ends on Saturday.
    assert_eq!(span(&m, "2026-01-16T12:00:00Z"), at("2026-01-16T23:00:00Z", "2026-01-17T01:00:00Z"));
}

#[test]
fn sunday_night_runs_into_monday_and_monday_follows_sunday() {
    // 2026-01-18 is a Sunday.
    let sunday_late = weekly(Weekday::Sunday, "23:00", Some("01:00"), LONDON);
    let o = next(&sunday_late, "2026-01-19T00:30:00Z");
    assert_eq!(o.starts_at, utc("2026-01-18T23:00:00Z"));
    assert!(o.in_progress);
    let monday = weekly(Weekday::Monday, "09:00", None, LONDON);
    assert_eq!(span(&monday, "2026-01-18T22:00:00Z"), at("2026-01-19T09:00:00Z", "2026-01-19T10:00:00Z"));
    let monday_midnight = weekly(Weekday::Monday, "00:15", Some("01:15"), LONDON);
    assert_eq!(span(&monday_midnight, "2026-01-18T23:59:00Z"), at("2026-01-19T00:15:00Z", "2026-01-19T01:15:00Z"));
    let sunday_morning = weekly(Weekday::Sunday, "10:00", None, LONDON);
    assert_eq!(span(&sunday_morning, "2026-01-19T00:30:00Z"), at("2026-01-25T10:00:00Z", "2026-01-25T11:00:00Z"));
}

#[test]
fn the_weekday_is_the_meetings_local_one_not_utcs() {
    // 03:00 UTC on Tuesday is still Monday 22:00 in New York.
    let tuesday = weekly(Weekday::Tuesday, "08:00", Some("09:00"), NEW_YORK);
    assert_eq!(span(&tuesday, "2026-01-20T03:00:00Z"), at("2026-01-20T13:00:00Z", "2026-01-20T14:00:00Z"));
    let monday_evening = weekly(Weekday::Monday, "21:00", Some("23:00"), NEW_YORK);
    let o = next(&monday_evening, "2026-01-20T03:00:00Z");
    assert_eq!(o.starts_at, utc("2026-01-20T02:00:00Z"));
    assert_eq!(o.local_start, local("2026-01-19 21:00"));
    assert!(o.in_progress);
    // 20:00 UTC on Monday is already Tuesday 05:00 in Tokyo.
    let tokyo = weekly(Weekday::Tuesday, "07:00", None, "Asia/Tokyo");
    assert_eq!(span(&tokyo, "2026-01-19T20:00:00Z"), at("2026-01-19T22:00:00Z", "2026-01-19T23:00:00Z"));
}

#[test]
fn no_end_lasts_an_hour_and_an_end_equal_to_the_start_lasts_a_day() {
    let open = weekly(Weekday::Wednesday, "10:00", None, LONDON);
    assert_eq!(span(&open, "2026-01-14T00:00:00Z"), at("2026-01-14T10:00:00Z", "2026-01-14T11:00:00Z"));
    let day = weekly(Weekday::Wednesday, "10:00", Some("10:00"), LONDON);
    assert_eq!(span(&day, "2026-01-14T00:00:00Z"), at("2026-01-14T10:00:00Z", "2026-01-15T10:00:00Z"));
    assert!(next(&day, "2026-01-15T09:59:00Z").in_progress);
}

// ---- daylight saving ----

#[test]
fn london_spring_gap_moves_a_meeting_to_the_end_of_the_gap() {
    // 2026-03-29 01:00 UTC: 01:00 GMT becomes 02:00 BST, so 01:30 does not exist that day.
    let m = weekly(Weekday::Sunday, "01:30", Some("02:30"), LONDON);
    assert_eq!(span(&m, "2026-03-21T12:00:00Z"), at("2026-03-22T01:30:00Z", "2026-03-22T02:30:00Z"));
    let o = next(&m, "2026-03-28T12:00:00Z");
    assert_eq!(o.starts_at, utc("2026-03-29T01:00:00Z"));
    assert_eq!(o.local_start, local("2026-03-29 02:00"));
    assert_eq!(o.ends_at, utc("2026-03-29T01:30:00Z"), "02:30 BST");
    assert_eq!(span(&m, "2026-03-29T01:30:00Z"), at("2026-04-05T00:30:00Z", "2026-04-05T01:30:00Z"));
    let open = weekly(Weekday::Sunday, "01:30", None, LONDON);
    assert_eq!(span(&open, "2026-03-28T12:00:00Z"), at("2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"));
}

#[test]
fn london_fall_back_takes_the_earlier_of_two_times() {
    // 2026-10-25 01:00 UTC: 02:00 BST becomes 01:00 GMT, so 01:30 happens twice.
    let m = weekly(Weekday::Sunday, "01:30", Some("02:30"), LONDON);
    let o = next(&m, "2026-10-24T12:00:00Z");
    assert_eq!(o.starts_at, utc("2026-10-25T00:30:00Z"), "01:30 BST, not 01:30 GMT");
    assert_eq!(o.ends_at, utc("2026-10-25T02:30:00Z"), "02:30 GMT: two hours of real time");
    assert_eq!(o.local_start, local("2026-10-25 01:30"));
    // During the second 01:45 (GMT) it is still in progress.
    let during = next(&m, "2026-10-25T01:45:00Z");
    assert!(during.in_progress && during.starts_at == utc("2026-10-25T00:30:00Z"));
    assert_eq!(span(&m, "2026-10-25T03:00:00Z"), at("2026-11-01T01:30:00Z", "2026-11-01T02:30:00Z"));
}

#[test]
fn new_york_spring_gap_moves_a_meeting_to_three_oclock() {
    // 2026-03-08 07:00 UTC: 02:00 EST becomes 03:00 EDT.
    let m = weekly(Weekday::Sunday, "02:30", Some("03:30"), NEW_YORK);
    assert_eq!(span(&m, "2026-02-28T12:00:00Z"), at("2026-03-01T07:30:00Z", "2026-03-01T08:30:00Z"));
    let o = next(&m, "2026-03-07T12:00:00Z");
    assert_eq!(o.starts_at, utc("2026-03-08T07:00:00Z"));
    assert_eq!(o.local_start, local("2026-03-08 03:00"));
    assert_eq!(o.ends_at, utc("2026-03-08T07:30:00Z"));
    assert_eq!(span(&m, "2026-03-08T08:00:00Z"), at("2026-03-15T06:30:00Z", "2026-03-15T07:30:00Z"));
}

#[test]
fn a_meeting_across_the_new_york_gap_is_an_hour_shorter() {
    let m = weekly(Weekday::Sunday, "01:00", Some("03:00"), NEW_YORK);
    assert_eq!(span(&m, "2026-03-07T12:00:00Z"), at("2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z"));
}

#[test]
fn a_meeting_wholly_inside_a_gap_keeps_its_wall_clock_length() {
    let m = weekly(Weekday::Sunday, "02:10", Some("02:40"), NEW_YORK);
    assert_eq!(span(&m, "2026-03-07T12:00:00Z"), at("2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z"));
}

#[test]
fn new_york_fall_back_takes_the_earlier_of_two_times() {
    // 2026-11-01 06:00 UTC: 02:00 EDT becomes 01:00 EST.
    let m = weekly(Weekday::Sunday, "01:30", Some("02:30"), NEW_YORK);
    assert_eq!(span(&m, "2026-10-31T12:00:00Z"), at("2026-11-01T05:30:00Z", "2026-11-01T07:30:00Z"));
    assert_eq!(span(&m, "2026-10-24T12:00:00Z"), at("2026-10-25T05:30:00Z", "2026-10-25T06:30:00Z"));
    assert_eq!(span(&m, "2026-11-01T07:30:00Z"), at("2026-11-08T06:30:00Z", "2026-11-08T07:30:00Z"));
    // Seen at the second 01:15 (EST), the 01:30 meeting began at the first 01:30 and runs on.
    let o = next(&m, "2026-11-01T06:15:00Z");
    assert!(o.in_progress && o.starts_at == utc("2026-11-01T05:30:00Z"));
}

#[test]
fn a_day_skipped_entirely_moves_to_the_next_valid_instant() {
    // Samoa skipped 2011-12-30: 23:59:59 on the 29th (UTC-10) was followed by 00:00 on the 31st
    // (UTC+14), 10:00 UTC on the 30th.
    let m = once("2011-12-30", "10:00", None, "Pacific/Apia");
    let o = next(&m, "2011-12-01T00:00:00Z");
    assert_eq!(o.starts_at, utc("2011-12-30T10:00:00Z"));
    assert_eq!(o.local_start, local("2011-12-31 00:00"));
    assert_eq!(o.ends_at, utc("2011-12-30T11:00:00Z"));
}

// ---- monthly ----

#[test]
fn the_second_tuesday_of_the_month() {
    let m = monthly(Weekday::Tuesday, &[2], "19:00", Some("21:00"), LONDON);
    assert_eq!(span(&m, "2026-03-01T00:00:00Z"), at("2026-03-10T19:00:00Z", "2026-03-10T21:00:00Z"));
    assert!(next(&m, "2026-03-10T20:00:00Z").in_progress);
    // After it ends: April's second Tuesday, in summer time.
    assert_eq!(span(&m, "2026-03-10T21:00:00Z"), at("2026-04-14T18:00:00Z", "2026-04-14T20:00:00Z"));
}

#[test]
fn the_last_tuesday_of_the_month() {
    let m = monthly(Weekday::Tuesday, &[-1], "19:00", None, LONDON);
    assert_eq!(next(&m, "2026-03-01T00:00:00Z").starts_at, utc("2026-03-31T18:00:00Z"));
    assert_eq!(next(&m, "2026-04-01T00:00:00Z").starts_at, utc("2026-04-28T18:00:00Z"));
    assert_eq!(next(&m, "2026-02-01T00:00:00Z").starts_at, utc("2026-02-24T19:00:00Z"));
}

#[test]
fn several_weeks_of_the_month_in_any_order() {
    for weeks in [[2, -1], [-1, 2]] {
        let m = monthly(Weekday::Tuesday, &weeks, "19:00", None, LONDON);
        assert_eq!(next(&m, "2026-03-01T00:00:00Z").starts_at, utc("2026-03-10T19:00:00Z"), "{weeks:?}");
        assert_eq!(next(&m, "2026-03-11T00:00:00Z").starts_at, utc("2026-03-31T18:00:00Z"), "{weeks:?}");
        assert_eq!(next(&m, "2026-03-31T21:00:00Z").starts_at, utc("2026-04-14T18:00:00Z"), "{weeks:?}");
    }
    let first = monthly(Weekday::Tuesday, &[1], "19:00", None, LONDON);
    assert_eq!(next(&first, "2026-03-01T00:00:00Z").starts_at, utc("2026-03-03T19:00:00Z"));
}

#[test]
fn a_fifth_friday_skips_months_that_have_none() {
    // Fridays of February, March and April 2026 number four each; May 29 is a fifth.
    let m = monthly(Weekday::Friday, &[5], "19:00", None, LONDON);
    assert_eq!(next(&m, "2026-01-01T00:00:00Z").starts_at, utc("2026-01-30T19:00:00Z"));
    assert_eq!(next(&m, "2026-02-01T00:00:00Z").starts_at, utc("2026-05-29T18:00:00Z"));
    // A fifth Friday is also the last: the same date once, then February's last.
    let both = monthly(Weekday::Friday, &[5, -1], "19:00", None, LONDON);
    assert_eq!(next(&both, "2026-01-01T00:00:00Z").starts_at, utc("2026-01-30T19:00:00Z"));
    assert_eq!(next(&both, "2026-01-30T21:00:00Z").starts_at, utc("2026-02-27T19:00:00Z"));
}

#[test]
fn a_monthly_meeting_in_progress_across_the_month_end() {
    // Saturday 2026-01-31 is January's last Saturday; seen on February 1st.
    let m = monthly(Weekday::Saturday, &[-1], "23:00", Some("01:00"), LONDON);
    let o = next(&m, "2026-02-01T00:30:00Z");
    assert_eq!(o.starts_at, utc("2026-01-31T23:00:00Z"));
    assert!(o.in_progress);
    assert_eq!(next(&m, "2026-02-01T01:00:00Z").starts_at, utc("2026-02-28T23:00:00Z"));
}

#[test]
fn monthly_weeks_outside_one_to_five_and_minus_one_are_ignored() {
    let none = monthly(Weekday::Tuesday, &[], "19:00", None, LONDON);
    assert_eq!(next_occurrence(&none, utc("2026-03-01T00:00:00Z")), None);
    let bad = monthly(Weekday::Tuesday, &[0, 6, -2, i8::MIN, i8::MAX], "19:00", None, LONDON);
    assert_eq!(next_occurrence(&bad, utc("2026-03-01T00:00:00Z")), None);
    let some = monthly(Weekday::Tuesday, &[9, 1], "19:00", None, LONDON);
    assert_eq!(next(&some, "2026-03-01T00:00:00Z").starts_at, utc("2026-03-03T19:00:00Z"));
}

// ---- one-off ----

#[test]
fn a_one_off_meeting_until_it_ends() {
    let m = once("2026-06-01", "18:00", Some("19:00"), NEW_YORK);
    assert_eq!(span(&m, "2026-01-01T00:00:00Z"), at("2026-06-01T22:00:00Z", "2026-06-01T23:00:00Z"));
    assert!(next(&m, "2026-06-01T22:30:00Z").in_progress);
    assert_eq!(next_occurrence(&m, utc("2026-06-01T23:00:00Z")), None);
    assert_eq!(next_occurrence(&m, utc("2027-01-01T00:00:00Z")), None);
    // A weekday that disagrees with the date is not consulted.
    let mislabelled = Meeting { weekday: Some(Weekday::Friday), ..m.clone() };
    assert_eq!(next(&mislabelled, "2026-01-01T00:00:00Z"), next(&m, "2026-01-01T00:00:00Z"));
}

// ---- nothing to schedule ----

#[test]
fn meetings_without_a_schedule_have_no_occurrence() {
    let from = utc("2026-01-14T10:00:00Z");
    let base = weekly(Weekday::Wednesday, "19:00", None, LONDON);
    assert!(next_occurrence(&base, from).is_some(), "the base case has one");
    let cases = [
        Meeting { start: None, ..base.clone() },
        Meeting { recurrence: Recurrence::ByAppointment, ..base.clone() },
        Meeting { weekday: None, ..base.clone() },
        Meeting { weekday: None, ..monthly(Weekday::Tuesday, &[1], "19:00", None, LONDON) },
        Meeting { start: None, ..once("2026-06-01", "18:00", None, LONDON) },
    ];
    for m in cases {
        assert_eq!(next_occurrence(&m, from), None, "{m:?}");
    }
}

#[test]
fn an_unknown_time_zone_has_no_occurrence() {
    let from = utc("2026-01-14T10:00:00Z");
    let long = "A/".repeat(10_000);
    for tz in ["", "Mars/Olympus_Mons", "Europe/London ", "GMT+25", "\0", long.as_str()] {
        let m = weekly(Weekday::Wednesday, "19:00", None, tz);
        assert_eq!(next_occurrence(&m, from), None, "{tz:?}");
    }
}

#[test]
fn instants_at_the_ends_of_time_do_not_panic() {
    for tz in [LONDON, "Asia/Tokyo", "Pacific/Kiritimati", "Etc/GMT+12"] {
        for from in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            for m in [
                weekly(Weekday::Sunday, "23:00", Some("01:00"), tz),
                monthly(Weekday::Friday, &[5, -1], "23:59", None, tz),
                once("2026-06-01", "18:00", None, tz),
            ] {
                let _ = next_occurrence(&m, from);
                let _ = upcoming([(0, &m)], from, Some(Duration::MAX), 3);
            }
        }
    }
}

// ---- upcoming ----

/// From Sunday 2026-01-18 22:00 UTC (London is on UTC).
fn week_end() -> Vec<(&'static str, Meeting)> {
    vec![
        ("sunday-late", weekly(Weekday::Sunday, "21:30", Some("22:30"), LONDON)),
        ("monday", weekly(Weekday::Monday, "09:00", None, LONDON)),
        ("sunday-early", weekly(Weekday::Sunday, "20:00", Some("21:00"), LONDON)),
        ("saturday", weekly(Weekday::Saturday, "10:00", None, LONDON)),
        (
            "by-appointment",
            Meeting { recurrence: Recurrence::ByAppointment, ..weekly(Weekday::Monday, "08:00", None, LONDON) },
        ),
        ("bad-zone", weekly(Weekday::Monday, "08:00", None, "Nowhere/Special")),
        ("monday-new-york", weekly(Weekday::Monday, "09:00", None, NEW_YORK)),
    ]
}

fn keys(list: &[(&'static str, Occurrence)]) -> Vec<&'static str> {
    list.iter().map(|(k, _)| *k).collect()
}

#[test]
fn upcoming_puts_in_progress_first_and_wraps_into_next_week() {
    let meetings = week_end();
    let from = utc("2026-01-18T22:00:00Z");
    let list = upcoming(meetings.iter().map(|(k, m)| (*k, m)), from, None, 10);
    assert_eq!(keys(&list), ["sunday-late", "monday", "monday-new-york", "saturday", "sunday-early"]);
    assert!(list[0].1.in_progress);
    let starts: Vec<_> = list.iter().map(|(_, o)| o.starts_at.to_rfc3339()).collect();
    let want = [
        "2026-01-18T21:30:00Z",
        "2026-01-19T09:00:00Z",
        "2026-01-19T14:00:00Z",
        "2026-01-24T10:00:00Z",
        "2026-01-25T20:00:00Z",
    ];
    assert_eq!(starts, want.map(|s| utc(s).to_rfc3339()));
}

#[test]
fn upcoming_keeps_at_most_the_limit() {
    let meetings = week_end();
    let from = utc("2026-01-18T22:00:00Z");
    let list = upcoming(meetings.iter().map(|(k, m)| (*k, m)), from, None, 2);
    assert_eq!(keys(&list), ["sunday-late", "monday"]);
    assert!(upcoming(meetings.iter().map(|(k, m)| (*k, m)), from, None, 0).is_empty());
}

#[test]
fn upcoming_within_a_window_includes_its_last_instant() {
    let meetings = week_end();
    let from = utc("2026-01-18T22:00:00Z");
    let within = |d| keys(&upcoming(meetings.iter().map(|(k, m)| (*k, m)), from, Some(d), 10));
    assert_eq!(within(Duration::hours(11)), ["sunday-late", "monday"], "monday starts at exactly +11h");
    assert_eq!(within(Duration::hours(11) - Duration::seconds(1)), ["sunday-late"]);
    assert_eq!(within(Duration::zero()), ["sunday-late"], "in progress is always within");
    assert_eq!(within(Duration::days(7)), ["sunday-late", "monday", "monday-new-york", "saturday", "sunday-early"]);
    assert_eq!(within(Duration::days(6)), ["sunday-late", "monday", "monday-new-york", "saturday"]);
}

#[test]
fn upcoming_breaks_ties_by_order_of_appearance() {
    let a = weekly(Weekday::Monday, "09:00", None, LONDON);
    let b = weekly(Weekday::Monday, "10:00", None, "Europe/Lisbon"); // also 10:00 UTC
    let c = weekly(Weekday::Monday, "11:00", None, "Europe/Paris"); // also 10:00 UTC
    let from = utc("2026-01-18T22:00:00Z");
    let list = upcoming([(1, &b), (2, &a), (3, &c), (4, &b)], from, None, 3);
    let got: Vec<_> = list.iter().map(|(k, o)| (*k, o.starts_at.to_rfc3339())).collect();
    let (nine, ten) = (utc("2026-01-19T09:00:00Z").to_rfc3339(), utc("2026-01-19T10:00:00Z").to_rfc3339());
    assert_eq!(got, [(2, nine), (1, ten.clone()), (3, ten)]);
}

#[test]
fn upcoming_agrees_with_next_occurrence_across_interleaved_zones() {
    let zones = [LONDON, NEW_YORK, LONDON, LONDON, "Asia/Tokyo", NEW_YORK];
    let meetings: Vec<_> = zones.iter().map(|tz| weekly(Weekday::Monday, "09:00", None, tz)).collect();
    let from = utc("2026-01-18T22:00:00Z");
    let list = upcoming(meetings.iter().enumerate(), from, None, 10);
    let got: Vec<_> = list.iter().map(|(i, o)| (*i, o.starts_at)).collect();
    let monday = |s| utc(s);
    assert_eq!(
        got,
        [
            (4, monday("2026-01-19T00:00:00Z")),
            (0, monday("2026-01-19T09:00:00Z")),
            (2, monday("2026-01-19T09:00:00Z")),
            (3, monday("2026-01-19T09:00:00Z")),
            (1, monday("2026-01-19T14:00:00Z")),
            (5, monday("2026-01-19T14:00:00Z")),
        ]
    );
    for (i, o) in list {
        assert_eq!(Some(o), next_occurrence(&meetings[i], from));
    }
}

// ---- properties ----

const ZONES: [&str; 6] = [LONDON, NEW_YORK, "Asia/Tokyo", "Australia/Lord_Howe", "Pacific/Apia", "Not/AZone"];

fn any_meeting() -> impl Strategy<Value = Meeting> {
    let time = (0u32..24, 0u32..60).prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).unwrap());
    let recurrence = prop_oneof![
        4 => Just(Recurrence::Weekly),
        2 => proptest::collection::vec(-2i8..7, 0..4).prop_map(|weeks| Recurrence::MonthlyNth { weeks }),
        1 => (0i64..800).prop_map(|d| Recurrence::Once { date: date("2025-06-01") + Duration::days(d) }),
        1 => Just(Recurrence::ByAppointment),
    ];
    (
        proptest::option::weighted(0.95, 0usize..7),
        proptest::option::weighted(0.95, time.clone()),
        proptest::option::of(time),
        0..ZONES.len(),
        recurrence,
    )
        .prop_map(|(weekday, start, end, zone, recurrence)| Meeting {
            weekday: weekday.map(|i| Weekday::ALL[i]),
            start,
            end,
            timezone: ZONES[zone].to_string(),
            recurrence,
        })
}

/// Any instant from mid-2025 to mid-2027, to the second.
fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..2 * 366 * 86_400).prop_map(|s| utc("2025-06-01T00:00:00Z") + Duration::seconds(s))
}

proptest! {
    #[test]
    fn the_next_occurrence_has_not_ended_and_none_before_it_was_skipped(m in any_meeting(), from in any_instant()) {
        let Some(o) = next_occurrence(&m, from) else { return Ok(()) };
        prop_assert!(o.ends_at > from);
        prop_assert!(o.starts_at < o.ends_at);
        prop_assert!(o.ends_at - o.starts_at <= Duration::hours(25));
        prop_assert_eq!(o.in_progress, o.starts_at <= from);
        prop_assert_eq!(o.timezone.name(), m.timezone.as_str());
        prop_assert_eq!(o.local_start, o.starts_at.with_timezone(&o.timezone).naive_local());
        if matches!(m.recurrence, Recurrence::Weekly) {
            prop_assert!(o.starts_at - from < Duration::days(7));
        }
        // Walking forward from a week earlier, occurrence by occurrence, reaches the same one.
        let mut walk = next_occurrence(&m, from - Duration::days(7));
        for _ in 0..8 {
            match walk {
                Some(w) if w.ends_at <= from => walk = next_occurrence(&m, w.ends_at),
                _ => break,
            }
        }
        prop_assert_eq!(walk.map(|w| (w.starts_at, w.ends_at)), Some((o.starts_at, o.ends_at)));
    }

    #[test]
    fn upcoming_is_the_sorted_truncated_list_of_next_occurrences(
        meetings in proptest::collection::vec(any_meeting(), 0..30),
        from in any_instant(),
        within in proptest::option::of(0i64..14 * 24),
        limit in 0usize..12,
    ) {
        let within = within.map(Duration::hours);
        let mut want: Vec<(usize, Occurrence)> = meetings
            .iter()
            .enumerate()
            .filter_map(|(i, m)| next_occurrence(m, from).map(|o| (i, o)))
            .filter(|(_, o)| within.is_none_or(|w| o.starts_at <= from + w))
            .collect();
        want.sort_by_key(|(i, o)| (o.starts_at, *i));
        want.truncate(limit);
        prop_assert_eq!(upcoming(meetings.iter().enumerate(), from, within, limit), want);
    }
}
