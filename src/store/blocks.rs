//! The matcher's blocking-key index, in memory: blocking key -> the records holding it, and
//! name carrier key -> its name's family (`dedup::carrier_family`), so the store counts how
//! many carriers of one name a source holds. Store format 2 kept this as a sled tree of one
//! entry per (key, record), about 18 a listing: most of a first import's time and memory went
//! to writing it. Now sled keeps only each record's own list (`record_blocks`), the index is
//! built from those lists at open and changed by every commit under the store's write lock,
//! after the commit's sled writes succeed (a failed commit leaves it as it was, as the
//! rollback leaves sled).
//!
//! Keys are held as 64-bit hashes and records as dense ids, so an entry is 12 bytes (about
//! 220 MB for 1,000,000 listings). Two keys that share a hash (for 20 million keys, about
//! one chance in 100,000 that any pair does) only add candidates: the matcher scores every
//! candidate pair, and the assembly keys' fellows are checked for the same name. Entries live in a sorted
//! array with an overlay of recent changes, merged in once the overlay grows past a share of
//! the array, so a small commit costs its own entries and a first import one sort.
//!
//! It also holds every stored record's key and the id derived from it (`RecordKey::group_id`),
//! so the store knows which records surely do not exist without reading sled (a run's undo log
//! skips the reads for new records) and finds the group holding a derived id (store format 4
//! kept a sled tree for that, an insert per record). A commit gives its new records ids as it
//! is written, so after a failed commit the index may name records sled does not hold (the
//! safe direction: those are read and found absent), never the other way round.

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasher, Hasher};

/// An overlay larger than this share of the sorted entries (or than `MIN_OVERLAY`) is merged in.
const OVERLAY_SHARE: usize = 16;
#[cfg(not(test))]
const MIN_OVERLAY: usize = 1 << 16;
/// Small in the unit tests, so they take both paths: overlay and merge.
#[cfg(test)]
const MIN_OVERLAY: usize = 8;

/// The index of every stored record's blocking keys.
#[derive(Default)]
pub(super) struct BlockIndex {
    ids: RecordIds,
    /// `[key hash (2 words), record id]`.
    keys: Postings<3>,
    /// `[family hash (2), carrier key hash (2), record id]`.
    families: Postings<5>,
    family_of: Option<fn(&str) -> Option<&str>>,
}

/// What one commit changes in the index, collected while its sled writes are made and applied
/// once they all succeeded.
#[derive(Default)]
pub(super) struct Changes {
    keys: Edits<3>,
    families: Edits<5>,
    /// Ids of records deleted by the commit (and not put again after).
    released: std::collections::HashSet<u32>,
}

/// Entries added (`true`) or removed, in the order the commit made them: the last edit of an
/// entry is what holds (a record put and then deleted in one run leaves no entries).
#[derive(Default)]
struct Edits<const N: usize>(Vec<([u32; N], bool)>);

impl BlockIndex {
    /// An empty index; `family_of` names the family of a key that has one (the matcher's
    /// name carriers).
    pub fn new(family_of: fn(&str) -> Option<&str>) -> Self {
        BlockIndex { family_of: Some(family_of), ..Default::default() }
    }

    /// The index of `lists`: each record's key (as the store writes it) and its blocking keys.
    pub fn build<E>(
        family_of: fn(&str) -> Option<&str>,
        lists: impl Iterator<Item = Result<(Vec<u8>, Vec<String>), E>>,
    ) -> Result<Self, E> {
        let mut index = BlockIndex::new(family_of);
        let (mut keys, mut families) = (Chunks::default(), Chunks::default());
        for item in lists {
            let (key, blocks) = item?;
            let id = index.ids.id(&key);
            for block in &blocks {
                let (key, family) = entries(index.family_of, block, id);
                keys.push(key);
                families.extend(family);
            }
        }
        index.keys = Postings::of(keys.sorted());
        index.families = Postings::of(families.sorted());
        index.ids.shrink();
        Ok(index)
    }

