//! Where group events rendered once per subscription selection are kept (`Keep::Event`): an
//! event goes to every subscriber it matches (thousands, for a popular filter), and those with
//! the same selection get the same JSON, so it is resolved and written once and shared.
//!
//! A render is kept by the selection's fingerprint and the event's document (the `Arc` the bus
//! hands every subscriber, held by the entry, so its address cannot be reused while kept).
//! Subscriptions are served by async-graphql's transports, which serialise with serde: the
//! render goes out as serde_json's raw value (the `RAW_VALUE_TOKEN` object), which they copy
//! in as it is. Bounded: at most `CAPACITY` renders, cleared when full.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::indexmap::IndexMap;
use async_graphql::{Name, Value};
use async_graphql_value::RAW_VALUE_TOKEN;

use crate::model::StoredGroup;

/// The most event renders kept.
const CAPACITY: usize = 4_096;

/// Event renders by (selection, document address); cheap to clone.
#[derive(Clone, Default)]
pub struct EventRenders {
    kept: Arc<Mutex<HashMap<(u64, usize), Kept>>>,
}

/// The document a render was made from (held, so its address stays its own) and the JSON.
type Kept = (Arc<StoredGroup>, String);

impl EventRenders {
    pub(super) fn get(&self, selection: u64, group: &Arc<StoredGroup>) -> Option<String> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(&(selection, Arc::as_ptr(group) as usize)).map(|(_, json)| json.clone())
    }

    pub(super) fn put(&self, selection: u64, group: &Arc<StoredGroup>, json: String) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= CAPACITY {
            kept.clear();
        }
        kept.insert((selection, Arc::as_ptr(group) as usize), (group.clone(), json));
    }
}

/// JSON that serde_json (and `answer::write_value`) write as it is.
pub(super) fn raw(json: String) -> Value {
    static TOKEN: OnceLock<Name> = OnceLock::new();
    let token = TOKEN.get_or_init(|| Name::new(RAW_VALUE_TOKEN)).clone();
    let mut fields = IndexMap::with_capacity(1);
    fields.insert(token, Value::String(json));
    Value::Object(fields)
}

/// The JSON of a `raw` value.
pub(in crate::graphql) fn raw_json(value: &Value) -> Option<&str> {
    match value {
        Value::Object(fields) if fields.len() == 1 => match fields.get(RAW_VALUE_TOKEN) {
            Some(Value::String(json)) => Some(json),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A raw value is serialised as the JSON it holds, by serde_json and into a serde value
    /// (as the WebSocket and SSE transports write answers).
    #[test]
    fn raw_values_serialise_as_their_json() {
        let json = r#"{"id":"g1","meetings":[{"weekday":"MONDAY"}]}"#.to_owned();
        let value = raw(json.clone());
        assert_eq!(serde_json::to_string(&value).unwrap(), json);
        let tree = serde_json::to_value(&value).unwrap();
        assert_eq!(tree["meetings"][0]["weekday"], "MONDAY");
        assert_eq!(raw_json(&value), Some(json.as_str()));
    }

    #[test]
    fn renders_are_kept_by_selection_and_document() {
        let renders = EventRenders::default();
        let mut groups = crate::finder::tests::gen::groups(7, 1);
        let one = Arc::new(groups.remove(0));
        let other = Arc::new((*one).clone());
        renders.put(1, &one, "{\"id\":\"a\"}".into());
        assert_eq!(renders.get(1, &one).as_deref(), Some("{\"id\":\"a\"}"));
        assert_eq!(renders.get(2, &one), None, "another selection");
        assert_eq!(renders.get(1, &other), None, "another event's document, even with the same content");
    }
}
