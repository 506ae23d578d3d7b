//! Scale benchmark for matching and incremental import (a plain `harness = false` binary:
//! one timed run of each scenario, no statistics).
//!
//!     cargo bench --bench matching
//!     SUPPORTMESH_BENCH_LISTINGS=100000 cargo bench --bench matching
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
//!   region, with these perturbations, applied at the `Listing` level:
//!   a fresh id, changed case (30%) or a " Group" suffix (20%), abbreviated (40%) or
//!   split/joined (30%) addresses, coordinates dropped (15%) or moved by < 90 m (40%),
//!   shortened Zoom URLs with the same conference id (60% of those with an id), notes dropped
//!   (50%), type codes dropped (50%). 12-hour times and day as int/string/array are
//!   importer-level differences that normalise to the same `Listing`, so they are no-ops here.
//!
//! Truth: a duplicate and its original are one group; everything else is two groups, except
//! pairs of one region whose two real listings the matcher already calls one group in the real
//! data (a row repeated inside the real feed): those are `ignore`d.
//!
//! Scenario A: `dedup::cluster` from scratch on all N candidates: wall time, RSS before, peak
//! RSS during (VmHWM after resetting it through /proc/self/clear_refs), groups, pairwise
//! precision/recall.
//!
//! Scenario B: a sled store (the real `Store`) populated source by source through the real
//! ingest path (`ingest::diff` + `ingest::regroup` + `Store::commit`, as `Ingestor::run_source`
//! does after fetch and parse), within a time budget; if the budget runs out, a second store is
//! bulk-loaded from scenario A's clusters (one `RunCommit` per ~2,000 records, the state a
//! rebuild from scratch gives). Then one source's changed feed (~2,000 listings: some changed,
//! some new, some removed) is imported through diff + regroup + commit. Last, every record of
//! the bulk-loaded store is re-keyed as start-up does after a blocking-scheme change.
//!
//! Environment: SUPPORTMESH_BENCH_LISTINGS (N, default 1000000), SUPPORTMESH_BENCH_SOURCES
//! (N / 2000: 500 at 1M), SUPPORTMESH_BENCH_DUP_RATE (0.3), SUPPORTMESH_BENCH_SEED (1),
//! SUPPORTMESH_BENCH_SCENARIOS (default "a,b"), SUPPORTMESH_BENCH_SHOW (print k false links),
//! SUPPORTMESH_BENCH_POPULATE_BUDGET_SECS (900),
//! SUPPORTMESH_BENCH_STORE_LISTINGS (records to put in the store, default N),
//! SUPPORTMESH_BENCH_BULK (auto|always|never, default auto), SUPPORTMESH_BENCH_DIR (where the
//! stores go; default a temporary directory under $CARGO_TARGET_DIR or /tmp).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use importers::{Documents, Format, Listing, SourceOptions};
use supportmesh::dedup::{self, Cluster, Features, MergeInput};
use supportmesh::ingest::{diff, regroup};
use supportmesh::model::{
    GroupStatus, ImportRun, RecordKey, RunCounts, RunOutcome, SourceState, StoredGroup, StoredRecord,
};
use supportmesh::store::{RunCommit, RunLog, Store};

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
                .unwrap_or_else(|| "a,b".into())
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

/// One generated record; its listing is generated again when asked for (`Data::listing`), so
/// the bench holds no listings while the matcher runs, as a store on disk would not.
struct Rec {
    key: RecordKey,
    hash: String,
    /// Index of the original this record is (or copies): the true group.
    label: u32,
    /// For a duplicate, the seed of its perturbation.
    perturbed: Option<u64>,
}

