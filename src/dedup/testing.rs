//! Test helpers for the matcher's unit tests.

use super::features::{name_words, Features};

/// A peer-support group meeting on Mondays at 19:00, in person, named `name`, in `locality`
/// and at `point` when given.
pub fn features(name: &str, locality: Option<&str>, point: Option<(f64, f64)>) -> Features {
    Features {
        name: name_words(name),
        slots: vec!["monday|19:00".to_owned()],
        street: None,
        postcode: None,
        locality: locality.map(str::to_lowercase),
        point,
        contacts: Vec::new(),
        conference: None,
        audience: Vec::new(),
        kind: importers::GroupKind::PeerSupport,
        online_only: false,
        suspended: false,
        venue: None,
        venue_label: None,
        address_label: None,
        updated_at: None,
    }
}
