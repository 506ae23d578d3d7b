//! How much of a source value a `Listing` keeps: the longest text per field, the most items
//! per list, and the most bytes of one spreadsheet cell that are read at all.
//!
//! The caps are generous for real listings (the longest names in the fixtures are under 100
//! characters, the longest notes under 2,000) and small enough that a hostile or broken feed
//! cannot make the service store and serve megabytes per listing. Applying them to every
//! listing, with a problem per cut, is `crate::finish`'s job; this file only says how much and
//! how to cut.

/// Longest external id; a longer one keeps this many characters plus a hash of the whole.
pub const ID: usize = 256;
/// Names of groups, organisations, venues; the group name a meeting belongs to.
pub const NAME: usize = 200;
/// Free text: descriptions, location and online notes.
pub const NOTES: usize = 4_000;
/// One address line, a locality, a region; a cost phrase.
pub const ADDRESS: usize = 300;
/// The one-line formatted address.
pub const FORMATTED_ADDRESS: usize = 500;
/// Short codes: postcodes, countries, type codes, language tags, time zones.
pub const CODE: usize = 100;
/// URLs (website, listing page, join link): a longer one is dropped, never cut.
pub const URL: usize = 2_048;
/// Emails (RFC 5321's path limit) and phone numbers: a longer one is dropped.
pub const EMAIL: usize = 254;
pub const PHONE: usize = 64;
/// The rule text on a topic tag.
pub const RULE: usize = 200;

/// List fields: the most items kept, in the order the parser gave them.
pub const TOPICS: usize = 50;
pub const CODES: usize = 50;
pub const LANGUAGES: usize = 20;
pub const MEETINGS: usize = 100;
pub const AUDIENCE: usize = 20;
pub const ACCESSIBILITY: usize = 20;
/// Weeks of a monthly recurrence (1..=5 and -1 make sense).
pub const WEEKS: usize = 6;

/// The most bytes of one delimited cell that are read (a larger cell is cut, with a problem,
/// before any field is made from it): well above every text cap, so the cap's problem still
/// names the field.
pub const CELL_BYTES: usize = 65_536;

/// Cuts `text` to at most `max` characters, on a character boundary; the number of characters
/// it had when it was cut, `None` when it fitted.
pub fn cut_chars(text: &mut String, max: usize) -> Option<usize> {
    let (at, _) = text.char_indices().nth(max)?;
    let total = max + text.get(at..).map_or(0, |rest| rest.chars().count());
    text.truncate(at);
    Some(total)
}

/// The longest prefix of `bytes` of at most `max` bytes that does not split a UTF-8
/// sequence (invalid bytes are the decoder's business).
pub fn cut_bytes(bytes: &[u8], max: usize) -> &[u8] {
    if bytes.len() <= max {
        return bytes;
    }
    let mut end = max;
    // Back off continuation bytes (10xxxxxx) so a multi-byte character is not split.
    while end > 0 && bytes.get(end).is_some_and(|b| b & 0xC0 == 0x80) {
        end -= 1;
    }
    bytes.get(..end).unwrap_or_default()
}

/// A count as operators read it: 15000000 -> "15,000,000".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_on_character_boundaries() {
        let mut s = "ééé".to_owned();
        assert_eq!(cut_chars(&mut s, 2), Some(3));
        assert_eq!(s, "éé");
        assert_eq!(cut_chars(&mut s, 2), None);
        assert_eq!(cut_bytes("aé".as_bytes(), 2), b"a");
        assert_eq!(cut_bytes(b"abc", 5), b"abc");
        assert_eq!(
            (thousands(0), thousands(999), thousands(15_000_000)),
            ("0".into(), "999".into(), "15,000,000".into())
        );
    }
}
