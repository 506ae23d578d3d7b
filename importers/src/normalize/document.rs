//! Whole documents as text: byte decoding whatever the page declares, a guess at what a
//! document is, and a short hint of what an unexpected page says, for error messages.
//!
//! Pages often declare one charset and contain another (a page that says ISO-8859-1 and
//! holds UTF-8), so the declaration is ignored: a byte-order mark wins, then valid UTF-8, then
//! windows-1252, which decodes any byte, with the "‰Ûª" mojibake that Mac exports leave
//! repaired. [`decode`] serves pages and tables alike (`table::decode` with `Auto`). Parsing
//! the text is left to the formats.

use std::borrow::Cow;

use encoding_rs::{Encoding, WINDOWS_1252};

use super::text;

/// What a document looks like from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Nothing but whitespace.
    Empty,
    /// Starts with `{` or `[`.
    Json,
    /// Starts with `<`.
    Markup,
    /// Anything else (plain text, binary).
    Other,
}

/// The document's text: BOM-declared encoding (UTF-8, UTF-16), else UTF-8 when valid, else
/// windows-1252 with Mac mojibake [repaired](repair_mojibake).
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        return encoding.decode_without_bom_handling(rest).0;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(repair_mojibake(&WINDOWS_1252.decode_without_bom_handling(bytes).0)),
    }
}

/// Windows-1252 text of an export that went through Mac Roman: "‰Ûª" (read here as "äó»")
/// stands for a right single quote, "‰ÛÒ" for a dash, "‰ÛÏ"/"‰Û\u{9d}" for double quotes.
pub(crate) fn repair_mojibake(text: &str) -> String {
    if !text.contains("äó") {
        return text.to_owned();
    }
    const PAIRS: [(&str, &str); 5] = [("äó»", "’"), ("äóñ", "—"), ("äóÏ", "“"), ("äó\u{9d}", "”"), ("äó÷", "–")];
    PAIRS.iter().fold(text.to_owned(), |t, (bad, good)| t.replace(bad, good))
}

/// What the decoded text starts with, ignoring whitespace.
pub fn shape(text: &str) -> Shape {
    match text.trim_start().chars().next() {
        None => Shape::Empty,
        Some('{' | '[') => Shape::Json,
        Some('<') => Shape::Markup,
        Some(_) => Shape::Other,
    }
}

/// ` ("502 Bad Gateway")`: the page's `<title>`, else the start of its text, quoted and cut
/// to 60 characters; empty when the page has no text. Tells an error page from a site.
pub fn page_hint(text: &str) -> String {
    let head: String = text.chars().take(8192).collect();
    let lower = head.to_ascii_lowercase();
    let title = lower.find("<title").and_then(|start| {
        let open_end = start + lower.get(start..)?.find('>')? + 1;
        let close = open_end + lower.get(open_end..)?.find("</title")?;
        text::plain_line(head.get(open_end..close)?)
    });
    let Some(line) = title.or_else(|| text::plain_line(&head)) else { return String::new() };
    let short: String = line.chars().take(60).collect();
    let cut = if short.len() < line.len() { "…" } else { "" };
    format!(" (\"{short}{cut}\")")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_despite_declarations_and_falls_back_to_1252() {
        let utf8 = "<meta charset=iso-8859-1>caf\u{e9} \u{2013}".as_bytes();
        assert_eq!(decode(utf8), "<meta charset=iso-8859-1>caf\u{e9} \u{2013}");
        assert_eq!(decode(b"caf\xe9 \x93x\x94"), "caf\u{e9} \u{201c}x\u{201d}");
        assert_eq!(decode(b"\xef\xbb\xbf{}"), "{}");
        assert_eq!(decode(b"\xff\xfe{\x00}\x00"), "{}");
        assert_eq!(decode(b"MEN\xe4\xf3\xbbS GROUP \xe4\xf3\xf1 Caf\xe9"), "MEN\u{2019}S GROUP \u{2014} Caf\u{e9}");
    }

    #[test]
    fn shapes_and_hints() {
        assert_eq!(shape(" \n[1]"), Shape::Json);
        assert_eq!(shape("  "), Shape::Empty);
        assert_eq!(shape("<html>"), Shape::Markup);
        let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
        assert_eq!(page_hint(page), " (\"502 Bad Gateway\")");
        assert_eq!(page_hint("<p>hello</p>"), " (\"hello\")");
        assert_eq!(page_hint(""), "");
    }
}
