//! Web addresses: validation, normalisation, and conference meeting ids.
//!
//! Only `http`/`https` URLs survive (a bare "www.x.org" gets `https://`); `javascript:`,
//! `data:`, `mailto:` and the like are rejected. Passcodes never survive: query parameters such
//! as `pwd`, `passcode`, `password` and user-info are removed from every stored URL. Conference
//! links are unwrapped from mail-scanner redirects (Outlook safelinks, urldefense) and reduced to
//! a meeting id for matching. Whether a URL is a website or a join link is the parser's choice.

use url::Url;

use super::text;

/// Parses and normalises an http(s) URL: entities decoded, scheme added to bare hosts, host
/// lower-cased, default port, user-info and password-bearing query parameters removed.
pub fn normalize_url(raw: &str) -> Option<String> {
    parse_http(raw).map(|u| u.to_string())
}

/// A conference join link as it may be stored: redirect wrappers removed, normalised as
/// [`normalize_url`], fragment dropped.
pub fn conference_url(raw: &str) -> Option<String> {
    let mut url = parse_conference(raw)?;
    url.set_fragment(None);
    Some(url.to_string())
}

/// The meeting id in a conference link, for matching the same meeting across sources.
///
/// Numeric ids (Zoom, Webex, GoToMeeting, Teams `/meet/`) are digits only, so they match the
/// id in a dial string. Others are prefixed with the platform: `meet:abc-defg-hij` (Google
/// Meet), `zoom:my/<vanity>`, `goto:<room>`, `teams:<thread>`, `webex:<site>/<room>`,
/// `jitsi:<room>`. Zoom's regional hosts (`us02web.zoom.us`) and `/j/`, `/s/`, `/w/`, `/wc/`
/// paths give the same id.
pub fn conference_id(raw: &str) -> Option<String> {
    let url = parse_conference(raw)?;
    let host = url.host_str()?.trim_start_matches("www.").to_owned();
    let segs: Vec<&str> = url.path_segments().map(|s| s.filter(|p| !p.is_empty()).collect()).unwrap_or_default();
    let on = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
    if on("zoom.us") || on("zoomgov.com") {
        zoom_id(&segs)
    } else if host == "meet.google.com" {
        meet_code(segs.first()?)
    } else if on("teams.microsoft.com") || on("teams.live.com") {
        teams_id(&segs)
    } else if on("webex.com") {
        let site = host.split('.').next().unwrap_or_default();
        match segs.as_slice() {
            ["meet", room, ..] => Some(format!("webex:{site}/{}", room.to_lowercase())),
            _ => segs.iter().find_map(|s| numeric_id(s, 9, 11)),
        }
    } else if host == "gotomeet.me" {
        segs.first().map(|room| format!("goto:{}", room.to_lowercase()))
    } else if on("gotomeeting.com") || on("goto.com") {
        segs.iter().rev().find_map(|s| numeric_id(s, 9, 9))
    } else if host == "meet.jit.si" {
        segs.first().map(|room| format!("jitsi:{}", room.to_lowercase()))
    } else {
        None
    }
}

/// A plausible email address, trimmed, `mailto:` removed, domain lower-cased; `None` when it
/// does not look like one address.
pub fn normalize_email(raw: &str) -> Option<String> {
    let s = decode_amp(raw);
    let s = s.strip_prefix("mailto:").unwrap_or(&s).trim();
    let (local, domain) = s.rsplit_once('@')?;
    let local_ok = !local.is_empty() && local.len() <= 64 && !local.contains(['@', ' ', '<', '>', ',', ';', '"']);
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'));
    (local_ok && domain_ok).then(|| format!("{local}@{}", domain.to_lowercase()))
}

/// Query parameters that carry a passcode and are never kept.
pub(crate) const SECRET_PARAMS: [&str; 6] = ["pwd", "passcode", "password", "passwd", "pass", "pw"];

fn parse_http(raw: &str) -> Option<Url> {
    let cleaned = decode_amp(raw);
    let first = cleaned.split_whitespace().next()?;
    let with_scheme = add_scheme(first)?;
    let mut url = Url::parse(&with_scheme).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?;
    if !host.contains('.') && !host.starts_with('[') {
        return None;
    }
    let _ = url.set_username("");
    let _ = url.set_password(None);
    strip_secret_params(&mut url);
    if url.fragment().is_some_and(text::mentions_secret) {
        url.set_fragment(None);
    }
    Some(url)
}

/// URLs copied out of HTML carry `&amp;`; a full HTML decode would also turn "&reg" in
/// "&region=" into "®", so only the ampersand escapes are decoded.
fn decode_amp(raw: &str) -> String {
    raw.trim().replace("&amp;", "&").replace("&#38;", "&").replace("&#x26;", "&")
}

/// `https://` for bare hosts; `None` for other schemes (`javascript:`, `mailto:` ...).
fn add_scheme(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Some(s.to_owned());
    }
    if let Some(rest) = s.strip_prefix("//") {
        return Some(format!("https://{rest}"));
    }
    let host_part = s.split(['/', '?', '#']).next().unwrap_or_default();
    if let Some((before, after)) = host_part.split_once(':') {
        // "x.org:8080" is a host and port; "javascript:..." is a scheme.
        if !before.contains('.') || !after.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let looks_like_host = host_part.contains('.')
        && !host_part.contains('@')
        && host_part.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':'));
    looks_like_host.then(|| format!("https://{s}"))
}

