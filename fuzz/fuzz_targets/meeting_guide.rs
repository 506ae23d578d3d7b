//! Fuzz target: the Meeting Guide JSON (12 Step Meeting List, Meeting Guide app) parser never panics, whatever the bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = importers::parse(importers::Format::MeetingGuide, &importers::Documents::single(data), &importers::SourceOptions::default());
});
