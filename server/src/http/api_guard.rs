//! What stands in front of every `/api` route besides its rate limit (`throttle`): a 64 KiB
//! body limit, CORS for the origins allowed by `CORS_ORIGINS`, and the API's JSON error shape
//! for the answers axum itself gives (405).

use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::error::ApiError;

/// The largest request body `/api` reads.
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

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
