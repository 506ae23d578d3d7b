//! RSS 2.0, RSS 1.0 (RDF) and Atom feeds of groups, read with `feed-rs` (JSON Feed too).
//!
//! Each item (entry) is one listing: `external_id` is the item's `guid`/`id`, else its link;
//! the name is the title; the description the sanitised `content:encoded`/`content`, else
//! the description/summary (markup, passcodes and members' contact sentences removed); categories (term and label) become `codes` for the taxonomy rules.
//! Feeds have no schedule or place fields, so `rss/hints.rs` reads them conservatively from
//! the title and text ("2nd & 4th Thursday, 7–9pm", "Where: ..."): an item with no such
//! words is still a listing, with no meetings. A title saying "paused", "suspended" or
//! "cancelled" marks the listing inactive. Contacts are not read (item text names people).
//! A document that is not a feed (HTML, broken XML, empty) is one `DocumentError`.
//!
//! Options (`[sources.options]`): `item_is_group = true` only, reserved for feeds that mix
//! news with groups.

mod hints;

use std::collections::HashSet;

use feed_rs::model::{Entry, Feed};
use feed_rs::parser::{Builder, ParseErrorKind, ParseFeedError};
use serde::Deserialize;

use crate::model::{Attendance, Listing, Meeting, OnlineAccess, Recurrence};
use crate::normalize::{document, links, place, text, web};
use crate::options::SourceOptions;
use crate::problem::{DocumentError, Parsed, RecordProblems};
use crate::Documents;

use hints::ScheduleHint;

/// Parses one feed document: every item with a usable id and title becomes a listing.
pub fn parse(docs: &Documents<'_>, options: &SourceOptions) -> Result<Parsed, DocumentError> {
    read_options(&options.format_options).map_err(DocumentError)?;
    let feed = read_feed(docs.root, docs.url)?;
    let mut parsed = Parsed::default();
    let mut used: HashSet<String> = HashSet::new();
    for (index, entry) in feed.entries.iter().enumerate() {
        let mut problems = RecordProblems::new(&mut parsed.problems, format!("[{index}]"));
        let Some(mut listing) = listing(entry, options, &mut problems) else { continue };
        let id = unique_id(&listing.external_id, &mut used);
        if id != listing.external_id {
            let why = format!("id repeats an earlier item; listed as \"{id}\"");
            problems.field("guid", why);
            listing.external_id = id;
        }
        parsed.listings.push(listing);
    }
    Ok(parsed)
}

/// Checks `[sources.options]`: only `item_is_group = true` is accepted.
pub fn check_options(options: &serde_json::Value) -> Result<(), String> {
    read_options(options).map(|_| ())
}

/// This format's options.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RssOptions {
    /// Every item describes a group (the only mode so far).
    #[serde(default = "yes")]
    item_is_group: bool,
}

fn yes() -> bool {
    true
}

fn read_options(value: &serde_json::Value) -> Result<RssOptions, String> {
    if value.is_null() {
        return Ok(RssOptions { item_is_group: true });
    }
    let options: RssOptions = serde_json::from_value(value.clone()).map_err(|e| format!("rss options: {e}"))?;
    if !options.item_is_group {
        return Err("rss options: `item_is_group = false` is reserved and not supported yet; remove it".to_owned());
    }
    Ok(options)
}

const NOT_A_FEED: &str = "not an RSS or Atom feed";

/// The feed, or an error saying in plain words what the document is instead.
fn read_feed(bytes: &[u8], base: &str) -> Result<Feed, DocumentError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.trim_ascii_start();
    if start.is_empty() {
        return Err(DocumentError(format!("{NOT_A_FEED}: the document is empty")));
    }
    if looks_like_html(start) {
        let hint = document::page_hint(&String::from_utf8_lossy(start.get(..start.len().min(16_384)).unwrap_or(start)));
        return Err(DocumentError(format!("{NOT_A_FEED}: found an HTML page{hint}")));
    }
    let parser =
        Builder::new().base_uri(Some(base)).id_generator(|_, _, _| String::new()).sanitize_content(false).build();
    parser.parse(defuse_media_times(bytes).as_slice()).map_err(|e| {
        DocumentError(match e {
            ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => {
                format!("{NOT_A_FEED}: no <rss>, <rdf:RDF> or <feed> root element")
            }
            ParseFeedError::XmlReader(e) => format!("{NOT_A_FEED}: unreadable XML ({e})"),
            ParseFeedError::JsonSerde(e) => format!("{NOT_A_FEED}: JSON that is not a JSON Feed ({e})"),
            other => format!("unreadable feed: {other}"),
        })
    })
}

