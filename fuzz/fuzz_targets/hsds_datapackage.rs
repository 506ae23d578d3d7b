//! Fuzz target: the Open Referral HSDS 1.1 tabular datapackage parser never panics, whatever
//! the bytes: once as the descriptor itself, once as every CSV table of a fixed descriptor
//! (so the CSV reading, the joins and the listing code are reached, not just the descriptor).
#![no_main]

use std::collections::BTreeMap;

const BASE: &str = "https://fuzz.example.org/dp/datapackage.json";
const TABLES: [&str; 11] = [
    "service",
    "organization",
    "location",
    "service_at_location",
    "physical_address",
    "phone",
    "regular_schedule",
    "service_taxonomy",
    "taxonomy",
    "language",
    "accessibility_for_disabilities",
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let options = importers::SourceOptions::default();
    let format = importers::Format::HsdsDatapackage;
    let _ = importers::parse(format, &importers::Documents::single(data), &options);

    let resources: Vec<String> = TABLES.iter().map(|t| format!(r#"{{"name":"{t}","path":"{t}.csv"}}"#)).collect();
    let descriptor = format!(r#"{{"resources":[{}]}}"#, resources.join(","));
    let extra: BTreeMap<String, Vec<u8>> =
        TABLES.iter().map(|t| (format!("https://fuzz.example.org/dp/{t}.csv"), data.to_vec())).collect();
    let docs = importers::Documents { url: BASE, root: descriptor.as_bytes(), extra: &extra };
    let _ = importers::parse(format, &docs, &options);
});
