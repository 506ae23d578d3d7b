//! Matching evaluation for developers: parses a labelled duplicate set (a folder with
//! source-a.json, source-b.json and truth.json, as in tests/fixtures/matching/), clusters it
//! with the real matcher and prints pairwise precision and recall, then the false merges and
//! missed pairs with the features the matcher saw.
//!
//!     cargo run --release --example match_eval -- tests/fixtures/matching/sepa [--show N]

use std::collections::{BTreeMap, BTreeSet};

use importers::{Documents, Format, SourceOptions};
use supportmesh::dedup::{self, Candidate, Features};
use supportmesh::model::RecordKey;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).cloned().unwrap_or_else(|| "tests/fixtures/matching/sepa".into());
    let show: usize = args.iter().position(|a| a == "--show").and_then(|i| args.get(i + 1)?.parse().ok()).unwrap_or(10);
    let opts = SourceOptions { timezone: "America/New_York".into(), country: Some("US".into()), ..Default::default() };
    let mut records = Vec::new();
    for (src, file) in [("dira", "source-a.json"), ("dirb", "source-b.json")] {
        let bytes = std::fs::read(format!("{dir}/{file}"))?;
        let parsed = importers::parse(Format::MeetingGuide, &Documents::single(&bytes), &opts)?;
        for l in parsed.listings {
            let hash = dedup::listing_hash(&l);
            records.push((RecordKey::new(src, l.external_id.clone()), l, hash));
        }
    }
    let candidates: Vec<Candidate<'_>> =
        records.iter().map(|(k, l, h)| Candidate { key: k, listing: l, hash: h }).collect();
    let features: Vec<Features> = records.iter().map(|(_, l, _)| Features::of(l)).collect();
    let names = dedup::NameTable::count(records.iter().zip(&features).map(|((k, _, _), f)| (k.source_id.as_str(), f)));
    let started = std::time::Instant::now();
    let clusters = dedup::cluster(&candidates, &[]);
    let took = started.elapsed();

    let truth: serde_json::Value = serde_json::from_slice(&std::fs::read(format!("{dir}/truth.json"))?)?;
    let pair_set = |key: &str| -> BTreeSet<(String, String)> {
        truth[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| (format!("dira:{}", p[0].as_str().unwrap_or("")), format!("dirb:{}", p[1].as_str().unwrap_or(""))))
            .collect()
    };
    let same = pair_set("same");
    let ignore = pair_set("ignore");
    let mut predicted = BTreeSet::new();
    for c in &clusters {
        for a in c.members.iter().filter(|k| k.source_id == "dira") {
            for b in c.members.iter().filter(|k| k.source_id == "dirb") {
                predicted.insert((a.to_string(), b.to_string()));
            }
        }
    }
    let tp = predicted.intersection(&same).count();
    let fp: Vec<_> = predicted.iter().filter(|p| !same.contains(*p) && !ignore.contains(*p)).collect();
    let fn_: Vec<_> = same.iter().filter(|p| !predicted.contains(*p)).collect();
    println!(
        "{} records, {} groups in {:.1} ms: precision {:.4} recall {:.4} (tp {tp}, fp {}, missed {})",
        records.len(),
        clusters.len(),
        took.as_secs_f64() * 1000.0,
        tp as f64 / (tp + fp.len()).max(1) as f64,
        tp as f64 / same.len().max(1) as f64,
        fp.len(),
        fn_.len()
    );
    let by_key: BTreeMap<String, &importers::Listing> = records.iter().map(|(k, l, _)| (k.to_string(), l)).collect();
    let describe = |k: &str| {
        let l = by_key[k];
        let f = Features::of(l);
        format!(
            "{k}\n      name {:?} -> {:?} (carriers {:?})\n      slots {:?} street {:?} postcode {:?} locality {:?} point {:?} conf {:?} online {} venue {:?} suspended {}",
            l.name, f.name, names.carriers(&f), f.slots, f.street, f.postcode, f.locality, f.point, f.conference, f.online_only, f.venue, f.suspended
        )
    };
    for (label, list) in [("FALSE MERGE", &fp), ("MISSED", &fn_)] {
        for (a, b) in list.iter().take(show) {
            let v = dedup::compare(&Features::of(by_key[a.as_str()]), &Features::of(by_key[b.as_str()]), &names);
            println!("{label}: {:?}\n   {}\n   {}", v.map(|v| v.evidence), describe(a), describe(b));
        }
    }
    Ok(())
}
