//! Every format the importers read is wired up outside the crate too: a demo source in
//! `config/supportmesh.toml`, a fuzz target declared in `fuzz/Cargo.toml`, and a row in the
//! README's formats table (the checklist in `importers/README.md`, "Adding a format").

use std::path::{Path, PathBuf};

use importers::Format;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn toml_file(path: &Path) -> toml::Table {
    read(path).parse().unwrap_or_else(|e| panic!("{} is not TOML: {e}", path.display()))
}

/// The `format` of every `[[sources]]` of the demo configuration.
fn demo_formats() -> Vec<String> {
    let config = toml_file(&root().join("config/supportmesh.toml"));
    let sources = config.get("sources").and_then(toml::Value::as_array).cloned().unwrap_or_default();
    sources.iter().filter_map(|s| s.get("format")?.as_str().map(str::to_owned)).collect()
}

/// The `(name, path)` of every `[[bin]]` of the fuzz crate.
fn fuzz_bins() -> Vec<(String, String)> {
    let manifest = toml_file(&root().join("fuzz/Cargo.toml"));
    let bins = manifest.get("bin").and_then(toml::Value::as_array).cloned().unwrap_or_default();
    let field = |b: &toml::Value, key: &str| b.get(key).and_then(toml::Value::as_str).unwrap_or_default().to_owned();
    bins.iter().map(|b| (field(b, "name"), field(b, "path"))).collect()
}

/// The lines of the README's "### Formats" section, up to the next heading.
fn readme_formats_section() -> Vec<String> {
    let readme = read(&root().join("README.md"));
    let mut lines = readme.lines().skip_while(|l| l.trim() != "### Formats");
    let heading = lines.next().expect("README.md has a \"### Formats\" section");
    std::iter::once(heading).chain(lines.take_while(|l| !l.starts_with('#'))).map(str::to_owned).collect()
}

/// What `format` lacks of the places every format must be in, in words.
fn missing_for(format: Format, demo: &[String], bins: &[(String, String)], table: &[String]) -> Vec<String> {
    let name = format.as_str();
    let mut missing = Vec::new();
    if !demo.iter().any(|f| f == name) {
        missing.push(format!("{name}: no [[sources]] with format = \"{name}\" in config/supportmesh.toml"));
    }
    let target = format!("fuzz_targets/{name}.rs");
    if !root().join("fuzz").join(&target).is_file() {
        missing.push(format!("{name}: no fuzz target fuzz/{target}"));
    }
    if !bins.iter().any(|(bin, path)| bin == name && *path == target) {
        missing.push(format!("{name}: fuzz/Cargo.toml declares no [[bin]] name = \"{name}\", path = \"{target}\""));
    }
    let row = format!("| `{name}` |");
    if !table.iter().any(|l| l.starts_with(&row)) {
        missing.push(format!("{name}: no row starting with \"{row}\" in README.md's formats table"));
    }
    missing
}

#[test]
fn every_format_has_a_demo_source_a_fuzz_target_and_a_readme_row() {
    let (demo, bins, table) = (demo_formats(), fuzz_bins(), readme_formats_section());
    let missing: Vec<String> =
        Format::ALL.into_iter().flat_map(|format| missing_for(format, &demo, &bins, &table)).collect();
    assert!(missing.is_empty(), "formats not wired up everywhere (see importers/README.md):\n{}", missing.join("\n"));
}
