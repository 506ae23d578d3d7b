//! Validation once per document: a document (by hash, with the operation that runs) that
//! passed async-graphql's full validation once passes every rule again that does not read the
//! variables, so later requests with it run on a schema in `ValidationMode::Fast`, provided
//! their variables' values are surely what the operation declares (`Verdicts::may_skip`).
//!
//! The one rule that reads variables (arguments of the correct type, with the variables put
//! in) is replaced by checking each declared variable's value against its declared type with
//! the schema's input types (read from the SDL at start) and the same scalar checks the
//! schema uses. The check only ever says yes when the full rule would: anything it does not
//! know for sure (a custom scalar it does not know, an explicit null, a negative `Int`, a
//! missing non-null variable) sends the request through full validation, which answers as
//! it always has. A document that failed, or whose answer has no data, is never marked.
//!
//! Bounded: at most `CAPACITY` verdicts, cleared when full.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use async_graphql::parser::types::{BaseType, ExecutableDocument, Type, TypeKind, TypeSystemDefinition};
use async_graphql::{Name, ScalarType, Value, Variables, ID};
use chrono::{DateTime, Utc};

use super::documents::operation as operation_of;
use super::topics::Topic;

/// The most verdicts kept.
const CAPACITY: usize = 4_000;

/// The documents that passed full validation, and the schema's input types; cheap to clone.
#[derive(Clone)]
pub struct Verdicts {
    passed: Arc<RwLock<HashSet<Key>>>,
    types: Arc<HashMap<String, Input>>,
}

/// A document's hash and the operation named in the request.
type Key = (String, Option<String>);

/// An input type, as the SDL defines it.
enum Input {
    /// A scalar this module checks as the schema does.
    Scalar(fn(&Value) -> bool),
    /// A scalar it does not know: never skipped.
    Unknown,
    Enum(HashSet<String>),
    /// Fields: their types and whether they have a default.
    Object(HashMap<String, (Type, bool)>),
}

impl Verdicts {
    /// The input types of the schema whose SDL this is; `None` when it does not parse (then
    /// every request is fully validated).
    pub fn new(sdl: &str) -> Option<Verdicts> {
        let doc = async_graphql::parser::parse_schema(sdl).ok()?;
        let mut types: HashMap<String, Input> = HashMap::new();
        for scalar in ["Int", "Float", "String", "Boolean", "ID"] {
            types.insert(scalar.to_owned(), builtin(scalar));
        }
        for def in doc.definitions {
            let TypeSystemDefinition::Type(def) = def else { continue };
            let def = def.node;
            let name = def.name.node.to_string();
            let input = match def.kind {
                TypeKind::Scalar => builtin(&name),
                TypeKind::Enum(e) => Input::Enum(e.values.into_iter().map(|v| v.node.value.node.to_string()).collect()),
                TypeKind::InputObject(o) if def.directives.is_empty() => Input::Object(
                    o.fields
                        .into_iter()
                        .map(|f| (f.node.name.node.to_string(), (f.node.ty.node, f.node.default_value.is_some())))
                        .collect(),
                ),
                // `@oneOf` and any other directive on an input: not this module's to judge.
                TypeKind::InputObject(_) => Input::Unknown,
                _ => continue,
            };
            types.insert(name, input);
        }
        Some(Verdicts { passed: Arc::default(), types: Arc::new(types) })
    }

    /// Whether this request may skip the rules already passed by its document: the document
    /// (kept under `hash`) passed full validation with this operation, and every variable
    /// the operation declares has a value its type surely accepts.
    pub fn may_skip(&self, hash: &str, operation: Option<&str>, doc: &ExecutableDocument, vars: &Variables) -> bool {
        let key = (hash.to_owned(), operation.map(str::to_owned));
        if !self.passed.read().unwrap_or_else(|e| e.into_inner()).contains(&key) {
            return false;
        }
        let Some(op) = operation_of(doc, operation) else { return false };
        op.variable_definitions.iter().all(|def| {
            let def = &def.node;
            match vars.get(&def.name.node) {
                // An explicit null may sit where the argument is non-null (a nullable
                // variable with a default): full validation judges it.
                Some(Value::Null) => false,
                Some(value) => self.accepts(&def.var_type.node, value),
                None => def.default_value.is_some() || def.var_type.node.nullable,
            }
        })
    }

    /// Notes that the document under `hash` passed full validation with this operation.
    pub fn passed(&self, hash: &str, operation: Option<&str>) {
        let mut passed = self.passed.write().unwrap_or_else(|e| e.into_inner());
        if passed.len() >= CAPACITY {
            passed.clear();
        }
        passed.insert((hash.to_owned(), operation.map(str::to_owned)));
    }

    /// Whether `value` is surely valid for `ty` (as async-graphql's input value check).
    fn accepts(&self, ty: &Type, value: &Value) -> bool {
        match value {
            Value::Null => ty.nullable,
            _ => match &ty.base {
                BaseType::List(item) => match value {
                    Value::List(items) => items.iter().all(|v| self.accepts(item, v)),
                    // A single value where a list goes is a list of one.
                    one => self.accepts(item, one),
                },
                BaseType::Named(name) => self.accepts_named(name, value),
            },
        }
    }