    /// Notes in `changes` that the record `key` now holds `new` instead of `old`.
    pub fn change(&mut self, changes: &mut Changes, key: &[u8], old: &[String], new: &[String]) {
        let id = self.ids.id(key);
        changes.released.remove(&id);
        for b in old.iter().filter(|b| !new.contains(b)) {
            self.edit(changes, b, id, false);
        }
        for b in new.iter().filter(|b| !old.contains(b)) {
            self.edit(changes, b, id, true);
        }
    }

    /// Notes in `changes` that the record `key`, which held `old`, is gone.
    pub fn delete(&mut self, changes: &mut Changes, key: &[u8], old: &[String]) {
        let Some(id) = self.ids.get(key) else { return };
        for b in old {
            self.edit(changes, b, id, false);
        }
        changes.released.insert(id);
    }

    fn edit(&self, changes: &mut Changes, block: &str, id: u32, add: bool) {
        let (key, family) = entries(self.family_of, block, id);
        changes.keys.0.push((key, add));
        changes.families.0.extend(family.map(|f| (f, add)));
    }

    /// Applies what a commit changed (after its sled writes succeeded).
    pub fn apply(&mut self, changes: Changes) {
        self.keys.apply(changes.keys);
        self.families.apply(changes.families);
        for id in changes.released {
            self.ids.release(id);
        }
    }

    /// The records holding `block`, in key order; `None` when more than `most` do.
    pub fn records(&self, block: &str, most: usize) -> Option<Vec<&[u8]>> {
        let prefix = words(hash(block));
        if self.keys.surely_more(prefix, most) {
            return None;
        }
        let mut out = Vec::new();
        for e in self.keys.with_prefix(prefix) {
            if out.len() == most {
                return None;
            }
            out.extend(self.ids.key(e[2]));
        }
        out.sort_unstable();
        Some(out)
    }

    /// The most distinct carrier keys of `family` that the records of one source hold, counted
    /// no further than `cap + 1`. A record's source is its key up to the first 0 byte.
    pub fn most_per_source(&self, family: &str, cap: u32) -> u32 {
        let mut per_source: HashMap<&[u8], ([u32; 2], u32)> = HashMap::new();
        let mut most = 0;
        for e in self.families.with_prefix(words(hash(family))) {
            let Some(key) = self.ids.key(e[4]) else { continue };
            let source = key.split(|b| *b == 0).next().unwrap_or_default();
            let (last, n) = per_source.entry(source).or_insert(([u32::MAX; 2], 0));
            // Entries are sorted by carrier within a family: a new carrier of this source.
            if *last != [e[2], e[3]] || *n == 0 {
                *last = [e[2], e[3]];
                *n += 1;
                most = most.max(*n);
                if most > cap {
                    break;
                }
            }
        }
        most
    }

    /// Whether the store holds the record `key` (as the store writes it).
    pub fn holds(&self, key: &[u8]) -> bool {
        self.ids.get(key).is_some()
    }

    /// The key of the record whose derived id (`RecordKey::group_id`) has these bits.
    pub fn derived(&self, bits: u64) -> Option<&[u8]> {
        self.ids.by_derived.get(&bits).and_then(|id| self.ids.key(*id))
    }

    /// Index entries held (keys, then carrier families): for tests and logs.
    pub fn entries(&self) -> (usize, usize) {
        (self.keys.len(), self.families.len())
    }
}

/// The entries of record `id` holding `block`: its key entry, and its family entry when the
/// key has a family.
fn entries(family_of: Option<fn(&str) -> Option<&str>>, block: &str, id: u32) -> ([u32; 3], Option<[u32; 5]>) {
    let [a, b] = words(hash(block));
    let family = family_of.and_then(|f| f(block)).map(|f| {
        let [c, d] = words(hash(f));
        [c, d, a, b, id]
    });
    ([a, b, id], family)
}

/// Entries collected at open, in chunks of `CHUNK` so that collecting 18 million never holds
/// a doubled array (a `Vec` grown by pushes reaches twice what it holds, and three times
/// while it moves): `sorted` copies them into one array of exactly their size, freeing each
/// chunk as it goes.
struct Chunks<const N: usize>(Vec<Vec<[u32; N]>>);

const CHUNK: usize = 1 << 16;

impl<const N: usize> Default for Chunks<N> {
    fn default() -> Self {
        Chunks(Vec::new())
    }
}

