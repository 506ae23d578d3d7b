//! Validating one `[[sources]]` table: id, name, format, location, schedule, trust, republish and the
//! defaults that become `importers::SourceOptions`.
//!
//! Crons are checked with `croner`, the parser tokio-cron-scheduler uses, in the same
//! seconds-required mode, so whatever passes here the scheduler accepts. Time zones are checked
//! against chrono-tz, kinds and formats against the `importers` enums, so new variants there
//! need no change here, and topics against the taxonomy (core plus `[[topics]]`). No IO:
//! relative paths are joined to the config file's directory, not checked for existence (a
//! missing file is a fetch error at import time, per source). Cross-source checks (unique
//! ids) are in `validate`.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use croner::parser::{CronParser, Seconds};
use importers::{Format, GroupKind, SourceOptions, Taxonomy};
use serde::de::{value::StrDeserializer, Deserialize};

use super::raw::{RawDefaults, RawSource};
use super::validate::{quoted, source_key, Context};
use super::{ConfigError, SourceLocation, SourceSettings};

/// `"0 3 * * *"` -> `"0 0 3 * * *"`; six fields pass through single-spaced; anything else,
/// or a field croner rejects, is an error message for the operator.
pub fn normalize_cron(expr: &str) -> Result<String, String> {
    const EXPECTED: &str = "expected 6 fields: sec min hour day month weekday, e.g. \"0 0 3 * * *\"";
    let mut fields: Vec<&str> = expr.split_whitespace().collect();
    if fields.len() == 5 {
        fields.insert(0, "0");
    }
    if fields.len() != 6 {
        return Err(format!("not a valid cron expression ({EXPECTED})"));
    }
    let normalized = fields.join(" ");
    CronParser::builder()
        .seconds(Seconds::Required)
        .build()
        .parse(&normalized)
        .map_err(|err| format!("not a valid cron expression: {err} ({EXPECTED})"))?;
    Ok(normalized)
}

impl Context<'_> {
    /// Validates the source at `index` of `[[sources]]`.
    pub(super) fn source(
        &self,
        index: usize,
        raw: RawSource,
        config_dir: &Path,
        global_rules: &[importers::taxonomy::Rule],
        taxonomy: &Arc<Taxonomy>,
    ) -> Result<SourceSettings, ConfigError> {
        let id_key = format!("sources[{index}].id");
        let id = match raw.id {
            Some(id) if valid_id(&id) => id,
            Some(id) => {
                let fix = "use lower-case letters, digits, '_' and '-' only, e.g. \"sepa\"";
                return Err(self.invalid(&id_key, quoted(&id), fix));
            }
            None => {
                let fix = "every source needs an id of [a-z0-9_-], e.g. id = \"sepa\"";
                return Err(self.invalid(&id_key, None, fix));
            }
        };
        let bad = |field: &str, value: Option<String>, problem: String| {
            self.invalid(&source_key(index, Some(&id), field), value, problem)
        };
        let name = match raw.name.as_deref().map(str::trim) {
            None => id.clone(),
            Some("") => return Err(bad("name", quoted(""), "empty; leave it out to use the id".into())),
            Some(name) => name.to_owned(),
        };
        let formats = Format::ALL.map(Format::as_str).join(", ");
        let format = match raw.format.as_deref() {
            None => return Err(bad("format", None, format!("expected one of: {formats}"))),
            Some(text) => Format::parse(text.trim())
                .ok_or_else(|| bad("format", quoted(text), format!("unknown format; expected one of: {formats}")))?,
        };
        let location = match raw.url.as_deref() {
            None => return Err(bad("url", None, LOCATION_FIX.into())),
            Some(text) => parse_location(text, config_dir)
                .map_err(|why| bad("url", quoted(&crate::fetch::redact::url_text(text)), why))?,
        };
        let schedule = normalize_cron(&raw.schedule).map_err(|why| bad("schedule", quoted(&raw.schedule), why))?;
        let trust = u8::try_from(raw.trust).ok().filter(|trust| *trust <= 100);
        let Some(trust) = trust else {
            return Err(bad("trust", Some(raw.trust.to_string()), "must be from 0 to 100".into()));
        };
        let mut options = options(raw.defaults, raw.codes, taxonomy, &bad)?;
        options.format_options = super::rules::format_options(format, raw.options, &bad)?;
        options.rules = super::rules::rules(&raw.rules, "rules", taxonomy, &bad)?;
        options.rules.extend(global_rules.iter().cloned());
        if raw.core_keywords.unwrap_or_else(|| super::rules::core_keywords_default(format)) {
            options.rules.extend(importers::taxonomy::core_rules());
        }
        let (enabled, republish, pinned) = (raw.enabled, raw.republish, raw.pinned);
        Ok(SourceSettings { id, name, format, location, schedule, enabled, trust, republish, pinned, options })
    }
}