struct Data {
    recs: Vec<Rec>,
    base: Vec<Listing>,
    loc_words: HashSet<String>,
    regional_names: bool,
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

/// A duplicate's perturbations (the module doc lists them), at the `Listing` level.
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
        parsed.problems.len_total(),
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
    // The real set is one directory: its names weighed as the matcher weighs each source's.
    let names = dedup::NameTable::count(feats.iter().map(|f| ("base", f)));
    let mut ambiguous = HashSet::new();
    for i in 0..b {
        for j in i + 1..b {
            if hashes[i] == hashes[j] || dedup::compare(&feats[i], &feats[j], &names).is_some() {
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
        let key = RecordKey::new(source_id(primary(g)), format!("o{g}"));
        recs.push(Rec { key, hash: String::new(), label: g as u32, perturbed: None });
    }
    // Duplicates: distinct originals, chosen by a partial Fisher-Yates shuffle.
    let mut order: Vec<u32> = (0..originals as u32).collect();
    for k in 0..copies.min(originals) {
        let j = k + rng.below((originals - k) as u64) as usize;
        order.swap(k, j);
        let g = order[k] as usize;
        let src = source_id((primary(g) + 1 + rng.below(3) as usize) % s);
        let key = RecordKey::new(src, format!("c{g}"));
        recs.push(Rec { key, hash: String::new(), label: g as u32, perturbed: Some(rng.next()) });
    }
    let mut data = Data {
        recs,
        base: base.to_vec(),
        loc_words,
        regional_names: cfg.regional_names,
        base_len: b,
        regions,
        originals,
        ambiguous,
        by_source: BTreeMap::new(),
    };
    let hashes: Vec<String> = (0..n).map(|i| dedup::listing_hash(&data.listing(i))).collect();
    for (r, h) in data.recs.iter_mut().zip(hashes) {
        r.hash = h;
    }
    let recs = &data.recs;
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
        data.ambiguous.len()
    );
    data.by_source = by_source;
    data
}

impl Data {
    /// Record `i`'s listing, generated again (deterministically) from the real one it copies.
    fn listing(&self, i: usize) -> Listing {
        let r = &self.recs[i];
        let g = r.label as usize;
        let b = self.base_len;
        let mut l = regionalize(&self.base[g % b], g / b, &self.loc_words, self.regional_names);
        l.external_id = format!("o{g}");
        if let Some(seed) = r.perturbed {
            perturb(&mut l, &mut Rng(seed), &r.key.source_id, &r.key.external_id);
        }
        l
    }

    /// The records of the given sources (all when `None`) as the matcher reads them.
    fn records(&self, sources: Option<&HashSet<&String>>) -> Lazy<'_> {
        let mut order: Vec<u32> = (0..self.recs.len() as u32)
            .filter(|&i| sources.is_none_or(|s| s.contains(&self.recs[i as usize].key.source_id)))
            .collect();
        order.sort_by(|&a, &b| self.recs[a as usize].key.cmp(&self.recs[b as usize].key));
        Lazy { data: self, order }
    }
}

/// Generated records sorted by key, their listings generated when the matcher asks.
struct Lazy<'a> {
    data: &'a Data,
    order: Vec<u32>,
}

