//! Matching: which source records describe the same real group. Pure: no IO, no clock.
//!
//! `blocking_keys` says which records could be the same (ingest indexes them, so only
//! records sharing a key are ever compared); `cluster` compares those pairs (`score`) and
//! joins the matches, strongest first, never putting two different records of one source in
//! one group; the result does not depend on input order. `pairs` finds and scores the
//! candidate pairs at scale, `join` makes groups of them, `ids` gives clusters stable ids,
//! `merge` builds a group's view from its records, `assembly` which
//! meetings of one source make one group, `rarity` how many groups carry each name.
//!
//! `match_candidates` / `match_records` also return review candidates (`Review`): the pairs
//! the matcher abstained on (a record that fits two records of another source about equally
//! well, such as a hybrid group's twin listings in one feed) and the matches it made on its
//! weakest evidence, each with the evidence text, for an operator's review queue.

mod assembly;
mod blocking;
mod contact;
mod features;
mod ids;
mod join;
mod merge;
mod pairs;
mod rarity;
mod score;
#[cfg(test)]
mod testing;

use importers::Listing;

use crate::model::{Correction, MatchLink, RecordKey};

pub use assembly::{
    assemble, group_name_holds, keys as assembly_keys, GROUP_PREFIX, MAX_MEETINGS as MAX_GROUP_MEETINGS,
    PREFIX as ASSEMBLY_PREFIX,
};
pub use blocking::SCHEME as BLOCKING_SCHEME;
pub use features::Features;
pub use ids::{assign as assign_ids, derive as derive_id, IdPlan};
pub use join::{Review, ReviewKind};
pub use merge::{merge, status_conflict, MergeInput};
pub use pairs::MAX_BUCKET;
pub use rarity::{carrier_family, name_key, Carrier, NameTable, CARRIER_PREFIX, RARE_MAX};
pub use score::{compare, Verdict, WEAK as WEAK_MATCH};

/// The keys stored with a record: its matching blocking keys (records sharing none are never
/// compared), its assembly keys (`ASSEMBLY_PREFIX`: records of one source sharing one are
/// meetings of one group) and its name carrier key (`CARRIER_PREFIX`: what ingest counts a
/// `NameTable` from; it joins no records).
pub fn blocking_keys(listing: &Listing) -> Vec<String> {
    let features = Features::of(listing);
    let mut keys = blocking::keys(&features);
    keys.extend(assembly::keys(listing));
    keys.extend(rarity::stored_key(&features));
    keys.sort();
    keys.dedup();
    keys
}

/// One record as the matcher sees it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub key: &'a RecordKey,
    pub listing: &'a Listing,
    /// Content hash: two records of one source are one group only when identical.
    pub hash: &'a str,
}

/// One group as the matcher decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Sorted member keys.
    pub members: Vec<RecordKey>,
    pub links: Vec<MatchLink>,
}

/// Records as the matcher reads them, by index: sorted by key, without repeats. Features are
/// asked for on demand (more than once for a record meeting at several times), so a caller
/// may produce listings lazily and the matcher holds one batch of meeting times at once.
pub trait Records: Sync {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn key(&self, i: usize) -> &RecordKey;
    /// Content hash: two records of one source are one group only when identical.
    fn hash(&self, i: usize) -> &str;
    fn features(&self, i: usize) -> Features;
    /// The record's meeting slots, as in `Features::slots`.
    fn slots(&self, i: usize) -> Vec<String> {
        self.features(i).slots
    }
    /// The record's meeting slots and what it adds to a `NameTable`, from one look at it.
    fn slots_and_carrier(&self, i: usize) -> (Vec<String>, Option<Carrier>) {
        let f = self.features(i);
        let carrier = Carrier::of(&self.key(i).source_id, &f);
        (f.slots, carrier)
    }
}

impl Records for [Candidate<'_>] {
    fn len(&self) -> usize {
        <[Candidate<'_>]>::len(self)
    }
    fn key(&self, i: usize) -> &RecordKey {
        self[i].key
    }
    fn hash(&self, i: usize) -> &str {
        self[i].hash
    }
    fn features(&self, i: usize) -> Features {
        Features::of(self[i].listing)
    }
    fn slots(&self, i: usize) -> Vec<String> {
        features::slots(&self[i].listing.meetings)
    }
}

/// What the matcher decided: the groups, and the pairs an operator may want to review.
#[derive(Debug, Clone, PartialEq)]
pub struct Matching {
    /// Sorted by first member.
    pub clusters: Vec<Cluster>,
    /// Abstentions and weak matches, sorted by pair.
    pub reviews: Vec<Review>,
}

/// Clusters the candidates, honouring operator corrections (a link always joins, an unlink
/// never). The result is sorted by first member and does not depend on the order of
/// `candidates` or `corrections`. Names are weighed by how many of the candidates carry them.
pub fn cluster(candidates: &[Candidate<'_>], corrections: &[Correction]) -> Vec<Cluster> {
    match_candidates(candidates, corrections, None).clusters
}

/// `cluster` with its review candidates. `names` says how many groups carry each name (ingest
/// counts them over the whole store); `None` counts the candidates themselves.
pub fn match_candidates(
    candidates: &[Candidate<'_>],
    corrections: &[Correction],
    names: Option<&NameTable>,
) -> Matching {
    let mut sorted: Vec<Candidate<'_>> = candidates.to_vec();
    sorted.sort_by(|a, b| a.key.cmp(b.key));
    sorted.dedup_by(|a, b| a.key == b.key);
    match_records(sorted.as_slice(), corrections, names)
}

/// `cluster` over records already sorted by key without repeats, read through `Records`.
pub fn cluster_records<R: Records + ?Sized>(records: &R, corrections: &[Correction]) -> Vec<Cluster> {
    match_records(records, corrections, None).clusters
}

/// `match_candidates` over records already sorted by key without repeats.
pub fn match_records<R: Records + ?Sized>(
    records: &R,
    corrections: &[Correction],
    names: Option<&NameTable>,
) -> Matching {
    let (clusters, reviews) = join::join(records, pairs::scored(records, names), corrections);
    Matching { clusters, reviews }
}

/// Content hash of a normalised listing, leaving out the source's id for it: two rows of one
/// feed with the same content hash are the same group listed twice. Computed over the
/// listing's canonical form (`model::content_hash`), not over whatever serde emits.
pub fn listing_hash(listing: &Listing) -> String {
    crate::model::content_hash(listing)
}

/// Two records of one source are one group only when their content is identical (a feed
/// listing a group twice); otherwise the scoring rules decide.
pub fn pair(a: &Candidate<'_>, b: &Candidate<'_>, fa: &Features, fb: &Features, names: &NameTable) -> Option<Verdict> {
    verdict((a.key, a.hash, fa), (b.key, b.hash, fb), names)
}

/// `pair` for records known by their key, content hash and features (all it reads of them).
pub fn pair_features(
    a: (&RecordKey, &str, &Features),
    b: (&RecordKey, &str, &Features),
    names: &NameTable,
) -> Option<Verdict> {
    verdict(a, b, names)
}

fn verdict(a: (&RecordKey, &str, &Features), b: (&RecordKey, &str, &Features), names: &NameTable) -> Option<Verdict> {
    if a.0.source_id == b.0.source_id {
        return (a.1 == b.1)
            .then(|| Verdict { score: 1.0, evidence: vec!["the same listing twice in one feed".to_owned()] });
    }
    compare(a.2, b.2, names)
}
