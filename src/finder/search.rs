//! `Index::search`: a request's bitmaps, its place, its page and its facet counts.
//!
//! Evaluation order: the base set is Status AND every non-facet list AND NOT the excluded
//! codes AND the start-time range, then `near` (a radius keeps the base's points within it,
//! plus the base's online groups when asked), then the text query (phrases are verified only
//! on what is left). The hits are the base AND the six faceted lists (topics, kinds,
//! attendance, weekdays, time of day, languages). `nearest` needs the hits to rank, so it
//! runs last, on the hits without `near`.
//!
//! Facets count, for each faceted field, every value over the base AND the other five faceted
//! lists (the field's own list left out), with `intersection_len`: no group is materialised.
//! For the nearest N, the base of the facets is the circle out to the N-th hit (every point
//! when fewer than N hit), plus online groups when asked: counts there may include ties at
//! that distance that the N hits left out.

use std::borrow::Cow;

use roaring::RoaringBitmap;

use super::facts::{start_key, Facet};
use super::filter::Query;
use super::page::{Cursor, Key, Page, Window};
use super::{FacetFields, Facets, Hit, Hits, Index, Near, Search, SearchError, Sort, Within};

/// The fields facets are counted for, in `Facets` order.
const FACETED: [Facet; 6] =
    [Facet::Topic, Facet::Kind, Facet::Attendance, Facet::Weekday, Facet::TimeOfDay, Facet::Language];

/// Up to this many hits, the nearest N are ranked from the hits' own points rather than by
/// growing rings of grid cells until enough of them turn up.
const DIRECT_NEAREST: u64 = 2048;

/// Below this share of the index (1 / N), an ID or NAME page sorts the hits instead of
/// walking the whole order from the cursor.
const SCAN_SHARE: u64 = 16;

