//! BMLT's side documents: the formats table and the service bodies, and what a format means.
//!
//! Formats come as the Admin API v1 table (`id`, `worldId`, `translations[{key, name,
//! language}]`) or the semantic `GetFormats` rows (`id`, `key_string`, `name_string`,
//! `world_id`, `lang`), English preferred. A format's `worldId` is the NAWS code shared by
//! every BMLT server (OPEN, CLOSED, BEG, LANG, WCHR, HYBR...); [`meaning`] says what such a
//! code tells a listing. Service bodies (`id`, `name`) give the organisation's name.

use std::collections::HashMap;

use serde_json::Value;

use crate::model::{Accessibility, Audience};

/// One format, in English when the table has it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Format {
    pub key: String,
    pub world_id: Option<String>,
    pub name: Option<String>,
}

/// The formats table, by id (and searched by local key).
#[derive(Debug, Clone, Default)]
pub(super) struct Formats {
    by_id: HashMap<String, Format>,
}

impl Formats {
    /// Reads a formats document (either shape).
    pub fn read(bytes: &[u8]) -> Result<Formats, String> {
        match serde_json::from_slice::<Value>(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
            Ok(Value::Array(items)) => Ok(Formats::from_items(&items)),
            Ok(_) => Err("expected a JSON array of formats".to_owned()),
            Err(e) => Err(format!("invalid JSON: {e}")),
        }
    }