impl dedup::Records for Lazy<'_> {
    fn len(&self) -> usize {
        self.order.len()
    }
    fn key(&self, i: usize) -> &RecordKey {
        &self.data.recs[self.order[i] as usize].key
    }
    fn hash(&self, i: usize) -> &str {
        &self.data.recs[self.order[i] as usize].hash
    }
    fn features(&self, i: usize) -> Features {
        Features::of(&self.data.listing(self.order[i] as usize))
    }
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
    let t = Instant::now();
    let generated: usize = (0..data.recs.len()).map(|i| data.listing(i).meetings.len()).sum();
    println!(
        "A  generating every listing once (the matcher asks ~2x, for meeting times then features): {} ({generated} meetings)",
        secs(t.elapsed())
    );
    let reset = reset_hwm();
    let before = rss_mb();
    let t = Instant::now();
    let records = data.records(None);
    let clusters = dedup::cluster_records(&records, &[]);
    let took = t.elapsed();
    let peak = hwm_mb();
    let multi = clusters.iter().filter(|c| c.members.len() > 1).count();
    let largest = clusters.iter().map(|c| c.members.len()).max().unwrap_or(0);
    println!(
        "A  dedup::cluster_records on {} records (listings generated on demand): {} wall; RSS before {:.0} MB, peak during {:.0} MB{} (matcher's own \
         share ~{:.0} MB); {} groups ({} with >1 record, largest {})",
        dedup::Records::len(&records),
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
                let listing = data.listing(idx[&r.key]);
                let f = Features::of(&listing);
                println!(
                    "      {}: {:?} name {:?} slots {:?} street {:?} pc {:?} loc {:?} point {:?} conf {:?} online {}",
                    r.key,
                    listing.name,
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
        problems_omitted: 0,
        error: None,
        changes: Vec::new(),
        changes_omitted: 0,
        resolution: None,
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
    let existing = store.record_digests(source).expect("record_digests");
    times.read = t.elapsed();
    let t = Instant::now();
    let stored = |keys: &[_]| store.records_by_key(keys);
    let changes = diff(source, listings, existing, now, chrono::Duration::days(14), stored).expect("diff");
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
    let log = RunLog {
        source_id: source.to_owned(),
        run: run.clone(),
        state: SourceState {
            document_hash: Some(format!("bench-{seq}")),
            last_success_at: Some(now),
            last_run: Some(run),
            ..Default::default()
        },
    };
    let (commit, _events) = g.into_commit(Some(log), Vec::new());
    store.commit(commit).expect("commit");
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
        let listings: Vec<Listing> = data.by_source[sid].iter().map(|&i| data.listing(i)).collect();
        let n = listings.len();
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
    let plan = dedup::assign_ids(&members, &BTreeMap::new());
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
                let listing = data.listing(idx[k]);
                StoredRecord {
                    key: r.key.clone(),
                    blocks: dedup::blocking_keys(&listing),
                    listing,
                    hash: r.hash.clone(),
                    first_seen: now,
                    last_seen: now,
                    missing_since: None,
                    group_id: id.clone(),
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
            meetings: Vec::new(),
            status: GroupStatus::Active,
            status_conflict: None,
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
            groups_put: std::mem::take(groups).into_iter().map(std::sync::Arc::new).collect(),
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
    let mut feed: Vec<Listing> = own.iter().map(|&i| data.listing(i)).collect();
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
        let mut l = data.listing(g);
        perturb(&mut l, rng, source, &format!("n{g}-{k}"));
        feed.push(l);
    }
    // 50 brand-new groups.
    if let Some(&first) = own.first() {
        for k in 0..50 {
            let mut l = data.listing(own[rng.below(own.len() as u64) as usize]);
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

fn measure_changed_import(store: &Store, data: &Data, label: &str, source: &str, now: DateTime<Utc>) {
    let mut rng = Rng(0xC0FFEE);
    let feed = changed_feed(data, source, &mut rng);
    let n = feed.len();
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
                owned = dedup::cluster_records(&data.records(Some(&keep)), &[]);
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
        // What an upgrade that changes the blocking-key scheme costs at start-up.
        let t = Instant::now();
        // Every record's keys change, as they would under a new scheme.
        let other_scheme = |l: &Listing| dedup::blocking_keys(l).into_iter().map(|k| format!("{k}|v2")).collect();
        let rekeyed = store.reblock("bench: another scheme", other_scheme).expect("reblock");
        println!(
            "B  re-keying every record under a new blocking scheme (Store::reblock, as at start-up): {} records in {}",
            rekeyed.unwrap_or(0),
            secs(t.elapsed())
        );
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
    let data = build(&cfg, &base);
    println!("RSS after building: {:.0} MB", rss_mb());
    let _ = data.regions;

    let clusters = if cfg.wants("a") { Some(scenario_a(&data)) } else { None };
    if cfg.wants("b") {
        scenario_b(&cfg, &data, clusters.as_deref());
    }
    println!("load average at end: {}", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim());
    Ok(())
}
