//! When imports run: one tokio-cron-scheduler job per enabled source, plus a first run at
//! startup for sources never run before. The job body is `Ingestor::run_source`; a tick that
//! finds its source still running is skipped, so two runs of one source never overlap.

use anyhow::Context;
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::ingest::Ingestor;
use crate::store::Store;

/// Starts the cron jobs and the startup runs; returns the running scheduler.
pub async fn start(ingestor: Ingestor, store: Store) -> anyhow::Result<JobScheduler> {
    let sched = JobScheduler::new().await.context("starting the scheduler")?;
    let mut never_run = Vec::new();
    for source in ingestor.sources().iter().filter(|s| s.enabled) {
        let id = source.id.clone();
        let ing = ingestor.clone();
        let job = Job::new_async(source.schedule.as_str(), move |_, _| {
            let ing = ing.clone();
            let id = id.clone();
            Box::pin(async move { run_if_idle(&ing, &id).await })
        })
        .with_context(|| format!("source `{}`: schedule `{}` is not a valid cron", source.id, source.schedule))?;
        sched.add(job).await.with_context(|| format!("scheduling source `{}`", source.id))?;
        if store.source_state(&source.id)?.last_run.is_none() {
            never_run.push(source.id.clone());
        }
    }
    sched.start().await.context("starting the scheduler")?;
    tokio::spawn(async move {
        for id in never_run {
            run_if_idle(&ingestor, &id).await;
        }
    });
    Ok(sched)
}

async fn run_if_idle(ingestor: &Ingestor, id: &str) {
    match ingestor.try_run_source(id).await {
        Some(Ok(_)) => {}
        Some(Err(e)) => tracing::error!(source = %id, error = %e, "scheduled import could not run"),
        None => tracing::info!(source = %id, "previous run still going; this tick is skipped"),
    }
}
