//! The values a recipe read for one listing, turned into a `Listing`.
//!
//! Each value is sanitised and read by its meaning: names tidied, days and times found in the
//! text (`when.rs`), links resolved against the page, postcodes picked out of address lines,
//! type codes ("OD = Open Discussion meeting" gives "OD") interpreted with the source's code
//! overrides. The external id is the `id` field, else the detail page URL, else a hash of name,
//! day, time and address. Making ids unique across a parse is `html.rs`' job.

use url::Url;

use crate::meeting_guide_codes as codes;
use crate::model::{Attendance, Contact, Listing, Location, OnlineAccess, TopicTag};
use crate::normalize::{address, geo, phone, place, schedule, table, text, time, web};
use crate::options::SourceOptions;
use crate::problem::RecordProblems;

use super::extract::Values;
use super::recipe::Field;
use super::when::{self, Days};

/// Where one listing's values come from.
pub(super) struct Origin<'a> {
    /// The page the item is on, for relative links.
    pub page: &'a Url,
    /// The item's detail page, when the recipe follows one.
    pub detail_url: Option<String>,
    /// "page 1 item 3" (plus " slot 2"), for problems until the id is known.
    pub position: String,
    /// True for a `repeat` sub-item: it stands for one meeting time, so one without a
    /// weekday is dropped.
    pub slot: bool,
}

/// Builds the listing, or returns `None` (with a problem saying why) when it cannot be used.
/// `problems` name the item by its position until its external id is known, then by that.
pub(super) fn build(
    values: &Values,
    origin: &Origin<'_>,
    opts: &SourceOptions,
    problems: &mut RecordProblems<'_>,
) -> Option<Listing> {
    let get = |field: Field| values.get(&field).map(String::as_str);
    let Some(name) = get(Field::Name).and_then(tidy_name) else {
        problems.dropped(Some("name"), "no name found");
        return None;
    };
    let days = get(Field::Day).map(when::days);
    let times = get(Field::Time).map(when::times).unwrap_or_default();
    let start = times.first().copied();
    let end = get(Field::EndTime).and_then(|t| when::times(t).first().copied()).or_else(|| times.get(1).copied());
    let slot_key = slot_key(days.as_ref(), start);
    let external_id = external_id(values, origin, &name, &slot_key, problems);
    problems.rename(external_id.as_str());
    if let (Some(Days::Unreadable), Some(raw)) = (&days, get(Field::Day)) {
        let why = format!("no weekday in \"{}\"", short(raw));
        if origin.slot {
            problems.dropped(Some("day"), why);
            return None;
        }
        problems.field("day", why);
    }
    if let (Some(raw), None, false) = (get(Field::Time), start, matches!(days, Some(Days::ByAppointment))) {
        problems.field("time", format!("no time of day in \"{}\"", short(raw)));
    }
    if get(Field::Day).is_some_and(schedule::says_every_other_week) {
        problems.field("day", "says every other week, which cannot be shown; listed as weekly");
    }
    let zone = match get(Field::Timezone) {
        Some(raw) => time::validate_timezone(raw).unwrap_or_else(|| {
            problems.field("timezone", format!("unknown time zone \"{}\"; the source default is used", short(raw)));
            opts.timezone.clone()
        }),
        None => opts.timezone.clone(),
    };
    let meetings = days.as_ref().map(|d| when::meetings(d, start, end, &zone)).unwrap_or_default();

    let location = location(values, opts, problems);
    let country = location.as_ref().and_then(|l| l.country.clone()).or_else(|| opts.country.clone());
    let online = online(values, origin.page, country.as_deref(), problems);
    let contact = Contact {
        email: get(Field::Email).and_then(|raw| checked(raw, "email", web::normalize_email, problems)),
        phone: get(Field::Phone)
            .and_then(|raw| checked(raw, "phone", |r| phone::normalize_phone(r, country.as_deref()), problems)),
        website: get(Field::Website).and_then(|raw| checked(raw, "website", |r| link(origin.page, r), problems)),
    };
    let url = get(Field::Url)
        .and_then(|raw| checked(raw, "url", |r| link(origin.page, r), problems))
        .or_else(|| origin.detail_url.clone());

    let given: Vec<String> = get(Field::Types).map(type_codes).unwrap_or_default();
    let facts = codes::interpret(&given, &opts.code_overrides);
    if facts.open_conflict {
        problems.field("types", "both open and closed; openness left unknown");
    }
    let in_person = location.as_ref().is_some_and(|l| l.address.is_some() || l.latitude.is_some());
    let has_link = online.is_some();
    let attendance = match (has_link, in_person && !facts.temporarily_closed) {
        (true, true) => Attendance::Hybrid,
        (true, false) => Attendance::Online,
        (false, _) if facts.online => Attendance::Online,
        (false, _) => Attendance::InPerson,
    };
    let mut topics: Vec<TopicTag> = opts.default_topic_tags();
    topics.extend(facts.topics.iter().cloned());
    topics.sort();
    topics.dedup_by(|a, b| a.topic == b.topic);
    let description = [get(Field::Description), get(Field::Notes)]
        .into_iter()
        .flatten()
        .filter_map(|raw| text::plain_text(raw).map(|t| text::redact_secrets(&t)))
        .collect::<Vec<_>>()
        .join("\n\n");
    Some(Listing {
        group: None,
        external_id,
        name,
        description: (!description.is_empty()).then_some(description),
        kind: opts.kind.unwrap_or_default(),
        topics,
        audience: facts.audience.clone(),
        attendance,
        meetings,
        location,
        online,
        contact,
        organisation: None,
        cost: None,
        languages: facts.languages.clone(),
        accessibility: facts.accessibility.clone(),
        open: facts.open,
        codes: facts.codes.clone(),
        url,
        updated_at: None,
        active: !facts.temporarily_closed || has_link,
        origins: Vec::new(),
    })
}

