//! Scale benchmark for matching and incremental import (a plain `harness = false` binary:
//! one timed run of each scenario, no statistics).
//!
//!     CARGO_TARGET_DIR=/work/target-match cargo bench --bench matching
//!     SUPPORTMESH_BENCH_LISTINGS=100000 CARGO_TARGET_DIR=/work/target-match cargo bench --bench matching
//!
//! Input: the 2,098 real Meeting Guide listings of tests/fixtures/matching/sepa/source-a.json.
//! From them it builds N listings deterministically (seeded SplitMix64):
//!
//! * originals (70%): copies of the real listings spread over synthetic regions, one region per
//!   2,098 originals, so every region is exactly as dense as the real one. A region moves the
//!   points by whole degrees (regions never overlap) and renames what is local: locality,
//!   postcode, house numbers, conference ids, and (unless SUPPORTMESH_BENCH_REGIONAL_NAMES=0)
//!   place-name words inside group and venue names ("Chester-Woodlyn" -> "Chesterxab-Woodlynxab").
//!   Originals are split into ~500 sources, contiguous by region (regional directories).
//! * duplicates (30%): a perturbed copy of a random original, in another source of the same
//!   region, with the perturbations matching-dev's README lists, applied at the `Listing` level:
//!   a fresh id, changed case (30%) or a " Group" suffix (20%), abbreviated (40%) or
//!   split/joined (30%) addresses, coordinates dropped (15%) or moved by < 90 m (40%),
//!   shortened Zoom URLs with the same conference id (60% of those with an id), notes dropped
//!   (50%), type codes dropped (50%). 12-hour times and day as int/string/array are
//!   importer-level differences that normalise to the same `Listing`, so they are no-ops here.
//!
//! Truth: a duplicate and its original are one group; everything else is two groups, except
//! pairs of one region whose two real listings the matcher already calls one group in the real
//! data (a row repeated inside the real feed): those are `ignore`d, as in matching-dev.
//!
//! Scenario A: `dedup::cluster` from scratch on all N candidates: wall time, RSS before, peak
//! RSS during (VmHWM after resetting it through /proc/self/clear_refs), groups, pairwise
//! precision/recall. Then (scenario "phases") a bench-local copy of `cluster` instrumented per
//! phase, checked to give the same clusters, and (scenario "proto") a prototype of the
//! suggested faster candidate generation, also checked to give the same clusters.
//!
//! Scenario B: a sled store (the real `Store`) populated source by source through the real
//! ingest path (`ingest::diff` + `ingest::regroup` + `Store::commit`, as `Ingestor::run_source`
//! does after fetch and parse), within a time budget; if the budget runs out, a second store is
//! bulk-loaded from scenario A's clusters (one `RunCommit` per ~2,000 records, the state a
//! rebuild from scratch gives). Then one source's changed feed (~2,000 listings: some changed,
//! some new, some removed) is imported through diff + regroup + commit, and the closure
//! `regroup` gathered is measured with a bench-local copy of its search.
//!
//! Environment: SUPPORTMESH_BENCH_LISTINGS (N, default 1000000), SUPPORTMESH_BENCH_SOURCES
//! (N / 2000: 500 at 1M), SUPPORTMESH_BENCH_DUP_RATE (0.3), SUPPORTMESH_BENCH_SEED (1),
//! SUPPORTMESH_BENCH_SCENARIOS (default "sepa,keys,a,phases,proto,b"; also proto-exact,
//! proto-veto, proto-scoped, proto-veto+scoped), SUPPORTMESH_BENCH_SHOW (print k false links), SUPPORTMESH_BENCH_POPULATE_BUDGET_SECS (900),
//! SUPPORTMESH_BENCH_STORE_LISTINGS (records to put in the store, default N),
//! SUPPORTMESH_BENCH_BULK (auto|always|never, default auto), SUPPORTMESH_BENCH_DIR (where the
//! stores go; default a temporary directory under $CARGO_TARGET_DIR or /tmp).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use importers::{Documents, Format, Listing, SourceOptions};
use supportmesh::dedup::{self, Candidate, Cluster, Features, MergeInput};
use supportmesh::ingest::{diff, regroup};
use supportmesh::store::{
    GroupStatus, ImportRun, RecordKey, RunCommit, RunCounts, RunLog, RunOutcome, SourceState, Store, StoredGroup,
    StoredRecord,
};

const FIXTURE: &str = "tests/fixtures/matching/sepa/source-a.json";

// ---------------------------------------------------------------------------------------------
// Configuration, PRNG, memory

struct Config {
    listings: usize,
    sources: usize,
    dup_rate: f64,
    seed: u64,
    scenarios: Vec<String>,
    budget: Duration,
    store_listings: usize,
    bulk: String,
    regional_names: bool,
    dir: Option<String>,
}

impl Config {
    fn from_env() -> Config {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let num = |k: &str, d: f64| var(k).and_then(|v| v.replace('_', "").parse::<f64>().ok()).unwrap_or(d);
        let listings = num("SUPPORTMESH_BENCH_LISTINGS", 1_000_000.0) as usize;
        Config {
            listings,
            // ~2,000 listings per source: 500 sources at 1M.
            sources: num("SUPPORTMESH_BENCH_SOURCES", (listings as f64 / 2000.0).round().max(2.0)) as usize,
            dup_rate: num("SUPPORTMESH_BENCH_DUP_RATE", 0.3),
            seed: num("SUPPORTMESH_BENCH_SEED", 1.0) as u64,
            scenarios: var("SUPPORTMESH_BENCH_SCENARIOS")
                .unwrap_or_else(|| "sepa,keys,a,phases,proto,b".into())
                .split(',')
                .map(|s| s.trim().to_owned())
                .collect(),
            budget: Duration::from_secs_f64(num("SUPPORTMESH_BENCH_POPULATE_BUDGET_SECS", 900.0)),
            store_listings: num("SUPPORTMESH_BENCH_STORE_LISTINGS", listings as f64) as usize,
            bulk: var("SUPPORTMESH_BENCH_BULK").unwrap_or_else(|| "auto".into()),
            regional_names: var("SUPPORTMESH_BENCH_REGIONAL_NAMES").is_none_or(|v| v != "0"),
            dir: var("SUPPORTMESH_BENCH_DIR"),
        }
    }

    fn wants(&self, s: &str) -> bool {
        self.scenarios.iter().any(|x| x == s)
    }
}

/// SplitMix64: small, seeded, good enough for shuffling test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn f64(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
}

fn proc_status_kb(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()).unwrap_or(0)
}
fn rss_mb() -> f64 {
    proc_status_kb("VmRSS:") as f64 / 1024.0
}
fn hwm_mb() -> f64 {
    proc_status_kb("VmHWM:") as f64 / 1024.0
}
/// Resets VmHWM to the current RSS (Linux >= 4.0), so a later VmHWM is the peak since now.
fn reset_hwm() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

// ---------------------------------------------------------------------------------------------
// Building the listings

struct Rec {
    key: RecordKey,
    listing: Listing,
    hash: String,
    /// Index of the original this record is (or copies): the true group.
    label: u32,
}

struct Data {
    recs: Vec<Rec>,
    /// Real listings per region.
    base_len: usize,
    regions: usize,
    originals: usize,
    /// Pairs of real listings (i < j) the matcher may fairly call one group: ignored in scoring.
    ambiguous: HashSet<(u32, u32)>,
    /// Record indices per source id, sorted by source id.
    by_source: BTreeMap<String, Vec<usize>>,
}

fn source_id(s: usize) -> String {
    format!("s{s:03}")
}

fn region_code(r: usize) -> String {
    let l = |n: usize| (b'a' + (n % 26) as u8) as char;
    format!("x{}{}{}", l(r / 676), l(r / 26), l(r))
}

