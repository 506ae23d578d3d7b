//! `supportmesh export`: every live group (active and missing) as one JSON object per line,
//! read through the same search the API uses.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::config::Settings;
use crate::finder::{Filter, Search};
use crate::model::GroupStatus;
use crate::store::Store;

pub async fn run(config: Option<PathBuf>, out: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(config.as_deref())?;
    let store = Store::open(&settings.store.path)?;
    let mut sink: Box<dyn Write> = match &out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let n = write_all(&store, &mut sink)?;
    sink.flush()?;
    eprintln!("exported {n} groups");
    Ok(ExitCode::SUCCESS)
}

/// Writes every live group; returns how many.
pub fn write_all(store: &Store, sink: &mut dyn Write) -> anyhow::Result<usize> {
    let filter = Filter { status: vec![GroupStatus::Active, GroupStatus::Missing], ..Filter::default() };
    let mut search = Search { first: Some(500), ..Search::filter(filter) };
    let mut n = 0;
    loop {
        let found = store.search(&search)?.map_err(|e| anyhow::anyhow!("exporting: {e}"))?;
        for group in &found.groups {
            serde_json::to_writer(&mut *sink, group.as_ref())?;
            sink.write_all(b"\n")?;
            n += 1;
        }
        if !found.hits.has_next {
            return Ok(n);
        }
        search.after = found.hits.end_cursor;
    }
}
