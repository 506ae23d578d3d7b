//! Spreadsheet-style documents (CSV, TSV, pipe files): bytes to text, text to rows, and ids
//! for rows that carry none.
//!
//! [`decode`] picks UTF-8 or Windows-1252 (`Auto` is `document::decode`) and repairs the
//! "‰Ûª" mojibake that Mac exports leave; [`rows`] splits the text with the `csv` crate
//! (CRLF, CR-only and LF line endings, quoted cells, ragged rows); [`not_a_table`] names what
//! a document is when it is clearly not a table (HTML, JSON); [`stable_id`] and [`UniqueIds`]
//! give rows without a key a key that survives re-imports. Which column means what is for the
//! format parsers.

use std::collections::HashSet;

use super::{document, limits};
use crate::problem::RecordProblems;

/// How the bytes of a table are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 when the bytes are valid UTF-8, else Windows-1252.
    #[default]
    Auto,
    Utf8,
    Windows1252,
}

impl Encoding {
    /// Reads a configured name: "auto", "utf-8"/"utf8", "windows-1252"/"cp1252"/"latin-1".
    pub fn parse(name: &str) -> Option<Encoding> {
        match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Some(Encoding::Auto),
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" => Some(Encoding::Windows1252),
            _ => None,
        }
    }
}

/// The document as text. `Auto` decodes as [`document::decode`] does (a byte order mark wins,
/// then valid UTF-8, then Windows-1252 with Mac mojibake repaired); forced UTF-8 drops a UTF-8
/// byte order mark and replaces invalid bytes; forced Windows-1252 drops a UTF-8 byte order
/// mark and repairs the Mac-Roman mojibake of curly quotes and dashes.
pub fn decode(bytes: &[u8], encoding: Encoding) -> String {
    let forced = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match encoding {
        Encoding::Auto => document::decode(bytes).into_owned(),
        Encoding::Utf8 => String::from_utf8_lossy(forced).into_owned(),
        Encoding::Windows1252 => document::repair_mojibake(&encoding_rs::WINDOWS_1252.decode(forced).0),
    }
}

/// A configured delimiter: one ASCII character, or "tab" / "\\t" for a tab.
pub fn delimiter(name: &str) -> Option<u8> {
    match name {
        "tab" | "\\t" | "\t" => Some(b'\t'),
        _ => match name.as_bytes() {
            [b] if b.is_ascii() && !matches!(b, b'"' | b'\r' | b'\n') => Some(*b),
            _ => None,
        },
    }
}

/// The rows of a delimited text: every line ending style, quoted cells (with the delimiter or
/// line breaks inside), rows of any length. Rows whose cells are all blank are left out; each
/// row comes with its 1-based row number (a header row is row 1) for problems. A cell longer
/// than `limits::CELL_BYTES` is cut to that (on a character boundary) and listed in
/// [`Rows::cut`], for [`report_cuts`].
pub fn rows(text: &str, delimiter: u8) -> Rows {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_reader(text.as_bytes());
    let mut out = Rows::default();
    let mut record = csv::ByteRecord::new();
    // Reading from memory cannot fail, and byte records have no UTF-8 errors: stop on anything.
    while let Ok(true) = reader.read_byte_record(&mut record) {
        let number = record.position().map_or(0, |p| p.record() + 1);
        let mut cells = Vec::with_capacity(record.len());
        for (column, cell) in record.iter().enumerate() {
            let kept = limits::cut_bytes(cell, limits::CELL_BYTES);
            if kept.len() < cell.len() {
                out.cut.push(Cut { row: number, column, bytes: cell.len() });
            }
            cells.push(String::from_utf8_lossy(kept).into_owned());
        }
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        out.rows.push((number, cells));
    }
    out
}

/// The rows of a table, and the cells that were too long to read whole.
#[derive(Debug, Default)]
pub struct Rows {
    pub rows: Vec<(u64, Vec<String>)>,
    pub cut: Vec<Cut>,
}

/// A cell cut to `limits::CELL_BYTES`: its row number, its 0-based column and the bytes it had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    pub row: u64,
    pub column: usize,
    pub bytes: usize,
}

