//! How the store encodes what it keeps of records, groups and runs (store format 4): the
//! serde JSON of the document, compressed as one LZ4 block against a fixed dictionary of the
//! model's field names and common values, behind a tag byte and the JSON's length.
//!
//! Why JSON inside and not a positional binary format (postcard, bincode): the model's serde
//! attributes (an internally tagged `Recurrence`, fields skipped when empty, fields added
//! later with defaults) need a self-describing format, and a self-describing format is what
//! lets a document written before a field existed decode after it. Compressed, a record
//! document takes about 42% of its JSON and a group about 30% (BENCHMARKS.md, "Store formats
//! 4 and 5"), which a positional format would not beat by much, at a few µs per document.
//!
//! Each value starts with `TAG`; anything else (the JSON of format 3 starts with `{`, its key
//! lists with a zero byte) is refused with an error, never guessed at. The dictionary is part
//! of the format: editing it would make every stored value undecodable, so a test pins its
//! digest, and a better dictionary needs a new tag (decoding keeps the old one).

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The first byte of every encoded value: LZ4 against `DICTIONARY`.
pub(super) const TAG: u8 = 0x04;
/// A value that claims to decode to more than this is corrupt (the largest documents, import
/// runs with their problems, are a few hundred kB).
const MAX_DECODED: usize = 256 << 20;
const HEADER: usize = 5;

/// Why a stored value did not decode.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("a stored value in an unknown encoding (first byte {0:#04x}; store format 4 writes {TAG:#04x})")]
    UnknownEncoding(u8),
    #[error("a stored value is truncated ({0} bytes)")]
    Truncated(usize),
    #[error("a stored value claims {0} bytes decoded, more than any document")]
    TooLarge(usize),
    #[error("a stored value's compressed bytes are corrupt: {0}")]
    Corrupt(String),
}

/// `bytes` as the store keeps them.
pub(super) fn pack(bytes: &[u8]) -> Vec<u8> {
    let bound = lz4_flex::block::get_maximum_output_size(bytes.len());
    let mut out = vec![0; HEADER + bound];
    out[0] = TAG;
    out[1..HEADER].copy_from_slice(&(bytes.len() as u32).to_le_bytes());
    // The output is sized by the block's bound, so compression cannot run out of room.
    let n = lz4_flex::block::compress_into_with_dict(bytes, &mut out[HEADER..], DICTIONARY)
        .expect("an LZ4 block fits its maximum output size");
    out.truncate(HEADER + n);
    out
}

/// The bytes `pack` was given.
pub(super) fn unpack(value: &[u8]) -> Result<Vec<u8>, CodecError> {
    match value.first() {
        Some(&TAG) => {}
        Some(&other) => return Err(CodecError::UnknownEncoding(other)),
        None => return Err(CodecError::Truncated(0)),
    }
    let len = value.get(1..HEADER).ok_or(CodecError::Truncated(value.len()))?;
    let len = u32::from_le_bytes(len.try_into().expect("four bytes")) as usize;
    if len > MAX_DECODED {
        return Err(CodecError::TooLarge(len));
    }
    let mut out = vec![0; len];
    let n = lz4_flex::block::decompress_into_with_dict(&value[HEADER..], &mut out, DICTIONARY)
        .map_err(|e| CodecError::Corrupt(e.to_string()))?;
    if n != len {
        return Err(CodecError::Corrupt(format!("{n} bytes decoded, {len} expected")));
    }
    Ok(out)
}

/// How many bytes `value` holds once decoded, read off its header (a value from before the
/// format is its own length).
pub(super) fn decoded_len(value: &[u8]) -> usize {
    match value.get(1..HEADER) {
        Some(len) if value[0] == TAG => u32::from_le_bytes(len.try_into().expect("four bytes")) as usize,
        _ => value.len(),
    }
}

