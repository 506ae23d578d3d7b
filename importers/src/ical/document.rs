//! From bytes to the `VEVENT`s of an iCalendar document, with errors in plain words.
//!
//! The text is decoded (BOM, UTF-8, else windows-1252), unfolded and cut into its
//! `BEGIN:VCALENDAR` ... `END:VCALENDAR` blocks, so text around them and several calendars
//! in one file do no harm. Inside a block, lines that are not content lines (no `:`, or a
//! name with spaces) are left out and reported once; names are upper-cased; a truncated or
//! mis-nested document is a `DocumentError` naming the line. The `icalendar` crate then
//! parses each block. Reading properties of an event is left to `ical.rs`.

use icalendar::parser::{read_calendar_simple, unfold, Component, Property};

use crate::normalize::document::{self, Shape};
use crate::problem::{DocumentError, RecordProblems};

/// The calendars of a document, each as a parsed tree; left-out lines are one problem.
pub(super) fn read(bytes: &[u8], problems: &mut RecordProblems<'_>) -> Result<Vec<Component<'static>>, DocumentError> {
    let text = document::decode(bytes);
    match document::shape(&text) {
        Shape::Empty => return Err(DocumentError(format!("{NOT_ICAL}: the document is empty"))),
        Shape::Markup => {
            let hint = document::page_hint(&text);
            return Err(DocumentError(format!("{NOT_ICAL}: found markup (HTML or XML){hint}")));
        }
        Shape::Json => return Err(DocumentError(format!("{NOT_ICAL}: found JSON"))),
        Shape::Other => {}
    }
    let (blocks, skipped) = blocks(&unfold(&text))?;
    let mut calendars = Vec::new();
    for block in &blocks {
        let parsed = read_calendar_simple(&block.text).map_err(|e| {
            let at = block.text.len().saturating_sub(e.input.len());
            let line_index = block.text.get(..at).unwrap_or_default().matches('\n').count();
            let source_line = block.lines.get(line_index).copied().unwrap_or_default();
            let content: String = e.input.lines().next().unwrap_or_default().chars().take(60).collect();
            DocumentError(format!("invalid iCalendar at line {source_line} (after unfolding): \"{content}\""))
        })?;
        calendars.extend(parsed.into_iter().map(owned));
    }
    if let Some(first) = skipped.first() {
        let message = format!(
            "{} line(s) that are not iCalendar content lines were left out (the first is line {first})",
            skipped.len()
        );
        problems.note(message);
    }
    Ok(calendars)
}

/// The properties named `name` (any case).
pub(super) fn props<'c>(c: &'c Component<'c>, name: &'c str) -> impl Iterator<Item = &'c Property<'c>> {
    c.properties.iter().filter(move |p| p.name.as_str().eq_ignore_ascii_case(name))
}

/// The first non-blank value of a property.
pub(super) fn value<'c>(c: &'c Component<'c>, name: &'c str) -> Option<&'c str> {
    props(c, name).map(|p| p.val.as_str().trim()).find(|v| !v.is_empty())
}

/// A parameter's value (any case), without quotes.
pub(super) fn param<'p>(p: &'p Property<'p>, key: &str) -> Option<&'p str> {
    p.params
        .iter()
        .find(|x| x.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|x| x.val.as_ref())
        .map(|v| v.as_str().trim_matches('"'))
}

/// A text list (`CATEGORIES`): split at unescaped commas, each item unescaped.
pub(super) fn text_list(raw: &str) -> Vec<String> {
    let mut items = vec![String::new()];
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match (c, items.last_mut()) {
            ('\\', Some(item)) => match chars.next() {
                Some('n' | 'N') => item.push(' '),
                Some(other) => item.push(other),
                None => {}
            },
            (',', _) => items.push(String::new()),
            (c, Some(item)) => item.push(c),
            (_, None) => {}
        }
    }
    items.into_iter().map(|i| i.trim().to_owned()).filter(|i| !i.is_empty()).collect()
}

const NOT_ICAL: &str = "not an iCalendar document";
const MAX_DEPTH: usize = 8;

/// One `VCALENDAR` block, cleaned, with the source line number of each of its lines.
struct Block {
    text: String,
    lines: Vec<usize>,
}

/// The calendar blocks, and the line numbers of the lines left out.
fn blocks(text: &str) -> Result<(Vec<Block>, Vec<usize>), DocumentError> {
    let mut blocks = Vec::new();
    let mut skipped = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut current = Block { text: String::new(), lines: Vec::new() };
    for (index, raw) in text.split('\n').enumerate() {
        let number = index + 1;
        let line = raw.trim_end();
        if line.is_empty() {
            continue;
        }
        let (name, rest) = split_name(line);
        let upper = name.to_ascii_uppercase();
        let component = rest.strip_prefix(':').map(|c| c.trim().to_ascii_uppercase());
        match (upper.as_str(), component) {
            ("BEGIN", Some(c)) if stack.is_empty() && c != "VCALENDAR" => continue,
            ("BEGIN", Some(c)) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(DocumentError(format!("{NOT_ICAL}: components nested too deeply at line {number}")));
                }
                push_line(&mut current, &format!("BEGIN:{c}"), number);
                stack.push(c);
            }
            ("END", Some(_)) if stack.is_empty() => continue,
            ("END", Some(c)) => {
                let open = stack.pop().unwrap_or_default();
                if open != c {
                    return Err(DocumentError(format!(
                        "invalid iCalendar: END:{c} at line {number} does not close BEGIN:{open}"
                    )));
                }
                push_line(&mut current, &format!("END:{c}"), number);
                if stack.is_empty() {
                    blocks.push(std::mem::replace(&mut current, Block { text: String::new(), lines: Vec::new() }));
                }
            }
            _ if stack.is_empty() => continue,
            _ => {
                let valid_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
                if valid_name && rest.contains(':') {
                    push_line(&mut current, &format!("{upper}{rest}"), number);
                } else {
                    skipped.push(number);
                }
            }
        }
    }
    if let Some(open) = stack.last() {
        return Err(DocumentError(format!(
            "invalid iCalendar: the document is cut short (BEGIN:{open} is never closed)"
        )));
    }
    if blocks.is_empty() {
        return Err(DocumentError(format!("{NOT_ICAL}: no BEGIN:VCALENDAR ... END:VCALENDAR")));
    }
    Ok((blocks, skipped))
}

/// "DTSTART;TZID=x:2024..." -> ("DTSTART", ";TZID=x:2024...").
fn split_name(line: &str) -> (&str, &str) {
    let end = line.find([';', ':']).unwrap_or(line.len());
    line.split_at(end)
}

/// Lines end in CRLF: the crate looks for "\r\n" first, and scans to the end for it when
/// lines end in a bare "\n".
fn push_line(block: &mut Block, line: &str, number: usize) {
    block.text.push_str(line);
    block.text.push_str("\r\n");
    block.lines.push(number);
}

/// The parsed tree no longer borrows the block text.
fn owned(c: Component<'_>) -> Component<'static> {
    Component {
        name: c.name.into_owned(),
        properties: c
            .properties
            .into_iter()
            .map(|p| Property {
                name: p.name.into_owned(),
                val: p.val.into_owned(),
                params: p
                    .params
                    .into_iter()
                    .map(|x| icalendar::parser::Parameter {
                        key: x.key.into_owned(),
                        val: x.val.map(|v| v.into_owned()),
                    })
                    .collect(),
            })
            .collect(),
        components: c.components.into_iter().map(owned).collect(),
    }
}
