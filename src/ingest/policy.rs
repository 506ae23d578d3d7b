//! The run policy: when a run is a no-op, when a feed is refused, which listings are refused
//! (echoes of this instance's own groups), and when a run is held for an operator instead of
//! applied. Decisions only; the run loop acts on them.

use crate::config::SourceSettings;
use crate::model::{RunProblems, SourceState};

use super::RecordChanges;

/// What a run does when it would remove an unusual share of its source's records, or strip
/// an unusual share of them of their start times, days or places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removals {
    /// Hold the run for an operator; nothing changes (the default for every scheduled run).
    Hold,
    /// Apply it: an operator has looked at the held run and says the feed is right.
    Allow,
}

/// The document is byte-for-byte (or, for multi-document sources, hash-for-hash) the one last
/// applied: nothing to do.
pub(super) fn unchanged(state: &SourceState, document_hash: &str) -> bool {
    state.document_hash.as_deref() == Some(document_hash)
}

/// An empty feed from a source that had records is a failed fetch, not "everything closed".
pub(super) fn refuse_empty(listings: usize, has_records: bool) -> anyhow::Result<()> {
    if listings == 0 && has_records {
        anyhow::bail!("the feed has no listings (an empty feed is treated as a failed fetch; nothing changed)");
    }
    Ok(())
}

/// The listings that did not come from this instance: one whose `origins` name `instance`
/// (a peer's group whose records passed through here) is an echo of this instance's own
/// groups and is skipped, so two instances that import each other never import their own
/// groups back. The skipped ones are counted in one problem.
pub(super) fn refuse_echoes(
    listings: Vec<importers::Listing>,
    instance: &str,
    problems: &mut RunProblems,
) -> Vec<importers::Listing> {
    let before = listings.len();
    let kept: Vec<importers::Listing> =
        listings.into_iter().filter(|l| !l.origins.iter().any(|o| o == instance)).collect();
    let echoes = before - kept.len();
    if echoes > 0 {
        problems.push(importers::Problem::dropped(
            None,
            Some("origins"),
            format!(
                "{echoes} group(s) came from this instance ({instance}): their records passed through it, so they \
                 were skipped (no echoes)"
            ),
        ));
    }
    kept
}

/// Why the run is held, when it removes an unusual share of the source or strips an unusual
/// share of its records of their start times, days, addresses or map points (a feed of
/// garbage), and removals are not allowed; `None` when it may be applied.
pub(super) fn hold_reason(
    changes: &RecordChanges,
    source: &SourceSettings,
    max_removal_share: f64,
    removals: Removals,
) -> Option<String> {
    if removals == Removals::Allow {
        return None;
    }
    let (present, id, url) = (changes.previously_present, &source.id, source.location.to_string());
    let mut what = Vec::new();
    if changes.removes_unusual_share(max_removal_share) {
        what.push(format!(
            "{} of the {present} records of source `{id}` disappeared from {url}",
            changes.newly_missing
        ));
    }
    for (lost, count) in changes.unusual_losses(max_removal_share) {
        what.push(format!("{count} of the {present} records of source `{id}` would lose their {lost} (from {url})"));
    }
    if what.is_empty() {
        return None;
    }
    Some(format!(
        "held: {} at once (the limit is {:.0}%); nothing changed. \
         If the feed is right, run the import again with allowRemovals: true",
        what.join("; "),
        max_removal_share * 100.0
    ))
}
