//! Places people type, to a point to search near, offline: "Leeds", "SW1A 1AA", "sw1a",
//! "19103", "Philadelphia, PA", "Zürich".
//!
//! A [`Gazetteer`] has two layers. The learned one is built from the imported listings
//! ([`Gazetteer::learn`]): every locality (with its region and country) and every postcode
//! (full, UK outcode or Canadian FSA, US ZIP) at the median of its listings' exact points (see
//! [`learned`]). The bundled one is compiled into the binary (see [`bundled`]): GeoNames towns
//! and US ZIP centroids. Nothing here reads a file, the network or the clock.
//!
//! Resolution rules ([`Gazetteer::resolve`]):
//! 1. At most [`MAX_QUERY_CHARS`] characters; blank is an error.
//! 2. A query written like a code (letters and digits with a digit, spaces and hyphens, at most
//!    10) is only a code: a US ZIP (5 digits, or ZIP+4, looked up as its 5 digits) is learned
//!    first, then bundled; a full UK or Canadian postcode in any spacing ("sw1a1aa" is
//!    "SW1A 1AA") is learned, else its outcode (FSA) is; an outcode alone, or any other code
//!    ("2000"), is looked up as written. A code that nothing knows is [`PlaceError::Unknown`].
//! 3. Otherwise it is a town: "Town", "Town, Qualifier" or "Town, Region, Country", compared
//!    folded (case, accents, punctuation and spacing do not matter). Every qualifier must name
//!    the town's region ("PA", "Pennsylvania", "England", "NSW") or its country ("US", "UK",
//!    "Canada"). "Philadelphia PA" without the comma is tried as "Philadelphia, PA" when no
//!    town is called "Philadelphia PA"; "St"/"Saint", "Ste"/"Sainte", "Mt"/"Mount" and
//!    "Ft"/"Fort" are tried for each other.
//! 4. Among the towns that match, learned ones come first, most listings first: the imported
//!    data wins over the bundled data whenever it knows the name. Bundled towns follow: first
//!    those in a country the imported listings are in, then by GeoNames population; towns
//!    under 15,000 (population unknown, 0) by the order of magnitude of [`bundled`]'s size
//!    stand-in, then the shorter name, then the bigger. A bundled town within 30 km of a
//!    learned one of the same name and country is the same town and is not repeated.
//! 5. The first match is the answer; it is never "ambiguous". A search box that wants to offer
//!    the others asks [`Gazetteer::candidates`] (the same order) or [`Gazetteer::suggest`].

mod bundled;
mod learned;
#[cfg(test)]
mod tests;
mod text;

use std::collections::HashSet;
use std::fmt;

use importers::model::Listing;
use importers::normalize::address::country_code;

pub use learned::Sighting;
use text::{code_shape, fold, CodeShape};

/// The longest query `resolve` and `suggest` read, in characters.
pub const MAX_QUERY_CHARS: usize = 100;

/// The most places `suggest` returns, whatever `first` asks for.
pub const MAX_SUGGESTIONS: usize = 50;

/// Two same-name towns of one country closer than this are one town.
const SAME_TOWN_KM: f64 = 30.0;

/// What a [`Place`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlaceKind {
    Town,
    /// A full postcode ("SW1A 1AA", "T5J 0N3", or another country's as written).
    Postcode,
    /// A UK outcode ("SW1A") or Canadian FSA ("T5J").
    Outcode,
    /// A US ZIP code.
    Zip,
}

/// A place to search near.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// For display: "Leeds, England, GB", "SW1A 1AA, London, GB", "19103, Philadelphia, PA, US".
    pub name: String,
    pub kind: PlaceKind,
    pub latitude: f64,
    pub longitude: f64,
    /// ISO 3166-1 alpha-2, when known.
    pub country: Option<String>,
    pub region: Option<String>,
    /// How many imported listings it is built from; 0 for a bundled place.
    pub listings: u32,
}

/// Why a query names no place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaceError {
    #[error("no town, postcode or ZIP called \"{0}\" is known; try a nearby town or a full postcode")]
    Unknown(String),
    #[error("a place is at most {limit} characters long; this one has {len}")]
    TooLong { limit: usize, len: usize },
    #[error("no place given: type a town, a postcode or a ZIP")]
    Empty,
}

/// Towns, postcodes and ZIPs, learned from the imported listings and bundled.
#[derive(Clone)]
pub struct Gazetteer {
    learned: learned::Learned,
    bundled: Option<&'static bundled::Bundled>,
}

impl Default for Gazetteer {
    fn default() -> Self {
        Gazetteer::new()
    }
}

