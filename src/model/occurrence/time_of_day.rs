//! Start-time filters in the meeting's local time: the four overlapping times of day that
//! tsml-ui offers (morning, midday, evening, night), a `startsAfter`/`startsBefore` window, and
//! the "HH:MM" parser for those arguments.
//!
//! Everything here works on a wall-clock `NaiveTime`; which meeting's time to pass and how to
//! name the filters in the API is left to the GraphQL layer.

use chrono::{NaiveTime, Timelike};

/// A part of the day a meeting can start in. The windows overlap by an hour, as in tsml-ui:
/// a start at 11:30 is both morning and midday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeOfDay {
    /// 04:00-11:59
    Morning,
    /// 11:00-16:59
    Midday,
    /// 16:00-20:59
    Evening,
    /// 20:00-04:59, across midnight
    Night,
}

impl TimeOfDay {
    pub const ALL: [TimeOfDay; 4] = [TimeOfDay::Morning, TimeOfDay::Midday, TimeOfDay::Evening, TimeOfDay::Night];

    /// Whether a meeting starting at `start` (local) falls in this window. The windows run to
    /// the end of their last minute (11:59:59 is still morning).
    pub fn contains(self, start: NaiveTime) -> bool {
        let hour = start.hour();
        match self {
            TimeOfDay::Morning => (4..12).contains(&hour),
            TimeOfDay::Midday => (11..17).contains(&hour),
            TimeOfDay::Evening => (16..21).contains(&hour),
            TimeOfDay::Night => !(5..20).contains(&hour), // 20:00 to 04:59, across midnight
        }
    }

    /// Lower-case name, as tsml-ui spells the filter.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeOfDay::Morning => "morning",
            TimeOfDay::Midday => "midday",
            TimeOfDay::Evening => "evening",
            TimeOfDay::Night => "night",
        }
    }
}

/// Every time of day a local start time falls in (one or two), in `TimeOfDay::ALL` order.
pub fn times_of_day(start: NaiveTime) -> Vec<TimeOfDay> {
    TimeOfDay::ALL.into_iter().filter(|t| t.contains(start)).collect()
}

/// Whether a local start time is in the window `[after, before)`: `after` inclusive, `before`
/// exclusive, either side open when `None`. When `after` is later than `before` the window
/// wraps midnight (22:00 to 02:00); when they are equal it is empty.
pub fn starts_between(start: NaiveTime, after: Option<NaiveTime>, before: Option<NaiveTime>) -> bool {
    match (after, before) {
        (None, None) => true,
        (Some(a), None) => start >= a,
        (None, Some(b)) => start < b,
        (Some(a), Some(b)) if a <= b => a <= start && start < b,
        (Some(a), Some(b)) => start >= a || start < b,
    }
}

