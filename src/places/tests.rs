use importers::model::{Listing, Location};

use super::*;

/// A listing met at an exact point.
fn at(locality: &str, region: &str, postcode: &str, country: &str, latitude: f64, longitude: f64) -> Listing {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Listing {
        location: Some(Location {
            locality: some(locality),
            region: some(region),
            postcode: some(postcode),
            country: some(country),
            latitude: Some(latitude),
            longitude: Some(longitude),
            ..Location::default()
        }),
        ..Listing::default()
    }
}

fn approximate(mut l: Listing) -> Listing {
    l.location.as_mut().unwrap().approximate = true;
    l
}

fn learned(listings: &[Listing]) -> Gazetteer {
    let mut g = Gazetteer::learned_only();
    g.learn(listings);
    g
}

fn with_bundled(listings: &[Listing]) -> Gazetteer {
    let mut g = Gazetteer::new();
    g.learn(listings);
    g
}

/// The population and size class of the bundled town a place was made from.
fn rank_of(place: &Place) -> (u32, u32) {
    let key = text::fold(place.name.split(',').next().unwrap());
    let town = bundled::BUNDLED
        .towns_named(&key)
        .iter()
        .find(|t| round5(t.latitude) == place.latitude && round5(t.longitude) == place.longitude)
        .unwrap_or_else(|| panic!("{} is not bundled", place.name));
    (town.population, bundled::size_class(town.size))
}

#[track_caller]
fn near(place: &Place, latitude: f64, longitude: f64, within: f64) {
    assert!(
        (place.latitude - latitude).abs() <= within && (place.longitude - longitude).abs() <= within,
        "{} is at ({}, {}), not within {within}° of ({latitude}, {longitude})",
        place.name,
        place.latitude,
        place.longitude
    );
}

#[test]
fn a_learned_town_is_at_the_median_of_its_exact_points() {
    let g = learned(&[
        at("Leeds", "England", "", "GB", 53.80, -1.55),
        at("Leeds", "England", "", "GB", 53.81, -1.54),
        at("Leeds", "England", "", "GB", 53.79, -1.56),
        at("Leeds", "England", "", "GB", 53.82, -1.53),
        // One misplaced listing: geocoded to London. The mean would move 0.45° south.
        at("Leeds", "England", "", "GB", 51.50, -0.12),
        // An approximate (city-level) point is no evidence at all.
        approximate(at("Leeds", "England", "", "GB", 10.0, 10.0)),
    ]);
    let leeds = g.resolve("Leeds").unwrap();
    assert_eq!(leeds.kind, PlaceKind::Town);
    assert_eq!(leeds.name, "Leeds, England, GB");
    assert_eq!(leeds.listings, 5, "the approximate point is not counted");
    assert_eq!((leeds.latitude, leeds.longitude), (53.80, -1.54), "coordinate-wise median of five");
}

#[test]
fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
    assert_eq!(learned::median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    assert_eq!(learned::median(&[7.0]), 7.0);
}

#[test]
fn a_town_seen_only_approximately_is_not_learned() {
    let g = learned(&[approximate(at("Goole", "England", "DN14 5AA", "GB", 53.70, -0.87))]);
    assert_eq!(g.resolve("Goole"), Err(PlaceError::Unknown("Goole".into())));
    assert!(g.resolve("DN14 5AA").is_err());
}

#[test]
fn postcodes_in_any_spacing_and_the_outcode_fallback() {
    let g = learned(&[
        at("London", "", "SW1A 1AA", "GB", 51.5010, -0.1416),
        at("London", "", "sw1a1aa", "GB", 51.5012, -0.1418),
        at("London", "", "SW1A 2AA", "GB", 51.5034, -0.1276),
    ]);
    for q in ["SW1A 1AA", "sw1a1aa", "  Sw1a   1aA ", "SW1A-1AA"] {
        let p = g.resolve(q).unwrap();
        assert_eq!((p.kind, p.name.as_str(), p.listings), (PlaceKind::Postcode, "SW1A 1AA, London, GB", 2), "{q}");
    }
    // A full postcode nobody listed falls back to its district.
    let p = g.resolve("SW1A 0AA").unwrap();
    assert_eq!((p.kind, p.name.as_str(), p.listings), (PlaceKind::Outcode, "SW1A, London, GB", 3));
    near(&p, 51.5012, -0.1416, 1e-9);
    assert_eq!(g.resolve("sw1a").unwrap().kind, PlaceKind::Outcode);
    // An unknown district is unknown, not some town.
    assert_eq!(g.resolve("ls99 9zz"), Err(PlaceError::Unknown("ls99 9zz".into())));
    assert_eq!(g.resolve("LS99").unwrap_err(), PlaceError::Unknown("LS99".into()));
}

