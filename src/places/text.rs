//! Folding names for comparison, and the shapes of postcodes and ZIPs.
//!
//! [`fold`] is the one comparison form of every name here: lower case, Latin accents off
//! ("Zürich" -> "zurich", "Łódź" -> "lodz"), apostrophes dropped ("St John's" -> "st johns"),
//! any other punctuation a space, runs of spaces one. [`code_shape`] says whether a query is
//! written like a US ZIP, a UK or Canadian postcode or a postcode district, in any spacing.

/// The comparison form of a name (see the module doc).
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if is_dropped(c) {
            continue;
        }
        if !c.is_alphanumeric() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        push_folded(c, &mut out);
    }
    out
}

/// Apostrophes and combining marks vanish inside a word instead of splitting it.
fn is_dropped(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{02BB}' | '`' | '\u{00B4}')
        || ('\u{0300}'..='\u{036F}').contains(&c)
}

/// ASCII folds of U+00C0..=U+017F (Latin-1 Supplement letters and Latin Extended-A), in order;
/// "" for the two signs in that range (× and ÷), which become spaces.
#[rustfmt::skip]
static LATIN: [&str; 192] = [
    // U+00C0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
    // U+0100
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
];

fn push_folded(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let code = c as u32;
    match code {
        0xC0..=0x17F => out.push_str(LATIN[(code - 0xC0) as usize]),
        // Romanian comma-below letters.
        0x218 | 0x219 => out.push('s'),
        0x21A | 0x21B => out.push('t'),
        _ => out.extend(c.to_lowercase()),
    }
}

/// Spelling variants of a folded name to try when the name itself is unknown: "st" and
/// "saint", "ste" and "sainte", "mt" and "mount", "ft" and "fort", as the first word.
pub(crate) fn variants(folded: &str) -> Vec<String> {
    const PAIRS: [(&str, &str); 4] = [("st", "saint"), ("ste", "sainte"), ("mt", "mount"), ("ft", "fort")];
    let (first, rest) = folded.split_once(' ').unwrap_or((folded, ""));
    if rest.is_empty() {
        return Vec::new();
    }
    PAIRS
        .iter()
        .filter_map(|(short, long)| match first {
            f if f == *short => Some(format!("{long} {rest}")),
            f if f == *long => Some(format!("{short} {rest}")),
            _ => None,
        })
        .collect()
}

/// How a query is written when it is a code rather than a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CodeShape {
    /// Five digits, or ZIP+4 (kept as its five-digit ZIP).
    Zip(String),
    /// A full UK ("SW1A 1AA") or Canadian ("T5J 0N3") postcode: the compact key, the spaced
    /// form, and the outward part (UK outcode or Canadian FSA) to fall back to.
    Full { key: String, display: String, outward: String },
    /// A UK outcode ("SW1A", "LS1") or Canadian FSA ("T5J") on its own.
    Outward(String),
    /// Something else with digits in it ("2000", "10119"): looked up only as written.
    Other(String),
}

/// The code a query is written as, if it looks like one: at most 10 letters and digits with
/// at least one digit, and nothing but spaces and hyphens besides.
pub(crate) fn code_shape(query: &str) -> Option<CodeShape> {
    if !query.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-') {
        return None;
    }
    let compact: String = query.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_uppercase();
    if compact.len() < 2 || compact.len() > 10 || !compact.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    if compact.chars().all(|c| c.is_ascii_digit()) {
        return Some(match compact.len() {
            5 | 9 => CodeShape::Zip(compact[..5].to_owned()),
            _ => CodeShape::Other(compact),
        });
    }
    if let Some((outward, inward)) = split_uk(&compact) {
        let display = format!("{outward} {inward}");
        return Some(CodeShape::Full { outward: outward.to_owned(), key: compact, display });
    }
    if is_canadian(&compact) {
        let display = format!("{} {}", &compact[..3], &compact[3..]);
        return Some(CodeShape::Full { outward: compact[..3].to_owned(), key: compact, display });
    }
    if is_uk_outward(&compact) {
        return Some(CodeShape::Outward(compact));
    }
    Some(CodeShape::Other(compact))
}

/// A compact UK postcode split into outward and inward code: "SW1A1AA" -> ("SW1A", "1AA").
fn split_uk(compact: &str) -> Option<(&str, &str)> {
    if !(5..=7).contains(&compact.len()) {
        return None;
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    let i = inward.as_bytes();
    let inward_ok = i[0].is_ascii_digit() && i[1].is_ascii_alphabetic() && i[2].is_ascii_alphabetic();
    (inward_ok && is_uk_outward(outward)).then_some((outward, inward))
}

/// A UK outward code: A9, A99, AA9, AA99, A9A or AA9A (A a letter, 9 a digit).
fn is_uk_outward(s: &str) -> bool {
    let pattern: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                '9'
            } else if c.is_ascii_alphabetic() {
                'A'
            } else {
                '?'
            }
        })
        .collect();
    matches!(pattern.as_str(), "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A")
}

/// A compact Canadian postcode: letter, digit, letter, digit, letter, digit.
fn is_canadian(compact: &str) -> bool {
    compact.len() == 6
        && compact
            .bytes()
            .enumerate()
            .all(|(i, b)| if i % 2 == 0 { b.is_ascii_alphabetic() } else { b.is_ascii_digit() })
}

/// What kind of code a listing's postcode is, as (compact key, display, kind) entries to learn:
/// a full UK or Canadian postcode gives its outward code too. `country` is the listing's ISO
/// code; without one the shape decides.
pub(crate) fn learnable_codes(raw: &str, country: Option<&str>) -> Vec<(String, String, super::PlaceKind)> {
    use super::PlaceKind;
    let Some(shape) = code_shape(raw.trim()) else { return Vec::new() };
    let north_american = matches!(country, None | Some("US" | "PR" | "VI" | "GU"));
    match shape {
        CodeShape::Zip(zip) if north_american => vec![(zip.clone(), zip, PlaceKind::Zip)],
        CodeShape::Full { key, display, outward }
            if country.is_none_or(|c| matches!(c, "GB" | "CA" | "IM" | "JE" | "GG")) =>
        {
            vec![(key, display, PlaceKind::Postcode), (outward.clone(), outward, PlaceKind::Outcode)]
        }
        CodeShape::Outward(code) if country.is_none_or(|c| matches!(c, "GB" | "CA" | "IM" | "JE" | "GG")) => {
            vec![(code.clone(), code, PlaceKind::Outcode)]
        }
        // Another country's code ("10119" in Germany): kept as written, compact.
        _ if !north_american => {
            let compact: String =
                raw.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_uppercase();
            let display = raw.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_uppercase();
            vec![(compact, display, PlaceKind::Postcode)]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding() {
        assert_eq!(fold("Zürich"), "zurich");
        assert_eq!(fold("  ZURICH "), "zurich");
        assert_eq!(fold("Montréal"), "montreal");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("St. John's"), "st johns");
        assert_eq!(fold("Stoke-on-Trent"), "stoke on trent");
        assert_eq!(fold("Zu\u{0308}rich"), "zurich", "a combining diaeresis is dropped");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Ørsted"), "orsted");
    }

    #[test]
    fn shapes() {
        let full = |key: &str, display: &str, outward: &str| CodeShape::Full {
            key: key.into(),
            display: display.into(),
            outward: outward.into(),
        };
        for q in ["sw1a1aa", "SW1A 1AA", " sw1a   1aa ", "SW1A-1AA"] {
            assert_eq!(code_shape(q.trim()), Some(full("SW1A1AA", "SW1A 1AA", "SW1A")), "{q}");
        }
        assert_eq!(code_shape("m11ae"), Some(full("M11AE", "M1 1AE", "M1")));
        assert_eq!(code_shape("t5j0n3"), Some(full("T5J0N3", "T5J 0N3", "T5J")));
        assert_eq!(code_shape("SW1A"), Some(CodeShape::Outward("SW1A".into())));
        assert_eq!(code_shape("dn15"), Some(CodeShape::Outward("DN15".into())));
        assert_eq!(code_shape("19103"), Some(CodeShape::Zip("19103".into())));
        assert_eq!(code_shape("19103-1234"), Some(CodeShape::Zip("19103".into())));
        assert_eq!(code_shape("19103 1234"), Some(CodeShape::Zip("19103".into())));
        assert_eq!(code_shape("2000"), Some(CodeShape::Other("2000".into())));
        assert_eq!(code_shape("Leeds"), None);
        assert_eq!(code_shape("Philadelphia, PA"), None);
    }

    #[test]
    fn saint_and_st() {
        assert_eq!(variants("st albert"), vec!["saint albert"]);
        assert_eq!(variants("saint paul"), vec!["st paul"]);
        assert!(variants("leeds").is_empty());
    }
}