fn strip_secret_params(url: &mut Url) {
    let teams = url.host_str().is_some_and(|h| h.contains("teams."));
    let is_secret = |k: &str| {
        let k = k.to_ascii_lowercase();
        SECRET_PARAMS.contains(&k.as_str()) || (teams && k == "p")
    };
    let Some(query) = url.query() else { return };
    if query.is_empty() {
        url.set_query(None);
        return;
    }
    if !url.query_pairs().any(|(k, _)| is_secret(&k)) {
        return;
    }
    let kept: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| !is_secret(k)).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
}

/// Parses a conference link, first removing mail-scanner redirect wrappers.
fn parse_conference(raw: &str) -> Option<Url> {
    let cleaned = decode_amp(raw);
    // urldefense v3 keeps the target verbatim between "/v3/__" and "__;".
    if let Some(start) = cleaned.find("urldefense.com/v3/__") {
        let inner = &cleaned[start + "urldefense.com/v3/__".len()..];
        let inner = inner.split("__;").next().unwrap_or(inner);
        return parse_http(inner);
    }
    let url = parse_http(&cleaned)?;
    let host = url.host_str().unwrap_or_default();
    let wrapped_param = if host.ends_with("safelinks.protection.outlook.com") {
        Some("url")
    } else if host.ends_with("google.com") && url.path() == "/url" {
        Some("q")
    } else {
        None
    };
    if let Some(param) = wrapped_param {
        let inner = url.query_pairs().find(|(k, _)| k == param).map(|(_, v)| v.into_owned());
        return inner.and_then(|i| parse_http(&i));
    }
    Some(url)
}

fn zoom_id(segs: &[&str]) -> Option<String> {
    match segs {
        ["my", vanity, ..] => Some(format!("zoom:my/{}", vanity.to_lowercase())),
        ["wc", "join", id, ..] | ["wc", id, ..] => numeric_id(id, 5, 13),
        ["j" | "s" | "w" | "join" | "d" | "meeting", id, ..] => numeric_id(id, 5, 13),
        [id, ..] => numeric_id(id, 9, 11),
        [] => None,
    }
}

fn meet_code(seg: &str) -> Option<String> {
    let letters: String = seg.chars().filter(|c| *c != '-').collect::<String>().to_lowercase();
    let ok = letters.len() == 10 && letters.chars().all(|c| c.is_ascii_lowercase());
    ok.then(|| format!("meet:{}-{}-{}", &letters[..3], &letters[3..7], &letters[7..]))
}

fn teams_id(segs: &[&str]) -> Option<String> {
    match segs {
        ["meet", id, ..] => numeric_id(id, 9, 16),
        ["l", "meetup-join", thread, ..] => {
            let decoded: String =
                url::form_urlencoded::parse(format!("t={thread}").as_bytes()).next().map(|(_, v)| v.into_owned())?;
            Some(format!("teams:{decoded}"))
        }
        _ => None,
    }
}

/// The trailing run of digits of a path segment, ignoring `-` `.` and spaces, when its length
/// is in `min..=max` ("921-7689-9954" -> "92176899954", "meetingid8648670500" -> "8648670500").
fn numeric_id(seg: &str, min: usize, max: usize) -> Option<String> {
    let compact: String = seg.chars().filter(|c| !matches!(c, '-' | '.' | ' ' | '+')).collect();
    let digits: String =
        compact.chars().rev().take_while(char::is_ascii_digit).collect::<Vec<_>>().into_iter().rev().collect();
    (min..=max).contains(&digits.len()).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_other_schemes_and_adds_https() {
        assert_eq!(normalize_url("javascript:alert(1)"), None);
        assert_eq!(normalize_url("data:text/html,hi"), None);
        assert_eq!(normalize_url("mailto:a@b.org"), None);
        assert_eq!(normalize_url("www.x.org").as_deref(), Some("https://www.x.org/"));
        assert_eq!(normalize_url("HTTP://X.org:80/a?b=1&amp;pwd=z").as_deref(), Some("http://x.org/a?b=1"));
    }

    #[test]
    fn zoom_ids_agree_across_forms() {
        for raw in [
            "https://zoom.us/j/123456789?pwd=abc",
            "https://us02web.zoom.us/j/123456789",
            "zoom.us/w/123456789#success",
            "https://us02web.zoom.us//j/123-456-789",
            "https://urldefense.com/v3/__https://us02web.zoom.us/j/123456789?pwd=x__;!!abc$",
            "https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fus02web.zoom.us%2Fj%2F123456789%3Fpwd%3Dx&amp;data=02",
        ] {
            assert_eq!(conference_id(raw).as_deref(), Some("123456789"), "{raw}");
            assert!(!conference_url(raw).unwrap_or_default().contains("pwd"), "{raw}");
        }
        assert_eq!(conference_id("https://zoom.us/my/SereneGroup").as_deref(), Some("zoom:my/serenegroup"));
        assert_eq!(conference_id("https://meet.google.com/pnm-zrde-iwu").as_deref(), Some("meet:pnm-zrde-iwu"));
        assert_eq!(conference_id("https://global.gotomeeting.com/join/513436317").as_deref(), Some("513436317"));
    }
}
