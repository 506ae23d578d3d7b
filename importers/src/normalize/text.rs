//! Plain text out of whatever a source wrote: HTML fragments, entities, stray whitespace.
//!
//! Every piece of source text that reaches a `Listing` goes through [`plain_text`] or
//! [`plain_line`], so no markup or script ever reaches a client. [`redact_secrets`] removes
//! meeting passcodes from free text. [`word_starts`] gives the lower-case word form keyword
//! rules match in (`taxonomy`, Open Referral's selection). Deciding which fields to sanitise,
//! and what to do with an empty result, is left to the parsers.

use scraper::{Html, Node};

use super::nesting;

/// Sanitises source text to plain text: entities decoded, `<br>` and block elements turned
/// into line breaks, all other markup and any script or style content removed, whitespace
/// collapsed (at most one blank line), trimmed. Empty results give `None`.
///
/// Text encoded twice or three times ("&amp;amp;", "&amp;#39;") is decoded again, but only
/// its complete references (`&name;`, `&#39;`, `&#x27;`): an ampersand in plain text ("Q&A",
/// "AT&T", "R&D;") is never read as one.
pub fn plain_text(raw: &str) -> Option<String> {
    let mut text = strip_markup(raw);
    // Entity-encoded markup ("&lt;b&gt;") decodes to markup: strip again until none is left;
    // entities encoded twice decode to entities: decode again.
    for _ in 0..3 {
        if has_tag_like(&text) {
            text = strip_markup(&text);
        } else if has_reference(&text) {
            text = strip_markup(&only_references(&text));
        } else {
            break;
        }
    }
    if has_tag_like(&text) {
        text = drop_tag_openers(&text);
    }
    let text = collapse_whitespace(&text);
    (!text.is_empty()).then_some(text)
}

/// Like [`plain_text`] but on one line (names, addresses): every run of whitespace, line
/// breaks included, becomes one space.
pub fn plain_line(raw: &str) -> Option<String> {
    let text = plain_text(raw)?;
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!line.is_empty()).then_some(line)
}

