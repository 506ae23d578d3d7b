//! The finder at directory scale: `Index::build` and `Index::search` over 100,000 groups.
//!
//!     CARGO_TARGET_DIR=/work/target-finder cargo bench --bench finder -- --quick
//!     SUPPORTMESH_BENCH_GROUPS=20000 CARGO_TARGET_DIR=/work/target-finder cargo bench --bench finder
//!
//! Input: the 80 real Meeting Guide listings of tests/fixtures/sepa-sample.json (SE
//! Pennsylvania AA), parsed by `importers::parse`. The bench copies them into regions until it
//! has SUPPORTMESH_BENCH_GROUPS groups (default 100,000). Each region moves every point by
//! whole steps of 1.2° latitude and 1.5° longitude (regions never overlap), renames
//! localities ("Philadelphia" -> "Philadelphia bq") and is one source. Two layouts:
//!
//! * sparse: one copy of the 80 per region (1,250 regions), as dense as the sample;
//! * dense: 25 copies per region (2,000 groups, 50 regions), each copy's points moved by a
//!   seeded offset of up to ±0.02°, so a region is as dense as the real SEPA feed (~2,000
//!   meetings).
//!
//! Topics are redrawn per listing, seeded: 55% alcohol, 15% drugs, 10% family and friends, 8%
//! eating disorders, the rest spread over all topics; 5% of groups are Missing.
//!
//! Cases: build (100k upserts from scratch, sparse); the typical search (topic alcohol +
//! 10 km around one of 16 region centres + first 20) without and with facets, on both
//! layouts; and on the dense layout, for context, a 50 km search with facets, nearest 20, a
//! text prefix over everything, a phrase, and the unfiltered first page in ID order.

use std::cell::Cell;
use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use importers::{Documents, Format, Listing, SourceOptions, Topic, TopicTag};
use supportmesh::finder::{Filter, Index, Near, Search, Within};
use supportmesh::model::{GroupStatus, RecordKey, StoredGroup};

const FIXTURE: &str = "tests/fixtures/sepa-sample.json";
const PER_ROW: usize = 50;

fn listings() -> Vec<Listing> {
    let bytes = std::fs::read(format!("{}/{FIXTURE}", env!("CARGO_MANIFEST_DIR"))).expect("the sepa fixture");
    let opts =
        SourceOptions { timezone: "America/New_York".into(), topics: vec![Topic::ALCOHOL], ..Default::default() };
    importers::parse(Format::MeetingGuide, &Documents::single(&bytes), &opts).expect("parses").listings
}

/// SplitMix64 of one number: a seeded draw per listing.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn offset(region: usize) -> (f64, f64) {
    ((region / PER_ROW) as f64 * 1.2 - 15.0, (region % PER_ROW) as f64 * 1.5 - 37.5)
}

fn suffix(region: usize) -> String {
    let (mut n, mut s) = (region, String::new());
    loop {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return s;
        }
    }
}

/// `n` groups, `copies` copies of the base listings per region.
fn groups(base: &[Listing], n: usize, copies: usize) -> Vec<StoredGroup> {
    let epoch = DateTime::<Utc>::from_timestamp(0, 0).expect("epoch");
    (0..n)
        .map(|i| {
            let (copy, j) = (i / base.len(), i % base.len());
            let region = copy / copies;
            let mut l = base[j].clone();
            let (mut dlat, mut dlon) = offset(region);
            if copies > 1 {
                let jitter = |salt: u64| (mix(copy as u64 ^ salt) % 4001) as f64 / 100_000.0 - 0.02;
                dlat += jitter(1);
                dlon += jitter(2);
            }
            if let Some(loc) = l.location.as_mut() {
                loc.latitude = loc.latitude.map(|v| v + dlat);
                loc.longitude = loc.longitude.map(|v| v + dlon);
                loc.locality = loc.locality.take().map(|v| format!("{v} {}", suffix(region)));
            }
            let h = mix(i as u64) % 100;
            let topic = match h {
                0..55 => Topic::ALCOHOL,
                55..70 => Topic::DRUGS,
                70..80 => Topic::FAMILY_AND_FRIENDS,
                80..88 => Topic::EATING_DISORDERS,
                _ => Topic::CORE[h as usize % Topic::CORE.len()].clone(),
            };
            l.topics = vec![TopicTag { topic, rule: "bench".into() }];
            StoredGroup {
                id: format!("g{i:06}"),
                records: vec![RecordKey::new(format!("src{region}"), l.external_id.clone())],
                listing: l,
                links: Vec::new(),
                meetings: Vec::new(),
                status: if mix(i as u64 ^ 0xabc).is_multiple_of(20) {
                    GroupStatus::Missing
                } else {
                    GroupStatus::Active
                },
                status_conflict: None,
                first_seen: epoch,
                updated_at: epoch,
            }
        })
        .collect()
}

