//! Throughput of `importers::parse` (format parser + normalisation + the core topic rules),
//! one benchmark per format on its largest real file, in listings per second.
//!
//! The real full-size files are not part of the crate: set `SUPPORTMESH_BENCH_DATA` to the
//! folder that holds them (each case below names its file relative to that folder, e.g.
//! `meeting-guide-json/aasepia-2021.json`), e.g.
//!
//! ```sh
//! SUPPORTMESH_BENCH_DATA=path/to/data cargo bench -p importers --bench parse
//! ```
//!
//! Unset, the trimmed fixtures in `tests/fixtures/` stand in, so `cargo bench` works on a
//! clean clone (the figures are then of the small files). Formats with no real file of any
//! size (RSS, iCalendar, HSDS 3.0 JSON, peer supportmesh, and JSON-LD and the TSML
//! spreadsheet, whose real files are tiny) are measured on a large synthetic document built
//! here from the fixture items, varied so that ids stay unique. Everything but the
//! `importers::parse` call (reading files, building synthetic documents, fetching the further
//! documents a parse asks for in `Parsed::wants`) happens before the timed loop. Group
//! `parse` holds the one-per-format figures; group `parse_extra` the real tiny files and the
//! Open Referral formats with every service kept, for comparison.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use importers::taxonomy::core_rules;
use importers::{Documents, Format, GroupKind, SourceOptions, Topic};
use serde_json::{json, Value};

#[path = "../tests/parsers/source_toml.rs"]
mod source_toml;
use source_toml::options_from_toml;

/// One measured input: the documents of a source run, fully fetched, and its options.
struct Case {
    id: String,
    format: Format,
    /// What the input is (file or synthetic recipe), for the report.
    input: String,
    url: String,
    root: Vec<u8>,
    extra: BTreeMap<String, Vec<u8>>,
    options: SourceOptions,
    /// Top-level records in the input (rows, meetings, services, items, events, nodes).
    records: usize,
    listings: usize,
}

fn bench_parse(c: &mut Criterion) {
    let source = Source::from_env();
    eprintln!("bench input: {}", source.describe());
    run_group(c, "parse", main_cases(&source));
    run_group(c, "parse_extra", extra_cases(&source));
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);

fn run_group(c: &mut Criterion, name: &str, cases: Vec<Case>) {
    let mut group = c.benchmark_group(name);
    for case in &cases {
        eprintln!("{name}/{}: {} | records {} | listings {}", case.id, case.input, case.records, case.listings);
        group.throughput(Throughput::Elements(case.listings as u64));
        group.bench_function(case.id.as_str(), |b| {
            let docs = Documents { url: &case.url, root: &case.root, extra: &case.extra };
            b.iter(|| importers::parse(case.format, black_box(&docs), &case.options))
        });
    }
    group.finish();
}

/// One benchmark per format, in `Format::ALL` order.
fn main_cases(src: &Source) -> Vec<Case> {
    vec![
        meeting_guide(src),
        meeting_guide_csv_synthetic(),
        delimited(src),
        bmlt(src),
        hsds_datapackage(src, "hsds_datapackage", Value::Null),
        hsds_json_synthetic("hsds_json", Value::Null),
        oruk(src, "oruk", Value::Null),
        html(src),
        jsonld_synthetic(),
        rss_synthetic(),
        ical_synthetic(),
        peer_synthetic(),
    ]
}

/// The tiny real files the synthetic documents stand in for, and the Open Referral formats
/// with every service kept (their default keeps only the support groups).
fn extra_cases(src: &Source) -> Vec<Case> {
    let all = json!({ "include_all": true });
    vec![
        meeting_guide_csv_real(src),
        jsonld_real(src),
        hsds_datapackage(src, "hsds_datapackage_include_all", all.clone()),
        hsds_json_synthetic("hsds_json_include_all", all.clone()),
        oruk(src, "oruk_include_all", all),
    ]
}

// ---- Where the files come from ----

/// The real data folder, or the crate's trimmed fixtures.
enum Source {
    Real(PathBuf),
    Fixtures,
}

