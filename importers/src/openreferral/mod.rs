//! Open Referral (HSDS 1.1 datapackage, HSDS 3.0 JSON, Open Referral UK): what the three
//! formats share once their documents are read.
//!
//! Each format turns its documents into [`Service`]s that hold the source's raw values (the
//! format files own the document shapes, paging and joins). [`build`] keeps the services that
//! are support groups ([`select`]) and turns each into one listing, or one per place when a
//! service is held at several (`service_id@location_id`): schedules in [`schedule`], places,
//! contacts, languages and access in [`listing`]. Values are only normalised, and their
//! problems only reported, for the services kept: a directory's food banks are not our
//! business. Reading the nested JSON of HSDS 3.0 and ORUK is in [`json`], paging in [`paging`];
//! [`parse_api`] is the one entry point both JSON APIs parse through, each format giving only
//! what is its own ([`Api`]: its name for messages, its default zone and country, its extra
//! fields).

pub(crate) mod json;
mod listing;
pub(crate) mod paging;
mod place;
pub(crate) mod schedule;
pub(crate) mod select;

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use crate::model::{Attendance, Audience, TopicTag};
use crate::options::SourceOptions;
use crate::problem::{DocumentError, Parsed, RecordProblems};
use crate::Documents;

use schedule::ScheduleRow;
use select::{Selector, Verdict};

/// One service as a format read it, values raw (not yet sanitised or validated).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Service {
    pub id: String,
    pub name: Option<String>,
    pub alternate_name: Option<String>,
    pub description: Option<String>,
    pub organisation: Option<Org>,
    pub url: Option<String>,
    pub email: Option<String>,
    /// The service's own public numbers (never a contact person's).
    pub phones: Vec<String>,
    /// active | inactive | defunct | temporarily closed.
    pub status: Option<String>,
    pub cost: Option<String>,
    pub terms: Vec<Term>,
    /// Other source codes worth keeping for topic rules (ORUK's attending type...).
    pub codes: Vec<String>,
    /// Topics the format states outright (ORUK target audiences), with their rule.
    pub topics: Vec<TopicTag>,
    pub audience: Vec<Audience>,
    pub attendance: Option<Attendance>,
    /// Language names or codes as given.
    pub languages: Vec<String>,
    /// Schedules of the service as a whole (used where a place has none of its own).
    pub schedules: Vec<ScheduleRow>,
    pub sites: Vec<Site>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The organisation that runs a service.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Org {
    pub name: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
    pub phones: Vec<String>,
}

/// One place a service is held at (a location, through its service_at_location).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Site {
    /// The location's id (else the service_at_location's).
    pub id: String,
    pub name: Option<String>,
    pub address: Address,
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub transportation: Option<String>,
    /// HSDS 3.0 `location_type` "virtual": an online place, `url` its link.
    pub virtual_url: Option<String>,
    pub is_virtual: bool,
    pub schedules: Vec<ScheduleRow>,
    pub phones: Vec<String>,
    pub languages: Vec<String>,
    /// Accessibility texts ("Handicap accessible", "induction loop...").
    pub accessibility: Vec<String>,
}

/// A postal address, raw.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Address {
    pub lines: Vec<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postcode: Option<String>,
    pub country: Option<String>,
}

/// A taxonomy term a service carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Term {
    pub id: Option<String>,
    pub code: Option<String>,
    pub name: Option<String>,
    pub vocabulary: Option<String>,
}

/// What the source says about records that lack it, and how it selects groups.
pub(crate) struct Context<'a> {
    pub opts: &'a SourceOptions,
    pub selector: Selector,
    pub timezone: String,
    pub country: Option<String>,
}

impl<'a> Context<'a> {
    /// The source's selection and defaults. `fallback` is the format's own zone and country
    /// (ORUK: Europe/London, GB) for a source configured with neither (zone "UTC").
    pub fn new(
        opts: &'a SourceOptions,
        fallback: Option<(&str, &str)>,
    ) -> Result<Context<'a>, crate::problem::DocumentError> {
        let selector = Selector::from_options(&opts.format_options).map_err(crate::problem::DocumentError)?;
        let (mut timezone, mut country) = (opts.timezone.clone(), opts.country.clone());
        if let Some((zone, code)) = fallback {
            if timezone == "UTC" {
                timezone = zone.to_owned();
            }
            country = country.or_else(|| Some(code.to_owned()));
        }
        Ok(Context { opts, selector, timezone, country })
    }
}

/// What one Open Referral JSON API format has of its own; everything else about reading it
/// (envelopes and pages, nested objects, selection, listings) is shared.
pub(crate) struct Api {
    /// What the format's documents are, for the error about a document that is something else
    /// ("not an HSDS 3.0 JSON response: expected ...").
    pub expected: &'static str,
    /// The format's zone and country for a source configured with neither (see [`Context::new`]).
    pub fallback: Option<(&'static str, &'static str)>,
    /// Reads the format's fields beyond HSDS from each service object.
    pub extend: json::Extend<'static>,
}

