//! The hydrate bundle (WASM, JS, CSS) under a path that names its content,
//! `/pkg/{version}/…`, so browsers may keep it for a year without asking again: a new build has
//! a new version, and pages name the new path, so nobody runs stale code. The same files stay
//! reachable under plain `/pkg/` (revalidated on every use) for anything that links them there.

use std::path::Path;

use axum::Router;
use axum::http::{HeaderValue, header};
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;

/// The bundle's files, whose bytes make the version.
const BUNDLE: [&str; 3] = ["js", "wasm", "css"];

/// 12 hex digits of the SHA-256 of the bundle's files, or `unbuilt` when there are none yet
/// (a server started before `cargo leptos build`).
pub fn version(site_root: &Path, output_name: &str) -> String {
    let mut hasher = Sha256::new();
    let mut found = false;
    for extension in BUNDLE {
        if let Ok(bytes) = std::fs::read(site_root.join("pkg").join(format!("{output_name}.{extension}"))) {
            hasher.update(extension.as_bytes());
            hasher.update(&bytes);
            found = true;
        }
    }
    if !found {
        return "unbuilt".to_owned();
    }
    hasher.finalize().iter().take(6).map(|byte| format!("{byte:02x}")).collect()
}

/// `/{versioned_pkg_dir}/*` (`/pkg/{version}/*`) from the site's `pkg` folder, immutable for a
/// year.
pub fn router(site_root: &Path, versioned_pkg_dir: &str) -> Router<AppState> {
    let files = ServeDir::new(site_root.join("pkg"));
    Router::new().nest_service(
        &format!("/{versioned_pkg_dir}"),
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
        assert_eq!(version(&dir, "nexus"), "unbuilt");
        std::fs::write(dir.join("pkg/nexus.js"), "one").expect("write");
        let first = version(&dir, "nexus");
        assert_eq!(first.len(), 12);
        assert_eq!(version(&dir, "nexus"), first, "stable for the same bytes");
        std::fs::write(dir.join("pkg/nexus.js"), "two").expect("write");
        assert_ne!(version(&dir, "nexus"), first, "new bytes, new version");
        let _ = std::fs::remove_dir_all(dir);
    }
}
