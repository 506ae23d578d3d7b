//! Topic and kind rules: how listings get their topics, whatever the format.
//!
//! A rule says "when a listing carries this source code (type code, taxonomy id or term) or
//! this keyword in its name or description, give it this topic (or kind)". The core keyword
//! rules cover the conditions and situations of the core taxonomy; configuration adds rules
//! per source or globally, without code changes. Each topic a rule gives records the rule,
//! so a wrong tag can be traced. Parsers put source codes in `Listing::codes`; this module
//! never looks at source bytes.

use serde::{Deserialize, Serialize};

use crate::model::{GroupKind, Listing, Topic, TopicTag};
use crate::normalize::text;

/// One mapping rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub when: Condition,
    pub then: Effect,
}

/// What a rule looks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// A source code, compared case-insensitively with each of `Listing::codes`.
    Code(String),
    /// Words at the start of words of the name or description, case-insensitive
    /// ("depress" matches "Depression Support"; "eating disorder" matches the phrase).
    Keyword(String),
}

/// What a rule gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Topic(Topic),
    Kind(GroupKind),
}

impl Rule {
    pub fn keyword(word: &str, topic: Topic) -> Rule {
        Rule { when: Condition::Keyword(word.to_owned()), then: Effect::Topic(topic) }
    }

    pub fn code(code: &str, topic: Topic) -> Rule {
        Rule { when: Condition::Code(code.to_owned()), then: Effect::Topic(topic) }
    }

    /// How the rule is shown on a topic it gave: `code "EDA"`, `keyword "bereave"`.
    pub fn describe(&self) -> String {
        match &self.when {
            Condition::Code(c) => format!("code \"{c}\""),
            Condition::Keyword(k) => format!("keyword \"{k}\""),
        }
    }
}

/// The built-in keyword rules for the core taxonomy.
pub fn core_rules() -> Vec<Rule> {
    const TABLE: &[(Topic, &[&str])] = &[
        (Topic::MENTAL_HEALTH, &["mental health", "mental illness", "mental wellbeing"]),
        (Topic::DEPRESSION, &["depress", "low mood"]),
        (Topic::ANXIETY, &["anxiety", "anxious", "panic attack", "phobia"]),
        (Topic::BIPOLAR, &["bipolar", "manic depress"]),
        (Topic::PSYCHOSIS, &["psychosis", "psychotic", "schizo", "hearing voices"]),
        (Topic::OCD, &["ocd", "obsessive compulsive"]),
        (Topic::PTSD, &["ptsd", "post traumatic", "trauma"]),
        (Topic::EATING_DISORDERS, &["eating disorder", "anorexi", "bulimi", "binge eating", "arfid"]),
        (Topic::BPD, &["bpd", "borderline personality", "emotionally unstable personality", "personality disorder"]),
        (Topic::SELF_HARM, &["self harm", "self injur"]),
        (Topic::SUICIDE, &["suicid"]),
        (Topic::ADDICTION, &["addiction", "addicts"]),
        (Topic::ALCOHOL, &["alcohol", "problem drinking"]),
        (
            Topic::DRUGS,
            &["narcotic", "drug", "substance use", "substance misuse", "cocaine", "heroin", "cannabis", "opioid"],
        ),
        (Topic::GAMBLING, &["gambl"]),
        (Topic::BEREAVEMENT, &["bereave", "grief", "grieving", "widow"]),
        (Topic::CARING, &["carer", "caregiver", "caring for"]),
        (Topic::FAMILY_AND_FRIENDS, &["family and friends", "friends and family", "families of", "al anon", "alateen"]),
    ];
    TABLE.iter().flat_map(|(topic, words)| words.iter().map(move |w| Rule::keyword(w, topic.clone()))).collect()
}

/// Applies `rules` in order: adds each topic a rule gives (once per topic, keeping the first
/// rule that gave it, and keeping topics the parser already set); the first kind rule that
/// matches sets the kind.
pub fn apply(listing: &mut Listing, rules: &[Rule]) {
    Prepared::new(rules).apply(listing);
}