impl Source {
    fn from_env() -> Source {
        match std::env::var_os("SUPPORTMESH_BENCH_DATA") {
            Some(dir) if !dir.is_empty() => Source::Real(PathBuf::from(dir)),
            _ => Source::Fixtures,
        }
    }

    fn describe(&self) -> String {
        match self {
            Source::Real(dir) => format!("real files under {}", dir.display()),
            Source::Fixtures => "trimmed fixtures (SUPPORTMESH_BENCH_DATA unset)".to_owned(),
        }
    }

    /// The path of a file: `real` under the data folder, else `fixture` under tests/fixtures.
    fn path(&self, real: &str, fixture: &str) -> PathBuf {
        match self {
            Source::Real(dir) => dir.join(real),
            Source::Fixtures => fixtures().join(fixture),
        }
    }

    /// The path shown in the report: relative to the data folder or the crate.
    fn shown(&self, real: &str, fixture: &str) -> String {
        match self {
            Source::Real(_) => real.to_owned(),
            Source::Fixtures => format!("tests/fixtures/{fixture}"),
        }
    }
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn fixture(name: &str) -> Vec<u8> {
    read(&fixtures().join(name))
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("fixture is UTF-8")
}

/// Parses again with what `wants` asked for until nothing more is wanted; the result is the
/// complete set of documents, so the timed parse does the whole run in one call.
fn complete(
    format: Format,
    url: &str,
    root: &[u8],
    options: &SourceOptions,
    serve: impl Fn(&str) -> Option<Vec<u8>>,
) -> (BTreeMap<String, Vec<u8>>, usize) {
    let mut extra = BTreeMap::new();
    for _ in 0..64 {
        let parsed = importers::parse(format, &Documents { url, root, extra: &extra }, options)
            .unwrap_or_else(|e| panic!("{format:?}: document error: {e}"));
        let missing: Vec<String> = parsed.wants.into_iter().filter(|w| !extra.contains_key(w)).collect();
        if missing.is_empty() {
            return (extra, parsed.listings.len());
        }
        for want in missing {
            let bytes = serve(&want).unwrap_or_else(|| panic!("{format:?} wants {want}, which the bench cannot serve"));
            extra.insert(want, bytes);
        }
    }
    panic!("{format:?} kept wanting more documents");
}

#[allow(clippy::too_many_arguments)]
fn case(
    id: &str,
    format: Format,
    input: String,
    url: &str,
    root: Vec<u8>,
    options: SourceOptions,
    records: usize,
    serve: impl Fn(&str) -> Option<Vec<u8>>,
) -> Case {
    let (extra, listings) = complete(format, url, &root, &options, serve);
    Case { id: id.to_owned(), format, input, url: url.to_owned(), root, extra, options, records, listings }
}

fn none(_: &str) -> Option<Vec<u8>> {
    None
}

/// The last path segment of a URL (query dropped).
fn last_segment(url: &str) -> &str {
    let path = url.split('?').next().unwrap_or(url);
    path.rsplit('/').next().unwrap_or(path)
}

fn options(timezone: &str, country: &str, topics: &[Topic]) -> SourceOptions {
    SourceOptions {
        timezone: timezone.to_owned(),
        country: Some(country.to_owned()),
        topics: topics.to_vec(),
        rules: core_rules(),
        ..SourceOptions::default()
    }
}

fn json_array_len(bytes: &[u8]) -> usize {
    serde_json::from_slice::<Vec<Value>>(bytes).map(|v| v.len()).unwrap_or(0)
}

// ---- Formats with real files ----

fn meeting_guide(src: &Source) -> Case {
    let (real, fix) = ("meeting-guide-json/aasepia-2021.json", "meeting_guide/aasepia-2021.json");
    let root = read(&src.path(real, fix));
    let records = json_array_len(&root);
    let opts = options("America/New_York", "US", &[Topic::ALCOHOL]);
    case(
        "meeting_guide",
        Format::MeetingGuide,
        src.shown(real, fix),
        "https://aasepia.org/feed",
        root,
        opts,
        records,
        none,
    )
}

fn meeting_guide_csv_real(src: &Source) -> Case {
    let (real, fix) = ("meeting-guide-csv/tsml-import-template.csv", "meeting_guide_csv/tsml-import-template.csv");
    let root = read(&src.path(real, fix));
    let records = csv_rows(&root);
    let opts = options("America/Los_Angeles", "US", &[Topic::ALCOHOL]);
    let url = "https://example.org/tsml.csv";
    case(
        "meeting_guide_csv_real_template",
        Format::MeetingGuideCsv,
        src.shown(real, fix),
        url,
        root,
        opts,
        records,
        none,
    )
}

fn delimited(src: &Source) -> Case {
    let (real, fix) = ("tsv/nyintergroup-meetings-2015.tsv", "delimited/nyintergroup-meetings-2015.tsv");
    let root = read(&src.path(real, fix));
    // CR-only line ends; one header row.
    let records = root.split(|b| *b == b'\r').filter(|l| !l.is_empty()).count().saturating_sub(1);
    let opts =
        SourceOptions { rules: core_rules(), ..options_from_toml(&fixtures().join("delimited/nyintergroup.toml")) };
    let url = "https://example.org/nyintergroup-meetings.tsv";
    case("delimited", Format::Delimited, src.shown(real, fix), url, root, opts, records, none)
}

fn bmlt(src: &Source) -> Case {
    let (real, fix) = ("bmlt-json/abcd-region-meetings-v1.json", "bmlt/abcd-region-meetings-v1.json");
    let root = read(&src.path(real, fix));
    let records = json_array_len(&root);
    let opts = SourceOptions {
        format_options: json!({ "formats_url": "formats", "service_bodies_url": "/main_server/api/v1/servicebodies" }),
        ..options("America/New_York", "US", &[Topic::DRUGS])
    };
    let serve = |url: &str| {
        let file = match last_segment(url) {
            "formats" => "abcd-region-formats-v1.json",
            "servicebodies" => "abcd-region-servicebodies-v1.json",
            _ => return None,
        };
        Some(read(&src.path(&format!("bmlt-json/{file}"), &format!("bmlt/{file}"))))
    };
    let input = format!("{} (+ formats, service bodies)", src.shown(real, fix));
    let url = "https://na.example.org/main_server/api/v1/meetings";
    case("bmlt", Format::Bmlt, input, url, root, opts, records, serve)
}

fn hsds_datapackage(src: &Source, id: &str, format_options: Value) -> Case {
    let (real, fix) = ("hsds-1.1-datapackage/miami-211", "hsds_datapackage/miami-211");
    let dir = src.path(real, fix);
    let root = read(&dir.join("datapackage.json"));
    let records = csv_rows(&read(&dir.join("services.csv")));
    let opts = SourceOptions { format_options, ..options("America/New_York", "US", &[]) };
    let serve = |url: &str| std::fs::read(dir.join(last_segment(url))).ok();
    let input = format!("{}/ (datapackage.json + 11 tables)", src.shown(real, fix));
    let url = "https://data.example.org/hsds/datapackage.json";
    case(id, Format::HsdsDatapackage, input, url, root, opts, records, serve)
}

fn oruk(src: &Source, id: &str, format_options: Value) -> Case {
    let (real, fix) = ("oruk-json/bristol-openplace-2024-12.json", "oruk/bristol-openplace.json");
    let root = read(&src.path(real, fix));
    let records = json_array_len(&root);
    // What an operator configures for a UK directory: the core rules (ORUK's own zone applies).
    let opts = SourceOptions { rules: core_rules(), format_options, ..SourceOptions::default() };
    let url = "https://bristol.example.org/hservices";
    case(id, Format::Oruk, src.shown(real, fix), url, root, opts, records, none)
}

/// The recipe shipped for the NY Intergroup "Meeting List Agenda" pages (as in the tests and
/// the demo configuration).
const NYIG_RECIPE: &str = include_str!("../tests/fixtures/html/nyig-recipe.json");

fn html(src: &Source) -> Case {
    let (real, fix) = ("html/nyintergroup-manhattan-zone02.html", "html/nyintergroup-manhattan-zone02.html");
    let root = read(&src.path(real, fix));
    let records = String::from_utf8_lossy(&root).matches("class=\"GetDirections\"").count();
    let codes = [("B", "BE"), ("BB", "B"), ("OD", "O"), ("S", "ST"), ("T", "TR"), ("SP", "S")];
    let mut code_overrides: BTreeMap<String, String> =
        codes.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    code_overrides.insert("Gay, Lesbian and Bisexual".to_owned(), "LGBTQ".to_owned());
    let opts = SourceOptions {
        kind: Some(GroupKind::TwelveStep),
        code_overrides,
        format_options: importers::html::recipe_from_json(NYIG_RECIPE).expect("NYIG recipe"),
        ..options("America/New_York", "US", &[Topic::ALCOHOL])
    };
    let url = "https://meetings.nyintergroup.org/meetinglist/zone02.cfm";
    case("html", Format::Html, src.shown(real, fix), url, root, opts, records, none)
}

fn jsonld_real(src: &Source) -> Case {
    let (real, fix) = ("jsonld/soberfounders-home.json", "jsonld/soberfounders-home.json");
    let root = read(&src.path(real, fix));
    let records = json_array_len(&root);
    let opts = options("America/New_York", "US", &[Topic::ADDICTION]);
    case(
        "jsonld_real_soberfounders",
        Format::JsonLd,
        src.shown(real, fix),
        "https://soberfounders.org/",
        root,
        opts,
        records,
        none,
    )
}

fn csv_rows(bytes: &[u8]) -> usize {
    csv::ReaderBuilder::new().flexible(true).from_reader(bytes).records().count()
}

// ---- Synthetic documents (no large real file exists) ----

/// 2,016 rows: the 36 rows of the TSML import template 56 times, each copy's slugs suffixed.
fn meeting_guide_csv_synthetic() -> Case {
    const COPIES: usize = 56;
    let template = fixture("meeting_guide_csv/tsml-import-template.csv");
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(template.as_slice());
    let headers = reader.headers().expect("header").clone();
    let slug = headers.iter().position(|h| h == "Slug").expect("a Slug column");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&headers).expect("write");
    for copy in 0..COPIES {
        for row in &rows {
            let fields: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, f)| if i == slug { format!("{f}-{copy}") } else { f.to_owned() })
                .collect();
            writer.write_record(&fields).expect("write");
        }
    }
    let root = writer.into_inner().expect("csv");
    let input = format!("synthetic: tsml-import-template.csv rows x{COPIES}, slugs varied");
    let opts = options("America/Los_Angeles", "US", &[Topic::ALCOHOL]);
    let url = "https://example.org/tsml.csv";
    case("meeting_guide_csv", Format::MeetingGuideCsv, input, url, root, opts, rows.len() * COPIES, none)
}

