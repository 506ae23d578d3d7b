//! The spatial index: a uniform grid of 0.1° cells, each listing the points inside it.
//!
//! `within` visits the cells of the latitude/longitude box that covers the circle (the exact
//! box: ±r/R in latitude, ±asin(sin(r/R)/cos φ) in longitude, wrapping at the antimeridian,
//! every column when the circle reaches a pole) and keeps the points whose haversine distance
//! is at most the radius. `nearest` grows square rings of cells around the centre's cell
//! until n accepted points lie within the radius the visited square guarantees (nothing
//! outside it can be nearer). Both take an `accept` test so a query's other filters prune
//! before any distance is computed, and both fall back to scanning the occupied cells when
//! that is fewer cells than the box or the rings would visit.

use std::collections::HashMap;

use roaring::RoaringBitmap;

use crate::model::haversine_km;

/// Cell size in degrees.
pub(crate) const CELL_DEG: f64 = 0.1;
const ROWS: i32 = 1800;
const COLS: i32 = 3600;
/// As `model::haversine_km` takes it.
const EARTH_RADIUS_KM: f64 = 6371.0088;
/// Slack added to the covering box, in degrees, against rounding at cell edges.
const SLACK_DEG: f64 = 1e-6;

/// The points of one cell: (ordinal, latitude, longitude).
type Points = Vec<(u32, f64, f64)>;

#[derive(Debug, Default, Clone)]
pub(crate) struct Grid {
    cells: HashMap<(i32, i32), Points>,
    /// Every ordinal that has a point.
    pub(crate) located: RoaringBitmap,
}

impl Grid {
    pub(crate) fn insert(&mut self, ord: u32, lat: f64, lon: f64) {
        self.cells.entry(cell(lat, lon)).or_default().push((ord, lat, lon));
        self.located.insert(ord);
    }

    pub(crate) fn remove(&mut self, ord: u32, lat: f64, lon: f64) {
        let key = cell(lat, lon);
        if let Some(points) = self.cells.get_mut(&key) {
            points.retain(|p| p.0 != ord);
            if points.is_empty() {
                self.cells.remove(&key);
            }
        }
        self.located.remove(ord);
    }

    /// Accepted points within `km` of the centre, with their distances, in no order.
    pub(crate) fn within(&self, lat: f64, lon: f64, km: f64, accept: impl Fn(u32) -> bool) -> Vec<(u32, f64)> {
        let ang = km / EARTH_RADIUS_KM;
        let dlat = ang.to_degrees() + SLACK_DEG;
        let (lat_lo, lat_hi) = (lat - dlat, lat + dlat);
        let rows = (row(lat_lo.max(-90.0)), row(lat_hi.min(90.0)));
        let coslat = lat.to_radians().cos();
        let all_columns = lat_lo <= -90.0 || lat_hi >= 90.0 || ang.sin() >= coslat;
        let cols = if all_columns {
            (0, COLS - 1)
        } else {
            let dlon = (ang.sin() / coslat).asin().to_degrees() + SLACK_DEG;
            let (c0, c1) = (col(lon - dlon), col(lon + dlon));
            if c1 - c0 + 1 >= COLS {
                (0, COLS - 1)
            } else {
                (c0, c1)
            }
        };
        let mut out = Vec::new();
        let mut visit = |points: &[(u32, f64, f64)]| {
            for &(ord, plat, plon) in points {
                // Past the latitude band no point can be within reach: no need for the
                // trigonometry (most points of the cells along the edge of the circle).
                if (plat - lat).abs() <= dlat && accept(ord) {
                    let d = haversine_km(lat, lon, plat, plon);
                    if d <= km {
                        out.push((ord, d));
                    }
                }
            }
        };
        let boxed = (rows.1 - rows.0 + 1) as usize * (cols.1 - cols.0 + 1) as usize;
        if boxed > self.cells.len() {
            let in_cols = |c: i32| (c - cols.0).rem_euclid(COLS) <= cols.1 - cols.0;
            for (&(r, c), points) in &self.cells {
                if (rows.0..=rows.1).contains(&r) && in_cols(c) {
                    visit(points);
                }
            }
        } else {
            for r in rows.0..=rows.1 {
                for c in cols.0..=cols.1 {
                    if let Some(points) = self.cells.get(&(r, c.rem_euclid(COLS))) {
                        visit(points);
                    }
                }
            }
        }
        out
    }

