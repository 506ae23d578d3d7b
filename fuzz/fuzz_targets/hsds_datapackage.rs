//! Fuzz target: the Open Referral HSDS 1.1 tabular datapackage parser never panics, whatever the bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = importers::parse(importers::Format::HsdsDatapackage, &importers::Documents::single(data), &importers::SourceOptions::default());
});
