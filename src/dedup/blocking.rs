//! Blocking keys: which records are ever compared.
//!
//! Two records are compared only when they share a key, and every key includes a meeting slot
//! (weekday and start time), which a match requires anyway. Within a slot, keys come from the
//! street address, the postcode, the locality, a ~1 km grid cell around the point, the conference
//! id, the group's email or phone, and name words. A name word alone is not local ("Big Book" meets
//! on Monday at 19:00 in hundreds of towns), so name keys are scoped to an area: the locality, the
//! postcode or a ~10 km cell around the point, whichever the record has; a record with none of them
//! meets other such records by name. Candidate pairs so grow with the data, not with its square,
//! however many regions the store holds.
//!
//! The keys are stored with each record (ingest finds neighbours through them), so changing
//! them means re-deriving the stored ones: bump `SCHEME`, and the store re-derives them on
//! the next start.

use super::features::Features;

/// Names the key scheme below; the store re-derives every record's keys when it changes.
pub const SCHEME: &str = "5: name keys scoped by area, contact keys, assembly keys, name carrier keys";

/// Degrees of the name-scope grid cell and the half-width of the box whose corner cells a
/// point belongs to: points within `AREA_BOX` degrees on both axes (about 4.4 km north-south,
/// 3 km east-west at 45 degrees) always share a cell, so every pair within the matcher's
/// "nearby" distance meets by name. `2 * AREA_BOX` must stay below `AREA_CELL`.
const AREA_CELL: f64 = 0.1;
const AREA_BOX: f64 = 0.04;

/// The keys of one record, sorted and without repeats.
pub fn keys(f: &Features) -> Vec<String> {
    let mut out: Vec<String> = f.slots.iter().flat_map(|slot| slot_keys(f, slot)).collect();
    out.sort();
    out.dedup();
    out
}

/// The keys of one record for one of its meeting slots (none for an unknown time).
pub fn slot_keys(f: &Features, slot: &str) -> Vec<String> {
    let mut out = Vec::new();
    if slot == "unknown" {
        return out;
    }
    let areas = areas(f);
    for w in f.name.iter().take(3) {
        for a in &areas {
            out.push(format!("{slot}|n|{w}|{a}"));
        }
    }
    if let Some(s) = &f.street {
        out.push(format!("{slot}|a|{s}"));
    }
    if let Some(p) = &f.postcode {
        out.push(format!("{slot}|p|{p}"));
    }
    if let Some(l) = &f.locality {
        out.push(format!("{slot}|l|{l}"));
    }
    if let Some(c) = &f.conference {
        out.push(format!("{slot}|c|{c}"));
    }
    // A website is often an intergroup's or a charity's, shared by hundreds of groups: it
    // counts as evidence between records compared anyway, but is no key of its own.
    for c in f.contacts.iter().filter(|c| !c.starts_with("web:")) {
        out.push(format!("{slot}|e|{c}"));
    }
    if let Some(point) = f.point {
        // The cells of the four corners of a ~500 m box: close points always share one.
        for cell in corner_cells(point, 0.0025, 0.01) {
            out.push(format!("{slot}|g|{cell}"));
        }
    }
    out
}

/// The areas a record's name keys are scoped to; "-" when it names none.
fn areas(f: &Features) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(l) = &f.locality {
        out.push(format!("l:{l}"));
    }
    if let Some(p) = &f.postcode {
        out.push(format!("p:{p}"));
    }
    if let Some(point) = f.point {
        out.extend(corner_cells(point, AREA_BOX, AREA_CELL).map(|c| format!("g:{c}")));
    }
    if out.is_empty() {
        out.push("-".to_owned());
    }
    out
}

/// The grid cells (of `cell` degrees) holding the corners of a box of half-width `half`
/// around the point. Two points within `half` on both axes share at least one of them when
/// `2 * half < cell`.
fn corner_cells((lat, lon): (f64, f64), half: f64, cell: f64) -> impl Iterator<Item = String> {
    let at = move |v: f64| (v / cell).floor() as i64;
    let mut cells = [(-half, -half), (-half, half), (half, -half), (half, half)]
        .map(|(dl, dn)| (at(lat + dl), at(lon + dn)))
        .to_vec();
    cells.sort_unstable();
    cells.dedup();
    cells.into_iter().map(|(a, b)| format!("{a}:{b}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::testing::features;

    fn share(a: &Features, b: &Features) -> bool {
        let kb = keys(b);
        keys(a).iter().any(|k| kb.contains(k))
    }

    #[test]
    fn the_same_name_in_two_towns_is_never_compared() {
        let a = features("Big Book Study", Some("Media"), None);
        let b = features("Big Book Study", Some("Chester"), None);
        assert!(!share(&a, &b));
        assert!(share(&a, &features("Big Book Study", Some("Media"), None)));
    }

    #[test]
    fn points_a_few_kilometres_apart_meet_by_name_wherever_the_cell_edges_fall() {
        // 0.03 degrees apart on both axes, straddling a cell edge (39.9 / -75.3).
        let a = features("Big Book Study", None, Some((39.885, -75.285)));
        let b = features("Big Book Study", None, Some((39.915, -75.315)));
        assert!(share(&a, &b));
        let far = features("Big Book Study", None, Some((40.3, -75.3)));
        assert!(!share(&a, &far));
    }
}
