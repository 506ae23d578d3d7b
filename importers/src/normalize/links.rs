//! Links inside free text: finding a conference join link, and making every link safe to show.
//!
//! Feeds that have no field for a join link put it in the text ("Join: https://zoom.us/j/…",
//! `<a href="https://meet.google.com/…">`). [`first_conference_link`] finds the first link
//! that [`web::conference_id`] recognises, in raw text or markup. [`scrub_links`] rewrites
//! every link that carries a query string through [`web::normalize_url`], so passcode
//! parameters that `text::redact_secrets` does not know (Teams' `p`) never reach a client.
//! Which link is the group's join link is the parser's call.

use super::web;

/// The first http(s) link in `raw` (text or markup) that is a conference join link, as
/// written (wrappers and passcodes are removed later by `web::conference_url`).
pub fn first_conference_link(raw: &str) -> Option<String> {
    links(raw).find(|link| web::conference_id(link).is_some()).map(str::to_owned)
}

/// The text with every link that has a query string normalised (passcode parameters and
/// user-info removed); links that are not http(s) at all are left out.
pub fn scrub_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("http") {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let end = link_end(from);
        let (link, after) = from.split_at(end);
        if link.contains('?') {
            if let Some(clean) = web::normalize_url(link) {
                out.push_str(&clean);
            }
        } else {
            out.push_str(link);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The http(s) links in text or markup, without trailing punctuation.
fn links(raw: &str) -> impl Iterator<Item = &str> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        let at = rest.find("http")?;
        let from = rest.get(at..)?;
        let end = link_end(from);
        let link = from.get(..end)?;
        rest = from.get(end.max(4)..).unwrap_or_default();
        Some(link)
    })
}

/// Where the link that starts `from` ends: at whitespace, a quote or an angle bracket, not
/// counting a final `.` `,` `)` or `;`.
fn link_end(from: &str) -> usize {
    let end = from.find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>')).unwrap_or(from.len());
    let trimmed = from.get(..end).unwrap_or_default().trim_end_matches(['.', ',', ')', ';']);
    trimmed.len().max(4.min(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_join_link_in_markup_and_text() {
        let html = r#"See <a href="https://example.org/x">us</a> or join <a href="https://us02web.zoom.us/j/81234567890?pwd=x">here</a>."#;
        assert_eq!(first_conference_link(html).as_deref(), Some("https://us02web.zoom.us/j/81234567890?pwd=x"));
        assert_eq!(
            first_conference_link("Meet: https://meet.google.com/abc-defg-hij."),
            Some("https://meet.google.com/abc-defg-hij".into())
        );
        assert_eq!(first_conference_link("https://example.org/groups"), None);
    }

    #[test]
    fn scrubbed_links_lose_passcodes() {
        let text = "Teams: https://teams.microsoft.com/meet/38291045521?p=Secret1. Site: https://x.org/a";
        assert_eq!(scrub_links(text), "Teams: https://teams.microsoft.com/meet/38291045521. Site: https://x.org/a");
        assert_eq!(scrub_links("http"), "http");
    }
}
