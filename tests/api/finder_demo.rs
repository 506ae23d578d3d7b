//! The finder on the bundled demo configuration (`config/supportmesh.toml`, offline): every
//! source imports, every facet count is what the query with that value selected finds, the
//! demo's busiest town is a learned place to search near, and paging walks every group once
//! each way.

use std::collections::BTreeSet;
use std::net::SocketAddr;

use serde_json::{json, Value};
use supportmesh::config::Settings;
use supportmesh::model::RunOutcome;
use supportmesh::startup::{Application, Imports};

const FACETS: [&str; 6] = ["topics", "kinds", "attendance", "weekdays", "timeOfDay", "languages"];

struct Demo {
    addr: SocketAddr,
    client: reqwest::Client,
    _store: tempfile::TempDir,
}

impl Demo {
    /// The service on the demo configuration, a temp store, every enabled source imported.
    async fn start() -> Demo {
        let store = tempfile::tempdir().expect("temp dir");
        let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/supportmesh.toml");
        let env = [
            ("SUPPORTMESH_STORE_PATH".to_owned(), store.path().join("store").display().to_string()),
            ("SUPPORTMESH_SERVER_LISTEN".to_owned(), "127.0.0.1:0".to_owned()),
        ];
        let settings = Settings::load_with_env(Some(&config), env).expect("the demo configuration is valid");
        let app = Application::build(settings, Imports::OnDemand).await.expect("app builds");
        let addr = app.local_addr().expect("bound");
        let ingestor = app.state().ingestor.clone();
        tokio::spawn(app.run_until_stopped(std::future::pending()));
        for run in ingestor.run_all().await {
            let run = run.expect("a configured source");
            assert!(
                matches!(run.outcome, RunOutcome::Succeeded | RunOutcome::Unchanged),
                "the demo source {} imports: {:?}",
                run.source_id,
                run.error
            );
        }
        Demo { addr, client: reqwest::Client::new(), _store: store }
    }

    async fn gql(&self, query: &str, variables: Value) -> Value {
        let body: Value = self
            .client
            .post(format!("http://{}/graphql", self.addr))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("JSON response");
        assert!(body.get("errors").is_none(), "GraphQL errors: {body}");
        body["data"].clone()
    }

    /// Every group's `fields`, page by page.
    async fn all(&self, fields: &str) -> Vec<Value> {
        let q = format!("query($a: String) {{ groups(first: 100, after: $a) {{ edges {{ node {{ {fields} }} }} pageInfo {{ hasNextPage endCursor }} }} }}");
        let (mut out, mut after) = (Vec::new(), Value::Null);
        loop {
            let d = self.gql(&q, json!({ "a": after })).await;
            out.extend(d["groups"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()));
            if !d["groups"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                return out;
            }
            after = d["groups"]["pageInfo"]["endCursor"].clone();
        }
    }

    async fn total(&self, filter: &Value) -> u64 {
        let d = self
            .gql("query($f: GroupFilter) { groups(filter: $f, first: 1) { totalCount } }", json!({ "f": filter }))
            .await;
        d["groups"]["totalCount"].as_u64().expect("a count")
    }
}

const FACET_QUERY: &str = "query($f: GroupFilter) { groups(filter: $f, first: 1) { totalCount facets { \
    topics { value count } kinds { value count } attendance { value count } weekdays { value count } \
    timeOfDay { value count } languages { value count } } } }";

