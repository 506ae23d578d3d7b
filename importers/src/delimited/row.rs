//! One row of a delimited export to one listing, through the source's column map.
//!
//! [`Cells`] reads a mapped cell (trimmed, "NULL"-style values and blanks as missing,
//! configured line-break markers as line breaks) and reports a problem per unusable value.
//! [`listing`] reads the schedule (day in the configured numbering, times, zone, monthly
//! wording), the place (split address lines, packed "(lat, lng)" pairs), the type codes
//! ("C = Closed Discussion meeting" gives "C"; meanings through the Meeting Guide table after
//! the source's `code_overrides`), public contact points and notes (members' contact
//! details are dropped from them by `crate::finish`, for every format). Ids and document checks are in `mod.rs`.

use chrono::NaiveTime;

use crate::meeting_guide_codes::{self as codes, CodeFacts};
use crate::model::{Attendance, Contact, Listing, Location, Meeting, OnlineAccess, Recurrence, TopicTag, Weekday};
use crate::normalize::{address, geo, phone, place, schedule, text, time, web};
use crate::problem::RecordProblems;
use crate::SourceOptions;

use super::options::{Columns, DayNumbering, Field, Recipe};

/// The cells of one row, with the recipe to read them and where the row's problems go.
pub(super) struct Cells<'a, 'p> {
    recipe: &'a Recipe,
    columns: &'a Columns,
    cells: &'a [String],
    /// Named by the row's id cell, else "row N".
    pub problems: RecordProblems<'p>,
}

impl<'a, 'p> Cells<'a, 'p> {
    pub fn new(recipe: &'a Recipe, columns: &'a Columns, cells: &'a [String], problems: RecordProblems<'p>) -> Self {
        Cells { recipe, columns, cells, problems }
    }

    /// The trimmed cell; `None` when unmapped, missing, blank or a configured null value.
    pub fn raw(&self, field: Field) -> Option<String> {
        let cell = self.cells.get(self.columns.get(field)?)?.trim();
        if cell.is_empty() || self.recipe.null.iter().any(|n| n == cell) {
            return None;
        }
        Some(self.recipe.line_breaks.iter().fold(cell.to_owned(), |c, b| c.replace(b.as_str(), "\n")))
    }

    /// Sanitised one-line text, passcodes redacted.
    pub fn line(&self, field: Field) -> Option<String> {
        text::plain_line(&self.raw(field)?).map(|t| text::redact_secrets(&t))
    }

    /// Sanitised notes: passcodes redacted, empty "Label:" lines dropped.
    fn notes(&self, field: Field) -> Option<String> {
        let plain = text::plain_text(&self.raw(field)?).map(|t| text::redact_secrets(&t))?;
        let kept: Vec<&str> = plain.lines().filter(|l| !is_empty_label(l)).collect();
        let joined = kept.join("\n");
        (!joined.trim().is_empty()).then(|| joined.trim().to_owned())
    }

    /// Reads a cell with `read`; a value it rejects is a problem saying `why`.
    fn parsed<T>(&mut self, field: Field, why: &str, read: impl Fn(&str) -> Option<T>) -> Option<T> {
        let raw = self.raw(field)?;
        let value = read(&raw);
        if value.is_none() {
            let shown: String = text::plain_line(&raw).unwrap_or_default().chars().take(40).collect();
            self.problems.field(field.key(), format!("{why}: \"{shown}\""));
        }
        value
    }
}

/// The listing of one row; `None` (with a problem) when it has no name.
pub(super) fn listing(c: &mut Cells, id: String, opts: &SourceOptions) -> Option<Listing> {
    let Some(name) = c.line(Field::Name) else {
        c.problems.dropped(Some(Field::Name.key()), "no name");
        return None;
    };
    let facts = code_facts(c, opts);
    let notes = c.notes(Field::Notes);
    let meetings = meetings(c, &name, notes.as_deref(), opts);
    let location = location(c, opts);
    let country = location.as_ref().and_then(|l| l.country.clone()).or_else(|| opts.country.clone());
    let online = online(c, country.as_deref());
    let contact = Contact {
        email: None,
        phone: c.parsed(Field::Phone, "not a phone number", |raw| phone::normalize_phone(raw, country.as_deref())),
        website: c.parsed(Field::Website, "not an http(s) link", web::normalize_url),
    };
    let url = c.parsed(Field::Url, "not an http(s) link", web::normalize_url);
    let in_person = location.as_ref().is_some_and(|l| l.address.is_some());
    let has_conference = online.is_some();
    let attendance = if has_conference && in_person && !facts.temporarily_closed {
        Attendance::Hybrid
    } else if has_conference || facts.online {
        Attendance::Online
    } else {
        Attendance::InPerson
    };
    let mut topics: Vec<TopicTag> = opts.default_topic_tags();
    topics.extend(facts.topics.iter().cloned());
    topics.sort();
    topics.dedup_by(|a, b| a.topic == b.topic);
    Some(Listing {
        group: None,
        external_id: id,
        name,
        description: notes,
        kind: opts.kind.unwrap_or_default(),
        topics,
        audience: facts.audience,
        attendance,
        meetings,
        location,
        online,
        contact,
        organisation: None,
        cost: None,
        languages: facts.languages,
        accessibility: facts.accessibility,
        open: facts.open,
        codes: facts.codes,
        url,
        updated_at: None,
        active: !facts.temporarily_closed || has_conference,
        origins: Vec::new(),
    })
}

