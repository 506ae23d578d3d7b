//! Facet counts as a shop's filter sidebar shows them: each facet counted with the other
//! filters applied and its own left out, each count what the query with that one value
//! selected returns as `totalCount`, and what the feeds say.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::finder_filters;
use crate::finder_support::{fold, has_code, haversine_km, point, total, Expected};
use crate::helpers::TestApp;

/// The faceted fields, as `Facets` and `GroupFilter` both spell them.
const FACETS: [&str; 6] = ["topics", "kinds", "attendance", "weekdays", "timeOfDay", "languages"];

const QUERY: &str = "query($f: GroupFilter, $n: NearInput) { groups(filter: $f, near: $n, first: 1) { totalCount \
    facets { topics { value count } kinds { value count } attendance { value count } weekdays { value count } \
    timeOfDay { value count } languages { value count } } } }";

/// A group's values of one faceted field.
fn values(g: &Expected, facet: &str) -> BTreeSet<String> {
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    match facet {
        "topics" => own(&[g.topic]),
        "kinds" => own(&[g.kind]),
        "attendance" => own(&[g.attendance()]),
        "weekdays" => g.weekdays().into_iter().map(str::to_owned).collect(),
        "timeOfDay" => g.parts_of_day().into_iter().map(str::to_owned).collect(),
        "languages" => g.languages().into_iter().map(str::to_owned).collect(),
        other => panic!("not a facet: {other}"),
    }
}

/// Whether a group passes a filter of faceted fields, `open` and a one-word `text` over the
/// name, leaving out the field `skip`.
fn passes(g: &Expected, filter: &Value, skip: Option<&str>) -> bool {
    let fields = filter.as_object().expect("a filter object");
    fields.iter().filter(|(k, _)| Some(k.as_str()) != skip).all(|(k, v)| match k.as_str() {
        "open" => {
            let (o, c) = (g.any(|r| has_code(r, "O")), g.any(|r| has_code(r, "C")));
            let open = match (o, c) {
                (true, false) => Some(true),
                (false, true) => Some(false),
                _ => None,
            };
            open == v.as_bool()
        }
        "text" => {
            let word = fold(v.as_str().unwrap());
            fold(&g.name).split(|c: char| !c.is_alphanumeric()).any(|t| t.starts_with(&word))
        }
        facet => {
            let mine = values(g, facet);
            v.as_array().unwrap().iter().any(|x| mine.contains(x.as_str().unwrap()))
        }
    })
}

/// What the facets of `filter` should say: per field, value -> count of the groups that pass
/// every other field and have the value (values are spelt as the filter takes them: enum
/// names, and languages as lower-case tags).
fn expected_facets(groups: &[&Expected], filter: &Value) -> BTreeMap<&'static str, BTreeMap<String, usize>> {
    FACETS
        .iter()
        .map(|&facet| {
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for g in groups.iter().filter(|g| passes(g, filter, Some(facet))) {
                for v in values(g, facet) {
                    *counts.entry(v).or_default() += 1;
                }
            }
            (facet, counts)
        })
        .collect()
}

fn with_field(filter: &Value, key: &str, value: Value) -> Value {
    let mut f = filter.clone();
    f[key] = value;
    f
}

/// Checks one filter's facets against the feeds and against the filtered totals.
async fn check(app: &TestApp, groups: &[&Expected], filter: Value, near: Value) {
    let d = app.gql(QUERY, json!({ "f": filter, "n": near })).await;
    let conn = &d["groups"];
    let hits = groups.iter().filter(|g| passes(g, &filter, None)).count();
    assert_eq!(conn["totalCount"].as_u64().unwrap() as usize, hits, "totalCount of {filter}");
    let want = expected_facets(groups, &filter);
    for facet in FACETS {
        let list = conn["facets"][facet].as_array().unwrap_or_else(|| panic!("facets.{facet}: {conn}"));
        let got: BTreeMap<String, usize> = list
            .iter()
            .map(|fc| (fc["value"].as_str().unwrap().to_owned(), fc["count"].as_u64().unwrap() as usize))
            .collect();
        assert_eq!(got.len(), list.len(), "facets.{facet} names a value twice: {list:?}");
        assert_eq!(got, want[facet], "facets.{facet} of {filter} near {near}");
        let order: Vec<(i64, &str)> =
            list.iter().map(|fc| (-fc["count"].as_i64().unwrap(), fc["value"].as_str().unwrap())).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "facets.{facet}: most frequent first, then by value");
        for (value, count) in &got {
            let selected = with_field(&filter, facet, json!([value]));
            let found = if near.is_null() {
                total(app, selected.clone()).await
            } else {
                let q =
                    "query($f: GroupFilter, $n: NearInput) { groups(filter: $f, near: $n, first: 1) { totalCount } }";
                app.gql(q, json!({ "f": selected, "n": near })).await["groups"]["totalCount"].as_u64().unwrap() as usize
            };
            assert_eq!(found, *count, "facets.{facet} says {count} for {value}; {selected} finds {found}");
        }
    }
}

#[tokio::test]
async fn facets_count_each_value_with_the_other_filters_and_without_their_own() {
    let (app, groups) = finder_filters::app().await;
    let all: Vec<&Expected> = groups.iter().collect();
    let filters = [
        json!({}),
        json!({ "weekdays": ["MONDAY"] }),
        json!({ "weekdays": ["MONDAY", "SATURDAY"], "languages": ["es"] }),
        json!({ "languages": ["es"], "attendance": ["IN_PERSON"] }),
        json!({ "topics": ["ALCOHOL"], "timeOfDay": ["EVENING"] }),
        json!({ "kinds": ["TWELVE_STEP"], "open": true }),
        json!({ "timeOfDay": ["MORNING", "NIGHT"], "attendance": ["ONLINE", "IN_PERSON"], "topics": ["DEPRESSION", "ALCOHOL"] }),
        json!({ "text": "group" }),
        json!({ "languages": ["de"] }),
    ];
    for filter in filters {
        check(&app, &all, filter, Value::Null).await;
    }
}

#[tokio::test]
async fn facets_near_a_point_count_the_groups_near_it() {
    let (app, groups) = finder_filters::app().await;
    // Around the Hope Group's hall: four groups within 950 m, the nearest others 1.07 km off.
    let centre = (39.9500, -75.1560);
    let km = 0.95;
    let near: Vec<&Expected> = groups
        .iter()
        .filter(|g| g.attendance() != "ONLINE" && point(&g.rows[0]).is_some_and(|p| haversine_km(centre, p) <= km))
        .collect();
    assert!(near.len() >= 3 && near.len() < groups.len(), "a radius that takes some groups: {}", near.len());
    let n = json!({ "latitude": centre.0, "longitude": centre.1, "radiusKm": km });

    for filter in [json!({}), json!({ "weekdays": ["MONDAY"] }), json!({ "open": true, "timeOfDay": ["EVENING"] })] {
        check(&app, &near, filter, n.clone()).await;
    }
}

#[tokio::test]
async fn facets_are_only_counted_when_asked_for() {
    let (app, _) = finder_filters::app().await;
    let without = app.gql("{ groups(first: 1) { totalCount } }", json!({})).await;
    assert!(without["groups"].get("facets").is_none());
    let with = app.gql("{ groups(first: 1) { facets { weekdays { value count } } } }", json!({})).await;
    assert!(with["groups"]["facets"]["weekdays"].as_array().is_some_and(|w| !w.is_empty()), "{with}");
}