impl<const N: usize> Chunks<N> {
    fn extend(&mut self, entries: impl IntoIterator<Item = [u32; N]>) {
        for e in entries {
            self.push(e);
        }
    }

    fn push(&mut self, e: [u32; N]) {
        match self.0.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(e),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(e);
                self.0.push(chunk);
            }
        }
    }

    /// Every entry once, sorted, in an array of exactly their size.
    fn sorted(self) -> Vec<[u32; N]> {
        let mut all = Vec::with_capacity(self.0.iter().map(Vec::len).sum());
        for chunk in self.0 {
            all.extend_from_slice(&chunk);
        }
        all.sort_unstable();
        all.dedup();
        all.shrink_to_fit();
        all
    }
}

/// A sorted array of entries plus an overlay of changes not yet merged into it.
#[derive(Default)]
struct Postings<const N: usize> {
    base: Vec<[u32; N]>,
    /// Where each bucket of `base` starts, rebuilt with it.
    dir: Directory,
    added: BTreeSet<[u32; N]>,
    /// Entries of `base` taken out.
    removed: BTreeSet<[u32; N]>,
}

impl<const N: usize> Postings<N> {
    /// Postings of these entries (sorted, distinct), with no overlay.
    fn of(base: Vec<[u32; N]>) -> Self {
        Postings { dir: Directory::of(&base), base, added: BTreeSet::new(), removed: BTreeSet::new() }
    }

    fn len(&self) -> usize {
        self.base.len() + self.added.len() - self.removed.len()
    }

    /// Applies `edits` in order: into the overlay when it stays small, else merged into the
    /// sorted entries with the overlay.
    fn apply(&mut self, edits: Edits<N>) {
        let mut edits = edits.0;
        let overlay = self.added.len() + self.removed.len() + edits.len();
        if overlay <= MIN_OVERLAY.max(self.base.len() / OVERLAY_SHARE) {
            for (e, add) in edits {
                let in_base = self.base[self.dir.bucket(head(&e))].binary_search(&e).is_ok();
                if add && !self.removed.remove(&e) && !in_base {
                    self.added.insert(e);
                }
                if !add && !self.added.remove(&e) && in_base {
                    self.removed.insert(e);
                }
            }
            return;
        }
        let removed: Vec<_> = std::mem::take(&mut self.removed).into_iter().collect();
        let added: Vec<_> = std::mem::take(&mut self.added).into_iter().collect();
        let base = merged(std::mem::take(&mut self.base), &removed, added);
        // The last edit of each entry: a stable sort keeps each entry's edits in order.
        edits.sort_by_key(|a| a.0);
        edits.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 = later.1;
            }
            same
        });
        let remove: Vec<[u32; N]> = edits.iter().filter(|e| !e.1).map(|e| e.0).collect();
        let add: Vec<[u32; N]> = edits.into_iter().filter(|e| e.1).map(|e| e.0).collect();
        self.base = merged(base, &remove, add);
        self.dir = Directory::of(&self.base);
    }

    /// Where the sorted entries whose first two words are `prefix` lie: in the directory's
    /// bucket of it, then by binary search within the bucket (one integer comparison per
    /// probe: comparing slices calls memcmp, a tenth of a large import's time once).
    fn span(&self, prefix: [u32; 2]) -> std::ops::Range<usize> {
        let want = (u64::from(prefix[0]) << 32) | u64::from(prefix[1]);
        let bucket = self.dir.bucket(want);
        let entries = &self.base[bucket.clone()];
        let lo = entries.partition_point(|e| head(e) < want);
        let len = entries[lo..].partition_point(|e| head(e) == want);
        bucket.start + lo..bucket.start + lo + len
    }

    /// Whether more than `most` entries surely start with `prefix`, known without reading them.
    fn surely_more(&self, prefix: [u32; 2], most: usize) -> bool {
        self.span(prefix).len().saturating_sub(self.removed.len()) > most
    }

    /// Every entry whose first two words are `prefix` (a hash), in order.
    fn with_prefix(&self, prefix: [u32; 2]) -> impl Iterator<Item = &[u32; N]> + '_ {
        let span = self.span(prefix);
        let (mut from, mut to) = ([0; N], [u32::MAX; N]);
        from[..2].copy_from_slice(&prefix);
        to[..2].copy_from_slice(&prefix);
        let base = self.base[span].iter().filter(|e| self.removed.is_empty() || !self.removed.contains(*e));
        base.chain(self.added.range(from..=to))
    }
}