/// Parses the documents of an Open Referral JSON API source (HSDS 3.0, ORUK): the root and
/// the pages fetched so far, the services in them, and the listings of the support groups.
pub(crate) fn parse_api(docs: &Documents<'_>, options: &SourceOptions, api: &Api) -> Result<Parsed, DocumentError> {
    let ctx = Context::new(options, api.fallback)?;
    let mut parsed = Parsed::default();
    let mut problems = RecordProblems::document(&mut parsed.problems);
    let pages = paging::items(docs, api.expected, &mut problems)?;
    let mut collected = json::Collected::default();
    for (position, item) in &pages.items {
        collected.item(item, position, api.extend, &mut problems);
    }
    let services = collected.finish(&mut problems);
    parsed.wants = pages.wants;
    build(services, &ctx, &mut parsed);
    Ok(parsed)
}

/// Checks the options all three formats take.
pub(crate) fn check_options(options: &serde_json::Value) -> Result<(), String> {
    Selector::from_options(options).map(|_| ())
}

/// Turns the services into listings (support groups only) and problems, into `parsed`.
pub(crate) fn build(services: Vec<Service>, ctx: &Context<'_>, parsed: &mut Parsed) {
    let mut used: HashSet<String> = parsed.listings.iter().map(|l| l.external_id.clone()).collect();
    let (mut skipped, mut excluded) = (0usize, 0usize);
    for service in services {
        // A first look on the raw text: most services of a directory are not groups, and
        // sanitising their HTML is most of the cost of reading them.
        if !ctx.selector.may_be_group(&listing::rough_text(&service), &service.terms) {
            skipped += 1;
            continue;
        }
        let texts = listing::Texts::of(&service);
        match ctx.selector.verdict(&texts.names, &texts.all, &service.terms) {
            Verdict::Group => {}
            Verdict::NotAGroup => {
                skipped += 1;
                continue;
            }
            Verdict::Excluded(_) => {
                (skipped, excluded) = (skipped + 1, excluded + 1);
                continue;
            }
        }
        let mut problems = RecordProblems::new(&mut parsed.problems, service.id.as_str());
        for mut l in listing::listings(&service, &texts, ctx, &mut problems) {
            if !used.insert(l.external_id.clone()) {
                let base = l.external_id.clone();
                let mut n = 2;
                while !used.insert(format!("{base}-dup{n}")) {
                    n += 1;
                }
                l.external_id = format!("{base}-dup{n}");
                let why = format!("id \"{base}\" repeats an earlier record; listed as \"{}\"", l.external_id);
                RecordProblems::new(&mut parsed.problems, base).field("id", why);
            }
            parsed.listings.push(l);
        }
    }
    if skipped > 0 {
        let (what, verb) = if skipped == 1 {
            ("service is not a support group", "was")
        } else {
            ("services are not support groups", "were")
        };
        let why = format!("{skipped} {what} and {verb} skipped (selection: {})", ctx.selector.describe(excluded));
        RecordProblems::document(&mut parsed.problems).note(why);
    }
}

/// Source text before sanitising: Miami's literal `\n` become line breaks, its
/// `###MON###`-style markers go, and its mojibake of curly quotes and dashes ("GÇÖ", UTF-8
/// read as code page 437 with the "Γ" flattened to "G") is repaired.
pub(crate) fn unescape(raw: &str) -> String {
    let mut text = raw.replace("\\r\\n", "\n").replace("\\n", "\n");
    if text.contains("GÇ") {
        for (bad, good) in MOJIBAKE {
            text = text.replace(bad, good);
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("###") {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        let marker = after.get(3..).and_then(|a| a.find("###").map(|j| (a, j)));
        match marker {
            Some((a, j)) if j <= 12 && a[..j].chars().all(|c| c.is_ascii_uppercase()) => rest = &a[j + 3..],
            _ => {
                out.push_str("###");
                rest = after.get(3..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

/// "GÇ" plus the code page 437 reading of the last byte of U+20xx punctuation.
#[rustfmt::skip]
const MOJIBAKE: [(&str, &str); 9] = [
    ("GÇÖ", "\u{2019}"), ("GÇÿ", "\u{2018}"), ("GÇ£", "\u{201c}"), ("GÇ¥", "\u{201d}"), ("GÇô", "\u{2013}"),
    ("GÇö", "\u{2014}"), ("GÇæ", "-"), ("GÇï", ""), ("GÇª", "\u{2026}"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn miami_escapes_and_markers() {
        assert_eq!(unescape("Groups meet weekly.\\n\\n###MON###"), "Groups meet weekly.\n\n");
        assert_eq!(unescape("### not a marker ###"), "### not a marker ###");
        assert_eq!(unescape("Attorney GÇÖs Office GÇô 24/7"), "Attorney \u{2019}s Office \u{2013} 24/7");
    }
}