impl fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gazetteer").field("bundled", &self.bundled.is_some()).finish_non_exhaustive()
    }
}

impl Gazetteer {
    /// The bundled places and nothing learned yet. The first call in a process parses the
    /// bundled data (see [`bundled`]); later calls share it.
    pub fn new() -> Gazetteer {
        Gazetteer { learned: learned::Learned::default(), bundled: Some(&bundled::BUNDLED) }
    }

    /// Nothing bundled: only what [`Gazetteer::learn`] is given. Costs no bundled memory.
    pub fn learned_only() -> Gazetteer {
        Gazetteer { learned: learned::Learned::default(), bundled: None }
    }

    /// Adds the listings' exact points (see [`Sighting::from_listing`]) to the learned layer;
    /// returns how many points that was. Calling it again adds to what was learned before.
    pub fn learn<'a>(&mut self, listings: impl IntoIterator<Item = &'a Listing>) -> usize {
        self.learn_sightings(listings.into_iter().filter_map(Sighting::from_listing))
    }

    /// As [`Gazetteer::learn`], from points given directly.
    pub fn learn_sightings<'a>(&mut self, sightings: impl IntoIterator<Item = Sighting<'a>>) -> usize {
        let mut n = 0;
        for s in sightings {
            self.learned.add(&s);
            n += 1;
        }
        self.learned.rebuild();
        n
    }

    /// The place a query names (rules in the module doc).
    pub fn resolve(&self, query: &str) -> Result<Place, PlaceError> {
        let q = checked(query)?;
        self.candidates(q)?.into_iter().next().ok_or_else(|| PlaceError::Unknown(q.to_owned()))
    }

    /// Every place a query could name, best first (`resolve` answers the first).
    pub fn candidates(&self, query: &str) -> Result<Vec<Place>, PlaceError> {
        let q = checked(query)?;
        let found = match code_shape(q) {
            Some(shape) => self.codes(shape),
            None => self.town_candidates(q),
        };
        if found.is_empty() {
            return Err(PlaceError::Unknown(q.to_owned()));
        }
        Ok(found)
    }

    /// Up to `first` (at most [`MAX_SUGGESTIONS`]) places whose folded name, or compact code
    /// once the prefix has a digit, starts with `prefix`, for a search box: places with
    /// imported listings first (most first), then bundled towns by rule 4, then bundled ZIPs
    /// in order. "Town, R" suggests the towns called "Town" whose region or country starts
    /// with "R". A binary-searched range of sorted keys, not a scan.
    pub fn suggest(&self, prefix: &str, first: usize) -> Vec<Place> {
        let first = first.min(MAX_SUGGESTIONS);
        let Ok(p) = checked(prefix) else { return Vec::new() };
        if first == 0 {
            return Vec::new();
        }
        let (name, qualifier) = match p.split_once(',') {
            Some((n, q)) => (fold(n), Some(fold(q))),
            None => (fold(p), None),
        };
        let mut learned: Vec<Place> = Vec::new();
        let mut bundled_towns: Vec<&bundled::Town> = Vec::new();
        let mut zips: &[bundled::Zip] = &[];
        if !name.is_empty() {
            let towns = match &qualifier {
                Some(_) => self.learned.towns_named(&name),
                None => self.learned.towns_starting(&name),
            };
            let fits = |region: Option<&str>, country: Option<&str>| {
                qualifier.as_deref().is_none_or(|q| qualifies_prefix(q, region, country))
            };
            learned.extend(towns.iter().filter(|t| fits(t.region.as_deref(), t.country.as_deref())).map(learned_town));
            if let Some(b) = self.bundled {
                let towns = match &qualifier {
                    Some(_) => b.towns_named(&name),
                    None => b.towns_starting(&name),
                };
                bundled_towns = towns
                    .iter()
                    .filter(|t| fits(b.region(t), Some(b.country(t))))
                    .filter(|t| !self.learned_twin(b, t))
                    .collect();
            }
        }
        let compact: String = p.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_uppercase();
        // Codes only once a digit is typed: "le" is more likely Leeds than LE1.
        let code_like = qualifier.is_none()
            && (1..=10).contains(&compact.len())
            && compact.chars().any(|c| c.is_ascii_digit())
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
        if code_like {
            learned.extend(self.learned.codes_starting(&compact).map(learned_code));
            if let (Some(b), true) = (self.bundled, compact.chars().all(|c| c.is_ascii_digit())) {
                zips = b.zips_starting(&compact);
            }
        }
        learned.sort_by(|a, b| {
            b.listings.cmp(&a.listings).then(a.name.len().cmp(&b.name.len())).then(a.name.cmp(&b.name))
        });

        let mut seen = HashSet::new();
        let mut out: Vec<Place> = Vec::with_capacity(first);
        let mut push = |place: Place, out: &mut Vec<Place>| {
            if out.len() < first && seen.insert(place.name.clone()) {
                out.push(place);
            }
        };
        for place in learned {
            push(place, &mut out);
        }
        if let Some(b) = self.bundled {
            // The best few by a partial selection, not a sort of the whole range; more only
            // when duplicates ate into them.
            let mut want = (first - out.len().min(first)) * 2 + 8;
            loop {
                let best = self.best_bundled(b, &bundled_towns, want);
                let mut trial = out.clone();
                let mut trial_seen = seen.clone();
                for t in &best {
                    let place = bundled_town(b, t);
                    if trial.len() < first && trial_seen.insert(place.name.clone()) {
                        trial.push(place);
                    }
                }
                if trial.len() >= first || best.len() >= bundled_towns.len() {
                    out = trial;
                    seen = trial_seen;
                    break;
                }
                want *= 4;
            }
            let learned_zip = |z: &bundled::Zip| self.learned.codes(&z.code()).iter().any(|c| c.kind == PlaceKind::Zip);
            for z in zips.iter().filter(|z| !learned_zip(z)).take(first) {
                let place = bundled_zip(z);
                if out.len() < first && seen.insert(place.name.clone()) {
                    out.push(place);
                }
            }
        }
        out
    }

    /// The `n` best of `towns` in ranking order (rule 4).
    fn best_bundled<'b>(&self, b: &bundled::Bundled, towns: &[&'b bundled::Town], n: usize) -> Vec<&'b bundled::Town> {
        use std::cmp::Reverse;
        let key = |t: &bundled::Town| {
            let served = self.served(b.country(t));
            (
                Reverse(served),
                Reverse(t.population),
                Reverse(bundled::size_class(t.size)),
                t.name.len(),
                Reverse(t.size),
            )
        };
        let order = |x: &&bundled::Town, y: &&bundled::Town| key(x).cmp(&key(y)).then(x.name.cmp(&y.name));
        let mut v: Vec<&bundled::Town> = towns.to_vec();
        if v.len() > n && n > 0 {
            v.select_nth_unstable_by(n - 1, order);
            v.truncate(n);
        }
        v.sort_by(order);
        v
    }

    /// Whether imported listings are in this country.
    fn served(&self, country: &str) -> bool {
        self.learned.listings_in(country) > 0
    }

    /// Whether a bundled town is a learned town again (same name and country, close by).
    fn learned_twin(&self, b: &bundled::Bundled, t: &bundled::Town) -> bool {
        self.learned.towns_named(&t.key).iter().any(|l| {
            l.country.as_deref().is_none_or(|c| c == b.country(t))
                && km(l.latitude, l.longitude, t.latitude.into(), t.longitude.into()) < SAME_TOWN_KM
        })
    }

    fn codes(&self, shape: CodeShape) -> Vec<Place> {
        let learned = |key: &str| self.learned.codes(key).iter().map(learned_code).collect::<Vec<_>>();
        match shape {
            CodeShape::Zip(zip) => {
                let mut found = learned(&zip);
                let learned_zip = found.iter().any(|p| p.kind == PlaceKind::Zip);
                if let (Some(z), false) = (self.bundled.and_then(|b| b.zip(&zip)), learned_zip) {
                    found.push(bundled_zip(z));
                }
                found
            }
            CodeShape::Full { key, outward, .. } => {
                let found = learned(&key);
                if found.is_empty() {
                    learned(&outward)
                } else {
                    found
                }
            }
            CodeShape::Outward(code) | CodeShape::Other(code) => learned(&code),
        }
    }

    fn town_candidates(&self, q: &str) -> Vec<Place> {
        let parts: Vec<String> = q.split(',').map(fold).filter(|p| !p.is_empty()).collect();
        let Some((name, qualifiers)) = parts.split_first() else { return Vec::new() };
        let mut found = self.towns(name, qualifiers);
        if found.is_empty() && qualifiers.is_empty() {
            if let Some((town, last)) = name.rsplit_once(' ') {
                found = self.towns(town, &[last.to_owned()]);
            }
        }
        if found.is_empty() {
            for variant in text::variants(name) {
                found = self.towns(&variant, qualifiers);
                if !found.is_empty() {
                    break;
                }
            }
        }
        found
    }

    fn towns(&self, name: &str, qualifiers: &[String]) -> Vec<Place> {
        let fits =
            |region: Option<&str>, country: Option<&str>| qualifiers.iter().all(|q| qualifies(q, region, country));
        let learned: Vec<&learned::Town> =
            self.learned.towns_named(name).iter().filter(|t| fits(t.region.as_deref(), t.country.as_deref())).collect();
        let mut found: Vec<Place> = learned.iter().map(|t| learned_town(t)).collect();
        if let Some(b) = self.bundled {
            let towns: Vec<&bundled::Town> = b
                .towns_named(name)
                .iter()
                .filter(|t| fits(b.region(t), Some(b.country(t))))
                .filter(|t| !self.learned_twin(b, t))
                .collect();
            found.extend(self.best_bundled(b, &towns, towns.len()).into_iter().map(|t| bundled_town(b, t)));
        }
        found
    }
}

