//! Fuzz target: the delimited exports (tab, pipe...) with a configured column map parser never panics, whatever the bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = importers::parse(importers::Format::Delimited, &importers::Documents::single(data), &importers::SourceOptions::default());
});