/// One item as a listing; `None` (with a problem) when it has no id or no title. `problems`
/// name the item by its position (`[3]`) until its id is known, then by that.
fn listing(entry: &Entry, opts: &SourceOptions, problems: &mut RecordProblems<'_>) -> Option<Listing> {
    let link = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .map(|l| l.href.trim().to_owned())
        .filter(|href| !href.is_empty());
    let url = link.as_deref().and_then(web::normalize_url);
    let guid = Some(entry.id.trim().to_owned()).filter(|id| !id.is_empty());
    let Some(external_id) = guid.or_else(|| url.clone()).or(link) else {
        problems.dropped(Some("guid"), "no guid/id and no link to tell the item apart");
        return None;
    };
    problems.rename(external_id.as_str());
    let Some(name) = entry.title.as_ref().and_then(|t| text::plain_line(&t.content)).map(|n| text::redact_secrets(&n))
    else {
        problems.dropped(Some("title"), "no title");
        return None;
    };
    let raw_body = entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .filter(|b| !b.trim().is_empty())
        .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
        .unwrap_or_default();
    let description = text::plain_text(&raw_body).map(|d| links::scrub_links(&text::redact_secrets(&d)));
    let body = description.as_deref().unwrap_or_default();

    let hint = hints::schedule(&name, body);
    if hint.as_ref().is_some_and(|h| h.every_other) {
        let why = "says every other week, which cannot be shown; listed as weekly";
        problems.field("description", why);
    }
    let marked = hints::marked_place(body);
    let marked_online = marked.as_deref().is_some_and(place::names_online);
    let location =
        marked.filter(|_| !marked_online).map(|line| place::location_from_line(&line, opts.country.as_deref()));
    let summary_raw = entry.summary.as_ref().map(|s| s.content.as_str()).unwrap_or_default();
    let link = links::first_conference_link(&raw_body).or_else(|| links::first_conference_link(summary_raw));
    let online = link.map(|link| OnlineAccess {
        url: web::conference_url(&link),
        conference_id: web::conference_id(&link),
        ..Default::default()
    });
    let attendance = match (online.is_some() || marked_online, location.is_some()) {
        (true, true) => Attendance::Hybrid,
        (true, false) => Attendance::Online,
        (false, _) => Attendance::InPerson,
    };
    Some(Listing {
        external_id,
        description,
        kind: opts.kind.unwrap_or_default(),
        topics: opts.default_topic_tags(),
        attendance,
        meetings: hint.map(|h| meetings(&h, &opts.timezone)).unwrap_or_default(),
        location,
        online,
        codes: codes(entry),
        url,
        updated_at: entry.updated.or(entry.published),
        active: !says_paused(&name),
        name,
        ..Listing::default()
    })
}

/// The meetings a schedule hint describes: one per day named.
fn meetings(hint: &ScheduleHint, default_zone: &str) -> Vec<Meeting> {
    let timezone = hint.zone.unwrap_or(default_zone).to_owned();
    if hint.by_appointment {
        let recurrence = Recurrence::ByAppointment;
        return vec![Meeting { weekday: None, start: None, end: None, timezone, recurrence }];
    }
    let recurrence = hint.weeks.clone().map_or(Recurrence::Weekly, |weeks| Recurrence::MonthlyNth { weeks });
    let end = hint.start.and(hint.end);
    hint.days
        .iter()
        .map(|&day| Meeting {
            weekday: Some(day),
            start: hint.start,
            end,
            timezone: timezone.clone(),
            recurrence: recurrence.clone(),
        })
        .collect()
}

/// Category terms, and their labels when they differ, each once.
fn codes(entry: &Entry) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for category in &entry.categories {
        for raw in std::iter::once(category.term.as_str()).chain(category.label.as_deref()) {
            let Some(code) = text::plain_line(raw) else { continue };
            if !codes.iter().any(|c| c.eq_ignore_ascii_case(&code)) {
                codes.push(code);
            }
        }
    }
    codes
}

/// "[PAUSED]", "suspended", "cancelled", "on hold" in a title.
fn says_paused(title: &str) -> bool {
    let lower = title.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.iter().any(|w| matches!(*w, "paused" | "suspended" | "cancelled" | "canceled" | "postponed"))
        || words.windows(2).any(|w| w == ["on", "hold"])
}

/// `feed-rs` panics on huge numbers in MediaRSS `start`/`end` attributes, which this parser
/// never reads: those attribute names are changed (same length) so it skips them.
fn defuse_media_times(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i + 1 < out.len() {
        let at_name = out.get(i).is_some_and(u8::is_ascii_whitespace);
        let rest = out.get(i + 1..).unwrap_or_default();
        let name_len = if rest.starts_with(b"start") {
            5
        } else if rest.starts_with(b"end") {
            3
        } else {
            0
        };
        let after = rest.get(name_len..).unwrap_or_default();
        let is_attr = after.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'=');
        if at_name && name_len > 0 && is_attr {
            if let Some(b) = out.get_mut(i + 2) {
                *b = b.to_ascii_uppercase();
            }
        }
        i += 1;
    }
    out
}

/// An HTML page rather than a feed: after an optional `<?xml ...?>` prolog, comments and
/// whitespace, the document starts with `<!DOCTYPE html` or `<html`.
fn looks_like_html(start: &[u8]) -> bool {
    let head = String::from_utf8_lossy(start.get(..start.len().min(2048)).unwrap_or(start)).to_lowercase();
    let mut rest = head.trim_start();
    loop {
        let skipped = if rest.starts_with("<?") {
            rest.find("?>").map(|end| end + 2)
        } else if rest.starts_with("<!--") {
            rest.find("-->").map(|end| end + 3)
        } else {
            None
        };
        match skipped.and_then(|end| rest.get(end..)) {
            Some(after) => rest = after.trim_start(),
            None => break,
        }
    }
    rest.starts_with("<!doctype html") || rest.starts_with("<html")
}

/// `id`, or `id-dup2`, `id-dup3`... when taken.
fn unique_id(id: &str, used: &mut HashSet<String>) -> String {
    if used.insert(id.to_owned()) {
        return id.to_owned();
    }
    (2..).map(|n| format!("{id}-dup{n}")).find(|candidate| used.insert(candidate.clone())).unwrap_or_default()
}
