//! HTML directories, scraped with a per-source CSS selector recipe (`[sources.options]`).
//!
//! The recipe (read and checked in `html/recipe.rs`) names one element per listing, where each
//! field is inside it, and optionally: how to split an item into one listing per meeting
//! (`repeat`, for pages that pack several "Mondays 7:00 PM" slots into one table cell), the
//! next page link, and each item's detail page. Pages are decoded whatever charset they
//! declare (`normalize::document`); junk before `<head>` is harmless to the HTML parser.
//! Further pages and detail pages are asked for in `Parsed::wants` and read from
//! `Documents::extra` on the next call. Reading values is `html/extract.rs`, turning them into
//! listings `html/listing.rs` and `html/when.rs`. A root page where the item selector
//! matches nothing is a `DocumentError` (a changed site or an error page), never an empty
//! directory. A page nested deeper than `normalize::nesting::MAX_DEPTH` is never handed to
//! the HTML parser (a root page is a `DocumentError`, a later page a problem), and the parse
//! stops between items once its deadline (`budget`) passes.

mod extract;
mod listing;
mod recipe;
mod when;

use std::collections::BTreeSet;

use scraper::Html;
use url::Url;

use crate::budget::Deadline;
use crate::normalize::document::{self, Shape};
use crate::normalize::nesting;
use crate::normalize::table::UniqueIds;
use crate::options::SourceOptions;
use crate::problem::{DocumentError, Parsed, RecordProblems};
use crate::Documents;

use extract::{Scope, Values};
use recipe::Recipe;

/// Parses the root page, and the next pages and detail pages already fetched, within the
/// default budget.
pub fn parse(docs: &Documents<'_>, options: &SourceOptions) -> Result<Parsed, DocumentError> {
    parse_until(docs, options, &Deadline::after(crate::budget::DEFAULT))
}

/// As [`parse`], stopping with the deadline's error between pages and items once it passes.
pub fn parse_until(
    docs: &Documents<'_>,
    options: &SourceOptions,
    deadline: &Deadline,
) -> Result<Parsed, DocumentError> {
    let recipe = recipe::read(&options.format_options).map_err(|why| DocumentError(format!("html recipe: {why}")))?;
    let root_url = Url::parse(docs.url)
        .map_err(|e| DocumentError(format!("the source URL {:?} is not absolute ({e})", docs.url)))?;
    let root_text = document::decode(docs.root);
    match document::shape(&root_text) {
        Shape::Empty => return Err(DocumentError("not an HTML page: the document is empty".to_owned())),
        Shape::Json => return Err(DocumentError("not an HTML page: found JSON".to_owned())),
        Shape::Markup | Shape::Other => {}
    }
    if nesting::exceeds(&root_text, nesting::MAX_DEPTH) {
        return Err(DocumentError(nesting::too_deep()));
    }
    let mut run = Run {
        recipe: &recipe,
        docs,
        options,
        parsed: Parsed::default(),
        ids: UniqueIds::default(),
        wanted: BTreeSet::new(),
    };
    let mut page = (root_url, root_text.into_owned());
    let mut seen = BTreeSet::from([page.0.to_string()]);
    for number in 1..=recipe.max_pages {
        let (url, text) = &page;
        let html = Html::parse_document(text);
        let items: Vec<_> = html.select(&recipe.item).collect();
        if items.is_empty() {
            let why = format!(
                "the item selector \"{}\" matched nothing on the page{}",
                recipe.item_source,
                document::page_hint(text)
            );
            if number == 1 {
                return Err(DocumentError(why));
            }
            RecordProblems::new(&mut run.parsed.problems, format!("page {number} ({url})")).dropped(None, why);
        }
        for (index, item) in items.into_iter().enumerate() {
            deadline.check()?;
            run.item(item, url, &format!("page {number} item {}", index + 1));
        }
        if number == recipe.max_pages {
            break;
        }
        let next = recipe
            .next_page
            .as_ref()
            .and_then(|sel| extract::href(html.root_element(), sel))
            .and_then(|h| follow(url, h));
        let Some(next) = next.filter(|n| seen.insert(n.clone())) else { break };
        let Some(bytes) = docs.extra.get(&next) else {
            run.want(next);
            break;
        };
        let text = document::decode(bytes).into_owned();
        if nesting::exceeds(&text, nesting::MAX_DEPTH) {
            let why = format!("{}; later pages are not read", nesting::too_deep());
            RecordProblems::new(&mut run.parsed.problems, format!("page {} ({next})", number + 1)).dropped(None, why);
            break;
        }
        if matches!(document::shape(&text), Shape::Empty | Shape::Json) {
            let why = "the next page is not an HTML page; later pages are not read";
            RecordProblems::new(&mut run.parsed.problems, format!("page {} ({next})", number + 1)).dropped(None, why);
            break;
        }
        let Ok(next_url) = Url::parse(&next) else { break };
        page = (next_url, text);
    }
    Ok(run.parsed)
}

