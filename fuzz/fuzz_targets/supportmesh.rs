//! Fuzz target: the peer supportmesh (GraphQL) parser never panics, whatever the bytes, both
//! as the root document and as the first page it asks for.
#![no_main]

use std::collections::BTreeMap;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let options = importers::SourceOptions::default();
    let _ = importers::parse(importers::Format::Supportmesh, &importers::Documents::single(data), &options);
    let endpoint = "https://peer.example/graphql";
    let Some(page_one) = importers::peer::page_url(endpoint, 100, None) else { return };
    let extra: BTreeMap<String, Vec<u8>> = [(page_one, data.to_vec())].into();
    let docs = importers::Documents { url: endpoint, root: b"<!DOCTYPE html><title>GraphiQL</title>", extra: &extra };
    let _ = importers::parse(importers::Format::Supportmesh, &docs, &options);
});
