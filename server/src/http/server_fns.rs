//! Server-function failures answer with the status their `AppError` means, and the way back
//! after a form posted without JavaScript is a clean address.
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
    let mut response = next.run(request).await;
    if response.status().is_redirection() {
        tidy_location(response.headers_mut());
        return response;
    }
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
        if let Some(seconds) = error.retry_after_secs {
            parts.headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Leptos sends a form posted without JavaScript back to the page it came from with that
/// page's `__err` parameter removed, which leaves `/for-you?` when it was the only one: the
/// same page, but an address that reads like a bug (and differs from the one bookmarked).
fn tidy_location(headers: &mut axum::http::HeaderMap) {
    let tidy = headers
        .get(header::LOCATION)
        .and_then(|location| location.to_str().ok())
        .and_then(|location| location.strip_suffix('?'))
        .and_then(|location| HeaderValue::from_str(location).ok());
    if let Some(tidy) = tidy {
        headers.insert(header::LOCATION, tidy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_query_is_dropped_from_the_way_back() {
        let location = |value: &'static str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(header::LOCATION, HeaderValue::from_static(value));
            tidy_location(&mut headers);
            headers[header::LOCATION].to_str().expect("ascii").to_owned()
        };
        assert_eq!(location("http://h/for-you?"), "http://h/for-you");
        assert_eq!(location("/?"), "/");
        assert_eq!(location("/discover?genre=18"), "/discover?genre=18");
        assert_eq!(location("/search?q=%3F"), "/search?q=%3F");
    }
}
