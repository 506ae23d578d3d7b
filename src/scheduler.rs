//! When imports run: one tokio-cron-scheduler job per enabled, unpaused source of the
//! registry, kept in step with it (a source created, changed, paused, resumed or deleted
//! through the API has its job added, replaced or removed at once), plus a first run for
//! sources never run before, and an hourly sweep that retires the records of sources that no
//! longer exist. The job body is `Ingestor::run_source`; a tick that finds its source still
//! running is skipped, so two runs of one source never overlap.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;
use tokio::sync::Mutex;
use tokio_cron_scheduler::{Job, JobScheduler};
use uuid::Uuid;

use crate::config::SourceSettings;
use crate::ingest::Ingestor;
use crate::store::Store;

/// The hourly sweep of gone sources' records (six fields, seconds first).
const SWEEP: &str = "0 17 * * * *";

/// The running scheduler and the job of each source.
pub struct Scheduler {
    sched: JobScheduler,
    follower: tokio::task::JoinHandle<()>,
}

/// The job each source has now, with the settings it was made from.
type Jobs = HashMap<String, (Uuid, Arc<SourceSettings>)>;

/// Starts the cron jobs, the startup runs and the registry follower.
pub async fn start(ingestor: Ingestor, store: Store) -> anyhow::Result<Scheduler> {
    let sched = JobScheduler::new().await.context("starting the scheduler")?;
    let jobs: Arc<Mutex<Jobs>> = Arc::default();
    sync(&sched, &ingestor, &store, &jobs).await?;
    let ing = ingestor.clone();
    let sweep = Job::new_async(SWEEP, move |_, _| {
        let ing = ing.clone();
        Box::pin(async move { sweep(&ing).await })
    })
    .context("the sweep's schedule")?;
    sched.add(sweep).await.context("scheduling the sweep")?;
    sched.start().await.context("starting the scheduler")?;
    let mut changes = ingestor.registry().subscribe();
    let follower = {
        let (sched, ingestor) = (sched.clone(), ingestor.clone());
        tokio::spawn(async move {
            while changes.changed().await.is_ok() {
                if let Err(e) = sync(&sched, &ingestor, &store, &jobs).await {
                    tracing::error!(error = %format!("{e:#}"), "could not follow a change of the sources");
                }
            }
        })
    };
    Ok(Scheduler { sched, follower })
}

impl Scheduler {
    pub async fn shutdown(&mut self) -> anyhow::Result<()> {
        self.follower.abort();
        self.sched.shutdown().await.context("stopping the scheduler")
    }
}

/// Makes the jobs match the registry: removes those of sources gone, paused, disabled or
/// changed, adds those missing; starts a first run of each newly scheduled source that never ran.
async fn sync(sched: &JobScheduler, ingestor: &Ingestor, store: &Store, jobs: &Mutex<Jobs>) -> anyhow::Result<()> {
    let mut jobs = jobs.lock().await;
    let wanted: Vec<Arc<SourceSettings>> = ingestor
        .registry()
        .entries()
        .into_iter()
        .filter(|e| e.settings.enabled && e.paused.is_none())
        .map(|e| e.settings)
        .collect();
    let stale: Vec<String> = jobs
        .iter()
        .filter(|(id, (_, settings))| !wanted.iter().any(|w| &w.id == *id && **w == **settings))
        .map(|(id, _)| id.clone())
        .collect();
    for id in stale {
        if let Some((uuid, _)) = jobs.remove(&id) {
            sched.remove(&uuid).await.with_context(|| format!("unscheduling source `{id}`"))?;
        }
    }
    let mut never_run = Vec::new();
    let missing: Vec<Arc<SourceSettings>> = wanted.into_iter().filter(|w| !jobs.contains_key(&w.id)).collect();
    for source in missing {
        let id = source.id.clone();
        let ing = ingestor.clone();
        let job = Job::new_async(source.schedule.as_str(), move |_, _| {
            let ing = ing.clone();
            let id = id.clone();
            Box::pin(async move { run_if_idle(&ing, &id).await })
        })
        .with_context(|| format!("source `{}`: schedule `{}` is not a valid cron", source.id, source.schedule))?;
        let uuid = sched.add(job).await.with_context(|| format!("scheduling source `{}`", source.id))?;
        if store.source_state(&source.id)?.last_run.is_none() {
            never_run.push(source.id.clone());
        }
        jobs.insert(source.id.clone(), (uuid, source));
    }
    let ingestor = ingestor.clone();
    tokio::spawn(async move {
        for id in never_run {
            run_if_idle(&ingestor, &id).await;
        }
    });
    Ok(())
}

async fn run_if_idle(ingestor: &Ingestor, id: &str) {
    match ingestor.try_run_source(id).await {
        Some(Ok(_)) => {}
        Some(Err(e)) => tracing::error!(source = %id, error = %e, "scheduled import could not run"),
        None => tracing::info!(source = %id, "previous run still going; this tick is skipped"),
    }
}

/// Retires the records of sources that no longer exist (also run once at every start).
pub async fn sweep(ingestor: &Ingestor) {
    if let Err(e) = ingestor.retire_gone_sources().await {
        tracing::error!(error = %format!("{e:#}"), "could not retire the records of sources that no longer exist");
    }
}
