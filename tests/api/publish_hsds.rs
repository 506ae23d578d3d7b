//! The HSDS 3.0 API through the real server: our own `hsds_json` importer, pointed at
//! `/hsds/services` of a first directory (two to a page, so it pages), reads back the same
//! groups; service ids find their service; `postcode`, `proximity`, `taxonomy_term_id`,
//! `modified_after` and `format=ndjson` do what the spec says. (Schema validation of the same
//! answers is in tests/js/publish.test.mjs.)

use serde_json::{json, Value};

use crate::helpers::{source, spawn_app_with, spawn_app_with_toml, FeedServer};
use crate::publish_support::{assert_no_personal_contacts, directory, get, rows};

#[tokio::test]
async fn our_hsds_importer_reads_our_hsds_api_back_to_the_same_groups() {
    let feeds = FeedServer::start().await;
    feeds.put("a.json", serde_json::to_vec(&rows()).unwrap());
    let a = spawn_app_with(feeds.clone(), &[source("a", "a.json")]).await;
    a.import("a").await;

    let toml = format!(
        "[[sources]]\nid = \"mirror\"\nformat = \"hsds_json\"\nurl = \"{}\"\nschedule = \"0 0 3 * * *\"\n\
         [sources.defaults]\ntimezone = \"America/New_York\"\ncountry = \"US\"\n\
         [sources.options]\ninclude_all = true\n",
        a.url("/hsds/services?per_page=2")
    );
    let b = spawn_app_with_toml(FeedServer::start().await, &[], &toml).await;
    let run = b.import("mirror").await;
    assert_eq!(run.counts.seen, 4, "{run:?}");

    let mut want = directory(&a).await;
    // HSDS 3.0's schedule `timezone` is a UTC offset, not a zone name: a reader goes by its own
    // zone, so the Chicago group comes back in the mirror's (America/New_York).
    for g in &mut want {
        for m in g["meetings"].as_array_mut().unwrap() {
            m["timezone"] = json!("America/New_York");
        }
    }
    let mut got = directory(&b).await;
    for g in &mut got {
        for m in g["meetings"].as_array_mut().unwrap() {
            m["timezone"] = json!("America/New_York");
        }
    }
    assert_eq!(got, want);
}

#[tokio::test]
async fn services_pages_and_parameters_follow_the_spec() {
    let feeds = FeedServer::start().await;
    feeds.put("a.json", serde_json::to_vec(&rows()).unwrap());
    let a = spawn_app_with(feeds, &[source("a", "a.json")]).await;
    a.import("a").await;
    let json_of = |body: String| serde_json::from_str::<Value>(&body).expect("JSON");

    let root = json_of(get(&a, "/hsds/").await.2);
    assert_eq!(root["version"], "3.0");
    let (status, _, body) = get(&a, "/hsds/services?per_page=3&page=2").await;
    assert_eq!(status, 200);
    assert_no_personal_contacts(&body);
    let page = json_of(body);
    assert_eq!(
        (&page["total_items"], &page["total_pages"], &page["page_number"], &page["size"]),
        (&json!(4), &json!(2), &json!(2), &json!(1))
    );
    assert_eq!((&page["first_page"], &page["last_page"], &page["empty"]), (&json!(false), &json!(true), &json!(false)));

    let all = json_of(get(&a, "/hsds/services").await.2);
    let serenity = all["contents"].as_array().unwrap().iter().find(|s| s["name"] == "Serenity Group").unwrap().clone();
    let thu = serenity["schedules"].as_array().unwrap().iter().find(|s| s["byday"] == "TH").unwrap();
    assert_eq!(
        (&thu["freq"], &thu["opens_at"], &thu["closes_at"]),
        (&json!("WEEKLY"), &json!("19:30"), &json!("20:30"))
    );
    assert_eq!(thu["timezone"], json!(-5.0));
    assert!(thu["description"].as_str().unwrap().contains("America/New_York"));
    let lfs = all["contents"].as_array().unwrap().iter().find(|s| s["name"] == "Last Friday Speakers").unwrap();
    assert_eq!((&lfs["schedules"][0]["freq"], &lfs["schedules"][0]["byday"]), (&json!("MONTHLY"), &json!("-1FR")));

    let id = serenity["id"].as_str().unwrap();
    let one = json_of(get(&a, &format!("/hsds/services/{id}")).await.2);
    assert_eq!(one, serenity);
    assert_eq!(get(&a, "/hsds/services/00000000-0000-0000-0000-000000000000").await.0, 404);

    let term = json_of(get(&a, "/hsds/taxonomy_terms?search=alcohol").await.2);
    let term_id = term["contents"][0]["id"].as_str().unwrap().to_owned();
    let with_term = json_of(get(&a, &format!("/hsds/services?taxonomy_term_id={term_id}")).await.2);
    assert_eq!(with_term["total_items"], 4);
    let depression = json_of(get(&a, "/hsds/taxonomy_terms?search=depression").await.2);
    let none = json_of(
        get(&a, &format!("/hsds/services?taxonomy_term_id={}", depression["contents"][0]["id"].as_str().unwrap()))
            .await
            .2,
    );
    assert_eq!((&none["total_items"], &none["empty"]), (&json!(0), &json!(true)));
    let later = json_of(get(&a, "/hsds/services?modified_after=2999-01-01T00:00:00Z").await.2);
    assert_eq!(later["total_items"], 0);
    let found = json_of(get(&a, "/hsds/services?search=women").await.2);
    assert_eq!(found["total_items"], 1);

    let at = json_of(get(&a, "/hsds/service_at_locations?postcode=19063").await.2);
    assert_eq!(at["total_items"], 1, "{at}");
    assert_eq!(at["contents"][0]["location"]["addresses"][0]["postal_code"], "19063");
    let near = json_of(get(&a, "/hsds/service_at_locations?postcode=19013&proximity=20000").await.2);
    let names: Vec<&str> =
        near["contents"].as_array().unwrap().iter().map(|s| s["service"]["name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"Serenity Group")
            && names.contains(&"Last Friday Speakers")
            && !names.contains(&"Women in Recovery"),
        "{names:?}"
    );

    let (_, headers, lines) = get(&a, "/hsds/services?format=ndjson").await;
    assert_eq!(headers["content-type"], "application/x-ndjson");
    assert_eq!(lines.lines().count(), 4);
    assert_eq!(get(&a, "/hsds/services?per_page=0").await.0, 400);
}