/// The codes in `types` lines: "OD = Open Discussion meeting" gives "OD"; other lines are
/// kept whole ("Women").
pub(super) fn type_codes(lines: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in lines.lines() {
        let code = line.split_once(" = ").map_or(line, |(code, _)| code);
        if let Some(code) = text::plain_line(code) {
            if !out.contains(&code) {
                out.push(code);
            }
        }
    }
    out
}

/// An http(s) link, resolved against the page when relative.
pub(super) fn link(page: &Url, raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let lower = trimmed.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") {
        return web::normalize_url(trimmed);
    }
    let joined = page.join(trimmed).ok()?;
    matches!(joined.scheme(), "http" | "https").then(|| web::normalize_url(joined.as_str())).flatten()
}

/// A link of a scheme that is no web page (`javascript:`, `vbscript:`, `data:`, `blob:`,
/// `mailto:`, `tel:`, `sms:`; the scheme read as browsers read it, case and embedded
/// whitespace or control characters ignored): never a URL (`link` takes http(s) only), never
/// an id.
fn is_script_link(value: &str) -> bool {
    let scheme: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take_while(|c| *c != ':')
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    value.contains(':')
        && matches!(scheme.as_str(), "javascript" | "vbscript" | "data" | "blob" | "mailto" | "tel" | "sms")
}

/// A name without the separators pages leave around it ("A DESIGN FOR LIVING - ") and without
/// a trailing " - part" that only repeats what comes before it ("CHINATOWN - Chinatown",
/// "TRIBECA GROUP @ ST. PETER'S CHURCH - Tribeca").
fn tidy_name(raw: &str) -> Option<String> {
    let line = text::redact_secrets(&text::plain_line(raw)?);
    let separators = |c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | ':' | ',' | '|');
    let name = line.trim_matches(separators).to_owned();
    let letters = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let parts: Vec<&str> = name.split(" - ").collect();
    // Real names have a few parts; a long run of dashes is not worth comparing.
    for k in 1..parts.len().min(8) {
        let (head, tail) = (parts[..k].join(" - "), parts[k..].join(" - "));
        // "MUSTARD SEED - Mustard Seed (:I)": the qualifier in brackets is kept.
        let (tail_name, qualifier) = match tail.trim_end().strip_suffix(')').and_then(|t| t.rsplit_once('(')) {
            Some((before, inside)) if !bracketed(&head).iter().any(|b| letters(b) == letters(inside)) => {
                (before.to_owned(), Some(inside))
            }
            _ => (tail.clone(), None),
        };
        let tail_letters = letters(&tail_name);
        if tail_letters.chars().count() >= 3 && letters(&head).contains(&tail_letters) {
            let head = head.trim_matches(separators);
            return Some(match qualifier {
                Some(q) => format!("{head} ({})", q.trim()),
                None => head.to_owned(),
            });
        }
    }
    (!name.is_empty()).then_some(name)
}

/// The texts inside round brackets: "A (B) C (D)" -> ["B", "D"].
fn bracketed(s: &str) -> Vec<&str> {
    s.split('(').skip(1).filter_map(|part| part.split_once(')').map(|(inside, _)| inside)).collect()
}

/// "thursday-0700": tells the slots of one item apart in their ids.
fn slot_key(days: Option<&Days>, start: Option<chrono::NaiveTime>) -> String {
    let day = match days {
        Some(Days::On(list)) => list.iter().map(|(d, _)| d.as_str()).collect::<Vec<_>>().join("+"),
        _ => String::new(),
    };
    let at = start.map(|t| t.format("%H%M").to_string()).unwrap_or_default();
    [day, at].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-")
}

fn external_id(
    values: &Values,
    origin: &Origin<'_>,
    name: &str,
    slot_key: &str,
    problems: &mut RecordProblems<'_>,
) -> String {
    let given = values.get(&Field::Id).and_then(|v| text::plain_line(v));
    let given = given.filter(|id| {
        let script = is_script_link(id);
        if script {
            let why = format!("not an http(s) link: \"{}\"; the id is made from the name", short(id));
            problems.field("id", why);
        }
        !script
    });
    let own = given.or_else(|| origin.detail_url.clone());
    match own {
        Some(id) if origin.slot && !slot_key.is_empty() => format!("{id}#{slot_key}"),
        Some(id) => id,
        None => {
            let place = values.get(&Field::Address).or(values.get(&Field::Location)).map_or("", String::as_str);
            format!("html-{}", table::stable_id(&[name, slot_key, place]))
        }
    }
}

