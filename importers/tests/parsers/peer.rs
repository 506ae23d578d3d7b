//! Peer supportmesh over GraphQL: the paging protocol (root -> page 1 wanted -> page 2
//! wanted -> done), the mapping of group nodes (snapshot of two hand-made pages), GraphQL and
//! HTML errors, options, and never-panic properties.

use std::collections::BTreeMap;

use importers::peer::page_url;
use importers::{parse, Documents, Format, Parsed, Recurrence, SourceOptions, Topic};
use proptest::prelude::*;
use serde_json::json;

use crate::listing_rows::snapshot;
use crate::support::fixture;

const ENDPOINT: &str = "https://peer.example/graphql";

fn options() -> SourceOptions {
    SourceOptions {
        timezone: "Europe/London".to_owned(),
        country: Some("GB".to_owned()),
        topics: vec![Topic::MENTAL_HEALTH],
        ..SourceOptions::default()
    }
}

fn page(n: usize) -> String {
    let after = match n {
        1 => None,
        _ => Some("c3"),
    };
    page_url(ENDPOINT, importers::peer::DEFAULT_PAGE_SIZE, after).expect("page url")
}

fn run(root: &[u8], extra: &BTreeMap<String, Vec<u8>>) -> Result<Parsed, importers::DocumentError> {
    parse(Format::Supportmesh, &Documents { url: ENDPOINT, root, extra }, &options())
}

fn pages(list: &[(usize, &str)]) -> BTreeMap<String, Vec<u8>> {
    list.iter().map(|(n, file)| (page(*n), fixture("peer", file))).collect()
}

#[test]
fn pages_are_wanted_one_after_another_until_done() {
    let root = fixture("peer", "graphiql.html");
    let first = run(&root, &BTreeMap::new()).expect("root");
    assert_eq!((first.listings.len(), first.wants.clone()), (0, vec![page(1)]));
    assert!(first.problems.is_empty());

    let second = run(&root, &pages(&[(1, "page-1.json")])).expect("page 1");
    assert_eq!((second.listings.len(), second.wants.clone()), (3, vec![page(2)]));

    let done = run(&root, &pages(&[(1, "page-1.json"), (2, "page-2.json")])).expect("both pages");
    assert!(done.wants.is_empty());
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_json_snapshot!("peer__two-pages", snapshot(&done));
    });
}

#[test]
fn a_saved_page_as_root_is_page_one() {
    let parsed = run(&fixture("peer", "page-1.json"), &BTreeMap::new()).expect("root page");
    assert_eq!((parsed.listings.len(), parsed.wants.clone()), (3, vec![page(2)]));
}

#[test]
fn page_urls_carry_the_query_and_variables() {
    let url = url::Url::parse(&page_url("https://peer.example/graphql?key=abc#x", 25, Some("c3")).expect("url"))
        .expect("parse");
    let pairs: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(pairs.get("key").map(String::as_str), Some("abc"), "other parameters are kept");
    assert!(pairs.get("query").is_some_and(|q| q.contains("groups(first: $first, after: $after)")));
    let variables: serde_json::Value = serde_json::from_str(pairs.get("variables").expect("variables")).expect("json");
    assert_eq!(variables, json!({ "first": 25, "after": "c3" }));
    assert_eq!(url.fragment(), None);
    assert_eq!(page_url("not a url", 100, None), None);
}

#[test]
fn nodes_map_back_to_listings() {
    let done = run(b"", &pages(&[(1, "page-1.json"), (2, "page-2.json")])).expect("both pages");
    let by_id = |id: &str| done.listings.iter().find(|l| l.external_id == id).expect(id);
    let first = by_id("g_7f3a9c01");
    let rules: Vec<_> = first.topics.iter().map(|t| (t.topic.clone(), t.rule.as_str())).collect();
    assert_eq!(
        rules,
        [(Topic::DEPRESSION, "peer: keyword \"depress\""), (Topic::MENTAL_HEALTH, "peer: source default")]
    );
    assert_eq!(first.location.as_ref().and_then(|l| l.postcode.as_deref()), Some("EX1 2AB"));
    assert_eq!(
        first.url.as_deref(),
        Some("https://www.exampleshire-mind.org.uk/our-groups/tuesday-evening-depression-support/")
    );
    let voices = by_id("g_7f3a9c02");
    assert_eq!(voices.meetings[0].recurrence, Recurrence::MonthlyNth { weeks: vec![2, 4] });
    assert_eq!(voices.description.as_deref(), Some("Part of the Hearing Voices Network."));
    let online = by_id("g_7f3a9c03").online.as_ref().expect("online");
    assert_eq!(online.conference_id.as_deref(), Some("meet:abc-defg-hij"));
    assert_eq!(online.notes.as_deref(), Some("PIN: [removed]"), "passcodes in notes are redacted again");
    assert!(done.listings.iter().all(|l| l.external_id != "g_7f3a9c05"), "REMOVED groups are skipped");
}