/// An entry's first two words (a key's hash), as one number.
fn head<const N: usize>(e: &[u32; N]) -> u64 {
    (u64::from(e[0]) << 32) | u64::from(e[1])
}

/// The start in the sorted entries of each bucket of heads (their top `bits` bits), about
/// eight entries a bucket: a lookup reads one directory slot and a bucket, where a binary
/// search over the whole array (18 million entries at a million listings, 216 MB) took two
/// dozen cache misses, most of the matcher's time at that size (BENCHMARKS.md, "Store formats 4 and 5").
#[derive(Default)]
struct Directory {
    /// 64 minus the bits of a bucket number.
    shift: u32,
    /// `starts[b]..starts[b + 1]` is bucket `b`; empty when there are no entries.
    starts: Vec<u32>,
}

impl Directory {
    fn of<const N: usize>(base: &[[u32; N]]) -> Self {
        let bits = base.len().max(1).ilog2().saturating_sub(3).clamp(1, 28);
        let shift = 64 - bits;
        let mut starts = Vec::with_capacity((1 << bits) + 1);
        let mut i = 0;
        for bucket in 0..1u64 << bits {
            while i < base.len() && head(&base[i]) >> shift < bucket {
                i += 1;
            }
            starts.push(u32::try_from(i).expect("fewer than 2^32 index entries"));
        }
        starts.push(u32::try_from(base.len()).expect("fewer than 2^32 index entries"));
        Directory { shift, starts }
    }

    /// The range of the entries whose head is in `head`'s bucket.
    fn bucket(&self, head: u64) -> std::ops::Range<usize> {
        if self.starts.is_empty() {
            return 0..0;
        }
        let b = (head >> self.shift) as usize;
        self.starts[b] as usize..self.starts[b + 1] as usize
    }
}

/// `base` (sorted, distinct) without `minus` (sorted), with `plus` (sorted, distinct) merged in.
fn merged<const N: usize>(base: Vec<[u32; N]>, minus: &[[u32; N]], plus: Vec<[u32; N]>) -> Vec<[u32; N]> {
    if minus.is_empty() && plus.is_empty() {
        return base;
    }
    if base.is_empty() {
        // Collected through a filter, `plus` may hold up to twice its entries' room.
        let mut plus = plus;
        plus.shrink_to_fit();
        return plus;
    }
    let mut out = Vec::with_capacity(base.len() + plus.len());
    let mut minus = minus.iter().peekable();
    let mut plus = plus.into_iter().peekable();
    for e in base {
        while minus.next_if(|m| **m < e).is_some() {}
        if minus.next_if(|m| **m == e).is_some() {
            continue;
        }
        while let Some(p) = plus.next_if(|p| *p < e) {
            out.push(p);
        }
        plus.next_if(|p| *p == e);
        out.push(e);
    }
    out.extend(plus);
    out
}

/// Record keys <-> dense ids, and the id derived from each record (`RecordKey::group_id`)
/// -> its dense id; a deleted record's id is reused. Since store format 5 every stored record
/// has a key list (empty when it has no keys), so this holds every record.
///
/// The keys' bytes lie end to end in one arena, each id naming its span, and the key -> id
/// map holds only ids (hashed by the bytes they name): about 60 bytes a record, where a key
/// of its own (`Arc<[u8]>`) held in a `Vec` and a `HashMap` took about 120. A released key's
/// bytes stay until they are half the arena, which is then rewritten without them.
#[derive(Default)]
struct RecordIds {
    arena: Vec<u8>,
    /// By id: where its key lies in `arena` (`FREE` for an id on the free list).
    spans: Vec<Span>,
    by_key: hashbrown::HashTable<u32>,
    hasher: std::hash::RandomState,
    by_derived: HashMap<u64, u32>,
    free: Vec<u32>,
    /// Bytes of `arena` that no key holds any more.
    garbage: usize,
}

