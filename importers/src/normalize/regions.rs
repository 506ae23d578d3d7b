//! US states and territories and Canadian provinces: full names and postal abbreviations.
//!
//! Used by [`super::address`] to recognise the region part of a one-line address and to write
//! it one way ("Alberta" -> "AB"). Regions of other countries are left as written.

/// The postal abbreviation for a US state/territory or Canadian province/territory, from its
/// abbreviation or English (or French) name, ignoring case and dots: "pa", "Pennsylvania",
/// "N.Y.", "Québec".
pub fn region_code(raw: &str) -> Option<&'static str> {
    let key: String = raw.trim().chars().filter(|c| *c != '.').collect::<String>().to_lowercase();
    let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
    REGIONS
        .iter()
        .find(|(code, names)| code.eq_ignore_ascii_case(&key) || names.contains(&key.as_str()))
        .map(|(code, _)| *code)
}

#[rustfmt::skip]
static REGIONS: &[(&str, &[&str])] = &[
    ("AL", &["alabama"]), ("AK", &["alaska"]), ("AZ", &["arizona"]), ("AR", &["arkansas"]),
    ("CA", &["california"]), ("CO", &["colorado"]), ("CT", &["connecticut"]), ("DE", &["delaware"]),
    ("DC", &["district of columbia", "washington dc"]), ("FL", &["florida"]), ("GA", &["georgia"]),
    ("HI", &["hawaii"]), ("ID", &["idaho"]), ("IL", &["illinois"]), ("IN", &["indiana"]), ("IA", &["iowa"]),
    ("KS", &["kansas"]), ("KY", &["kentucky"]), ("LA", &["louisiana"]), ("ME", &["maine"]),
    ("MD", &["maryland"]), ("MA", &["massachusetts"]), ("MI", &["michigan"]), ("MN", &["minnesota"]),
    ("MS", &["mississippi"]), ("MO", &["missouri"]), ("MT", &["montana"]), ("NE", &["nebraska"]),
    ("NV", &["nevada"]), ("NH", &["new hampshire"]), ("NJ", &["new jersey"]), ("NM", &["new mexico"]),
    ("NY", &["new york"]), ("NC", &["north carolina"]), ("ND", &["north dakota"]), ("OH", &["ohio"]),
    ("OK", &["oklahoma"]), ("OR", &["oregon"]), ("PA", &["pennsylvania"]), ("RI", &["rhode island"]),
    ("SC", &["south carolina"]), ("SD", &["south dakota"]), ("TN", &["tennessee"]), ("TX", &["texas"]),
    ("UT", &["utah"]), ("VT", &["vermont"]), ("VA", &["virginia"]), ("WA", &["washington"]),
    ("WV", &["west virginia"]), ("WI", &["wisconsin"]), ("WY", &["wyoming"]), ("PR", &["puerto rico"]),
    ("GU", &["guam"]), ("VI", &["virgin islands", "us virgin islands"]),
    ("AB", &["alberta"]), ("BC", &["british columbia", "colombie-britannique"]), ("MB", &["manitoba"]),
    ("NB", &["new brunswick", "nouveau-brunswick"]), ("NL", &["newfoundland and labrador", "newfoundland"]),
    ("NS", &["nova scotia", "nouvelle-écosse"]), ("NT", &["northwest territories"]), ("NU", &["nunavut"]),
    ("ON", &["ontario"]), ("PE", &["prince edward island", "pei"]), ("QC", &["quebec", "québec"]),
    ("SK", &["saskatchewan"]), ("YT", &["yukon"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes() {
        assert_eq!(region_code("Alberta"), Some("AB"));
        assert_eq!(region_code("pa"), Some("PA"));
        assert_eq!(region_code("New  York"), Some("NY"));
        assert_eq!(region_code("Bavaria"), None);
    }
}