#[test]
fn a_peer_topic_is_kept_only_when_this_service_knows_it() {
    let node = json!({ "id": "g1", "name": "Tuesday coffee", "topics": ["LONELINESS", "ANXIETY"],
        "meetings": [{ "weekday": "TUESDAY", "startTime": "10:00", "recurrence": "WEEKLY" }] });
    let body = json!({ "data": { "groups": { "edges": [{ "cursor": "c1", "node": node }],
        "pageInfo": { "hasNextPage": false } } } });
    let extra: BTreeMap<String, Vec<u8>> = [(page(1), body.to_string().into_bytes())].into();
    let docs = Documents { url: ENDPOINT, root: b"", extra: &extra };
    let topics_of =
        |parsed: &Parsed| -> Vec<String> { parsed.listings[0].topics.iter().map(|t| t.topic.to_string()).collect() };

    let core_only = parse(Format::Supportmesh, &docs, &options()).expect("page");
    assert_eq!(topics_of(&core_only), ["anxiety", "mental_health"]);
    assert!(
        core_only.problems.iter().any(|p| p.message.contains("unknown topic \"LONELINESS\"")),
        "{:?}",
        core_only.problems
    );

    let loneliness = Topic::parse("loneliness").expect("code");
    let added = importers::topics::NewTopic { topic: loneliness, label: "Loneliness".into(), parent: None };
    let taxonomy = importers::Taxonomy::with(vec![added]).expect("valid");
    let configured = SourceOptions { taxonomy: std::sync::Arc::new(taxonomy), ..options() };
    let parsed = parse(Format::Supportmesh, &docs, &configured).expect("page");
    assert_eq!(topics_of(&parsed), ["loneliness", "anxiety", "mental_health"]);
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
}

#[test]
fn graphql_errors_html_and_broken_pages_are_document_errors() {
    let cases = [
        (fixture("peer", "errors.json"), "nested too deep"),
        (fixture("peer", "graphiql.html"), "GET queries"),
        (b"{\"data\": {\"groups\": {\"totalCount\": 1, \"edg".to_vec(), "not valid JSON"),
        (b"{\"data\": {\"other\": 1}}".to_vec(), "no data.groups"),
        (Vec::new(), "empty"),
    ];
    for (bytes, cause) in cases {
        let extra: BTreeMap<String, Vec<u8>> = [(page(1), bytes)].into();
        let err = run(b"<html></html>", &extra).expect_err(cause);
        assert!(err.0.contains(cause), "{err} should say {cause}");
    }
}

#[test]
fn a_repeated_cursor_stops_paging_with_a_problem() {
    let looping = json!({ "data": { "groups": { "totalCount": 1, "edges": [],
        "pageInfo": { "hasNextPage": true, "endCursor": null } } } });
    let extra: BTreeMap<String, Vec<u8>> = [(page(1), looping.to_string().into_bytes())].into();
    let parsed = run(b"", &extra).expect("page");
    assert!(parsed.wants.is_empty());
    assert!(parsed.problems.iter().any(|p| p.field.as_deref() == Some("pageInfo")), "{:?}", parsed.problems);
    let same = json!({ "data": { "groups": { "edges": [], "pageInfo": { "hasNextPage": true, "endCursor": "c0" } } } });
    let url_again = page_url(ENDPOINT, importers::peer::DEFAULT_PAGE_SIZE, Some("c0")).expect("url");
    let extra: BTreeMap<String, Vec<u8>> =
        [(page(1), same.to_string().into_bytes()), (url_again, same.to_string().into_bytes())].into();
    let parsed = run(b"", &extra).expect("pages");
    assert!(parsed.wants.is_empty(), "{:?}", parsed.wants);
}

#[test]
fn options_are_checked() {
    assert!(importers::check_options(Format::Supportmesh, &json!({ "page_size": 50 })).is_ok());
    for bad in [json!({ "page_size": 0 }), json!({ "page_size": 101 }), json!({ "pagesize": 5 })] {
        assert!(importers::check_options(Format::Supportmesh, &bad).is_err(), "{bad}");
    }
    let opts = SourceOptions { format_options: json!({ "page_size": 10 }), ..options() };
    let parsed = parse(Format::Supportmesh, &Documents::single(b""), &opts).expect("root");
    assert!(parsed.wants[0].contains("%22first%22%3A10"), "{}", parsed.wants[0]);
}

