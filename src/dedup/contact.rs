//! Contact points as matching evidence: a group's own email, phone and website, written the
//! same way whichever directory listed them.
//!
//! A phone keeps its last ten digits (so "+1 (302) 555-0100" and "302.555.0100" agree); an
//! email is lower-cased; a website is its host without "www.", plus the first path segment on
//! hosts that hold many groups' pages (facebook.com/seasidegroup, meetup.com/...), since the
//! host alone says nothing there.

use importers::Contact;

/// Hosts where the first path segment names the group.
const SHARED_HOSTS: &[&str] = &[
    "facebook.com",
    "m.facebook.com",
    "meetup.com",
    "eventbrite.com",
    "eventbrite.co.uk",
    "sites.google.com",
    "linktr.ee",
    "instagram.com",
    "groups.io",
    "twitter.com",
    "x.com",
];

/// "email:…", "phone:…" and "web:…" keys of a listing's contact points.
pub fn keys(c: &Contact) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(e) = c.email.as_deref().map(|e| e.trim().to_lowercase()).filter(|e| e.contains('@')) {
        out.push(format!("email:{e}"));
    }
    if let Some(p) = c.phone.as_deref().and_then(phone) {
        out.push(format!("phone:{p}"));
    }
    if let Some(w) = c.website.as_deref().and_then(website) {
        out.push(format!("web:{w}"));
    }
    out
}

/// The last ten digits of the number (without an extension, which the importers write as
/// `;ext=12`), when there are at least seven.
fn phone(raw: &str) -> Option<String> {
    let number = raw.split(';').next().unwrap_or_default();
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 7).then(|| digits[digits.len().saturating_sub(10)..].iter().collect())
}

fn website(raw: &str) -> Option<String> {
    let url = url::Url::parse(raw.trim()).or_else(|_| url::Url::parse(&format!("https://{}", raw.trim()))).ok()?;
    let host = url.host_str()?.trim_start_matches("www.").to_lowercase();
    if !host.contains('.') {
        return None;
    }
    if SHARED_HOSTS.contains(&host.as_str()) {
        let first = url.path_segments()?.find(|s| !s.is_empty())?.to_lowercase();
        return Some(format!("{host}/{first}"));
    }
    Some(host)
}

/// What two listings' contact points share, in words ("the same phone (3025550100)").
pub fn shared(a: &[String], b: &[String]) -> Option<String> {
    let k = a.iter().find(|k| b.contains(k))?;
    let (kind, value) = k.split_once(':')?;
    let what = match kind {
        "email" => "email",
        "phone" => "phone",
        _ => "website",
    };
    Some(format!("same contact {what} ({value})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(email: Option<&str>, phone: Option<&str>, website: Option<&str>) -> Contact {
        Contact { email: email.map(Into::into), phone: phone.map(Into::into), website: website.map(Into::into) }
    }

    #[test]
    fn the_same_contact_written_two_ways_agrees() {
        let a =
            keys(&contact(Some("Seaside@Example.org "), Some("+1 (302) 555-0100"), Some("https://www.seaside.org/")));
        let b = keys(&contact(Some("seaside@example.org"), Some("302.555.0100;ext=12"), Some("seaside.org/meetings")));
        assert_eq!(a, b);
        assert_eq!(shared(&a, &b).as_deref(), Some("same contact email (seaside@example.org)"));
    }

    #[test]
    fn a_page_on_a_shared_host_is_told_apart_by_its_path() {
        let a = keys(&contact(None, None, Some("https://facebook.com/seasidegroup")));
        let b = keys(&contact(None, None, Some("https://www.facebook.com/othergroup")));
        assert_eq!(a, vec!["web:facebook.com/seasidegroup".to_owned()]);
        assert_eq!(shared(&a, &b), None);
        assert!(keys(&contact(None, Some("ext 12"), Some("not a url"))).is_empty());
    }
}
