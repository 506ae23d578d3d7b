//! The subscribers of one kind of event, indexed by where the groups they want can be, so an
//! event is judged only by the subscribers that could want it. A subscriber whose filter has a
//! radius (`near` within km: `finder::Area`) is filed under the cells of a grid that its
//! circle touches; an event at a point is judged by the subscribers filed under that point's
//! cell and by those that want groups anywhere; an event without a point (an online group) by
//! those that want groups anywhere and the radius ones that take online groups too. The
//! subscriber's own test still decides: the grid only leaves out those that cannot want it.

use std::collections::{HashMap, HashSet};

use crate::finder::Area;

/// A cell's side, in degrees of latitude and of longitude (about 28 km north to south).
const CELL_DEGREES: f64 = 0.25;
/// A circle over more cells than this is filed as wanting groups anywhere.
const MOST_CELLS: usize = 256;

type Cell = (i32, i32);

/// Subscribers (`T`) by id, with the grid.
pub(super) struct Listeners<T> {
    all: HashMap<u64, (T, Filed)>,
    anywhere: HashSet<u64>,
    online: HashSet<u64>,
    cells: HashMap<Cell, HashSet<u64>>,
}

impl<T> Default for Listeners<T> {
    fn default() -> Self {
        Listeners { all: HashMap::new(), anywhere: HashSet::new(), online: HashSet::new(), cells: HashMap::new() }
    }
}

/// Where one subscriber is filed.
enum Filed {
    Anywhere,
    Cells { cells: Vec<Cell>, online: bool },
}

impl<T> Listeners<T> {
    /// Files `value` under `id`, for groups in `area` (anywhere when `None`).
    pub fn insert(&mut self, id: u64, area: Option<Area>, value: T) {
        let filed = match area.and_then(|a| cells_of(&a).map(|c| (c, a.online))) {
            None => {
                self.anywhere.insert(id);
                Filed::Anywhere
            }
            Some((cells, online)) => {
                for c in &cells {
                    self.cells.entry(*c).or_default().insert(id);
                }
                if online {
                    self.online.insert(id);
                }
                Filed::Cells { cells, online }
            }
        };
        self.all.insert(id, (value, filed));
    }

    pub fn remove(&mut self, id: u64) -> Option<T> {
        let (value, filed) = self.all.remove(&id)?;
        match filed {
            Filed::Anywhere => {
                self.anywhere.remove(&id);
            }
            Filed::Cells { cells, online } => {
                for c in cells {
                    if let Some(ids) = self.cells.get_mut(&c) {
                        ids.remove(&id);
                        if ids.is_empty() {
                            self.cells.remove(&c);
                        }
                    }
                }
                if online {
                    self.online.remove(&id);
                }
            }
        }
        Some(value)
    }

    /// The subscribers that could want a group at `point` (`None`: a group without one).
    pub fn candidates(&self, point: Option<(f64, f64)>) -> impl Iterator<Item = (u64, &T)> {
        let near = match point {
            Some((lat, lon)) => self.cells.get(&cell(lat, lon)),
            None => Some(&self.online),
        };
        self.anywhere.iter().chain(near.into_iter().flatten()).filter_map(|id| self.all.get(id).map(|(v, _)| (*id, v)))
    }
}

fn cell(lat: f64, lon: f64) -> Cell {
    ((lat / CELL_DEGREES).floor() as i32, (lon / CELL_DEGREES).floor() as i32)
}

