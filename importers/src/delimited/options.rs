//! The recipe of a delimited source: `[sources.options]` read, checked and resolved.
//!
//! Config gives the delimiter, whether there is a header row, the encoding, the cell values
//! that mean "nothing", how days are numbered, how type codes are separated, and a column map
//! (`columns = { name = 7, day = 3 }` with 1-based numbers, or header names when
//! `header = true`). [`read`] checks all of it; [`Recipe::columns`] turns names into indexes
//! once the header row is known. Reading a row with the recipe is `row.rs`'s job.

use serde::Deserialize;
use serde_json::Value;

use crate::normalize::table::{self, Encoding};

/// The checked options, with columns still as configured (numbers or header names).
#[derive(Debug, Clone)]
pub(super) struct Recipe {
    pub delimiter: u8,
    pub header: bool,
    pub encoding: Encoding,
    pub null: Vec<String>,
    pub day_numbering: DayNumbering,
    pub types_separator: String,
    pub line_breaks: Vec<String>,
    columns: Vec<(Field, ColumnRef)>,
}

/// How a numeric day is read. Day names are read whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum DayNumbering {
    /// Only names ("Monday", "Mon"); a number is a problem.
    #[default]
    Names,
    /// 0 = Sunday ... 6 = Saturday.
    Sunday0,
    /// 1 = Sunday ... 7 = Saturday.
    Sunday1,
    /// 1 = Monday ... 7 = Sunday (ISO).
    Monday1,
}

/// What a column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Field {
    Id,
    Name,
    Day,
    Time,
    EndTime,
    Location,
    Address,
    City,
    State,
    Region,
    Postcode,
    Country,
    Lat,
    Lng,
    LatLng,
    Types,
    Notes,
    LocationNotes,
    Url,
    Website,
    Phone,
    ConferenceUrl,
    ConferencePhone,
    Timezone,
}

impl Field {
    /// The field's key in `columns` (and in problems).
    pub fn key(self) -> &'static str {
        use Field::*;
        match self {
            Id => "id",
            Name => "name",
            Day => "day",
            Time => "time",
            EndTime => "end_time",
            Location => "location",
            Address => "address",
            City => "city",
            State => "state",
            Region => "region",
            Postcode => "postcode",
            Country => "country",
            Lat => "lat",
            Lng => "lng",
            LatLng => "lat_lng",
            Types => "types",
            Notes => "notes",
            LocationNotes => "location_notes",
            Url => "url",
            Website => "website",
            Phone => "phone",
            ConferenceUrl => "conference_url",
            ConferencePhone => "conference_phone",
            Timezone => "timezone",
        }
    }
}

/// Column indexes (0-based) per field, resolved against the document.
#[derive(Debug, Clone, Default)]
pub(super) struct Columns(Vec<(Field, usize)>);

impl Columns {
    pub fn get(&self, field: Field) -> Option<usize> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, i)| *i)
    }

    /// The number of cells a row needs to hold every mapped column.
    pub fn width(&self) -> usize {
        self.0.iter().map(|(_, i)| i + 1).max().unwrap_or(0)
    }
}

impl Recipe {
    /// Resolves the column map: numbers as given, names against the header row (trimmed,
    /// case-insensitive). Errors name the column that is not there.
    pub fn columns(&self, header: Option<&[String]>) -> Result<Columns, String> {
        let mut out = Vec::new();
        for (field, column) in &self.columns {
            let index = match (column, header) {
                (ColumnRef::Number(n), _) => n.saturating_sub(1) as usize,
                (ColumnRef::Name(name), Some(header)) => {
                    header.iter().position(|h| h.trim().eq_ignore_ascii_case(name.trim())).ok_or_else(|| {
                        let found: Vec<String> = header.iter().take(12).map(|h| format!("\"{}\"", h.trim())).collect();
                        format!("the header row has no column \"{name}\" (found {})", found.join(", "))
                    })?
                }
                (ColumnRef::Name(name), None) => return Err(format!("column \"{name}\" is a name but header = false")),
            };
            out.push((*field, index));
        }
        Ok(Columns(out))
    }
}

