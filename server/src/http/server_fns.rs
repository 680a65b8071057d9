//! Server-function failures answer with the status their `AppError` means.
//!
//! Leptos answers every server-function error with 500 and the error in the body (marked by
//! its `serverfnerror` header). Left so, a mistyped password or a throttled sign-in would count
//! as a server failure in the logs, the metrics and any proxy's health checks. The browser's
//! server-function client decodes the error from any 4xx or 5xx, so only the status changes.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

use app::AppError;

/// An `AppError` body is a few hundred bytes; anything larger is not one.
const ERROR_BODY_LIMIT_BYTES: usize = 64 * 1024;

pub async fn error_statuses(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, ERROR_BODY_LIMIT_BYTES).await else {
        tracing::error!("a server function's error body could not be read");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = error.status();
        if let AppError::Throttled { seconds } | AppError::Busy { seconds } = error {
            parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