/// Parses a local time given as "HH:MM" (24-hour; a one-digit hour such as "9:30" is
/// accepted). The error names the value and the expected form.
pub fn parse_hhmm(s: &str) -> Result<NaiveTime, String> {
    let bad = || format!("invalid time {s:?}: expected HH:MM, 24-hour, from 00:00 to 23:59");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let digits =
        |p: &str, len: std::ops::RangeInclusive<usize>| len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(h, 1..=2) || !digits(m, 2..=2) {
        return Err(bad());
    }
    let (h, m) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use TimeOfDay::*;

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M:%S").unwrap()
    }

    #[test]
    fn each_start_falls_in_the_windows_tsml_ui_uses() {
        let cases: &[(&str, &[TimeOfDay])] = &[
            ("00:00:00", &[Night]),
            ("03:59:59", &[Night]),
            ("04:00:00", &[Morning, Night]),
            ("04:59:59", &[Morning, Night]),
            ("05:00:00", &[Morning]),
            ("10:59:59", &[Morning]),
            ("11:00:00", &[Morning, Midday]),
            ("11:30:00", &[Morning, Midday]),
            ("11:59:59", &[Morning, Midday]),
            ("12:00:00", &[Midday]),
            ("16:00:00", &[Midday, Evening]),
            ("16:59:00", &[Midday, Evening]),
            ("17:00:00", &[Evening]),
            ("20:00:00", &[Evening, Night]),
            ("20:59:00", &[Evening, Night]),
            ("21:00:00", &[Night]),
            ("23:59:59", &[Night]),
        ];
        for (start, want) in cases {
            assert_eq!(times_of_day(t(start)), *want, "start {start}");
        }
    }

    #[test]
    fn every_time_is_in_one_or_two_windows() {
        for minute in 0..24 * 60 {
            let start = NaiveTime::from_hms_opt(minute / 60, minute % 60, 0).unwrap();
            let n = times_of_day(start).len();
            assert!((1..=2).contains(&n), "{start} is in {n} windows");
        }
    }

    #[test]
    fn names_are_lower_case() {
        let names: Vec<_> = TimeOfDay::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(names, ["morning", "midday", "evening", "night"]);
    }

    #[test]
    fn a_window_includes_its_start_and_excludes_its_end() {
        let (a, b) = (Some(t("09:00:00")), Some(t("12:00:00")));
        assert!(starts_between(t("09:00:00"), a, b));
        assert!(starts_between(t("11:59:59"), a, b));
        assert!(!starts_between(t("12:00:00"), a, b));
        assert!(!starts_between(t("08:59:59"), a, b));
        assert!(!starts_between(t("23:00:00"), a, b));
    }

    #[test]
    fn a_window_with_one_side_is_open_on_the_other() {
        assert!(starts_between(t("18:00:00"), Some(t("18:00:00")), None));
        assert!(starts_between(t("23:59:00"), Some(t("18:00:00")), None));
        assert!(!starts_between(t("17:59:00"), Some(t("18:00:00")), None));
        assert!(starts_between(t("00:00:00"), None, Some(t("08:00:00"))));
        assert!(!starts_between(t("08:00:00"), None, Some(t("08:00:00"))));
        assert!(starts_between(t("13:13:13"), None, None));
    }

    #[test]
    fn a_window_from_late_to_early_wraps_midnight() {
        let (a, b) = (Some(t("22:00:00")), Some(t("02:00:00")));
        assert!(starts_between(t("22:00:00"), a, b));
        assert!(starts_between(t("23:30:00"), a, b));
        assert!(starts_between(t("00:00:00"), a, b));
        assert!(starts_between(t("01:59:00"), a, b));
        assert!(!starts_between(t("02:00:00"), a, b));
        assert!(!starts_between(t("12:00:00"), a, b));
        assert!(!starts_between(t("21:59:00"), a, b));
    }

    #[test]
    fn a_window_whose_ends_are_equal_is_empty() {
        let w = Some(t("10:00:00"));
        assert!(!starts_between(t("10:00:00"), w, w));
        assert!(!starts_between(t("03:00:00"), w, w));
    }

    #[test]
    fn hh_mm_parses_valid_times() {
        assert_eq!(parse_hhmm("00:00"), Ok(t("00:00:00")));
        assert_eq!(parse_hhmm("07:05"), Ok(t("07:05:00")));
        assert_eq!(parse_hhmm("9:30"), Ok(t("09:30:00")));
        assert_eq!(parse_hhmm("23:59"), Ok(t("23:59:00")));
    }

    #[test]
    fn hh_mm_rejects_anything_else_and_names_the_value() {
        for bad in
            ["", "24:00", "12:60", "12", "12:5", "12:345", "ab:cd", "-1:00", "+1:00", " 9:30", "12:00:00", "１２:00"]
        {
            let err = parse_hhmm(bad).expect_err(bad);
            assert!(err.contains(&format!("{bad:?}")), "{err} does not name {bad:?}");
            assert!(err.contains("HH:MM"), "{err}");
        }
    }
}
