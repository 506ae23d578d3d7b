//! Meeting Guide / TSML spreadsheet: the CSV form of a Meeting Guide feed (Google Sheet
//! template, 12 Step Meeting List import/export).
//!
//! The first row names the columns in plain language, in any order and any case ("Time",
//! "End Time", "Day", "Postal Code"...). Each later row becomes the JSON record the Meeting
//! Guide parser reads (`meeting_guide::parse_records`), so both forms mean exactly the same:
//! cells hold human values ("Monday", "6:00 PM"), and `Types` holds English labels
//! ("Open, Wheelchair Access") that are turned back into codes here. A row without a slug
//! gets a stable id from its name, day, time and address. The `Contact N ...`, `Mailing
//! Address`, `Venmo`, `Author` and `Last Contact` columns are never read. Options:
//! `delimiter` (default ",").

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::meeting_guide;
use crate::normalize::table::{self, Encoding, UniqueIds};
use crate::problem::{Problems, RecordProblems};
use crate::{DocumentError, Documents, Parsed, SourceOptions};

/// Parses one spreadsheet export.
pub fn parse(docs: &Documents<'_>, options: &SourceOptions) -> Result<Parsed, DocumentError> {
    let opts = read_options(&options.format_options).map_err(|e| DocumentError(format!("bad options: {e}")))?;
    let text = table::decode(docs.root, Encoding::Auto);
    if let Some(found) = table::not_a_table(&text) {
        return Err(DocumentError(format!("{EXPECTED}, found {found}")));
    }
    let table = table::rows(&text, opts.delimiter);
    let mut rows = table.rows.into_iter();
    let Some((_, header)) = rows.next() else {
        return Err(DocumentError(format!("{EXPECTED}, found no rows")));
    };
    let keys: Vec<Option<&'static str>> = header.iter().map(|h| column_key(h)).collect();
    if !keys.contains(&Some("name")) {
        let shown: Vec<String> = header.iter().take(8).map(|h| format!("\"{}\"", h.trim())).collect();
        return Err(DocumentError(format!(
            "{EXPECTED}: the first row has no \"Name\" column (found {})",
            shown.join(", ")
        )));
    }
    let mut ids = UniqueIds::default();
    let mut problems = Problems::default();
    let mut document = RecordProblems::document(&mut problems);
    table::report_cuts(&table.cut, Some(&header), &mut document);
    let records: Vec<Value> =
        rows.map(|(number, row)| Value::Object(record(&keys, &row, number, &mut ids, &mut document))).collect();
    let mut parsed = meeting_guide::parse_records(&records, options);
    problems.append(std::mem::take(&mut parsed.problems));
    parsed.problems = problems;
    Ok(parsed)
}

/// Checks the options: only `delimiter`, one character.
pub fn check_options(options: &serde_json::Value) -> Result<(), String> {
    read_options(options).map(|_| ())
}

const EXPECTED: &str = "not a Meeting Guide spreadsheet (a CSV with a header row)";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOptions {
    delimiter: Option<String>,
}

struct CsvOptions {
    delimiter: u8,
}

fn read_options(value: &Value) -> Result<CsvOptions, String> {
    let raw: RawOptions = match value {
        Value::Null => RawOptions::default(),
        v => serde_json::from_value(v.clone()).map_err(|e| e.to_string())?,
    };
    let delimiter = match raw.delimiter.as_deref() {
        None => b',',
        Some(d) => table::delimiter(d).ok_or_else(|| format!("delimiter: expected one character, found \"{d}\""))?,
    };
    Ok(CsvOptions { delimiter })
}

