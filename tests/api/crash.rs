//! Crash safety, shown: `supportmesh import` (the real binary, on a config file) is killed with
//! SIGKILL at random points of its imports, round after round, with feeds that change between
//! rounds. After every round the store opens (rolling back a run cut short), and its records,
//! groups and indexes agree: the live-group count, every record's group, every group's records,
//! the blocking-key index, the ids derived from records and the finder's totals for a set of
//! filters. Last, an import that is not killed completes, and the store holds what a store
//! built from scratch on the final feeds holds: nothing was lost and nothing half-written
//! stayed. `SUPPORTMESH_CRASH_ROUNDS` sets the rounds (default 12); the figure it prints is the
//! one in BENCHMARKS.md ("Crash safety").

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;
use supportmesh::finder::{Filter, Search};
use supportmesh::model::RecordKey;
use supportmesh::store::Store;

use crate::helpers::{open_store_when_unlocked, sepa_rows};

const SOURCES: [&str; 3] = ["north", "south", "west"];

#[test]
fn imports_killed_at_random_points_leave_a_consistent_store_and_lose_nothing() {
    let rounds: usize = std::env::var("SUPPORTMESH_CRASH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "store");
    let mut rng = Rng::seeded();
    let seed = rng.0;
    println!("crash test seed {seed} (SUPPORTMESH_CRASH_SEED repeats it)");

    // A first import, whole: how long one takes is the range the kills are drawn from.
    write_feeds(dir.path(), 0);
    let started = Instant::now();
    assert!(import(&config).wait().unwrap().success(), "the first import completes");
    let span = started.elapsed();
    check_consistent(&dir.path().join("store"));

    let (mut kills, mut finished) = (0, 0);
    for round in 1..=rounds {
        write_feeds(dir.path(), round);
        let mut child = import(&config);
        std::thread::sleep(span.mul_f64(rng.unit()));
        match child.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success(), "round {round}: the import failed");
                finished += 1;
            }
            None => {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                kills += 1;
            }
        }
        check_consistent(&dir.path().join("store"));
    }
    assert!(kills > 0, "no import was killed in {rounds} rounds (seed {seed})");

    // The last round's feeds, imported whole, give what a fresh store gives on them.
    assert!(import(&config).wait().unwrap().success(), "the import after the kills completes");
    let fresh = write_config(dir.path(), "fresh");
    assert!(import(&fresh).wait().unwrap().success(), "a fresh import completes");
    let (after, expected) = (groups_of(&dir.path().join("store")), groups_of(&dir.path().join("fresh")));
    assert_eq!(after.len(), expected.len(), "as many groups as a fresh import of the same feeds");
    assert!(after == expected, "the same groups, with the same records and names, as a fresh import");
    println!(
        "crash test: {} runs, {kills} killed by SIGKILL at random points, {finished} finished before their kill; \
         store consistent after every one; {} groups, as a fresh import",
        rounds + 1,
        after.len()
    );
}

fn import(config: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_supportmesh"))
        .args(["import", "--config"])
        .arg(config)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the supportmesh binary starts")
}

fn write_config(dir: &Path, store: &str) -> PathBuf {
    let mut toml = format!("[store]\npath = {:?}\n", dir.join(store).display().to_string());
    for s in SOURCES {
        toml.push_str(&format!(
            "\n[[sources]]\nid = \"{s}\"\nformat = \"meeting_guide\"\nurl = {:?}\nschedule = \"0 0 3 * * *\"\n\
             [sources.defaults]\ntimezone = \"America/New_York\"\ncountry = \"US\"\ntopics = [\"alcohol\"]\n",
            dir.join(format!("{s}.json")).display().to_string()
        ));
    }
    let path = dir.join(format!("{store}.toml"));
    std::fs::write(&path, toml).unwrap();
    path
}

