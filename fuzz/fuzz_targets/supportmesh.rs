//! Fuzz target: the a peer supportmesh instance over GraphQL parser never panics, whatever the bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = importers::parse(importers::Format::Supportmesh, &importers::Documents::single(data), &importers::SourceOptions::default());
});
