//! Postal addresses: country names to ISO codes, and one-line addresses split into parts.
//!
//! [`split_address`] reads the common "street, city, ST 12345, USA" (US/Canada), "street,
//! London WC2H 0EW, UK" and "street, 10119 Berlin, Germany" shapes. It never invents a part:
//! what it cannot place stays in `address`, and the caller keeps the original line as well.
//! Geocoding and postcode lookups are not done here.

use super::regions;

/// Parts of a postal address; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressParts {
    pub address: Option<String>,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub postcode: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
}

/// ISO 3166-1 alpha-2 code for a country as sources write it ("USA", "United States",
/// "U.S.A.", "UK", "Canada", "ca"...). With `allow_codes`, any two-letter code is accepted too
/// (use it for a dedicated country field, not for the last part of an address line, where "IL"
/// is a US state).
pub fn country_code(raw: &str, allow_codes: bool) -> Option<String> {
    let key: String = raw.trim().to_lowercase().chars().filter(|c| !matches!(c, '.' | ' ')).collect();
    let code = match key.as_str() {
        "usa" | "us" | "unitedstates" | "unitedstatesofamerica" | "america" => "US",
        "canada" => "CA",
        "uk" | "unitedkingdom" | "greatbritain" | "gb" | "england" | "scotland" | "wales" | "northernireland" => "GB",
        "ireland" | "éire" | "eire" => "IE",
        "australia" => "AU",
        "newzealand" => "NZ",
        "southafrica" => "ZA",
        "germany" | "deutschland" => "DE",
        "netherlands" | "thenetherlands" | "nederland" => "NL",
        "france" => "FR",
        "spain" | "españa" => "ES",
        "mexico" | "méxico" => "MX",
        "iceland" => "IS",
        "switzerland" => "CH",
        "belgium" => "BE",
        "israel" => "IL",
        "india" => "IN",
        "georgia" => "GE",
        "puertorico" => "PR",
        _ if allow_codes && key.len() == 2 && key.chars().all(|c| c.is_ascii_alphabetic()) => {
            return Some(key.to_ascii_uppercase());
        }
        _ => return None,
    };
    Some(code.to_owned())
}

/// Splits a one-line address. The country is read from the last part when it names one;
/// otherwise `default_country` decides which postcode shapes are looked for.
pub fn split_address(line: &str, default_country: Option<&str>) -> AddressParts {
    let mut parts: Vec<String> = line.split(',').map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
    let mut out = AddressParts::default();
    if let Some(code) = parts.last().and_then(|p| country_code(p, false)) {
        out.country = Some(code);
        parts.pop();
    } else if let Some(last) = parts.last_mut() {
        // "..., PA 19333 United States": the country glued to the last part.
        for (suffix, code) in [(" united states", "US"), (" usa", "US"), (" canada", "CA")] {
            if last.to_ascii_lowercase().ends_with(suffix) && last.len() > suffix.len() {
                last.truncate(last.len() - suffix.len());
                out.country = Some(code.to_owned());
                break;
            }
        }
    }
    let country = out.country.clone().or_else(|| default_country.map(str::to_ascii_uppercase));
    let last = parts.last().cloned().unwrap_or_default();
    let last_word = last.rsplit(' ').next().unwrap_or_default();
    match country.as_deref() {
        Some("US" | "CA" | "PR") => split_north_american(&mut parts, &mut out),
        Some("GB" | "IE") => split_trailing_postcode(&mut parts, &mut out),
        Some(_) => split_leading_postcode(&mut parts, &mut out),
        None if is_zip(last_word) || is_canadian_postcode(last_word) => split_north_american(&mut parts, &mut out),
        // "Philadelphia, PA": a town and a state or province code, written as codes are.
        None if parts.len() >= 2 && is_region_code(&last) => split_north_american(&mut parts, &mut out),
        None => {
            split_trailing_postcode(&mut parts, &mut out);
            if out.postcode.is_none() {
                split_leading_postcode(&mut parts, &mut out);
            }
        }
    }
    let found_something = out.country.is_some() || out.region.is_some() || out.postcode.is_some();
    if out.locality.is_none() {
        let lone_town = parts.len() == 1
            && found_something
            && parts.first().is_some_and(|p| !p.chars().any(|c| c.is_ascii_digit()));
        if parts.len() > 1 || lone_town {
            out.locality = parts.pop();
        }
    }
    out.address = (!parts.is_empty()).then(|| parts.join(", "));
    out
}

/// Two upper-case letters naming a US state or Canadian province ("PA", "ON").
fn is_region_code(part: &str) -> bool {
    part.len() == 2 && part.chars().all(|c| c.is_ascii_uppercase()) && regions::region_code(part).is_some()
}

