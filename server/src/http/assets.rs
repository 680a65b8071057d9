//! The hydrate bundle (WASM, JS, CSS) under a path that names its content,
//! `/static/{version}/pkg/…`, so browsers may keep it for a year without asking again: a new
//! build has a new version, and pages name the new path, so nobody runs stale code. The same
//! files stay reachable under plain `/pkg/` (revalidated on every use) for anything that links
//! them there.
//!
//! A release build is precompressed (`cargo leptos build --release --precompress` writes a
//! `.br` and a `.gz` beside each file, at brotli's best quality): those are served as they
//! are to a browser that accepts them, and the response compression layer leaves every bundle
//! file alone ([`ServedAsBuilt`]), so what is measured (`bench/weight.sh`) is what is sent, and
//! no request pays for compressing a megabyte of WASM. A debug build has no compressed copies
//! and serves the files raw.
//!
//! The version is a prefix in front of Leptos' `pkg` folder (the `root` of its hydration
//! scripts) rather than a renamed folder, so the folder on disk keeps the name Leptos and
//! cargo-leptos give it (`site_pkg_dir`).

use std::path::Path;

use axum::Router;
use axum::http::{HeaderValue, Response, header};
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

/// A response extension on a file served exactly as the build wrote it (compressed at build
/// time, or deliberately raw): the response compression layer skips these.
#[derive(Debug, Clone, Copy)]
pub struct ServedAsBuilt;

/// `{bundle_root}/{pkg_dir}/*` from the site's `pkg_dir` folder, immutable for a year; the
/// build's `.br` or `.gz` copy when the browser accepts it. Under `cargo leptos watch`
/// (`live_reload`) the files change under the same version, so they are revalidated instead.
pub fn router(site_root: &Path, pkg_dir: &str, bundle_root: &str, live_reload: bool) -> Router<AppState> {
    let cache_control = if live_reload { "no-cache" } else { "public, max-age=31536000, immutable" };
    let files = ServeDir::new(site_root.join(pkg_dir)).precompressed_br().precompressed_gzip();
    Router::new().nest_service(
        &format!("{bundle_root}/{pkg_dir}"),
        tower::ServiceBuilder::new()
            .map_response(|mut response: Response<_>| {
                response.extensions_mut().insert(ServedAsBuilt);
                response
            })
            .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static(cache_control)))
            // The same address answers br, gzip or raw bytes depending on the request.
            .layer(SetResponseHeaderLayer::if_not_present(header::VARY, HeaderValue::from_static("accept-encoding")))
            .service(files),
    )
}

/// Whether the site's bundle has its compressed copies (`--precompress`): a release server
/// without them sends the WASM uncompressed, which start-up warns about.
pub fn is_precompressed(site_root: &Path, pkg_dir: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(site_root.join(pkg_dir)) else { return false };
    entries.filter_map(Result::ok).any(|entry| entry.path().extension().is_some_and(|ext| ext == "br"))
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