fn node() -> impl Strategy<Value = serde_json::Value> {
    let text = prop_oneof![Just(json!(null)), Just(json!("")), Just(json!(42)), "\\PC{0,12}".prop_map(|s| json!(s))];
    let enum_value = prop_oneof![
        Just(json!("WEEKLY")),
        Just(json!("MONTHLY_NTH")),
        Just(json!("ONCE")),
        Just(json!("MONDAY")),
        Just(json!("PEER_SUPPORT")),
        Just(json!(["ANXIETY", 3]))
    ];
    (text.clone(), text.clone(), enum_value.clone(), enum_value, text).prop_map(|(id, name, e1, e2, t)| {
        json!({ "id": id, "name": name, "kind": e1, "topics": [e2], "topicTags": [{ "topic": e2, "rule": t }],
            "meetings": [{ "weekday": e2, "startTime": t, "recurrence": e1, "weeksOfMonth": [9, -1], "date": t, "timezone": t }],
            "location": { "latitude": t, "longitude": 500, "country": t }, "online": { "url": t, "phone": t },
            "contact": t, "records": [{ "url": t }], "audience": [e1], "status": e1 })
    })
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_bytes(root in prop::collection::vec(any::<u8>(), 0..256), page1 in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse(Format::Supportmesh, &Documents::single(&root), &SourceOptions::default());
        let extra: BTreeMap<String, Vec<u8>> = [(page(1), page1)].into();
        let _ = run(&root, &extra);
    }

    #[test]
    fn never_panics_on_nodes_of_any_shape(nodes in prop::collection::vec(node(), 0..6)) {
        let edges: Vec<_> = nodes.into_iter().map(|n| json!({ "cursor": "c", "node": n })).collect();
        let body = json!({ "data": { "groups": { "totalCount": "x", "edges": edges, "pageInfo": { "hasNextPage": false } } } });
        let parsed = run(body.to_string().as_bytes(), &BTreeMap::new());
        prop_assert!(parsed.is_ok());
    }
}

#[test]
fn origins_are_the_records_origins_then_the_peer() {
    let node = |id: &str, origins: serde_json::Value| {
        json!({ "id": id, "name": format!("Group {id}"),
            "records": [{ "sourceId": "a", "externalId": "1", "origins": origins },
                        { "sourceId": "b", "externalId": "2", "origins": ["north", "mid"] }] })
    };
    let body = json!({ "data": { "instance": { "id": "mid" }, "groups": { "edges": [
        { "cursor": "c1", "node": node("g1", json!(["mid"])) },
        { "cursor": "c2", "node": node("g2", json!(["south", "not an id!", "mid"])) },
    ], "pageInfo": { "hasNextPage": false } } } });
    let extra: BTreeMap<String, Vec<u8>> = [(page(1), body.to_string().into_bytes())].into();
    let parsed = run(b"", &extra).expect("page");
    let origins: Vec<Vec<&str>> =
        parsed.listings.iter().map(|l| l.origins.iter().map(String::as_str).collect()).collect();
    assert_eq!(origins, [vec!["mid", "north"], vec!["south", "mid", "north"]]);

    let bare = json!({ "data": { "groups": { "edges": [{ "cursor": "c1", "node": { "id": "g1", "name": "G" } }],
        "pageInfo": { "hasNextPage": false } } } });
    let extra: BTreeMap<String, Vec<u8>> = [(page(1), bare.to_string().into_bytes())].into();
    assert!(run(b"", &extra).expect("page").listings[0].origins.is_empty(), "a peer that names no instance");
}

#[test]
fn the_next_page_is_read_from_one_page_alone() {
    let opts = SourceOptions { format_options: json!({ "page_size": 7 }), ..options() };
    let more = json!({ "data": { "groups": { "edges": [], "pageInfo": { "hasNextPage": true, "endCursor": "c9" } } } });
    let next = importers::next_in_chain(Format::Supportmesh, ENDPOINT, &opts, more.to_string().as_bytes());
    assert_eq!(next, page_url(ENDPOINT, 7, Some("c9")));
    let last =
        json!({ "data": { "groups": { "edges": [], "pageInfo": { "hasNextPage": false, "endCursor": "c9" } } } });
    assert_eq!(importers::next_in_chain(Format::Supportmesh, ENDPOINT, &opts, last.to_string().as_bytes()), None);
    assert_eq!(importers::next_in_chain(Format::Supportmesh, ENDPOINT, &opts, b"<html>"), None);
    assert_eq!(importers::next_in_chain(Format::HsdsJson, ENDPOINT, &opts, more.to_string().as_bytes()), None);
    assert!(Format::Supportmesh.chained_pages() && !Format::HsdsJson.chained_pages());
}
