//! The canonical form of a listing and its content hash: what "this listing did not change"
//! means, independent of how serde lays a struct out.
//!
//! The canonical form (scheme `CONTENT_SCHEME`) is the listing's JSON value, without its
//! `external_id` (the source's key, not content), written with:
//! - object keys in bytewise order at every depth (so field order in the struct is irrelevant);
//! - members whose value is `null`, `[]` or `{}` (after the same rule applied inside) left
//!   out, so an optional field that is absent, `None` or empty is the same content, and a new
//!   optional field added to `Listing` leaves every existing hash as it was;
//! - no whitespace, strings and numbers as `serde_json` writes them (shortest round-trip for
//!   floats), the scheme's tag first.
//!
//! Renaming a field, or changing what a value means, changes the content: that is a new
//! scheme, and the store re-hashes at open (see `store::version`).

use importers::Listing;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The canonical form's version, hashed with it.
pub const CONTENT_SCHEME: &str = "c1";

/// Content hash of a normalised listing over its canonical form: 32 hex digits.
pub fn content_hash(listing: &Listing) -> String {
    let bytes = canonical_bytes(listing);
    let digest = Sha256::digest(&bytes);
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The canonical form's bytes (scheme tag, `\n`, canonical JSON).
pub fn canonical_bytes(listing: &Listing) -> Vec<u8> {
    let mut value = serde_json::to_value(listing).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.remove("external_id");
    }
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(CONTENT_SCHEME.as_bytes());
    out.push(b'\n');
    if let Some(v) = prune(value) {
        write(&v, &mut out);
    }
    out
}

/// The value without empty members, or `None` when it is empty itself.
fn prune(v: Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::Array(items) => {
            let items: Vec<Value> = items.into_iter().map(|i| prune(i).unwrap_or(Value::Null)).collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        Value::Object(map) => {
            let map: serde_json::Map<String, Value> =
                map.into_iter().filter_map(|(k, v)| prune(v).map(|v| (k, v))).collect();
            (!map.is_empty()).then_some(Value::Object(map))
        }
        other => Some(other),
    }
}

fn write(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_scalar(&Value::String(k.clone()), out);
                out.push(b':');
                write(v, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out);
            }
            out.push(b']');
        }
        scalar => write_scalar(scalar, out),
    }
}

fn write_scalar(v: &Value, out: &mut Vec<u8>) {
    // Writing a JSON scalar into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, v);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Listing {
        Listing {
            external_id: "a1".into(),
            name: "Serenity".into(),
            description: Some("Open discussion".into()),
            languages: vec!["en".into()],
            active: true,
            ..Default::default()
        }
    }

    #[test]
    fn field_order_and_key_order_do_not_matter() {
        let bytes = canonical_bytes(&sample());
        let text = String::from_utf8(bytes).unwrap();
        let json = text.strip_prefix("c1\n").unwrap();
        let keys: Vec<String> =
            serde_json::from_str::<serde_json::Map<String, Value>>(json).unwrap().keys().cloned().collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert!(!json.contains("null") && !json.contains("[]") && !json.contains("external_id"), "{json}");
    }

    #[test]
    fn absent_none_and_empty_are_one_content_but_values_are_not() {
        let a = sample();
        let b = Listing { external_id: "other id".into(), group: None, origins: vec![], ..sample() };
        assert_eq!(content_hash(&a), content_hash(&b), "the source's key is not content");
        // An optional member added as null, or an empty object, is the same content.
        let mut v = serde_json::to_value(&a).unwrap();
        v["some_new_field"] = Value::Null;
        v["another"] = serde_json::json!({ "inner": null, "list": [] });
        assert_eq!(prune(v.clone()).map(|v| v.get("another").is_none()), Some(true));
        let changed = Listing { name: "Serenity Group".into(), ..sample() };
        assert_ne!(content_hash(&a), content_hash(&changed));
        let inactive = Listing { active: false, ..sample() };
        assert_ne!(content_hash(&a), content_hash(&inactive), "false is a value, not an absence");
    }
}
