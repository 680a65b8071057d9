//! Everything a request handler or server function may need: built once at start-up (by
//! `crate::state::build`) and owned here, by the HTTP layer that reads it, so the HTTP modules
//! depend on nothing above them.

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use services::accounts::AccountService;
use services::cache::CacheStore;
use services::catalog::CatalogService;
use services::db::Database;
use services::for_you::ForYouService;
use services::library::LibraryService;

use super::ops::Readiness;
use super::security_headers::SecurityHeaders;
use super::session::BrowserSessions;
use super::throttle::ClientRateLimits;
use crate::config::MetricsAccess;

/// A handle on the shared state: cloning it is one reference count. axum clones the state for
/// every request, once per layer that holds it and once per `State` extractor; with the fields
/// inline that was a dozen reference counts, two strings and the Leptos options each time.
#[derive(Clone)]
pub struct AppState(Arc<AppStateInner>);

impl AppState {
    pub fn new(inner: AppStateInner) -> Self {
        Self(Arc::new(inner))
    }
}

impl Deref for AppState {
    type Target = AppStateInner;

    fn deref(&self) -> &AppStateInner {
        &self.0
    }
}

/// leptos_axum's page and file handlers read the options from the router's state.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Cloneable so that a test can build a state that differs in one field.
#[derive(Clone)]
pub struct AppStateInner {
    pub leptos_options: LeptosOptions,
    pub catalog: Arc<CatalogService>,
    pub accounts: Arc<AccountService>,
    /// The user's movies: favorites, watchlist, seen and ratings, not interested.
    pub library: Arc<LibraryService>,
    pub for_you: Arc<ForYouService>,
    pub cache: Arc<dyn CacheStore>,
    pub db: Database,
    pub public_url: Arc<str>,
    /// The built-in emulator, when it serves the catalog (for its image routes).
    pub emulator: Option<Arc<emulator::Emulator>>,
    /// Browser sessions (cookies) and client addresses.
    pub sessions: BrowserSessions,
    /// Per-client limits on `/api` and on pages with their server functions.
    pub client_limits: ClientRateLimits,
    /// Origins allowed to call `/api` from a browser.
    pub cors_origins: Arc<[String]>,
    pub security_headers: SecurityHeaders,
    /// Under `cargo leptos watch`: the bundle changes while the server runs.
    pub live_reload: bool,
    /// Who may read `/metrics`.
    pub metrics_access: MetricsAccess,
    /// Draining, and the upstream as last probed, for `/readyz`.
    pub readiness: Readiness,
    /// The most one request may take, and how many are handled at once.
    pub request_timeout: std::time::Duration,
    pub request_slots: Arc<tokio::sync::Semaphore>,
}
