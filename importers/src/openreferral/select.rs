//! Which Open Referral services are support groups, and what kind of group each is.
//!
//! Open Referral directories list every kind of service (food banks, housing, legal aid). A
//! service becomes a listing when one of its taxonomy terms is a support-group term, or its
//! name or description contains a support-group keyword, and no exclude word ("helpline",
//! "treatment"...) is in its name, unless the name itself has a keyword ("RAPE TREATMENT -
//! SURVIVOR SUPPORT GROUP" stays). The built-in lists below come from the real datasets (211 Miami's AIRS codes, the UK
//! OpenPlace feeds); `[sources.options]` adds to them ([`SelectOptions`]). Keywords match at
//! word starts, case- and punctuation-insensitively, as the topic rules of `taxonomy` do.
//! Reading the services and building listings is left to the other `openreferral` files.

use serde::Deserialize;

use crate::model::GroupKind;
use crate::normalize::text;

use super::Term;

/// The options all three Open Referral formats take (`[sources.options]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct SelectOptions {
    /// Keep every service, group or not.
    pub include_all: bool,
    /// More taxonomy term ids, codes (a code also covers its children: "PN-8100" covers
    /// "PN-8100.6500") or term names that mark a support group.
    pub taxonomy_codes: Vec<String>,
    /// More keywords that mark a support group in a name or description.
    pub keywords: Vec<String>,
    /// More words that, in a service's name, mark it as not a group ("helpline").
    pub exclude_keywords: Vec<String>,
}

/// The selection a source uses: the built-in lists plus its options.
#[derive(Debug, Clone)]
pub(crate) struct Selector {
    include_all: bool,
    codes: Vec<String>,
    keywords: Vec<String>,
    excludes: Vec<String>,
    configured: usize,
}

/// Why a service was or was not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Group,
    NotAGroup,
    /// It matched, but its name has this exclude word.
    Excluded(String),
}

/// AIRS / 211 LA codes: "PN-8100" is Support Groups, with every kind of group below it
/// (bereavement, addictions, mental health, caregivers, parents...).
const CODES: [&str; 1] = ["PN-8100"];

/// Taxonomy term names (Open Eligibility, ORUK/LGA vocabularies, AIRS) that mean a group.
#[rustfmt::skip]
const TERM_NAMES: [&str; 11] = [
    "support groups", "support group", "peer support", "peer support groups", "self-help groups",
    "self help groups", "mutual aid", "mutual support", "support network", "12-step", "twelve step",
];

/// Phrases in a name, description or term name that mark a support group.
#[rustfmt::skip]
const KEYWORDS: [&str; 16] = [
    "support group", "peer support", "self help group", "mutual aid", "mutual support group",
    "drop in group", "support meeting", "bereavement group", "grief group", "carers group",
    "carer group", "caregiver group", "twelve step", "12 step", "hearing voices group", "smart recovery",
];

/// Twelve-step fellowships by name: each marks a group, and a twelve-step one.
#[rustfmt::skip]
const FELLOWSHIPS: [&str; 19] = [
    "alcoholics anonymous", "narcotics anonymous", "cocaine anonymous", "crystal meth anonymous",
    "gamblers anonymous", "overeaters anonymous", "emotions anonymous", "neurotics anonymous",
    "debtors anonymous", "sex addicts anonymous", "sex and love addicts anonymous", "marijuana anonymous",
    "families anonymous", "co dependents anonymous", "adult children of alcoholics", "al anon", "alateen",
    "nar anon", "gam anon",
];

/// Words in a service's name that say it is a phone line, a treatment programme or a venue,
/// even when its description mentions the groups it refers people to.
#[rustfmt::skip]
const EXCLUDES: [&str; 14] = [
    "hotline", "helpline", "help line", "information line", "talkline", "crisis line",
    "information and referral", "treatment", "detox", "residential", "inpatient", "outpatient",
    "room hire", "venue hire",
];

