//! The importers' test binary (one binary, several modules: fewer link steps on small machines).
//!
//! `meeting_guide_snapshots`: every fixture feed in, a compact projection snapshot out.
//! `meeting_guide_quirks`: one focused test per quirk of real feeds. `normalize`: the helpers'
//! public behaviour. `properties`: parsers never panic. Fixtures live in `tests/fixtures/`
//! (trimmed, scrubbed copies of real feeds; see the README there), snapshots in
//! `tests/snapshots/`. Nothing here reads outside the crate.

mod bmlt;
mod delimited;
mod hardening;
mod hsds_datapackage;
mod hsds_json;
mod html;
mod ical;
mod jsonld;
mod listing_rows;
mod meeting_guide_csv;
mod meeting_guide_quirks;
mod meeting_guide_snapshots;
mod meeting_rows;
mod normalize;
mod openreferral;
mod oruk;
mod peer;
mod properties;
mod rss;
mod source_toml;
mod support;
