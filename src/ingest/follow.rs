//! Which further documents a run may fetch when a parser asks for them.
//!
//! A source on the web may only lead to other http(s) URLs; a local source only to files in
//! its own directory (or below), so a feed can never make the service read arbitrary files.

use anyhow::Context;

use crate::config::SourceLocation;

/// The root document's URL as parsers see it: http(s) as configured, or a file:// URL.
pub fn root_url(location: &SourceLocation) -> String {
    match location {
        SourceLocation::Http(url) => url.to_string(),
        SourceLocation::File(path) => {
            let abs = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            url::Url::from_file_path(&abs)
                .map(|u| u.to_string())
                .unwrap_or_else(|_| format!("file://{}", abs.display()))
        }
    }
}

/// Where to fetch a URL a parser wants, if this source may follow it.
pub fn location(source: &SourceLocation, want: &str) -> anyhow::Result<SourceLocation> {
    let shown = crate::fetch::redact::url_text(want);
    let url = url::Url::parse(want).with_context(|| format!("the parser asked for `{shown}`, which is not a URL"))?;
    match source {
        SourceLocation::Http(_) if matches!(url.scheme(), "http" | "https") => Ok(SourceLocation::Http(url)),
        SourceLocation::Http(_) => anyhow::bail!("refusing to follow `{shown}` from a web source: only http(s) links"),
        SourceLocation::File(root) => {
            let path = url
                .to_file_path()
                .map_err(|_| anyhow::anyhow!("refusing to follow `{shown}` from a local source: only files"))?;
            let dir = std::path::absolute(root)?.parent().map(|d| d.to_path_buf()).unwrap_or_default();
            let abs = std::path::absolute(&path)?;
            let normal: std::path::PathBuf = abs.components().collect();
            if !normal.starts_with(&dir) || normal.components().any(|c| c == std::path::Component::ParentDir) {
                anyhow::bail!("refusing to follow `{shown}`: outside the source's directory {}", dir.display());
            }
            Ok(SourceLocation::File(normal))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_sources_follow_only_web_links() {
        let src = SourceLocation::Http(url::Url::parse("https://example.org/feed").unwrap());
        assert!(location(&src, "https://example.org/feed?page=2").is_ok());
        assert!(location(&src, "file:///etc/passwd").is_err());
    }

    #[test]
    fn local_sources_follow_only_files_beside_them() {
        let src = SourceLocation::File("/srv/feeds/hsds/datapackage.json".into());
        assert!(matches!(location(&src, "file:///srv/feeds/hsds/services.csv"), Ok(SourceLocation::File(_))));
        assert!(location(&src, "file:///etc/passwd").is_err());
        assert!(location(&src, "file:///srv/feeds/hsds/../../../etc/passwd").is_err());
        assert!(location(&src, "https://example.org/x").is_err());
    }
}