/// Replaces the value that follows a passcode keyword ("Password: 1234", "PW 0188",
/// "?pwd=abc", "passcode = Bob") with `[removed]`. Keywords: passcode, password, passwd, pass,
/// pwd, pw, pin. A value is removed when it follows a separator (`:` `=` `-` `#`, or "is") or
/// contains a digit, so "No password required" and "For password email x@y" are kept.
pub fn redact_secrets(text: &str) -> String {
    let text = strip_url_secrets(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if let Some(end) = secret_keyword_at(&chars, i) {
            let word: String = chars.get(i..end).unwrap_or_default().iter().collect::<String>().to_ascii_lowercase();
            let strong = !matches!(word.as_str(), "pass" | "pin");
            out.push_str(&word_as_written(&chars, i, end));
            i = redact_value(&chars, end, strong, &mut out);
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn word_as_written(chars: &[char], from: usize, to: usize) -> String {
    chars.get(from..to).unwrap_or_default().iter().collect()
}

/// Links in free text lose their passcode parameters ("https://zoom.us/j/1?pwd=abc" ->
/// "https://zoom.us/j/1"), so they still work once copied.
fn strip_url_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("http").filter(|_| rest.contains('?')) {
        let (before, from_url) = rest.split_at(start);
        out.push_str(before);
        let end = from_url.find(char::is_whitespace).unwrap_or(from_url.len());
        let (url, after) = from_url.split_at(end);
        match url.split_once('?') {
            Some((base, query)) => {
                let kept: Vec<&str> = query
                    .split('&')
                    .filter(|pair| {
                        let key = pair.split('=').next().unwrap_or_default().to_ascii_lowercase();
                        !super::web::SECRET_PARAMS.contains(&key.as_str())
                    })
                    .collect();
                out.push_str(base);
                if !kept.is_empty() {
                    out.push('?');
                    out.push_str(&kept.join("&"));
                }
            }
            None => out.push_str(url),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// True when the text mentions a passcode keyword at all (see [`redact_secrets`]).
pub fn mentions_secret(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).any(|i| secret_keyword_at(&chars, i).is_some())
}

const SECRET_WORDS: [&str; 7] = ["passcode", "password", "passwd", "pass", "pwd", "pw", "pin"];
/// Words that follow "password" without being one ("password required", "password email").
#[rustfmt::skip]
const NOT_SECRETS: [&str; 34] = [
    "a", "an", "and", "ask", "at", "available", "by", "call", "can", "contact", "e-mail", "email", "emailed",
    "for", "from", "if", "in", "may", "n/a", "na", "needed", "no", "none", "not", "of", "on", "or", "please",
    "protected", "provided", "required", "send", "the", "to",
];
const SKIP_CONTENT: [&str; 7] = ["script", "style", "noscript", "template", "head", "iframe", "object"];
#[rustfmt::skip]
const BLOCKS: [&str; 27] = [
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section", "table", "td", "tr", "ul",
];

/// Text content of an HTML fragment, with line breaks for block elements. Iterative, so deeply
/// nested input cannot overflow the stack.
fn strip_markup(raw: &str) -> String {
    if !raw.contains(['<', '&']) {
        return raw.to_owned();
    }
    if nesting::exceeds(raw, nesting::MAX_DEPTH) {
        // Too deep for the HTML parser (its time grows with the square of the depth).
        return drop_tags(raw);
    }
    let html = Html::parse_fragment(raw);
    let mut out = String::with_capacity(raw.len());
    let mut stack = vec![(html.tree.root(), false)];
    while let Some((node, closing)) = stack.pop() {
        match node.value() {
            Node::Text(text) if !closing => out.push_str(text),
            Node::Element(el) => {
                let name = el.name();
                if SKIP_CONTENT.contains(&name) {
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    out.push('\n');
                }
                if !closing && !block_is_void(name) {
                    if block {
                        stack.push((node, true));
                    }
                    stack.extend(node.children().rev().map(|c| (c, false)));
                }
            }
            Node::Document | Node::Fragment if !closing => {
                stack.extend(node.children().rev().map(|c| (c, false)));
            }
            _ => {}
        }
    }
    out
}

/// Everything between `<` and the next `>` removed, for markup too deep to parse; the
/// entities are left to the next round of [`plain_text`].
fn drop_tags(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() / 2);
    let mut in_tag = false;
    for c in raw.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether the text holds a complete character reference (see [`reference_at`]).
fn has_reference(text: &str) -> bool {
    text.match_indices('&').any(|(at, _)| reference_at(text, at))
}

/// `&name;` (2 to 32 letters and digits), `&#39;` or `&#x27;` starts at byte `at`.
fn reference_at(text: &str, at: usize) -> bool {
    let rest = text.get(at + 1..).unwrap_or_default();
    let Some(end) = rest.get(..rest.len().min(34)).and_then(|r| r.find(';')) else { return false };
    let body = rest.get(..end).unwrap_or_default();
    match body.strip_prefix('#') {
        Some(num) => match num.strip_prefix(['x', 'X']) {
            Some(hex) => (1..=6).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit()),
            None => (1..=7).contains(&num.len()) && num.chars().all(|c| c.is_ascii_digit()),
        },
        None => {
            body.len() >= 2
                && body.starts_with(|c: char| c.is_ascii_alphabetic())
                && body.chars().all(|c| c.is_ascii_alphanumeric())
        }
    }
}

/// The text as markup in which only its complete references mean anything: every other `&`
/// and every `<` escaped, so the HTML parser decodes those references and nothing else.
fn only_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (at, c) in text.char_indices() {
        match c {
            '&' if !reference_at(text, at) => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            _ => out.push(c),
        }
    }
    out
}

fn block_is_void(name: &str) -> bool {
    matches!(name, "br" | "hr")
}

/// `<` followed by a letter, `/`, `!` or `?`: something a browser could read as markup.
fn has_tag_like(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
}

fn drop_tag_openers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let opener = c == '<' && chars.peek().is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
        if !opener {
            out.push(c);
        }
    }
    out
}