fn rss_mb() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = s
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn bench(c: &mut Criterion) {
    let n: usize =
        std::env::var("SUPPORTMESH_BENCH_GROUPS").ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(100_000);
    let base = listings();
    // Region centres: the real set's mean point, moved into 16 regions spread over the grid.
    let placed: Vec<(f64, f64)> =
        base.iter().filter_map(|l| l.location.as_ref().and_then(|p| Some((p.latitude?, p.longitude?)))).collect();
    let mean = placed.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
    let mean = (mean.0 / placed.len() as f64, mean.1 / placed.len() as f64);
    let turn = Cell::new(0usize);
    let alcohol = Filter { topics: vec!["alcohol".into()], ..Filter::default() };
    for (layout, copies) in [("sparse", 1), ("dense", 25)] {
        let groups = groups(&base, n, copies);
        let regions = n.div_ceil(base.len() * copies);
        let before = rss_mb();
        let started = Instant::now();
        let index = Index::build(&groups);
        eprintln!(
            "finder bench, {layout}: {n} groups ({} listings x {copies} copies x {regions} regions), {} indexed, \
             one build {:.0} ms, RSS +{:.0} MiB",
            base.len(),
            index.len(),
            started.elapsed().as_secs_f64() * 1e3,
            rss_mb() - before
        );
        let centres: Vec<(f64, f64)> = (0..16)
            .map(|k| {
                let (dlat, dlon) = offset(k * regions / 16);
                (mean.0 + dlat, mean.1 + dlon)
            })
            .collect();
        let at = |within: Within| {
            let k = turn.get();
            turn.set(k + 1);
            let (lat, lon) = centres[k % centres.len()];
            Near { latitude: lat, longitude: lon, within, include_online: false }
        };
        let typical = |km: f64, facets: bool| Search {
            filter: alcohol.clone(),
            near: Some(at(Within::Km(km))),
            first: Some(20),
            facets,
            ..Search::default()
        };
        for km in [10.0, 50.0] {
            let hits: Vec<u64> = (0..16).map(|_| index.search(&typical(km, false)).expect("valid").total).collect();
            eprintln!("  alcohol within {km} km of the 16 centres: {hits:?} hits");
        }
        if layout == "sparse" {
            let mut g = c.benchmark_group("finder");
            g.sample_size(10).measurement_time(Duration::from_secs(10));
            g.bench_function(format!("build {n}"), |b| b.iter(|| black_box(Index::build(black_box(&groups)))));
            g.finish();
        }
        let mut g = c.benchmark_group(format!("finder search {layout}"));
        g.warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
        let mut case = |name: &str, make: &dyn Fn() -> Search| {
            let run = |s: Search| black_box(index.search(&s).expect("valid"));
            g.bench_function(name, |b| b.iter_batched(make, run, criterion::BatchSize::SmallInput));
        };
        case("topic + 10 km + first 20", &|| typical(10.0, false));
        case("topic + 10 km + first 20 + facets", &|| typical(10.0, true));
        if layout == "dense" {
            case("topic + 50 km + first 20 + facets", &|| typical(50.0, true));
            case("nearest 20", &|| Search { near: Some(at(Within::Nearest(20))), ..Search::default() });
            let text = |t: &str| Filter { text: Some(t.into()), ..Filter::default() };
            case("text \"ser\" (prefix) + facets, id order", &|| Search {
                facets: true,
                ..Search::filter(text("ser"))
            });
            case("text phrase \"big book\", id order", &|| Search::filter(text("\"big book\"")));
            case("no filter, first 20, id order", &Search::default);
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
