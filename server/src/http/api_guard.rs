//! What stands in front of every route besides the rate limits (`throttle`): a 64 KiB body
//! limit, a cap on requests handled at once, panics answered instead of dropped connections;
//! and for `/api`, CORS for the origins allowed by `CORS_ORIGINS`, the API's JSON error shape
//! for the answers axum itself gives (405), and the request id in every error body.

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::error::ApiError;

/// The largest request body any route reads (the API's JSON, server functions' forms).
pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

/// 503 with `Retry-After` at once when every request slot is taken: under overload, shedding
/// beats a queue that grows until every request times out.
pub async fn shed_overload(State(slots): State<Arc<tokio::sync::Semaphore>>, request: Request, next: Next) -> Response {
    let Ok(_slot) = slots.try_acquire_owned() else {
        metrics::counter!("http_requests_shed_total").increment(1);
        // The body is filled in by `error_pages`, in the form the caller reads.
        let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    next.run(request).await
}

fn log_panic(payload: &(dyn Any + Send)) {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned());
    tracing::error!(panic = %message, "a request handler panicked");
}

/// A panic: a 500 whose body `error_pages` fills in for its reader (the API's JSON error under
/// `/api`, a page elsewhere), never a dropped connection.
pub fn panic_without_body(payload: Box<dyn Any + Send + 'static>) -> Response {
    log_panic(payload.as_ref());
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// Token answers (`/api/auth/…`, RFC 6749 §5.1) and whatever a bearer token was shown for are
/// private to one user: `Cache-Control: no-store`.
pub async fn no_store_private(request: Request, next: Next) -> Response {
    let private =
        request.uri().path().starts_with("/api/auth/") || request.headers().contains_key(header::AUTHORIZATION);
    let mut response = next.run(request).await;
    if private {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Puts the request's id into every API error body (`error.request_id`), so that a report
/// from a frontend developer can be found in the logs.
pub async fn error_request_id(request: Request, next: Next) -> Response {
    let request_id = request.headers().get("x-request-id").and_then(|id| id.to_str().ok()).map(str::to_owned);
    let response = next.run(request).await;
    let is_error = response.status().is_client_error() || response.status().is_server_error();
    match request_id {
        Some(request_id) if is_error => with_request_id(response, request_id).await,
        _ => response,
    }
}

/// `response` with `request_id` in its JSON error body; any other body is left as it is.
pub async fn with_request_id(response: Response, request_id: String) -> Response {
    let is_json = response.headers().get(header::CONTENT_TYPE).is_some_and(|kind| kind == "application/json");
    if !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(_) => return Response::from_parts(parts, Body::from(bytes)),
    };
    let Some(error) = value.get_mut("error").and_then(|error| error.as_object_mut()) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    error.insert("request_id".to_owned(), serde_json::Value::String(request_id));
    let bytes = serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
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
