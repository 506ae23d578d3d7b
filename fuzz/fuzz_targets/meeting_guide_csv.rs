//! Fuzz target: the Meeting Guide / TSML spreadsheet (CSV with plain-language headers) parser never panics, whatever the bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = importers::parse(importers::Format::MeetingGuideCsv, &importers::Documents::single(data), &importers::SourceOptions::default());
});