/// A group therapy session rather than a peer group.
const THERAPY: [&str; 5] =
    ["group therapy", "therapy group", "group psychotherapy", "group counselling", "group counseling"];

/// Led or facilitated by professionals.
#[rustfmt::skip]
const PROFESSIONAL: [&str; 30] = [
    "professionally led", "professionally facilitated", "professional led", "facilitated by professional",
    "facilitated by a professional", "facilitated by trained professional", "led by professional",
    "led by a professional", "led by trained professional", "therapist led", "led by a therapist",
    "led by therapist", "facilitated by a therapist", "clinician led", "led by a clinician",
    "facilitated by a clinician", "led by a licensed", "facilitated by a licensed", "led by a counsellor",
    "led by a counselor", "facilitated by a counsellor", "facilitated by a counselor", "led by qualified",
    "facilitated by qualified", "specialist led", "led by a social worker", "by trained professionals",
    "by qualified professionals", "facilitated by a qualified", "led by a qualified",
];

impl Selector {
    /// Reads the options (`Null` for none); the error names the bad key.
    pub fn from_options(value: &serde_json::Value) -> Result<Selector, String> {
        let options: SelectOptions = match value {
            serde_json::Value::Null => SelectOptions::default(),
            v => serde_json::from_value(v.clone()).map_err(|e| format!("options: {e}"))?,
        };
        let clean = |list: &[String]| -> Vec<String> {
            list.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
        };
        let (codes, keywords, excludes) =
            (clean(&options.taxonomy_codes), clean(&options.keywords), clean(&options.exclude_keywords));
        let configured = codes.len() + keywords.len() + excludes.len();
        Ok(Selector {
            include_all: options.include_all,
            codes: CODES.iter().chain(TERM_NAMES.iter()).map(|s| s.to_string()).chain(codes).collect(),
            keywords: KEYWORDS
                .iter()
                .chain(FELLOWSHIPS.iter())
                .map(|s| words_of(s))
                .chain(keywords.iter().map(|k| words_of(k)))
                .collect(),
            excludes: EXCLUDES.iter().map(|s| words_of(s)).chain(excludes.iter().map(|k| words_of(k))).collect(),
            configured,
        })
    }

    /// Decides on one service from its names (service, alternate and place names), its full
    /// text (names plus description) and its taxonomy terms.
    pub fn verdict(&self, names: &str, text: &str, terms: &[Term]) -> Verdict {
        if self.include_all {
            return Verdict::Group;
        }
        let matched = terms.iter().any(|t| self.term_matches(t)) || self.has_keyword(&words_of(text));
        if !matched {
            return Verdict::NotAGroup;
        }
        // A name that itself says "support group" wins over "treatment" in the same name.
        let names = words_of(names);
        match self.excludes.iter().find(|w| contains_phrase(&names, w)) {
            Some(word) if !self.has_keyword(&names) => Verdict::Excluded(word.trim().to_owned()),
            _ => Verdict::Group,
        }
    }

    /// A quick first look, before any text is sanitised: `false` only when the service
    /// cannot be a group, whatever its sanitised text says. `rough` is the service's names and
    /// description with tags and entities cut out ([`rough_words`]): it holds every word the
    /// sanitised text holds, so a keyword whose words are not all in it is not in the
    /// sanitised text either. Services that pass are judged by [`Selector::verdict`].
    pub fn may_be_group(&self, rough: &str, terms: &[Term]) -> bool {
        self.include_all
            || terms.iter().any(|t| self.term_matches(t))
            || self.keywords.iter().any(|k| k.split_whitespace().all(|w| rough.contains(&format!(" {w}"))))
    }

    /// How the selection works, for the message about skipped services.
    pub fn describe(&self, excluded: usize) -> String {
        if self.include_all {
            return "include_all".to_owned();
        }
        let mut out = format!(
            "support-group taxonomy terms (codes under {}, or names such as \"Support Groups\", \"Peer Support\") \
             or keywords (\"support group\", \"peer support\", \"self help group\", fellowship names...) \
             in name or description",
            CODES.join(", ")
        );
        if self.configured > 0 {
            out.push_str(&format!(", plus {} from the source's options", self.configured));
        }
        if excluded > 0 {
            out.push_str(&format!("; {excluded} matched but have an exclude word such as \"helpline\" in their name"));
        }
        out.push_str("; set include_all = true to keep every service");
        out
    }

