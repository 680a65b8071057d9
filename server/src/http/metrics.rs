//! Prometheus metrics at `/metrics`: requests and latency by route and status (here), cache
//! lookups and TMDb calls, retries and failures (recorded in `services`), and database pool use
//! (read at scrape time). Who may read them is configured (`METRICS_TOKEN`, see `config`).

use std::sync::OnceLock;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::AppState;
use crate::config::MetricsAccess;
use crate::http::assets;
use crate::http::error::ApiError;

/// Latency buckets, seconds: from a cached read (sub-millisecond) to a TMDb call at its budget.
const LATENCY_BUCKETS: [f64; 14] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The process-wide recorder (the `metrics` facade has one per process), installed on first use.
pub fn handle() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full("http_request_duration_seconds".into()), &LATENCY_BUCKETS)
                .and_then(|builder| builder.install_recorder());
            match recorder {
                Ok(handle) => Some(handle),
                Err(error) => {
                    tracing::error!(%error, "could not install the metrics recorder; /metrics will be empty");
                    None
                }
            }
        })
        .clone()
}

/// Counts and times every request by its route template (never the raw path, which would make
/// one series per movie id), method and status.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route =
        request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_owned()).unwrap_or_else(|| {
            if assets::is_bundle_path(request.uri().path()) { "/pkg/*".into() } else { "other".into() }
        });
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    response
}

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(render))
}

async fn render(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match &state.metrics_access {
        MetricsAccess::Open => {}
        MetricsAccess::Token(token) if presents(&headers, token) => {}
        MetricsAccess::Token(_) => {
            return ApiError::Unauthorized { message: "the metrics need their bearer token" }.into_response();
        }
        MetricsAccess::Off => return ApiError::NotFound.into_response(),
    }
    let pool = state.db.pool_use();
    metrics::gauge!("db_pool_connections", "state" => "open").set(f64::from(pool.open));
    metrics::gauge!("db_pool_connections", "state" => "idle").set(f64::from(pool.idle));
    metrics::gauge!("db_pool_connections", "state" => "max").set(f64::from(pool.max));
    let body = handle().map(|handle| handle.render()).unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}

/// Whether the request carries `Authorization: Bearer <token>`, compared in constant time so
/// that response times do not leak the token a byte at a time.
fn presents(headers: &HeaderMap, token: &str) -> bool {
    use subtle::ConstantTimeEq;
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    bool::from(presented.as_bytes().ct_eq(token.as_bytes()))
}
