//! Fuzz target: the HTML directories scraped with a CSS selector recipe parser never panics, whatever the bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = importers::parse(importers::Format::Html, &importers::Documents::single(data), &importers::SourceOptions::default());
});