/// One problem per cut cell, on "row N" and the column's header (else "column N").
pub fn report_cuts(cut: &[Cut], header: Option<&[String]>, problems: &mut RecordProblems<'_>) {
    for c in cut {
        let named = header.and_then(|h| h.get(c.column)).map(|h| h.trim()).filter(|h| !h.is_empty());
        let column = named.map_or_else(|| format!("column {}", c.column + 1), str::to_owned);
        let why = format!(
            "{} bytes; only the first {} are read",
            limits::thousands(c.bytes),
            limits::thousands(limits::CELL_BYTES)
        );
        problems.at(format!("row {}", c.row)).field(&column, why);
    }
}

/// What the document is, when it is plainly not a table: "an empty document", "HTML
/// (\"502 Bad Gateway\")", "JSON". `None` when it may be a table.
pub fn not_a_table(text: &str) -> Option<String> {
    let start = text.trim_start();
    if start.is_empty() {
        return Some("an empty document".to_owned());
    }
    if start.starts_with('<') {
        let head: String = start.chars().take(4096).collect();
        let hint = super::text::plain_line(&head).map(|l| l.chars().take(60).collect::<String>());
        return Some(match hint {
            Some(h) => format!("HTML (\"{h}\")"),
            None => "HTML".to_owned(),
        });
    }
    if (start.starts_with('{') || start.starts_with('[')) && serde_json::from_str::<serde_json::Value>(text).is_ok() {
        return Some("JSON".to_owned());
    }
    None
}

/// A short id made from the parts that identify a row (name, day, time, address): case and
/// spacing do not change it, so it stays the same across runs while those parts do.
pub fn stable_id(parts: &[&str]) -> String {
    // FNV-1a, 64 bits: tiny, and unlike std's hasher fixed across Rust releases.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        let norm = part.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        let sep: &[u8] = if i == 0 { b"" } else { b"\x1f" };
        for byte in sep.iter().chain(norm.as_bytes()) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{:012x}", hash >> 16)
}

/// Hands out ids unique within one parse: the id itself, then `id-dup2`, `id-dup3`...
#[derive(Debug, Default)]
pub struct UniqueIds {
    used: HashSet<String>,
}

impl UniqueIds {
    /// The id to use for `id`, and whether it had to be changed.
    pub fn claim(&mut self, id: &str) -> (String, bool) {
        if self.used.insert(id.to_owned()) {
            return (id.to_owned(), false);
        }
        let mut n = 2;
        loop {
            let candidate = format!("{id}-dup{n}");
            if self.used.insert(candidate.clone()) {
                return (candidate, true);
            }
            n += 1;
        }
    }

    /// Marks an id as taken (one a parser produced by other means).
    pub fn take(&mut self, id: &str) {
        self.used.insert(id.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_single_byte_and_repairs_mojibake() {
        let bytes = b"MEN\xe4\xf3\xbbS GROUP \xe4\xf3\xf1 Caf\xe9";
        assert_eq!(decode(bytes, Encoding::Auto), "MEN’S GROUP — Café");
        assert_eq!(decode("Café".as_bytes(), Encoding::Auto), "Café");
        assert_eq!(decode(b"\xEF\xBB\xBFa,b", Encoding::Auto), "a,b");
    }

    #[test]
    fn rows_with_every_line_ending_and_quotes() {
        let got = rows("a\tb\r\"c\td\"\te\r\n\r\nf\n", b'\t');
        let cells: Vec<Vec<String>> = got.rows.into_iter().map(|(_, r)| r).collect();
        assert_eq!(cells, [vec!["a", "b"], vec!["c\td", "e"], vec!["f"]]);
    }

    #[test]
    fn ids_are_stable_and_unique() {
        assert_eq!(stable_id(&["A  Group", "Monday"]), stable_id(&["a group", " monday "]));
        assert_ne!(stable_id(&["ab", "c"]), stable_id(&["a", "bc"]));
        let mut ids = UniqueIds::default();
        assert_eq!(ids.claim("x"), ("x".to_owned(), false));
        assert_eq!(ids.claim("x"), ("x-dup2".to_owned(), true));
    }

    #[test]
    fn names_what_is_not_a_table() {
        assert_eq!(not_a_table("  ").as_deref(), Some("an empty document"));
        assert_eq!(not_a_table("<html><title>502 Bad Gateway</title>").as_deref(), Some("HTML (\"502 Bad Gateway\")"));
        assert_eq!(not_a_table("[1, 2]").as_deref(), Some("JSON"));
        assert_eq!(not_a_table("Name,Day\n"), None);
    }
}
