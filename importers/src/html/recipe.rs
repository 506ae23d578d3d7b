//! The selector recipe of an HTML source (`[sources.options]`), read and checked into compiled
//! selectors.
//!
//! A recipe names one element per listing (`item`), how to read each field inside it
//! (`fields`), and optionally how to split an item into several listings (`repeat`), where the
//! next page is (`next_page`) and where each item's detail page is (`detail_link`, read with
//! `detail_fields`). Every key and selector is checked here, so a wrong recipe fails at
//! startup with the key named. Applying the recipe to a page is `extract.rs`' job.

use serde::Deserialize;
use serde_json::{Map, Value};

use scraper::Selector;

/// A checked recipe.
#[derive(Debug)]
pub(super) struct Recipe {
    pub item: Selector,
    pub item_source: String,
    pub next_page: Option<Selector>,
    pub max_pages: usize,
    pub detail_link: Option<Selector>,
    pub fields: FieldMap,
    pub detail_fields: FieldMap,
    pub repeat: Option<Repeat>,
}

/// How to split one item into several listings.
#[derive(Debug)]
pub(super) struct Repeat {
    /// Where the sub-items are, inside the item; `None` = the item itself.
    pub selector: Option<Selector>,
    pub split: Split,
    /// Read on each sub-item; they override the item's own values (types add up).
    pub fields: FieldMap,
}

/// What one sub-item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Split {
    /// Each element `selector` matches.
    Element,
    /// Each block of text between blank lines (`<br><br>`).
    Paragraph,
    /// Each line of text.
    Line,
}

/// Each field with its specs, tried in order (the first value wins; `types` takes them all).
pub(super) type FieldMap = Vec<(Field, Vec<Spec>)>;

/// How to read one value.
#[derive(Debug, Default)]
pub(super) struct Spec {
    /// Inside the item; `None` = the item itself.
    pub selector: Option<Selector>,
    /// An attribute instead of the text.
    pub attr: Option<String>,
    /// Only the element's own text, not its child elements'.
    pub own_text: bool,
    /// Every match (one per line) rather than the first.
    pub all: bool,
    /// The rest of the line that starts with this label.
    pub label: Option<String>,
    /// The nth non-empty line, 1-based; negative counts from the end.
    pub line: Option<i64>,
    /// A constant.
    pub value: Option<String>,
    /// Characters that separate types within a line (default `,;`).
    pub split: Option<String>,
}

macro_rules! fields {
    ($($variant:ident = $name:literal),* $(,)?) => {
        /// The listing fields a recipe can fill.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub(super) enum Field { $($variant),* }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Field::$variant => $name),* }
            }
        }
    };
}

fields! {
    Id = "id", Name = "name", Description = "description", Notes = "notes", Day = "day", Time = "time",
    EndTime = "end_time", Timezone = "timezone", Location = "location", Address = "address", City = "city",
    Region = "region", Postcode = "postcode", Country = "country", LocationNotes = "location_notes",
    Types = "types", Url = "url", Latitude = "latitude", Longitude = "longitude",
    ConferenceUrl = "conference_url", ConferencePhone = "conference_phone", Email = "email", Phone = "phone",
    Website = "website",
}

impl Field {
    fn parse(name: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.as_str() == name)
    }
}