impl Index {
    /// Runs one search. Errors are the caller's: bounds (`BadInput`) and cursors of another
    /// query or sort (`ForeignCursor`).
    pub fn search(&self, s: &Search) -> Result<Hits, SearchError> {
        let sort = s.validate()?;
        let q = s.filter.query();
        let fingerprint = s.fingerprint(&q);
        let after = s.after.as_deref().map(|c| Cursor::decode(c, "after", sort, fingerprint)).transpose()?;
        let before = s.before.as_deref().map(|c| Cursor::decode(c, "before", sort, fingerprint)).transpose()?;
        let (n, forward) = s.page_size();
        let window =
            Window { after: after.as_ref().map(Cursor::key), before: before.as_ref().map(Cursor::key), forward, n };
        let eval = self.evaluate(&q, s.near.as_ref(), s.facets);
        let page = self.page(&eval, sort, &window);
        let items: Vec<Hit> = page
            .items
            .iter()
            .map(|(key, ord)| {
                let distance_km = match (sort, s.near) {
                    (Sort::Distance, _) => (key.bucket == 0).then(|| f64::from_bits(key.dist)),
                    (_, Some(near)) => self.distance(*ord, near.latitude, near.longitude),
                    (_, None) => None,
                };
                let cursor = match s.skip_item_cursors {
                    true => String::new(),
                    false => Cursor::encode(sort, fingerprint, *key),
                };
                Hit { id: self.slot(*ord).id.to_string(), distance_km, cursor }
            })
            .collect();
        let cursor = |item: Option<&(Key<'_>, u32)>| item.map(|(key, _)| Cursor::encode(sort, fingerprint, *key));
        Ok(Hits {
            total: eval.hits.len(),
            start_cursor: cursor(page.items.first()),
            end_cursor: cursor(page.items.last()),
            items,
            has_next: page.has_next,
            has_previous: page.has_previous,
            facets: s.facets.then(|| self.facets(&eval, s.facet_fields)),
        })
    }

    pub(super) fn evaluate<'a>(&'a self, q: &Query, near: Option<&Near>, facets: bool) -> Eval<'a> {
        let rules = self.base_rules(q);
        let mut placed = Vec::new();
        let mut base = match near.copied() {
            // Near a point: the base is what the circle holds, so the whole index is never
            // copied; each point in it is checked against the rules.
            Some(Near { latitude, longitude, within: Within::Km(km), include_online }) => {
                placed = self.grid.within(latitude, longitude, km, |o| rules.admit(o));
                let mut base = placed_bits(&placed);
                if include_online {
                    let mut online = self.postings(Facet::Online).get("yes").clone();
                    rules.apply(&mut online);
                    base |= online;
                }
                base
            }
            _ => {
                let mut base = self.live.clone();
                rules.apply(&mut base);
                base
            }
        };
        if let Some(text) = &q.text {
            base = self.text_bits(text, base);
        }
        let lists: Vec<(Facet, Cow<'a, RoaringBitmap>)> = q
            .lists
            .iter()
            .filter(|(f, _)| FACETED.contains(f))
            .map(|(f, values)| (*f, self.list_bits(*f, values)))
            .collect();
        let mut hits = base.clone();
        for (_, bits) in &lists {
            hits &= &**bits;
        }
        if let Some(Near { latitude, longitude, within: Within::Nearest(n), include_online }) = near.copied() {
            placed = if hits.len() <= DIRECT_NEAREST {
                hits.iter().filter_map(|o| Some((o, self.distance(o, latitude, longitude)?))).collect()
            } else {
                self.grid.nearest(latitude, longitude, n, |o| hits.contains(o))
            };
            placed.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| self.slot(a.0).id.cmp(&self.slot(b.0).id)));
            placed.truncate(n);
            hits = self.around(&hits, &placed, include_online);
            if facets {
                let reach = if placed.len() == n { placed[n - 1].1 } else { f64::INFINITY };
                let circle = self.grid.within(latitude, longitude, reach, |o| base.contains(o));
                base = self.around(&base, &circle, include_online);
            }
        } else {
            placed.retain(|(o, _)| hits.contains(*o));
        }
        Eval { base, lists, hits, placed }
    }

    /// The placed ordinals, plus the online ones of `of` when asked.
    fn around(&self, of: &RoaringBitmap, placed: &[(u32, f64)], include_online: bool) -> RoaringBitmap {
        let mut out = placed_bits(placed);
        if include_online {
            out |= self.postings(Facet::Online).get("yes") & of;
        }
        out
    }

    /// What every group of the base must pass: live, the non-faceted lists, none of the
    /// excluded codes, a start in the range.
    fn base_rules(&self, q: &Query) -> BaseRules<'_> {
        let starts = q.starts.map(|range| {
            let starts = self.postings(Facet::Start);
            let ids = range.spans().into_iter().flat_map(|(lo, hi)| {
                let (lo, hi) = (start_key(lo), start_key(hi));
                starts
                    .range(std::ops::Bound::Included(&lo), std::ops::Bound::Included(&hi))
                    .map(|(_, id)| id)
                    .collect::<Vec<_>>()
            });
            starts.union(ids)
        });
        BaseRules {
            live: &self.live,
            lists: q
                .lists
                .iter()
                .filter(|(f, _)| !FACETED.contains(f))
                .map(|(facet, values)| self.list_bits(*facet, values))
                .collect(),
            excluded: q.exclude_codes.iter().map(|code| self.postings(Facet::Code).get(code)).collect(),
            starts,
        }
    }

    /// The groups under any of these values of a facet.
    fn list_bits(&self, facet: Facet, values: &[String]) -> Cow<'_, RoaringBitmap> {
        let postings = self.postings(facet);
        match values {
            [one] => Cow::Borrowed(postings.get(one)),
            many => Cow::Owned(postings.union(many.iter().filter_map(|v| postings.id(v)))),
        }
    }

    fn page<'a>(&'a self, eval: &Eval<'_>, sort: Sort, window: &Window<'_>) -> Page<'a> {
        let key = |text: &'a str| Key { bucket: 0, dist: 0, text };
        let large = eval.hits.len() * SCAN_SHARE >= self.live.len();
        match sort {
            Sort::Id if large => window.scan(&self.by_id, &eval.hits),
            Sort::Name if large => window.scan(&self.by_name, &eval.hits),
            Sort::Id => window.select(eval.hits.iter().map(|o| (key(&self.slot(o).id), o))),
            Sort::Name => window.select(eval.hits.iter().map(|o| (key(&self.slot(o).sort_name), o))),
            Sort::Distance => {
                let placed_bits = placed_bits(&eval.placed);
                let online = &eval.hits - &placed_bits;
                let by_place =
                    eval.placed.iter().map(|&(o, d)| (Key { bucket: 0, dist: d.to_bits(), text: &self.slot(o).id }, o));
                let online = online.into_iter().map(|o| (Key { bucket: 1, dist: 0, text: &self.slot(o).id }, o));
                window.select(by_place.chain(online))
            }
        }
    }

    pub(super) fn facets(&self, eval: &Eval<'_>, fields: FacetFields) -> Facets {
        let mut counted: [Vec<(String, u64)>; 6] = std::array::from_fn(|i| {
            let facet = FACETED[i];
            if !fields.0[i] {
                return Vec::new();
            }
            let mut base = eval.base.clone();
            for (_, bits) in eval.lists.iter().filter(|(f, _)| *f != facet) {
                base &= &**bits;
            }
            let mut counts: Vec<(String, u64)> = self
                .postings(facet)
                .iter()
                .map(|(value, bits)| (value.to_owned(), base.intersection_len(bits)))
                .filter(|(_, n)| *n > 0)
                .collect();
            counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            counts
        });
        let mut take = |i: usize| std::mem::take(&mut counted[i]);
        Facets {
            topics: take(0),
            kinds: take(1),
            attendance: take(2),
            weekdays: take(3),
            time_of_day: take(4),
            languages: take(5),
        }
    }
}