#[test]
fn canadian_postcodes_fall_back_to_their_fsa() {
    let g = learned(&[at("Edmonton", "AB", "T5J 0N3", "CA", 53.5444, -113.4909)]);
    assert_eq!(g.resolve("t5j0n3").unwrap().kind, PlaceKind::Postcode);
    let fsa = g.resolve("T5J 9Z9").unwrap();
    assert_eq!((fsa.kind, fsa.name.as_str()), (PlaceKind::Outcode, "T5J, Edmonton, AB, CA"));
}

#[test]
fn zips_learned_and_bundled() {
    let g = learned(&[
        at("Philadelphia", "PA", "19103", "US", 39.9520, -75.1700),
        at("Philadelphia", "PA", "19103-2011", "US", 39.9530, -75.1710),
    ]);
    for q in ["19103", "19103-1234", "19103 1234", "191031234"] {
        let p = g.resolve(q).unwrap();
        assert_eq!((p.kind, p.name.as_str(), p.listings), (PlaceKind::Zip, "19103, Philadelphia, PA, US", 2), "{q}");
    }
    assert!(g.resolve("19104").is_err(), "not learned, and nothing bundled here");

    let g = Gazetteer::new();
    let p = g.resolve("19104").unwrap();
    assert_eq!((p.kind, p.listings, p.region.as_deref()), (PlaceKind::Zip, 0, Some("PA")));
    assert!(p.name.starts_with("19104, Philadelphia, PA"), "{}", p.name);
    near(&p, 39.96, -75.20, 0.1);
    near(&g.resolve("99501").unwrap(), 61.22, -149.87, 0.2);
    assert!(g.resolve("00000").is_err());
}

#[test]
fn philadelphia_pa_is_not_philadelphia_ms() {
    let g = learned(&[
        at("Philadelphia", "MS", "", "US", 32.77, -89.12),
        at("Philadelphia", "Mississippi", "", "US", 32.78, -89.11),
        at("Philadelphia", "MS", "", "US", 32.76, -89.10),
        at("Philadelphia", "Pennsylvania", "", "US", 39.95, -75.16),
    ]);
    // Most listings wins when nothing says which.
    assert_eq!(g.resolve("Philadelphia").unwrap().region.as_deref(), Some("MS"));
    for q in [
        "Philadelphia, PA",
        "philadelphia, pennsylvania",
        "Philadelphia PA",
        "PHILADELPHIA , Pa.",
        "Philadelphia, PA, US",
    ] {
        let p = g.resolve(q).unwrap();
        assert_eq!(p.name, "Philadelphia, Pennsylvania, US", "{q}");
        near(&p, 39.95, -75.16, 1e-9);
    }
    assert_eq!(g.resolve("Philadelphia, Mississippi").unwrap().listings, 3, "MS and Mississippi are one region");
    assert!(g.resolve("Philadelphia, NY").is_err());

    // The bundled towns: the big one by default, the others by region.
    let g = Gazetteer::new();
    near(&g.resolve("Philadelphia").unwrap(), 39.95, -75.16, 0.2);
    near(&g.resolve("Philadelphia, MS").unwrap(), 32.77, -89.12, 0.2);
    near(&g.resolve("Philadelphia, New York").unwrap(), 44.15, -75.71, 0.2);
}

#[test]
fn bundled_towns() {
    let g = Gazetteer::new();
    let leeds = g.resolve("Leeds").unwrap();
    assert_eq!((leeds.name.as_str(), leeds.listings), ("Leeds, England, GB", 0));
    near(&leeds, 53.80, -1.55, 0.2);
    near(&g.resolve("sheffield").unwrap(), 53.38, -1.47, 0.2);
    near(&g.resolve("Scunthorpe").unwrap(), 53.58, -0.65, 0.2);
    near(&g.resolve("London").unwrap(), 51.51, -0.13, 0.2);
    for q in ["Edmonton", "Edmonton, AB", "Edmonton, Alberta", "Edmonton, Canada"] {
        let p = g.resolve(q).unwrap();
        assert_eq!(p.name, "Edmonton, AB, CA", "{q}");
        near(&p, 53.55, -113.47, 0.2);
    }
    assert_eq!(g.resolve("Edmonton, England").unwrap().country.as_deref(), Some("GB"));
    // Same-name towns by population: the big one unless the query says which.
    near(&g.resolve("San Jose").unwrap(), 37.34, -121.89, 0.2);
    near(&g.resolve("Miami").unwrap(), 25.77, -80.19, 0.2);
    near(&g.resolve("Vancouver").unwrap(), 49.25, -123.12, 0.2);
    near(&g.resolve("Vancouver, WA").unwrap(), 45.64, -122.66, 0.2);
    near(&g.resolve("London, Ontario").unwrap(), 42.98, -81.23, 0.2);
    near(&g.resolve("London, UK").unwrap(), 51.51, -0.13, 0.2);
    near(&g.resolve("Sydney, NSW").unwrap(), -33.87, 151.21, 0.2);
    assert_eq!(g.resolve("Saint Albert, AB").unwrap().name, "St. Albert, AB, CA", "Saint and St are one");
}