/// The weekly (or monthly, when the name or notes say so) meeting; none when the day is
/// missing or unreadable.
fn meetings(c: &mut Cells, name: &str, notes: Option<&str>, opts: &SourceOptions) -> Vec<Meeting> {
    let day = weekday(c);
    let start = c.parsed(Field::Time, "unreadable time", read_time);
    let end = c.parsed(Field::EndTime, "unreadable time", read_time);
    let timezone = c.parsed(Field::Timezone, "unknown time zone", time::validate_timezone);
    if schedule::says_every_other_week(name) {
        c.problems.field(Field::Name.key(), "says every other week, which cannot be shown; listed as weekly");
    } else if notes.is_some_and(schedule::says_every_other_week) {
        c.problems.field(Field::Notes.key(), "say every other week, which cannot be shown; listed as weekly");
    }
    let Some(day) = day else { return Vec::new() };
    let weeks = schedule::monthly_weeks(name, Some(day), false)
        .or_else(|| notes.and_then(|n| schedule::monthly_weeks(n, Some(day), true)));
    vec![Meeting {
        weekday: Some(day),
        start,
        end: start.and(end),
        timezone: timezone.unwrap_or_else(|| opts.timezone.clone()),
        recurrence: weeks.map_or(Recurrence::Weekly, |weeks| Recurrence::MonthlyNth { weeks }),
    }]
}

fn weekday(c: &mut Cells) -> Option<Weekday> {
    let Some(raw) = c.raw(Field::Day) else {
        c.problems.field(Field::Day.key(), "no day given; schedule unknown");
        return None;
    };
    let s = raw.trim().trim_end_matches('.').to_lowercase();
    let Ok(n) = s.parse::<i64>() else {
        let day = time::weekday_name(&s);
        if day.is_none() {
            c.problems.field(Field::Day.key(), format!("not a day: \"{}\"", raw.chars().take(20).collect::<String>()));
        }
        return day;
    };
    let (day, range) = match c.recipe.day_numbering {
        DayNumbering::Names => {
            c.problems.field(Field::Day.key(), format!("day {n} is a number; set day_numbering to read it"));
            return None;
        }
        DayNumbering::Sunday0 => (Weekday::from_sunday0(n), "0-6"),
        DayNumbering::Sunday1 => ((1..=7).contains(&n).then(|| Weekday::from_sunday0(n - 1)).flatten(), "1-7"),
        DayNumbering::Monday1 => (Weekday::from_iso(n), "1-7"),
    };
    if day.is_none() {
        c.problems.field(Field::Day.key(), format!("day {n} is outside {range}"));
    }
    day
}

