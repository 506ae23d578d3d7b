//! Fuzz target: the schema.org JSON-LD in HTML pages parser never panics, whatever the bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = importers::parse(importers::Format::JsonLd, &importers::Documents::single(data), &importers::SourceOptions::default());
});
