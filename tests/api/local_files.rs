//! Local sources as an operator configures them: files are read only from inside
//! `fetch.local_roots` (by default the config file's directory), with symlinks resolved, and
//! `check-config` names a source that lies outside.

use std::path::{Path, PathBuf};

use crate::helpers::{spawn_app_with_toml, FeedServer, TOKEN};
use serde_json::json;
use supportmesh::model::RunOutcome;

/// A temp dir with `feeds/` (the only root) and `elsewhere/` beside it, holding a secret.
fn dirs() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let base = tempfile::tempdir().unwrap();
    let (feeds, elsewhere) = (base.path().join("feeds"), base.path().join("elsewhere"));
    std::fs::create_dir_all(&feeds).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("secret.csv"), "id,name\nx,hunter2\n").unwrap();
    (base, feeds, elsewhere)
}

fn demo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config/demo").join(path)
}

fn local_source(id: &str, format: &str, url: &str, roots: &Path) -> String {
    format!(
        "[fetch]\nlocal_roots = [\"{}\"]\n[[sources]]\nid = \"{id}\"\nformat = \"{format}\"\nurl = \"{url}\"\n",
        roots.display()
    )
}

#[tokio::test]
async fn a_datapackage_table_that_is_a_symlink_out_of_the_roots_is_refused() {
    let (_base, feeds, elsewhere) = dirs();
    let package = feeds.join("miami");
    std::fs::create_dir_all(&package).unwrap();
    for entry in std::fs::read_dir(demo("miami-211")).unwrap() {
        let from = entry.unwrap().path();
        std::fs::copy(&from, package.join(from.file_name().unwrap())).unwrap();
    }
    std::fs::remove_file(package.join("services.csv")).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("secret.csv"), package.join("services.csv")).unwrap();
    let url = package.join("datapackage.json");
    let toml = local_source("miami", "hsds_datapackage", &url.display().to_string(), &feeds);
    let app = spawn_app_with_toml(FeedServer::start().await, &[], &toml).await;

    let run = app.import("miami").await;

    assert_eq!(run.outcome, RunOutcome::Failed, "{run:?}");
    let error = run.error.unwrap_or_default();
    assert!(error.contains("services.csv: refused: outside fetch.local_roots"), "{error}");
    assert!(error.contains("leads to") && error.contains("secret.csv") && !error.contains("hunter2"), "{error}");
    assert_eq!(app.total().await, 0);
}

#[tokio::test]
async fn a_file_url_outside_the_roots_is_refused_and_one_inside_is_read() {
    let (_base, feeds, elsewhere) = dirs();
    std::fs::copy(demo("sepa.json"), elsewhere.join("sepa.json")).unwrap();
    std::fs::copy(demo("sepa.json"), feeds.join("sepa.json")).unwrap();
    let outside = url::Url::from_file_path(elsewhere.join("sepa.json")).unwrap();
    let inside = url::Url::from_file_path(feeds.join("sepa.json")).unwrap();
    let toml = format!(
        "{}[[sources]]\nid = \"inside\"\nformat = \"meeting_guide\"\nurl = \"{inside}\"\n",
        local_source("outside", "meeting_guide", outside.as_str(), &feeds)
    );
    let app = spawn_app_with_toml(FeedServer::start().await, &[], &toml).await;

    let refused = app.import("outside").await;
    let read = app.import("inside").await;

    assert_eq!(refused.outcome, RunOutcome::Failed, "{refused:?}");
    let d = app.gql_raw("{ sources { id lastRun { error } } }", json!({}), Some(TOKEN)).await;
    let error = d["data"]["sources"][0]["lastRun"]["error"].as_str().unwrap_or_default().to_owned();
    assert!(error.contains("sepa.json: refused: outside fetch.local_roots"), "{d}");
    assert_eq!(read.outcome, RunOutcome::Succeeded, "{read:?}");
}

#[test]
fn check_config_names_a_source_outside_the_roots_of_the_config_directory() {
    let (base, feeds, _elsewhere) = dirs();
    std::fs::copy(demo("sepa.json"), feeds.join("sepa.json")).unwrap();
    let config = feeds.join("supportmesh.toml");
    std::fs::write(
        &config,
        "[[sources]]\nid = \"here\"\nformat = \"meeting_guide\"\nurl = \"sepa.json\"\n\
         [[sources]]\nid = \"escapes\"\nformat = \"meeting_guide\"\nurl = \"../elsewhere/secret.csv\"\n",
    )
    .unwrap();

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_supportmesh"))
        .args(["check-config", "--config"])
        .arg(&config)
        .env_remove("SUPPORTMESH_FETCH_LOCAL_ROOTS")
        .output()
        .expect("check-config runs");

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("source `escapes` cannot be read") && stderr.contains("outside fetch.local_roots"),
        "{stderr}"
    );
    assert!(!stderr.contains("`here`"), "{stderr}");
    drop(base);
}