/// 20 pages of 100 services: the 9 services of the two support-group fixture pages, ids and
/// names varied, in the HSDS 3.0 paged envelope.
fn hsds_json_synthetic(id: &str, format_options: Value) -> Case {
    const PAGES: usize = 20;
    const PER_PAGE: usize = 100;
    let mut templates = Vec::new();
    for file in ["hsds_json/support-groups-page-1.json", "hsds_json/support-groups-page-2.json"] {
        let page: Value = serde_json::from_slice(&fixture(file)).expect("fixture JSON");
        templates.extend(page["contents"].as_array().expect("contents").iter().cloned());
    }
    let pages: Vec<Vec<u8>> = (1..=PAGES)
        .map(|p| {
            let contents: Vec<Value> = (0..PER_PAGE)
                .map(|i| {
                    let mut s = templates[(p * PER_PAGE + i) % templates.len()].clone();
                    if let Some(old) = s.get("id").and_then(Value::as_str).map(str::to_owned) {
                        s["id"] = json!(format!("{old}-{p}-{i}"));
                    }
                    if let Some(name) = s.get("name").and_then(Value::as_str).map(str::to_owned) {
                        s["name"] = json!(format!("{name} {p}-{i}"));
                    }
                    s
                })
                .collect();
            serde_json::to_vec(&json!({
                "total_items": PAGES * PER_PAGE, "total_pages": PAGES, "page_number": p, "size": PER_PAGE,
                "first_page": p == 1, "last_page": p == PAGES, "empty": false, "contents": contents,
            }))
            .expect("json")
        })
        .collect();
    let serve = |url: &str| {
        let url = url::Url::parse(url).ok()?;
        let n: usize = url.query_pairs().find(|(k, _)| k == "page")?.1.parse().ok()?;
        pages.get(n.checked_sub(1)?).cloned()
    };
    let input = format!("synthetic: {PAGES} pages x {PER_PAGE} services from the 9 fixture support-group services");
    let opts = SourceOptions { format_options, ..options("Europe/London", "GB", &[]) };
    let url = "https://api.example.org/services?per_page=100";
    case(id, Format::HsdsJson, input, url, pages[0].clone(), opts, PAGES * PER_PAGE, serve)
}

