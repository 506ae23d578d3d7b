//! The bundled layer: GeoNames towns from the `cities-json` crate and US ZIP centroids from
//! the `zipcodes` crate, both compiled into the binary (no IO, no network), and the GeoNames
//! populations of towns of 15,000 or more from `data/population.tsv` (see `data/README.md`),
//! because neither crate carries a population.
//!
//! Loaded once per process, on the first [`super::Gazetteer::new`]: parsing the data takes
//! about 0.4 s in a release build (3 s in a debug one). A town not in the population table
//! (under 15,000) has population 0, and among those [`Town::size`] stands in: the number of
//! bundled places within about 10 km (a big place has its districts listed around it).

use std::collections::HashMap;
use std::sync::LazyLock;

use super::text::fold;

/// A bundled GeoNames town.
#[derive(Debug, Clone)]
pub(crate) struct Town {
    pub key: Box<str>,
    pub name: Box<str>,
    region: u16,
    country: [u8; 2],
    pub latitude: f32,
    pub longitude: f32,
    /// GeoNames population, 0 for a town under 15,000 (see the module doc).
    pub population: u32,
    /// Places within about 10 km, this one included (see the module doc).
    pub size: u32,
}

/// A bundled US ZIP code at its centroid.
#[derive(Debug, Clone)]
pub(crate) struct Zip {
    pub code: u32,
    pub city: Box<str>,
    state: [u8; 2],
    pub latitude: f32,
    pub longitude: f32,
}

impl Zip {
    pub fn code(&self) -> String {
        format!("{:05}", self.code)
    }

    pub fn state(&self) -> &str {
        std::str::from_utf8(&self.state).unwrap_or_default()
    }
}

/// Both bundled data sets, indexed.
pub(crate) struct Bundled {
    /// Sorted by `key`.
    towns: Vec<Town>,
    /// Region display names, `Town::region` indexes it; 0 is "none".
    regions: Vec<Box<str>>,
    /// Sorted by `code`.
    zips: Vec<Zip>,
}

pub(crate) static BUNDLED: LazyLock<Bundled> = LazyLock::new(Bundled::load);

impl Bundled {
    fn load() -> Bundled {
        let mut regions: Vec<Box<str>> = vec!["".into()];
        let mut region_ids: HashMap<String, u16> = HashMap::new();
        let mut towns: Vec<Town> = cities_json::CITIES
            .iter()
            .filter_map(|c| {
                let country: [u8; 2] = c.country.as_bytes().try_into().ok()?;
                let (lat, lon) = (c.lat as f32, c.lng as f32);
                if !(lat.is_finite() && lon.is_finite()) {
                    return None;
                }
                let key = fold(&c.name);
                if key.is_empty() {
                    return None;
                }
                let region = match region_display(&c.country, &c.admin1) {
                    Some(r) => *region_ids.entry(r.clone()).or_insert_with(|| {
                        regions.push(r.into());
                        (regions.len() - 1) as u16
                    }),
                    None => 0,
                };
                Some(Town {
                    key: key.into(),
                    name: c.name.as_str().into(),
                    region,
                    country,
                    latitude: lat,
                    longitude: lon,
                    population: 0,
                    size: 0,
                })
            })
            .collect();
        set_sizes(&mut towns);
        set_populations(&mut towns);
        towns.sort_by(|a, b| a.key.cmp(&b.key).then(b.population.cmp(&a.population)).then(b.size.cmp(&a.size)));
        let mut zips: Vec<Zip> = zipcodes::database()
            .iter()
            .filter(|z| z.country == "US")
            .filter_map(|z| {
                let state: [u8; 2] = z.state.as_bytes().try_into().ok()?;
                Some(Zip {
                    code: z.zip_code.parse().ok()?,
                    city: z.city.as_str().into(),
                    state,
                    latitude: z.lat.parse().ok()?,
                    longitude: z.long.parse().ok()?,
                })
            })
            .collect();
        zips.sort_by_key(|z| z.code);
        zips.dedup_by_key(|z| z.code);
        Bundled { towns, regions, zips }
    }

    /// Bundled towns whose folded name is `key`.
    pub fn towns_named(&self, key: &str) -> &[Town] {
        let start = self.towns.partition_point(|t| &*t.key < key);
        let end = self.towns.partition_point(|t| &*t.key <= key);
        &self.towns[start..end]
    }

    /// Bundled towns whose folded name starts with `prefix`.
    pub fn towns_starting(&self, prefix: &str) -> &[Town] {
        let start = self.towns.partition_point(|t| &*t.key < prefix);
        let len = self.towns[start..].partition_point(|t| t.key.starts_with(prefix));
        &self.towns[start..start + len]
    }

    /// The bundled ZIP with these five digits.
    pub fn zip(&self, zip5: &str) -> Option<&Zip> {
        let code: u32 = zip5.parse().ok()?;
        self.zips.binary_search_by_key(&code, |z| z.code).ok().map(|i| &self.zips[i])
    }

    /// Bundled ZIPs whose five digits start with `digits` (1 to 5 digits).
    pub fn zips_starting(&self, digits: &str) -> &[Zip] {
        let Ok(n) = digits.parse::<u32>() else { return &[] };
        if digits.is_empty() || digits.len() > 5 {
            return &[];
        }
        let scale = 10u32.pow(5 - digits.len() as u32);
        let (low, high) = (n * scale, (n + 1) * scale);
        let start = self.zips.partition_point(|z| z.code < low);
        let end = self.zips.partition_point(|z| z.code < high);
        &self.zips[start..end]
    }

