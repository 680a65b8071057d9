//! The hydrate bundle (WASM, JS, CSS) under a path that names its content,
//! `/static/{version}/pkg/…`, so browsers may keep it for a year without asking again: a new
//! build has a new version, and pages name the new path, so nobody runs stale code. The same
//! files stay reachable under plain `/pkg/` (revalidated on every use) for anything that links
//! them there.
//!
//! The version is a prefix in front of Leptos' `pkg` folder (the `root` of its hydration
//! scripts) rather than a renamed folder, so the folder on disk keeps the name Leptos and
//! cargo-leptos give it (`site_pkg_dir`).

use std::path::Path;

use axum::Router;
use axum::http::{HeaderValue, header};
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use super::AppState;

/// Every versioned bundle path starts with this.
const VERSIONED_PREFIX: &str = "/static/";

/// Whether `path` names a bundle file, versioned or plain `/pkg/`: static content, with no
/// session, no inline script and one metrics series.
pub fn is_bundle_path(path: &str) -> bool {
    path.starts_with(VERSIONED_PREFIX) || path.starts_with("/pkg/")
}

/// 12 hex digits of the SHA-256 of every file in the site's `pkg_dir` folder (names and bytes),
/// or `unbuilt` when there are none yet (a server started before `cargo leptos build`).
pub fn version(site_root: &Path, pkg_dir: &str) -> String {
    let mut files: Vec<_> = std::fs::read_dir(site_root.join(pkg_dir))
        .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()).filter(|path| path.is_file()).collect())
        .unwrap_or_default();
    if files.is_empty() {
        return "unbuilt".to_owned();
    }
    files.sort();
    let mut hasher = Sha256::new();
    for path in files {
        hasher.update(path.file_name().map(|name| name.as_encoded_bytes()).unwrap_or_default());
        hasher.update(std::fs::read(&path).unwrap_or_default());
    }
    hasher.finalize().iter().take(6).map(|byte| format!("{byte:02x}")).collect()
}

/// The URL prefix of this build's bundle, `/static/{version}` (no trailing slash, as Leptos'
/// `HydrationScripts` wants its `root`).
pub fn bundle_root(site_root: &Path, pkg_dir: &str) -> String {
    format!("{VERSIONED_PREFIX}{}", version(site_root, pkg_dir))
}

/// `{bundle_root}/{pkg_dir}/*` from the site's `pkg_dir` folder, immutable for a year.
pub fn router(site_root: &Path, pkg_dir: &str, bundle_root: &str) -> Router<AppState> {
    let files = ServeDir::new(site_root.join(pkg_dir));
    Router::new().nest_service(
        &format!("{bundle_root}/{pkg_dir}"),
        tower::ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ))
            .service(files),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_follows_the_content() {
        let dir = std::env::temp_dir().join(format!("nexus-assets-{}", rand::random::<u64>()));
        std::fs::create_dir_all(dir.join("pkg")).expect("dir");
        assert_eq!(version(&dir, "pkg"), "unbuilt");
        std::fs::write(dir.join("pkg/nexus.js"), "one").expect("write");
        let first = version(&dir, "pkg");
        assert_eq!(first.len(), 12);
        assert_eq!(version(&dir, "pkg"), first, "stable for the same bytes");
        std::fs::write(dir.join("pkg/nexus.js"), "two").expect("write");
        let second = version(&dir, "pkg");
        assert_ne!(second, first, "new bytes, new version");
        std::fs::write(dir.join("pkg/nexus.css"), "css").expect("write");
        assert_ne!(version(&dir, "pkg"), second, "a new file, new version");
        assert_eq!(bundle_root(&dir, "pkg"), format!("/static/{}", version(&dir, "pkg")));
        assert!(is_bundle_path(&format!("{}/pkg/nexus.wasm", bundle_root(&dir, "pkg"))));
        assert!(is_bundle_path("/pkg/nexus.js") && !is_bundle_path("/static-page"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
