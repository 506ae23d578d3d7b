//! The topic taxonomy: every topic the service knows, with its English label and its parent.
//!
//! Topics are data (`Topic` is an open-ended code): the core taxonomy below is built in, and
//! configuration adds topics of its own (`[[topics]]`), each under a core or configured
//! parent or at the top. `Taxonomy::with` checks what configuration adds (no duplicate code,
//! every parent known, no cycle) and says which entry is wrong; wording the fix for an
//! operator is the caller's job. Parents are for presenting topics (a topic picker, a tree):
//! a group tagged `alcohol` is not thereby tagged `addiction`, and filters match the topic
//! itself.

use crate::model::Topic;

/// One topic of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInfo {
    pub topic: Topic,
    /// English, for people ("Eating disorders").
    pub label: String,
    /// The broader topic this one belongs under, if any.
    pub parent: Option<Topic>,
    /// Built in, rather than added by configuration.
    pub core: bool,
}

/// The core topics: code (as in `Topic::CORE`), label, parent. The families are mental health
/// (the conditions) and addiction (the substances and behaviours). Bereavement, caring and
/// family and friends stand on their own: family and friends groups (Al-Anon, Nar-Anon,
/// families of people with a mental illness) are for people affected by someone else's
/// problem, who need not be carers, so the topic is not put under caring.
const CORE: [(Topic, &str, Option<Topic>); 18] = [
    (Topic::MENTAL_HEALTH, "Mental health", None),
    (Topic::DEPRESSION, "Depression", Some(Topic::MENTAL_HEALTH)),
    (Topic::ANXIETY, "Anxiety", Some(Topic::MENTAL_HEALTH)),
    (Topic::BIPOLAR, "Bipolar", Some(Topic::MENTAL_HEALTH)),
    (Topic::PSYCHOSIS, "Psychosis", Some(Topic::MENTAL_HEALTH)),
    (Topic::OCD, "OCD", Some(Topic::MENTAL_HEALTH)),
    (Topic::PTSD, "PTSD and trauma", Some(Topic::MENTAL_HEALTH)),
    (Topic::EATING_DISORDERS, "Eating disorders", Some(Topic::MENTAL_HEALTH)),
    (Topic::BPD, "Borderline personality disorder", Some(Topic::MENTAL_HEALTH)),
    (Topic::SELF_HARM, "Self-harm", Some(Topic::MENTAL_HEALTH)),
    (Topic::SUICIDE, "Suicide", Some(Topic::MENTAL_HEALTH)),
    (Topic::ADDICTION, "Addiction", None),
    (Topic::ALCOHOL, "Alcohol", Some(Topic::ADDICTION)),
    (Topic::DRUGS, "Drugs", Some(Topic::ADDICTION)),
    (Topic::GAMBLING, "Gambling", Some(Topic::ADDICTION)),
    (Topic::BEREAVEMENT, "Bereavement", None),
    (Topic::CARING, "Caring", None),
    (Topic::FAMILY_AND_FRIENDS, "Family and friends", None),
];

/// Every known topic: the core ones in `Topic::CORE` order, then the added ones in the order
/// they were given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomy {
    topics: Vec<TopicInfo>,
}

/// A topic configuration adds, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTopic {
    pub topic: Topic,
    pub label: String,
    pub parent: Option<Topic>,
}

/// Why the added topics cannot be used; `index` is the entry's place in what was added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxonomyError {
    #[error("topic {index}: \"{topic}\" is already a {} topic", if *.core { "core" } else { "configured" })]
    Duplicate { index: usize, topic: Topic, core: bool },
    #[error("topic {index}: parent \"{parent}\" is not a topic")]
    UnknownParent { index: usize, parent: Topic },
    /// `cycle` runs from the entry through its parents back to it ("a", "b", "a").
    #[error("topic {index}: its parents go round in a circle")]
    Cycle { index: usize, cycle: Vec<Topic> },
}

impl Default for Taxonomy {
    /// The core taxonomy alone.
    fn default() -> Self {
        Taxonomy::core()
    }
}

impl Taxonomy {
    /// The built-in topics only.
    pub fn core() -> Taxonomy {
        let topics = CORE
            .into_iter()
            .map(|(topic, label, parent)| TopicInfo { topic, label: label.to_owned(), parent, core: true })
            .collect();
        Taxonomy { topics }
    }

