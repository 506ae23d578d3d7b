//! Blocking keys: which records are ever compared.
//!
//! Two records are compared only when they share a key, and every key includes a meeting
//! slot (weekday and start time), which a match requires anyway. Within a slot, keys come
//! from name words, the street address, the postcode, a ~1 km grid cell around the point and
//! the conference id, so candidate pairs grow with the data, not with its square.

use super::features::Features;

/// The keys of one record.
pub fn keys(f: &Features) -> Vec<String> {
    let mut out = Vec::new();
    for slot in f.slots.iter().filter(|s| *s != "unknown") {
        for w in f.name.iter().take(3) {
            out.push(format!("{slot}|n|{w}"));
        }
        if let Some(s) = &f.street {
            out.push(format!("{slot}|a|{s}"));
        }
        if let Some(p) = &f.postcode {
            out.push(format!("{slot}|p|{p}"));
        }
        if let Some(l) = &f.locality {
            out.push(format!("{slot}|l|{l}"));
        }
        if let Some(c) = &f.conference {
            out.push(format!("{slot}|c|{c}"));
        }
        if let Some((lat, lon)) = f.point {
            // The cells of the four corners of a ~500 m box: close points always share one.
            for (dl, dn) in [(-0.0025, -0.0025), (-0.0025, 0.0025), (0.0025, -0.0025), (0.0025, 0.0025)] {
                out.push(format!("{slot}|g|{}:{}", ((lat + dl) * 100.0).floor(), ((lon + dn) * 100.0).floor()));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
