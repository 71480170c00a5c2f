//! The storefront: `ui/` served at `/`, plus the generated `/config.js`.
//!
//! Files are read on each request (edit a page, reload), with the content types browsers need
//! (ES modules must be `text/javascript`) and `Cache-Control: no-cache`. A path that would leave
//! `ui/` (`..`, an encoded `%2e%2e`, a symlink pointing out) is refused. `/config.js` is
//! generated from the environment, as `deploy` generates the one it uploads.

use std::path::{Path, PathBuf};

use bytes::Bytes;

use crate::dev::apigw::event::percent_decode;

pub use crate::storefront::{SiteConfig, SiteStore};

/// The static site.
#[derive(Debug, Clone)]
pub struct Site {
    root: PathBuf,
    config_js: Bytes,
}

/// A file to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    pub content_type: &'static str,
    pub body: Bytes,
}

impl Site {
    /// `root` must exist; it is canonicalised so containment checks see through symlinks.
    pub fn new(root: &Path, config: &SiteConfig) -> std::io::Result<Site> {
        Ok(Site {
            root: root.canonicalize()?,
            config_js: Bytes::from(config.script()),
        })
    }

    /// The file for a request path (raw, percent-encoded), or None (404).
    pub async fn file(&self, raw_path: &str) -> Option<SiteFile> {
        if raw_path == "/config.js" {
            return Some(SiteFile {
                content_type: crate::storefront::content_type(raw_path),
                body: self.config_js.clone(),
            });
        }
        let relative = safe_relative_path(raw_path)?;
        let mut path = self.root.join(relative);
        if tokio::fs::metadata(&path).await.ok()?.is_dir() {
            path.push("index.html");
        }
        let path = tokio::fs::canonicalize(&path).await.ok()?;
        if !path.starts_with(&self.root) {
            return None;
        }
        let body = tokio::fs::read(&path).await.ok()?;
        Some(SiteFile {
            content_type: content_type(&path),
            body: Bytes::from(body),
        })
    }
}

/// The path under the site root for a request path, or None when it would escape it.
pub fn safe_relative_path(raw_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(raw_path);
    let mut out = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => continue,
            ".." => return None,
            s if s.contains('\\') || s.contains('\0') || s.contains(':') => return None,
            s => out.push(s),
        }
    }
    Some(out)
}

/// The content type for a file (see [`crate::storefront::content_type`]).
pub fn content_type(path: &Path) -> &'static str {
    crate::storefront::content_type(&path.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        assert_eq!(safe_relative_path("/"), Some(PathBuf::new()));
        assert_eq!(
            safe_relative_path("/js/api.js"),
            Some(PathBuf::from("js/api.js"))
        );
        assert_eq!(
            safe_relative_path("//js/./api.js"),
            Some(PathBuf::from("js/api.js"))
        );
        for bad in [
            "/../etc/passwd",
            "/js/../../x",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc",
            "/a\\..\\b",
            "/a%00b",
            "/c:/windows",
        ] {
            assert_eq!(safe_relative_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn content_types_for_the_ui() {
        assert_eq!(
            content_type(Path::new("a/store.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("app.css")),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("favicon.svg")), "image/svg+xml");
        assert_eq!(
            content_type(Path::new("index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("blob")), "application/octet-stream");
    }
}