/// The trimmed query, within the length limit and not blank.
fn checked(query: &str) -> Result<&str, PlaceError> {
    let len = query.chars().count();
    if len > MAX_QUERY_CHARS {
        return Err(PlaceError::TooLong { limit: MAX_QUERY_CHARS, len });
    }
    let q = query.trim();
    if q.is_empty() || fold(q).is_empty() {
        return Err(PlaceError::Empty);
    }
    Ok(q)
}

/// Whether a folded qualifier names this region or country.
fn qualifies(q: &str, region: Option<&str>, country: Option<&str>) -> bool {
    if let (Some(c), Some(code)) = (country, country_code(q, true)) {
        if c == code {
            return true;
        }
    }
    let Some(region) = region else { return false };
    let r = fold(region);
    r == q
        || learned::region_key(region) == learned::region_key(q)
        || bundled::AUSTRALIAN_ABBREVIATIONS
            .iter()
            .any(|(abbr, name)| (q == *abbr && r == *name) || (q == *name && r == *abbr))
}

/// Whether a folded, partly typed qualifier starts this region's or country's name or code.
fn qualifies_prefix(q: &str, region: Option<&str>, country: Option<&str>) -> bool {
    if q.is_empty() || qualifies(q, region, country) {
        return true;
    }
    region.is_some_and(|r| fold(r).starts_with(q) || learned::region_key(r).starts_with(q))
        || country.is_some_and(|c| c.to_ascii_lowercase().starts_with(q))
}

