//! Start-up: builds the services, the background tasks and the HTTP layer's state
//! ([`AppState`], which the HTTP layer owns) from the configuration, once.

use std::sync::Arc;

use leptos::prelude::LeptosOptions;
use services::accounts::password::HashPool;
use services::accounts::{AccountService, AuthLimits, library_store_for, store_for};
use services::cache::{CacheStore, MemoryStore, RedisStore};
use services::catalog::CatalogService;
use services::db::Database;
use services::for_you::ForYouService;
use services::library::{LibraryService, MovieSnapshots};
use services::limits::{Limiter, Rate};
use services::tmdb::TmdbClient;

use crate::config::{AppEnv, Config, MetricsAccess};
use crate::http::ops::{Readiness, UPSTREAM_PROBE_INTERVAL};
use crate::http::security_headers::SecurityHeaders;
use crate::http::session::BrowserSessions;
use crate::http::throttle::ClientRateLimits;
use crate::http::{AppState, AppStateInner};
use crate::upstream::{self, Upstream};

/// How often expired refresh tokens and ended sessions are deleted.
const SESSION_PURGE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Database(#[from] services::db::DbError),
    #[error("REDIS_URL: {0}")]
    Cache(#[from] services::cache::StoreError),
    #[error("TMDb client: {0}")]
    Tmdb(#[from] services::tmdb::TmdbError),
    #[error("could not listen on LEPTOS_SITE_ADDR: {0}")]
    Listen(#[source] std::io::Error),
    #[error("could not create DATA_DIR: {0}")]
    DataDir(#[source] std::io::Error),
    #[error("could not start the built-in TMDb emulator: {0}")]
    Emulator(#[source] std::io::Error),
}

/// The state, plus what must live as long as the server (the in-process emulator).
pub struct Started {
    pub state: AppState,
    pub upstream: Upstream,
}

pub async fn build(config: &Config, leptos_options: LeptosOptions) -> Result<Started, StartError> {
    let public_url = config.public_url()?;
    crate::config::create_private_dir(&config.data_dir).map_err(StartError::DataDir)?;
    // The embedded database holds password hashes: created readable by its owner only
    // (SQLite gives its journal files the same mode). An empty file is a new database.
    if config.database_url.is_none() {
        match crate::config::write_private_file(&config.embedded_database_path(), b"") {
            Err(error) if error.kind() != std::io::ErrorKind::AlreadyExists => return Err(StartError::DataDir(error)),
            _ => {}
        }
    }
    // Checked before anything else, so a production server without a secret never starts.
    let jwt_secret = config.jwt_secret()?;
    let metrics_access = config.metrics_access()?;
    if metrics_access == MetricsAccess::Off {
        tracing::info!("METRICS_TOKEN not set: /metrics is off in production");
    }
    if config.app_env == AppEnv::Production && config.trusted_proxies.is_empty() {
        // Right when clients connect directly; behind a load balancer every user would share
        // its address, and so one rate limit.
        tracing::warn!(
            "TRUSTED_PROXIES is empty: each connection's peer address is taken as the client's; \
             behind a load balancer or reverse proxy, list its addresses"
        );
    }
    if config.app_env == AppEnv::Production && config.redis_url.is_none() {
        tracing::warn!("REDIS_URL is not set: rate limits are per instance, so N instances allow N times as much");
    }

    let db = Database::connect_lazy(&config.database_url())?;
    db.migrate().await?;
    tracing::info!(backend = db.backend(), "database ready, migrations applied");

    // Redis, when configured, holds the catalog cache and every instance's shared rate limits.
    let redis = config.redis_url.as_deref().map(|url| RedisStore::new(url, "nexus:")).transpose()?.map(Arc::new);
    let cache: Arc<dyn CacheStore> = match &redis {
        Some(redis) => redis.clone(),
        None => Arc::new(MemoryStore::new(config.memory_cache_mib * 1024 * 1024)),
    };
    tracing::info!(store = cache.kind(), "cache ready");

    let upstream = upstream::start(config, &public_url).await.map_err(StartError::Emulator)?;
    let tmdb = Arc::new(TmdbClient::new(upstream.tmdb.clone())?);
    let account_store = store_for(&db);
    let library_store = library_store_for(&db);
    // Movies users saved follow TMDb: refreshed when their details are fetched, marked when gone.
    let catalog = Arc::new(
        CatalogService::new(tmdb, cache.clone(), config.cache_ttls())
            .with_movie_observer(Arc::new(MovieSnapshots::new(library_store.clone()))),
    );
    let accounts = Arc::new(
        AccountService::new(
            account_store.clone(),
            jwt_secret.as_bytes(),
            AuthLimits::new(config.registrations_per_hour, redis.clone()),
        )
        .with_hash_pool(match config.password_hash_concurrency {
            Some(concurrency) => HashPool::new(usize::from(concurrency), HashPool::per_core().retry_after()),
            None => HashPool::per_core(),
        })
        .with_refresh_reuse_grace(std::time::Duration::from_secs(config.refresh_reuse_grace_secs))
        .with_session_max_age(std::time::Duration::from_secs(u64::from(config.session_max_days) * 24 * 3600)),
    );
    accounts.purge_sessions_periodically(SESSION_PURGE_INTERVAL);
    let for_you = Arc::new(ForYouService::new(
        library_store.clone(),
        catalog.clone(),
        cache.clone(),
        std::time::Duration::from_secs(config.cache_ttl_trending),
    ));
    let library = Arc::new(LibraryService::new(library_store, catalog.clone(), for_you.clone()));

    // Over https the session cookies are `Secure` and `__Host-` prefixed.
    let cookies = app::server::SessionCookies::new(public_url.starts_with("https://"));
    let sessions = BrowserSessions::new(
        accounts.clone(),
        cookies,
        config.trusted_proxies.clone(),
        std::time::Duration::from_secs(config.refresh_reuse_grace_secs),
    );

    let https = public_url.starts_with("https://");
    let live_reload = config.live_reload()?;
    // The port the page's reload script dials (cargo-leptos' own server, not this one).
    let live_reload_port =
        live_reload.then(|| leptos_options.reload_external_port.unwrap_or(leptos_options.reload_port));
    // The emulator's images come from this origin; TMDb's from its CDN.
    let image_origin = upstream.emulator.is_none().then(|| "https://image.tmdb.org".to_owned());

    let catalog_for_probe = catalog.clone();
    let state = AppState::new(AppStateInner {
        leptos_options,
        catalog,
        accounts,
        library,
        for_you,
        cache,
        db,
        public_url: public_url.into(),
        emulator: upstream.emulator.as_ref().map(|running| running.emulator.clone()),
        sessions,
        client_limits: ClientRateLimits {
            api: Rate::per_second(config.api_rate_limit_per_second, config.api_rate_limit_burst)
                .map(|rate| Limiter::new("api", rate, redis.clone())),
            ui: Rate::per_second(config.ui_rate_limit_per_second, config.ui_rate_limit_burst)
                .map(|rate| Limiter::new("ui", rate, redis.clone())),
        },
        cors_origins: config.cors_origins.clone().into(),
        security_headers: SecurityHeaders::new(image_origin, https, live_reload_port),
        live_reload,
        metrics_access,
        readiness: Readiness::start(catalog_for_probe, UPSTREAM_PROBE_INTERVAL),
        request_timeout: std::time::Duration::from_secs(config.request_timeout_secs),
        request_slots: Arc::new(tokio::sync::Semaphore::new(
            usize::try_from(config.max_concurrent_requests).unwrap_or(usize::MAX),
        )),
    });
    Ok(Started { state, upstream })
}
