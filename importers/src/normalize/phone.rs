//! Phone numbers and one-tap dial strings, without a numbering-plan database.
//!
//! Numbers become E.164 (`+16465588656`) when that is certain from a leading `+`, a `00`/`011`
//! prefix or a known default country; otherwise the cleaned digits. Dial strings
//! (`+16465588656,,123456789#,,#,,4321#`) keep only the number and the meeting id: later parts
//! are usually passcodes and are never kept. Which country to assume is the caller's call.

/// Normalises a phone number. `default_country` is ISO 3166-1 alpha-2 ("US", "GB").
/// Returns E.164 when confidently possible, else the digits (with `+` when given); an
/// extension is kept as `;ext=123`. Anything after a `,` `#` or `*` is dropped; use
/// [`conference_phone`] for dial strings. Invalid (letters, too few or too many digits): `None`.
pub fn normalize_phone(raw: &str, default_country: Option<&str>) -> Option<String> {
    let (number, _) = split_dial(raw);
    let (number, ext) = split_extension(number);
    let mut e164 = to_e164(number, default_country)?;
    if let Some(ext) = ext {
        e164.push_str(";ext=");
        e164.push_str(&ext);
    }
    Some(e164)
}

/// A conference dial string reduced to what is safe to store: the number, then `,,<id>#`
/// when a meeting id follows. Passcode and participant parts are dropped.
pub fn conference_phone(raw: &str, default_country: Option<&str>) -> Option<String> {
    let (number, _) = split_dial(raw);
    let mut out = to_e164(number, default_country)?;
    if let Some(id) = dial_meeting_id(raw) {
        out.push_str(",,");
        out.push_str(&id);
        out.push('#');
    }
    Some(out)
}

/// The conference meeting id in a one-tap dial string: the first group of digits after the
/// number ("+16465588656,,123456789#" -> "123456789"). Needs 5 to 13 digits.
pub fn dial_meeting_id(raw: &str) -> Option<String> {
    let (_, rest) = split_dial(raw);
    let token = rest.split([',', ';']).map(str::trim).find(|t| !t.is_empty())?;
    let digits: String = token.chars().take_while(|c| c.is_ascii_digit()).collect();
    let next = token.chars().nth(digits.len());
    let terminated = next.is_none_or(|c| c == '#');
    ((5..=13).contains(&digits.len()) && terminated).then_some(digits)
}

/// The international calling code and whether the national trunk prefix `0` is dropped,
/// for the few countries this crate knows.
fn calling_code(country: &str) -> Option<(&'static str, bool)> {
    Some(match country.trim().to_ascii_uppercase().as_str() {
        "US" | "CA" | "PR" | "VI" | "GU" => ("1", false),
        "GB" | "UK" => ("44", true),
        "IE" => ("353", true),
        "AU" => ("61", true),
        "NZ" => ("64", true),
        "ZA" => ("27", true),
        "DE" => ("49", true),
        "NL" => ("31", true),
        "FR" => ("33", true),
        _ => return None,
    })
}

/// Splits "number,,dial#parts" at the first `,` `;` `#` `*` (a `;ext=` stays with the number).
fn split_dial(raw: &str) -> (&str, &str) {
    let raw = raw.trim();
    let raw = raw.strip_prefix("tel:").unwrap_or(raw);
    let lower = raw.to_ascii_lowercase();
    let cut = raw
        .char_indices()
        .find(|(i, c)| matches!(c, ',' | '#' | '*') || (*c == ';' && !lower[*i..].starts_with(";ext")))
        .map_or(raw.len(), |(i, _)| i);
    raw.split_at(cut)
}

/// "555-1234 ext. 12" / "x12" / ";ext=12" -> ("555-1234", Some("12")).
fn split_extension(number: &str) -> (&str, Option<String>) {
    let lower = number.to_ascii_lowercase();
    for marker in ["extension", ";ext=", "ext.", "ext", "x"] {
        let Some(i) = lower.rfind(marker) else { continue };
        let ext: String = lower[i + marker.len()..].chars().filter(|c| !matches!(c, ' ' | '.' | ':' | '=')).collect();
        if !ext.is_empty() && ext.len() <= 6 && ext.chars().all(|c| c.is_ascii_digit()) {
            return (&number[..i], Some(ext));
        }
    }
    (number, None)
}

fn to_e164(number: &str, default_country: Option<&str>) -> Option<String> {
    let number = number.trim();
    let plus = number.starts_with('+');
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}');
    let body = number.strip_prefix('+').unwrap_or(number);
    if body.is_empty() || !body.chars().all(allowed) {
        return None;
    }
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    let country = default_country.and_then(calling_code);
    if plus {
        return valid_international(&digits);
    }
    if let Some(intl) = digits.strip_prefix("00") {
        return valid_international(intl);
    }
    match country {
        Some(("1", _)) => {
            if let Some(intl) = digits.strip_prefix("011") {
                return valid_international(intl);
            }
            let national = match digits.len() {
                10 => digits.as_str(),
                11 => digits.strip_prefix('1')?,
                _ => return plain_digits(digits),
            };
            let area_ok = national.chars().next().is_some_and(|c| ('2'..='9').contains(&c));
            if area_ok {
                Some(format!("+1{national}"))
            } else {
                None
            }
        }
        Some((code, trunk)) => {
            if let Some(rest) = digits.strip_prefix(code).filter(|r| r.len() >= 8) {
                return valid_international(&format!("{code}{rest}"));
            }
            match digits.strip_prefix('0') {
                Some(national) if trunk && national.len() >= 7 => valid_international(&format!("{code}{national}")),
                _ => plain_digits(digits),
            }
        }
        None => plain_digits(digits),
    }
}

fn valid_international(digits: &str) -> Option<String> {
    let ok = (8..=15).contains(&digits.len()) && !digits.starts_with('0');
    ok.then(|| format!("+{digits}"))
}

fn plain_digits(digits: String) -> Option<String> {
    (7..=15).contains(&digits.len()).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn north_american_and_uk_numbers() {
        assert_eq!(normalize_phone("(646) 558-8656", Some("US")).as_deref(), Some("+16465588656"));
        assert_eq!(normalize_phone("1-646-558-8656", Some("CA")).as_deref(), Some("+16465588656"));
        assert_eq!(normalize_phone("020 7946 0018", Some("GB")).as_deref(), Some("+442079460018"));
        assert_eq!(normalize_phone("555 0100 x12", None).as_deref(), Some("5550100;ext=12"));
        assert_eq!(normalize_phone("call me", Some("US")), None);
        assert_eq!(normalize_phone("+1", None), None);
    }

    #[test]
    fn dial_strings_keep_only_number_and_id() {
        let raw = "+16465588656,,123456789#,,#,,4321#";
        assert_eq!(dial_meeting_id(raw).as_deref(), Some("123456789"));
        assert_eq!(conference_phone(raw, None).as_deref(), Some("+16465588656,,123456789#"));
        assert_eq!(dial_meeting_id("+16465588656,,#,,#"), None);
    }
}