/// A postcode written the usual way for its country: US ZIPs that lost their leading zeros as
/// JSON numbers are padded ("2713" -> "02713"); Canadian and UK codes are upper-cased with
/// their space ("t5m2k1" -> "T5M 2K1"). Blank or all-zero codes are no code.
pub fn normalize_postcode(raw: &str, country: Option<&str>) -> Option<String> {
    let pc = raw.trim();
    if pc.is_empty() || pc.chars().all(|c| c == '0' || c == ' ' || c == '-') {
        return None;
    }
    let compact: String = pc.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    Some(match country {
        Some("US") if (3..5).contains(&pc.len()) && pc.chars().all(|c| c.is_ascii_digit()) => format!("{pc:0>5}"),
        Some("CA") if is_canadian_postcode(&compact) => format!("{} {}", &compact[..3], &compact[3..]),
        Some("GB") if (5..=7).contains(&compact.len()) && compact.is_ascii() => {
            let (outward, inward) = compact.split_at(compact.len() - 3);
            let spaced = format!("{outward} {inward}");
            if is_uk_postcode(&spaced) {
                spaced
            } else {
                pc.to_owned()
            }
        }
        _ => pc.to_owned(),
    })
}

/// "..., Woodlyn, PA 19094" / "..., Edmonton, Alberta, T6E 4E8" / "..., Cranbrook, BC V1C 5X1"
/// / "2632 Dickinson St. Philadelphia PA 19146" / "..., Devon, PA 19333 United States".
fn split_north_american(parts: &mut Vec<String>, out: &mut AddressParts) {
    if parts.last().is_some_and(|p| is_zip(p) || is_canadian_postcode(p)) {
        out.postcode = parts.pop();
    }
    let Some(last) = parts.last().cloned() else { return };
    let mut words: Vec<&str> = last.split_whitespace().collect();
    let mut code = None;
    if words.last().is_some_and(|w| is_zip(w)) {
        code = words.pop().map(str::to_owned);
    } else if words.len() >= 2 && is_canadian_postcode(&words[words.len() - 2..].join(" ")) {
        code = Some(words.split_off(words.len() - 2).join(" "));
    }
    if code.is_none() && parts.len() < 2 {
        // "California, USA": a lone region.
        if let Some(region) = regions::region_code(&last) {
            out.region = Some(region.to_owned());
            parts.pop();
        }
        return;
    }
    // The region is the last one to three words ("PA", "Alberta", "New York").
    let region = (1..=3.min(words.len())).rev().find_map(|n| {
        let candidate = words[words.len() - n..].join(" ");
        regions::region_code(&candidate).map(|r| (n, r))
    });
    match region {
        Some((n, region)) => {
            words.truncate(words.len() - n);
            out.region = Some(region.to_owned());
        }
        None if code.is_none() => return,
        None => {}
    }
    if code.is_some() {
        out.postcode = code;
    }
    parts.pop();
    if !words.is_empty() {
        parts.push(words.join(" "));
    }
}

/// "..., London WC2H 0EW" (UK postcode after the town).
fn split_trailing_postcode(parts: &mut Vec<String>, out: &mut AddressParts) {
    let Some(last) = parts.last().cloned() else { return };
    let words: Vec<&str> = last.split_whitespace().collect();
    if words.len() >= 2 {
        let pc = words[words.len() - 2..].join(" ");
        if is_uk_postcode(&pc) {
            out.postcode = Some(pc.to_ascii_uppercase());
            let town = words[..words.len() - 2].join(" ");
            parts.pop();
            if !town.is_empty() {
                out.locality = Some(town);
            }
        }
    }
}

/// "..., 10119 Berlin" / "..., 5612 EK Eindhoven" / "..., Cape Town, 7975".
fn split_leading_postcode(parts: &mut Vec<String>, out: &mut AddressParts) {
    if parts.len() > 1
        && parts.last().is_some_and(|p| (4..=6).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()))
    {
        out.postcode = parts.pop();
        return;
    }
    let Some(idx) = parts.iter().rposition(|p| leading_postcode(p).is_some()) else { return };
    if idx == 0 {
        return;
    }
    if let Some((pc, town)) = parts.get(idx).and_then(|p| leading_postcode(p)) {
        out.postcode = Some(pc);
        out.locality = Some(town);
        let after = parts.split_off(idx);
        out.region = after.get(1..).filter(|r| !r.is_empty()).map(|r| r.join(", "));
        parts.truncate(idx);
    }
}

