//! Reading a source document from a local file, under the same size cap as HTTP bodies, and
//! only from inside `fetch.local_roots`.
//!
//! A path is resolved first (`canonicalize`: symlinks and `..` followed to the real file), and
//! read only when that real path lies inside one of the roots (each resolved too), so neither a
//! file:// URL nor a symlink in a feed's folder can make the service read `/etc/passwd`; the
//! resolved path is the one opened. Files are always read (a local read is cheap); deciding
//! whether the content changed is the ingest layer's job, by content hash. The file's mtime is
//! reported as an RFC 2822 `last_modified` validator for the run record. Reads run on the
//! blocking pool, bounded by `take(limit + 1)` so a file that grows after its metadata was
//! read cannot blow the cap.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{Document, FetchError, Validators};

/// Reads `path` whole, failing when it lies outside `roots` or holds more than `limit` bytes.
pub async fn read(path: &Path, limit: u64, roots: &[PathBuf]) -> Result<Document, FetchError> {
    let owned = path.to_path_buf();
    let roots = roots.to_vec();
    match tokio::task::spawn_blocking(move || read_blocking(owned, limit, &roots)).await {
        Ok(result) => result,
        Err(join) => {
            Err(FetchError::File { path: path.to_path_buf(), source: std::io::Error::other(join.to_string()) })
        }
    }
}

/// The real path of `path` (symlinks resolved) when it lies inside one of `roots`; else why
/// not: not found, or outside the roots (naming where it leads and the roots).
pub fn inside_roots(path: &Path, roots: &[PathBuf]) -> Result<PathBuf, FetchError> {
    let real = std::fs::canonicalize(path).map_err(|err| io_error(path, err))?;
    let real_roots: Vec<PathBuf> = roots.iter().filter_map(|root| std::fs::canonicalize(root).ok()).collect();
    if real_roots.iter().any(|root| real.starts_with(root)) {
        return Ok(real);
    }
    let leads = match real.as_path() == path {
        true => String::new(),
        false => format!(" (it leads to {})", real.display()),
    };
    let shown: Vec<String> = roots.iter().map(|root| root.display().to_string()).collect();
    let roots = if shown.is_empty() { "none configured".to_owned() } else { shown.join(", ") };
    Err(FetchError::OutsideRoots {
        path: path.to_path_buf(),
        why: format!("outside fetch.local_roots ({roots}){leads}"),
    })
}

fn read_blocking(path: PathBuf, limit: u64, roots: &[PathBuf]) -> Result<Document, FetchError> {
    let real = inside_roots(&path, roots)?;
    let file = std::fs::File::open(&real).map_err(|err| io_error(&path, err))?;
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