/// One TSML-style page with one JSON-LD block: 2,000 events (the 4 events of the fixture
/// page, 500 times, with their own `@id`, url and name) and the shared place.
fn jsonld_synthetic() -> Case {
    const COPIES: usize = 500;
    let page = text(fixture("jsonld/tsml-weekly-and-monthly.html"));
    let start = page.find("<script type=\"application/ld+json\">").expect("a JSON-LD block");
    let body_start = start + page[start..].find('>').expect(">") + 1;
    let body_end = body_start + page[body_start..].find("</script>").expect("</script>");
    let block: Value = serde_json::from_str(&page[body_start..body_end]).expect("JSON-LD");
    let graph = block["@graph"].as_array().expect("@graph");
    let (events, others): (Vec<&Value>, Vec<&Value>) = graph.iter().partition(|n| n["@type"] == "Event");
    let mut nodes: Vec<Value> = others.into_iter().cloned().collect();
    for copy in 0..COPIES {
        for (i, event) in events.iter().enumerate() {
            let mut e = (*event).clone();
            e["@id"] = json!(format!("https://aa-example.org/meetings/{copy}-{i}/#event"));
            e["url"] = json!(format!("https://aa-example.org/meetings/{copy}-{i}/"));
            let name = e["name"].as_str().unwrap_or("Meeting").to_owned();
            e["name"] = json!(format!("{name} {copy}"));
            nodes.push(e);
        }
    }
    let records = events.len() * COPIES;
    let block = json!({ "@context": "https://schema.org", "@graph": nodes });
    let html =
        format!("{}{}{}", &page[..body_start], serde_json::to_string_pretty(&block).expect("json"), &page[body_end..]);
    let input =
        format!("synthetic: one HTML page, one JSON-LD @graph of {records} events (fixture's 4 events x{COPIES})");
    let opts = options("America/Chicago", "US", &[Topic::ALCOHOL]);
    case("jsonld", Format::JsonLd, input, "https://aa-example.org/meetings/", html.into_bytes(), opts, records, none)
}

