//! Import runs and what the store remembers about a source between runs, and `RunProblems`,
//! the bounded list of a run's problems (the first `MAX_RUN_PROBLEMS` kept, the rest counted).

use chrono::{DateTime, Utc};
use importers::{Problem, Problems};
use serde::{Deserialize, Serialize};

/// How an import run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// The feed was read and its changes applied.
    Succeeded,
    /// The server said 304, or the document hash matched the last run: nothing to do.
    Unchanged,
    /// Fetch or parse failed: nothing changed.
    Failed,
    /// The run would remove an unusual share of the source's records: held for an operator.
    Held,
    /// The source was deleted: its records went missing (and leave after the grace period).
    Retired,
}

/// Counts of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCounts {
    pub seen: u64,
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub missing: u64,
    pub removed: u64,
    pub problems: u64,
}

/// One import run of one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRun {
    pub id: String,
    pub source_id: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub outcome: RunOutcome,
    pub http_status: Option<u16>,
    pub fetched_bytes: u64,
    pub counts: RunCounts,
    /// The first `MAX_RUN_PROBLEMS` problems, in the order they were found.
    pub problems: Vec<Problem>,
    /// Problems found beyond those kept in `problems` (counted, not stored). Runs stored
    /// before the cap read as 0.
    #[serde(default)]
    pub problems_omitted: u64,
    /// Why the run failed or was held, naming the source, the URL and the cause.
    pub error: Option<String>,
    /// The groups the run added, updated, left missing or removed (a held run: those it
    /// would leave missing), the first `MAX_RUN_CHANGES`. Runs stored before: empty.
    #[serde(default)]
    pub changes: Vec<GroupChange>,
    /// Changes beyond those kept in `changes`.
    #[serde(default)]
    pub changes_omitted: u64,
    /// A held run's fate: who applied or discarded it, and when.
    #[serde(default)]
    pub resolution: Option<HeldResolution>,
}

/// Most group changes one run keeps by name; the rest are counted.
pub const MAX_RUN_CHANGES: usize = 1000;

/// One group a run changed, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChange {
    pub kind: GroupChangeKind,
    pub group_id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupChangeKind {
    Added,
    Updated,
    /// Its records are missing from the feed: still listed, status MISSING.
    Missing,
    Removed,
}

/// What an operator did with a held run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldResolution {
    pub applied: bool,
    pub stamp: super::Stamp,
    /// The run that applied it.
    pub run_id: Option<String>,
}

/// Most problems one run keeps; a feed of a million bad records keeps these and a count.
pub const MAX_RUN_PROBLEMS: usize = 1000;

/// A run's problems as they are collected: the first `MAX_RUN_PROBLEMS` kept, the rest only
/// counted, so a feed of garbage never holds millions of problems in a run or the store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunProblems {
    kept: Vec<Problem>,
    omitted: u64,
}

impl RunProblems {
    /// Keeps `problem` while there is room, else counts it.
    pub fn push(&mut self, problem: Problem) {
        if self.kept.len() < MAX_RUN_PROBLEMS {
            self.kept.push(problem);
        } else {
            self.omitted += 1;
        }
    }

    /// Keeps the first of `problems` there is room for and counts the rest, dropping them
    /// at once.
    pub fn extend(&mut self, problems: impl IntoIterator<Item = Problem>) {
        let mut problems = problems.into_iter();
        let room = MAX_RUN_PROBLEMS - self.kept.len();
        self.kept.extend(problems.by_ref().take(room));
        self.omitted += problems.count() as u64;
    }

    /// Adds another collection's problems after these.
    pub fn append(&mut self, other: RunProblems) {
        let omitted = other.omitted;
        self.extend(other.kept);
        self.omitted += omitted;
    }

    /// Every problem found, kept or not.
    pub fn total(&self) -> u64 {
        self.kept.len() as u64 + self.omitted
    }

    pub fn kept(&self) -> &[Problem] {
        &self.kept
    }

    /// (the kept problems, how many were omitted).
    pub fn into_parts(self) -> (Vec<Problem>, u64) {
        (self.kept, self.omitted)
    }
}

impl From<Vec<Problem>> for RunProblems {
    fn from(mut problems: Vec<Problem>) -> Self {
        let omitted = problems.len().saturating_sub(MAX_RUN_PROBLEMS) as u64;
        problems.truncate(MAX_RUN_PROBLEMS);
        problems.shrink_to_fit();
        RunProblems { kept: problems, omitted }
    }
}

/// A parse's problems (already bounded by `importers::MAX_PARSE_PROBLEMS`, the rest counted):
/// the first `MAX_RUN_PROBLEMS` kept, every other one counted, those the parser counted too.
impl From<Problems> for RunProblems {
    fn from(problems: Problems) -> Self {
        let (kept, parse_omitted) = problems.into_parts();
        let mut run = RunProblems::from(kept);
        run.omitted += parse_omitted as u64;
        run
    }
}

/// What the store remembers about a source between runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceState {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Hash of the last document applied; the same bytes again are a no-op.
    pub document_hash: Option<String>,
    pub last_run: Option<ImportRun>,
    pub last_success_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_beyond_the_cap_are_counted_not_kept() {
        let problem = |i: usize| Problem::dropped(Some(format!("[{i}]")), None, "no usable slug");
        let mut problems = RunProblems::from((0..MAX_RUN_PROBLEMS - 1).map(problem).collect::<Vec<_>>());
        problems.extend((0..5).map(problem));
        problems.push(problem(9));
        problems.append(RunProblems::from((0..MAX_RUN_PROBLEMS + 3).map(problem).collect::<Vec<_>>()));

        assert_eq!(problems.kept().len(), MAX_RUN_PROBLEMS);
        assert_eq!(problems.total(), (MAX_RUN_PROBLEMS - 1 + 5 + 1 + MAX_RUN_PROBLEMS + 3) as u64);
        assert_eq!(problems.kept()[MAX_RUN_PROBLEMS - 1], problem(0), "the first found are kept, in order");
    }

    #[test]
    fn a_parse_past_its_own_cap_counts_its_omitted_problems_too() {
        let records = importers::MAX_PARSE_PROBLEMS + 3;
        let feed = format!("[{}]", vec!["{}"; records].join(","));
        let docs = importers::Documents::single(feed.as_bytes());
        let parsed = importers::parse(importers::Format::MeetingGuide, &docs, &importers::SourceOptions::default())
            .expect("a feed of empty objects parses");
        assert_eq!(parsed.problems.omitted(), 3);

        let problems = RunProblems::from(parsed.problems);

        assert_eq!(problems.kept().len(), MAX_RUN_PROBLEMS);
        assert_eq!(problems.total(), records as u64, "every problem of the parse is counted");
    }

    #[test]
    fn a_run_stored_before_the_cap_still_decodes() {
        // An import run as the previous version stored it: no `problems_omitted`.
        let stored = r#"{"id":"sepa-20240101T000000.000Z","source_id":"sepa",
            "started_at":"2024-01-01T00:00:00Z","finished_at":"2024-01-01T00:00:01Z",
            "outcome":"succeeded","http_status":200,"fetched_bytes":10,
            "counts":{"seen":1,"added":1,"updated":0,"unchanged":0,"missing":0,"removed":0,"problems":1},
            "problems":[{"record":"a","field":"time","message":"bad time","dropped":false}],"error":null}"#;

        let run: ImportRun = serde_json::from_str(stored).expect("an old run decodes");

        assert_eq!((run.problems.len(), run.problems_omitted, run.counts.problems), (1, 0, 1));
    }
}
