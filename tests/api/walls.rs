//! The walls between modules, checked on the source text: only `store` uses sled, only `fetch`
//! uses reqwest, `model`, `dedup`, `finder`, `places`, `publish` and the `importers` crate do no
//! IO and read no clock, and `model` depends on no other module of the service.
//!
//! Test-only code (`#[cfg(test)] mod ...` to the end of a file, and `testing.rs` helpers) may
//! read fixture files, so it is left out.

use std::path::{Path, PathBuf};

/// Every non-test source file under `dir`, with its production code.
fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable source dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("testing.rs") {
                let text = std::fs::read_to_string(&path).expect("readable source");
                out.push((path, production_code(&text)));
            }
        }
    }
    assert!(!out.is_empty(), "no sources under {dir}");
    out
}

/// The file without its trailing `#[cfg(test)]` module and without comments.
fn production_code(text: &str) -> String {
    let mut lines = Vec::new();
    let mut it = text.lines().peekable();
    while let Some(line) = it.next() {
        if line.trim() == "#[cfg(test)]" && it.peek().is_some_and(|next| next.trim_start().starts_with("mod ")) {
            break;
        }
        let code = line.split("//").next().unwrap_or("");
        lines.push(code);
    }
    lines.join("\n")
}

fn uses(code: &str, path: &str) -> bool {
    code.contains(&format!("{path}::")) || code.contains(&format!("use {path};"))
}

/// Files under `dir` whose code names any of `paths`.
fn offenders(dir: &str, paths: &[&str]) -> Vec<String> {
    sources(dir)
        .into_iter()
        .flat_map(|(file, code)| {
            paths
                .iter()
                .filter(|p| uses(&code, p))
                .map(move |p| format!("{} uses {p}", file.display()))
                .collect::<Vec<_>>()
        })
        .collect()
}

const IO: &[&str] = &["std::fs", "std::net", "std::process", "tokio", "reqwest", "sled", "Utc::now", "SystemTime::now"];

#[test]
fn only_the_store_uses_sled_and_only_fetch_uses_reqwest() {
    let sled: Vec<_> = sources("src")
        .into_iter()
        .filter(|(f, code)| uses(code, "sled") && !f.to_string_lossy().contains("/src/store/"))
        .map(|(f, _)| f.display().to_string())
        .collect();
    assert!(sled.is_empty(), "sled outside src/store: {sled:?}");
    let reqwest: Vec<_> = sources("src")
        .into_iter()
        .filter(|(f, code)| uses(code, "reqwest") && !f.to_string_lossy().contains("/src/fetch/"))
        .map(|(f, _)| f.display().to_string())
        .collect();
    assert!(reqwest.is_empty(), "reqwest outside src/fetch: {reqwest:?}");
}

#[test]
fn the_pure_modules_do_no_io() {
    for dir in ["src/model", "src/dedup", "src/finder", "src/places", "src/publish", "importers/src"] {
        let found = offenders(dir, IO);
        assert!(found.is_empty(), "IO or clock in a pure module: {found:?}");
    }
}

#[test]
fn the_pure_modules_depend_on_no_service_module_above_them() {
    let above = ["crate::store", "crate::ingest", "crate::graphql", "crate::fetch", "crate::events", "crate::http"];
    let model: Vec<_> =
        offenders("src/model", &above).into_iter().chain(offenders("src/model", &["crate::dedup"])).collect();
    assert!(model.is_empty(), "model reaches into another module: {model:?}");
    for pure in ["src/dedup", "src/finder", "src/places", "src/publish"] {
        let found = offenders(pure, &above);
        assert!(found.is_empty(), "{pure} reaches into another module: {found:?}");
    }
}

#[test]
fn the_importers_crate_depends_on_no_io_crate() {
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("importers/Cargo.toml"))
        .expect("importers manifest");
    let manifest: toml::Table = manifest.parse().expect("importers manifest is TOML");
    let deps = manifest.get("dependencies").and_then(|d| d.as_table()).expect("a [dependencies] table");
    for io in ["tokio", "reqwest", "sled", "hyper", "async-std", "ureq"] {
        assert!(!deps.contains_key(io), "importers depends on {io}");
    }
}
