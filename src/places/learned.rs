//! The layer learned from the imported listings: towns and codes at the median of their
//! listings' exact points.
//!
//! Every exact point (not `Location::approximate`) is one sighting of its locality (with
//! region and country) and of its postcode. A place's point is the coordinate-wise median of
//! its sightings, so one misplaced listing does not drag it; its `listings` is how many
//! sightings it has. A sighting without a region (or country) joins the one group of the
//! same name that agrees with what it does say, when there is exactly one.

use std::collections::{BTreeMap, HashMap};

use importers::model::Listing;
use importers::normalize::regions::region_code;

use super::text::{fold, learnable_codes};
use super::PlaceKind;

/// One exact point with the names it was listed under: what [`super::Gazetteer::learn`] takes
/// from a listing, for callers whose places come from elsewhere.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sighting<'a> {
    pub locality: Option<&'a str>,
    pub region: Option<&'a str>,
    pub postcode: Option<&'a str>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<&'a str>,
    pub latitude: f64,
    pub longitude: f64,
}

impl<'a> Sighting<'a> {
    /// The listing's exact point, if it has one: none for no location, no coordinates, an
    /// approximate (city- or region-level) point, or coordinates out of range.
    pub fn from_listing(listing: &'a Listing) -> Option<Sighting<'a>> {
        let l = listing.location.as_ref()?;
        if l.approximate {
            return None;
        }
        let (latitude, longitude) = (l.latitude?, l.longitude?);
        let plausible = latitude.is_finite()
            && longitude.is_finite()
            && latitude.abs() <= 90.0
            && longitude.abs() <= 180.0
            && (latitude, longitude) != (0.0, 0.0);
        plausible.then_some(Sighting {
            locality: l.locality.as_deref(),
            region: l.region.as_deref(),
            postcode: l.postcode.as_deref(),
            country: l.country.as_deref(),
            latitude,
            longitude,
        })
    }
}

/// A town as learned: folded name, display name, region and country as most often written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Town {
    pub key: String,
    pub name: String,
    pub region: Option<String>,
    pub country: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
    pub listings: u32,
}

/// A postcode, outcode or ZIP as learned, with the locality most of its listings name.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Code {
    pub code: String,
    pub kind: PlaceKind,
    pub locality: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
    pub listings: u32,
}

#[derive(Debug, Clone, Default)]
struct Points {
    latitudes: Vec<f64>,
    longitudes: Vec<f64>,
    spellings: HashMap<String, u32>,
    regions: HashMap<String, u32>,
    localities: HashMap<String, u32>,
}

impl Points {
    fn add(&mut self, s: &Sighting<'_>) {
        self.latitudes.push(s.latitude);
        self.longitudes.push(s.longitude);
        if let Some(r) = clean(s.region) {
            *self.regions.entry(r.to_owned()).or_default() += 1;
        }
        if let Some(l) = clean(s.locality) {
            *self.localities.entry(l.to_owned()).or_default() += 1;
        }
    }

    fn merge(&mut self, other: Points) {
        self.latitudes.extend(other.latitudes);
        self.longitudes.extend(other.longitudes);
        for (map, from) in [
            (&mut self.spellings, other.spellings),
            (&mut self.regions, other.regions),
            (&mut self.localities, other.localities),
        ] {
            for (k, n) in from {
                *map.entry(k).or_default() += n;
            }
        }
    }

    fn centre(&self) -> (f64, f64) {
        (median(&self.latitudes), median(&self.longitudes))
    }
}

/// The median (the mean of the middle two for an even count); the values are not empty.
pub(crate) fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// The most frequent entry, the alphabetically first among equals (so results do not depend
/// on hash order).
fn most_common(map: &HashMap<String, u32>) -> Option<String> {
    map.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0))).map(|(k, _)| k.clone())
}

fn clean(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Group key of a town: folded name, country ("" unknown), region key ("" unknown).
type TownKey = (String, String, String);

/// The learned layer: what was seen, and the indexes built from it after each `learn`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Learned {
    towns_seen: HashMap<TownKey, Points>,
    codes_seen: HashMap<(String, PlaceKind, String), (String, Points)>,
    countries: HashMap<String, u32>,
    /// Sorted by `key`.
    towns: Vec<Town>,
    /// By compact code ("SW1A1AA", "SW1A", "19103"); several when countries share a code.
    codes: BTreeMap<String, Vec<Code>>,
}

impl Learned {
    pub fn add(&mut self, s: &Sighting<'_>) {
        let country = clean(s.country)
            .filter(|c| c.len() == 2 && c.chars().all(|c| c.is_ascii_alphabetic()))
            .map(str::to_ascii_uppercase);
        if let Some(c) = &country {
            *self.countries.entry(c.clone()).or_default() += 1;
        }
        let country_key = country.clone().unwrap_or_default();
        if let Some(locality) = clean(s.locality) {
            let key = fold(locality);
            if !key.is_empty() {
                let region_key = clean(s.region).map(region_key).unwrap_or_default();
                let points = self.towns_seen.entry((key, country_key.clone(), region_key)).or_default();
                points.add(s);
                *points.spellings.entry(locality.to_owned()).or_default() += 1;
            }
        }
        if let Some(postcode) = clean(s.postcode) {
            for (key, display, kind) in learnable_codes(postcode, country.as_deref()) {
                let entry = self
                    .codes_seen
                    .entry((key, kind, country_key.clone()))
                    .or_insert_with(|| (display, Points::default()));
                entry.1.add(s);
            }
        }
    }

