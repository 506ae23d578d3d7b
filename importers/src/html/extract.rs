//! Applying a recipe's field specs to a page: element text with the page's own line breaks,
//! attributes, labelled lines, and the sub-items of a `repeat`.
//!
//! Text comes out sanitised (`normalize::text::plain_text`) with one line per `<br>` or block
//! element; line breaks in the page source are only spaces, as a browser shows them. Values
//! are still raw strings here: what a value means (a day, a time, a URL) is `listing.rs`' job.

use std::collections::BTreeMap;

use scraper::{ElementRef, Node};

use crate::normalize::text;

use super::recipe::{Field, FieldMap, Repeat, Spec, Split};

/// Field values read from one item, sub-item or detail page. `types` holds one entry per line.
pub(super) type Values = BTreeMap<Field, String>;

/// What specs are read from: an element, or a block of text (a split sub-item).
#[derive(Debug, Clone)]
pub(super) enum Scope<'a> {
    Element(ElementRef<'a>),
    Text(String),
}

/// Reads every field of `fields` from the scope. A field with several specs takes the first
/// that gives a value, except `types`, which takes the lines of all of them.
pub(super) fn read_fields(fields: &FieldMap, scope: &Scope<'_>) -> Values {
    let mut values = Values::new();
    for (field, specs) in fields {
        if *field == Field::Types {
            let lines: Vec<String> = specs
                .iter()
                .filter_map(|s| spec_value(s, scope).map(|v| split_types(&v, s.split.as_deref().unwrap_or(",;"))))
                .filter(|v| !v.is_empty())
                .collect();
            if !lines.is_empty() {
                values.insert(*field, lines.join("\n"));
            }
        } else if let Some(v) = specs.iter().find_map(|s| spec_value(s, scope)) {
            values.insert(*field, v);
        }
    }
    values
}

/// Lays `over` on `base`: its values replace the base's, except `types`, which add up.
pub(super) fn merge(base: &mut Values, over: Values) {
    for (field, value) in over {
        match base.get_mut(&field) {
            Some(existing) if field == Field::Types => {
                existing.push('\n');
                existing.push_str(&value);
            }
            _ => {
                base.insert(field, value);
            }
        }
    }
}

/// One type per line: each line split at any of the `separators` characters.
fn split_types(value: &str, separators: &str) -> String {
    let parts = value.lines().flat_map(|line| line.split(|c: char| separators.contains(c)));
    parts.map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n")
}

/// The sub-items of an item, in page order.
pub(super) fn sub_items<'a>(item: ElementRef<'a>, repeat: &Repeat) -> Vec<Scope<'a>> {
    let containers: Vec<ElementRef<'a>> = match &repeat.selector {
        Some(sel) => item.select(sel).collect(),
        None => vec![item],
    };
    match repeat.split {
        Split::Element => containers.into_iter().map(Scope::Element).collect(),
        Split::Paragraph | Split::Line => {
            let mut out = Vec::new();
            for container in containers {
                let Some(body) = element_text(container, false) else { continue };
                let blocks: Vec<String> = if repeat.split == Split::Line {
                    body.lines().map(str::to_owned).collect()
                } else {
                    body.split("\n\n").map(str::to_owned).collect()
                };
                out.extend(blocks.into_iter().filter(|b| !b.trim().is_empty()).map(Scope::Text));
            }
            out
        }
    }
}

/// The raw `href` of the first element `selector` matches, if any.
pub(super) fn href<'a>(scope: ElementRef<'a>, selector: &scraper::Selector) -> Option<&'a str> {
    scope.select(selector).find_map(|a| a.attr("href")).map(str::trim).filter(|h| !h.is_empty())
}

/// The sanitised text of an element: one line per `<br>` and per block element, at most one
/// blank line in a row. With `own_only`, text inside child elements is left out.
pub(super) fn element_text(element: ElementRef<'_>, own_only: bool) -> Option<String> {
    let mut raw = String::new();
    let mut stack = vec![(*element, false, true)];
    while let Some((node, closing, top)) = stack.pop() {
        match node.value() {
            Node::Text(t) if !closing => {
                raw.extend(t.chars().map(|c| if c.is_whitespace() { ' ' } else { c }));
            }
            Node::Element(el) => {
                let name = el.name();
                if SKIP.contains(&name) {
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    raw.push('\n');
                }
                if !closing && !matches!(name, "br" | "hr") && (top || !own_only) {
                    if block {
                        stack.push((node, true, false));
                    }
                    stack.extend(node.children().rev().map(|c| (c, false, false)));
                }
            }
            _ => {}
        }
    }
    // Sanitise line by line, so text that decodes to markup cannot join lines.
    let lines: Vec<String> = raw.split('\n').map(|l| text::plain_line(l).unwrap_or_default()).collect();
    text::plain_text(&lines.join("\n"))
}

/// One spec's value, or `None` when it finds nothing.
fn spec_value(spec: &Spec, scope: &Scope<'_>) -> Option<String> {
    if let Some(v) = &spec.value {
        return Some(v.clone());
    }
    let texts: Vec<String> = match scope {
        Scope::Text(t) => vec![t.clone()],
        Scope::Element(el) => {
            let elements: Vec<ElementRef<'_>> = match &spec.selector {
                Some(sel) if spec.all => el.select(sel).collect(),
                Some(sel) => el.select(sel).take(1).collect(),
                None => vec![*el],
            };
            elements
                .into_iter()
                .filter_map(|e| match &spec.attr {
                    // Raw (links must keep "&region=" intact); every use sanitises or parses it.
                    Some(attr) => e.attr(attr).map(|v| v.split_whitespace().collect::<Vec<_>>().join(" ")),
                    None => element_text(e, spec.own_text),
                })
                .collect()
        }
    };
    let picked: Vec<String> = texts.iter().filter_map(|t| pick_line(t, spec)).collect();
    (!picked.is_empty()).then(|| picked.join("\n"))
}

/// Applies `label` and `line` to one text.
fn pick_line(text: &str, spec: &Spec) -> Option<String> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let lines: Vec<String> = match &spec.label {
        Some(label) => lines.iter().filter_map(|l| after_label(l, label)).collect(),
        None => lines.iter().map(|l| (*l).to_owned()).collect(),
    };
    let chosen = match spec.line {
        None => lines.join("\n"),
        Some(n) if n > 0 => lines.get(usize::try_from(n - 1).ok()?)?.clone(),
        Some(n) => {
            let back = usize::try_from(n.unsigned_abs()).ok()?;
            lines.get(lines.len().checked_sub(back)?)?.clone()
        }
    };
    let chosen = chosen.trim().to_owned();
    (!chosen.is_empty()).then_some(chosen)
}

/// "Meeting Type: OD = Open" with label "Meeting Type" -> "OD = Open".
fn after_label(line: &str, label: &str) -> Option<String> {
    let head = line.get(..label.len())?;
    if !head.eq_ignore_ascii_case(label) {
        return None;
    }
    let rest = line.get(label.len()..)?;
    if rest.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    let value = rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '-' | '–'));
    (!value.trim().is_empty()).then(|| value.trim().to_owned())
}

const SKIP: [&str; 8] = ["script", "style", "noscript", "template", "head", "iframe", "object", "select"];
#[rustfmt::skip]
const BLOCKS: [&str; 29] = [
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul", "form",
];
