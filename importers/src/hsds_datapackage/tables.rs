//! The datapackage descriptor and its CSV tables.
//!
//! [`descriptor`] reads `datapackage.json` and finds, by resource `name` (else by file name),
//! the tables a group listing needs, as absolute URLs resolved against the descriptor's own.
//! [`Table::read`] reads one CSV: decoded by `normalize::document::decode` (a byte order
//! mark wins, UTF-8 or else Windows-1252), quoted line breaks, rows longer or shorter than the header, columns found by name in any
//! order or case; a cell longer than `limits::CELL_BYTES` is cut and listed. Joining the tables is `join.rs`.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::normalize::{document, limits, table};
use crate::problem::DocumentError;

/// The tables read, by kind. A dataset may name a table several ways; all are listed.
#[rustfmt::skip]
pub(super) const KINDS: [(&str, &[&str]); 11] = [
    ("service", &["service", "services"]),
    ("organization", &["organization", "organizations"]),
    ("location", &["location", "locations"]),
    ("service_at_location", &["service_at_location", "services_at_location", "service_at_locations", "services_at_locations"]),
    ("physical_address", &["physical_address", "physical_addresses", "address", "addresses"]),
    ("phone", &["phone", "phones"]),
    ("schedule", &["regular_schedule", "regular_schedules", "schedule", "schedules"]),
    ("service_taxonomy", &["service_taxonomy", "services_taxonomy", "service_taxonomies", "services_taxonomies"]),
    ("taxonomy", &["taxonomy", "taxonomies"]),
    ("language", &["language", "languages"]),
    ("accessibility", &["accessibility_for_disabilities", "accessibility"]),
];

const EXPECTED: &str = "not an HSDS datapackage: expected datapackage.json with a `resources` list of CSV tables";

/// Table kind -> absolute URL, for the kinds the descriptor lists.
pub(super) fn descriptor(bytes: &[u8], base: &str) -> Result<BTreeMap<&'static str, String>, DocumentError> {
    let value = crate::openreferral::paging::read_json(bytes, EXPECTED)?;
    let resources = match &value {
        Value::Object(map) => map.get("resources").and_then(Value::as_array),
        _ => None,
    };
    let Some(resources) = resources else {
        let found = match &value {
            Value::Object(map) => {
                format!("a JSON object with keys: {}", map.keys().take(8).cloned().collect::<Vec<_>>().join(", "))
            }
            other => crate::meeting_guide::json_kind(other).to_owned(),
        };
        return Err(DocumentError(format!("{EXPECTED}, found {found}")));
    };
    let base_url = url::Url::parse(base).ok();
    let mut by_name: BTreeMap<&'static str, String> = BTreeMap::new();
    let mut by_file: BTreeMap<&'static str, String> = BTreeMap::new();
    for resource in resources {
        let path = match resource.get("path").or_else(|| resource.get("url")) {
            Some(Value::String(p)) => p.trim(),
            Some(Value::Array(parts)) => parts.first().and_then(Value::as_str).unwrap_or_default().trim(),
            _ => continue,
        };
        let resolved = match &base_url {
            Some(b) => b.join(path).map(|u| u.to_string()).ok(),
            None => url::Url::parse(path).ok().map(|u| u.to_string()),
        };
        let Some(resolved) = resolved.filter(|_| !path.is_empty()) else { continue };
        let name = resource.get("name").and_then(Value::as_str).unwrap_or_default().trim().to_ascii_lowercase();
        let file = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".csv").to_ascii_lowercase();
        for (kind, names) in KINDS {
            if names.contains(&name.as_str()) {
                by_name.entry(kind).or_insert_with(|| resolved.clone());
            } else if names.contains(&file.as_str()) {
                by_file.entry(kind).or_insert_with(|| resolved.clone());
            }
        }
    }
    for (kind, url) in by_file {
        by_name.entry(kind).or_insert(url);
    }
    Ok(by_name)
}

/// One CSV table: its columns by lower-case name and its rows with their line numbers.
#[derive(Debug, Default)]
pub(super) struct Table {
    columns: HashMap<String, usize>,
    pub header: Vec<String>,
    pub rows: Vec<(u64, Vec<String>)>,
    /// Cells longer than `limits::CELL_BYTES`, cut (row numbers are line numbers).
    pub cut: Vec<table::Cut>,
}

impl Table {
    /// Reads a CSV table, or says why it is not one.
    pub fn read(bytes: &[u8]) -> Result<Table, String> {
        let text = document::decode(bytes);
        let start = text.trim_start();
        if start.is_empty() {
            return Err("the table is empty".to_owned());
        }
        if start.starts_with('<') {
            return Err("found HTML, not CSV".to_owned());
        }
        if start.starts_with(['{', '[']) {
            return Err("found JSON, not CSV".to_owned());
        }
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let mut records = reader.records();
        let header = match records.next() {
            Some(Ok(h)) => h,
            _ => return Err("no header row".to_owned()),
        };
        let mut columns = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            let key = name.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
            columns.entry(key).or_insert(i);
        }
        if !columns.contains_key("id") {
            return Err("no `id` column".to_owned());
        }
        let mut rows = Vec::new();
        let mut cut = Vec::new();
        for record in records.flatten() {
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let line = record.position().map_or(0, |p| p.line());
            let mut cells = Vec::with_capacity(record.len());
            for (column, cell) in record.iter().enumerate() {
                let kept = limits::cut_bytes(cell.as_bytes(), limits::CELL_BYTES);
                if kept.len() < cell.len() {
                    cut.push(table::Cut { row: line, column, bytes: cell.len() });
                }
                cells.push(String::from_utf8_lossy(kept).into_owned());
            }
            rows.push((line, cells));
        }
        let header = header.iter().map(str::to_owned).collect();
        Ok(Table { columns, header, rows, cut })
    }

    /// The trimmed, non-empty value of `column` in `row`.
    pub fn get<'r>(&self, row: &'r [String], column: &str) -> Option<&'r str> {
        let i = *self.columns.get(column)?;
        row.get(i).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    /// Like [`Table::get`], owned.
    pub fn owned(&self, row: &[String], column: &str) -> Option<String> {
        self.get(row, column).map(str::to_owned)
    }
}
