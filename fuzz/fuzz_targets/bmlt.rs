//! Fuzz target: the BMLT (NA) meetings, both API shapes parser never panics, whatever the bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = importers::parse(importers::Format::Bmlt, &importers::Documents::single(data), &importers::SourceOptions::default());
});
