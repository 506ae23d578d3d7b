//! Pure parsers for the formats support-group directories publish.
//!
//! Bytes of one source document plus the source's options go in; `Parsed { listings,
//! problems }` comes out. No IO, no async, no clock: fetching, storing and matching belong to
//! the service. One bad record never fails a document: it becomes a `Problem` naming the
//! record and the field. A document that cannot be read at all is one `DocumentError`.

pub mod model;
pub mod normalize;
pub mod options;
pub mod problem;

pub mod meeting_guide;
mod meeting_guide_codes;

pub use model::*;
pub use options::{Format, SourceOptions};
pub use problem::{DocumentError, Parsed, Problem};

/// Parses one fetched document of the given format.
pub fn parse(format: Format, bytes: &[u8], options: &SourceOptions) -> Result<Parsed, DocumentError> {
    match format {
        Format::MeetingGuide => meeting_guide::parse(bytes, options),
    }
}
