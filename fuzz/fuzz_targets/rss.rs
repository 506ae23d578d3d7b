//! Fuzz target: the RSS / Atom feeds parser never panics, whatever the bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = importers::parse(importers::Format::Rss, &importers::Documents::single(data), &importers::SourceOptions::default());
});
