//! `supportmesh export`: every live group as one JSON object per line, read through the same
//! store queries the API uses.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::config::Settings;
use crate::store::{Cursor, GroupQuery, Store};

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
    let mut after: Option<Cursor> = None;
    let mut n = 0;
    loop {
        let page = store.query_groups(&GroupQuery { first: 500, after: after.clone(), ..Default::default() })?;
        for item in &page.items {
            serde_json::to_writer(&mut *sink, &item.group)?;
            sink.write_all(b"\n")?;
            n += 1;
        }
        if !page.has_next {
            return Ok(n);
        }
        after = page.items.last().map(|i| i.cursor.clone());
    }
}
