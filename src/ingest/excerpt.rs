//! What a run's error may quote of a document: a short, escaped excerpt, never more.
//!
//! A parser names what it found when a document is not what the source's format expects
//! (`found "..."`), and a source pointed at the wrong local file would otherwise have its
//! first line copied into the run log. `document_message` bounds every parser message at the
//! one place they enter a run: the text inside quotes is at most `MAX_EXCERPT` characters in
//! all (later quotes become `"…"`), control characters are escaped, every URL is redacted
//! (`fetch::redact`) and the whole message is at most `MAX_MESSAGE` characters.

use crate::fetch::redact;

/// Most characters of document content one message quotes, across all its quotes.
pub const MAX_EXCERPT: usize = 80;
/// Most characters of one parser message.
pub const MAX_MESSAGE: usize = 240;

/// A parser's message about a whole document, made safe to store and show to operators.
pub fn document_message(message: &str) -> String {
    let redacted = redact::text(message);
    let mut out = String::new();
    let (mut quoted, mut inside, mut cut) = (0usize, false, false);
    for c in redacted.chars() {
        if c == '"' {
            if inside && cut {
                out.push('…');
            }
            inside = !inside;
            cut = false;
            out.push(c);
            continue;
        }
        if inside {
            if quoted >= MAX_EXCERPT {
                cut = true;
                continue;
            }
            quoted += 1;
        }
        push_escaped(&mut out, c);
    }
    if inside && cut {
        out.push('…');
    }
    bounded(&out, MAX_MESSAGE)
}

fn push_escaped(out: &mut String, c: char) {
    match c.is_control() {
        true => out.extend(c.escape_default()),
        false => out.push(c),
    }
}

fn bounded(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_content_is_a_short_escaped_excerpt() {
        let line = format!("root:x:0:0:{}\u{1b}[2J", "a".repeat(200));
        let message = format!("the first row has no \"Name\" column (found \"{line}\", \"second\")");

        let shown = document_message(&message);

        let inside: usize = shown.split('"').skip(1).step_by(2).map(|q| q.trim_end_matches('…').chars().count()).sum();
        assert!(inside <= MAX_EXCERPT, "{shown}");
        assert!(shown.starts_with("the first row has no \"Name\" column (found \"root:x:0:0:aaa"), "{shown}");
        assert!(shown.contains("…\", \"…\")"), "{shown}");
        assert!(!shown.chars().any(char::is_control), "{shown}");
    }

    #[test]
    fn messages_are_bounded_and_their_urls_redacted() {
        let long = format!("page 3 (https://example.org/x?api_key=s3cret) has keys: {}", "k, ".repeat(500));

        let shown = document_message(&long);

        assert!(shown.chars().count() <= MAX_MESSAGE + 1 && !shown.contains("s3cret"), "{shown}");
        assert_eq!(document_message("found \"a\nb\""), "found \"a\\nb\"");
    }
}
