//! The bodies of the error answers that the layers in front of the routes give: a request that
//! timed out, was shed under overload or rate limited, a handler that panicked, axum's own 405.
//! Those layers answer with a status (and `Retry-After`) only; this fills the body in, in the
//! form the caller reads: the API's JSON error shape under `/api`, the server functions' error
//! under `/rpc`, a short page elsewhere. API errors and pages carry the request id, so that a
//! report can be matched with the logs.

use api_types::ErrorCode;
use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

use super::api_guard;
use super::error::ApiError;

/// Who reads an answer, by the address asked for.
enum Reader {
    Api,
    ServerFunction,
    Browser,
}

impl Reader {
    fn of(path: &str) -> Self {
        if path == "/api" || path.starts_with("/api/") {
            Self::Api
        } else if path.starts_with(app::SERVER_FN_PREFIX) {
            Self::ServerFunction
        } else {
            Self::Browser
        }
    }
}

pub async fn fill_error_bodies(request: Request, next: Next) -> Response {
    let request_id = request.headers().get("x-request-id").and_then(|id| id.to_str().ok()).map(str::to_owned);
    let reader = Reader::of(request.uri().path());
    let response = next.run(request).await;
    let status = response.status();
    let is_error = status.is_client_error() || status.is_server_error();
    if !is_error || response.body().size_hint().exact() != Some(0) {
        return response;
    }
    let retry_after_secs = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let filled = match reader {
        Reader::Api => {
            let error = api_error(status, retry_after_secs).into_response();
            match request_id {
                Some(request_id) => api_guard::with_request_id(error, request_id).await,
                None => error,
            }
        }
        Reader::ServerFunction => server_function_error(status, retry_after_secs),
        Reader::Browser => page(status, retry_after_secs, request_id.as_deref()),
    };
    // The status and headers the layer chose (`Retry-After`, `Allow`, …), with the new body.
    let (mut parts, _) = response.into_parts();
    let (filled_parts, body) = filled.into_parts();
    for (name, value) in &filled_parts.headers {
        parts.headers.insert(name.clone(), value.clone());
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}

fn api_error(status: StatusCode, retry_after_secs: Option<u64>) -> ApiError {
    let retry_after_secs = retry_after_secs.unwrap_or(1);
    match status {
        StatusCode::NOT_FOUND => ApiError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::REQUEST_TIMEOUT => ApiError::Timeout,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::TOO_MANY_REQUESTS => ApiError::too_many_requests(retry_after_secs),
        StatusCode::SERVICE_UNAVAILABLE => ApiError::busy(retry_after_secs),
        status if status.is_client_error() => {
            ApiError::MalformedBody { message: "the request was refused".into(), status: status.as_u16() }
        }
        _ => ApiError::Internal,
    }
}

fn server_function_error(status: StatusCode, retry_after_secs: Option<u64>) -> Response {
    let seconds = retry_after_secs.unwrap_or(1);
    let error = match status {
        StatusCode::TOO_MANY_REQUESTS => app::AppError::waiting(ErrorCode::TooManyRequests, seconds),
        StatusCode::SERVICE_UNAVAILABLE => app::AppError::waiting(ErrorCode::ServerBusy, seconds),
        StatusCode::PAYLOAD_TOO_LARGE => {
            app::AppError::new(ErrorCode::PayloadTooLarge, "That is too much to send at once.")
        }
        StatusCode::NOT_FOUND => app::AppError::not_found(),
        _ => app::AppError::internal(),
    };
    let mut response = Body::from(serde_json::to_vec(&error).unwrap_or_default()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(SERVER_FN_ERROR_HEADER, HeaderValue::from_static("true"));
    response
}

/// A page that stands on its own (no stylesheet, no script): whatever failed, it renders.
fn page(status: StatusCode, retry_after_secs: Option<u64>, request_id: Option<&str>) -> Response {
    let wait = retry_after_secs.map_or_else(
        || "Please wait a moment and try again.".to_owned(),
        |secs| format!("Please wait {secs} seconds and try again."),
    );
    let (title, message) = match status {
        StatusCode::NOT_FOUND => ("Page not found", "There is nothing at this address.".to_owned()),
        StatusCode::METHOD_NOT_ALLOWED => ("Not allowed", "This address does not accept that kind of request.".into()),
        StatusCode::REQUEST_TIMEOUT => {
            ("That took too long", "The server gave up on this request. Please reload the page.".into())
        }
        StatusCode::PAYLOAD_TOO_LARGE => ("Too much at once", "That was more than this address accepts.".into()),
        StatusCode::TOO_MANY_REQUESTS => {
            ("Too many requests", format!("This address sent more requests than a person would. {wait}"))
        }
        StatusCode::SERVICE_UNAVAILABLE => {
            ("Busy right now", format!("The server has more to do than it can take. {wait}"))
        }
        status if status.is_client_error() => ("Request refused", "The server could not accept this request.".into()),
        _ => ("Something went wrong", "This is our fault, and it has been logged. Please try again.".into()),
    };
    // The id is a short token of safe characters (`drop_unsafe_request_id`): nothing to escape.
    let reference = request_id
        .map(|id| format!("<p>If you report this, quote the reference <code>{id}</code>.</p>"))
        .unwrap_or_default();
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Nexus</title></head><body><main><h1>{title}</h1><p>{message}</p>{reference}\
         <p><a href=\"/\">Back to trending movies</a></p></main></body></html>"
    );
    let mut response = html.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn html(status: StatusCode, retry_after_secs: Option<u64>, request_id: Option<&str>) -> String {
        let body = page(status, retry_after_secs, request_id).into_body();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[tokio::test]
    async fn pages_say_what_happened_and_quote_the_reference() {
        let busy = html(StatusCode::TOO_MANY_REQUESTS, Some(7), Some("abc-123")).await;
        assert!(busy.contains("Too many requests") && busy.contains("wait 7 seconds"), "{busy}");
        assert!(busy.contains("<code>abc-123</code>"), "{busy}");
        let crashed = html(StatusCode::INTERNAL_SERVER_ERROR, None, None).await;
        assert!(crashed.contains("Something went wrong") && !crashed.contains("reference"), "{crashed}");
    }
}
