//! Filtered, paginated group queries answered from the indexes, never by scanning all groups.
//!
//! Each filter facet gives a sorted id set from index prefix scans; the sets intersect; text
//! matches name-token prefixes; `near` scans the geo cells covering the radius at a level
//! chosen by the radius, ranks by distance and pages by offset. Without any filter the page
//! is read straight from the `groups` tree in id order.

use std::collections::BTreeSet;

use anyhow::Context;
use base64::Engine;
use importers::{Attendance, GroupKind, Topic, Weekday};

use super::{index, Store, Trees};
use crate::model::{haversine_km, StoredGroup};

/// What a client asked for.
#[derive(Debug, Clone, Default)]
pub struct GroupQuery {
    pub topics: Vec<Topic>,
    pub kinds: Vec<GroupKind>,
    pub attendance: Vec<Attendance>,
    pub weekdays: Vec<Weekday>,
    /// Words that must begin words of the name.
    pub text: Option<String>,
    pub near: Option<Near>,
    pub first: usize,
    pub after: Option<Cursor>,
}

#[derive(Debug, Clone, Copy)]
pub struct Near {
    pub latitude: f64,
    pub longitude: f64,
    pub radius_km: f64,
}

/// Where a page starts: after a group id (id order) or after an offset (distance order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    After(String),
    Offset(usize),
}

impl Cursor {
    pub fn encode(&self) -> String {
        let raw = match self {
            Cursor::After(id) => format!("id:{id}"),
            Cursor::Offset(n) => format!("off:{n}"),
        };
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).ok()?;
        let raw = String::from_utf8(raw).ok()?;
        if let Some(id) = raw.strip_prefix("id:") {
            return Some(Cursor::After(id.to_owned()));
        }
        raw.strip_prefix("off:")?.parse().ok().map(Cursor::Offset)
    }
}

/// One page of results.
#[derive(Debug, Clone)]
pub struct GroupPage {
    pub total: usize,
    pub items: Vec<PageItem>,
    pub has_next: bool,
}

#[derive(Debug, Clone)]
pub struct PageItem {
    pub group: StoredGroup,
    pub cursor: Cursor,
    pub distance_km: Option<f64>,
}

/// The most geo cells one query scans before it moves to a coarser level.
const MAX_CELLS: i64 = 64;

pub(crate) fn run(store: &Store, t: &Trees, q: &GroupQuery) -> anyhow::Result<GroupPage> {
    let mut set: Option<BTreeSet<String>> = None;
    let facet = |name: &str, values: Vec<&str>| -> anyhow::Result<Option<BTreeSet<String>>> {
        if values.is_empty() {
            return Ok(None);
        }
        let mut ids = BTreeSet::new();
        for v in values {
            ids.extend(scan_ids(&t.index, &index::prefix(name, v))?);
        }
        Ok(Some(ids))
    };
    let facets = [
        facet("t", q.topics.iter().map(|t| t.as_str()).collect())?,
        facet("k", q.kinds.iter().map(|k| index::kind_name(*k)).collect())?,
        facet("a", q.attendance.iter().map(|a| index::attendance_name(*a)).collect())?,
        facet("w", q.weekdays.iter().map(|w| w.as_str()).collect())?,
    ];
    for ids in facets.into_iter().flatten() {
        set = Some(intersect(set, ids));
    }
    if let Some(text) = &q.text {
        for tok in index::name_tokens(text) {
            set = Some(intersect(set, scan_ids(&t.index, &index::token_prefix(&tok))?));
        }
    }
    if let Some(near) = &q.near {
        return near_page(store, t, q, near, set);
    }
    match set {
        Some(ids) => id_page(store, q, ids),
        None => all_page(store, t, q),
    }
}

fn id_page(store: &Store, q: &GroupQuery, ids: BTreeSet<String>) -> anyhow::Result<GroupPage> {
    let total = ids.len();
    let start: Box<dyn Iterator<Item = &String>> = match &q.after {
        Some(Cursor::After(after)) => {
            Box::new(ids.range::<String, _>((std::ops::Bound::Excluded(after), std::ops::Bound::Unbounded)))
        }
        _ => Box::new(ids.iter()),
    };
    let chosen: Vec<String> = start.take(q.first + 1).cloned().collect();
    finish_by_id(store, total, chosen, q.first)
}

fn all_page(store: &Store, t: &Trees, q: &GroupQuery) -> anyhow::Result<GroupPage> {
    let total = store.live_group_count()? as usize;
    let iter = match &q.after {
        Some(Cursor::After(after)) => {
            let mut from = after.as_bytes().to_vec();
            from.push(0);
            t.groups.range(from..)
        }
        _ => t.groups.iter(),
    };
    let mut chosen = Vec::new();
    for kv in iter.keys().take(q.first + 1) {
        chosen.push(String::from_utf8_lossy(&kv?).into_owned());
    }
    finish_by_id(store, total, chosen, q.first)
}

