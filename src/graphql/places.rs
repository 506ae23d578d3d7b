//! Places people type: the gazetteer the API resolves `near: { place }` and answers `places`
//! with, learned from the live groups (re-learned after commits) on top of the bundled towns
//! and ZIPs (see `places`).

use std::sync::{Arc, Mutex, RwLock};

use async_graphql::{Enum, SimpleObject};

use crate::places::{self, Gazetteer, PlaceKind};
use crate::store::Store;

/// The gazetteer as of some store generation; cheap to clone.
#[derive(Clone, Default)]
pub struct PlaceBook {
    inner: Arc<Book>,
}

#[derive(Default)]
struct Book {
    current: RwLock<Option<(u64, Arc<Gazetteer>)>>,
    /// One rebuild at a time; others wait for it and then read its result.
    rebuilding: Mutex<()>,
}

impl PlaceBook {
    /// The gazetteer for the store as it is now, rebuilt (on a blocking thread) when a commit
    /// has happened since the last build. The first call also loads the bundled data.
    pub async fn gazetteer(&self, store: &Store) -> anyhow::Result<Arc<Gazetteer>> {
        let want = store.generation();
        if let Some(g) = self.fresh(want) {
            return Ok(g);
        }
        let (book, store) = (self.inner.clone(), store.clone());
        tokio::task::spawn_blocking(move || {
            let _one = book.rebuilding.lock().unwrap_or_else(|e| e.into_inner());
            let want = store.generation();
            if let Some((gen, g)) = book.current.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
                if *gen == want {
                    return Ok(g.clone());
                }
            }
            let mut gazetteer = Gazetteer::new();
            let mut listings = Vec::new();
            store.for_each_live_group(|g| listings.push(g.listing.clone()))?;
            gazetteer.learn(listings.iter());
            let built = Arc::new(gazetteer);
            *book.current.write().unwrap_or_else(|e| e.into_inner()) = Some((want, built.clone()));
            Ok(built)
        })
        .await?
    }

    fn fresh(&self, generation: u64) -> Option<Arc<Gazetteer>> {
        let current = self.inner.current.read().unwrap_or_else(|e| e.into_inner());
        current.as_ref().filter(|(gen, _)| *gen == generation).map(|(_, g)| g.clone())
    }
}

/// A place a search box can offer.
#[derive(SimpleObject)]
pub struct Place {
    /// For display: "Leeds, England, GB", "19103, Philadelphia, PA, US".
    pub name: String,
    pub kind: PlaceType,
    pub latitude: f64,
    pub longitude: f64,
    /// ISO 3166-1 alpha-2, when known.
    pub country: Option<String>,
    pub region: Option<String>,
    /// How many imported groups the place is known from (0: only the bundled data knows it).
    pub listings: i32,
}

/// What a place is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum PlaceType {
    Town,
    Postcode,
    /// A UK outcode ("SW1A") or Canadian FSA ("T5J").
    Outcode,
    Zip,
}

impl From<places::Place> for Place {
    fn from(p: places::Place) -> Self {
        Place {
            name: p.name,
            kind: match p.kind {
                PlaceKind::Town => PlaceType::Town,
                PlaceKind::Postcode => PlaceType::Postcode,
                PlaceKind::Outcode => PlaceType::Outcode,
                PlaceKind::Zip => PlaceType::Zip,
            },
            latitude: p.latitude,
            longitude: p.longitude,
            country: p.country,
            region: p.region,
            listings: i32::try_from(p.listings).unwrap_or(i32::MAX),
        }
    }
}
