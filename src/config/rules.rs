//! Validating `[[rules]]` and `[[sources.rules]]` into `importers::taxonomy::Rule`s (their
//! topics any core or `[[topics]]` one), and `[sources.options]` through the importer's own
//! `check_options`.

use importers::taxonomy::{Condition, Effect, Rule};
use importers::{Format, GroupKind, Taxonomy};
use serde::de::{value::StrDeserializer, Deserialize};

use super::raw::RawRule;
use super::validate::quoted;
use super::ConfigError;

/// Turns raw rules into rules; `bad(key, value, problem)` builds the error for the rule at an
/// index (`rules[0].topic`).
pub(super) fn rules(
    raw: &[RawRule],
    prefix: &str,
    taxonomy: &Taxonomy,
    bad: &dyn Fn(&str, Option<String>, String) -> ConfigError,
) -> Result<Vec<Rule>, ConfigError> {
    raw.iter().enumerate().map(|(i, r)| rule(r, &format!("{prefix}[{i}]"), taxonomy, bad)).collect()
}

fn rule(
    raw: &RawRule,
    key: &str,
    taxonomy: &Taxonomy,
    bad: &dyn Fn(&str, Option<String>, String) -> ConfigError,
) -> Result<Rule, ConfigError> {
    let when = match (&raw.code, &raw.keyword) {
        (Some(c), None) if !c.trim().is_empty() => Condition::Code(c.trim().to_owned()),
        (None, Some(k)) if !k.trim().is_empty() => Condition::Keyword(k.trim().to_owned()),
        _ => {
            let fix = "give exactly one non-empty `code = \"...\"` or `keyword = \"...\"`".to_owned();
            return Err(bad(key, None, fix));
        }
    };
    let then = match (&raw.topic, &raw.kind) {
        (Some(t), None) => Effect::Topic(super::topics::known(taxonomy, t, &format!("{key}.topic"), bad)?),
        (None, Some(k)) => {
            let name = StrDeserializer::<serde::de::value::Error>::new(k.trim());
            Effect::Kind(
                GroupKind::deserialize(name).map_err(|e| bad(&format!("{key}.kind"), quoted(k), e.to_string()))?,
            )
        }
        _ => return Err(bad(key, None, "give exactly one of `topic = \"...\"` or `kind = \"...\"`".to_owned())),
    };
    Ok(Rule { when, then })
}

/// The importer's options as JSON, checked by the importer itself.
pub(super) fn format_options(
    format: Format,
    raw: Option<toml::Table>,
    bad: &dyn Fn(&str, Option<String>, String) -> ConfigError,
) -> Result<serde_json::Value, ConfigError> {
    let value = match raw {
        None => serde_json::Value::Null,
        Some(table) => serde_json::to_value(table).map_err(|e| bad("options", None, e.to_string()))?,
    };
    importers::check_options(format, &value)
        .map_err(|why| bad("options", None, format!("{why} (format {})", format.as_str())))?;
    Ok(value)
}

/// Whether the built-in keyword rules apply by default: not to 12-step meeting feeds, whose
/// meeting names are not about topics ("Depression Busters" is an AA meeting).
pub(super) fn core_keywords_default(format: Format) -> bool {
    !matches!(format, Format::MeetingGuide | Format::MeetingGuideCsv | Format::Delimited | Format::Bmlt)
}
