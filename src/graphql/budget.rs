//! What a query may ask for, judged on its parsed document before anything runs: nesting
//! depth, root fields, aliases, and a cost that reflects the work (each search and facet
//! count is an index scan, and a page of `first: N` items costs N times what each item
//! selects).
//!
//! Fragments are judged once each and their results reused wherever they are spread, so the
//! check takes time in proportion to the document's length, however the fragments nest (a
//! fragment spread twice in each of 30 nested fragments is 2^30 fields when expanded, and is
//! refused after reading it once). Every count saturates rather than overflows.
//!
//! The check runs before async-graphql's own validation, whose walks expand fragments: a
//! document that passes here has at most `cost` fields when expanded, which bounds them.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet};
use async_graphql::{Name, Positioned, Request, ServerResult, Value as ConstValue, Variables};
use async_graphql_value::Value;

/// The limits a document is held to.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Deepest nesting of fields, fragments included.
    pub depth: usize,
    /// Highest cost (see `field_cost`).
    pub cost: usize,
    /// Largest page a connection serves: `first: 1000` costs as much as the page it gets.
    pub page: usize,
    /// Most root fields in one operation, aliases of one field included.
    pub root_fields: usize,
    /// Most aliased fields in one operation, counted where they are spread.
    pub aliases: usize,
    /// Whether `__schema` and `__type` may be asked for.
    pub introspection: bool,
}

/// What a document asks for, per operation (the most of any operation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Demand {
    pub depth: u64,
    pub cost: u64,
    pub root_fields: u64,
    pub aliases: u64,
    /// Asks for `__schema` or `__type`.
    pub introspects: bool,
}

/// A search over the index (`groups`, `upcoming`): it reads every matching group's postings.
const SEARCH_COST: u64 = 25;
/// A facet count runs one search per facet with its own filter removed.
const FACETS_COST: u64 = 50;
/// A prefix lookup in the gazetteer.
const PLACES_COST: u64 = 10;

/// Page sizes of the list fields that take `first`/`last`, when a query gives none.
const DEFAULT_PAGES: &[(&str, u64)] = &[("groups", 20), ("upcoming", 20), ("places", 10), ("runs", 10)];

impl Budget {
    /// Refuses a document that asks for more than this budget, with a message that says which
    /// limit and by how much.
    pub fn check(&self, doc: &ExecutableDocument, variables: &Variables) -> Result<Demand, String> {
        let demand = self.measure(doc, variables)?;
        if demand.introspects && !self.introspection {
            return Err("introspection is switched off on this server (server.introspection)".to_owned());
        }
        let over = |what: &str, got: u64, limit: usize, fix: &str| {
            Err(format!("the query's {what} is {got}, over the limit of {limit}; {fix}"))
        };
        if demand.depth > self.depth as u64 {
            return over("depth", demand.depth, self.depth, "it is nested too deep; select fewer nested fields");
        }
        if demand.root_fields > self.root_fields as u64 {
            return over(
                "number of root fields",
                demand.root_fields,
                self.root_fields,
                "send fewer root fields or aliases per request",
            );
        }
        if demand.aliases > self.aliases as u64 {
            return over("number of aliased fields", demand.aliases, self.aliases, "send fewer aliases per request");
        }
        if demand.cost > self.cost as u64 {
            return over(
                "cost",
                demand.cost,
                self.cost,
                "ask for smaller pages (`first`), fewer searches or fewer fields per item",
            );
        }
        Ok(demand)
    }

    /// The demand of the document's costliest operation.
    pub fn measure(&self, doc: &ExecutableDocument, variables: &Variables) -> Result<Demand, String> {
        let mut most = Demand::default();
        for (_, op) in doc.operations.iter() {
            let mut walk = Walk { budget: self, doc, op: &op.node, variables, fragments: HashMap::new() };
            let set = walk.selection_set(&op.node.selection_set.node)?;
            most.depth = most.depth.max(set.depth);
            most.cost = most.cost.max(set.cost);
            most.root_fields = most.root_fields.max(set.fields);
            most.aliases = most.aliases.max(set.aliases);
            most.introspects |= set.introspects;
        }
        Ok(most)
    }
}