fn finish_by_id(store: &Store, total: usize, mut chosen: Vec<String>, first: usize) -> anyhow::Result<GroupPage> {
    let has_next = chosen.len() > first;
    chosen.truncate(first);
    let items = load(store, &chosen)?
        .into_iter()
        .map(|g| PageItem { cursor: Cursor::After(g.id.clone()), group: g, distance_km: None })
        .collect();
    Ok(GroupPage { total, items, has_next })
}

fn near_page(
    store: &Store,
    t: &Trees,
    q: &GroupQuery,
    near: &Near,
    filter: Option<BTreeSet<String>>,
) -> anyhow::Result<GroupPage> {
    let mut hits: Vec<(f64, String)> = Vec::new();
    for prefix in covering_cells(near) {
        for kv in t.index.scan_prefix(&prefix) {
            let (k, v) = kv?;
            let Some(id) = index::id_of(&k) else { continue };
            if filter.as_ref().is_some_and(|f| !f.contains(&id)) {
                continue;
            }
            let Some((lat, lon)) = index::unpack_point(&v) else { continue };
            let d = haversine_km(near.latitude, near.longitude, lat, lon);
            if d <= near.radius_km {
                hits.push((d, id));
            }
        }
    }
    hits.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    hits.dedup_by(|a, b| a.1 == b.1);
    let total = hits.len();
    let offset = match q.after {
        Some(Cursor::Offset(n)) => n,
        _ => 0,
    };
    let page: Vec<(f64, String)> = hits.into_iter().skip(offset).take(q.first + 1).collect();
    let has_next = page.len() > q.first;
    let page = &page[..page.len().min(q.first)];
    let ids: Vec<String> = page.iter().map(|(_, id)| id.clone()).collect();
    let groups = load(store, &ids)?;
    let items = groups
        .into_iter()
        .zip(page)
        .enumerate()
        .map(|(i, (g, (d, _)))| PageItem { group: g, cursor: Cursor::Offset(offset + i + 1), distance_km: Some(*d) })
        .collect();
    Ok(GroupPage { total, items, has_next })
}

/// Index prefixes of the cells covering the circle, at the finest level that stays under
/// `MAX_CELLS` cells.
fn covering_cells(near: &Near) -> Vec<Vec<u8>> {
    let dlat = near.radius_km / 110.574;
    let coslat = near.latitude.to_radians().cos().abs().max(0.01);
    let dlon = (near.radius_km / (111.320 * coslat)).min(180.0);
    let (lat0, lat1) = ((near.latitude - dlat).max(-90.0), (near.latitude + dlat).min(90.0));
    let (lon0, lon1) = (near.longitude - dlon, near.longitude + dlon);
    for level in (0..index::GEO_LEVELS.len()).rev() {
        let size = index::GEO_LEVELS[level];
        let columns_around = (360.0 / size) as i64;
        let (r0, c0) = index::cell(level, lat0, lon0);
        let (r1, c1) = index::cell(level, lat1, lon1);
        let count = (r1 - r0 + 1) * (c1 - c0 + 1);
        if count > MAX_CELLS && level > 0 {
            continue;
        }
        let mut out = Vec::new();
        for r in r0..=r1 {
            for c in c0..=c1.min(c0 + columns_around - 1) {
                let c = c.rem_euclid(columns_around);
                out.push(index::prefix(&format!("g{level}"), &format!("{r}:{c}")));
            }
        }
        out.sort();
        out.dedup();
        return out;
    }
    Vec::new()
}

fn load(store: &Store, ids: &[String]) -> anyhow::Result<Vec<StoredGroup>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let g = super::get_json::<StoredGroup>(&store.inner.trees.groups, id.as_bytes())?
            .with_context(|| format!("index names group {id}, which the store does not hold"))?;
        out.push(g);
    }
    Ok(out)
}

fn scan_ids(tree: &sled::Tree, prefix: &[u8]) -> anyhow::Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for kv in tree.scan_prefix(prefix) {
        let (k, _) = kv?;
        if let Some(id) = index::id_of(&k) {
            out.insert(id);
        }
    }
    Ok(out)
}

fn intersect(acc: Option<BTreeSet<String>>, ids: BTreeSet<String>) -> BTreeSet<String> {
    match acc {
        None => ids,
        Some(a) => a.intersection(&ids).cloned().collect(),
    }
}