fn leading_postcode(part: &str) -> Option<(String, String)> {
    let words: Vec<&str> = part.split_whitespace().collect();
    let first = words.first()?;
    if !(4..=5).contains(&first.len()) || !first.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // Dutch postcodes have two letters after the digits: "5612 EK".
    let (pc, rest) = match words.get(1) {
        Some(w) if w.len() == 2 && w.chars().all(|c| c.is_ascii_uppercase()) && words.len() > 2 => {
            (format!("{first} {w}"), &words[2..])
        }
        _ => (first.to_string(), &words[1..]),
    };
    (!rest.is_empty()).then(|| (pc, rest.join(" ")))
}

fn is_zip(s: &str) -> bool {
    let b = s.as_bytes();
    let five = |x: &[u8]| x.len() == 5 && x.iter().all(u8::is_ascii_digit);
    five(b) || (b.len() == 10 && five(&b[..5]) && b[5] == b'-' && b[6..].iter().all(u8::is_ascii_digit))
}

fn is_canadian_postcode(s: &str) -> bool {
    let c: Vec<char> = s.chars().filter(|c| *c != ' ').collect();
    c.len() == 6
        && c.iter().enumerate().all(|(i, ch)| if i % 2 == 0 { ch.is_ascii_uppercase() } else { ch.is_ascii_digit() })
}

/// "WC2H 0EW", "SS9 2AJ", "M1 1AE": outward code then digit + two letters.
fn is_uk_postcode(s: &str) -> bool {
    let Some((outward, inward)) = s.split_once(' ') else { return false };
    let inward: Vec<char> = inward.chars().collect();
    let inward_ok = matches!(inward.as_slice(), [d, a, b] if d.is_ascii_digit() && a.is_ascii_alphabetic() && b.is_ascii_alphabetic());
    (2..=4).contains(&outward.len())
        && outward.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && outward.chars().all(|c| c.is_ascii_alphanumeric())
        && outward.chars().any(|c| c.is_ascii_digit())
        && inward_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (address, locality, region, postcode, country)
    type Parts = (Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);

    fn parts(line: &str) -> Parts {
        let p = split_address(line, None);
        (p.address, p.locality, p.region, p.postcode, p.country)
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    #[test]
    fn common_shapes() {
        assert_eq!(
            parts("1937 MacDade Boulevard, Woodlyn, PA 19094, USA"),
            (s("1937 MacDade Boulevard"), s("Woodlyn"), s("PA"), s("19094"), s("US"))
        );
        assert_eq!(parts("Philadelphia, PA, USA"), (None, s("Philadelphia"), s("PA"), None, s("US")));
        assert_eq!(parts("Philadelphia, PA"), (None, s("Philadelphia"), s("PA"), None, None));
        assert_eq!(parts("12 Main St, Lewes, ON"), (s("12 Main St"), s("Lewes"), s("ON"), None, None));
        assert_eq!(parts("Main Street, Exampletown"), (s("Main Street"), s("Exampletown"), None, None, None));
        assert_eq!(
            parts("8318 104 St, Edmonton, Alberta, T6E 4E8, Canada"),
            (s("8318 104 St"), s("Edmonton"), s("AB"), s("T6E 4E8"), s("CA"))
        );
        assert_eq!(
            parts("2632 Dickinson St. Philadelphia PA 19146"),
            (s("2632 Dickinson St. Philadelphia"), None, s("PA"), s("19146"), None)
        );
        assert_eq!(
            parts("217 Berkley Rd Devon, PA 19333 United States"),
            (s("217 Berkley Rd Devon"), None, s("PA"), s("19333"), s("US"))
        );
        assert_eq!(
            parts("125 Charing Cross Rd, London WC2H 0EW, UK"),
            (s("125 Charing Cross Rd"), s("London"), None, s("WC2H 0EW"), s("GB"))
        );
        assert_eq!(
            parts("Fehrbelliner Str. 92, 10119 Berlin, Germany"),
            (s("Fehrbelliner Str. 92"), s("Berlin"), None, s("10119"), s("DE"))
        );
        assert_eq!(parts("United States"), (None, None, None, None, s("US")));
        assert_eq!(parts("California, USA"), (None, None, s("CA"), None, s("US")));
        assert_eq!(parts("London, UK"), (None, s("London"), None, None, s("GB")));
        assert_eq!(normalize_postcode("2713", Some("US")).as_deref(), Some("02713"));
        assert_eq!(normalize_postcode("t5m2k1", Some("CA")).as_deref(), Some("T5M 2K1"));
        assert_eq!(normalize_postcode("wc2h0ew", Some("GB")).as_deref(), Some("WC2H 0EW"));
        assert_eq!(normalize_postcode("0", Some("US")), None);
    }
}