/// "Leeds, England, GB": the parts that are known, comma-separated.
fn display(parts: &[Option<&str>]) -> String {
    parts.iter().flatten().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(", ")
}

/// Degrees to five decimals (about a metre): the bundled points are single precision.
fn round5(v: f32) -> f64 {
    (f64::from(v) * 1e5).round() / 1e5
}

/// Distance in km, flat-earth approximation (plenty for "is it the same town").
fn km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let x = (lon2 - lon1) * ((lat1 + lat2) / 2.0).to_radians().cos();
    let y = lat2 - lat1;
    111.2 * (x * x + y * y).sqrt()
}

fn learned_town(t: &learned::Town) -> Place {
    Place {
        name: display(&[Some(&t.name), t.region.as_deref(), t.country.as_deref()]),
        kind: PlaceKind::Town,
        latitude: t.latitude,
        longitude: t.longitude,
        country: t.country.clone(),
        region: t.region.clone(),
        listings: t.listings,
    }
}

fn learned_code(c: &learned::Code) -> Place {
    Place {
        name: display(&[Some(&c.code), c.locality.as_deref(), c.region.as_deref(), c.country.as_deref()]),
        kind: c.kind,
        latitude: c.latitude,
        longitude: c.longitude,
        country: c.country.clone(),
        region: c.region.clone(),
        listings: c.listings,
    }
}

fn bundled_town(b: &bundled::Bundled, t: &bundled::Town) -> Place {
    let region = b.region(t);
    let country = b.country(t);
    Place {
        name: display(&[Some(&t.name), region, Some(country)]),
        kind: PlaceKind::Town,
        latitude: round5(t.latitude),
        longitude: round5(t.longitude),
        country: Some(country.to_owned()),
        region: region.map(str::to_owned),
        listings: 0,
    }
}

fn bundled_zip(z: &bundled::Zip) -> Place {
    Place {
        name: display(&[Some(&z.code()), Some(&z.city), Some(z.state()), Some("US")]),
        kind: PlaceKind::Zip,
        latitude: round5(z.latitude),
        longitude: round5(z.longitude),
        country: Some("US".to_owned()),
        region: Some(z.state().to_owned()),
        listings: 0,
    }
}