/// 5,004 RSS items: the 9 items of the Mind fixture feed 556 times, guids and links varied.
fn rss_synthetic() -> Case {
    const COPIES: usize = 556;
    let feed = text(fixture("rss/mind-exampleshire-groups.rss"));
    let first = feed.find("<item>").expect("<item>");
    let last = feed.rfind("</item>").expect("</item>") + "</item>".len();
    let items: Vec<String> = feed[first..last]
        .split("</item>")
        .filter(|s| s.contains("<item>"))
        .map(|s| format!("{}</item>", s.trim()))
        .collect();
    let mut out = String::from(&feed[..first]);
    for copy in 0..COPIES {
        for item in &items {
            let item =
                item.replace("</guid>", &format!("-{copy}</guid>")).replace("</link>", &format!("?c={copy}</link>"));
            out.push_str(&item);
            out.push_str("\n    ");
        }
    }
    out.push_str(&feed[last..]);
    let records = items.len() * COPIES;
    let input = format!("synthetic: {records} items (Mind fixture feed's {} items x{COPIES})", items.len());
    let opts = options("Europe/London", "GB", &[]);
    case("rss", Format::Rss, input, "https://example.org/feed", out.into_bytes(), opts, records, none)
}

/// 2,002 VEVENTs: the 13 events of the Mind fixture calendar 154 times, each copy with its
/// own UIDs (so the one RECURRENCE-ID override still pairs with its series).
fn ical_synthetic() -> Case {
    const COPIES: usize = 154;
    let cal = text(fixture("ical/exampleshire-mind-groups.ics")).replace("\r\n", "\n");
    let first = cal.find("BEGIN:VEVENT").expect("VEVENT");
    let last = cal.rfind("END:VEVENT").expect("END:VEVENT") + "END:VEVENT\n".len();
    let events: Vec<String> = cal[first..last]
        .split("END:VEVENT\n")
        .filter(|s| s.contains("BEGIN:VEVENT"))
        .map(|s| format!("{s}END:VEVENT\n"))
        .collect();
    let mut out = String::from(&cal[..first]);
    for copy in 0..COPIES {
        for event in &events {
            out.push_str(&event.replace("\nUID:", &format!("\nUID:c{copy}-")));
        }
    }
    out.push_str(&cal[last..]);
    let out = out.replace('\n', "\r\n");
    let records = events.len() * COPIES;
    let input = format!("synthetic: {records} VEVENTs (Mind fixture calendar's {} events x{COPIES})", events.len());
    let opts = options("Europe/London", "GB", &[]);
    case("ical", Format::Ical, input, "https://example.org/groups.ics", out.into_bytes(), opts, records, none)
}

