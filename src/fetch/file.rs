//! Reading a source document from a local file, under the same size cap as HTTP bodies.
//!
//! Files are always read (a local read is cheap); deciding whether the content changed is the
//! ingest layer's job, by content hash. The file's mtime is reported as an RFC 2822
//! `last_modified` validator for the run record. Reads run on the blocking pool, bounded by
//! `take(limit + 1)` so a file that grows after its metadata was read cannot blow the cap.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{Document, FetchError, Validators};

/// Reads `path` whole, failing when it holds more than `limit` bytes.
pub async fn read(path: &Path, limit: u64) -> Result<Document, FetchError> {
    let owned = path.to_path_buf();
    match tokio::task::spawn_blocking(move || read_blocking(owned, limit)).await {
        Ok(result) => result,
        Err(join) => {
            Err(FetchError::File { path: path.to_path_buf(), source: std::io::Error::other(join.to_string()) })
        }
    }
}

fn read_blocking(path: PathBuf, limit: u64) -> Result<Document, FetchError> {
    let file = std::fs::File::open(&path).map_err(|err| io_error(&path, err))?;
    let metadata = file.metadata().map_err(|err| io_error(&path, err))?;
    if !metadata.is_file() {
        let source = std::io::Error::other("not a regular file");
        return Err(FetchError::File { path, source });
    }
    if metadata.len() > limit {
        return Err(FetchError::FileTooLarge { path, limit });
    }
    let capacity = usize::try_from(metadata.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(|err| io_error(&path, err))?;
    if bytes.len() as u64 > limit {
        return Err(FetchError::FileTooLarge { path, limit });
    }
    let last_modified = metadata.modified().ok().map(|mtime| DateTime::<Utc>::from(mtime).to_rfc2822());
    Ok(Document {
        bytes,
        status: None,
        validators: Validators { etag: None, last_modified },
        content_type: None,
        final_url: path.display().to_string(),
    })
}

fn io_error(path: &Path, source: std::io::Error) -> FetchError {
    match source.kind() {
        std::io::ErrorKind::NotFound => FetchError::FileNotFound { path: path.to_path_buf() },
        _ => FetchError::File { path: path.to_path_buf(), source },
    }
}