fn location(values: &Values, opts: &SourceOptions, problems: &mut RecordProblems<'_>) -> Option<Location> {
    let line = |f: Field| values.get(&f).and_then(|v| text::plain_line(v)).map(|v| text::redact_secrets(&v));
    let name = line(Field::Location);
    let mut street = line(Field::Address).map(|a| a.trim_end_matches([',', ';', ' ']).to_owned());
    let mut locality = line(Field::City);
    let mut region = line(Field::Region);
    let mut country = line(Field::Country).and_then(|c| {
        let code = address::country_code(&c, true);
        if code.is_none() {
            problems.field("country", format!("unknown country \"{}\"", short(&c)));
        }
        code
    });
    let default_country = country.clone().or_else(|| opts.country.clone());
    let mut postcode = line(Field::Postcode).and_then(|p| postcode_in(&p, default_country.as_deref()));
    let street_only = locality.is_none() && region.is_none() && postcode.is_none();
    if let (Some(s), true) = (street.clone(), street_only) {
        let parts = address::split_address(&s, default_country.as_deref());
        street = parts.address;
        (locality, region, postcode) = (parts.locality, parts.region, parts.postcode);
        country = country.or(parts.country);
    }
    if let (Some(s), Some(pc)) = (street.as_mut(), postcode.as_deref()) {
        if let Some(rest) = s.strip_suffix(pc) {
            *s = rest.trim_end_matches([',', ' ']).to_owned();
        }
    }
    let half = |f: Field| geo::Coordinate::text(values.get(&f).map(String::as_str));
    let (lat, lon) = (half(Field::Latitude), half(Field::Longitude));
    let (latitude, longitude) = geo::coordinates(lat, lon, ("latitude", "longitude"), problems).unzip();
    let notes = values.get(&Field::LocationNotes).and_then(|v| text::plain_text(v)).map(|v| text::redact_secrets(&v));
    let read = Location {
        name,
        address: street,
        locality,
        region,
        postcode,
        country,
        latitude,
        longitude,
        notes,
        ..Location::default()
    };
    place::location_from_fields(read, opts.country.as_deref()).map(|l| {
        let formatted = place::formatted_address(
            l.address.as_deref(),
            l.locality.as_deref(),
            l.region.as_deref(),
            l.postcode.as_deref(),
        );
        Location {
            address: l.address.filter(|s| !s.is_empty()),
            formatted: (!formatted.is_empty()).then_some(formatted),
            ..l
        }
    })
}

/// The postcode in a line that may hold more ("(@ Pearl Street) NY 10038"): the whole line
/// when it is short and has a digit, else what `split_address` finds at its end.
fn postcode_in(line: &str, country: Option<&str>) -> Option<String> {
    let compact = line.trim();
    if compact.len() <= 10 && compact.chars().any(|c| c.is_ascii_digit()) && !compact.contains(',') {
        return Some(compact.to_owned());
    }
    address::split_address(compact, country).postcode
}

fn online(
    values: &Values,
    page: &Url,
    country: Option<&str>,
    problems: &mut RecordProblems<'_>,
) -> Option<OnlineAccess> {
    let url = values.get(&Field::ConferenceUrl).and_then(|raw| {
        let absolute = link(page, raw).unwrap_or_else(|| raw.clone());
        let url = web::conference_url(&absolute);
        if url.is_none() {
            problems.field("conference_url", "not an http(s) link");
        }
        url.map(|u| (u, web::conference_id(&absolute)))
    });
    let dial = values.get(&Field::ConferencePhone).and_then(|raw| {
        let number = phone::conference_phone(raw, country);
        if number.is_none() {
            problems.field("conference_phone", "not a phone number");
        }
        number.map(|n| (n, phone::dial_meeting_id(raw)))
    });
    if url.is_none() && dial.is_none() {
        return None;
    }
    let conference_id =
        url.as_ref().and_then(|(_, id)| id.clone()).or_else(|| dial.as_ref().and_then(|(_, id)| id.clone()));
    Some(OnlineAccess { url: url.map(|(u, _)| u), phone: dial.map(|(p, _)| p), conference_id, notes: None })
}

fn checked(
    raw: &str,
    field: &str,
    normalize: impl Fn(&str) -> Option<String>,
    problems: &mut RecordProblems<'_>,
) -> Option<String> {
    let value = normalize(raw);
    if value.is_none() {
        problems.field(field, format!("unusable value \"{}\"", short(raw)));
    }
    value
}

/// The value as shown in a problem: one line, passcodes removed, at most 40 characters.
fn short(raw: &str) -> String {
    let line = text::plain_line(raw).map(|l| text::redact_secrets(&l)).unwrap_or_default();
    let cut: String = line.chars().take(40).collect();
    if cut.len() < line.len() {
        format!("{cut}…")
    } else {
        cut
    }
}