    pub fn region(&self, town: &Town) -> Option<&str> {
        (town.region != 0).then(|| &*self.regions[town.region as usize])
    }

    pub fn country<'t>(&self, town: &'t Town) -> &'t str {
        std::str::from_utf8(&town.country).unwrap_or_default()
    }
}

/// How a GeoNames first-level division is shown: US states and Canadian provinces by postal
/// abbreviation ("PA", "AB"), UK nations and Australian states by name ("England",
/// "New South Wales"), other countries' letter codes as given ("ZH"); numeric codes of other
/// countries say nothing to a reader and are left out.
fn region_display(country: &str, admin1: &str) -> Option<String> {
    let a = admin1.trim();
    let table: &[(&str, &str)] = match country {
        "CA" => CANADA,
        "GB" => UK,
        "AU" => AUSTRALIA,
        _ => &[],
    };
    if let Some((_, name)) = table.iter().find(|(code, _)| *code == a) {
        return Some((*name).to_owned());
    }
    (a.len() >= 2 && a.chars().all(|c| c.is_ascii_alphabetic())).then(|| a.to_owned())
}

/// GeoNames admin1 codes of Canada to postal abbreviations.
static CANADA: &[(&str, &str)] = &[
    ("01", "AB"),
    ("02", "BC"),
    ("03", "MB"),
    ("04", "NB"),
    ("05", "NL"),
    ("07", "NS"),
    ("08", "ON"),
    ("09", "PE"),
    ("10", "QC"),
    ("11", "SK"),
    ("12", "YT"),
    ("13", "NT"),
    ("14", "NU"),
];

/// GeoNames admin1 codes of the United Kingdom to the nations' names.
static UK: &[(&str, &str)] = &[("ENG", "England"), ("SCT", "Scotland"), ("WLS", "Wales"), ("NIR", "Northern Ireland")];

/// GeoNames admin1 codes of Australia to the states' names.
static AUSTRALIA: &[(&str, &str)] = &[
    ("01", "Australian Capital Territory"),
    ("02", "New South Wales"),
    ("03", "Northern Territory"),
    ("04", "Queensland"),
    ("05", "South Australia"),
    ("06", "Tasmania"),
    ("07", "Victoria"),
    ("08", "Western Australia"),
];

/// Australian state abbreviations, for "Sydney, NSW".
pub(crate) static AUSTRALIAN_ABBREVIATIONS: &[(&str, &str)] = &[
    ("act", "australian capital territory"),
    ("nsw", "new south wales"),
    ("nt", "northern territory"),
    ("qld", "queensland"),
    ("sa", "south australia"),
    ("tas", "tasmania"),
    ("vic", "victoria"),
    ("wa", "western australia"),
];

/// GeoNames populations of towns of 15,000 or more: country, admin1 code, name, latitude,
/// longitude (two decimals), population; tab-separated, one town a line.
static POPULATION: &str = include_str!("data/population.tsv");

/// Sets the population of every town in the population table: the row of the same country
/// and folded name nearest to it, within 0.1°.
fn set_populations(towns: &mut [Town]) {
    let mut rows: HashMap<String, Vec<(f32, f32, u32)>> = HashMap::new();
    for line in POPULATION.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let [country, _admin1, name, lat, lon, population] = f[..] else { continue };
        let (Ok(lat), Ok(lon), Ok(population)) = (lat.parse(), lon.parse(), population.parse()) else { continue };
        rows.entry(format!("{country}\t{}", fold(name))).or_default().push((lat, lon, population));
    }
    for t in towns.iter_mut() {
        let key = format!("{}\t{}", std::str::from_utf8(&t.country).unwrap_or_default(), t.key);
        let Some(candidates) = rows.get(&key) else { continue };
        let distance = |&(lat, lon, _): &(f32, f32, u32)| (lat - t.latitude).abs().max((lon - t.longitude).abs());
        if let Some(row) =
            candidates.iter().filter(|r| distance(r) <= 0.1).min_by(|a, b| distance(a).total_cmp(&distance(b)))
        {
            t.population = row.2;
        }
    }
}

/// The order of magnitude of a size (its bit length): ranking compares classes before name
/// lengths, so a city's districts ("Zürich (Kreis 8)") do not bury the city over a few
/// neighbours more or less.
pub(crate) fn size_class(size: u32) -> u32 {
    u32::BITS - size.leading_zeros()
}

/// Sets every town's `size`: places within ±0.09° of latitude (about 10 km) and the same
/// distance east and west. Towns are put in 0.03° latitude bands sorted by longitude, so each
/// count is a few binary searches.
fn set_sizes(towns: &mut [Town]) {
    const BAND: f32 = 0.03;
    const REACH: f32 = 0.09;
    let band_of = |lat: f32| (lat / BAND).floor() as i32;
    let mut order: Vec<(i32, f32)> = towns.iter().map(|t| (band_of(t.latitude), t.longitude)).collect();
    order.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    for t in towns.iter_mut() {
        let reach_lon = REACH / t.latitude.to_radians().cos().max(0.2);
        let (west, east) = (t.longitude - reach_lon, t.longitude + reach_lon);
        let mut n = 0usize;
        for band in band_of(t.latitude - REACH)..=band_of(t.latitude + REACH) {
            let start = order.partition_point(|&(b, lon)| b < band || (b == band && lon < west));
            let end = order.partition_point(|&(b, lon)| b < band || (b == band && lon <= east));
            n += end - start;
        }
        t.size = n as u32;
    }
}
