//! An answer as the JSON bytes an HTTP client receives: what `serde_json::to_vec` writes for a
//! `Response`, except that a `Value::Binary` is taken as JSON already rendered and copied in
//! as it is. Group nodes rendered once (`rendered`) come back as such bytes, so an answer of
//! 20 groups copies 20 slices instead of building and serialising 20 trees.
//!
//! Only requests that asked for this writer (the `rendered::Splice` marker, set by the HTTP
//! handlers that call `to_json`) ever hold such values: no output type of the schema is
//! binary, and every other transport serialises its answers with serde as before.

use async_graphql::{Response, Value};

use super::rendered::raw_json;

/// The response as JSON: `{"data":…}`, then `extensions` and `errors` when there are any, as
/// async-graphql's `Serialize` writes them.
pub fn to_json(resp: &Response) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(b"{\"data\":");
    write_value(&mut out, &resp.data)?;
    if !resp.extensions.is_empty() {
        out.extend_from_slice(b",\"extensions\":");
        serde_json::to_writer(&mut out, &resp.extensions)?;
    }
    if !resp.errors.is_empty() {
        out.extend_from_slice(b",\"errors\":");
        serde_json::to_writer(&mut out, &resp.errors)?;
    }
    out.push(b'}');
    Ok(out)
}

/// Appends `value` as JSON (strings and numbers as serde_json writes them); binary values are
/// copied as rendered JSON.
pub(super) fn write_value(out: &mut Vec<u8>, value: &Value) -> serde_json::Result<()> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Boolean(true) => out.extend_from_slice(b"true"),
        Value::Boolean(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => serde_json::to_writer(&mut *out, n)?,
        Value::String(s) => serde_json::to_writer(&mut *out, s.as_str())?,
        Value::Enum(name) => serde_json::to_writer(&mut *out, name.as_str())?,
        Value::Binary(json) => out.extend_from_slice(json),
        Value::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item)?;
            }
            out.push(b']');
        }
        Value::Object(fields) => {
            if let Some(json) = raw_json(value) {
                out.extend_from_slice(json.as_bytes());
                return Ok(());
            }
            out.push(b'{');
            for (i, (key, item)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, key.as_str())?;
                out.push(b':');
                write_value(out, item)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::{Name, ServerError};

    fn obj(fields: Vec<(&str, Value)>) -> Value {
        Value::Object(fields.into_iter().map(|(k, v)| (Name::new(k), v)).collect())
    }

    /// Without binary values, the bytes are serde_json's, byte for byte: escapes, numbers,
    /// enums, nesting, extensions and errors with their paths.
    #[test]
    fn writes_what_serde_json_writes() {
        let data = obj(vec![
            ("s", Value::String("quote \" backslash \\ newline \n tab \t nul \u{0} é 漢 \u{1F600}".into())),
            ("ints", Value::List(vec![Value::from(0), Value::from(-7), Value::from(i64::MAX), Value::from(u64::MAX)])),
            ("floats", Value::List(vec![Value::from(0.1), Value::from(-1.5e-9), Value::from(1e300), Value::from(3.0)])),
            ("e", Value::Enum(Name::new("IN_PERSON"))),
            ("flags", Value::List(vec![Value::Boolean(true), Value::Boolean(false), Value::Null])),
            ("empty", obj(vec![])),
            ("none", Value::List(vec![])),
            ("nested", obj(vec![("k\"ey", obj(vec![("deep", Value::List(vec![obj(vec![("x", Value::from(1))])]))]))])),
        ]);
        let cases = [
            Response::new(data.clone()),
            Response::new(Value::Null),
            Response::from_errors(vec![ServerError::new("no such thing", None)]),
            Response::new(data).extension("cost", Value::from(12)),
        ];
        for mut resp in cases {
            assert_eq!(to_json(&resp).unwrap(), serde_json::to_vec(&resp).unwrap());
            let mut err = ServerError::new("bad \"input\"", Some(async_graphql::Pos { line: 3, column: 9 }));
            err.path = vec![async_graphql::PathSegment::Field("groups".into()), async_graphql::PathSegment::Index(2)];
            resp.errors.push(err);
            assert_eq!(to_json(&resp).unwrap(), serde_json::to_vec(&resp).unwrap());
        }
    }

    /// A binary value is copied in as JSON.
    #[test]
    fn binary_values_are_rendered_json() {
        let node = bytes::Bytes::from_static(br#"{"id":"g1","name":"Life \"or\" Death"}"#);
        let data = obj(vec![("edges", Value::List(vec![obj(vec![("node", Value::Binary(node))])]))]);
        let json = to_json(&Response::new(data)).unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(parsed["data"]["edges"][0]["node"]["name"], "Life \"or\" Death");
    }
}