pub(super) fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
}

/// `[sources.defaults]` and `[sources.codes]` as the parsers get them. `bad` builds an error
/// for a field of this source.
fn options(
    defaults: RawDefaults,
    codes: BTreeMap<String, String>,
    taxonomy: &Arc<Taxonomy>,
    bad: &dyn Fn(&str, Option<String>, String) -> ConfigError,
) -> Result<SourceOptions, ConfigError> {
    let timezone = defaults.timezone.trim();
    if timezone.parse::<chrono_tz::Tz>().is_err() {
        let fix = "not an IANA time zone; use e.g. \"America/New_York\", \"Europe/London\" or \"UTC\"";
        return Err(bad("defaults.timezone", quoted(&defaults.timezone), fix.into()));
    }
    let country = match defaults.country.as_deref().map(str::trim) {
        None => None,
        Some(code) if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Some(code.to_ascii_uppercase())
        }
        Some(code) => {
            let fix = "use an ISO 3166-1 alpha-2 code, e.g. \"US\" or \"GB\"";
            return Err(bad("defaults.country", quoted(code), fix.into()));
        }
    };
    let mut topics = Vec::with_capacity(defaults.topics.len());
    for text in &defaults.topics {
        let topic = super::topics::known(taxonomy, text, "defaults.topics", bad)?;
        if !topics.contains(&topic) {
            topics.push(topic);
        }
    }
    // Through serde, so the message lists GroupKind's variants as importers defines them.
    let kind = match defaults.kind.as_deref() {
        None => None,
        Some(text) => {
            let name = StrDeserializer::<serde::de::value::Error>::new(text.trim());
            Some(GroupKind::deserialize(name).map_err(|err| bad("defaults.kind", quoted(text), err.to_string()))?)
        }
    };
    let blank = |text: &String| text.trim().is_empty();
    if let Some((code, meaning)) = codes.iter().find(|(code, meaning)| blank(code) || blank(meaning)) {
        let problem = "type codes and their meanings must be non-empty".to_owned();
        return Err(bad(&format!("codes.{code:?}"), quoted(meaning), problem));
    }
    Ok(SourceOptions {
        timezone: timezone.to_owned(),
        country,
        topics,
        taxonomy: taxonomy.clone(),
        kind,
        code_overrides: codes,
        ..SourceOptions::default()
    })
}

const LOCATION_FIX: &str = "give an http(s):// URL, a file:// URL or a path relative to the config file";

/// `https://...` and `http://...` fetch over the network, `file://...` and plain paths read a
/// local file; plain relative paths are anchored at the config file's directory.
fn parse_location(text: &str, config_dir: &Path) -> Result<SourceLocation, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("empty; {LOCATION_FIX}"));
    }
    match url::Url::parse(text) {
        Ok(url) => match url.scheme() {
            "http" | "https" if url.host_str().is_some_and(|host| !host.is_empty()) => Ok(SourceLocation::Http(url)),
            "http" | "https" => Err("the URL has no host".to_owned()),
            "file" => url
                .to_file_path()
                .map(SourceLocation::File)
                .map_err(|()| "not a local absolute file:// URL, e.g. \"file:///srv/feeds/sepa.json\"".to_owned()),
            scheme => Err(format!("unsupported scheme {scheme:?}; use http://, https://, file:// or a plain path")),
        },
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let path = Path::new(text);
            Ok(SourceLocation::File(if path.is_absolute() { path.to_path_buf() } else { config_dir.join(path) }))
        }
        Err(err) => Err(format!("not a valid URL ({err})")),
    }
}