    fn accepts_named(&self, name: &Name, value: &Value) -> bool {
        match self.types.get(name.as_str()) {
            Some(Input::Scalar(valid)) => valid(value),
            Some(Input::Enum(values)) => match value {
                Value::Enum(v) => values.contains(v.as_str()),
                Value::String(v) => values.contains(v.as_str()),
                _ => false,
            },
            Some(Input::Object(fields)) => {
                let Value::Object(given) = value else { return false };
                given.keys().all(|k| fields.contains_key(k.as_str()))
                    && fields.iter().all(|(field, (ty, has_default))| match given.get(field.as_str()) {
                        Some(v) => self.accepts(ty, v),
                        None => *has_default || ty.nullable,
                    })
            }
            Some(Input::Unknown) | None => false,
        }
    }
}

/// The scalars checked as the schema checks them (the same functions); others are unknown.
fn builtin(name: &str) -> Input {
    Input::Scalar(match name {
        // Every integer type's check takes a non-negative i32 (signed ones take negatives,
        // unsigned ones do not, and the schema's `Int` may be either).
        "Int" => {
            |v| matches!(v, Value::Number(n) if n.as_i64().is_some_and(|n| (0..=i64::from(i32::MAX)).contains(&n)))
        }
        "Float" => <f64 as ScalarType>::is_valid,
        "String" => <String as ScalarType>::is_valid,
        "Boolean" => <bool as ScalarType>::is_valid,
        "ID" => <ID as ScalarType>::is_valid,
        "Topic" => <Topic as ScalarType>::is_valid,
        "DateTime" => <DateTime<Utc> as ScalarType>::is_valid,
        _ => return Input::Unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDL: &str = r#"
        scalar Topic
        scalar JSON
        enum Day { MONDAY TUESDAY }
        input Filter { topics: [Topic!] days: [Day!] text: String limit: Int! = 5 }
        input Near { latitude: Float! longitude: Float! radiusKm: Float }
        input Pick @oneOf { a: Int b: Int }
        type Query { groups(filter: Filter, near: Near, n: Int, pick: Pick, data: JSON): Int }
    "#;

    fn vars(json: serde_json::Value) -> Variables {
        Variables::from_json(json)
    }

    fn skips(query: &str, variables: serde_json::Value) -> bool {
        let v = Verdicts::new(SDL).expect("parses");
        let doc = async_graphql::parser::parse_query(query).unwrap();
        v.passed("h", None);
        v.may_skip("h", None, &doc, &vars(variables))
    }

    #[test]
    fn only_a_document_that_passed_is_skipped() {
        let v = Verdicts::new(SDL).unwrap();
        let doc = async_graphql::parser::parse_query("{ groups }").unwrap();
        assert!(!v.may_skip("h", None, &doc, &Variables::default()), "not yet validated");
        v.passed("h", None);
        assert!(v.may_skip("h", None, &doc, &Variables::default()));
        assert!(!v.may_skip("h", Some("Other"), &doc, &Variables::default()), "another operation");
        assert!(!v.may_skip("other", None, &doc, &Variables::default()), "another document");
    }

    #[test]
    fn variables_that_surely_fit_are_skipped() {
        let near = "query($lat: Float!, $lon: Float!) { groups(near: { latitude: $lat, longitude: $lon }) }";
        assert!(skips(near, serde_json::json!({ "lat": 51.5, "lon": -0.1 })));
        assert!(skips(near, serde_json::json!({ "lat": 51, "lon": 0 })), "an integer is a Float");
        let filter = "query($f: Filter, $n: Int) { groups(filter: $f, n: $n) }";
        assert!(skips(filter, serde_json::json!({ "f": { "topics": ["ANXIETY"], "days": ["MONDAY"] }, "n": 3 })));
        assert!(skips(filter, serde_json::json!({ "f": { "topics": "ANXIETY", "text": null } })), "one for a list");
        assert!(skips(filter, serde_json::json!({})), "nullable variables may be left out");
    }

    #[test]
    fn anything_unsure_is_fully_validated() {
        let near = "query($lat: Float!, $lon: Float!) { groups(near: { latitude: $lat, longitude: $lon }) }";
        let filter = "query($f: Filter, $n: Int) { groups(filter: $f, n: $n) }";
        let refused = [
            (near, serde_json::json!({ "lat": "51.5", "lon": 0 })),
            (near, serde_json::json!({ "lat": 51.5 })),
            (near, serde_json::json!({ "lat": null, "lon": 0 })),
            (filter, serde_json::json!({ "f": { "days": ["SUNDAY"] } })),
            (filter, serde_json::json!({ "f": { "topics": [1] } })),
            (filter, serde_json::json!({ "f": { "colour": "red" } })),
            (filter, serde_json::json!({ "f": { "limit": null } })),
            (filter, serde_json::json!({ "f": "not an object" })),
            (filter, serde_json::json!({ "n": -1 })),
            (filter, serde_json::json!({ "n": 3_000_000_000_u64 })),
            (filter, serde_json::json!({ "n": 1.5 })),
            ("query($p: Pick) { groups(pick: $p) }", serde_json::json!({ "p": { "a": 1 } })),
            ("query($d: JSON) { groups(data: $d) }", serde_json::json!({ "d": { "any": 1 } })),
        ];
        for (query, variables) in refused {
            assert!(!skips(query, variables.clone()), "{query} with {variables}");
        }
    }
}