    /// Reads format objects; rows of other languages only fill in what English lacks.
    pub fn from_items(items: &[Value]) -> Formats {
        let mut by_id: HashMap<String, (Format, bool)> = HashMap::new();
        for obj in items.iter().filter_map(Value::as_object) {
            let s = |k: &str| match obj.get(k) {
                Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            let Some(id) = s("id") else { continue };
            let world_id = s("worldId").or_else(|| s("world_id"));
            let rows: Vec<(Option<String>, Option<String>, bool)> = match obj.get("translations") {
                Some(Value::Array(ts)) => ts
                    .iter()
                    .filter_map(Value::as_object)
                    .map(|t| {
                        let get = |k: &str| t.get(k).and_then(Value::as_str).map(str::trim).map(str::to_owned);
                        (get("key"), get("name"), get("language").as_deref() == Some("en"))
                    })
                    .collect(),
                _ => vec![(s("key_string"), s("name_string"), s("lang").as_deref().is_none_or(|l| l == "en"))],
            };
            for (key, name, english) in rows {
                let Some(key) = key.filter(|k| !k.is_empty()) else { continue };
                let format = Format { key, world_id: world_id.clone(), name };
                match by_id.get(&id) {
                    Some((_, true)) => {}
                    Some((_, false)) if !english => {}
                    _ => {
                        by_id.insert(id.clone(), (format, english));
                    }
                }
            }
        }
        Formats { by_id: by_id.into_iter().map(|(id, (f, _))| (id, f)).collect() }
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn by_id(&self, id: &str) -> Option<&Format> {
        self.by_id.get(id)
    }

    /// By local key: exactly, then ignoring case.
    pub fn by_key(&self, key: &str) -> Option<&Format> {
        let mut exact: Vec<&Format> = self.by_id.values().filter(|f| f.key == key).collect();
        if exact.is_empty() {
            exact = self.by_id.values().filter(|f| f.key.eq_ignore_ascii_case(key)).collect();
        }
        exact.sort_by(|a, b| (&a.world_id, &a.name).cmp(&(&b.world_id, &b.name)));
        exact.into_iter().next()
    }
}

/// Service body names by id.
#[derive(Debug, Clone, Default)]
pub(super) struct ServiceBodies(HashMap<String, String>);

impl ServiceBodies {
    /// Reads a service bodies document (v1 or semantic `GetServiceBodies`).
    pub fn read(bytes: &[u8]) -> Result<ServiceBodies, String> {
        let items = match serde_json::from_slice::<Value>(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
            Ok(Value::Array(items)) => items,
            Ok(_) => return Err("expected a JSON array of service bodies".to_owned()),
            Err(e) => return Err(format!("invalid JSON: {e}")),
        };
        let mut names = HashMap::new();
        for obj in items.iter().filter_map(Value::as_object) {
            let id = match obj.get("id") {
                Some(Value::String(s)) => s.trim().to_owned(),
                Some(Value::Number(n)) => n.to_string(),
                _ => continue,
            };
            if let Some(name) = obj.get("name").and_then(Value::as_str).and_then(crate::normalize::text::plain_line) {
                names.insert(id, name);
            }
        }
        Ok(ServiceBodies(names))
    }

    pub fn name(&self, id: &str) -> Option<&str> {
        self.0.get(id).map(String::as_str)
    }
}

/// What a NAWS world id says about a listing.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Meaning {
    Open(bool),
    Audience(Audience),
    Access(Accessibility),
    /// BCP 47 tags, read from the format's key and name.
    Languages(Vec<String>),
    SignLanguage,
    Hybrid,
    Online,
    TemporarilyClosed,
}

/// The meaning of a world id, given the format's local key and name (for languages).
pub(super) fn meaning(world_id: &str, key: &str, name: Option<&str>) -> Option<Meaning> {
    Some(match world_id.trim().to_ascii_uppercase().as_str() {
        "OPEN" => Meaning::Open(true),
        "CLOSED" => Meaning::Open(false),
        "BEG" => Meaning::Audience(Audience::Newcomers),
        "W" => Meaning::Audience(Audience::Women),
        "M" => Meaning::Audience(Audience::Men),
        "Y" => Meaning::Audience(Audience::YoungPeople),
        "GL" => Meaning::Audience(Audience::Lgbtq),
        "WCHR" => Meaning::Access(Accessibility::WheelchairAccess),
        "ASL" => Meaning::SignLanguage,
        "HYBR" => Meaning::Hybrid,
        "VM" => Meaning::Online,
        "TC" => Meaning::TemporarilyClosed,
        "LANG" => Meaning::Languages(languages(key, name)),
        _ => return None,
    })
}

/// Language tags of a LANG format: from its English name ("Lithuanian/Russian"), else its
/// key ("ES", "FIN").
fn languages(key: &str, name: Option<&str>) -> Vec<String> {
    const NAMES: [(&str, &str); 22] = [
        ("english", "en"),
        ("spanish", "es"),
        ("espanol", "es"),
        ("español", "es"),
        ("french", "fr"),
        ("german", "de"),
        ("italian", "it"),
        ("portuguese", "pt"),
        ("russian", "ru"),
        ("polish", "pl"),
        ("lithuanian", "lt"),
        ("finnish", "fi"),
        ("swedish", "sv"),
        ("danish", "da"),
        ("dutch", "nl"),
        ("persian", "fa"),
        ("farsi", "fa"),
        ("arabic", "ar"),
        ("japanese", "ja"),
        ("greek", "el"),
        ("hebrew", "he"),
        ("ukrainian", "uk"),
    ];
    const KEYS: [(&str, &str); 14] = [
        ("ENG", "en"),
        ("SPA", "es"),
        ("ESP", "es"),
        ("FRA", "fr"),
        ("FRE", "fr"),
        ("GER", "de"),
        ("DEU", "de"),
        ("ITA", "it"),
        ("POR", "pt"),
        ("RUS", "ru"),
        ("POL", "pl"),
        ("FIN", "fi"),
        ("PER", "fa"),
        ("SWE", "sv"),
    ];
    let words: Vec<String> = name
        .unwrap_or_default()
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let mut tags: Vec<String> = Vec::new();
    for word in &words {
        if let Some((_, tag)) = NAMES.iter().find(|(n, _)| n == word) {
            if !tags.iter().any(|t| t == tag) {
                tags.push((*tag).to_owned());
            }
        }
    }
    if tags.is_empty() {
        let key = key.trim().to_ascii_uppercase();
        if let Some((_, tag)) = KEYS.iter().find(|(k, _)| *k == key) {
            tags.push((*tag).to_owned());
        } else if key.len() == 2 && key.chars().all(|c| c.is_ascii_alphabetic()) {
            tags.push(key.to_ascii_lowercase());
        }
    }
    tags
}
