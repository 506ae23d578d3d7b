//! Members' personal contact details inside free text, found and left out.
//!
//! Notes in flat exports often say "For more info contact David L. @ 575-706-1713": a member's
//! name and own phone, which must never be copied. [`without_personal_contacts`] drops each
//! sentence that gives a phone number or email address together with a person's name
//! ("David L.") or an invitation to call someone, and keeps public numbers ("District Hotline
//! (575) 430-9502", "24-Hour Phone Service"), and a person's own address at a mailbox provider
//! ("jane.doe@gmail.com") wherever it is. `crate::finish` runs it on every listing's free
//! text, whatever the format, and reports what it removed. Sanitising markup is `text`'s job; passcodes
//! are `text::redact_secrets`'.

/// The text without the sentences that hold a member's contact details; `None` when nothing
/// is left. Line breaks are kept.
pub fn without_personal_contacts(text: &str) -> Option<String> {
    remove_personal_contacts(text).0
}

/// As [`without_personal_contacts`], with the number of sentences removed (0: the text is
/// returned as it was, trimmed).
pub fn remove_personal_contacts(text: &str) -> (Option<String>, usize) {
    let mut removed = 0;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let all = sentences(line);
            let kept: Vec<&str> = all.iter().copied().filter(|s| !is_personal_contact(s)).collect();
            if kept.len() == all.len() {
                return line.to_owned();
            }
            removed += all.len() - kept.len();
            kept.join(" ").trim().to_owned()
        })
        .collect();
    let joined = lines.join("\n");
    let trimmed = joined.trim();
    ((!trimmed.is_empty()).then(|| trimmed.to_owned()), removed)
}

/// True when the sentence gives a way to reach someone (phone, email) and names a person or
/// asks to call someone, without saying it is a public line.
pub fn is_personal_contact(sentence: &str) -> bool {
    if has_personal_email(sentence) {
        return true;
    }
    if !has_phone(sentence) && !has_email(sentence) {
        return false;
    }
    let words: Vec<String> =
        sentence.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    let cue = has(&["contact", "call", "llame", "llamar", "llamen", "ask", "text", "sponsor", "ring"]);
    let public = has(&["hotline", "helpline", "intergroup", "office", "service", "answering", "district", "area"]);
    names_a_person(sentence) || (cue && !public)
}

/// Splits a line after `.`, `!`, `?` or `;` followed by a space, except after an initial
/// ("David L.") or a common abbreviation ("St.", "Ave.").
fn sentences(line: &str) -> Vec<&str> {
    const ABBREVIATIONS: [&str; 16] =
        ["st", "dr", "ave", "mr", "mrs", "ms", "rd", "no", "ste", "blvd", "rm", "fl", "jr", "sr", "apt", "mt"];
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        let followed_by_space = chars.get(i + 1).is_some_and(|(_, n)| n.is_whitespace());
        if !matches!(c, '.' | '!' | '?' | ';') || !followed_by_space {
            continue;
        }
        let before = line.get(start..at).unwrap_or_default();
        let word = before.rsplit(|ch: char| !ch.is_alphanumeric()).next().unwrap_or_default();
        let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
        if c == '.' && (initial || ABBREVIATIONS.contains(&word.to_lowercase().as_str())) {
            continue;
        }
        let end = at + c.len_utf8();
        out.push(line.get(start..end).unwrap_or_default().trim());
        start = end;
    }
    out.push(line.get(start..).unwrap_or_default().trim());
    out.retain(|s| !s.is_empty());
    out
}

/// A run of digits and phone punctuation with at least 7 digits.
fn has_phone(text: &str) -> bool {
    let mut digits = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            if digits >= 7 {
                return true;
            }
        } else if !matches!(c, ' ' | '-' | '.' | '(' | ')' | '+') {
            digits = 0;
        }
    }
    false
}

fn has_email(text: &str) -> bool {
    text.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-')
        })
    })
}

/// An address at a personal mailbox provider whose local part is a person's name
/// ("jane.doe@gmail.com", "j_smith@hotmail.co.uk"): first and last name joined by `.` or `_`.
fn has_personal_email(text: &str) -> bool {
    const WEBMAIL: [&str; 12] = [
        "gmail",
        "googlemail",
        "yahoo",
        "hotmail",
        "outlook",
        "live",
        "aol",
        "icloud",
        "me",
        "msn",
        "btinternet",
        "proton",
    ];
    text.split_whitespace().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        let Some((local, domain)) = w.split_once('@') else { return false };
        let provider = domain.split('.').next().unwrap_or_default().to_ascii_lowercase();
        let parts: Vec<&str> = local.split(['.', '_']).collect();
        WEBMAIL.contains(&provider.as_str())
            && parts.len() == 2
            && parts.iter().all(|p| !p.is_empty() && p.chars().all(char::is_alphabetic))
    })
}

/// "David L." or "Mike P.@": a capitalised first name, then one capital initial and a dot.
fn names_a_person(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).any(|pair| {
        let (first, second) = (pair[0], pair[1]);
        let mut name = first.chars();
        let name_ok =
            name.next().is_some_and(char::is_uppercase) && first.chars().count() >= 2 && name.all(char::is_lowercase);
        let mut init = second.chars();
        let initial_ok = init.next().is_some_and(|c| c.is_ascii_uppercase()) && init.next() == Some('.');
        name_ok && initial_ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_members_and_keeps_public_lines() {
        let notes = "Para information en Espanol llame a David L. @ 575-706-1713. Wheelchair accessible. \
                     For more info contact David L.@ 575-706-1713 or Jim H. @ 575-885-9604";
        assert_eq!(without_personal_contacts(notes).as_deref(), Some("Wheelchair accessible."));
        let public = "AA Literature Study; District Hotline (575) 430-9502\n24-Hour Phone Service - (505)397-7009";
        assert_eq!(without_personal_contacts(public).as_deref(), Some(public));
        let fellowship = "The contact for the FELLOWSHIP GROUP is Mike P.@763-1642 or 763-0560.";
        assert_eq!(without_personal_contacts(fellowship), None);
        assert!(is_personal_contact("Contact for DRY DOCK AA: Bobby D. @ 487-0425"));
        assert!(!is_personal_contact("Meets at St. Mark's, 1st floor. Sun.7:30pm Step"));
        assert!(is_personal_contact("Call Sarah on 07700 900123"));
        assert!(is_personal_contact("Questions? jane.doe@gmail.com"));
        assert!(!is_personal_contact("Write to the group at stepsgroup@gmail.com"));
        let text = "Open to all. Call Sarah on 07700 900123. Bring a friend.";
        assert_eq!(remove_personal_contacts(text), (Some("Open to all. Bring a friend.".to_owned()), 1));
    }
}
