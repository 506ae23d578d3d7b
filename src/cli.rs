//! The command line: `serve`, `import`, `check-config`, `schema`, `export`.
//!
//! Each subcommand loads settings the same way (`--config`, then `SUPPORTMESH_CONFIG`, then
//! config/supportmesh.toml; then `SUPPORTMESH_*` overrides) and maps failures to a non-zero
//! exit code with a message on stderr.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Settings;
use crate::model::RunOutcome;
use crate::startup::{shutdown_signal, Application, Imports};

#[derive(Parser)]
#[command(
    name = "supportmesh",
    version,
    about = "A deduplicated, always-fresh directory of support groups, served as GraphQL"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service: GraphQL API, scheduled imports.
    Serve {
        #[arg(long)]
        config: Option<PathBuf>,
        /// Address to listen on, e.g. 127.0.0.1:8080 (overrides the config).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
    },
    /// Import one source (or every enabled one) now, with progress and a summary.
    Import {
        #[arg(long)]
        config: Option<PathBuf>,
        /// Source id; all enabled sources when absent.
        #[arg(long)]
        source: Option<String>,
    },
    /// Validate the configuration without starting anything.
    CheckConfig {
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Print the GraphQL SDL (what schema/schema.graphql holds).
    Schema {
        /// The federation subgraph SDL instead (what schema/subgraph.graphql holds).
        #[arg(long)]
        subgraph: bool,
    },
    /// Write every live group as one JSON object per line.
    Export {
        #[arg(long)]
        config: Option<PathBuf>,
        /// Output file; standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::telemetry::init_logging();
    let result = match cli.command {
        Command::Schema { subgraph } => {
            print!("{}", if subgraph { crate::graphql::subgraph_sdl() } else { crate::graphql::sdl() });
            Ok(ExitCode::SUCCESS)
        }
        Command::CheckConfig { config } => Settings::load(config.as_deref()).map_err(Into::into).map(check_config),
        Command::Serve { config, listen } => runtime().and_then(|rt| rt.block_on(serve(config, listen))),
        Command::Import { config, source } => runtime().and_then(|rt| rt.block_on(import(config, source))),
        Command::Export { config, out } => runtime().and_then(|rt| rt.block_on(crate::export::run(config, out))),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the summary, then checks that every local source can be read: a source outside
/// `fetch.local_roots` fails the check; a file not there yet is only reported.
fn check_config(settings: Settings) -> ExitCode {
    println!("{}", crate::config::check_report(&settings));
    let mut refused = 0;
    for source in &settings.sources {
        let crate::config::SourceLocation::File(path) = &source.location else { continue };
        match crate::fetch::check_local(&settings.fetch, path) {
            Ok(_) => {}
            Err(e @ crate::fetch::FetchError::FileNotFound { .. }) => {
                println!("warning: source `{}`: {e}; its imports fail until it exists", source.id)
            }
            Err(e) => {
                eprintln!("error: source `{}` cannot be read: {e}", source.id);
                refused += 1;
            }
        }
    }
    if refused == 0 {
        return ExitCode::SUCCESS;
    }
    eprintln!("error: {refused} source(s) outside fetch.local_roots; add their directory to local_roots or move them");
    ExitCode::FAILURE
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("starting the async runtime")
}

async fn serve(config: Option<PathBuf>, listen: Option<std::net::SocketAddr>) -> anyhow::Result<ExitCode> {
    let mut settings = Settings::load(config.as_deref())?;
    if let Some(addr) = listen {
        settings.server.listen = addr;
    }
    let app = Application::build(settings, Imports::Scheduled).await?;
    app.run_until_stopped(shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

async fn import(config: Option<PathBuf>, source: Option<String>) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(config.as_deref())?;
    let mut server = settings.clone();
    server.server.listen = ([127, 0, 0, 1], 0).into();
    let app = Application::build(server, Imports::OnDemand).await?;
    let ingestor = app.state().ingestor.clone();
    // Every source the registry holds: the file's and those created through the API.
    let ids: Vec<String> = match source {
        Some(id) => vec![id],
        None => ingestor
            .registry()
            .entries()
            .into_iter()
            .filter(|e| e.settings.enabled && e.paused.is_none())
            .map(|e| e.settings.id.clone())
            .collect(),
    };
    let mut failed = 0;
    for id in &ids {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar.set_message(format!("importing {id}"));
        let run = ingestor.run_source(id).await;
        bar.finish_and_clear();
        match run {
            Ok(run) => {
                let c = &run.counts;
                println!(
                    "{id}: {:?} - seen {}, added {}, updated {}, unchanged {}, missing {}, removed {}, problems {}",
                    run.outcome, c.seen, c.added, c.updated, c.unchanged, c.missing, c.removed, c.problems
                );
                if let Some(e) = &run.error {
                    println!("  {e}");
                }
                for p in run.problems.iter().take(5) {
                    println!("  problem: {p}");
                }
                let (shown, total) =
                    (run.problems.len().min(5) as u64, run.problems.len() as u64 + run.problems_omitted);
                if total > shown {
                    println!("  ... and {} more problems", total - shown);
                }
                if matches!(run.outcome, RunOutcome::Failed | RunOutcome::Held) {
                    failed += 1;
                }
            }
            Err(e) => {
                println!("{id}: {e}");
                failed += 1;
            }
        }
    }
    let total = app.state().store.live_group_count()?;
    println!("{} source(s) imported, {failed} failed or held; the store holds {total} groups", ids.len());
    app.state().store.flush().await?;
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