#[tokio::test]
async fn the_demo_data_is_searchable_with_every_facet_agreeing_with_its_query() {
    let demo = Demo::start().await;

    for filter in
        [json!({}), json!({ "topics": ["ALCOHOL"], "weekdays": ["MONDAY"] }), json!({ "attendance": ["ONLINE"] })]
    {
        let d = demo.gql(FACET_QUERY, json!({ "f": filter })).await;
        let total = d["groups"]["totalCount"].as_u64().unwrap();
        assert!(total > 0, "{filter} finds groups in the demo");
        for facet in FACETS {
            let counts = d["groups"]["facets"][facet].as_array().unwrap();
            // Each group has one kind and one attendance: those facets add up to the total
            // (under a filter on their own field, to the total without it).
            if ["kinds", "attendance"].contains(&facet) {
                let mut without = filter.clone();
                without.as_object_mut().unwrap().remove(facet);
                let sum: u64 = counts.iter().map(|c| c["count"].as_u64().unwrap()).sum();
                assert_eq!(sum, demo.total(&without).await, "facets.{facet} of {filter}");
            }
            for c in counts {
                let mut selected = filter.clone();
                selected[facet] = json!([c["value"]]);
                assert_eq!(
                    demo.total(&selected).await,
                    c["count"].as_u64().unwrap(),
                    "facets.{facet}: {c} under {filter}"
                );
            }
        }
    }
    let topics = demo.gql(FACET_QUERY, json!({ "f": {} })).await["groups"]["facets"]["topics"].clone();
    let topics: BTreeSet<&str> = topics.as_array().unwrap().iter().map(|t| t["value"].as_str().unwrap()).collect();
    for t in ["ALCOHOL", "EATING_DISORDERS", "FAMILY_AND_FRIENDS"] {
        assert!(topics.contains(t), "the demo has AA, EDA and Al-Anon sources: {topics:?}");
    }
}

#[tokio::test]
async fn the_demos_busiest_town_is_a_place_and_paging_visits_every_group_once() {
    let demo = Demo::start().await;

    // The town most of the demo's groups with an exact point are in is a learned place.
    let located = demo.all("location { locality region country latitude longitude approximate }").await;
    let mut towns: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for g in &located {
        let l = &g["location"];
        if l["latitude"].is_number() && l["approximate"] == false {
            if let (Some(town), Some(region)) = (l["locality"].as_str(), l["region"].as_str()) {
                *towns.entry((town.to_owned(), region.to_owned())).or_default() += 1;
            }
        }
    }
    let ((town, region), n) = towns.into_iter().max_by_key(|(_, n)| *n).expect("located groups in the demo");
    let typed = format!("{town}, {region}");
    let places =
        demo.gql("query($q: String!) { places(query: $q, first: 3) { name listings } }", json!({ "q": typed })).await;
    let first = &places["places"][0];
    assert!(first["name"].as_str().unwrap().starts_with(&town), "{typed}: {places}");
    assert!(first["listings"].as_u64().unwrap() as usize >= n, "{typed} is learned from its {n} groups: {places}");
    let q = "query($p: String) { groups(near: { place: $p, radiusKm: 25 }, first: 100) { totalCount edges { distanceKm } } }";
    let near = demo.gql(q, json!({ "p": typed })).await;
    let d: Vec<f64> =
        near["groups"]["edges"].as_array().unwrap().iter().map(|e| e["distanceKm"].as_f64().unwrap()).collect();
    assert!(!d.is_empty(), "{typed}: {near}");
    assert!(d.iter().all(|d| *d <= 25.0) && d.windows(2).all(|w| w[0] <= w[1]), "within 25 km, nearest first: {d:?}");

    let total = demo.total(&json!({})).await as usize;
    let page = "query($a: String, $b: String, $first: Int, $last: Int) { groups(sort: NAME, first: $first, after: $a, last: $last, before: $b) { \
        edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    let mut forward = Vec::new();
    let mut after = Value::Null;
    loop {
        let d = demo.gql(page, json!({ "a": after, "first": 100 })).await;
        forward.extend(
            d["groups"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["id"].as_str().unwrap().to_owned()),
        );
        if !d["groups"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = d["groups"]["pageInfo"]["endCursor"].clone();
    }
    let mut backward = Vec::new();
    let mut before = Value::Null;
    loop {
        let d = demo.gql(page, json!({ "b": before, "last": 100 })).await;
        let ids: Vec<String> = d["groups"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
            .collect();
        backward.extend(ids.into_iter().rev());
        if !d["groups"]["pageInfo"]["hasPreviousPage"].as_bool().unwrap() {
            break;
        }
        before = d["groups"]["pageInfo"]["startCursor"].clone();
    }
    assert_eq!(forward.len(), total);
    assert_eq!(forward.iter().collect::<BTreeSet<_>>().len(), total, "no group twice");
    backward.reverse();
    assert_eq!(backward, forward, "backward is the same order reversed");
}