#[derive(Clone, Copy)]
struct Span {
    start: u64,
    len: u32,
}

/// The span of an id on the free list.
const FREE: Span = Span { start: 0, len: u32::MAX };

impl RecordIds {
    fn id(&mut self, key: &[u8]) -> u32 {
        if let Some(id) = self.get(key) {
            return id;
        }
        let len = u32::try_from(key.len()).ok().filter(|&len| len != FREE.len).expect("a record key under 4 GiB");
        let span = Span { start: self.arena.len() as u64, len };
        self.arena.extend_from_slice(key);
        let id = match self.free.pop() {
            Some(id) => {
                self.spans[id as usize] = span;
                id
            }
            None => {
                self.spans.push(span);
                u32::try_from(self.spans.len() - 1).expect("fewer than 2^32 records")
            }
        };
        self.by_derived.insert(derived_bits(key), id);
        let (arena, spans, hasher) = (&self.arena, &self.spans, &self.hasher);
        let hash = hasher.hash_one(key);
        self.by_key.insert_unique(hash, id, |&other| hasher.hash_one(bytes(arena, spans[other as usize])));
        id
    }

    fn get(&self, key: &[u8]) -> Option<u32> {
        let hash = self.hasher.hash_one(key);
        self.by_key.find(hash, |&id| self.key(id) == Some(key)).copied()
    }

    fn key(&self, id: u32) -> Option<&[u8]> {
        let span = *self.spans.get(id as usize)?;
        (span.len != FREE.len).then(|| bytes(&self.arena, span))
    }

    fn release(&mut self, id: u32) {
        let Some(key) = self.key(id) else { return };
        let hash = self.hasher.hash_one(key);
        let bits = derived_bits(key);
        if let Ok(entry) = self.by_key.find_entry(hash, |&other| other == id) {
            entry.remove();
        }
        if self.by_derived.get(&bits) == Some(&id) {
            self.by_derived.remove(&bits);
        }
        self.garbage += self.spans[id as usize].len as usize;
        self.spans[id as usize] = FREE;
        self.free.push(id);
        if self.garbage > self.arena.len() / 2 && self.garbage > 1 << 16 {
            self.compact();
        }
    }

    /// Gives back the room that growing by pushes left (once built at open).
    fn shrink(&mut self) {
        self.arena.shrink_to_fit();
        self.spans.shrink_to_fit();
    }

    /// Rewrites the arena with only the keys held (ids and the map stay as they are).
    fn compact(&mut self) {
        let mut arena = Vec::with_capacity(self.arena.len() - self.garbage);
        for span in self.spans.iter_mut().filter(|s| s.len != FREE.len) {
            let start = arena.len() as u64;
            arena.extend_from_slice(bytes(&self.arena, *span));
            span.start = start;
        }
        self.arena = arena;
        self.garbage = 0;
    }
}

fn bytes(arena: &[u8], span: Span) -> &[u8] {
    &arena[span.start as usize..span.start as usize + span.len as usize]
}

/// The bits of the id derived from the record stored under `key` (`source \0 external`).
fn derived_bits(key: &[u8]) -> u64 {
    let mut text = key.to_vec();
    if let Some(sep) = text.iter_mut().find(|b| **b == 0) {
        *sep = b':';
    }
    crate::model::derived_id_bits(&text)
}

fn hash(s: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(s.as_bytes());
    h.finish()
}

