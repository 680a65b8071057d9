//! What stands in front of every `/api` route: a per-client rate limit, a 64 KiB body limit,
//! CORS for the origins allowed by `CORS_ORIGINS`, and the API's JSON error shape for the
//! answers axum itself gives (405).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::error::ApiError;
use super::session::ClientIp;

/// The largest request body `/api` reads.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// Requests per client address, for `/api`.
#[derive(Clone)]
pub struct ApiRateLimit {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl ApiRateLimit {
    /// `None` when `per_second` is 0 (no limit).
    pub fn new(per_second: u32, burst: u32) -> Option<Self> {
        let per_second = NonZeroU32::new(per_second)?;
        let burst = NonZeroU32::new(burst).unwrap_or(per_second);
        let limiter = Arc::new(RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst)));
        // Forget clients that have been quiet, so the table does not grow without bound.
        let weak = Arc::downgrade(&limiter);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                let Some(limiter) = weak.upgrade() else { break };
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        });
        Some(Self { limiter })
    }

    /// How long `client` must wait, or `None` if it may go ahead now.
    fn check(&self, client: IpAddr) -> Option<Duration> {
        self.limiter.check_key(&client).err().map(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// 429 with `Retry-After` for a client over its rate.
pub async fn rate_limit(State(limit): State<Option<ApiRateLimit>>, request: Request, next: Next) -> Response {
    if let (Some(limit), Some(ClientIp(client))) = (&limit, request.extensions().get::<ClientIp>())
        && let Some(wait) = limit.check(*client)
    {
        metrics::counter!("api_rate_limited_total").increment(1);
        let retry_after_secs = wait.as_secs_f64().ceil().max(1.0) as u64;
        return ApiError::TooManyRequests { retry_after_secs }.into_response();
    }
    next.run(request).await
}

/// axum answers a known path with an unknown method by an empty 405; the API answers in its
/// error shape, keeping the `Allow` header.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut json = ApiError::MethodNotAllowed.into_response();
    if let Some(allow) = allow {
        json.headers_mut().insert(header::ALLOW, allow);
    }
    json
}

/// CORS for other frontends: only the configured origins, bearer tokens only (never cookies,
/// so never `Access-Control-Allow-Credentials`, and so a wildcard is safe).
pub fn cors(origins: &[String]) -> CorsLayer {
    let allow_origin = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|origin| HeaderValue::from_str(origin).ok()))
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([
            header::RETRY_AFTER,
            header::WWW_AUTHENTICATE,
            header::HeaderName::from_static("x-request-id"),
        ])
        .max_age(Duration::from_secs(600))
}
