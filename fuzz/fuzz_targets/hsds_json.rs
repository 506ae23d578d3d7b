//! Fuzz target: the Open Referral HSDS 3.0 JSON API parser never panics, whatever the bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = importers::parse(importers::Format::HsdsJson, &importers::Documents::single(data), &importers::SourceOptions::default());
});