/// Round `round`'s feeds: each source holds copies of the sepa sample, moved apart and renamed
/// so that copies are different groups; every round adds a copy to one source and renames a
/// different 1 in 13 of the listings (so runs add, update and regroup).
fn write_feeds(dir: &Path, round: usize) {
    let base = sepa_rows();
    for (s, source) in SOURCES.iter().enumerate() {
        let copies = 6 + (round + s) / SOURCES.len();
        let mut rows = Vec::new();
        for c in 0..copies {
            let tag = s * 100 + c;
            for (i, row) in base.iter().enumerate() {
                let mut m = row.clone();
                for key in ["slug", "name", "group"] {
                    if let Some(v) = m[key].as_str().filter(|v| !v.is_empty()) {
                        m[key] = Value::String(format!("{v} t{tag}"));
                    }
                }
                if (i + c + round).is_multiple_of(13) {
                    m["name"] = Value::String(format!("{} (round {round})", m["name"].as_str().unwrap_or_default()));
                }
                for (key, d) in [("latitude", (tag / 10) as f64 * 0.7), ("longitude", (tag % 10) as f64 * 0.7)] {
                    let x = m[key].as_str().and_then(|v| v.parse::<f64>().ok()).or(m[key].as_f64());
                    if let Some(x) = x {
                        m[key] = Value::String(format!("{:.6}", x + d));
                    }
                }
                rows.push(m);
            }
        }
        std::fs::write(dir.join(format!("{source}.json")), serde_json::to_vec(&rows).unwrap()).unwrap();
    }
}

/// Opens the store (as the service would after the kill) and checks that everything agrees.
fn check_consistent(path: &Path) {
    let store = open_store_when_unlocked(path).expect("the store opens after a kill");
    let mut live = BTreeMap::new();
    store
        .for_each_live_group(|g| {
            live.insert(g.id.clone(), g.clone());
        })
        .unwrap();
    assert_eq!(store.live_group_count().unwrap() as usize, live.len(), "the live-group counter");
    let mut records = BTreeMap::new();
    for source in SOURCES {
        for r in store.records_of_source(source).unwrap() {
            records.insert(r.key.clone(), r);
        }
    }
    for (id, g) in &live {
        for k in &g.records {
            let r = records.get(k).unwrap_or_else(|| panic!("group {id} holds {k}, which is not stored"));
            assert_eq!(&r.group_id, id, "{k} is in group {id} but names {}", r.group_id);
        }
    }
    let mut blocks: BTreeSet<&str> = BTreeSet::new();
    for (k, r) in &records {
        let g = live.get(&r.group_id).unwrap_or_else(|| panic!("{k} names group {}, which is not live", r.group_id));
        assert!(g.records.contains(k), "{k} names group {} which does not hold it", g.id);
        assert_eq!(r.blocks, supportmesh::dedup::blocking_keys(&r.listing), "{k}: its blocking keys");
        assert_eq!(store.group(&k.group_id()).unwrap().map(|g| g.id), Some(r.group_id.clone()), "{k}: derived id");
        blocks.extend(r.blocks.iter().map(String::as_str));
    }
    for b in blocks {
        let indexed: BTreeSet<RecordKey> = store.records_with_block(b).unwrap().into_iter().collect();
        let holding: BTreeSet<RecordKey> =
            records.values().filter(|r| r.blocks.iter().any(|x| x == b)).map(|r| r.key.clone()).collect();
        assert_eq!(indexed, holding, "the blocks index under {b}");
    }
    for filter in filters() {
        let search = Search { first: Some(1), ..Search::filter(filter) };
        let found = store.search(&search).unwrap().unwrap();
        let counted = live.values().filter(|g| search.matches_group(g)).count();
        assert_eq!(found.hits.total as usize, counted, "the finder's total for {:?}", search.filter);
    }
}

fn filters() -> Vec<Filter> {
    use importers::{Attendance, Weekday};
    vec![
        Filter::default(),
        Filter { topics: vec!["alcohol".into()], ..Default::default() },
        Filter { attendance: vec![Attendance::Online, Attendance::Hybrid], ..Default::default() },
        Filter { weekdays: vec![Weekday::Monday, Weekday::Saturday], ..Default::default() },
        Filter { sources: vec!["south".into()], ..Default::default() },
        Filter { text: Some("serenity".into()), ..Default::default() },
    ]
}

/// Every live group: id -> (its records, its name).
fn groups_of(path: &Path) -> BTreeMap<String, (Vec<RecordKey>, String)> {
    let store: Store = open_store_when_unlocked(path).expect("the store opens");
    let mut out = BTreeMap::new();
    store
        .for_each_live_group(|g| {
            out.insert(g.id.clone(), (g.records.clone(), g.listing.name.clone()));
        })
        .unwrap();
    out
}

/// xorshift64*, seeded from the clock (printed, so a failing run can be repeated by reading it).
struct Rng(u64);

impl Rng {
    fn seeded() -> Rng {
        let seed = std::env::var("SUPPORTMESH_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
        });
        Rng(seed | 1)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}