/// The cells a circle touches (its bounding box, a little larger), or `None` when it spans
/// too many, a pole or the antimeridian (then it is filed as anywhere).
fn cells_of(a: &Area) -> Option<Vec<Cell>> {
    if !(a.latitude.is_finite() && a.longitude.is_finite() && a.km.is_finite()) {
        return None;
    }
    // A degree of latitude is at least 110.57 km, one of longitude 111.32 km times the cosine
    // of the latitude: dividing by 110 km errs on the large side.
    let dlat = a.km / 110.0 * 1.01 + 1e-6;
    let widest = (a.latitude.abs() + dlat).min(90.0);
    if widest >= 89.0 {
        return None;
    }
    let dlon = a.km / (110.0 * widest.to_radians().cos()) * 1.01 + 1e-6;
    let (south, north) = (a.latitude - dlat, a.latitude + dlat);
    let (west, east) = (a.longitude - dlon, a.longitude + dlon);
    if west < -180.0 || east > 180.0 {
        return None;
    }
    let (lo, hi) = (cell(south, west), cell(north, east));
    let count = (hi.0 - lo.0 + 1) as usize * (hi.1 - lo.1 + 1) as usize;
    if count > MOST_CELLS {
        return None;
    }
    Some((lo.0..=hi.0).flat_map(|y| (lo.1..=hi.1).map(move |x| (y, x))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::haversine_km;

    /// Every subscriber whose circle holds a point is among that point's candidates, for
    /// circles of every size, at every latitude, near the antimeridian and the poles.
    #[test]
    fn every_subscriber_whose_circle_holds_a_point_is_a_candidate() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut listeners = Listeners::default();
        let mut areas = Vec::new();
        for id in 0..600u64 {
            let area = Area {
                latitude: next() * 178.0 - 89.0,
                longitude: next() * 360.0 - 180.0,
                km: [0.5, 3.0, 25.0, 150.0, 500.0][id as usize % 5],
                online: id % 3 == 0,
            };
            listeners.insert(id, Some(area), ());
            areas.push(area);
        }
        listeners.insert(9999, None, ());
        let mut filed_in_cells = 0;
        for (i, a) in areas.iter().enumerate() {
            filed_in_cells += usize::from(!listeners.anywhere.contains(&(i as u64)));
            // Points on and just inside the circle, all around it.
            for step in 0..8 {
                let bearing = f64::from(step) * std::f64::consts::TAU / 8.0;
                let d = a.km * 0.999 / 6371.0088;
                let (lat1, lon1) = (a.latitude.to_radians(), a.longitude.to_radians());
                let lat2 = (lat1.sin() * d.cos() + lat1.cos() * d.sin() * bearing.cos()).asin();
                let lon2 = lon1 + (bearing.sin() * d.sin() * lat1.cos()).atan2(d.cos() - lat1.sin() * lat2.sin());
                let (lat, lon) = (lat2.to_degrees(), (lon2.to_degrees() + 540.0) % 360.0 - 180.0);
                assert!(haversine_km(a.latitude, a.longitude, lat, lon) <= a.km, "the point is in the circle");
                let found: HashSet<u64> = listeners.candidates(Some((lat, lon))).map(|(id, _)| id).collect();
                assert!(found.contains(&(i as u64)), "subscriber {i} ({a:?}) missed at ({lat}, {lon})");
                assert!(found.contains(&9999), "the one that wants groups anywhere");
            }
        }
        assert!(filed_in_cells > 300, "most circles are filed in cells: {filed_in_cells}");
        // Online groups: the radius subscribers that take them, and those that want anywhere.
        let online: HashSet<u64> = listeners.candidates(None).map(|(id, _)| id).collect();
        assert!(online.contains(&0) && online.contains(&9999) && !online.contains(&1));
    }

    #[test]
    fn a_removed_subscriber_is_no_candidate() {
        let mut listeners = Listeners::default();
        let area = Area { latitude: 51.5, longitude: -0.12, km: 3.0, online: true };
        listeners.insert(1, Some(area), "a");
        listeners.insert(2, None, "b");
        assert_eq!(listeners.candidates(Some((51.5, -0.12))).count(), 2);
        assert_eq!(listeners.candidates(Some((40.0, -75.0))).count(), 1, "far away: only the one for anywhere");
        assert_eq!(listeners.remove(1), Some("a"));
        assert_eq!(listeners.candidates(Some((51.5, -0.12))).map(|(_, v)| *v).collect::<Vec<_>>(), ["b"]);
        assert_eq!(listeners.candidates(None).count(), 1);
        assert!(listeners.cells.is_empty() && listeners.online.is_empty(), "nothing left filed");
    }
}
