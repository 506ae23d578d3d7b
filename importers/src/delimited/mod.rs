//! Delimited exports (tab, pipe, comma...) read with a configured column map.
//!
//! Flat files from intergroup databases have no standard header, so the source's options say
//! which column is what (see `options.rs`; `tests/fixtures/delimited/` holds the New York tab
//! file and the New Mexico pipe file, each with its options). The document is decoded (UTF-8, else Windows-1252, with
//! Mac mojibake repaired), split into rows whatever the line endings, and each row becomes
//! one listing (`row.rs`). A row without an id column gets a stable id from its name, day,
//! time, address and types; repeats are suffixed `-dup2`. A document that is not a table, or whose
//! rows are too narrow for the column map, is one `DocumentError`.

mod options;
mod row;

use crate::normalize::table::{self, UniqueIds};
use crate::problem::RecordProblems;
use crate::{DocumentError, Documents, Parsed, SourceOptions};

use options::{Columns, Field};

/// Parses one delimited export with the source's column map.
pub fn parse(docs: &Documents<'_>, options: &SourceOptions) -> Result<Parsed, DocumentError> {
    let recipe = options::read(&options.format_options).map_err(|e| DocumentError(format!("bad options: {e}")))?;
    let text = table::decode(docs.root, recipe.encoding);
    if let Some(found) = table::not_a_table(&text) {
        return Err(DocumentError(format!("not a delimited export, found {found}")));
    }
    let table = table::rows(&text, recipe.delimiter);
    let mut rows = table.rows.into_iter();
    let header = if recipe.header { rows.next().map(|(_, cells)| cells) } else { None };
    if recipe.header && header.is_none() {
        return Err(DocumentError("not a delimited export: no header row".to_owned()));
    }
    let columns = recipe.columns(header.as_deref()).map_err(DocumentError)?;
    let rows: Vec<(u64, Vec<String>)> = rows.collect();
    check_width(&rows, &columns, recipe.delimiter)?;

    let mut parsed = Parsed::default();
    table::report_cuts(&table.cut, header.as_deref(), &mut RecordProblems::document(&mut parsed.problems));
    let mut ids = UniqueIds::default();
    for (number, cells) in &rows {
        let problems = RecordProblems::new(&mut parsed.problems, format!("row {number}"));
        let mut cells = row::Cells::new(&recipe, &columns, cells, problems);
        let id = row_id(&mut cells, &mut ids);
        if let Some(listing) = row::listing(&mut cells, id, options) {
            parsed.listings.push(listing);
        }
    }
    Ok(parsed)
}

/// Checks the options (`[sources.options]`): delimiter, header, encoding, null values, day
/// numbering, types separator, line breaks and the column map.
pub fn check_options(options: &serde_json::Value) -> Result<(), String> {
    options::read(options).map(|_| ())
}

/// The row's id: its id column when mapped and filled, else a stable hash of its name, day,
/// time, address and types (exports list concurrent meetings of one group, say a beginners'
/// and a step meeting, as rows that differ only in type). Repeats get `-dup2`... with a problem.
fn row_id(cells: &mut row::Cells<'_, '_>, ids: &mut UniqueIds) -> String {
    if let Some(given) = cells.line(Field::Id) {
        cells.problems.rename(given.as_str());
        let (id, repeated) = ids.claim(&given);
        if repeated {
            cells.problems.field(Field::Id.key(), format!("id \"{given}\" repeats an earlier row; listed as \"{id}\""));
        }
        return id;
    }
    let parts: Vec<String> = [Field::Name, Field::Day, Field::Time, Field::Address, Field::Types]
        .map(|f| cells.raw(f).unwrap_or_default())
        .into();
    let hash = table::stable_id(&parts.iter().map(String::as_str).collect::<Vec<_>>());
    let (id, repeated) = ids.claim(&hash);
    if repeated {
        let why = format!("same name, day, time, address and types as an earlier row; listed as \"{id}\"");
        cells.problems.field(Field::Id.key(), why);
    }
    id
}

/// Some row must reach the name column (and hold more than one cell when several columns
/// are mapped), or the delimiter or the document is wrong. Shorter rows are fine: exports
/// often drop empty trailing cells, which then read as empty.
fn check_width(rows: &[(u64, Vec<String>)], columns: &Columns, delimiter: u8) -> Result<(), DocumentError> {
    let widest = rows.iter().map(|(_, cells)| cells.len()).max().unwrap_or(0);
    let name = columns.get(Field::Name).map_or(0, |i| i + 1);
    let needed = if columns.width() > 1 { name.max(2) } else { name };
    if rows.is_empty() || widest >= needed {
        return Ok(());
    }
    let shown = match delimiter {
        b'\t' => "tabs".to_owned(),
        d => format!("\"{}\"", char::from(d)),
    };
    Err(DocumentError(format!(
        "not the configured delimited export: rows need at least {needed} cells separated by {shown} to reach the \
         name, but the widest row has {widest}"
    )))
}