/// The Meeting Guide key a column header stands for; `None` for columns never read.
fn column_key(header: &str) -> Option<&'static str> {
    let norm = header
        .trim()
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    Some(match norm.as_str() {
        "time" | "start_time" => "time",
        "end_time" => "end_time",
        "day" | "days" | "weekday" => "day",
        "name" | "meeting_name" => "name",
        "location" | "location_name" => "location",
        "address" | "street_address" => "address",
        "formatted_address" => "formatted_address",
        "city" => "city",
        "state" | "province" => "state",
        "postal_code" | "zip" | "zip_code" | "postcode" => "postal_code",
        "country" => "country",
        "region" => "region",
        "sub_region" | "subregion" => "sub_region",
        "types" | "type" => "types",
        "notes" | "meeting_notes" => "notes",
        "location_notes" => "location_notes",
        "timezone" | "time_zone" => "timezone",
        "group" => "group",
        "group_notes" => "group_notes",
        "website" => "website",
        "email" => "email",
        "phone" => "phone",
        "conference_url" => "conference_url",
        "conference_url_notes" => "conference_url_notes",
        "conference_phone" => "conference_phone",
        "conference_phone_notes" => "conference_phone_notes",
        "attendance_option" => "attendance_option",
        "latitude" | "lat" => "latitude",
        "longitude" | "lng" | "lon" => "longitude",
        "url" => "url",
        "slug" => "slug",
        "id" => "id",
        "updated" | "last_updated" => "updated",
        _ => return None,
    })
}

/// One row as a Meeting Guide record. `Slug` (else `ID`) is the key; a row with neither gets
/// a stable id, suffixed when an earlier row had the same.
fn record(
    keys: &[Option<&'static str>],
    row: &[String],
    number: u64,
    ids: &mut UniqueIds,
    problems: &mut RecordProblems<'_>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, cell) in keys.iter().zip(row) {
        let (Some(key), cell) = (key, cell.trim()) else { continue };
        if cell.is_empty() || out.contains_key(*key) {
            continue;
        }
        let value = match *key {
            "types" => Value::Array(cell.split([',', ';']).filter_map(code_for_label).map(Value::String).collect()),
            "day" if cell.contains(',') => {
                Value::Array(cell.split(',').map(str::trim).filter(|d| !d.is_empty()).map(Value::from).collect())
            }
            "attendance_option" => Value::from(cell.to_lowercase().replace([' ', '-'], "_")),
            _ => Value::from(cell),
        };
        out.insert((*key).to_owned(), value);
    }
    if let Some(id) = out.remove("id") {
        out.entry("slug").or_insert(id);
    }
    if !out.contains_key("slug") {
        let cell = |k: &str| out.get(k).and_then(Value::as_str).unwrap_or_default();
        let day = out.get("day").map(Value::to_string).unwrap_or_default();
        let hash = table::stable_id(&[cell("name"), &day, cell("time"), cell("address")]);
        let (id, repeated) = ids.claim(&hash);
        if repeated {
            let same = "the same name, day, time and address as an earlier row";
            let why = format!("row {number} has no slug and {same}; listed as \"{id}\"");
            problems.at(id.clone()).field("slug", why);
        }
        out.insert("slug".to_owned(), Value::String(id));
    }
    out
}

/// The type code for an English label ("Wheelchair Access" -> "X"); codes pass through and
/// unknown labels are kept as written, so rules can still match them.
fn code_for_label(label: &str) -> Option<String> {
    let label = label.trim();
    if label.is_empty() {
        return None;
    }
    const ALIASES: [(&str, &str); 9] = [
        ("online meeting", "ONL"),
        ("temporary closure", "TC"),
        ("outdoor meeting", "OUT"),
        ("newcomers", "BE"),
        ("beginners", "BE"),
        ("wheelchair accessible", "X"),
        ("sign language", "ASL"),
        ("step meeting", "ST"),
        ("speaker meeting", "SP"),
    ];
    let lower = label.to_lowercase();
    let code = ALIASES.iter().find(|(l, _)| *l == lower).map(|(_, c)| *c);
    let code = code.or_else(|| crate::meeting_guide_codes::lookup(label).map(|c| c.code));
    Some(code.map_or_else(|| label.to_owned(), str::to_owned))
}