fn words(h: u64) -> [u32; 2] {
    [(h >> 32) as u32, h as u32]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family(key: &str) -> Option<&str> {
        key.strip_prefix("nm:").and_then(|rest| rest.find('|')).map(|i| &key[..i + 4])
    }

    fn keys(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    fn found(index: &BlockIndex, block: &str) -> Vec<String> {
        let found = index.records(block, usize::MAX).unwrap();
        found.into_iter().map(|k| String::from_utf8_lossy(k).into_owned()).collect()
    }

    /// The same edits applied one commit at a time (the overlay) and merged (many at once, as
    /// a first import) answer the same, and both as a plain map of the final lists would.
    #[test]
    fn overlay_and_merged_entries_answer_alike() {
        let mut small = BlockIndex::new(family);
        let mut changes = Changes::default();
        let mut lists = Default::default();
        type Lists = std::collections::BTreeMap<String, Vec<String>>;
        fn edit(index: &mut BlockIndex, changes: &mut Changes, lists: &mut Lists, rec: &str, new: Vec<String>) {
            let old = lists.get(rec).cloned().unwrap_or_default();
            index.change(changes, rec.as_bytes(), &old, &new);
            lists.insert(rec.to_owned(), new);
        }
        // Record i of source i % 3 holds k(i % spread), "all" and one of four carriers.
        let fill = |index: &mut BlockIndex,
                    changes: &mut Changes,
                    lists: &mut Lists,
                    records: &mut dyn Iterator<Item = usize>,
                    spread: usize| {
            for i in records {
                let rec = format!("s{}\0r{i}", i % 3);
                edit(
                    index,
                    changes,
                    lists,
                    &rec,
                    keys(&[&format!("k{}", i % spread), "all", &format!("nm:x|{}", i % 4)]),
                );
            }
        };
        fill(&mut small, &mut changes, &mut lists, &mut (0..200), 7);
        small.apply(std::mem::take(&mut changes));
        // Later commits: one record changes its keys, one leaves.
        edit(&mut small, &mut changes, &mut lists, "s0\0r0", keys(&["k99"]));
        small.apply(std::mem::take(&mut changes));
        small.delete(&mut changes, b"s1\0r1", &keys(&["k1", "all", "nm:x|1"]));
        small.apply(std::mem::take(&mut changes));
        lists.remove("s1\0r1");
        assert!(!small.keys.added.is_empty() && !small.keys.removed.is_empty(), "the last two went to the overlay");
        // A larger commit merges the overlay and itself into the sorted entries.
        fill(&mut small, &mut changes, &mut lists, &mut (100..200).step_by(2), 5);
        small.apply(std::mem::take(&mut changes));
        assert!(small.keys.added.is_empty() && small.keys.removed.is_empty(), "merged");

        // Built at open from the stored lists, one of them holding a key twice.
        let stored = lists.iter().map(|(k, v)| {
            let mut v = v.clone();
            if k == "s0\0r0" {
                v.extend(v.clone());
            }
            Ok((k.as_bytes().to_vec(), v))
        });
        let big = BlockIndex::build::<()>(family, stored).unwrap();
        for block in ["k0", "k1", "k99", "all", "nm:x|0", "none"] {
            let want: Vec<String> =
                lists.iter().filter(|(_, v)| v.iter().any(|b| b == block)).map(|(k, _)| k.clone()).collect();
            assert_eq!(found(&small, block), want, "{block} one commit at a time");
            assert_eq!(found(&big, block), want, "{block} built at once");
        }
        assert_eq!(small.entries(), big.entries());
        assert_eq!(small.records("all", 10), None, "more than 10 hold 'all'");
        // Family "nm:x|": every source holds all four carriers nm:x|0..3 (each still held by
        // other records of the source after the change and the deletion).
        assert_eq!(small.most_per_source("nm:x|", 10), 4);
        assert_eq!(small.most_per_source("nm:x|", 2), 3, "counting stops past the cap");
        assert_eq!(big.most_per_source("nm:x|", 10), 4, "and the index built at once counts alike");
        assert_eq!(big.most_per_source("nm:y|", 10), 0);
    }

    /// Record keys keep their ids through releases, reuse and the arena's compaction.
    #[test]
    fn record_ids_survive_release_reuse_and_compaction() {
        let key = |i: u32| format!("src{}\0record-{i:06}", i % 7).into_bytes();
        let mut ids = RecordIds::default();
        let first: Vec<u32> = (0..10_000).map(|i| ids.id(&key(i))).collect();
        assert_eq!(first, (0..10_000).collect::<Vec<_>>(), "dense ids in order");
        assert_eq!(ids.id(&key(42)), 42, "a key held keeps its id");
        for i in (0..10_000).filter(|i| i % 5 != 0) {
            ids.release(i);
        }
        let live: usize = (0..10_000).filter(|i| i % 5 == 0).map(|i| key(i).len()).sum();
        assert_eq!(ids.arena.len() - ids.garbage, live, "the garbage is counted");
        let before: usize = (0..10_000).map(|i| key(i).len()).sum();
        assert!(
            ids.arena.len() <= 2 * live + (1 << 16) && ids.arena.len() < before,
            "compacted: {} bytes",
            ids.arena.len()
        );
        for i in 0..10_000u32 {
            let held = i % 5 == 0;
            assert_eq!(ids.get(&key(i)), held.then_some(i), "key {i}");
            assert_eq!(ids.key(i), held.then(|| key(i)).as_deref(), "id {i}");
            assert_eq!(ids.by_derived.get(&derived_bits(&key(i))), held.then_some(&i), "derived id of {i}");
        }
        let again = ids.id(b"new\0one");
        assert!(again % 5 != 0 && again < 10_000, "a released id is reused: {again}");
        assert_eq!(ids.key(again), Some(&b"new\0one"[..]));
        ids.release(again);
        ids.release(again);
        assert_eq!(ids.get(b"new\0one"), None, "released twice, gone once");
    }

    #[test]
    fn the_directory_finds_every_entry_in_its_bucket() {
        for n in [0usize, 1, 7, 1000, 100_000] {
            // Spread over the whole range of heads, with runs of equal heads.
            let mut base: Vec<[u32; 3]> = (0..n as u64)
                .map(|i| {
                    let h = (i / 3).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                    [(h >> 32) as u32, h as u32, i as u32]
                })
                .collect();
            base.sort_unstable();
            let dir = Directory::of(&base);
            assert!(dir.starts.len() <= (n / 4).max(3), "{n}: a small directory ({} slots)", dir.starts.len());
            for (i, e) in base.iter().enumerate() {
                assert!(dir.bucket(head(e)).contains(&i), "{n}: entry {i} in its bucket");
            }
            let postings = Postings { base: base.clone(), dir, ..Default::default() };
            for e in base.iter().step_by(97) {
                let want = base.iter().filter(|x| head(x) == head(e)).count();
                assert_eq!(postings.span([e[0], e[1]]).len(), want, "{n}: every entry of a head");
            }
            assert_eq!(postings.span([7, 7]).len(), 0);
        }
    }

    /// A record put and deleted in one commit leaves nothing, by either path.
    #[test]
    fn the_last_edit_of_a_commit_holds() {
        for records in [1, 100] {
            let mut index = BlockIndex::new(family);
            let mut c = Changes::default();
            for i in 0..records {
                index.change(&mut c, format!("a\0{i}").as_bytes(), &[], &keys(&["k", "j"]));
            }
            index.delete(&mut c, b"a\x000", &keys(&["k", "j"]));
            index.apply(c);
            assert_eq!(found(&index, "k").len(), records - 1, "{records} records");
            assert!(!found(&index, "j").contains(&"a\x000".to_owned()));
        }
    }

    /// A record deleted and put again in one commit keeps its id and its new keys.
    #[test]
    fn a_record_deleted_and_put_again_in_one_commit_stays() {
        let mut index = BlockIndex::new(family);
        let mut c = Changes::default();
        index.change(&mut c, b"a\x001", &[], &keys(&["k"]));
        index.apply(std::mem::take(&mut c));
        index.delete(&mut c, b"a\x001", &keys(&["k"]));
        index.change(&mut c, b"a\x001", &[], &keys(&["j"]));
        index.apply(c);
        assert_eq!(found(&index, "k"), Vec::<String>::new());
        assert_eq!(found(&index, "j"), vec!["a\x001".to_owned()]);
    }

    #[test]
    fn a_deleted_records_id_is_reused_without_its_old_keys() {
        let mut index = BlockIndex::new(family);
        let mut c = Changes::default();
        index.change(&mut c, b"a\x001", &[], &keys(&["k"]));
        index.apply(std::mem::take(&mut c));
        index.delete(&mut c, b"a\x001", &keys(&["k"]));
        index.apply(std::mem::take(&mut c));
        index.change(&mut c, b"b\x002", &[], &keys(&["j"]));
        index.apply(c);
        assert_eq!(found(&index, "k"), Vec::<String>::new());
        assert_eq!(found(&index, "j"), vec!["b\x002".to_owned()]);
    }
}
