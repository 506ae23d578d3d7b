//! The last step every listing goes through, whatever its format: one place that bounds and
//! cleans what a parser produced before the taxonomy rules and the service see it.
//!
//! For each listing, in order: bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069,
//! the marks U+200E, U+200F, U+061C) and control characters are removed from every text
//! field; text is cut to the caps of `normalize::limits` on a character boundary (a URL, email
//! or phone that is too long is dropped instead, since a cut one would be wrong); list fields
//! keep their first items; and members' contact details are removed from free text
//! (`normalize::privacy`). Every cut, drop and removal is a problem naming the record (its
//! external id) and the field. How each format reads its fields is the parsers' business.

use crate::budget::Deadline;
use crate::model::{Listing, Recurrence};
use crate::normalize::limits::{self, thousands};
use crate::normalize::{privacy, table};
use crate::problem::{DocumentError, Parsed, RecordProblems};

/// Finishes every listing of a parse; stops with the deadline's error when it passes.
pub fn listings(parsed: &mut Parsed, deadline: &Deadline) -> Result<(), DocumentError> {
    let Parsed { listings, problems, .. } = parsed;
    for listing in listings.iter_mut() {
        deadline.check()?;
        let mut document = RecordProblems::document(problems);
        let id_cut = cap_id(&mut listing.external_id);
        let mut problems = document.at(listing.external_id.as_str());
        if let Some(total) = id_cut {
            problems.field("external_id", format!("id cut to {} of {} characters", limits::ID, thousands(total)));
        }
        finish(listing, &mut problems);
    }
    Ok(())
}

/// How a text field is cleaned and bounded.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// One line: every control character becomes a space.
    Line(usize),
    /// Free text: line breaks kept; contact details removed.
    Notes(usize),
    /// A URL, email or phone: dropped when longer than this.
    Exact(usize),
}

fn finish(l: &mut Listing, problems: &mut RecordProblems<'_>) {
    use Kind::*;
    let mut texts: Vec<(&str, &mut Option<String>, Kind)> = vec![
        ("group", &mut l.group, Line(limits::NAME)),
        ("description", &mut l.description, Notes(limits::NOTES)),
        ("organisation", &mut l.organisation, Line(limits::NAME)),
        ("cost", &mut l.cost, Line(limits::ADDRESS)),
        ("url", &mut l.url, Exact(limits::URL)),
        ("contact.email", &mut l.contact.email, Exact(limits::EMAIL)),
        ("contact.phone", &mut l.contact.phone, Exact(limits::PHONE)),
        ("contact.website", &mut l.contact.website, Exact(limits::URL)),
    ];
    if let Some(loc) = l.location.as_mut() {
        texts.extend([
            ("location.name", &mut loc.name, Line(limits::NAME)),
            ("location.address", &mut loc.address, Line(limits::ADDRESS)),
            ("location.locality", &mut loc.locality, Line(limits::ADDRESS)),
            ("location.region", &mut loc.region, Line(limits::ADDRESS)),
            ("location.postcode", &mut loc.postcode, Line(limits::CODE)),
            ("location.country", &mut loc.country, Line(limits::CODE)),
            ("location.formatted", &mut loc.formatted, Line(limits::FORMATTED_ADDRESS)),
            ("location.notes", &mut loc.notes, Notes(limits::NOTES)),
        ]);
    }
    if let Some(online) = l.online.as_mut() {
        texts.extend([
            ("online.url", &mut online.url, Exact(limits::URL)),
            ("online.phone", &mut online.phone, Exact(limits::PHONE)),
            ("online.conference_id", &mut online.conference_id, Exact(limits::URL)),
            ("online.notes", &mut online.notes, Notes(limits::NOTES)),
        ]);
    }
    for (field, value, kind) in texts {
        if let Some(text) = value.take() {
            *value = finish_text(field, text, kind, problems);
        }
    }
    let name = std::mem::take(&mut l.name);
    l.name = finish_text("name", name, Line(limits::NAME), problems).unwrap_or_default();
    lists(l, problems);
}