/// Checks a recipe before any run; the message names the key at fault.
pub fn check_options(options: &serde_json::Value) -> Result<(), String> {
    recipe::read(options).map(|_| ())
}

/// A recipe written as JSON text, checked: for tests and tools that build options by hand.
pub fn recipe_from_json(json: &str) -> Result<serde_json::Value, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("recipe is not JSON: {e}"))?;
    check_options(&value)?;
    Ok(value)
}

/// One parse in progress.
struct Run<'r, 'd> {
    recipe: &'r Recipe,
    docs: &'r Documents<'d>,
    options: &'r SourceOptions,
    parsed: Parsed,
    ids: UniqueIds,
    wanted: BTreeSet<String>,
}

impl Run<'_, '_> {
    /// Reads one item: its fields, its detail page when fetched, and its sub-items.
    fn item(&mut self, item: scraper::ElementRef<'_>, page: &Url, position: &str) {
        let mut values = extract::read_fields(&self.recipe.fields, &Scope::Element(item));
        let detail_url =
            self.recipe.detail_link.as_ref().and_then(|sel| extract::href(item, sel)).and_then(|h| follow(page, h));
        if let Some(url) = detail_url.as_ref().filter(|_| !self.recipe.detail_fields.is_empty()) {
            match self.docs.extra.get(url) {
                Some(bytes) => self.detail(bytes, url, position, &mut values),
                None => self.want(url.clone()),
            }
        }
        let origin =
            |position: String, slot: bool| listing::Origin { page, detail_url: detail_url.clone(), position, slot };
        let Some(repeat) = &self.recipe.repeat else {
            self.add(&values, &origin(position.to_owned(), false));
            return;
        };
        let subs = extract::sub_items(item, repeat);
        if subs.is_empty() {
            let why = "no sub-items found (repeat); the item gives no listing";
            RecordProblems::new(&mut self.parsed.problems, position).dropped(None, why);
        }
        for (index, sub) in subs.iter().enumerate() {
            let mut merged = values.clone();
            extract::merge(&mut merged, extract::read_fields(&repeat.fields, sub));
            self.add(&merged, &origin(format!("{position} slot {}", index + 1), true));
        }
    }

    /// Lays the detail page's fields over the item's.
    fn detail(&mut self, bytes: &[u8], url: &str, position: &str, values: &mut Values) {
        let text = document::decode(bytes);
        if matches!(document::shape(&text), Shape::Empty | Shape::Json) {
            let why = format!("the detail page {url} is not an HTML page; its fields are missing");
            RecordProblems::new(&mut self.parsed.problems, position).field("detail_link", why);
            return;
        }
        if nesting::exceeds(&text, nesting::MAX_DEPTH) {
            let why = format!("the detail page {url}: {}; its fields are missing", nesting::too_deep());
            RecordProblems::new(&mut self.parsed.problems, position).field("detail_link", why);
            return;
        }
        let html = Html::parse_document(&text);
        extract::merge(values, extract::read_fields(&self.recipe.detail_fields, &Scope::Element(html.root_element())));
    }

    fn add(&mut self, values: &Values, origin: &listing::Origin<'_>) {
        let mut problems = RecordProblems::new(&mut self.parsed.problems, origin.position.as_str());
        let Some(mut listing) = listing::build(values, origin, self.options, &mut problems) else { return };
        let (id, changed) = self.ids.claim(&listing.external_id);
        if changed {
            let why = format!("id \"{}\" repeats an earlier listing; listed as \"{id}\"", listing.external_id);
            problems.field("id", why);
        }
        listing.external_id = id;
        self.parsed.listings.push(listing);
    }

    fn want(&mut self, url: String) {
        if self.wanted.insert(url.clone()) {
            self.parsed.wants.push(url);
        }
    }
}

/// The absolute URL of a link on `page`, without its fragment, when the service may follow
/// it: http(s) from web pages, file from local ones.
fn follow(page: &Url, href: &str) -> Option<String> {
    let mut url = page.join(href).ok()?;
    url.set_fragment(None);
    let web = |u: &Url| matches!(u.scheme(), "http" | "https");
    let same_kind = if web(page) { web(&url) } else { url.scheme() == page.scheme() };
    same_kind.then(|| url.to_string())
}
