//! What a finished run tells the operator's dashboards and logs: Prometheus counters and
//! timings per source and outcome, and one log line with the run's counts (never its content).

use std::time::Duration;

use crate::model::{ImportRun, RunOutcome};

/// Records the run's metrics and logs its counts.
pub(super) fn finished(source_id: &str, run: &ImportRun, elapsed: Duration) {
    let outcome = outcome_name(run.outcome);
    metrics::counter!("supportmesh_import_runs_total", "source" => source_id.to_owned(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!("supportmesh_import_seconds", "source" => source_id.to_owned()).record(elapsed.as_secs_f64());
    tracing::info!(
        source = %source_id, outcome, seen = run.counts.seen, added = run.counts.added,
        updated = run.counts.updated, missing = run.counts.missing, removed = run.counts.removed,
        problems = run.counts.problems, ms = elapsed.as_millis() as u64, "import run finished"
    );
}

/// Logs how long each step of an applied run took: reading the feed (fetch and parse),
/// diffing it against the stored records, regrouping, committing.
pub(super) fn steps(source_id: &str, [read, diff, regroup, commit]: [Duration; 4]) {
    let ms = |d: Duration| d.as_millis() as u64;
    tracing::info!(
        source = %source_id, read_ms = ms(read), diff_ms = ms(diff), regroup_ms = ms(regroup),
        commit_ms = ms(commit), "import run steps"
    );
}

fn outcome_name(o: RunOutcome) -> &'static str {
    match o {
        RunOutcome::Succeeded => "succeeded",
        RunOutcome::Unchanged => "unchanged",
        RunOutcome::Failed => "failed",
        RunOutcome::Held => "held",
        RunOutcome::Retired => "retired",
    }
}
