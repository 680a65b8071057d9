//! Per-client rate limits on everything a stranger can reach that does work: the REST API,
//! and the pages with their server functions (`/rpc`). Each has its own budget, keyed by the
//! client's network ([`client_key`]: IPv4 address or IPv6 /64) and shared by every instance
//! through Redis when it is configured. Static files and operations endpoints are not counted.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use services::limits::{Limiter, client_key, retry_after_secs};

use super::error::ApiError;
use super::session::{ClientIp, is_sessionless};

/// The two budgets; `None` where a limit is turned off.
#[derive(Clone)]
pub struct ClientRateLimits {
    pub api: Option<Limiter>,
    pub ui: Option<Limiter>,
}

/// The key the client of `request` is limited by.
fn client_of(request: &Request) -> Option<String> {
    request.extensions().get::<ClientIp>().map(|ClientIp(ip)| client_key(*ip))
}

/// How long `client` must wait under `limiter`, in whole seconds, if it must.
async fn over_limit(limiter: Option<&Limiter>, client: Option<String>) -> Option<u64> {
    let wait = limiter?.check(&client?).await.err()?;
    Some(retry_after_secs(wait))
}

/// `/api`: 429 in the API's error shape, with `Retry-After`.
pub async fn api(State(limits): State<ClientRateLimits>, request: Request, next: Next) -> Response {
    if let Some(retry_after_secs) = over_limit(limits.api.as_ref(), client_of(&request)).await {
        metrics::counter!("api_rate_limited_total").increment(1);
        return ApiError::too_many_requests(retry_after_secs).into_response();
    }
    next.run(request).await
}

/// Pages and server functions. A page load is one request for the HTML and a few server
/// function calls from its islands (the bundle is static and not counted), so the budget is
/// sized for people clicking and typing quickly, and only scripts meet it. A server function
/// is refused with the error its island shows ("Too many attempts…"), a page with a short
/// HTML page.
pub async fn ui(State(limits): State<ClientRateLimits>, request: Request, next: Next) -> Response {
    if is_sessionless(request.uri().path()) {
        return next.run(request).await;
    }
    let Some(retry_after_secs) = over_limit(limits.ui.as_ref(), client_of(&request)).await else {
        return next.run(request).await;
    };
    metrics::counter!("ui_rate_limited_total").increment(1);
    // The body is filled in by `error_pages`: the island's error for a server function, a
    // short page for a page.
    let mut response = StatusCode::TOO_MANY_REQUESTS.into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}