impl Budget {
    /// Refuses the request when its document asks for more than this budget
    /// (`QUERY_TOO_COMPLEX`, or `INTROSPECTION_DISABLED`); a query that does not parse goes
    /// on as it is, for the schema to report.
    pub fn judge(&self, request: &mut Request) -> ServerResult<()> {
        // Taken out and put back, not cloned: `parsed_query` borrows the request mutably.
        let variables = std::mem::take(&mut request.variables);
        let judged = request.parsed_query().ok().map(|doc| self.check(doc, &variables));
        request.variables = variables;
        match judged {
            Some(Err(m)) => {
                let code = if m.starts_with("introspection") { "INTROSPECTION_DISABLED" } else { "QUERY_TOO_COMPLEX" };
                Err(super::errors::coded(m, code))
            }
            _ => Ok(()),
        }
    }
}

/// What a selection set adds up to.
#[derive(Debug, Clone, Copy, Default)]
struct Sum {
    depth: u64,
    cost: u64,
    /// Fields at this level (through fragments).
    fields: u64,
    aliases: u64,
    introspects: bool,
}

impl Sum {
    fn add(&mut self, other: Sum) {
        self.depth = self.depth.max(other.depth);
        self.cost = self.cost.saturating_add(other.cost);
        self.fields = self.fields.saturating_add(other.fields);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.introspects |= other.introspects;
    }
}

/// A fragment being judged, or judged.
enum Judged {
    InProgress,
    Done(Sum),
}

struct Walk<'a> {
    budget: &'a Budget,
    doc: &'a ExecutableDocument,
    op: &'a OperationDefinition,
    variables: &'a Variables,
    fragments: HashMap<&'a Name, Judged>,
}

impl<'a> Walk<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet) -> Result<Sum, String> {
        let mut sum = Sum::default();
        for item in &set.items {
            match &item.node {
                Selection::Field(f) => sum.add(self.field(&f.node)?),
                Selection::InlineFragment(inline) => sum.add(self.selection_set(&inline.node.selection_set.node)?),
                Selection::FragmentSpread(spread) => sum.add(self.fragment(&spread.node.fragment_name.node)?),
            }
        }
        Ok(sum)
    }

    /// A fragment's sum, judged the first time it is spread and reused after.
    fn fragment(&mut self, name: &'a Name) -> Result<Sum, String> {
        match self.fragments.get(name) {
            Some(Judged::Done(sum)) => return Ok(*sum),
            Some(Judged::InProgress) => return Err(format!("fragment {name} spreads itself")),
            None => {}
        }
        // An unknown fragment adds nothing here; validation names it.
        let Some(def) = self.doc.fragments.get(name) else { return Ok(Sum::default()) };
        self.fragments.insert(name, Judged::InProgress);
        let sum = self.selection_set(&def.node.selection_set.node)?;
        self.fragments.insert(name, Judged::Done(sum));
        Ok(sum)
    }

    /// One field: 1, plus the scan it runs, plus its page size times what each item selects.
    fn field(&mut self, field: &'a Field) -> Result<Sum, String> {
        let children = self.selection_set(&field.selection_set.node)?;
        let name = field.name.node.as_str();
        let scan = match name {
            "groups" | "upcoming" => SEARCH_COST,
            "facets" => FACETS_COST,
            "places" => PLACES_COST,
            _ => 0,
        };
        let per_item = if field.selection_set.node.items.is_empty() { 0 } else { children.cost };
        let cost = 1u64.saturating_add(scan).saturating_add(self.items(field).saturating_mul(per_item));
        let depth = if field.selection_set.node.items.is_empty() { 1 } else { children.depth.saturating_add(1) };
        Ok(Sum {
            depth,
            cost,
            fields: 1,
            aliases: u64::from(field.alias.is_some()).saturating_add(children.aliases),
            introspects: children.introspects || matches!(name, "__schema" | "__type"),
        })
    }

    /// How many items a field returns at most, as far as its arguments tell: `first`/`last`
    /// (capped at the page limit), the number of `_entities` representations, else the
    /// field's default page, else one.
    fn items(&self, field: &Field) -> u64 {
        let arg = |key: &str| field.arguments.iter().find(|(n, _)| n.node.as_str() == key).map(|(_, v)| &v.node);
        let page = self.budget.page as u64;
        for key in ["first", "last"] {
            if let Some(n) = arg(key).and_then(|v| self.resolve(v)).and_then(|v| int(&v)) {
                return n.min(page);
            }
        }
        let name = field.name.node.as_str();
        if name == "_entities" {
            return match arg("representations").and_then(|v| self.resolve(v)) {
                Some(ConstValue::List(items)) => items.len() as u64,
                _ => 1,
            }
            .max(1);
        }
        DEFAULT_PAGES.iter().find(|(n, _)| *n == name).map_or(1, |(_, size)| (*size).min(page))
    }

    /// An argument's value, variables resolved (from the request, else their defaults).
    fn resolve(&self, value: &Value) -> Option<ConstValue> {
        value.clone().into_const_with(|var| self.variable(&var).ok_or(())).ok()
    }

    fn variable(&self, var: &Name) -> Option<ConstValue> {
        if let Some(v) = self.variables.get(var) {
            return Some(v.clone());
        }
        let def = self.op.variable_definitions.iter().find(|d| d.node.name.node == *var)?;
        def.node.default_value.as_ref().map(|d: &Positioned<_>| d.node.clone())
    }
}

