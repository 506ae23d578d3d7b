//! Validating `[[topics]]` into the `importers::Taxonomy` that rules, source defaults and the
//! API check topics against: the core topics plus the operator's, each with a code, an
//! English label and an optional parent.
//!
//! The shape of each entry (a well-formed code, a label) is checked here; what spans entries
//! (duplicates, unknown parents, cycles) is checked by `Taxonomy::with`, and its error is
//! worded here with the key and the fix. `known` is how rules and defaults look a topic up,
//! with the message for one that is not known.

use importers::topics::{NewTopic, TaxonomyError};
use importers::{Taxonomy, Topic};

use super::raw::RawTopic;
use super::validate::quoted;
use super::ConfigError;

type Bad<'a> = &'a dyn Fn(&str, Option<String>, String) -> ConfigError;

/// The core taxonomy plus the `[[topics]]` entries; `bad(key, value, problem)` builds an error
/// for a top-level key (`topics[0].code`).
pub(super) fn taxonomy(raw: &[RawTopic], bad: Bad) -> Result<Taxonomy, ConfigError> {
    let mut added = Vec::with_capacity(raw.len());
    for (i, entry) in raw.iter().enumerate() {
        let key = |field: &str| format!("topics[{i}].{field}");
        let topic = match entry.code.as_deref().map(str::trim) {
            None => {
                let fix = "every topic needs a code of [a-z0-9_], e.g. code = \"loneliness\"";
                return Err(bad(&key("code"), None, fix.to_owned()));
            }
            Some(code) if Topic::is_code(code) => Topic::parse(code).expect("a well-formed code parses"),
            Some(code) => {
                let example = Topic::parse(code).map_or_else(|| "\"loneliness\"".to_owned(), |t| format!("\"{t}\""));
                let max = Topic::MAX_LEN;
                let fix = format!("use lower-case letters, digits and '_' only (at most {max}), e.g. {example}");
                return Err(bad(&key("code"), quoted(code), fix));
            }
        };
        let label = match entry.label.as_deref() {
            Some(label) if !label.trim().is_empty() => label.trim().to_owned(),
            given => {
                let fix = format!("give the English name clients show, e.g. label = {:?}", example_label(&topic));
                return Err(bad(&key("label"), given.and_then(quoted), fix));
            }
        };
        let parent = match entry.parent.as_deref() {
            None => None,
            Some(text) => Some(
                Topic::parse(text)
                    .ok_or_else(|| bad(&key("parent"), quoted(text), format!("not a topic code; {}", PARENT_FIX)))?,
            ),
        };
        added.push(NewTopic { topic, label, parent });
    }
    Taxonomy::with(added).map_err(|err| match err {
        TaxonomyError::Duplicate { index, topic, core: true } => {
            let fix = "already a core topic: rules and defaults can use it as it is; remove this entry";
            bad(&format!("topics[{index}].code"), quoted(topic.as_str()), fix.to_owned())
        }
        TaxonomyError::Duplicate { index, topic, core: false } => {
            let first = raw.iter().position(|r| r.code.as_deref().and_then(Topic::parse) == Some(topic.clone()));
            let first = first.unwrap_or_default();
            let problem = format!("duplicate topic code (also topics[{first}]); codes must be unique");
            bad(&format!("topics[{index}].code"), quoted(topic.as_str()), problem)
        }
        TaxonomyError::UnknownParent { index, parent } => {
            let value = raw[index].parent.as_deref().unwrap_or(parent.as_str());
            bad(&format!("topics[{index}].parent"), quoted(value), format!("not a known topic; {PARENT_FIX}"))
        }
        TaxonomyError::Cycle { index, cycle } => {
            let value = raw[index].parent.as_deref().unwrap_or_default();
            let path = cycle.iter().map(Topic::as_str).collect::<Vec<_>>().join(" -> ");
            let problem =
                format!("a topic cannot be its own ancestor ({path}); give one of them another parent or none");
            bad(&format!("topics[{index}].parent"), quoted(value), problem)
        }
    })
}

const PARENT_FIX: &str = "use a core topic (e.g. \"mental_health\", \"addiction\") or the code of another \
                          [[topics]] entry, or leave parent out for a top-level topic";

/// "long_covid" -> "Long covid": only for the example in a message.
fn example_label(topic: &Topic) -> String {
    let words = topic.as_str().replace('_', " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// The known topic `text` names (case, `-` and spaces forgiven), or the error for `key`
/// listing the known codes and how to add one.
pub(super) fn known(taxonomy: &Taxonomy, text: &str, key: &str, bad: Bad) -> Result<Topic, ConfigError> {
    taxonomy.resolve(text).ok_or_else(|| {
        let add = match Topic::parse(text) {
            Some(code) => format!("[[topics]] code = \"{code}\" label = {:?}", example_label(&code)),
            None => "a [[topics]] entry with code and label".to_owned(),
        };
        let names = taxonomy.codes();
        bad(key, quoted(text), format!("unknown topic; expected one of: {names}; or add it to the file: {add}"))
    })
}