/// A document as the store keeps it.
pub(super) fn encode<T: Serialize + ?Sized>(doc: &T) -> serde_json::Result<Vec<u8>> {
    Ok(pack(&serde_json::to_vec(doc)?))
}

/// A document the store kept.
pub(super) fn decode<T: DeserializeOwned>(value: &[u8]) -> anyhow::Result<T> {
    Ok(serde_json::from_slice(&unpack(value)?)?)
}

/// Whether `value` is already in this encoding (the migration from format 3 skips those, so a
/// migration cut short resumes).
pub(super) fn is_packed(value: &[u8]) -> bool {
    value.first() == Some(&TAG)
}

/// The LZ4 dictionary of store format 4: the skeletons of a group, a record and an import run
/// as serde writes them, then values most documents hold. Fixed forever for `TAG`.
const DICTIONARY: &[u8] = concat!(
    r#"{"id":"","source_id":"","started_at":"","finished_at":"","outcome":"succeeded","http_status":200,"#,
    r#""fetched_bytes":0,"counts":{"seen":0,"added":0,"updated":0,"unchanged":0,"missing":0,"removed":0,"problems":0},"#,
    r#""problems":[{"record":"","field":"","message":"","dropped":false}],"problems_omitted":0,"error":null,"#,
    r#""changes":[{"kind":"added","group_id":"g","name":""},{"kind":"updated","group_id":"g","name":""}],"#,
    r#""changes_omitted":0,"resolution":null}"#,
    r#"{"etag":null,"last_modified":null,"document_hash":"","last_run":{"id":"","last_success_at":"2026-"}"#,
    r#"{"a":{"source_id":"","external_id":""},"b":{"source_id":"","external_id":""},"score":0.9,"evidence":["name","place","time"]}"#,
    r#""status_conflict":{"active":[],"inactive":[],"decided_by":{"source_id":"","external_id":""}},"#,
    r#""meetings":[{"slot":{"weekday":"monday","start":"19:00:00","end":"20:00:00","timezone":"Europe/London","recurrence":{"type":"weekly"}},"#,
    r#""records":[{"source_id":"","external_id":""}]}],"#,
    r#"{"weekday":"saturday","start":"10:00:00","end":"11:30:00","timezone":"America/","recurrence":{"type":"monthly_nth","weeks":[1,3]}}"#,
    r#"{"type":"once","date":"2026-"}{"type":"by_appointment"}"weekday":null,"start":null,"end":null,"#,
    r#"tuesday wednesday thursday friday sunday "#,
    r#"twelve_step professionally_led therapy_group online hybrid "#,
    r#"depression anxiety bipolar psychosis ocd ptsd eating_disorders bpd self_harm suicide addiction drugs gambling "#,
    r#"bereavement caring family_and_friends women men young_people seniors lgbtq transgender non_binary "#,
    r#"wheelchair_access accessible_toilet sign_language hearing_loop childcare_available fragrance_free "#,
    r#""online":{"url":"https://","phone":null,"conference_id":null,"notes":null},"#,
    r#""status":"missing","status":"removed","status":"active","first_seen":"","updated_at":""}"#,
    r#"{"key":{"source_id":"","external_id":""},"#,
    r#""listing":{"external_id":"","name":"","group":"","description":null,"kind":"peer_support","#,
    r#""topics":[{"topic":"mental_health","rule":"source default"},{"topic":"alcohol","rule":"#,
    r#""audience":[],"attendance":"in_person","#,
    r#""meetings":[{"weekday":"monday","start":"19:00:00","end":"20:00:00","timezone":"Europe/London","recurrence":{"type":"weekly"}}],"#,
    r#""location":{"name":null,"address":null,"locality":null,"region":null,"postcode":null,"country":"GB","#,
    r#""formatted":null,"latitude":51.5,"longitude":-0.1,"approximate":false,"notes":null},"online":null,"#,
    r#""contact":{"email":null,"phone":"+44","website":"https://www."},"organisation":null,"cost":null,"#,
    r#""languages":["en"],"accessibility":[],"open":true,"codes":[],"url":"https://www.","#,
    r#""updated_at":"2026-01-01T00:00:00Z","active":true,"origins":[]},"#,
    r#""hash":"","first_seen":"2026-12-01T00:00:00.000000000Z","last_seen":"2026-12-01T00:00:00.000000000Z","#,
    r#""missing_since":null,"group_id":"g"}"#,
    r#"{"id":"g","listing":{"external_id":"","name":"","#,
)
.as_bytes();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_shrink() {
        let doc = serde_json::json!({
            "key": { "source_id": "sepa", "external_id": "m-1" },
            "listing": { "name": "Tuesday Night Group", "description": null, "kind": "twelve_step",
                "topics": [{ "topic": "alcohol", "rule": "source default" }], "active": true },
            "missing_since": null, "group_id": "g0123456789abcdef",
        });
        let packed = encode(&doc).unwrap();
        assert!(is_packed(&packed));
        assert!(packed.len() < serde_json::to_vec(&doc).unwrap().len() * 2 / 3, "{} bytes", packed.len());
        assert_eq!(decode::<serde_json::Value>(&packed).unwrap(), doc);
        for bytes in [&b""[..], b"x", &[0u8; 3000][..], "ünïcode".as_bytes()] {
            assert_eq!(unpack(&pack(bytes)).unwrap(), bytes);
        }
    }

    /// The length a value decodes to, read off its header without decoding; whatever the bytes.
    #[test]
    fn the_decoded_length_is_read_off_the_header() {
        let doc = b"a document long enough to compress, a document long enough to compress";
        assert_eq!(decoded_len(&pack(doc)), doc.len());
        assert_eq!(decoded_len(&pack(b"")), 0);
        for odd in [&b""[..], &[TAG], &[TAG, 1, 2, 3], br#"{"id":"g1"}"#] {
            assert_eq!(decoded_len(odd), odd.len(), "{odd:?}: not a packed value, its own length");
        }
    }

    #[test]
    fn other_encodings_and_damage_are_errors_not_guesses() {
        let json = br#"{"id":"g1"}"#;
        assert!(matches!(unpack(json), Err(CodecError::UnknownEncoding(b'{'))));
        assert!(matches!(unpack(&[0, 0, 0, 4, b'a', b'b', b'c', b'd']), Err(CodecError::UnknownEncoding(0))));
        assert!(matches!(unpack(&[]), Err(CodecError::Truncated(0))));
        assert!(matches!(unpack(&[TAG, 1, 0]), Err(CodecError::Truncated(3))));
        let huge = [TAG, 0xff, 0xff, 0xff, 0xff, 0];
        assert!(matches!(unpack(&huge), Err(CodecError::TooLarge(_))));
        let mut packed = pack(b"a document long enough to compress, a document long enough to compress");
        // Claims a longer document than the block holds.
        packed[1] = packed[1].wrapping_add(7);
        assert!(matches!(unpack(&packed), Err(CodecError::Corrupt(_))));
        // Any truncation of a real value is an error, never a panic.
        let packed = encode(&serde_json::json!({ "name": "x".repeat(200), "n": [1, 2, 3] })).unwrap();
        for cut in 0..packed.len() {
            assert!(unpack(&packed[..cut]).is_err(), "cut at {cut}");
        }
    }

    /// The dictionary is part of store format 4: every value written with it needs exactly
    /// these bytes to decode.
    #[test]
    fn the_dictionary_is_frozen() {
        use sha2::{Digest, Sha256};
        let digest: String = Sha256::digest(DICTIONARY).iter().take(8).map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            (DICTIONARY.len(), digest.as_str()),
            (2746, "ea605d77a2c8acd4"),
            "the dictionary changed: values stored with tag {TAG:#04x} would no longer decode. \
             Keep it, and give a new dictionary a new tag"
        );
    }
}