#[test]
fn a_country_with_listings_comes_before_population() {
    // By population alone, Birmingham is the English one.
    let g = Gazetteer::new();
    near(&g.resolve("Birmingham").unwrap(), 52.48, -1.90, 0.2);
    // A directory with listings only in the US means the one in Alabama (or Michigan: the
    // bigger of the two).
    let g = with_bundled(&[at("Mobile", "AL", "", "US", 30.69, -88.04)]);
    let p = g.resolve("Birmingham").unwrap();
    assert_eq!(p.name, "Birmingham, AL, US");
    near(&p, 33.52, -86.80, 0.2);
    // A qualifier still decides.
    assert_eq!(g.resolve("Birmingham, UK").unwrap().name, "Birmingham, England, GB");
    // And with listings on both sides, population decides again.
    let g = with_bundled(&[at("Mobile", "AL", "", "US", 30.69, -88.04), at("Goole", "", "", "GB", 53.70, -0.87)]);
    assert_eq!(g.resolve("Birmingham").unwrap().name, "Birmingham, England, GB");
}

#[test]
fn accents_do_not_matter() {
    let g = Gazetteer::new();
    let zurich = g.resolve("Zürich").unwrap();
    assert_eq!(zurich.country.as_deref(), Some("CH"));
    near(&zurich, 47.37, 8.55, 0.2);
    for q in ["zurich", "ZURICH", "Zu\u{0308}rich", " zürich, switzerland "] {
        assert_eq!(g.resolve(q).unwrap(), zurich, "{q}");
    }
    near(&g.resolve("montreal").unwrap(), 45.51, -73.59, 0.2);
    // And a learned name written with accents is found without them.
    let g = learned(&[at("Besançon", "", "", "FR", 47.24, 6.02)]);
    assert_eq!(g.resolve("besancon").unwrap().name, "Besançon, FR");
}

#[test]
fn learned_wins_over_bundled() {
    // The imported data knows a Leeds: in Alabama. It wins over the bundled Leeds, England.
    let g = with_bundled(&[at("Leeds", "AL", "", "US", 33.55, -86.54), at("Leeds", "AL", "", "US", 33.54, -86.55)]);
    let p = g.resolve("Leeds").unwrap();
    assert_eq!((p.name.as_str(), p.listings), ("Leeds, AL, US", 2));
    // Unless the query says otherwise.
    let uk = g.resolve("Leeds, England").unwrap();
    assert_eq!((uk.name.as_str(), uk.listings), ("Leeds, England, GB", 0));

    // A learned town that is also bundled is one place, at the learned point.
    let g = with_bundled(&[at("Leeds", "West Yorkshire", "", "GB", 53.7997, -1.5492)]);
    let all = g.candidates("Leeds").unwrap();
    assert_eq!(all[0].name, "Leeds, West Yorkshire, GB");
    assert_eq!((all[0].latitude, all[0].longitude, all[0].listings), (53.7997, -1.5492, 1));
    assert!(all.iter().all(|p| p.country.as_deref() != Some("GB") || p.listings == 1), "{all:?}");
    assert!(all.iter().any(|p| p.region.as_deref() == Some("ME")), "the other Leeds stay candidates");
}

#[test]
fn sightings_without_region_join_the_one_town_they_fit() {
    let g = learned(&[
        at("Goole", "East Riding of Yorkshire", "", "GB", 53.70, -0.87),
        at("Goole", "", "", "GB", 53.71, -0.88),
        at("goole", "", "", "", 53.69, -0.86),
    ]);
    let all = g.candidates("Goole").unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].listings, 3);
}

#[test]
fn unknown_places_and_bad_queries() {
    let g = Gazetteer::new();
    let err = g.resolve("Xyzzyville").unwrap_err();
    assert_eq!(err, PlaceError::Unknown("Xyzzyville".into()));
    assert_eq!(
        err.to_string(),
        "no town, postcode or ZIP called \"Xyzzyville\" is known; try a nearby town or a full postcode"
    );
    assert!(g.resolve("Leeds, Narnia").is_err());
    assert_eq!(g.resolve("   "), Err(PlaceError::Empty));
    assert_eq!(g.resolve(",,, !"), Err(PlaceError::Empty));
    let long = "a".repeat(MAX_QUERY_CHARS + 1);
    let err = g.resolve(&long).unwrap_err();
    assert_eq!(err, PlaceError::TooLong { limit: 100, len: 101 });
    assert!(err.to_string().contains("at most 100 characters"), "{err}");
    assert!(
        g.resolve(&"é".repeat(MAX_QUERY_CHARS)).is_err_and(|e| matches!(e, PlaceError::Unknown(_))),
        "chars, not bytes"
    );
    assert!(g.suggest(&long, 10).is_empty());
}

