//! The one error shape of the REST API: `{"error": {"code", "message", "details"?}}`.
//!
//! Service errors arrive classified ([`services::failure::Failure`]: code, message, wait, log
//! level), are logged by that classification once, and are only shaped here; the variants
//! besides `Failure` are refusals of the HTTP layer itself (a body that is not JSON, a missing
//! bearer token, an unknown address). Causes are never sent to the client.

use std::time::Duration;

use api_types::ErrorCode;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use services::accounts::AuthError;
use services::catalog::CatalogError;
use services::failure::{Failure, Subject, sentence};
use services::for_you::ForYouError;
use services::library::LibraryError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A classified service failure, or a refusal of this layer expressed as one.
    #[error("{}", .0.message)]
    Failure(Failure),
    #[error("malformed body: {message}")]
    MalformedBody { message: String, status: u16 },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    /// No usable credentials on a request that needs them.
    #[error("unauthorized: {message}")]
    Unauthorized { message: &'static str },
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The request took longer than `REQUEST_TIMEOUT_SECS`.
    #[error("request timeout")]
    Timeout,
    #[error("internal error")]
    Internal,
}

impl ApiError {
    pub fn invalid(parameter: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Failure(Failure::invalid_parameter(&parameter.into(), &message.into()))
    }

    pub fn invalid_field(field: &'static str, problem: impl Into<String>) -> Self {
        Self::Failure(Failure::invalid_field(field, problem.into()))
    }

    /// Over a rate limit, for `retry_after_secs`.
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self::Failure(Failure::throttled(Duration::from_secs(retry_after_secs)))
    }

    /// Shedding load, for `retry_after_secs`.
    pub fn busy(retry_after_secs: u64) -> Self {
        Self::Failure(Failure::busy(Duration::from_secs(retry_after_secs)))
    }
}

impl From<Failure> for ApiError {
    fn from(failure: Failure) -> Self {
        failure.log();
        Self::Failure(failure)
    }
}

/// Each service error converts through its one classification.
macro_rules! classified {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for ApiError {
            fn from(error: $error) -> Self {
                Failure::from(error).into()
            }
        }
    )*};
}

classified!(CatalogError, AuthError, LibraryError, ForYouError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, message, details, retry_after) = match self {
            Self::Failure(failure) => {
                let details = failure.subject.map(|subject| match subject {
                    Subject::Parameter(parameter) => json!({ "parameter": parameter }),
                    Subject::Field { name, problem } => json!({ "fields": { name: problem } }),
                });
                (failure.code, failure.message, details, failure.retry_after_secs)
            }
            Self::MalformedBody { message, status } => {
                let message = format!("The request body could not be read: {message}");
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
                return shaped(status, ErrorCode::MalformedBody, message, None, None);
            }
            Self::UnsupportedMediaType => (
                ErrorCode::UnsupportedMediaType,
                "Send the body as JSON with `Content-Type: application/json`.".into(),
                None,
                None,
            ),
            Self::PayloadTooLarge => (ErrorCode::PayloadTooLarge, "The request body is too large.".into(), None, None),
            Self::Unauthorized { message } => (ErrorCode::Unauthorized, format!("{}.", sentence(message)), None, None),
            Self::NotFound => (ErrorCode::NotFound, "Nothing exists at this address.".into(), None, None),
            Self::Timeout => {
                (ErrorCode::Timeout, "The request took too long and was stopped. Try again.".into(), None, None)
            }
            Self::MethodNotAllowed => (
                ErrorCode::MethodNotAllowed,
                "This address does not accept that method; `Allow` lists the ones it does.".into(),
                None,
                None,
            ),
            Self::Internal => (ErrorCode::InternalError, "Something went wrong on our side.".into(), None, None),
        };
        let status = StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        shaped(status, code, message, details, retry_after)
    }
}

/// The error body, with `Retry-After` when there is a wait and the bearer challenge on 401.
fn shaped(
    status: StatusCode,
    code: ErrorCode,
    message: String,
    details: Option<Value>,
    retry_after: Option<u64>,
) -> Response {
    let mut error = json!({ "code": code.as_str(), "message": message });
    if let Some(details) = details {
        error["details"] = details;
    }
    let mut response = (status, Json(json!({ "error": error }))).into_response();
    let headers = response.headers_mut();
    if let Some(seconds) = retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    if code == ErrorCode::Unauthorized {
        headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Bearer realm="nexus", error="invalid_token""#),
        );
    }
    response
}
