//! `supportmesh export`: every live group (active and missing) as one JSON object per line,
//! read through the same search the API uses, in the API's public shape: the very lines of
//! `GET /feeds/groups.ndjson` (`publish::ndjson`), with the same sources withheld
//! (`republish = false`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::config::Settings;
use crate::finder::{Filter, Search};
use crate::model::GroupStatus;
use crate::publish::{ndjson, publishable, Withheld};
use crate::store::Store;

pub async fn run(config: Option<PathBuf>, out: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(config.as_deref())?;
    let store = Store::open_with_cache(&settings.store.path, settings.store.cache_bytes)?;
    let mut sink: Box<dyn Write> = match &out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let withheld = Withheld::new(settings.sources.iter().map(|s| (s.id.as_str(), s.trust, s.republish)));
    let n = write_all(&store, &withheld, &mut sink)?;
    sink.flush()?;
    eprintln!("exported {n} groups");
    Ok(ExitCode::SUCCESS)
}

/// Writes every live group that may be published; returns how many.
pub fn write_all(store: &Store, withheld: &Withheld, sink: &mut dyn Write) -> anyhow::Result<usize> {
    let filter = Filter { status: vec![GroupStatus::Active, GroupStatus::Missing], ..Filter::default() };
    let mut search = Search { first: Some(500), ..Search::filter(filter) };
    let mut n = 0;
    loop {
        let found = store.search(&search)?.map_err(|e| anyhow::anyhow!("exporting: {e}"))?;
        for group in &found.groups {
            let Some(group) = publishable((**group).clone(), withheld, |key| store.record(key))? else { continue };
            serde_json::to_writer(&mut *sink, &ndjson::group_line(&group))?;
            sink.write_all(b"\n")?;
            n += 1;
        }
        if !found.hits.has_next {
            return Ok(n);
        }
        search.after = found.hits.end_cursor;
    }
}