#[test]
fn suggestions_put_imported_places_first_and_respect_the_limit() {
    let g = with_bundled(&[
        at("Leek", "England", "ST13 5AA", "GB", 53.105, -2.023),
        at("Leeds", "England", "LS1 4AP", "GB", 53.797, -1.548),
        at("Leeds", "England", "LS1 4AP", "GB", 53.798, -1.547),
        at("Leeds", "England", "LS2 7EW", "GB", 53.800, -1.550),
    ]);
    let s = g.suggest("lee", 6);
    let names: Vec<&str> = s.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(s.len(), 6, "{names:?}");
    assert_eq!(&names[..2], ["Leeds, England, GB", "Leek, England, GB"], "{names:?}");
    assert_eq!((s[0].listings, s[1].listings), (3, 1));
    assert!(s[2..].iter().all(|p| p.listings == 0 && p.name.to_lowercase().starts_with("lee")), "{names:?}");
    assert_eq!(
        names.iter().filter(|n| n.starts_with("Leeds, England")).count(),
        1,
        "learned and bundled Leeds are one"
    );
    // Bundled ones: first those in a country with listings (GB here), each lot by size class.
    let rest: Vec<Place> = g.suggest("lee", 50).into_iter().filter(|p| p.listings == 0).collect();
    let british = rest.iter().take_while(|p| p.country.as_deref() == Some("GB")).count();
    assert!(british > 0 && british < rest.len(), "{rest:?}");
    assert!(rest[british..].iter().all(|p| p.country.as_deref() != Some("GB")), "{rest:?}");
    for lot in [&rest[..british], &rest[british..]] {
        let ranks: Vec<(u32, u32)> = lot.iter().map(rank_of).collect();
        assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "by population, then size class: {ranks:?}");
    }
    assert!(rank_of(&rest[british]).0 > 15_000, "the biggest Lee... abroad has a population");

    // Never more than asked, never more than 50.
    assert_eq!(g.suggest("s", 500).len(), MAX_SUGGESTIONS);
    assert_eq!(g.suggest("s", 3).len(), 3);
    assert!(g.suggest("s", 0).is_empty());
    assert!(g.suggest("", 10).is_empty());
    let all = g.suggest("s", 50);
    let unique: HashSet<&str> = all.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(unique.len(), all.len(), "no place twice");

    // Codes once a digit is typed, learned ones first.
    let codes: Vec<String> = g.suggest("ls1", 5).into_iter().map(|p| p.name).collect();
    assert_eq!(codes, ["LS1, Leeds, England, GB", "LS1 4AP, Leeds, England, GB"], "equal listings: the shorter first");
    // A learned ZIP is not suggested again from the bundled set, however its region is written.
    let g = with_bundled(&[at("Philadelphia", "Pennsylvania", "19103", "US", 39.952, -75.170)]);
    let z: Vec<String> = g.suggest("19103", 5).into_iter().map(|p| p.name).collect();
    assert_eq!(z, ["19103, Philadelphia, Pennsylvania, US"]);
    let zips = g.suggest("1910", 5);
    assert_eq!(zips.len(), 5);
    assert!(zips.iter().all(|p| p.kind == PlaceKind::Zip && p.name.starts_with("1910")), "{zips:?}");
    assert_eq!((zips[0].name.as_str(), zips[0].listings), ("19103, Philadelphia, Pennsylvania, US", 1));
    assert!(zips[1..].windows(2).all(|w| w[0].name < w[1].name), "then the bundled ZIPs in order: {zips:?}");
    assert!(zips.iter().filter(|p| p.name.starts_with("19103")).count() == 1, "{zips:?}");
}

#[test]
fn suggestions_rank_bundled_towns_by_size_and_fold_accents() {
    let g = Gazetteer::new();
    let s = g.suggest("Zür", 5);
    assert_eq!(s[0].name, "Zürich, ZH, CH", "{s:?}");
    assert_eq!(g.suggest("zur", 5), s);
    // By population, not by how many places are listed around (Leederville, a suburb of
    // Perth, has more neighbours than Leeds).
    assert_eq!(g.suggest("leed", 1)[0].name, "Leeds, England, GB");
    // "Town, R": the towns of that name whose region or country starts so.
    let pa = g.suggest("Philadelphia, P", 10);
    assert!(!pa.is_empty());
    assert!(pa.iter().all(|p| p.name.starts_with("Philadelphia, P")), "{pa:?}");
    assert_eq!(g.suggest("manch", 1)[0].name, "Manchester, England, GB");
}