/// 20 pages of 100 group nodes: the 3 nodes of the peer fixture's first page, ids, names and
/// cursors varied, chained by `endCursor`.
fn peer_synthetic() -> Case {
    const PAGES: usize = 20;
    const PER_PAGE: usize = 100;
    const ENDPOINT: &str = "https://peer.example/graphql";
    let page1: Value = serde_json::from_slice(&fixture("peer/page-1.json")).expect("fixture JSON");
    let templates: Vec<Value> =
        page1["data"]["groups"]["edges"].as_array().expect("edges").iter().map(|e| e["node"].clone()).collect();
    let mut extra = BTreeMap::new();
    for p in 1..=PAGES {
        let edges: Vec<Value> = (0..PER_PAGE)
            .map(|i| {
                let mut node = templates[i % templates.len()].clone();
                node["id"] = json!(format!("g_{p:02}_{i:03}"));
                let name = node["name"].as_str().unwrap_or("Group").to_owned();
                node["name"] = json!(format!("{name} {p}-{i}"));
                json!({ "cursor": format!("c{p}_{i}"), "node": node })
            })
            .collect();
        let body = json!({ "data": { "groups": {
            "totalCount": PAGES * PER_PAGE,
            "edges": edges,
            "pageInfo": { "hasNextPage": p < PAGES, "endCursor": format!("p{p}") },
        } } });
        let after = (p > 1).then(|| format!("p{}", p - 1));
        let url = importers::peer::page_url(ENDPOINT, PER_PAGE as u32, after.as_deref()).expect("page url");
        extra.insert(url, serde_json::to_vec(&body).expect("json"));
    }
    let root = fixture("peer/graphiql.html");
    let input = format!("synthetic: {PAGES} pages x {PER_PAGE} groups from the 3 nodes of peer/page-1.json");
    let opts = SourceOptions {
        format_options: json!({ "page_size": PER_PAGE }),
        ..options("Europe/London", "GB", &[Topic::MENTAL_HEALTH])
    };
    case("supportmesh", Format::Supportmesh, input, ENDPOINT, root, opts, PAGES * PER_PAGE, |url| {
        extra.get(url).cloned()
    })
}
