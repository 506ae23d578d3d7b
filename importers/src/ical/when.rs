//! iCalendar date-time values, time zones and durations, read into one local clock.
//!
//! A `DTSTART`/`DTEND` is a date (all day), a floating time, a UTC time (`...Z`) or a local
//! time with a `TZID`. `TZID`s are IANA names, Outlook's Windows names ("GMT Standard Time",
//! a small table of the common ones), "(UTC+00:00) Dublin, Edinburgh, Lisbon, London" labels
//! or prefixed paths ("/mozilla.org/20050126_1/Europe/London"); the `VTIMEZONE` offsets are
//! not read: chrono-tz knows the rules. Everything is turned into the wall-clock time of one
//! zone (the event's own, else the calendar's), which is what a `Meeting` holds. Recurrence
//! rules are in `rrule.rs`.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::normalize::time;

/// One date-time value as written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum When {
    /// `VALUE=DATE`: all day.
    Date(NaiveDate),
    /// No zone: local time wherever the calendar is.
    Floating(NaiveDateTime),
    /// A `Z` time.
    Utc(NaiveDateTime),
    /// A local time in a known zone.
    Zoned(NaiveDateTime, Tz),
}

impl When {
    /// The zone the value names, if any.
    pub fn zone(self) -> Option<Tz> {
        match self {
            When::Zoned(_, tz) => Some(tz),
            _ => None,
        }
    }

    /// The wall-clock time in `zone` (`None` for a date, or a local time that does not exist
    /// there).
    pub fn local_in(self, zone: Tz) -> Option<NaiveDateTime> {
        match self {
            When::Date(_) => None,
            When::Floating(t) => Some(t),
            When::Utc(t) => Some(zone.from_utc_datetime(&t).naive_local()),
            When::Zoned(t, tz) if tz == zone => Some(t),
            When::Zoned(t, tz) => Some(tz.from_local_datetime(&t).earliest()?.with_timezone(&zone).naive_local()),
        }
    }

    /// The calendar date the value falls on in `zone`.
    pub fn date_in(self, zone: Tz) -> Option<NaiveDate> {
        match self {
            When::Date(d) => Some(d),
            other => other.local_in(zone).map(|t| t.date()),
        }
    }

    /// The date as written, before any zone conversion (the day a rule's BYDAY counts from).
    pub fn written_date(self) -> NaiveDate {
        match self {
            When::Date(d) => d,
            When::Floating(t) | When::Utc(t) | When::Zoned(t, _) => t.date(),
        }
    }
}

/// Reads a date or date-time value. `tzid` is the property's `TZID` parameter, `is_date`
/// whether it says `VALUE=DATE`. An unknown `TZID` gives a floating time and a warning.
pub(super) fn read_when(value: &str, tzid: Option<&str>, is_date: bool) -> Result<(When, Option<String>), String> {
    let value = value.trim();
    let (digits, utc) = match value.strip_suffix(['Z', 'z']) {
        Some(rest) => (rest, true),
        None => (value, false),
    };
    if is_date || digits.len() == 8 {
        let date = NaiveDate::parse_from_str(digits.get(..8).unwrap_or(digits), "%Y%m%d")
            .map_err(|_| format!("unreadable date \"{value}\""))?;
        return Ok((When::Date(date), None));
    }
    let naive = ["%Y%m%dT%H%M%S", "%Y%m%dT%H%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(digits, f).ok())
        .ok_or_else(|| format!("unreadable date-time \"{value}\""))?;
    if utc {
        return Ok((When::Utc(naive), None));
    }
    match tzid.map(|t| t.trim().trim_matches('"')).filter(|t| !t.is_empty()) {
        None => Ok((When::Floating(naive), None)),
        Some(id) => match zone(id) {
            Some(tz) => Ok((When::Zoned(naive, tz), None)),
            None => Ok((When::Floating(naive), Some(format!("unknown time zone \"{id}\"")))),
        },
    }
}

/// The IANA zone a `TZID` (or `X-WR-TIMEZONE`) names.
pub(super) fn zone(id: &str) -> Option<Tz> {
    let id = id.trim().trim_matches('"');
    if let Some(name) = time::validate_timezone(id) {
        return name.parse().ok();
    }
    let windows = WINDOWS_ZONES.iter().find(|(w, _)| w.eq_ignore_ascii_case(id)).map(|(_, iana)| *iana);
    let labelled = || {
        let lower = id.to_lowercase();
        LABEL_CITIES.iter().find(|(city, _)| lower.contains(city)).map(|(_, iana)| *iana)
    };
    if let Some(iana) = windows.or_else(labelled) {
        return iana.parse().ok();
    }
    // "/mozilla.org/20050126_1/Europe/London", "/freeassociation.sourceforge.net/America/New_York"
    let segments: Vec<&str> = id.split('/').filter(|s| !s.is_empty()).collect();
    (1..=3.min(segments.len())).rev().find_map(|n| {
        let tail = segments.get(segments.len() - n..)?.join("/");
        time::validate_timezone(&tail)?.parse().ok()
    })
}

/// A `DURATION` value ("PT1H30M", "P1D", "P1W", "PT90M"); `None` when unreadable or negative.
pub(super) fn duration(raw: &str) -> Option<Duration> {
    let s = raw.trim().strip_prefix('+').unwrap_or(raw.trim());
    let mut rest = s.strip_prefix(['P', 'p'])?;
    let mut total = Duration::zero();
    let mut in_time = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix(['T', 't']) {
            in_time = true;
            rest = r;
            continue;
        }
        let digits_end = rest.find(|c: char| !c.is_ascii_digit())?;
        let n: i64 = rest.get(..digits_end)?.parse().ok().filter(|n| *n <= 100_000)?;
        let unit = rest.get(digits_end..)?.chars().next()?.to_ascii_uppercase();
        let part = match (unit, in_time) {
            ('W', false) => Duration::weeks(n),
            ('D', false) => Duration::days(n),
            ('H', true) => Duration::hours(n),
            ('M', true) => Duration::minutes(n),
            ('S', true) => Duration::seconds(n),
            _ => return None,
        };
        total = total.checked_add(&part)?;
        rest = rest.get(digits_end + 1..)?;
    }
    Some(total)
}

