//! How a URL is printed in errors, logs and the API: the one redaction every message uses.
//!
//! Query strings carry API keys (`?api_key=...`) and userinfo carries passwords, so a shown
//! URL has neither: `https://user:pw@host/feed?key=1#x` is `https://host/feed?...`. `text`
//! applies the same to every http(s) URL inside free text (a parser's message, a followed
//! link), so nothing a feed or a config names leaks through a message. Deciding who may read
//! a message is the API's job (`graphql::sources`).

use url::Url;

/// `url` without userinfo and fragment, with `?...` in place of any query.
pub fn url(url: &Url) -> String {
    let mut clean = url.clone();
    let had_query = clean.query().is_some();
    clean.set_query(None);
    clean.set_fragment(None);
    let _ = clean.set_username("");
    let _ = clean.set_password(None);
    match had_query {
        true => format!("{clean}?..."),
        false => clean.to_string(),
    }
}

/// A URL given as text (a link a parser wants, a Location header), redacted; text that does
/// not parse as a URL loses everything from the first `?` or `#`, and any `user@`.
pub fn url_text(text: &str) -> String {
    match Url::parse(text) {
        Ok(parsed) if parsed.has_host() => url(&parsed),
        _ => {
            let cut = text.find(['?', '#']).map_or(text, |i| &text[..i]);
            let shown = match (cut.find("://"), cut.rfind('@')) {
                (Some(scheme), Some(at)) if at > scheme => format!("{}{}", &cut[..scheme + 3], &cut[at + 1..]),
                _ => cut.to_owned(),
            };
            match cut.len() < text.len() && text[cut.len()..].starts_with('?') {
                true => format!("{shown}?..."),
                false => shown,
            }
        }
    }
}

/// `text` with every `http://` and `https://` URL in it redacted. A URL ends at whitespace,
/// a quote, or a closing bracket.
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = find_url(rest) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ')' | ']' | '>' | '<'))
            .unwrap_or(tail.len());
        let (found, after) = tail.split_at(end);
        let trimmed = found.trim_end_matches([',', '.', ';', ':']);
        out.push_str(&url_text(trimmed));
        out.push_str(&found[trimmed.len()..]);
        rest = after;
    }
    out.push_str(rest);
    out
}

fn find_url(text: &str) -> Option<usize> {
    let starts = |at: usize, prefix: &str| {
        text.as_bytes().get(at..at + prefix.len()).is_some_and(|b| b.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    text.char_indices().map(|(i, _)| i).find(|&i| starts(i, "http://") || starts(i, "https://"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_shown_without_credentials_or_query() {
        let secret = Url::parse("https://user:pw@example.org/feed?api_key=s3cret&x=1#top").unwrap();
        assert_eq!(url(&secret), "https://example.org/feed?...");
        assert_eq!(url(&Url::parse("http://example.org/a.json").unwrap()), "http://example.org/a.json");
        assert_eq!(url_text("not a url?api_key=s3cret"), "not a url?...");
    }

    #[test]
    fn every_url_in_a_message_is_redacted() {
        let message = "page 2 (https://example.org/api?page=2&api_key=s3cret) is not a page; \
                       see \"http://u:pw@example.org/x?token=t\", or HTTPS://EXAMPLE.ORG/y?k=v.";

        let shown = text(message);

        assert!(!shown.contains("s3cret") && !shown.contains("token") && !shown.contains("pw@"), "{shown}");
        assert!(!shown.contains("k=v"), "{shown}");
        assert_eq!(
            shown,
            "page 2 (https://example.org/api?...) is not a page; see \"http://example.org/x?...\", or \
             https://example.org/y?....",
        );
    }
}