/// Reads and checks the options; errors name the key.
pub(super) fn read(value: &Value) -> Result<Recipe, String> {
    let raw: RawOptions = match value {
        Value::Null => return Err("options are required: at least `columns = { name = ... }`".to_owned()),
        v => serde_json::from_value(v.clone()).map_err(|e| e.to_string())?,
    };
    let delimiter = match raw.delimiter.as_deref() {
        None => b',',
        Some(d) => table::delimiter(d).ok_or_else(|| format!("delimiter: expected one character, found \"{d}\""))?,
    };
    let encoding = match raw.encoding.as_deref() {
        None => Encoding::Auto,
        Some(e) => Encoding::parse(e)
            .ok_or_else(|| format!("encoding: expected \"auto\", \"utf-8\" or \"windows-1252\", found \"{e}\""))?,
    };
    let columns = raw.columns.into_list();
    if !columns.iter().any(|(f, _)| *f == Field::Name) {
        return Err("columns: `name` is required".to_owned());
    }
    for (field, column) in &columns {
        match column {
            ColumnRef::Number(0) => return Err(format!("columns.{}: column numbers start at 1", field.key())),
            ColumnRef::Name(_) if !raw.header => {
                return Err(format!(
                    "columns.{}: a header name needs `header = true`; use a column number",
                    field.key()
                ))
            }
            _ => {}
        }
    }
    let types_separator = raw.types_separator.unwrap_or_else(|| ",".to_owned());
    if types_separator.is_empty() {
        return Err("types_separator: must not be empty".to_owned());
    }
    Ok(Recipe {
        delimiter,
        header: raw.header,
        encoding,
        null: raw.null.unwrap_or_else(|| vec!["NULL".to_owned()]),
        day_numbering: raw.day_numbering,
        types_separator,
        line_breaks: raw.line_breaks.into_iter().filter(|b| !b.is_empty()).collect(),
        columns,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOptions {
    delimiter: Option<String>,
    #[serde(default)]
    header: bool,
    encoding: Option<String>,
    null: Option<Vec<String>>,
    #[serde(default)]
    day_numbering: DayNumbering,
    types_separator: Option<String>,
    #[serde(default)]
    line_breaks: Vec<String>,
    columns: RawColumns,
}

/// A column by 1-based number or by header name.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum ColumnRef {
    Number(u32),
    Name(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumns {
    id: Option<ColumnRef>,
    name: Option<ColumnRef>,
    day: Option<ColumnRef>,
    time: Option<ColumnRef>,
    end_time: Option<ColumnRef>,
    location: Option<ColumnRef>,
    address: Option<ColumnRef>,
    city: Option<ColumnRef>,
    state: Option<ColumnRef>,
    region: Option<ColumnRef>,
    postcode: Option<ColumnRef>,
    country: Option<ColumnRef>,
    lat: Option<ColumnRef>,
    lng: Option<ColumnRef>,
    lat_lng: Option<ColumnRef>,
    types: Option<ColumnRef>,
    notes: Option<ColumnRef>,
    location_notes: Option<ColumnRef>,
    url: Option<ColumnRef>,
    website: Option<ColumnRef>,
    phone: Option<ColumnRef>,
    conference_url: Option<ColumnRef>,
    conference_phone: Option<ColumnRef>,
    timezone: Option<ColumnRef>,
}

impl RawColumns {
    fn into_list(self) -> Vec<(Field, ColumnRef)> {
        use Field::*;
        let all = [
            (Id, self.id),
            (Name, self.name),
            (Day, self.day),
            (Time, self.time),
            (EndTime, self.end_time),
            (Location, self.location),
            (Address, self.address),
            (City, self.city),
            (State, self.state),
            (Region, self.region),
            (Postcode, self.postcode),
            (Country, self.country),
            (Lat, self.lat),
            (Lng, self.lng),
            (LatLng, self.lat_lng),
            (Types, self.types),
            (Notes, self.notes),
            (LocationNotes, self.location_notes),
            (Url, self.url),
            (Website, self.website),
            (Phone, self.phone),
            (ConferenceUrl, self.conference_url),
            (ConferencePhone, self.conference_phone),
            (Timezone, self.timezone),
        ];
        all.into_iter().filter_map(|(f, c)| c.map(|c| (f, c))).collect()
    }
}