/// Collapses spaces within lines, trims lines, keeps at most one blank line, drops control
/// and zero-width characters.
fn collapse_whitespace(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    for line in unified.split('\n') {
        let cleaned: String = line
            .chars()
            .filter(|c| !matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'))
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let words: Vec<&str> = cleaned.split_whitespace().collect();
        let joined = words.join(" ");
        if joined.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(joined);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// If a secret keyword starts at `i` (as a whole word), the index just after it.
fn secret_keyword_at(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && chars.get(i - 1).is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    SECRET_WORDS.iter().find_map(|word| {
        let end = i + word.len();
        let candidate = chars.get(i..end)?;
        let matches = candidate.iter().zip(word.chars()).all(|(c, w)| c.to_ascii_lowercase() == w);
        let whole = chars.get(end).is_none_or(|c| !c.is_alphanumeric());
        (matches && whole).then_some(end)
    })
}

/// Copies the separator after a keyword and replaces the secret value; returns where to go on.
/// `strong` keywords (passcode, password, pwd, pw) are followed by a secret unless the next
/// word is an ordinary one ("password required"); weak ones (pass, pin) only when a `:`/`=`
/// or a digit shows it.
fn redact_value(chars: &[char], start: usize, strong: bool, out: &mut String) -> usize {
    let is_space = |c: &char| *c == ' ' || *c == '\t' || *c == '\u{a0}';
    let mut i = start;
    let mut separated = false;
    while let Some(c) = chars.get(i) {
        if is_space(c) {
            out.push(*c);
            i += 1;
        } else if !separated && (matches!(c, ':' | '=') || strong && matches!(c, '-' | '–' | '#')) {
            separated = true;
            out.push(*c);
            i += 1;
        } else {
            break;
        }
    }
    let token_end = |from: usize| {
        let mut j = from;
        while chars.get(j).is_some_and(|c| !c.is_whitespace() && !matches!(c, '&' | '|')) {
            j += 1;
        }
        j
    };
    let mut end = token_end(i);
    let first: String = chars.get(i..end).unwrap_or_default().iter().collect();
    if first.eq_ignore_ascii_case("is") {
        separated = true;
        out.push_str(&first);
        while chars.get(end).is_some_and(is_space) {
            out.push(' ');
            end += 1;
        }
        i = end;
        end = token_end(i);
    }
    let token: String = chars.get(i..end).unwrap_or_default().iter().collect();
    let has_digit = token.chars().any(|c| c.is_ascii_digit());
    let word = token.trim_end_matches(['.', ',', ';', ':', ')']).to_lowercase();
    let ordinary = !token.chars().any(char::is_alphanumeric) || NOT_SECRETS.contains(&word.as_str());
    if (ordinary && !has_digit) || !(has_digit || separated || strong) {
        return i;
    }
    out.push_str("[removed]");
    // Values written in groups ("292 718-013"): swallow following all-digit groups too.
    loop {
        let mut j = end;
        while chars.get(j).is_some_and(is_space) {
            j += 1;
        }
        let next_end = token_end(j);
        let next = chars.get(j..next_end).unwrap_or_default();
        if next.is_empty() || !next.iter().all(|c| c.is_ascii_digit() || matches!(c, '-' | '#')) {
            return end;
        }
        end = next_end;
    }
}

/// Lower-case words separated by single spaces, with a leading space, so " word" finds a
/// word start. Anything not alphanumeric separates words, except apostrophes (' and ’) when
/// `join_apostrophes` is set ("carers' group", "Andy's" stay one word each).
pub fn word_starts(s: &str, join_apostrophes: bool) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    out.push(' ');
    let mut space = true;
    for c in s.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if join_apostrophes && (c == '\'' || c == '\u{2019}') {
            // The apostrophe joins, it does not split.
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_markup_and_keeps_breaks() {
        let raw = "Hall open <br> other days &amp; <b>MASKS</b><script>alert(1)</script>";
        assert_eq!(plain_text(raw).as_deref(), Some("Hall open\nother days & MASKS"));
    }

    #[test]
    fn encoded_markup_does_not_survive() {
        let out = plain_text("&lt;script&gt;alert(1)&lt;/script&gt; hi").unwrap_or_default();
        assert!(!out.contains("<script"), "{out}");
    }

    #[test]
    fn redacts_common_passcode_styles() {
        for (raw, secret) in [
            ("Meeting ID: 885 4497 1950\nPasscode: BillW0407", "BillW0407"),
            ("Library - PW: serenity - HYBRID", "serenity"),
            ("enter password 292 718-013 and press #", "718-013"),
            ("https://zoom.us/j/1?pwd=abcDEF", "abcDEF"),
            ("Zoom: https://zoom.us/j/1?pwd=abcDEF Phone", "pwd"),
            ("Password is fairmount", "fairmount"),
            ("Library PW serenity", "serenity"),
        ] {
            let out = redact_secrets(raw);
            assert!(!out.contains(secret), "{raw:?} -> {out:?}");
        }
        for kept in ["No password required", "For Password Email: a@b.org", "Pass It On group", "pass the basket"] {
            assert_eq!(redact_secrets(kept), kept);
        }
        assert!(mentions_secret("Zoom pwd=1") && !mentions_secret("Passover group"));
    }
}