/// What a request's bitmaps came to.
pub(super) struct Eval<'a> {
    /// What facets count over: everything but the faceted lists.
    base: RoaringBitmap,
    lists: Vec<(Facet, Cow<'a, RoaringBitmap>)>,
    pub(super) hits: RoaringBitmap,
    /// Hits found by place, with their distances.
    placed: Vec<(u32, f64)>,
}

/// The ordinals of placed hits, as a bitmap (sorted first: appending is much cheaper than
/// inserting in the grid's order).
fn placed_bits(placed: &[(u32, f64)]) -> RoaringBitmap {
    let mut ords: Vec<u32> = placed.iter().map(|(o, _)| *o).collect();
    ords.sort_unstable();
    ords.dedup();
    RoaringBitmap::from_sorted_iter(ords).unwrap_or_default()
}

/// The conditions of a search's base, kept apart so that a point can be checked against them
/// one by one (`admit`) or a set narrowed by them all at once (`apply`).
struct BaseRules<'a> {
    live: &'a RoaringBitmap,
    lists: Vec<Cow<'a, RoaringBitmap>>,
    excluded: Vec<&'a RoaringBitmap>,
    starts: Option<RoaringBitmap>,
}

impl BaseRules<'_> {
    fn admit(&self, o: u32) -> bool {
        self.live.contains(o)
            && self.lists.iter().all(|bits| bits.contains(o))
            && !self.excluded.iter().any(|bits| bits.contains(o))
            && self.starts.as_ref().is_none_or(|bits| bits.contains(o))
    }

    fn apply(&self, bits: &mut RoaringBitmap) {
        *bits &= self.live;
        for list in &self.lists {
            *bits &= &**list;
        }
        for excluded in &self.excluded {
            *bits -= *excluded;
        }
        if let Some(starts) = &self.starts {
            *bits &= starts;
        }
    }
}