/// "8:00 PM", "19:30", or an HHMM number ("1730", "630").
fn read_time(raw: &str) -> Option<NaiveTime> {
    time::parse_time(raw).or_else(|| {
        let digits = raw.trim();
        let n: u32 = (matches!(digits.len(), 3 | 4) && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()?;
        NaiveTime::from_hms_opt(n / 100, n % 100, 0)
    })
}

fn location(c: &mut Cells, opts: &SourceOptions) -> Option<Location> {
    let name = c.line(Field::Location);
    let mut street = c.line(Field::Address);
    let mut locality = c.line(Field::City);
    let mut region = c.line(Field::State).or_else(|| c.line(Field::Region));
    let mut postcode = c.line(Field::Postcode);
    let mut country = c.parsed(Field::Country, "unknown country", |raw| address::country_code(raw, true));
    let mut formatted = None;
    if let Some(line) = street.clone().filter(|s| s.contains(',')) {
        let parts = address::split_address(&line, country.as_deref().or(opts.country.as_deref()));
        let same_town = matches!((&parts.locality, &locality), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b));
        if parts.region.is_some() || parts.postcode.is_some() || parts.country.is_some() || same_town {
            street = parts.address;
            locality = locality.or(parts.locality);
            region = region.or(parts.region);
            postcode = postcode.or(parts.postcode);
            country = country.or(parts.country);
            formatted = Some(line);
        }
    }
    let (latitude, longitude) = coordinates(c);
    let notes = c.notes(Field::LocationNotes);
    let read = Location {
        name,
        address: street,
        locality,
        region,
        postcode,
        country,
        formatted,
        latitude,
        longitude,
        approximate: false,
        notes,
    };
    place::location_from_fields(read, opts.country.as_deref())
}

/// Separate lat and lng columns, or one packed "(lat, lng)" column.
fn coordinates(c: &mut Cells) -> (Option<f64>, Option<f64>) {
    let point = match c.raw(Field::LatLng) {
        Some(raw) => {
            let inner = raw.trim().trim_start_matches('(').trim_end_matches(')');
            let mut halves = inner.splitn(2, ',');
            let (lat, lng) = (geo::Coordinate::text(halves.next()), geo::Coordinate::text(halves.next()));
            let field = Field::LatLng.key();
            geo::coordinates(lat, lng, (field, field), &mut c.problems)
        }
        None => {
            let (lat, lng) = (c.raw(Field::Lat), c.raw(Field::Lng));
            let (lat, lng) = (geo::Coordinate::text(lat.as_deref()), geo::Coordinate::text(lng.as_deref()));
            geo::coordinates(lat, lng, (Field::Lat.key(), Field::Lng.key()), &mut c.problems)
        }
    };
    point.unzip()
}

fn online(c: &mut Cells, country: Option<&str>) -> Option<OnlineAccess> {
    let url = c.parsed(Field::ConferenceUrl, "not an http(s) link", |raw| {
        web::conference_url(raw).map(|u| (u, web::conference_id(raw)))
    });
    let phone = c.parsed(Field::ConferencePhone, "not a phone number", |raw| {
        phone::conference_phone(raw, country).map(|p| (p, phone::dial_meeting_id(raw)))
    });
    if url.is_none() && phone.is_none() {
        return None;
    }
    let conference_id =
        url.as_ref().and_then(|(_, id)| id.clone()).or_else(|| phone.as_ref().and_then(|(_, id)| id.clone()));
    Some(OnlineAccess { url: url.map(|(u, _)| u), phone: phone.map(|(p, _)| p), conference_id, notes: None })
}

/// The row's codes: the cell split on `types_separator` and line breaks; "C = Closed
/// Discussion meeting" gives "C", a bare label ("Women") is kept as written.
fn code_facts(c: &mut Cells, opts: &SourceOptions) -> CodeFacts {
    let raw = c.raw(Field::Types).unwrap_or_default();
    let mut given = Vec::new();
    for piece in split_ignoring_case(&raw, &c.recipe.types_separator) {
        for line in text::plain_text(piece).unwrap_or_default().lines() {
            let code = line.split_once('=').map_or(line, |(code, _)| code).trim();
            if !code.is_empty() {
                given.push(code.to_owned());
            }
        }
    }
    let facts = codes::interpret(&given, &opts.code_overrides);
    if facts.open_conflict {
        c.problems.field(Field::Types.key(), "both open and closed; openness left unknown");
    }
    facts
}

/// Splits on `sep`, ignoring ASCII case ("<br>" also splits "<BR>").
fn split_ignoring_case<'s>(s: &'s str, sep: &str) -> Vec<&'s str> {
    let lower = s.to_ascii_lowercase();
    let sep = sep.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut start = 0;
    for (at, _) in lower.match_indices(sep.as_str()) {
        out.push(s.get(start..at).unwrap_or_default());
        start = at + sep.len();
    }
    out.push(s.get(start..).unwrap_or_default());
    out
}

/// "Cross street:" or "Notes:" with nothing after: a form label of an empty field.
fn is_empty_label(line: &str) -> bool {
    let line = line.trim();
    line.ends_with(':') && line.split_whitespace().count() <= 3 && !line.chars().any(|c| c.is_ascii_digit())
}