fn int(value: &ConstValue) -> Option<u64> {
    match value {
        ConstValue::Number(n) => n.as_u64(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUDGET: Budget =
        Budget { depth: 20, cost: 2_000, page: 100, root_fields: 20, aliases: 30, introspection: true };

    fn demand(query: &str, variables: serde_json::Value) -> Result<Demand, String> {
        let doc = async_graphql::parser::parse_query(query).expect("parses");
        BUDGET.check(&doc, &Variables::from_json(variables))
    }

    #[test]
    fn nested_fragments_are_judged_once_each() {
        let mut q = String::from("{ ...f30 } fragment f0 on Query { groups(first: 1) { totalCount } }");
        for i in 1..=30 {
            q.push_str(&format!(" fragment f{i} on Query {{ ...f{p} ...f{p} }}", p = i - 1));
        }
        let err = demand(&q, serde_json::json!({})).unwrap_err();
        assert!(err.contains("root fields is 1073741824"), "{err}");
    }

    #[test]
    fn a_fragment_that_spreads_itself_is_refused() {
        let err = demand("{ ...a } fragment a on Query { ...b } fragment b on Query { ...a }", serde_json::json!({}))
            .unwrap_err();
        assert!(err.contains("spreads itself"), "{err}");
    }

    #[test]
    fn page_sizes_multiply_what_each_item_selects() {
        let small = demand("{ groups(first: 10) { edges { node { id name } } } }", serde_json::json!({})).unwrap();
        let large = demand(
            "query($n: Int) { groups(first: $n) { edges { node { id name } } } }",
            serde_json::json!({ "n": 100 }),
        )
        .unwrap();
        assert_eq!(small.cost, 1 + 25 + 10 * (1 + 1 + 2));
        assert_eq!(large.cost, 1 + 25 + 100 * (1 + 1 + 2));
        let capped = demand("{ groups(first: 100000) { edges { node { id } } } }", serde_json::json!({})).unwrap();
        assert_eq!(capped.cost, 1 + 25 + 100 * 3, "a page never exceeds the server's largest");
    }

    #[test]
    fn many_aliased_searches_are_refused() {
        let fields: String =
            (0..150).map(|i| format!("a{i}: groups(first: 100) {{ edges {{ node {{ id }} }} }} ")).collect();
        let err = demand(&format!("{{ {fields} }}"), serde_json::json!({})).unwrap_err();
        assert!(err.contains("root fields is 150"), "{err}");
        let fields: String =
            (0..15).map(|i| format!("a{i}: groups(first: 100) {{ edges {{ node {{ id }} }} }} ")).collect();
        let err = demand(&format!("{{ {fields} }}"), serde_json::json!({})).unwrap_err();
        assert!(err.contains("cost is 4890"), "{err}");
    }

    #[test]
    fn the_main_query_with_facets_fits() {
        let q = "query($n: Int) { groups(first: $n, filter: { topics: [ALCOHOL] }) { totalCount \
                 facets { topics { value count } kinds { value count } weekdays { value count } } \
                 edges { cursor node { id name kind topics meetings { weekday startTime timezone } } } \
                 pageInfo { hasNextPage endCursor } } }";
        let d = demand(q, serde_json::json!({ "n": 20 })).unwrap();
        assert!(d.cost < 2_000, "{d:?}");
        assert_eq!(d.depth, 5);
    }
}