/// Applies `rules` to many listings, preparing the rules once.
pub fn apply_all(listings: &mut [Listing], rules: &[Rule]) {
    if rules.is_empty() {
        return;
    }
    let prepared = Prepared::new(rules);
    for l in listings {
        prepared.apply(l);
    }
}

/// Rules with their keywords already in the form the text is searched in.
struct Prepared<'a> {
    rules: Vec<(&'a Rule, Option<String>)>,
}

impl<'a> Prepared<'a> {
    fn new(rules: &'a [Rule]) -> Self {
        let rules = rules
            .iter()
            .map(|r| match &r.when {
                Condition::Keyword(k) => {
                    let k = words_of(k);
                    (r, (!k.trim().is_empty()).then(|| format!(" {}", k.trim())))
                }
                Condition::Code(_) => (r, None),
            })
            .collect();
        Prepared { rules }
    }

    fn apply(&self, listing: &mut Listing) {
        if self.rules.is_empty() {
            return;
        }
        let mut text = words_of(&listing.name);
        if let Some(d) = &listing.description {
            text.push_str(&words_of(d));
        }
        let mut kind_set = false;
        for (rule, needle) in &self.rules {
            let hit = match (&rule.when, needle) {
                (Condition::Code(c), _) => listing.codes.iter().any(|x| x.trim().eq_ignore_ascii_case(c.trim())),
                (Condition::Keyword(_), Some(n)) => text.contains(n.as_str()),
                (Condition::Keyword(_), None) => false,
            };
            if !hit {
                continue;
            }
            match &rule.then {
                Effect::Topic(topic) => {
                    if !listing.topics.iter().any(|t| t.topic == *topic) {
                        listing.topics.push(TopicTag { topic: topic.clone(), rule: rule.describe() });
                    }
                }
                Effect::Kind(kind) if !kind_set => {
                    listing.kind = *kind;
                    kind_set = true;
                }
                Effect::Kind(_) => {}
            }
        }
    }
}

/// Lower-case words with a leading space, so " word" finds a word start; an apostrophe
/// splits words.
fn words_of(s: &str) -> String {
    text::word_starts(s, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(name: &str, codes: &[&str]) -> Listing {
        Listing { name: name.to_owned(), codes: codes.iter().map(|c| c.to_string()).collect(), ..Default::default() }
    }

    #[test]
    fn keywords_match_word_starts_and_record_the_rule() {
        let mut l = listing("Depression & Anxiety Peer Support", &[]);
        apply(&mut l, &core_rules());
        let got: Vec<_> = l.topics.iter().map(|t| (t.topic.clone(), t.rule.as_str())).collect();
        assert_eq!(got, [(Topic::DEPRESSION, "keyword \"depress\""), (Topic::ANXIETY, "keyword \"anxiety\"")]);
    }

    #[test]
    fn keywords_do_not_match_inside_words() {
        let mut l = listing("Sundrug Pharmacy Walkers", &[]);
        apply(&mut l, &core_rules());
        assert!(l.topics.is_empty(), "{:?}", l.topics);
    }

    #[test]
    fn codes_give_topics_and_kinds_first_rule_wins() {
        let mut l = listing("Thursday group", &["EDA"]);
        let rules = vec![
            Rule::code("eda", Topic::EATING_DISORDERS),
            Rule { when: Condition::Code("EDA".into()), then: Effect::Kind(GroupKind::TwelveStep) },
            Rule { when: Condition::Code("EDA".into()), then: Effect::Kind(GroupKind::TherapyGroup) },
        ];
        apply(&mut l, &rules);
        assert_eq!(l.topics, [TopicTag { topic: Topic::EATING_DISORDERS, rule: "code \"eda\"".into() }]);
        assert_eq!(l.kind, GroupKind::TwelveStep);
    }

    #[test]
    fn a_topic_the_parser_set_is_kept_with_its_rule() {
        let mut l = listing("Alcohol free social", &[]);
        l.topics.push(TopicTag { topic: Topic::ALCOHOL, rule: "source default".into() });
        apply(&mut l, &core_rules());
        assert_eq!(l.topics, [TopicTag { topic: Topic::ALCOHOL, rule: "source default".into() }]);
    }
}
