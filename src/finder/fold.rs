//! Case and accent folding, and the tokenizer the index and `matches_group` share.
//!
//! Folding lowercases (Unicode `to_lowercase`), maps the letters of Latin-1 Supplement and
//! Latin Extended-A to their base letters with the hand-written table below (é -> e, ñ -> n,
//! ß -> ss, æ -> ae, ł -> l, œ -> oe) and drops combining diacritics (U+0300..U+036F), so
//! decomposed input ("e" + U+0301) folds like precomposed input. Every other character is kept
//! as lowercased: Greek, Cyrillic or CJK text is still searchable, just not accent-folded.
//! A token is a maximal run of alphanumeric characters of the folded text.

/// `s` folded: lowercased, Latin accents stripped, combining marks dropped.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        for l in c.to_lowercase() {
            push_folded(l, &mut out);
        }
    }
    out
}

/// The tokens of `s` in order (repeats kept): alphanumeric runs of the folded text.
pub(crate) fn tokens(s: &str) -> Vec<String> {
    fold(s).split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// A whole value compared folded: its tokens joined by one space, so "Saint-Étienne",
/// "saint etienne" and " SAINT  ETIENNE " are one key.
pub(crate) fn fold_key(s: &str) -> String {
    tokens(s).join(" ")
}

/// Appends one lowercased character, folded.
fn push_folded(c: char, out: &mut String) {
    if ('\u{300}'..='\u{36f}').contains(&c) {
        return;
    }
    let base = match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' | 'ª' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ð' | 'ď' | 'đ' => "d",
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' | 'ĸ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'º' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ſ' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' => "t",
        'þ' => "th",
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        other => {
            out.push(other);
            return;
        }
    };
    out.push_str(base);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_latin1_and_extended_a_letter_folds_to_ascii() {
        for c in ('\u{c0}'..='\u{17f}').filter(|c| c.is_alphabetic()) {
            let f = fold(&c.to_string());
            assert!(f.is_ascii() && !f.is_empty(), "{c} (U+{:04X}) folds to {f:?}", c as u32);
        }
    }

    #[test]
    fn folds_case_accents_and_combining_marks() {
        assert_eq!(fold("Reunión ÉCOLE Straße Œuvre Łódź"), "reunion ecole strasse oeuvre lodz");
        assert_eq!(fold("Reunio\u{301}n"), "reunion");
        assert_eq!(fold("İstanbul"), "istanbul");
        assert_eq!(fold("Москва"), "москва");
    }

    #[test]
    fn tokens_and_keys() {
        assert_eq!(tokens("St. Mark's Church (Hall B)"), ["st", "mark", "s", "church", "hall", "b"]);
        assert_eq!(tokens("12-step, 12 steps"), ["12", "step", "12", "steps"]);
        assert!(tokens(" -- ").is_empty());
        assert_eq!(fold_key(" Saint-Étienne  "), "saint etienne");
        assert_eq!(fold_key("SAINT ETIENNE"), fold_key("saint-étienne"));
    }
}
