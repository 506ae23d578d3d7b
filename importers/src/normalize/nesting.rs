//! How deeply a page nests its elements, found by a cheap scan before any HTML parser sees it.
//!
//! html5ever's tree builder takes time that grows with the square of the nesting depth
//! (100,000 nested `<div>`s take half a minute), so a page nested deeper than [`MAX_DEPTH`] is
//! refused by the formats that parse whole pages, and text fields fall back to a plain tag
//! stripper. [`exceeds`] tracks the elements a parser would hold open: end tags close up to
//! their element (an end tag nothing opened is ignored, as parsers ignore it), void elements
//! and elements whose end tag is optional (`p`, `li`, `td`...) never count, self-closing tags
//! count only outside `svg` and `math`, and comments and the content of `script`, `style` and
//! similar raw-text elements are skipped. It can only over-count pages with unusual tag soup,
//! and real pages nest a few dozen levels. What to do with a deep page is the caller's call.

use std::collections::HashMap;

/// Deeper than this, a page is not handed to the HTML parser (browsers cap their DOM near
/// 512; the slack is for tag soup this scan counts as nesting).
pub const MAX_DEPTH: usize = 1_024;

/// Why a page nested deeper than [`MAX_DEPTH`] is not read, as a problem or document error.
pub fn too_deep() -> String {
    let limit = super::limits::thousands(MAX_DEPTH);
    format!("the page nests elements deeper than {limit} levels (the limit); it is not read")
}

/// True when `text` nests elements deeper than `limit`. Linear in the text; stops at the first
/// level past `limit`.
pub fn exceeds(text: &str, limit: usize) -> bool {
    let bytes = text.as_bytes();
    let mut open = Open::default();
    let mut i = 0;
    while let Some(at) = find(bytes, i, b'<') {
        i = at + 1;
        match bytes.get(i) {
            Some(b'!') if bytes.get(i + 1..i + 3) == Some(b"--") => i = end_of(bytes, i + 3, b"-->"),
            Some(b'!' | b'?') => i = end_of(bytes, i, b">"),
            Some(b'/') => {
                let (name, after) = tag_name(bytes, i + 1);
                i = end_of(bytes, after, b">");
                open.close(&name);
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let (name, after) = tag_name(bytes, i);
                let (end, self_closing) = tag_end(bytes, after);
                i = end;
                if RAW_TEXT.contains(&name.as_str()) {
                    i = raw_text_end(bytes, i, &name);
                    continue;
                }
                if NEVER_NEST.contains(&name.as_str()) || (self_closing && open.foreign()) {
                    continue;
                }
                open.push(name);
                if open.depth() > limit {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

#[rustfmt::skip]
const NEVER_NEST: [&str; 34] = [
    // void elements
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    "param", "keygen",
    // optional end tags: the next one closes the last
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "rb", "rt", "rp",
    "colgroup", "caption", "html", "head",
];
const RAW_TEXT: [&str; 8] = ["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"];

/// The elements held open, with a count per name so an end tag nothing opened costs nothing.
#[derive(Default)]
struct Open {
    stack: Vec<String>,
    counts: HashMap<String, usize>,
}

impl Open {
    fn depth(&self) -> usize {
        self.stack.len()
    }

    fn foreign(&self) -> bool {
        ["svg", "math"].iter().any(|n| self.counts.get(*n).is_some_and(|c| *c > 0))
    }

    fn push(&mut self, name: String) {
        *self.counts.entry(name.clone()).or_default() += 1;
        self.stack.push(name);
    }

    /// Closes up to the innermost `name`, when one is open.
    fn close(&mut self, name: &str) {
        if self.counts.get(name).is_none_or(|c| *c == 0) {
            return;
        }
        while let Some(top) = self.stack.pop() {
            if let Some(c) = self.counts.get_mut(&top) {
                *c = c.saturating_sub(1);
            }
            if top == name {
                break;
            }
        }
    }
}

fn find(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    bytes.get(from..)?.iter().position(|b| *b == byte).map(|p| from + p)
}

/// The index just after the next `pattern` from `from`, or the end.
fn end_of(bytes: &[u8], from: usize, pattern: &[u8]) -> usize {
    let rest = bytes.get(from..).unwrap_or_default();
    rest.windows(pattern.len()).position(|w| w == pattern).map_or(bytes.len(), |p| from + p + pattern.len())
}

/// The lower-case tag name at `from` (at most 64 bytes of it) and the index after it.
fn tag_name(bytes: &[u8], from: usize) -> (String, usize) {
    let mut end = from;
    while bytes.get(end).is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'/' | b'>')) {
        end += 1;
    }
    let name = bytes.get(from..end.min(from + 64)).unwrap_or_default();
    (String::from_utf8_lossy(name).to_ascii_lowercase(), end)
}

/// The index after the tag's `>` (quoted attribute values may hold one) and whether it ends
/// with `/>`.
fn tag_end(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut quote: Option<u8> = None;
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'') => quote = Some(b),
            None if b == b'>' => return (i + 1, i > from && bytes.get(i - 1) == Some(&b'/')),
            None => {}
        }
        i += 1;
    }
    (bytes.len(), false)
}

/// The index after `</name` closing a raw-text element, or the end.
fn raw_text_end(bytes: &[u8], from: usize, name: &str) -> usize {
    let mut i = from;
    while let Some(at) = find(bytes, i, b'<') {
        let candidate = bytes.get(at + 2..at + 2 + name.len()).unwrap_or_default();
        if bytes.get(at + 1) == Some(&b'/') && candidate.eq_ignore_ascii_case(name.as_bytes()) {
            return end_of(bytes, at, b">");
        }
        i = at + 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_a_parser_keeps_open() {
        assert!(exceeds(&"<div>".repeat(11), 10));
        assert!(!exceeds(&"<div></div>".repeat(1_000), 10));
        // Optional end tags, void and self-closing svg elements, comments and scripts do not nest.
        let flat = format!(
            "<ul>{}</ul><svg>{}</svg><!-- {} --><script>{}</script>",
            "<li><p>x<br><img src=a>".repeat(100),
            "<path d='M0 0'/>".repeat(100),
            "<div>".repeat(100),
            "<div>".repeat(100)
        );
        assert!(!exceeds(&flat, 10), "{flat}");
        // An end tag nothing opened does not undo a real level.
        assert!(exceeds(&"<div></span>".repeat(11), 10));
        // `<div/>` is an open div in HTML.
        assert!(exceeds(&"<div/>".repeat(11), 10));
        assert!(!exceeds("<a title='>'><b>x</b></a>", 2));
    }
}