    /// The `n` nearest accepted points, and any tied with the n-th, with their distances,
    /// nearest first (ties in no order: the caller breaks them by id).
    pub(crate) fn nearest(&self, lat: f64, lon: f64, n: usize, accept: impl Fn(u32) -> bool) -> Vec<(u32, f64)> {
        if n == 0 {
            return Vec::new();
        }
        let (r0, c0) = cell(lat, lon);
        // Longitude in -180..180 for the ring bounds; distances use the point as given.
        let lon_n = (lon + 180.0).rem_euclid(360.0) - 180.0;
        let mut found: Vec<(u32, f64)> = Vec::new();
        let mut visited_points = 0u64;
        let mut k: i32 = 0;
        loop {
            let side = 2 * k as usize + 1;
            if side * side > self.cells.len() || side >= COLS as usize {
                // The rings would visit more cells than are occupied: scan them all once.
                found = self.within(lat, lon, f64::INFINITY, &accept);
                break;
            }
            for (r, c) in ring(r0, c0, k) {
                if let Some(points) = self.cells.get(&(r, c.rem_euclid(COLS))) {
                    for &(ord, plat, plon) in points {
                        visited_points += 1;
                        if accept(ord) {
                            found.push((ord, haversine_km(lat, lon, plat, plon)));
                        }
                    }
                }
            }
            let sure = guaranteed_km(lat, lon_n, r0, c0, k);
            if found.iter().filter(|p| p.1 <= sure).count() >= n || visited_points >= self.located.len() {
                break;
            }
            k += 1;
        }
        found.sort_by(|a, b| a.1.total_cmp(&b.1));
        if let Some(&(_, nth)) = found.get(n - 1) {
            found.retain(|p| p.1 <= nth);
        }
        found
    }
}

/// The cell of a point: (row, column), row 0 at the south pole, column 0 at 180°W.
pub(crate) fn cell(lat: f64, lon: f64) -> (i32, i32) {
    (row(lat), col(lon).rem_euclid(COLS))
}

fn row(lat: f64) -> i32 {
    (((lat + 90.0) / CELL_DEG).floor() as i32).clamp(0, ROWS - 1)
}

/// The column, not wrapped: may fall outside 0..COLS for longitudes past ±180.
fn col(lon: f64) -> i32 {
    ((lon + 180.0) / CELL_DEG).floor() as i32
}

/// The cells at Chebyshev distance exactly `k` from (r0, c0), rows outside the grid left out.
fn ring(r0: i32, c0: i32, k: i32) -> impl Iterator<Item = (i32, i32)> {
    (r0 - k..=r0 + k).filter(|r| (0..ROWS).contains(r)).flat_map(move |r| {
        let edge = r == r0 - k || r == r0 + k;
        let cols: Vec<i32> = if edge || k == 0 { (c0 - k..=c0 + k).collect() } else { vec![c0 - k, c0 + k] };
        cols.into_iter().map(move |c| (r, c))
    })
}

/// How far from the centre any point outside the square of rings 0..=k must be.
fn guaranteed_km(lat: f64, lon: f64, r0: i32, c0: i32, k: i32) -> f64 {
    let lat_lo = f64::from(r0 - k) * CELL_DEG - 90.0;
    let lat_hi = f64::from(r0 + k + 1) * CELL_DEG - 90.0;
    let south = if lat_lo <= -90.0 { f64::INFINITY } else { (lat - lat_lo).to_radians() * EARTH_RADIUS_KM };
    let north = if lat_hi >= 90.0 { f64::INFINITY } else { (lat_hi - lat).to_radians() * EARTH_RADIUS_KM };
    let to_meridian = |dlon_deg: f64| {
        if dlon_deg >= 90.0 {
            (90.0 - lat.abs()).to_radians() * EARTH_RADIUS_KM
        } else {
            (dlon_deg.to_radians().sin() * lat.to_radians().cos()).asin() * EARTH_RADIUS_KM
        }
    };
    let west = to_meridian(lon - (f64::from(c0 - k) * CELL_DEG - 180.0));
    let east = to_meridian(f64::from(c0 + k + 1) * CELL_DEG - 180.0 - lon);
    south.min(north).min(west).min(east).max(0.0)
}