    /// The core taxonomy plus `added`: each code new, each parent a core or added topic
    /// (given before or after it), and no topic its own ancestor.
    pub fn with(added: Vec<NewTopic>) -> Result<Taxonomy, TaxonomyError> {
        let mut taxonomy = Taxonomy::core();
        let core_len = taxonomy.topics.len();
        for (index, new) in added.iter().enumerate() {
            if let Some(known) = taxonomy.get(&new.topic) {
                return Err(TaxonomyError::Duplicate { index, topic: new.topic.clone(), core: known.core });
            }
            taxonomy.topics.push(TopicInfo {
                topic: new.topic.clone(),
                label: new.label.clone(),
                parent: new.parent.clone(),
                core: false,
            });
        }
        for (index, new) in added.iter().enumerate() {
            if let Some(parent) = &new.parent {
                if !taxonomy.contains(parent) {
                    return Err(TaxonomyError::UnknownParent { index, parent: parent.clone() });
                }
            }
        }
        for (index, info) in taxonomy.topics[core_len..].iter().enumerate() {
            let mut chain = vec![info.topic.clone()];
            let mut at = info.parent.as_ref();
            while let Some(parent) = at {
                chain.push(parent.clone());
                if *parent == info.topic {
                    return Err(TaxonomyError::Cycle { index, cycle: chain });
                }
                if chain.len() > taxonomy.topics.len() {
                    break; // a cycle above this topic, reported at its own entry
                }
                at = taxonomy.get(parent).and_then(|p| p.parent.as_ref());
            }
        }
        Ok(taxonomy)
    }

    /// Every topic, core first.
    pub fn topics(&self) -> &[TopicInfo] {
        &self.topics
    }

    pub fn get(&self, topic: &Topic) -> Option<&TopicInfo> {
        self.topics.iter().find(|t| t.topic == *topic)
    }

    pub fn contains(&self, topic: &Topic) -> bool {
        self.get(topic).is_some()
    }

    /// The known topic `text` names (read as `Topic::parse` reads it).
    pub fn resolve(&self, text: &str) -> Option<Topic> {
        Topic::parse(text).filter(|t| self.contains(t))
    }

    /// Every code, comma-separated, for messages that list the choices.
    pub fn codes(&self) -> String {
        self.topics.iter().map(|t| t.topic.as_str()).collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(code: &str, parent: Option<&str>) -> NewTopic {
        NewTopic {
            topic: Topic::parse(code).expect("code"),
            label: code.to_owned(),
            parent: parent.map(|p| Topic::parse(p).expect("parent")),
        }
    }

    #[test]
    fn the_core_taxonomy_covers_every_core_topic_in_order_and_is_a_forest() {
        let core = Taxonomy::core();
        let codes: Vec<&Topic> = core.topics().iter().map(|t| &t.topic).collect();
        assert_eq!(codes, Topic::CORE.iter().collect::<Vec<_>>());
        for info in core.topics() {
            assert!(info.core && !info.label.is_empty(), "{info:?}");
            if let Some(parent) = &info.parent {
                let p = core.get(parent).expect("parent is a core topic");
                assert_eq!(p.parent, None, "one level deep: {info:?}");
            }
        }
        assert_eq!(core.get(&Topic::ALCOHOL).and_then(|t| t.parent.clone()), Some(Topic::ADDICTION));
    }

    #[test]
    fn added_topics_may_name_core_or_later_parents() {
        let t =
            Taxonomy::with(vec![new("lonely_parents", Some("loneliness")), new("loneliness", Some("mental_health"))])
                .expect("valid");
        assert_eq!(t.topics().len(), 20);
        assert!(t.contains(&Topic::parse("loneliness").unwrap()));
        assert_eq!(t.resolve("Lonely-Parents").map(|t| t.to_string()).as_deref(), Some("lonely_parents"));
        assert!(!t.topics()[19].core);
        assert!(t.codes().ends_with("family_and_friends, lonely_parents, loneliness"), "{}", t.codes());
    }

    #[test]
    fn duplicates_unknown_parents_and_cycles_are_refused() {
        let dup_core = Taxonomy::with(vec![new("alcohol", None)]);
        assert!(matches!(dup_core, Err(TaxonomyError::Duplicate { index: 0, core: true, .. })), "{dup_core:?}");
        let dup = Taxonomy::with(vec![new("a", None), new("a", None)]);
        assert!(matches!(dup, Err(TaxonomyError::Duplicate { index: 1, core: false, .. })), "{dup:?}");
        let unknown = Taxonomy::with(vec![new("a", Some("nope"))]);
        assert!(matches!(unknown, Err(TaxonomyError::UnknownParent { index: 0, .. })), "{unknown:?}");
        let own = Taxonomy::with(vec![new("a", Some("a"))]);
        assert!(matches!(own, Err(TaxonomyError::Cycle { index: 0, .. })), "{own:?}");
        let round = Taxonomy::with(vec![new("x", Some("a")), new("a", Some("b")), new("b", Some("a"))]);
        let Err(TaxonomyError::Cycle { index, cycle }) = round else { panic!("{round:?}") };
        assert_eq!(index, 1, "reported at the first entry inside the cycle");
        assert_eq!(cycle.iter().map(Topic::as_str).collect::<Vec<_>>(), ["a", "b", "a"]);
    }
}