    fn term_matches(&self, term: &Term) -> bool {
        let ids = [term.id.as_deref(), term.code.as_deref()];
        let id_hit = ids.iter().flatten().any(|id| self.codes.iter().any(|c| code_covers(c, id)));
        let name = term.name.as_deref().unwrap_or_default().trim();
        let name_hit = !name.is_empty()
            && (self.codes.iter().any(|c| c.eq_ignore_ascii_case(name)) || self.has_keyword(&words_of(name)));
        id_hit || name_hit
    }

    fn has_keyword(&self, words: &str) -> bool {
        self.keywords.iter().any(|k| contains_phrase(words, k))
    }
}

/// The kind the text states, if any: therapy group, professionally led, twelve-step.
pub(crate) fn kind(text: &str) -> Option<GroupKind> {
    let words = words_of(text);
    let any = |list: &[&str]| list.iter().any(|p| affirmed(&words, &words_of(p)));
    if any(&THERAPY) {
        Some(GroupKind::TherapyGroup)
    } else if any(&PROFESSIONAL) {
        Some(GroupKind::ProfessionallyLed)
    } else if any(&FELLOWSHIPS) || any(&["twelve step", "12 step"]) {
        Some(GroupKind::TwelveStep)
    } else {
        None
    }
}

/// True when `code` is `id` or one of its ancestors in a dotted/dashed code hierarchy
/// ("PN-8100" covers "PN-8100.6500-650", not "PN-81000").
fn code_covers(code: &str, id: &str) -> bool {
    let (code, id) = (code.trim(), id.trim());
    if code.is_empty() {
        return false;
    }
    match id.get(..code.len()) {
        Some(head) if head.eq_ignore_ascii_case(code) => {
            matches!(id.as_bytes().get(code.len()), None | Some(b'.' | b'-'))
        }
        _ => false,
    }
}

/// The phrase occurs at least once without "not" / "no" / "isn't" (a) just before it, so
/// "Al-Anon is not a therapy group" does not make a therapy group.
fn affirmed(words: &str, phrase: &str) -> bool {
    let phrase = phrase.trim_end();
    if phrase.len() < 2 {
        return false;
    }
    words.match_indices(phrase).any(|(i, _)| {
        let before = words.get(..i).unwrap_or_default();
        let before = before.strip_suffix(" a").unwrap_or(before);
        ![" not", " no", " isnt", " never"].iter().any(|n| before.ends_with(n))
    })
}

/// The phrase (as [`words_of`] gives it) starts at a word start of `words`.
fn contains_phrase(words: &str, phrase: &str) -> bool {
    let phrase = phrase.trim_end();
    phrase.len() > 1 && words.contains(phrase)
}

/// The words of raw text as [`Selector::may_be_group`] reads them: tags become spaces,
/// apostrophe entities join as apostrophes do, other entities become spaces, then
/// [`words_of`]. No HTML parsing: a superset of the words of the sanitised text.
pub(crate) fn rough_words(raw: &str) -> String {
    if !raw.contains(['<', '&']) {
        return words_of(raw);
    }
    let mut plain = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(['<', '&']) {
        plain.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (end, with) = if tail.starts_with('<') {
            (tail.find('>').map_or(tail.len(), |e| e + 1), " ")
        } else {
            match tail[1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')) {
                Some(e) if tail[1 + e..].starts_with(';') => {
                    let entity = &tail[1..1 + e];
                    let apostrophe = ["#39", "#x27", "#X27", "apos", "rsquo", "lsquo", "#8217", "#8216", "#x2019"];
                    (e + 2, if apostrophe.contains(&entity) { "'" } else { " " })
                }
                _ => (1, " "),
            }
        };
        plain.push_str(with);
        rest = &tail[end..];
    }
    plain.push_str(rest);
    words_of(&plain)
}

