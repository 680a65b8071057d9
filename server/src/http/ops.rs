//! Operational endpoints: liveness and readiness.

use std::future::Future;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use crate::state::AppState;

/// A check that takes longer than this counts as down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

/// The process is up and serving.
async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Each dependency is checked; 503 names the ones that failed.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let (database, cache, upstream) =
        tokio::join!(check(state.db.ping()), check(state.cache.ping()), check(state.catalog.check_upstream()),);
    let mut checks = Map::new();
    let mut failing = Vec::new();
    for (name, kind, outcome) in [
        ("database", state.db.backend(), database),
        ("cache", state.cache.kind(), cache),
        ("upstream", "tmdb", upstream),
    ] {
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
    let ready = failing.is_empty();
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = json!({ "status": if ready { "ready" } else { "not_ready" }, "failing": failing, "checks": checks });
    (status, Json(body))
}

async fn check<E: std::fmt::Display>(probe: impl Future<Output = Result<(), E>>) -> Result<(), String> {
    match tokio::time::timeout(CHECK_TIMEOUT, probe).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("timed out".to_owned()),
    }
}