/// One text field cleaned, bounded and (free text) without contact details; `None` when
/// nothing is left or it is dropped.
fn finish_text(field: &str, text: String, kind: Kind, problems: &mut RecordProblems<'_>) -> Option<String> {
    let mut text = clean(text, matches!(kind, Kind::Notes(_)));
    match kind {
        Kind::Exact(max) => {
            let chars = text.chars().count();
            if chars > max {
                let why = format!("{} characters long (the limit is {}); left out", thousands(chars), thousands(max));
                problems.field(field, why);
                return None;
            }
        }
        Kind::Line(max) | Kind::Notes(max) => {
            if let Some(total) = limits::cut_chars(&mut text, max) {
                let short = field.rsplit('.').next().unwrap_or(field);
                problems.field(field, format!("{short} cut to {} of {} characters", thousands(max), thousands(total)));
            }
        }
    }
    if matches!(kind, Kind::Notes(_)) {
        let (kept, removed) = privacy::remove_personal_contacts(&text);
        if removed > 0 {
            let sentences = if removed == 1 { "1 sentence".to_owned() } else { format!("{removed} sentences") };
            problems.field(field, format!("a member's contact details were removed ({sentences})"));
        }
        return kept;
    }
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Without bidi controls and control characters (line breaks kept in free text, tabs as
/// spaces). Text with none of them is returned as it was.
fn clean(text: String, multiline: bool) -> String {
    let bidi =
        |c: char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}');
    let unwanted = |c: char| bidi(c) || (c.is_control() && !(multiline && c == '\n'));
    if !text.chars().any(unwanted) {
        return text;
    }
    let mapped: String = text
        .chars()
        .filter(|c| !bidi(*c))
        .map(|c| if c.is_control() && !(multiline && c == '\n') { ' ' } else { c })
        .collect();
    let lines: Vec<String> =
        mapped.split('\n').map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    lines.join("\n").trim().to_owned()
}

/// A too-long id cut, with a hash of the whole so cut ids stay unique and stable; the length
/// it had when cut.
fn cap_id(id: &mut String) -> Option<usize> {
    let cleaned = clean(std::mem::take(id), false);
    let hash = table::stable_id(&[cleaned.as_str()]);
    *id = cleaned;
    let keep = limits::ID - hash.len() - 1;
    let total = limits::cut_chars(id, limits::ID)?;
    limits::cut_chars(id, keep);
    id.push('~');
    id.push_str(&hash);
    Some(total)
}

/// List fields keep their first items; long items are cut or dropped.
fn lists(l: &mut Listing, problems: &mut RecordProblems<'_>) {
    keep_first("topics", &mut l.topics, limits::TOPICS, problems);
    keep_first("codes", &mut l.codes, limits::CODES, problems);
    keep_first("languages", &mut l.languages, limits::LANGUAGES, problems);
    keep_first("meetings", &mut l.meetings, limits::MEETINGS, problems);
    keep_first("audience", &mut l.audience, limits::AUDIENCE, problems);
    keep_first("accessibility", &mut l.accessibility, limits::ACCESSIBILITY, problems);
    for tag in &mut l.topics {
        limits::cut_chars(&mut tag.rule, limits::RULE);
    }
    let codes = std::mem::take(&mut l.codes);
    l.codes = codes.into_iter().filter_map(|c| finish_text("codes", c, Kind::Line(limits::CODE), problems)).collect();
    let languages = std::mem::take(&mut l.languages);
    l.languages = languages
        .into_iter()
        .filter_map(|c| finish_text("languages", c, Kind::Exact(limits::CODE), problems))
        .collect();
    for meeting in &mut l.meetings {
        limits::cut_chars(&mut meeting.timezone, limits::CODE);
        if let Recurrence::MonthlyNth { weeks } = &mut meeting.recurrence {
            weeks.truncate(limits::WEEKS);
        }
    }
}

fn keep_first<T>(field: &str, list: &mut Vec<T>, max: usize, problems: &mut RecordProblems<'_>) {
    if list.len() > max {
        problems
            .field(field, format!("only the first {} of {} {field} are kept", thousands(max), thousands(list.len())));
        list.truncate(max);
    }
}
