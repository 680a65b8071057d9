//! Operational endpoints: liveness and readiness.
//!
//! Readiness asks the database and the cache (local, cheap, bounded) and reports the upstream
//! from a background probe, never from a live call: `/readyz` is public, and a TMDb call per
//! probe would let anyone spend the outbound budget and make every instance look down. TMDb
//! being down makes an instance degraded, not unready, since stale copies keep serving. After
//! a shutdown signal it answers 503 while in-flight requests drain.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use super::AppState;

/// A check that takes longer than this counts as down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// How often the background probe asks the upstream: one call per interval per instance,
/// however often `/readyz` is asked.
pub const UPSTREAM_PROBE_INTERVAL: Duration = Duration::from_secs(30);

/// What the last upstream probe found.
#[derive(Debug, Clone, PartialEq, Eq)]
enum UpstreamHealth {
    /// Not probed yet (the first probe runs at start-up).
    Unknown,
    Up {
        checked_at: SystemTime,
    },
    Down {
        checked_at: SystemTime,
    },
}

/// Whether this instance should get traffic: draining after a shutdown signal, and the
/// upstream's health as the background probe last saw it.
#[derive(Clone)]
pub struct Readiness {
    draining: Arc<AtomicBool>,
    upstream: Arc<RwLock<UpstreamHealth>>,
}

impl Readiness {
    /// Starts probing the upstream every `interval`, for as long as the readiness is alive.
    pub fn start(catalog: Arc<services::catalog::CatalogService>, interval: Duration) -> Self {
        let readiness = Self {
            draining: Arc::new(AtomicBool::new(false)),
            upstream: Arc::new(RwLock::new(UpstreamHealth::Unknown)),
        };
        let upstream = Arc::downgrade(&readiness.upstream);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let outcome = check(catalog.check_upstream()).await;
                let Some(upstream) = upstream.upgrade() else { break };
                let checked_at = SystemTime::now();
                let health = match outcome {
                    Ok(()) => UpstreamHealth::Up { checked_at },
                    Err(reason) => {
                        tracing::warn!(%reason, "upstream probe failed: serving from the cache while it is down");
                        UpstreamHealth::Down { checked_at }
                    }
                };
                if let Ok(mut slot) = upstream.write() {
                    *slot = health;
                }
            }
        });
        readiness
    }

    /// From now on `/readyz` answers 503, so load balancers stop sending new requests while
    /// the server finishes the ones it has.
    pub fn drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    fn upstream(&self) -> UpstreamHealth {
        self.upstream.read().map_or(UpstreamHealth::Unknown, |health| health.clone())
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        // Browsers ask for /favicon.ico whatever the page says; the icon is an SVG.
        .route("/favicon.ico", get(|| async { axum::response::Redirect::permanent("/favicon.svg") }))
}

/// The process is up and serving.
async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The database and cache are checked; 503 names the ones that failed, or says the instance
/// is draining. The upstream is reported as last probed: down makes the instance `degraded`.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.readiness.draining.load(Ordering::SeqCst) {
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "draining", "failing": [], "checks": {} })));
    }
    let (database, cache) = tokio::join!(check(state.db.ping()), check(state.cache.ping()));
    let mut checks = Map::new();
    let mut failing = Vec::new();
    for (name, kind, outcome) in [("database", state.db.backend(), database), ("cache", state.cache.kind(), cache)] {
        let entry = match outcome {
            Ok(()) => json!({ "status": "up", "kind": kind }),
            Err(reason) => {
                tracing::warn!(check = name, %reason, "readiness check failed");
                failing.push(name);
                json!({ "status": "down", "kind": kind })
            }
        };
        checks.insert(name.to_owned(), entry);
    }
    let seconds_ago = |at: SystemTime| at.elapsed().map_or(0, |elapsed| elapsed.as_secs());
    let upstream = state.readiness.upstream();
    let upstream_down = matches!(upstream, UpstreamHealth::Down { .. });
    checks.insert(
        "upstream".to_owned(),
        match upstream {
            UpstreamHealth::Unknown => json!({ "status": "unknown", "kind": "tmdb" }),
            UpstreamHealth::Up { checked_at } => {
                json!({ "status": "up", "kind": "tmdb", "checked_secs_ago": seconds_ago(checked_at) })
            }
            UpstreamHealth::Down { checked_at } => {
                json!({ "status": "down", "kind": "tmdb", "checked_secs_ago": seconds_ago(checked_at) })
            }
        },
    );
    let (status, label) = match (failing.is_empty(), upstream_down) {
        (false, _) => (StatusCode::SERVICE_UNAVAILABLE, "not_ready"),
        (true, true) => (StatusCode::OK, "degraded"),
        (true, false) => (StatusCode::OK, "ready"),
    };
    (status, Json(json!({ "status": label, "failing": failing, "checks": checks })))
}

async fn check<E: std::fmt::Display>(probe: impl Future<Output = Result<(), E>>) -> Result<(), String> {
    match tokio::time::timeout(CHECK_TIMEOUT, probe).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("timed out".to_owned()),
    }
}