/// Appends `code` to every word of `s` that is in `words` (case-insensitive, whole words).
fn tag_words(s: &str, words: &HashSet<String>, code: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            out.push_str(word);
            if words.contains(&word.to_lowercase()) {
                out.push_str(code);
            }
            word.clear();
        }
    };
    for c in s.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Appends the region number to the house number (the first digit run within the first
/// three words), so one street address does not recur in every region.
fn renumber(s: &str, r: usize) -> String {
    let mut words_seen = 0;
    let mut in_word = false;
    for (i, c) in s.char_indices() {
        if c.is_alphanumeric() {
            if !in_word {
                words_seen += 1;
                in_word = true;
                if words_seen > 3 {
                    break;
                }
                if c.is_ascii_digit() {
                    let end = s[i..].find(|c: char| !c.is_ascii_digit()).map(|e| i + e).unwrap_or(s.len());
                    return format!("{}{r:03}{}", &s[..end], &s[end..]);
                }
            }
        } else {
            in_word = false;
        }
    }
    s.to_owned()
}

fn regionalize(base: &Listing, r: usize, loc_words: &HashSet<String>, regional_names: bool) -> Listing {
    let code = region_code(r);
    let mut l = base.clone();
    if regional_names {
        l.name = tag_words(&l.name, loc_words, &code);
    }
    let (dlat, dlon) = ((r / 20) as f64 * 2.0 - 16.0, (r % 20) as f64 * 2.0 - 19.0);
    if let Some(loc) = &mut l.location {
        let (old_loc, old_pc) = (loc.locality.clone(), loc.postcode.clone());
        loc.latitude = loc.latitude.map(|x| x + dlat);
        loc.longitude = loc.longitude.map(|x| x + dlon);
        loc.locality = loc.locality.as_ref().map(|x| format!("{x}{code}"));
        loc.postcode = loc.postcode.as_ref().map(|p| format!("{p}-{code}"));
        loc.address = loc.address.as_ref().map(|a| renumber(a, r));
        if regional_names {
            loc.name = loc.name.as_ref().map(|n| tag_words(n, loc_words, &code));
        }
        if let Some(f) = &loc.formatted {
            let mut f = renumber(f, r);
            if let (Some(o), Some(n)) = (&old_loc, &loc.locality) {
                f = f.replace(o.as_str(), n);
            }
            if let (Some(o), Some(n)) = (&old_pc, &loc.postcode) {
                f = f.replace(o.as_str(), n);
            }
            loc.formatted = Some(f);
        }
    }
    if let Some(o) = &mut l.online {
        if let Some(id) = o.conference_id.clone() {
            let new =
                if id.chars().all(|c| c.is_ascii_digit()) { format!("{id}{r:03}") } else { format!("{id}{code}") };
            o.url = o.url.as_ref().map(|u| u.replace(id.as_str(), &new));
            o.phone = o.phone.as_ref().map(|p| p.replace(id.as_str(), &new));
            o.conference_id = Some(new);
        }
    }
    l.url = l.url.as_ref().map(|u| format!("{u}?r={r}"));
    l
}

fn abbreviate(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let (core, tail) = match w.strip_suffix(',') {
                Some(c) => (c, ","),
                None => (w, ""),
            };
            let a = match core {
                "Street" => "St",
                "Avenue" => "Ave",
                "Road" => "Rd",
                "Boulevard" => "Blvd",
                "Drive" => "Dr",
                "Lane" => "Ln",
                "Pike" => "Pk",
                "North" => "N",
                "South" => "S",
                "East" => "E",
                "West" => "W",
                "Mount" => "Mt",
                "Fort" => "Ft",
                other => other,
            };
            format!("{a}{tail}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn change_case(s: &str, how: u64) -> String {
    match how {
        0 => s.to_uppercase(),
        1 => s.to_lowercase(),
        _ => s
            .split(' ')
            .map(|w| {
                let mut c = w.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
                    None => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// matching-dev's perturbations, at the `Listing` level.
fn perturb(l: &mut Listing, rng: &mut Rng, source: &str, id: &str) {
    l.external_id = id.to_owned();
    if rng.chance(0.3) {
        l.name = change_case(&l.name, rng.below(3));
    }
    if rng.chance(0.2) && !l.name.to_lowercase().ends_with("group") {
        l.name.push_str(" Group");
    }
    if let Some(loc) = &mut l.location {
        if rng.chance(0.4) {
            loc.address = loc.address.as_deref().map(abbreviate);
            loc.formatted = loc.formatted.as_deref().map(abbreviate);
        }
        if rng.chance(0.3) {
            match (&loc.address, &loc.formatted) {
                // Split: the street part alone, locality and postcode apart.
                (None, Some(f)) => {
                    loc.address = f.split(", ").next().map(str::to_owned);
                    loc.formatted = None;
                }
                // Joined: one line only.
                (Some(a), _) => {
                    let parts: Vec<&str> = [Some(a.as_str()), loc.locality.as_deref(), loc.postcode.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect();
                    loc.formatted = Some(parts.join(", "));
                    loc.address = None;
                }
                _ => {}
            }
        }
        match rng.below(100) {
            0..15 => {
                loc.latitude = None;
                loc.longitude = None;
            }
            15..55 => {
                if let (Some(lat), Some(lon)) = (loc.latitude, loc.longitude) {
                    let d = rng.f64() * 90.0;
                    let th = rng.f64() * std::f64::consts::TAU;
                    loc.latitude = Some(lat + d * th.cos() / 111_320.0);
                    loc.longitude = Some(lon + d * th.sin() / (111_320.0 * lat.to_radians().cos()));
                }
            }
            _ => {}
        }
        if rng.chance(0.5) {
            loc.notes = None;
        }
    }
    if let Some(o) = &mut l.online {
        if let Some(cid) = &o.conference_id {
            if cid.chars().all(|c| c.is_ascii_digit()) && rng.chance(0.6) {
                o.url = Some(format!("https://zoom.us/j/{cid}"));
            }
        }
        if rng.chance(0.5) {
            o.notes = None;
        }
    }
    if rng.chance(0.5) {
        l.description = None;
    }
    if rng.chance(0.5) {
        l.codes.clear();
        l.accessibility.clear();
        l.languages.clear();
        l.open = None;
    }
    l.url = Some(format!("https://{source}.example.org/meetings/{id}"));
    l.updated_at = None;
}

fn parse_base() -> anyhow::Result<Vec<Listing>> {
    let bytes = std::fs::read(FIXTURE)?;
    let opts = SourceOptions { timezone: "America/New_York".into(), country: Some("US".into()), ..Default::default() };
    let t = Instant::now();
    let parsed = importers::parse(Format::MeetingGuide, &Documents::single(&bytes), &opts)?;
    println!(
        "parsed {} real listings ({} problems) from {FIXTURE} in {:.1} ms",
        parsed.listings.len(),
        parsed.problems.len(),
        t.elapsed().as_secs_f64() * 1000.0
    );
    Ok(parsed.listings)
}

fn build(cfg: &Config, base: &[Listing]) -> Data {
    let t = Instant::now();
    let b = base.len();
    let generic: HashSet<&str> = [
        "park", "valley", "hill", "hills", "lake", "mount", "north", "south", "east", "west", "city", "township",
        "center", "village", "heights", "springs", "green", "square", "station", "glen", "upper", "lower", "saint",
        "new", "forge", "point", "bridge", "chase", "haven", "grove",
    ]
    .into_iter()
    .collect();
    let loc_words: HashSet<String> = base
        .iter()
        .filter_map(|l| l.location.as_ref()?.locality.as_deref())
        .flat_map(|s| {
            s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect::<Vec<_>>()
        })
        .filter(|w| w.len() >= 4 && !generic.contains(w.as_str()))
        .collect();

    // Pairs of real listings the matcher may call one group (repeated rows): ignored.
    let feats: Vec<Features> = base.iter().map(Features::of).collect();
    let hashes: Vec<String> = base.iter().map(dedup::listing_hash).collect();
    let mut ambiguous = HashSet::new();
    for i in 0..b {
        for j in i + 1..b {
            if hashes[i] == hashes[j] || dedup::compare(&feats[i], &feats[j]).is_some() {
                ambiguous.insert((i as u32, j as u32));
            }
        }
    }

    let n = cfg.listings;
    let originals = ((n as f64) * (1.0 - cfg.dup_rate)).round() as usize;
    let copies = n - originals;
    let regions = originals.div_ceil(b);
    let s = cfg.sources.max(2);
    let primary = |g: usize| g * s / originals.max(1);
    let mut rng = Rng(cfg.seed);
    let mut recs: Vec<Rec> = Vec::with_capacity(n);
    for g in 0..originals {
        let (r, i) = (g / b, g % b);
        let mut l = regionalize(&base[i], r, &loc_words, cfg.regional_names);
        let id = format!("o{g}");
        l.external_id = id.clone();
        recs.push(Rec {
            key: RecordKey::new(source_id(primary(g)), id),
            listing: l,
            hash: String::new(),
            label: g as u32,
        });
    }
    // Duplicates: distinct originals, chosen by a partial Fisher-Yates shuffle.
    let mut order: Vec<u32> = (0..originals as u32).collect();
    for k in 0..copies.min(originals) {
        let j = k + rng.below((originals - k) as u64) as usize;
        order.swap(k, j);
        let g = order[k] as usize;
        let src = source_id((primary(g) + 1 + rng.below(3) as usize) % s);
        let id = format!("c{g}");
        let mut l = recs[g].listing.clone();
        perturb(&mut l, &mut rng, &src, &id);
        recs.push(Rec { key: RecordKey::new(src, id), listing: l, hash: String::new(), label: g as u32 });
    }
    for r in &mut recs {
        r.hash = dedup::listing_hash(&r.listing);
    }
    let mut by_source: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in recs.iter().enumerate() {
        by_source.entry(r.key.source_id.clone()).or_default().push(i);
    }
    let sizes: Vec<usize> = by_source.values().map(Vec::len).collect();
    println!(
        "built {} listings ({} originals in {} regions of {} real listings, {} perturbed duplicates) in {} sources \
         ({}..{} listings each) in {}; {} ambiguous real pairs ignored in scoring",
        recs.len(),
        originals,
        regions,
        b,
        copies,
        by_source.len(),
        sizes.iter().min().unwrap_or(&0),
        sizes.iter().max().unwrap_or(&0),
        secs(t.elapsed()),
        ambiguous.len()
    );
    Data { recs, base_len: b, regions, originals, ambiguous, by_source }
}

// ---------------------------------------------------------------------------------------------
// Scoring against the truth

struct Score {
    predicted: u64,
    tp: u64,
    ignored: u64,
    fp_same_region: u64,
    fp_cross_region: u64,
    same: u64,
}

fn score(data: &Data, clusters: &[Vec<RecordKey>]) -> Score {
    let label = |k: &RecordKey| -> u32 { k.external_id[1..].parse().expect("bench id") };
    let b = data.base_len as u32;
    let mut s = Score { predicted: 0, tp: 0, ignored: 0, fp_same_region: 0, fp_cross_region: 0, same: 0 };
    s.same = (data.recs.len() - data.originals) as u64;
    for c in clusters {
        let k = c.len() as u64;
        s.predicted += k * (k - 1) / 2;
        let mut counts: BTreeMap<u32, u64> = BTreeMap::new();
        for m in c {
            *counts.entry(label(m)).or_default() += 1;
        }
        let labels: Vec<(u32, u64)> = counts.into_iter().collect();
        for (x, &(la, ca)) in labels.iter().enumerate() {
            s.tp += ca * (ca - 1) / 2;
            for &(lb, cb) in &labels[x + 1..] {
                let (ra, rb) = (la / b, lb / b);
                let (ia, ib) = ((la % b).min(lb % b), (la % b).max(lb % b));
                if ra == rb && data.ambiguous.contains(&(ia, ib)) {
                    s.ignored += ca * cb;
                } else if ra == rb {
                    s.fp_same_region += ca * cb;
                } else {
                    s.fp_cross_region += ca * cb;
                }
            }
        }
    }
    s
}

fn print_score(s: &Score) {
    let counted = s.predicted - s.ignored;
    println!(
        "  pairwise precision {:.4} recall {:.4} (predicted pairs {}, true {}, ignored {}, false {} = {} same region + {} \
         across regions; true pairs {})",
        s.tp as f64 / counted.max(1) as f64,
        s.tp as f64 / s.same.max(1) as f64,
        s.predicted,
        s.tp,
        s.ignored,
        s.fp_same_region + s.fp_cross_region,
        s.fp_same_region,
        s.fp_cross_region,
        s.same
    );
}

// ---------------------------------------------------------------------------------------------
// Scenario A

fn scenario_a(data: &Data) -> Vec<Cluster> {
    let candidates: Vec<Candidate<'_>> =
        data.recs.iter().map(|r| Candidate { key: &r.key, listing: &r.listing, hash: &r.hash }).collect();
    let reset = reset_hwm();
    let before = rss_mb();
    let t = Instant::now();
    let clusters = dedup::cluster(&candidates, &[]);
    let took = t.elapsed();
    let peak = hwm_mb();
    let multi = clusters.iter().filter(|c| c.members.len() > 1).count();
    let largest = clusters.iter().map(|c| c.members.len()).max().unwrap_or(0);
    println!(
        "A  dedup::cluster on {} candidates: {} wall; RSS before {:.0} MB, peak during {:.0} MB{} (matcher's own \
         share ~{:.0} MB); {} groups ({} with >1 record, largest {})",
        candidates.len(),
        secs(took),
        before,
        peak,
        if reset { "" } else { " (VmHWM could not be reset: peak is process-wide)" },
        peak - before,
        clusters.len(),
        multi,
        largest
    );
    let members: Vec<Vec<RecordKey>> = clusters.iter().map(|c| c.members.clone()).collect();
    print_score(&score(data, &members));
    show_false_pairs(data, &clusters);
    clusters
}

/// With SUPPORTMESH_BENCH_SHOW=k: k false pairs with the matcher's evidence.
fn show_false_pairs(data: &Data, clusters: &[Cluster]) {
    let k: usize = std::env::var("SUPPORTMESH_BENCH_SHOW").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    if k == 0 {
        return;
    }
    let idx: HashMap<&RecordKey, usize> = data.recs.iter().enumerate().map(|(i, r)| (&r.key, i)).collect();
    let b = data.base_len as u32;
    let mut shown = 0;
    for c in clusters {
        for l in &c.links {
            let (x, y) = (&data.recs[idx[&l.a]], &data.recs[idx[&l.b]]);
            if x.label == y.label {
                continue;
            }
            let (ia, ib) = ((x.label % b).min(y.label % b), (x.label % b).max(y.label % b));
            if x.label / b == y.label / b && data.ambiguous.contains(&(ia, ib)) {
                continue;
            }
            println!("  FALSE LINK {} -- {} ({:.3}): {:?}", l.a, l.b, l.score, l.evidence);
            for r in [x, y] {
                let f = Features::of(&r.listing);
                println!(
                    "      {}: {:?} name {:?} slots {:?} street {:?} pc {:?} loc {:?} point {:?} conf {:?} online {}",
                    r.key,
                    r.listing.name,
                    f.name,
                    f.slots,
                    f.street,
                    f.postcode,
                    f.locality,
                    f.point,
                    f.conference,
                    f.online_only
                );
            }
            shown += 1;
            if shown >= k {
                return;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Phases: a bench-local copy of `dedup::cluster` (src/dedup/mod.rs), timed per phase.

const MAX_BUCKET: usize = 1000;
const AMBIGUITY: f64 = 0.05;

/// Same as src/dedup/blocking.rs `keys` (checked against `dedup::blocking_keys`).
fn block_keys(f: &Features) -> Vec<String> {
    let mut out = Vec::new();
    for slot in f.slots.iter().filter(|s| *s != "unknown") {
        for w in f.name.iter().take(3) {
            out.push(format!("{slot}|n|{w}"));
        }
        if let Some(s) = &f.street {
            out.push(format!("{slot}|a|{s}"));
        }
        if let Some(p) = &f.postcode {
            out.push(format!("{slot}|p|{p}"));
        }
        if let Some(l) = &f.locality {
            out.push(format!("{slot}|l|{l}"));
        }
        if let Some(c) = &f.conference {
            out.push(format!("{slot}|c|{c}"));
        }
        if let Some((lat, lon)) = f.point {
            for (dl, dn) in [(-0.0025, -0.0025), (-0.0025, 0.0025), (0.0025, -0.0025), (0.0025, 0.0025)] {
                out.push(format!("{slot}|g|{}:{}", ((lat + dl) * 100.0).floor(), ((lon + dn) * 100.0).floor()));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

struct UnionFind {
    parent: Vec<usize>,
    members: Vec<Vec<usize>>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind { parent: (0..n).collect(), members: (0..n).map(|i| vec![i]).collect() }
    }
    fn find(&self, mut i: usize) -> usize {
        while self.parent[i] != i {
            i = self.parent[i];
        }
        i
    }
    fn union(&mut self, a: usize, b: usize) -> usize {
        let (root, child) = if a < b { (a, b) } else { (b, a) };
        self.parent[child] = root;
        let moved = std::mem::take(&mut self.members[child]);
        self.members[root].extend(moved);
        root
    }
}

fn conflicts(uf: &UnionFind, sorted: &[Candidate<'_>], ri: usize, rj: usize) -> bool {
    let a = &uf.members[ri];
    let b = &uf.members[rj];
    a.iter().any(|&x| {
        b.iter().any(|&y| sorted[x].key.source_id == sorted[y].key.source_id && sorted[x].hash != sorted[y].hash)
    })
}

fn kept_apart(uf: &UnionFind, never: &HashSet<(usize, usize)>, ri: usize, rj: usize) -> bool {
    uf.members[ri].iter().any(|&x| uf.members[rj].iter().any(|&y| never.contains(&(x.min(y), x.max(y)))))
}

type Edge = (f64, usize, usize, Vec<String>);

/// The union phase of `dedup::cluster`, unchanged.
fn union_phase(sorted: &[Candidate<'_>], edges: Vec<Edge>) -> Vec<Cluster> {
    let n = sorted.len();
    let mut adjacent: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    for (score, i, j, _) in &edges {
        adjacent[*i].push((*score, *j));
        adjacent[*j].push((*score, *i));
    }
    // No operator corrections in the bench: `never` is empty, as `cluster(.., &[])` has it.
    let never: HashSet<(usize, usize)> = HashSet::new();
    let mut uf = UnionFind::new(n);
    let mut contested = vec![false; n];
    let mut links: Vec<Vec<supportmesh::store::MatchLink>> = vec![Vec::new(); n];
    for (score, i, j, evidence) in edges {
        let (ri, rj) = (uf.find(i), uf.find(j));
        if ri == rj || kept_apart(&uf, &never, ri, rj) {
            continue;
        }
        if contested[i] || contested[j] || conflicts(&uf, sorted, ri, rj) {
            continue;
        }
        let rival = |me: usize, other: usize| {
            adjacent[me].iter().any(|&(s, k)| {
                k != other
                    && s >= score - AMBIGUITY
                    && sorted[k].key.source_id == sorted[other].key.source_id
                    && !contested[k]
                    && !conflicts(&uf, sorted, uf.find(me), uf.find(k))
            })
        };
        if rival(i, j) || rival(j, i) {
            contested[i] = true;
            contested[j] = true;
            continue;
        }
        let root = uf.union(ri, rj);
        let mut moved = std::mem::take(&mut links[ri]);
        moved.append(&mut std::mem::take(&mut links[rj]));
        moved.push(supportmesh::store::MatchLink {
            a: sorted[i].key.clone(),
            b: sorted[j].key.clone(),
            score: score.min(1.0),
            evidence,
        });
        links[root] = moved;
    }
    let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        by_root.entry(uf.find(i)).or_default().push(i);
    }
    let mut out: Vec<Cluster> = by_root
        .into_iter()
        .map(|(root, idx)| {
            let mut links = std::mem::take(&mut links[root]);
            links.sort_by(|a, b| (&a.a, &a.b).cmp(&(&b.a, &b.b)));
            Cluster { members: idx.into_iter().map(|i| sorted[i].key.clone()).collect(), links }
        })
        .collect();
    out.sort_by(|a, b| a.members.cmp(&b.members));
    out
}

struct Phase {
    name: &'static str,
    took: Duration,
    rss_after: f64,
}

fn print_phases(title: &str, phases: &[Phase], total: Duration, peak: f64, before: f64) {
    println!("{title}: {} total, peak RSS {:.0} MB (before {:.0} MB)", secs(total), peak, before);
    for p in phases {
        println!(
            "    {:<44} {:>9}  ({:>4.1}%)  RSS after {:>6.0} MB",
            p.name,
            secs(p.took),
            100.0 * p.took.as_secs_f64() / total.as_secs_f64().max(1e-9),
            p.rss_after
        );
    }
}

fn candidates_sorted(data: &Data) -> Vec<Candidate<'_>> {
    let mut sorted: Vec<Candidate<'_>> =
        data.recs.iter().map(|r| Candidate { key: &r.key, listing: &r.listing, hash: &r.hash }).collect();
    sorted.sort_by(|a, b| a.key.cmp(b.key));
    sorted.dedup_by(|a, b| a.key == b.key);
    sorted
}

fn scenario_phases(data: &Data, reference: Option<&[Cluster]>) {
    reset_hwm();
    let before = rss_mb();
    let start = Instant::now();
    let mut phases = Vec::new();
    let mut lap = Instant::now();
    let mut mark = |name: &'static str, phases: &mut Vec<Phase>| {
        phases.push(Phase { name, took: lap.elapsed(), rss_after: rss_mb() });
        lap = Instant::now();
    };

    let sorted = candidates_sorted(data);
    let n = sorted.len();
    mark("sort + dedup candidates by key", &mut phases);
    let features: Vec<Features> = sorted.iter().map(|c| Features::of(c.listing)).collect();
    mark("feature extraction (Features::of)", &mut phases);
    let keys: Vec<Vec<String>> = features.iter().map(block_keys).collect();
    mark("blocking keys (String per key)", &mut phases);
    let total_keys: usize = keys.iter().map(Vec::len).sum();
    let mut buckets: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, ks) in keys.into_iter().enumerate() {
        for k in ks {
            buckets.entry(k).or_default().push(i);
        }
    }
    mark("bucketing (BTreeMap<String, Vec<usize>>)", &mut phases);
    let mut enumerated = 0u64;
    let mut skipped_buckets = 0usize;
    let mut skipped_members = 0usize;
    let mut hist = [0usize; 6]; // 1, 2-9, 10-99, 100-499, 500-1000, >1000
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    for members in buckets.values() {
        let m = members.len();
        hist[match m {
            1 => 0,
            2..=9 => 1,
            10..=99 => 2,
            100..=499 => 3,
            500..=MAX_BUCKET => 4,
            _ => 5,
        }] += 1;
        if m > MAX_BUCKET {
            skipped_buckets += 1;
            skipped_members += m;
            continue;
        }
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                enumerated += 1;
                if seen.insert((i, j)) {
                    pairs.push((i as u32, j as u32));
                }
            }
        }
    }
    let seen_len = seen.len();
    let seen_cap = seen.capacity();
    mark("pair enumeration + dedup (HashSet<(usize,usize)>)", &mut phases);
    drop(seen);
    drop(buckets);
    mark("drop seen-set and buckets", &mut phases);
    let mut edges: Vec<Edge> = Vec::new();
    for &(i, j) in &pairs {
        let (i, j) = (i as usize, j as usize);
        if let Some(v) = dedup::pair(&sorted[i], &sorted[j], &features[i], &features[j]) {
            edges.push((v.score, i, j, v.evidence));
        }
    }
    mark("pair scoring (dedup::pair, with evidence)", &mut phases);
    edges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    mark("edge sort", &mut phases);
    let n_edges = edges.len();
    drop(pairs);
    let clusters = union_phase(&sorted, edges);
    mark("union (constraints, rivals, links) + output", &mut phases);
    let total = start.elapsed();
    print_phases("phases (bench copy of dedup::cluster)", &phases, total, hwm_mb(), before);
    println!(
        "    {n} records, {total_keys} blocking keys ({:.1}/record), buckets by size: 1:{} 2-9:{} 10-99:{} 100-499:{} \
         500-1000:{} >1000 (skipped):{} holding {} keys",
        total_keys as f64 / n as f64,
        hist[0],
        hist[1],
        hist[2],
        hist[3],
        hist[4],
        hist[5],
        skipped_members
    );
    let _ = skipped_buckets;
    println!(
        "    {enumerated} pairs enumerated, {seen_len} distinct pairs scored (seen-set capacity {seen_cap}, ~{:.0} MB), \
         {n_edges} matching edges",
        seen_cap as f64 * 17.0 / 1e6
    );
    if let Some(reference) = reference {
        println!("    same clusters as dedup::cluster: {}", same_clusters(&clusters, reference));
    }
}

fn same_clusters(a: &[Cluster], b: &[Cluster]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.members == y.members && x.links == y.links)
}

// ---------------------------------------------------------------------------------------------
// Prototypes.
//
// "exact" gives the same clusters as `dedup::cluster` with cheaper candidate generation:
// 1. Blocking keys hashed to u64 while they are built (no String per key), bucketed by sorting a
//    flat Vec<(key hash, record)> instead of a BTreeMap<String, Vec<usize>>.
// 2. No seen-set: a pair is scored only in the bucket of the smallest key hash the two records
//    share (each record keeps its sorted key hashes; a short merge finds the first common one).
// 3. An exact early reject before `dedup::pair`: two exact points more than 3 km apart, no equal
//    street key, and not the online/in-person "same area" exception, are `Place::Different`,
//    for which every rule of `compare` returns None; skip the name similarity for them.
// 4. Features and scoring split over the available cores (std::thread::scope); edges merged
//    and sorted as before. The union phase is unchanged.
//
// Variants that change the result (reported with precision/recall, here and on the real
// labelled sepa set):
// * "veto": a verdict with no place or conference evidence (the "same name, nothing against it"
//   and "similar name, same locality or postcode" rules) is dropped when both records name a
//   postcode or locality and they differ with none equal.
// * "scoped": name blocking keys carry an area (locality, postcode, or a ~10 km cell of the
//   point; "-" for records with none), so a common name is compared within its area, not
//   nationwide.

#[derive(Clone, Copy, Default)]
struct ProtoOpts {
    quick_reject: bool,
    veto: bool,
    scoped_names: bool,
}

fn fx(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

fn hash_str(mut h: u64, s: &str) -> u64 {
    for chunk in s.as_bytes().chunks(8) {
        let mut v = [0u8; 8];
        v[..chunk.len()].copy_from_slice(chunk);
        h = fx(h, u64::from_le_bytes(v));
    }
    fx(h, s.len() as u64 | 0xff00_0000_0000_0000)
}

/// The areas a name key is scoped to ("scoped" variant).
fn areas(f: &Features) -> Vec<u64> {
    let mut out = Vec::new();
    if let Some(l) = &f.locality {
        out.push(hash_str(11, l));
    }
    if let Some(p) = &f.postcode {
        out.push(hash_str(12, p));
    }
    if let Some((lat, lon)) = f.point {
        for (dl, dn) in [(-0.01, -0.01), (-0.01, 0.01), (0.01, -0.01), (0.01, 0.01)] {
            out.push(fx(fx(13, ((lat + dl) * 10.0).floor() as i64 as u64), ((lon + dn) * 10.0).floor() as i64 as u64));
        }
    }
    if out.is_empty() {
        out.push(14);
    }
    out
}

/// The same keys as `block_keys`, hashed, sorted and deduplicated (name keys scoped when asked).
fn block_hashes(f: &Features, scoped: bool) -> Vec<u64> {
    let mut out = Vec::new();
    let scope = if scoped { areas(f) } else { vec![0] };
    for slot in f.slots.iter().filter(|s| *s != "unknown") {
        let hs = hash_str(0, slot);
        for w in f.name.iter().take(3) {
            let hw = hash_str(fx(hs, 1), w);
            for &a in &scope {
                out.push(if scoped { fx(hw, a) } else { hw });
            }
        }
        if let Some(s) = &f.street {
            out.push(hash_str(fx(hs, 2), s));
        }
        if let Some(p) = &f.postcode {
            out.push(hash_str(fx(hs, 3), p));
        }
        if let Some(l) = &f.locality {
            out.push(hash_str(fx(hs, 4), l));
        }
        if let Some(c) = &f.conference {
            out.push(hash_str(fx(hs, 5), c));
        }
        if let Some((lat, lon)) = f.point {
            for (dl, dn) in [(-0.0025, -0.0025), (-0.0025, 0.0025), (0.0025, -0.0025), (0.0025, 0.0025)] {
                let a = ((lat + dl) * 100.0).floor() as i64 as u64;
                let b = ((lon + dn) * 100.0).floor() as i64 as u64;
                out.push(fx(fx(fx(hs, 6), a), b));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn first_common(a: &[u64], b: &[u64]) -> Option<u64> {
    let (mut x, mut y) = (0, 0);
    while x < a.len() && y < b.len() {
        match a[x].cmp(&b[y]) {
            std::cmp::Ordering::Less => x += 1,
            std::cmp::Ordering::Greater => y += 1,
            std::cmp::Ordering::Equal => return Some(a[x]),
        }
    }
    None
}

fn same_area(a: &Features, b: &Features) -> bool {
    matches!((&a.postcode, &b.postcode), (Some(x), Some(y)) if x == y)
        || matches!((&a.locality, &b.locality), (Some(x), Some(y)) if x == y)
}

/// True only when `compare` would certainly return None because the places differ
/// (mirrors score.rs `place` and the online/in-person exception in `compare`).
fn certainly_other_place(a: &Features, b: &Features) -> bool {
    let (Some(p), Some(q)) = (a.point, b.point) else { return false };
    if matches!((&a.street, &b.street), (Some(x), Some(y)) if x == y) {
        return false;
    }
    if supportmesh::store::haversine_km(p.0, p.1, q.0, q.1) <= 3.0 {
        return false;
    }
    a.online_only == b.online_only || !same_area(a, b)
}

/// "veto": both name an area, they differ, none is equal, and the verdict has no place or
/// conference evidence.
fn area_contradiction(a: &Features, b: &Features, evidence: &[String]) -> bool {
    if evidence
        .iter()
        .any(|e| e.starts_with("same street") || e.starts_with("same place") || e.starts_with("same conference"))
    {
        return false;
    }
    let differ = |x: &Option<String>, y: &Option<String>| matches!((x, y), (Some(x), Some(y)) if x != y);
    (differ(&a.postcode, &b.postcode) || differ(&a.locality, &b.locality)) && !same_area(a, b)
}

struct ProtoStats {
    pairs_scored: u64,
    quick_rejected: u64,
    vetoed: u64,
    keys: usize,
}

/// Clusters `sorted` (sorted and deduplicated by key) with the prototype candidate generation.
fn proto_cluster(sorted: &[Candidate<'_>], opts: ProtoOpts, phases: &mut Vec<Phase>) -> (Vec<Cluster>, ProtoStats) {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut lap = Instant::now();
    let mut mark = |name: &'static str, phases: &mut Vec<Phase>| {
        phases.push(Phase { name, took: lap.elapsed(), rss_after: rss_mb() });
        lap = Instant::now();
    };
    let n = sorted.len();
    let chunk = n.div_ceil(threads).max(1);
    let features: Vec<Features> = std::thread::scope(|s| {
        let hs: Vec<_> = sorted
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(|c| Features::of(c.listing)).collect::<Vec<_>>()))
            .collect();
        hs.into_iter().flat_map(|h| h.join().expect("features")).collect()
    });
    mark("feature extraction (parallel)", phases);
    let keys: Vec<Vec<u64>> = features.iter().map(|f| block_hashes(f, opts.scoped_names)).collect();
    mark("blocking keys hashed to u64", phases);
    let total_keys = keys.iter().map(Vec::len).sum();
    let mut flat: Vec<(u64, u32)> = Vec::with_capacity(total_keys);
    for (i, ks) in keys.iter().enumerate() {
        flat.extend(ks.iter().map(|&k| (k, i as u32)));
    }
    flat.sort_unstable();
    // Buckets with 2..=MAX_BUCKET members, as (start, end) in `flat`; keys of larger buckets
    // are dropped from the records' key lists, so the "first shared key" of a pair is always
    // one whose bucket is compared (as in `cluster`, where any compared bucket scores a pair).
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    let mut oversize: HashSet<u64> = HashSet::new();
    let mut s0 = 0;
    while s0 < flat.len() {
        let mut e = s0 + 1;
        while e < flat.len() && flat[e].0 == flat[s0].0 {
            e += 1;
        }
        if e - s0 > MAX_BUCKET {
            oversize.insert(flat[s0].0);
        } else if e - s0 >= 2 {
            bounds.push((s0, e));
        }
        s0 = e;
    }
    let mut keys = keys;
    if !oversize.is_empty() {
        for ks in &mut keys {
            ks.retain(|k| !oversize.contains(k));
        }
    }
    // Balance threads by pairs, not buckets.
    let weight = |&(a, b): &(usize, usize)| ((b - a) * (b - a - 1) / 2) as u64;
    let total_w: u64 = bounds.iter().map(weight).sum();
    let mut parts: Vec<&[(usize, usize)]> = Vec::new();
    let (mut from, mut acc) = (0, 0u64);
    for (k, bnd) in bounds.iter().enumerate() {
        acc += weight(bnd);
        if acc * threads as u64 >= total_w * (parts.len() as u64 + 1) && parts.len() + 1 < threads {
            parts.push(&bounds[from..=k]);
            from = k + 1;
        }
    }
    parts.push(&bounds[from..]);
    mark("bucketing (sort of flat (hash, record) vec)", phases);
    let (flat_ref, keys_ref, features_ref) = (&flat, &keys, &features);
    let results: Vec<(Vec<Edge>, u64, u64, u64)> = std::thread::scope(|s| {
        let hs: Vec<_> = parts
            .into_iter()
            .map(|part| {
                s.spawn(move || {
                    let mut out: Vec<Edge> = Vec::new();
                    let (mut scored, mut rejected, mut vetoed) = (0u64, 0u64, 0u64);
                    for &(b0, b1) in part {
                        let bucket = &flat_ref[b0..b1];
                        let key = bucket[0].0;
                        for (x, &(_, i)) in bucket.iter().enumerate() {
                            for &(_, j) in &bucket[x + 1..] {
                                let (i, j) = (i as usize, j as usize);
                                if first_common(&keys_ref[i], &keys_ref[j]) != Some(key) {
                                    continue;
                                }
                                scored += 1;
                                let (fi, fj) = (&features_ref[i], &features_ref[j]);
                                if opts.quick_reject
                                    && sorted[i].key.source_id != sorted[j].key.source_id
                                    && certainly_other_place(fi, fj)
                                {
                                    rejected += 1;
                                    continue;
                                }
                                if let Some(v) = dedup::pair(&sorted[i], &sorted[j], fi, fj) {
                                    if opts.veto
                                        && sorted[i].key.source_id != sorted[j].key.source_id
                                        && area_contradiction(fi, fj, &v.evidence)
                                    {
                                        vetoed += 1;
                                        continue;
                                    }
                                    out.push((v.score, i, j, v.evidence));
                                }
                            }
                        }
                    }
                    (out, scored, rejected, vetoed)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().expect("scoring")).collect()
    });
    let mut stats = ProtoStats { pairs_scored: 0, quick_rejected: 0, vetoed: 0, keys: total_keys };
    let mut edges: Vec<Edge> = Vec::new();
    for (e, sc, rj, vt) in results {
        edges.extend(e);
        stats.pairs_scored += sc;
        stats.quick_rejected += rj;
        stats.vetoed += vt;
    }
    mark("pair enumeration + scoring (parallel, no seen-set)", phases);
    drop(flat);
    drop(keys);
    edges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    mark("edge sort", phases);
    let clusters = union_phase(sorted, edges);
    mark("union (unchanged) + output", phases);
    (clusters, stats)
}

fn scenario_proto(data: &Data, reference: Option<&[Cluster]>, name: &str, opts: ProtoOpts) {
    reset_hwm();
    let before = rss_mb();
    let start = Instant::now();
    let mut phases = Vec::new();
    let t = Instant::now();
    let sorted = candidates_sorted(data);
    phases.push(Phase { name: "sort + dedup candidates by key", took: t.elapsed(), rss_after: rss_mb() });
    let (clusters, st) = proto_cluster(&sorted, opts, &mut phases);
    let total = start.elapsed();
    print_phases(&format!("proto {name}"), &phases, total, hwm_mb(), before);
    println!(
        "    {} keys, {} distinct pairs scored, {} rejected early as other places, {} vetoed; {} groups",
        st.keys,
        st.pairs_scored,
        st.quick_rejected,
        st.vetoed,
        clusters.len()
    );
    if let Some(reference) = reference {
        println!("    same clusters as dedup::cluster: {}", same_clusters(&clusters, reference));
    }
    let members: Vec<Vec<RecordKey>> = clusters.iter().map(|c| c.members.clone()).collect();
    print_score(&score(data, &members));
}

/// Blocking statistics before any clustering: how many pairs the matcher will enumerate.
fn scenario_keys(data: &Data) {
    let t = Instant::now();
    for scoped in [false, true] {
        let mut flat: Vec<u64> = Vec::new();
        for r in &data.recs {
            flat.extend(block_hashes(&Features::of(&r.listing), scoped));
        }
        flat.sort_unstable();
        let (mut pairs, mut skipped, mut skipped_keys, mut largest) = (0u64, 0usize, 0usize, 0usize);
        let mut s0 = 0;
        while s0 < flat.len() {
            let mut e = s0 + 1;
            while e < flat.len() && flat[e] == flat[s0] {
                e += 1;
            }
            let m = e - s0;
            if m > MAX_BUCKET {
                skipped += 1;
                skipped_keys += m;
            } else {
                pairs += (m * (m - 1) / 2) as u64;
                largest = largest.max(m);
            }
            s0 = e;
        }
        println!(
            "keys ({}): {} keys, {} pairs enumerated in buckets of <= {MAX_BUCKET} (largest compared {largest}), {} buckets \
             over the cap skipped ({} keys) [{}]",
            if scoped { "name keys scoped by area" } else { "as dedup::blocking_keys" },
            flat.len(),
            pairs,
            skipped,
            skipped_keys,
            secs(t.elapsed())
        );
    }
}

/// The real labelled set (sepa A vs B, as examples/match_eval.rs scores it) under the
/// prototype variants: what they cost in recall on real data.
fn scenario_sepa() -> anyhow::Result<()> {
    let dir = "tests/fixtures/matching/sepa";
    let opts = SourceOptions { timezone: "America/New_York".into(), country: Some("US".into()), ..Default::default() };
    let mut records = Vec::new();
    for (src, file) in [("dira", "source-a.json"), ("dirb", "source-b.json")] {
        let bytes = std::fs::read(format!("{dir}/{file}"))?;
        for l in importers::parse(Format::MeetingGuide, &Documents::single(&bytes), &opts)?.listings {
            let hash = dedup::listing_hash(&l);
            records.push((RecordKey::new(src, l.external_id.clone()), l, hash));
        }
    }
    let truth: serde_json::Value = serde_json::from_slice(&std::fs::read(format!("{dir}/truth.json"))?)?;
    let pairs = |k: &str| -> BTreeSet<(String, String)> {
        truth[k]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| (format!("dira:{}", p[0].as_str().unwrap_or("")), format!("dirb:{}", p[1].as_str().unwrap_or(""))))
            .collect()
    };
    let (same, ignore) = (pairs("same"), pairs("ignore"));
    let eval = |clusters: &[Cluster]| {
        let mut predicted = BTreeSet::new();
        for c in clusters {
            for a in c.members.iter().filter(|k| k.source_id == "dira") {
                for b in c.members.iter().filter(|k| k.source_id == "dirb") {
                    predicted.insert((a.to_string(), b.to_string()));
                }
            }
        }
        let tp = predicted.intersection(&same).count();
        let fp = predicted.iter().filter(|p| !same.contains(*p) && !ignore.contains(*p)).count();
        format!(
            "precision {:.4} recall {:.4} (tp {tp}, fp {fp}, missed {})",
            tp as f64 / (tp + fp).max(1) as f64,
            tp as f64 / same.len().max(1) as f64,
            same.len() - tp
        )
    };
    let mut sorted: Vec<Candidate<'_>> =
        records.iter().map(|(k, l, h)| Candidate { key: k, listing: l, hash: h }).collect();
    sorted.sort_by(|a, b| a.key.cmp(b.key));
    sorted.dedup_by(|a, b| a.key == b.key);
    let reference = dedup::cluster(&sorted, &[]);
    println!("sepa (real labelled set, {} records): dedup::cluster {}", sorted.len(), eval(&reference));
    for (name, o) in proto_variants() {
        let (c, _) = proto_cluster(&sorted, o, &mut Vec::new());
        println!("    proto {name:<16} {}  (same clusters: {})", eval(&c), same_clusters(&c, &reference));
    }
    Ok(())
}

fn proto_variants() -> Vec<(&'static str, ProtoOpts)> {
    vec![
        ("exact", ProtoOpts { quick_reject: true, ..Default::default() }),
        ("veto", ProtoOpts { quick_reject: true, veto: true, ..Default::default() }),
        ("scoped", ProtoOpts { quick_reject: true, scoped_names: true, ..Default::default() }),
        ("veto+scoped", ProtoOpts { quick_reject: true, veto: true, scoped_names: true }),
    ]
}

// ---------------------------------------------------------------------------------------------
// Scenario B: the store

fn bench_dir(cfg: &Config) -> tempfile::TempDir {
    let root = cfg
        .dir
        .clone()
        .or_else(|| std::env::var("CARGO_TARGET_DIR").ok())
        .unwrap_or_else(|| std::env::temp_dir().display().to_string());
    std::fs::create_dir_all(&root).expect("bench dir");
    tempfile::Builder::new().prefix("bench-matching-").tempdir_in(root).expect("temp dir")
}

fn dir_size_mb(path: &std::path::Path) -> f64 {
    fn walk(p: &std::path::Path) -> u64 {
        let Ok(rd) = std::fs::read_dir(p) else { return 0 };
        rd.flatten()
            .map(|e| match e.metadata() {
                Ok(m) if m.is_dir() => walk(&e.path()),
                Ok(m) => m.len(),
                Err(_) => 0,
            })
            .sum()
    }
    walk(path) as f64 / 1e6
}

fn import_run(source: &str, now: DateTime<Utc>, seq: usize, counts: RunCounts) -> ImportRun {
    ImportRun {
        id: format!("{source}-bench-{seq}"),
        source_id: source.to_owned(),
        started_at: now,
        finished_at: now,
        outcome: RunOutcome::Succeeded,
        http_status: None,
        fetched_bytes: 0,
        counts,
        problems: Vec::new(),
        error: None,
    }
}

#[derive(Default, Clone, Copy)]
struct ImportTimes {
    read: Duration,
    diff: Duration,
    regroup: Duration,
    commit: Duration,
}

impl ImportTimes {
    fn total(&self) -> Duration {
        self.read + self.diff + self.regroup + self.commit
    }
    fn add(&mut self, o: &ImportTimes) {
        self.read += o.read;
        self.diff += o.diff;
        self.regroup += o.regroup;
        self.commit += o.commit;
    }
    fn show(&self) -> String {
        format!(
            "{} (read source records {}, diff {}, regroup {}, commit {})",
            secs(self.total()),
            secs(self.read),
            secs(self.diff),
            secs(self.regroup),
            secs(self.commit)
        )
    }
}

struct ImportOutcome {
    times: ImportTimes,
    counts: RunCounts,
    records_put: usize,
    groups_put: usize,
    tombstones: usize,
    redirects: usize,
    events: usize,
}

/// One run of one source after fetch and parse, as `Ingestor::run_locked` does it.
fn import(store: &Store, source: &str, listings: Vec<Listing>, now: DateTime<Utc>, seq: usize) -> ImportOutcome {
    let mut times = ImportTimes::default();
    let t = Instant::now();
    let existing = store.records_of_source(source).expect("records_of_source");
    times.read = t.elapsed();
    let t = Instant::now();
    let changes = diff(source, listings, existing, now, chrono::Duration::days(14));
    times.diff = t.elapsed();
    let counts = changes.counts.clone();
    let t = Instant::now();
    let trust = |_: &str| 50u8;
    let g = regroup(store, &trust, changes.put, changes.delete, now, &[]).expect("regroup");
    times.regroup = t.elapsed();
    let out = ImportOutcome {
        times,
        counts: counts.clone(),
        records_put: g.records_put.len(),
        groups_put: g.groups_put.len(),
        tombstones: g.groups_tombstone.len(),
        redirects: g.redirects.len(),
        events: g.events.len(),
    };
    let t = Instant::now();
    let run = import_run(source, now, seq, counts);
    store
        .commit(RunCommit {
            records_put: g.records_put,
            records_delete: g.records_delete,
            groups_put: g.groups_put,
            groups_tombstone: g.groups_tombstone,
            redirects: g.redirects,
            run: Some(RunLog {
                source_id: source.to_owned(),
                run: run.clone(),
                state: SourceState {
                    document_hash: Some(format!("bench-{seq}")),
                    last_success_at: Some(now),
                    last_run: Some(run),
                    ..Default::default()
                },
            }),
            corrections: Vec::new(),
        })
        .expect("commit");
    ImportOutcome { times: ImportTimes { commit: t.elapsed(), ..out.times }, ..out }
}

struct Populated {
    sources: usize,
    records: usize,
    times: ImportTimes,
    wall: Duration,
    complete: bool,
}

fn populate_ingest(store: &Store, data: &Data, sources: &[String], budget: Duration, now: DateTime<Utc>) -> Populated {
    let start = Instant::now();
    let mut p =
        Populated { sources: 0, records: 0, times: ImportTimes::default(), wall: Duration::ZERO, complete: false };
    let mut window = ImportTimes::default();
    let report_every = (sources.len() / 20).max(1);
    for (k, sid) in sources.iter().enumerate() {
        let listings: Vec<Listing> = data.by_source[sid].iter().map(|&i| data.recs[i].listing.clone()).collect();
        let n = listings.len();
        if k + 1 == sources.len() {
            // Where a population batch's time goes: the closure search of the last one, probed.
            let ch = diff(sid, listings.clone(), Vec::new(), now, chrono::Duration::days(14));
            let probe = probe_closure(store, &ch.put, &ch.delete);
            println!("    probe of the last source populated ({sid}, {n} records), before its import:");
            print_probe(&probe);
        }
        let o = import(store, sid, listings, now, k);
        p.times.add(&o.times);
        window.add(&o.times);
        p.sources += 1;
        p.records += n;
        if (k + 1) % report_every == 0 || k + 1 == sources.len() {
            println!(
                "    populated {:>4} sources, {:>8} records, {:>8} elapsed; last {} sources: {}",
                p.sources,
                p.records,
                secs(start.elapsed()),
                report_every,
                window.show()
            );
            window = ImportTimes::default();
        }
        if start.elapsed() > budget && k + 1 < sources.len() {
            println!("    population budget ({}) exhausted", secs(budget));
            break;
        }
    }
    p.wall = start.elapsed();
    p.complete = p.sources == sources.len();
    p
}

/// The state a rebuild from scratch gives, written in ~2,000-record commits: records with their
/// blocking keys, groups with ids from `dedup::assign_ids`, merged views and links.
fn populate_bulk(store: &Store, data: &Data, clusters: &[Cluster], now: DateTime<Utc>) -> Duration {
    let start = Instant::now();
    let idx: HashMap<&RecordKey, usize> = data.recs.iter().enumerate().map(|(i, r)| (&r.key, i)).collect();
    let members: Vec<Vec<RecordKey>> = clusters.iter().map(|c| c.members.clone()).collect();
    let plan = dedup::assign_ids(&members, &BTreeMap::new(), &BTreeMap::new());
    let mut batch_records: Vec<StoredRecord> = Vec::new();
    let mut batch_groups: Vec<StoredGroup> = Vec::new();
    let mut seq = 0;
    let mut encode_commit = Duration::ZERO;
    for (c, id) in clusters.iter().zip(&plan.ids) {
        let recs: Vec<StoredRecord> = c
            .members
            .iter()
            .map(|k| {
                let r = &data.recs[idx[k]];
                StoredRecord {
                    key: r.key.clone(),
                    listing: r.listing.clone(),
                    hash: r.hash.clone(),
                    first_seen: now,
                    last_seen: now,
                    missing_since: None,
                    group_id: id.clone(),
                    blocks: dedup::blocking_keys(&r.listing),
                }
            })
            .collect();
        let inputs: Vec<MergeInput<'_>> = recs.iter().map(|r| MergeInput { record: r, trust: 50 }).collect();
        let listing = dedup::merge(&inputs).expect("merge");
        batch_groups.push(StoredGroup {
            id: id.clone(),
            listing,
            records: c.members.clone(),
            links: c.links.clone(),
            status: GroupStatus::Active,
            first_seen: now,
            updated_at: now,
        });
        batch_records.extend(recs);
        if batch_records.len() >= 2000 {
            let t = Instant::now();
            commit_bulk(store, &mut batch_records, &mut batch_groups, now, &mut seq);
            encode_commit += t.elapsed();
        }
    }
    let t = Instant::now();
    commit_bulk(store, &mut batch_records, &mut batch_groups, now, &mut seq);
    encode_commit += t.elapsed();
    println!(
        "    bulk load: {} commits, {} in Store::commit, {} preparing records/groups",
        seq,
        secs(encode_commit),
        secs(start.elapsed() - encode_commit)
    );
    start.elapsed()
}

fn commit_bulk(
    store: &Store,
    records: &mut Vec<StoredRecord>,
    groups: &mut Vec<StoredGroup>,
    now: DateTime<Utc>,
    seq: &mut usize,
) {
    if records.is_empty() {
        return;
    }
    *seq += 1;
    let run = import_run("bulk", now, *seq, RunCounts::default());
    store
        .commit(RunCommit {
            records_put: std::mem::take(records),
            groups_put: std::mem::take(groups),
            run: Some(RunLog { source_id: "bulk".into(), run, state: SourceState::default() }),
            ..Default::default()
        })
        .expect("bulk commit");
}

/// A changed feed for `source`: 50 listings removed, 100 changed (40 moved 30 minutes later,
/// 30 renamed, 30 with new notes), 50 new duplicates of groups other sources of the region list,
/// 50 brand-new groups.
fn changed_feed(data: &Data, source: &str, rng: &mut Rng) -> Vec<Listing> {
    let own = &data.by_source[source];
    let mut feed: Vec<Listing> = own.iter().map(|&i| data.recs[i].listing.clone()).collect();
    // Remove 50.
    for _ in 0..50.min(feed.len() / 10) {
        let k = rng.below(feed.len() as u64) as usize;
        feed.swap_remove(k);
    }
    // Change 100.
    for c in 0..100.min(feed.len()) {
        let k = rng.below(feed.len() as u64) as usize;
        let l = &mut feed[k];
        match c % 10 {
            0..4 => {
                for m in &mut l.meetings {
                    m.start = m.start.map(|t| t + chrono::Duration::minutes(30));
                    m.end = m.end.map(|t| t + chrono::Duration::minutes(30));
                }
            }
            4..7 => l.name = format!("{} Step Study", l.name),
            _ => l.description = Some(format!("Changed notes {c}")),
        }
    }
    // 50 new duplicates of originals this source does not list, from the same regions.
    let own_labels: HashSet<u32> = own.iter().map(|&i| data.recs[i].label).collect();
    let regions: BTreeSet<u32> = own.iter().map(|&i| data.recs[i].label / data.base_len as u32).collect();
    let pool: Vec<u32> = (0..data.originals as u32)
        .filter(|g| regions.contains(&(g / data.base_len as u32)) && !own_labels.contains(g))
        .collect();
    for k in 0..50.min(pool.len()) {
        let g = pool[rng.below(pool.len() as u64) as usize] as usize;
        let mut l = data.recs[g].listing.clone();
        perturb(&mut l, rng, source, &format!("n{g}-{k}"));
        feed.push(l);
    }
    // 50 brand-new groups.
    if let Some(&first) = own.first() {
        for k in 0..50 {
            let mut l = data.recs[own[rng.below(own.len() as u64) as usize]].listing.clone();
            l.external_id = format!("new-{k}");
            l.name = format!("New Beginnings Bench {k}");
            for m in &mut l.meetings {
                m.start = m.start.map(|t| t + chrono::Duration::minutes(7));
            }
            if let Some(o) = &mut l.online {
                o.conference_id = o.conference_id.as_ref().map(|c| format!("{c}9{k}"));
            }
            let _ = first;
            feed.push(l);
        }
    }
    feed
}

#[derive(Default)]
struct ClosureProbe {
    closure: usize,
    old_groups: usize,
    block_scans: usize,
    keys_returned: usize,
    neighbours: usize,
    decoded: usize,
    compared: usize,
    matched: usize,
    scan_time: Duration,
    decode_time: Duration,
    compare_time: Duration,
    total: Duration,
}

/// A read-only copy of `regroup`'s closure search (src/ingest/regroup.rs `Closure`), counting
/// what it reads.
fn probe_closure(store: &Store, put: &[StoredRecord], delete: &[StoredRecord]) -> ClosureProbe {
    let start = Instant::now();
    let mut p = ClosureProbe::default();
    let deleted: BTreeSet<RecordKey> = delete.iter().map(|r| r.key.clone()).collect();
    let mut current: BTreeMap<RecordKey, StoredRecord> = BTreeMap::new();
    let mut old_groups: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<RecordKey> = VecDeque::new();
    let mut old_group = |id: &str,
                         current: &mut BTreeMap<RecordKey, StoredRecord>,
                         queue: &mut VecDeque<RecordKey>,
                         p: &mut ClosureProbe| {
        if id.is_empty() || old_groups.contains(id) {
            return;
        }
        let t = Instant::now();
        let Some(g) = store.group(id).expect("group").filter(|g| g.id == id) else { return };
        for k in &g.records {
            if !current.contains_key(k) && !deleted.contains(k) {
                if let Some(r) = store.record(k).expect("record") {
                    p.decoded += 1;
                    queue.push_back(k.clone());
                    current.insert(k.clone(), r);
                }
            }
        }
        p.decode_time += t.elapsed();
        old_groups.insert(id.to_owned());
    };
    for r in delete {
        if let Some(s) = store.record(&r.key).expect("record") {
            old_group(&s.group_id, &mut current, &mut queue, &mut p);
        }
    }
    for r in put {
        if let Some(s) = store.record(&r.key).expect("record") {
            old_group(&s.group_id, &mut current, &mut queue, &mut p);
        }
        queue.push_back(r.key.clone());
        current.insert(r.key.clone(), r.clone());
    }
    let mut done: BTreeSet<RecordKey> = BTreeSet::new();
    while let Some(key) = queue.pop_front() {
        if !done.insert(key.clone()) {
            continue;
        }
        let Some(rec) = current.get(&key).cloned() else { continue };
        let features = Features::of(&rec.listing);
        let me = Candidate { key: &rec.key, listing: &rec.listing, hash: &rec.hash };
        let t = Instant::now();
        let mut neighbours: BTreeSet<RecordKey> = BTreeSet::new();
        for block in &rec.blocks {
            let ks = store.records_with_block(block).expect("blocks");
            p.block_scans += 1;
            p.keys_returned += ks.len();
            neighbours.extend(ks);
        }
        p.scan_time += t.elapsed();
        for n in neighbours {
            if n == key || deleted.contains(&n) || current.contains_key(&n) {
                continue;
            }
            p.neighbours += 1;
            let t = Instant::now();
            let Some(other) = store.record(&n).expect("record") else { continue };
            p.decoded += 1;
            p.decode_time += t.elapsed();
            let t = Instant::now();
            let them = Candidate { key: &other.key, listing: &other.listing, hash: &other.hash };
            let hit = dedup::pair(&me, &them, &features, &Features::of(&other.listing)).is_some();
            p.compared += 1;
            p.compare_time += t.elapsed();
            if !hit {
                continue;
            }
            p.matched += 1;
            let gid = other.group_id.clone();
            queue.push_back(n.clone());
            current.insert(n, other);
            old_group(&gid, &mut current, &mut queue, &mut p);
        }
    }
    p.closure = current.len();
    p.old_groups = old_groups.len();
    p.total = start.elapsed();
    p
}

fn print_probe(p: &ClosureProbe) {
    println!(
        "    closure: {} records in {} old groups; search {} = {} block scans returning {} keys ({} scanning), {} \
         non-closure neighbours decoded from JSON ({} reading+decoding incl. group members), {} compared ({}), {} matched",
        p.closure,
        p.old_groups,
        secs(p.total),
        p.block_scans,
        p.keys_returned,
        secs(p.scan_time),
        p.neighbours,
        secs(p.decode_time),
        p.compared,
        secs(p.compare_time),
        p.matched
    );
}

/// Imports the changed feed of one source into `store`, probing the closure first.
fn measure_changed_import(store: &Store, data: &Data, label: &str, source: &str, now: DateTime<Utc>) {
    let mut rng = Rng(0xC0FFEE);
    let feed = changed_feed(data, source, &mut rng);
    let n = feed.len();
    // Probe (read-only) with the same put/delete regroup will get.
    let existing = store.records_of_source(source).expect("records");
    let changes = diff(source, feed.clone(), existing, now, chrono::Duration::days(14));
    let probe = probe_closure(store, &changes.put, &changes.delete);
    reset_hwm();
    let before = rss_mb();
    let o = import(store, source, feed, now, 1_000_000);
    println!(
        "B  {label}: import of changed source {source} ({n} listings: seen {}, added {}, updated {}, unchanged {}, \
         missing {}): {}",
        o.counts.seen,
        o.counts.added,
        o.counts.updated,
        o.counts.unchanged,
        o.counts.missing,
        o.times.show()
    );
    println!(
        "    writes: {} records, {} groups, {} tombstones, {} redirects, {} events; RSS {:.0} MB -> peak {:.0} MB",
        o.records_put,
        o.groups_put,
        o.tombstones,
        o.redirects,
        o.events,
        before,
        hwm_mb()
    );
    print_probe(&probe);
}

fn scenario_b(cfg: &Config, data: &Data, clusters: Option<&[Cluster]>) {
    let now = Utc::now();
    // Sources in order until the store would hold store_listings records.
    let mut chosen: Vec<String> = Vec::new();
    let mut total = 0;
    for (sid, idx) in &data.by_source {
        if total + idx.len() > cfg.store_listings && !chosen.is_empty() {
            break;
        }
        total += idx.len();
        chosen.push(sid.clone());
    }
    let changed = chosen[chosen.len() / 2].clone();

    let mut ingest_complete = false;
    if cfg.bulk != "always" {
        let dir = bench_dir(cfg);
        let store = Store::open(&dir.path().join("store.sled")).expect("store");
        println!(
            "B  populating a store with {} records in {} sources through diff + regroup + commit (budget {})",
            total,
            chosen.len(),
            secs(cfg.budget)
        );
        let p = populate_ingest(&store, data, &chosen, cfg.budget, now);
        ingest_complete = p.complete;
        println!(
            "B  population through the ingest path: {} records in {} sources in {} ({:.0} records/s): {}; store on disk {:.0} MB; RSS {:.0} MB",
            p.records,
            p.sources,
            secs(p.wall),
            p.records as f64 / p.wall.as_secs_f64(),
            p.times.show(),
            dir_size_mb(dir.path()),
            rss_mb()
        );
        // The next source the population would have imported, probed: where a batch's time goes.
        if let Some(next) = chosen.get(p.sources) {
            let listings: Vec<Listing> = data.by_source[next].iter().map(|&i| data.recs[i].listing.clone()).collect();
            let ch = diff(next, listings, Vec::new(), now, chrono::Duration::days(14));
            let probe = probe_closure(&store, &ch.put, &ch.delete);
            println!("    probe of the next source to populate ({next}, {} records):", ch.put.len());
            print_probe(&probe);
        }
        let target = if p.complete { changed.clone() } else { chosen[p.sources / 2].clone() };
        measure_changed_import(&store, data, &format!("store of {} records (ingest-built)", p.records), &target, now);
    }
    let bulk = cfg.bulk == "always" || (cfg.bulk == "auto" && !ingest_complete);
    if bulk {
        let owned;
        let clusters = match clusters {
            Some(c) if total == data.recs.len() => c,
            _ => {
                let keep: HashSet<&String> = chosen.iter().collect();
                let cands: Vec<Candidate<'_>> = data
                    .recs
                    .iter()
                    .filter(|r| keep.contains(&r.key.source_id))
                    .map(|r| Candidate { key: &r.key, listing: &r.listing, hash: &r.hash })
                    .collect();
                owned = dedup::cluster(&cands, &[]);
                &owned[..]
            }
        };
        let dir = bench_dir(cfg);
        let store = Store::open(&dir.path().join("store.sled")).expect("store");
        let took = populate_bulk(&store, data, clusters, now);
        println!(
            "B  bulk-loaded store: {} records, {} groups in {}; store on disk {:.0} MB; RSS {:.0} MB",
            total,
            clusters.len(),
            secs(took),
            dir_size_mb(dir.path()),
            rss_mb()
        );
        measure_changed_import(&store, data, &format!("store of {total} records (bulk-loaded)"), &changed, now);
    }
}

// ---------------------------------------------------------------------------------------------

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes --bench; nothing else is taken from the command line.
    let cfg = Config::from_env();
    println!(
        "supportmesh matching bench: N = {}, sources = {}, duplicates = {:.0}%, seed = {}, scenarios = {:?}, \
         regional names = {}, {} CPUs",
        cfg.listings,
        cfg.sources,
        cfg.dup_rate * 100.0,
        cfg.seed,
        cfg.scenarios,
        cfg.regional_names,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    println!("load average at start: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
    let base = parse_base()?;
    // The bench's blocking-key copy must equal the matcher's.
    for l in base.iter().take(500) {
        assert_eq!(block_keys(&Features::of(l)), dedup::blocking_keys(l), "bench copy of blocking keys is stale");
    }
    let data = build(&cfg, &base);
    println!("RSS after building: {:.0} MB", rss_mb());
    let _ = data.regions;

    if cfg.wants("sepa") {
        scenario_sepa()?;
    }
    if cfg.wants("keys") {
        scenario_keys(&data);
    }
    let clusters = if cfg.wants("a") { Some(scenario_a(&data)) } else { None };
    if cfg.wants("phases") {
        scenario_phases(&data, clusters.as_deref());
    }
    for (name, opts) in proto_variants() {
        if cfg.wants("proto") || cfg.wants(&format!("proto-{name}")) {
            scenario_proto(&data, clusters.as_deref(), name, opts);
        }
    }
    if cfg.wants("b") {
        scenario_b(&cfg, &data, clusters.as_deref());
    }
    println!("load average at end: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
    Ok(())
}