/// Reads and checks a recipe; the error names the key at fault.
pub(super) fn read(options: &Value) -> Result<Recipe, String> {
    if options.is_null() || options.as_object().is_some_and(Map::is_empty) {
        return Err("the html format needs a recipe: [sources.options] item = \"<CSS selector>\" and \
             [sources.options.fields] name = \"<CSS selector>\""
            .to_owned());
    }
    let raw: RawRecipe = serde_json::from_value(options.clone()).map_err(|e| format!("options: {e}"))?;
    let item = selector("item", &raw.item)?;
    let next_page = raw.next_page.as_deref().map(|s| selector("next_page", s)).transpose()?;
    let detail_link = raw.detail_link.as_deref().map(|s| selector("detail_link", s)).transpose()?;
    let max_pages = match raw.max_pages {
        None => 10,
        Some(n @ 1..=1000) => n as usize,
        Some(n) => return Err(format!("max_pages: {n} is outside 1..=1000")),
    };
    let fields = field_map("fields", &raw.fields, true)?;
    let detail_fields = field_map("detail_fields", &raw.detail_fields, true)?;
    if !raw.detail_fields.is_empty() && detail_link.is_none() {
        return Err("detail_fields: given without detail_link (the selector of each item's detail page link)".into());
    }
    let repeat = match raw.repeat {
        None => None,
        Some(r) => {
            let selector = r.selector.as_deref().map(|s| selector("repeat.selector", s)).transpose()?;
            if r.split == Split::Element && selector.is_none() {
                return Err("repeat.selector: split = \"element\" needs a selector for the sub-items".into());
            }
            let fields = field_map("repeat.fields", &r.fields, r.split == Split::Element)?;
            Some(Repeat { selector, split: r.split, fields })
        }
    };
    let names_given = [&fields, &detail_fields].into_iter().chain(repeat.as_ref().map(|r| &r.fields));
    if !names_given.flatten().any(|(f, _)| *f == Field::Name) {
        return Err("fields.name: missing; every listing needs a name".to_owned());
    }
    Ok(Recipe { item, item_source: raw.item, next_page, max_pages, detail_link, fields, detail_fields, repeat })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecipe {
    item: String,
    next_page: Option<String>,
    max_pages: Option<i64>,
    detail_link: Option<String>,
    #[serde(default)]
    fields: Map<String, Value>,
    #[serde(default)]
    detail_fields: Map<String, Value>,
    repeat: Option<RawRepeat>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRepeat {
    selector: Option<String>,
    #[serde(default = "paragraph")]
    split: Split,
    #[serde(default)]
    fields: Map<String, Value>,
}

fn paragraph() -> Split {
    Split::Paragraph
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    selector: Option<String>,
    attr: Option<String>,
    #[serde(default)]
    own_text: bool,
    #[serde(default)]
    all: bool,
    label: Option<String>,
    line: Option<i64>,
    value: Option<String>,
    split: Option<String>,
}

fn selector(key: &str, source: &str) -> Result<Selector, String> {
    if source.trim().is_empty() {
        return Err(format!("{key}: empty CSS selector"));
    }
    Selector::parse(source).map_err(|e| format!("{key}: invalid CSS selector \"{source}\": {e}"))
}

/// `elements`: whether specs may select elements (false on text sub-items).
fn field_map(table: &str, raw: &Map<String, Value>, elements: bool) -> Result<FieldMap, String> {
    let mut out = Vec::with_capacity(raw.len());
    for (name, value) in raw {
        let key = format!("{table}.{name}");
        let field = Field::parse(name).ok_or_else(|| {
            let names: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
            format!("{key}: unknown field; expected one of: {}", names.join(", "))
        })?;
        let specs = match value {
            Value::Array(items) if items.is_empty() => return Err(format!("{key}: empty list")),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| spec(&format!("{key}[{i}]"), field, v, elements))
                .collect::<Result<Vec<_>, _>>()?,
            single => vec![spec(&key, field, single, elements)?],
        };
        out.push((field, specs));
    }
    Ok(out)
}

fn spec(key: &str, field: Field, value: &Value, elements: bool) -> Result<Spec, String> {
    let raw: RawSpec = match value {
        Value::String(s) => RawSpec {
            selector: Some(s.clone()),
            attr: None,
            own_text: false,
            all: false,
            label: None,
            line: None,
            value: None,
            split: None,
        },
        Value::Object(_) => serde_json::from_value(value.clone()).map_err(|e| format!("{key}: {e}"))?,
        _ => {
            return Err(format!(
                "{key}: expected a CSS selector or a table such as {{ selector = \"a\", attr = \"href\" }}"
            ))
        }
    };
    let picks_elements = raw.selector.is_some() || raw.attr.is_some() || raw.own_text || raw.all;
    if !elements && picks_elements {
        return Err(format!(
            "{key}: sub-items split by text have no elements; use label, line or value (or split = \"element\")"
        ));
    }
    if raw.value.is_some() && (picks_elements || raw.label.is_some() || raw.line.is_some()) {
        return Err(format!("{key}: value is a constant and takes no other keys"));
    }
    if raw.attr.is_some() && raw.own_text {
        return Err(format!("{key}: attr and own_text exclude each other"));
    }
    if raw.line == Some(0) {
        return Err(format!("{key}: line counts from 1 (or from -1 at the end)"));
    }
    if raw.split.is_some() && field != Field::Types {
        return Err(format!("{key}: split only applies to types"));
    }
    if raw.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
        return Err(format!("{key}: empty label"));
    }
    let selector = raw.selector.as_deref().map(|s| selector(&format!("{key}.selector"), s)).transpose()?;
    let attr = raw.attr.map(|a| a.trim().to_ascii_lowercase());
    if attr.as_deref() == Some("") {
        return Err(format!("{key}: empty attr"));
    }
    Ok(Spec {
        selector,
        attr,
        own_text: raw.own_text,
        all: raw.all,
        label: raw.label.map(|l| l.trim().to_owned()),
        line: raw.line,
        value: raw.value,
        split: raw.split,
    })
}