    /// Rebuilds the indexes from everything seen so far.
    pub fn rebuild(&mut self) {
        let mut groups: Vec<(TownKey, Points)> = self.towns_seen.iter().map(|(k, p)| (k.clone(), p.clone())).collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        let groups = merge_partial(groups);
        self.towns = groups
            .into_iter()
            .map(|((key, country, _), points)| {
                let (latitude, longitude) = points.centre();
                Town {
                    key,
                    name: most_common(&points.spellings).unwrap_or_default(),
                    region: most_common(&points.regions),
                    country: (!country.is_empty()).then_some(country),
                    latitude,
                    longitude,
                    listings: points.latitudes.len() as u32,
                }
            })
            .collect();
        self.towns.sort_by(|a, b| a.key.cmp(&b.key).then(b.listings.cmp(&a.listings)));
        self.codes.clear();
        for ((key, kind, country), (display, points)) in &self.codes_seen {
            let (latitude, longitude) = points.centre();
            self.codes.entry(key.clone()).or_default().push(Code {
                code: display.clone(),
                kind: *kind,
                locality: most_common(&points.localities),
                region: most_common(&points.regions),
                country: (!country.is_empty()).then(|| country.clone()),
                latitude,
                longitude,
                listings: points.latitudes.len() as u32,
            });
        }
        for codes in self.codes.values_mut() {
            codes.sort_by(|a, b| b.listings.cmp(&a.listings).then_with(|| a.country.cmp(&b.country)));
        }
    }

    /// Learned towns whose folded name is `key`, most listings first.
    pub fn towns_named(&self, key: &str) -> &[Town] {
        let start = self.towns.partition_point(|t| t.key.as_str() < key);
        let end = self.towns.partition_point(|t| t.key.as_str() <= key);
        &self.towns[start..end]
    }

    /// Learned towns whose folded name starts with `prefix`.
    pub fn towns_starting(&self, prefix: &str) -> &[Town] {
        let start = self.towns.partition_point(|t| t.key.as_str() < prefix);
        let len = self.towns[start..].partition_point(|t| t.key.starts_with(prefix));
        &self.towns[start..start + len]
    }

    /// Learned codes with this compact key, most listings first.
    pub fn codes(&self, compact: &str) -> &[Code] {
        self.codes.get(compact).map(Vec::as_slice).unwrap_or_default()
    }

    /// Learned codes whose compact key starts with `prefix`.
    pub fn codes_starting<'s>(&'s self, prefix: &'s str) -> impl Iterator<Item = &'s Code> + 's {
        self.codes.range(prefix.to_owned()..).take_while(move |(k, _)| k.starts_with(prefix)).flat_map(|(_, v)| v)
    }

    /// How many exact listings were seen in this country.
    pub fn listings_in(&self, country: &str) -> u32 {
        self.countries.get(country).copied().unwrap_or(0)
    }
}

/// The comparison key of a region: the US/Canadian postal abbreviation when it is one
/// ("Pennsylvania" and "PA" -> "pa"), else the folded name.
pub(crate) fn region_key(region: &str) -> String {
    region_code(region).map(str::to_ascii_lowercase).unwrap_or_else(|| fold(region))
}

/// Merges each group that lacks a region or country into the one group of the same name that
/// agrees with everything it does say, when there is exactly one such group. `groups` is
/// sorted by key, so groups of one name are adjacent.
fn merge_partial(groups: Vec<(TownKey, Points)>) -> Vec<(TownKey, Points)> {
    let mut out: Vec<(TownKey, Points)> = Vec::with_capacity(groups.len());
    let mut i = 0;
    while i < groups.len() {
        let name = groups[i].0 .0.clone();
        let mut same: Vec<(TownKey, Points)> = Vec::new();
        while i < groups.len() && groups[i].0 .0 == name {
            same.push(groups[i].clone());
            i += 1;
        }
        let agrees = |partial: &TownKey, full: &TownKey| {
            (partial.1.is_empty() || partial.1 == full.1) && (partial.2.is_empty() || partial.2 == full.2)
        };
        let known = |k: &TownKey| usize::from(!k.1.is_empty()) + usize::from(!k.2.is_empty());
        // The most specific partial groups first, so "Goole, GB" joins "Goole, East Riding, GB"
        // before plain "Goole" looks for its one home.
        same.sort_by_key(|(k, _)| std::cmp::Reverse(known(k)));
        let mut kept: Vec<Option<(TownKey, Points)>> = same.into_iter().map(Some).collect();
        for p in 0..kept.len() {
            let Some((key, _)) = &kept[p] else { continue };
            if !(key.1.is_empty() || key.2.is_empty()) {
                continue;
            }
            let homes: Vec<usize> = (0..kept.len())
                .filter(|&f| f != p)
                .filter(|&f| kept[f].as_ref().is_some_and(|(fk, _)| fk != key && agrees(key, fk)))
                .collect();
            if let [home] = homes[..] {
                let (_, points) = kept[p].take().expect("checked above");
                kept[home].as_mut().expect("filtered above").1.merge(points);
            }
        }
        out.extend(kept.into_iter().flatten());
    }
    out
}