/// Lower-case words with a leading space, so " word" finds a word start (as `taxonomy`
/// matches keywords); an apostrophe joins ("carers' group"), it does not split.
pub(crate) fn words_of(s: &str) -> String {
    text::word_starts(s, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(id: &str, name: &str) -> Term {
        Term { id: Some(id.to_owned()), code: None, name: Some(name.to_owned()), vocabulary: None }
    }

    #[test]
    fn codes_cover_their_children_only() {
        assert!(code_covers("PN-8100", "PN-8100.0500-070"));
        assert!(code_covers("pn-8100", "PN-8100"));
        assert!(!code_covers("PN-8100", "PN-81000"));
        assert!(!code_covers("", "PN-8100"));
    }

    #[test]
    fn terms_keywords_and_excludes() {
        let s = Selector::from_options(&serde_json::Value::Null).unwrap_or_else(|e| panic!("{e}"));
        let airs = [term("PN-8100.1000", "Bereavement Support Groups")];
        assert_eq!(s.verdict("SOUTH", "SOUTH", &airs), Verdict::Group);
        assert_eq!(s.verdict("Carers' Group", "Carers' Group", &[]), Verdict::Group);
        assert_eq!(s.verdict("Food bank", "Food bank. Donations are anonymous.", &[]), Verdict::NotAGroup);
        assert_eq!(
            s.verdict("Youth Helpline", "Youth Helpline: refers callers to support groups", &[]),
            Verdict::Excluded("helpline".to_owned())
        );
        let both = "JHS - RAPE TREATMENT - SURVIVOR SUPPORT GROUP";
        assert_eq!(s.verdict(both, both, &[]), Verdict::Group);
    }

    #[test]
    fn options_extend_and_reject_unknown_keys() {
        let opts = serde_json::json!({"taxonomy_codes": ["Peer group"], "keywords": ["coffee morning"]});
        let s = Selector::from_options(&opts).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.verdict("Drumming", "Drumming", &[term("x", "Peer group")]), Verdict::Group);
        assert_eq!(s.verdict("Coffee Morning", "Coffee Morning", &[]), Verdict::Group);
        let err = Selector::from_options(&serde_json::json!({"keyword": ["x"]})).err().unwrap_or_default();
        assert!(err.contains("keyword"), "{err}");
    }

    #[test]
    fn the_first_look_keeps_every_service_the_sanitised_text_would() {
        let s = Selector::from_options(&serde_json::Value::Null).unwrap_or_else(|e| panic!("{e}"));
        for raw in [
            "<p>A <b>support</b> <i>group</i> for carers</p>",
            "Carers&rsquo; group on Mondays",
            "Self&#8209;help group &amp; drop-in",
            "&lt;p&gt;Peer support&lt;/p&gt;",
        ] {
            let clean = text::plain_text(raw).unwrap_or_default();
            let full = s.verdict(&clean, &clean, &[]);
            assert!(full == Verdict::NotAGroup || s.may_be_group(&rough_words(raw), &[]), "{raw}: {full:?}");
            assert!(s.may_be_group(&rough_words(raw), &[]), "{raw}");
        }
        assert!(!s.may_be_group(&rough_words("<p>Food <b>bank</b> &amp; pantry</p>"), &[]));
    }

    #[test]
    fn kinds_from_wording() {
        assert_eq!(kind("A therapy group for adults"), Some(GroupKind::TherapyGroup));
        assert_eq!(kind("Facilitated by a licensed clinical social worker"), Some(GroupKind::ProfessionallyLed));
        assert_eq!(kind("Narcotics Anonymous - North Dade"), Some(GroupKind::TwelveStep));
        assert_eq!(kind("Parents support group"), None);
        assert_eq!(kind("Al-Anon is not a therapy group."), Some(GroupKind::TwelveStep));
    }
}