/// A `LAST-MODIFIED` value as UTC (a floating value is taken as UTC).
pub(super) fn timestamp(raw: &str) -> Option<DateTime<Utc>> {
    match read_when(raw, None, false).ok()?.0 {
        When::Utc(t) | When::Floating(t) | When::Zoned(t, _) => Some(t.and_utc()),
        When::Date(d) => d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()),
    }
}

/// Outlook's Windows zone names for the zones support-group calendars mostly use.
#[rustfmt::skip]
const WINDOWS_ZONES: [(&str, &str); 20] = [
    ("GMT Standard Time", "Europe/London"), ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("W. Europe Standard Time", "Europe/Berlin"), ("Romance Standard Time", "Europe/Paris"),
    ("Central Europe Standard Time", "Europe/Budapest"), ("Central European Standard Time", "Europe/Warsaw"),
    ("Eastern Standard Time", "America/New_York"), ("Central Standard Time", "America/Chicago"),
    ("Mountain Standard Time", "America/Denver"), ("US Mountain Standard Time", "America/Phoenix"),
    ("Pacific Standard Time", "America/Los_Angeles"), ("Atlantic Standard Time", "America/Halifax"),
    ("Alaskan Standard Time", "America/Anchorage"), ("Hawaiian Standard Time", "Pacific/Honolulu"),
    ("Canada Central Standard Time", "America/Regina"), ("Newfoundland Standard Time", "America/St_Johns"),
    ("AUS Eastern Standard Time", "Australia/Sydney"), ("New Zealand Standard Time", "Pacific/Auckland"),
    ("South Africa Standard Time", "Africa/Johannesburg"), ("India Standard Time", "Asia/Kolkata"),
];

/// Cities in Outlook's "(UTC+00:00) Dublin, Edinburgh, Lisbon, London" labels, lower-case.
#[rustfmt::skip]
const LABEL_CITIES: [(&str, &str); 10] = [
    ("london", "Europe/London"), ("amsterdam", "Europe/Amsterdam"), ("brussels", "Europe/Brussels"),
    ("eastern time (us", "America/New_York"), ("central time (us", "America/Chicago"),
    ("mountain time (us", "America/Denver"), ("pacific time (us", "America/Los_Angeles"),
    ("canberra", "Australia/Sydney"), ("auckland", "Pacific/Auckland"), ("pretoria", "Africa/Johannesburg"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_in_every_spelling() {
        let name = |id: &str| zone(id).map(|z| z.name().to_owned());
        assert_eq!(name("Europe/London").as_deref(), Some("Europe/London"));
        assert_eq!(name("GMT Standard Time").as_deref(), Some("Europe/London"));
        assert_eq!(name("\"(UTC+00:00) Dublin, Edinburgh, Lisbon, London\"").as_deref(), Some("Europe/London"));
        assert_eq!(name("/mozilla.org/20050126_1/America/New_York").as_deref(), Some("America/New_York"));
        assert_eq!(name("Custom zone 1"), None);
    }

    #[test]
    fn values_and_durations() {
        let london: Tz = "Europe/London".parse().unwrap_or(Tz::UTC);
        let (w, _) = read_when("20240615T110000Z", None, false).unwrap_or((When::Date(NaiveDate::MIN), None));
        assert_eq!(w.local_in(london).map(|t| t.to_string()).as_deref(), Some("2024-06-15 12:00:00"));
        assert!(matches!(read_when("20240106", None, false), Ok((When::Date(_), None))));
        assert!(matches!(read_when("20240106T1900", Some("Nowhere/Else"), false), Ok((When::Floating(_), Some(_)))));
        assert!(read_when("2024-01-06", None, false).is_err());
        assert_eq!(duration("PT1H30M"), Some(Duration::minutes(90)));
        assert_eq!(duration("P1W"), Some(Duration::weeks(1)));
        assert_eq!(duration("-PT1H"), None);
        assert_eq!(duration("PT"), Some(Duration::zero()));
    }
}
