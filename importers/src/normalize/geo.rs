//! Coordinates: read from numbers or strings, validated, rounded.
//!
//! A point is kept only when both halves are finite, in range and not the (0, 0) placeholder.
//! Values are rounded to 6 decimal places (about 10 cm), which is finer than any source is
//! accurate and keeps content hashes stable across float noise. Geocoding is not done here.

/// Reads one coordinate written as text ("39.8702244", " -75.35 "). `None` when not a number.
pub fn parse_coordinate(raw: &str) -> Option<f64> {
    raw.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Validates and rounds a latitude/longitude pair, or says why it cannot be used.
pub fn point(latitude: f64, longitude: f64) -> Result<(f64, f64), &'static str> {
    if !latitude.is_finite() || !longitude.is_finite() {
        return Err("coordinates are not numbers");
    }
    if !(-90.0..=90.0).contains(&latitude) {
        return Err("latitude is outside -90..90");
    }
    if !(-180.0..=180.0).contains(&longitude) {
        return Err("longitude is outside -180..180");
    }
    if latitude == 0.0 && longitude == 0.0 {
        return Err("coordinates 0,0 are a placeholder, not a place");
    }
    Ok((round6(latitude), round6(longitude)))
}

/// Rounds to 6 decimal places.
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_and_rounds() {
        assert_eq!(point(39.87022441234, -75.3563341), Ok((39.870224, -75.356334)));
        assert!(point(0.0, 0.0).is_err());
        assert!(point(91.0, 0.0).is_err());
        assert!(point(f64::NAN, 1.0).is_err());
        assert_eq!(parse_coordinate(" -75.5 "), Some(-75.5));
        assert_eq!(parse_coordinate("NaN"), None);
    }
}
