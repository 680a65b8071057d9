//! The one error shape of the REST API: `{"error": {"code", "message", "details"?}}`.
//! 5xx causes are logged here with their detail and never sent to the client.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use services::accounts::AuthError;
use services::catalog::CatalogError;
use services::library::LibraryError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid parameter `{parameter}`: {message}")]
    InvalidParameter { parameter: String, message: String },
    /// The body parsed, but a field's value is refused.
    #[error("invalid field `{field}`: {message}")]
    InvalidField { field: &'static str, message: String },
    #[error("malformed body: {message}")]
    MalformedBody { message: String, status: u16 },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unauthorized: {message}")]
    Unauthorized { message: &'static str },
    #[error("conflict: {message}")]
    Conflict { message: &'static str },
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("server busy")]
    Busy { retry_after_secs: u64 },
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The request took longer than `REQUEST_TIMEOUT_SECS`.
    #[error("request timeout")]
    Timeout,
    #[error("upstream unavailable")]
    Unavailable,
    #[error("database unavailable")]
    DatabaseUnavailable,
    #[error("upstream misconfigured")]
    BadGateway,
    #[error("internal error")]
    Internal,
}

impl From<LibraryError> for ApiError {
    fn from(error: LibraryError) -> Self {
        match error {
            LibraryError::InvalidInput { parameter, message } => Self::invalid(parameter, message),
            LibraryError::UnknownMovie | LibraryError::NotFound => Self::NotFound,
            LibraryError::Catalog(cause) => cause.into(),
            LibraryError::Store(cause) => AuthError::from(cause).into(),
            LibraryError::DatabaseUnavailable => Self::DatabaseUnavailable,
            LibraryError::Internal(cause) => {
                tracing::error!(error = %cause, "the library failed");
                Self::Internal
            }
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        match error {
            AuthError::InvalidEmail => Self::InvalidField { field: "email", message: error.to_string() },
            AuthError::WeakPassword(_) => Self::InvalidField { field: "password", message: error.to_string() },
            AuthError::EmailTaken => Self::Conflict { message: "that email address already has an account" },
            AuthError::InvalidCredentials => Self::Unauthorized { message: "invalid email or password" },
            AuthError::InvalidRefreshToken => {
                Self::Unauthorized { message: "the refresh token is invalid, expired or already used" }
            }
            AuthError::InvalidAccessToken(_) => {
                Self::Unauthorized { message: "the access token is invalid or expired" }
            }
            AuthError::Throttled { retry_after } => {
                Self::TooManyRequests { retry_after_secs: services::limits::retry_after_secs(retry_after) }
            }
            AuthError::Busy { retry_after } => {
                Self::Busy { retry_after_secs: services::limits::retry_after_secs(retry_after) }
            }
            AuthError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "account store unavailable");
                Self::DatabaseUnavailable
            }
            AuthError::Internal(cause) => {
                tracing::error!(error = %cause, "accounts failed");
                Self::Internal
            }
        }
    }
}

impl ApiError {
    pub fn invalid(parameter: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidParameter { parameter: parameter.into(), message: message.into() }
    }
}

impl From<CatalogError> for ApiError {
    fn from(error: CatalogError) -> Self {
        match error {
            CatalogError::InvalidInput { parameter, message } => Self::invalid(parameter, message),
            CatalogError::NotFound => Self::NotFound,
            CatalogError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "catalog unavailable");
                Self::Unavailable
            }
            CatalogError::Misconfigured(cause) => {
                tracing::error!(error = %cause, "catalog request rejected upstream");
                Self::BadGateway
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, details): (StatusCode, &str, String, Option<Value>) = match &self {
            Self::InvalidParameter { parameter, message } => (
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
                format!("Invalid value for `{parameter}`: {message}."),
                Some(json!({ "parameter": parameter })),
            ),
            Self::InvalidField { field, message } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                format!("Check `{field}`: {message}."),
                Some(json!({ "fields": { *field: message } })),
            ),
            Self::MalformedBody { message, status } => (
                StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST),
                "malformed_body",
                format!("The request body could not be read: {message}"),
                None,
            ),
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON with `Content-Type: application/json`.".into(),
                None,
            ),
            Self::PayloadTooLarge => {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "The request body is too large.".into(), None)
            }
            Self::Unauthorized { message } => (StatusCode::UNAUTHORIZED, "unauthorized", format!("{message}."), None),
            Self::Conflict { message } => (StatusCode::CONFLICT, "conflict", format!("{message}."), None),
            Self::TooManyRequests { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                format!("Too many attempts. Try again in {retry_after_secs} seconds."),
                None,
            ),
            Self::Busy { retry_after_secs } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "server_busy",
                format!("The server is busy right now. Try again in {retry_after_secs} seconds."),
                None,
            ),
            Self::DatabaseUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
                "Accounts are unavailable right now. Try again shortly.".into(),
                None,
            ),
            Self::Internal => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "Something went wrong on our side.".into(), None)
            }
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found", "Nothing exists at this address.".into(), None),
            Self::Timeout => (
                StatusCode::REQUEST_TIMEOUT,
                "timeout",
                "The request took too long and was stopped. Try again.".into(),
                None,
            ),
            Self::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "This address does not accept that method; `Allow` lists the ones it does.".into(),
                None,
            ),
            Self::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "upstream_unavailable",
                "The movie database is not answering right now. Try again shortly.".into(),
                None,
            ),
            Self::BadGateway => (
                StatusCode::BAD_GATEWAY,
                "upstream_error",
                "The movie database refused our request. The operators have been told.".into(),
                None,
            ),
        };
        let mut error = json!({ "code": code, "message": message });
        if let Some(details) = details {
            error["details"] = details;
        }
        let mut response = (status, Json(json!({ "error": error }))).into_response();
        let headers = response.headers_mut();
        match self {
            Self::TooManyRequests { retry_after_secs } | Self::Busy { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            Self::Unavailable | Self::DatabaseUnavailable => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            Self::Unauthorized { .. } => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(r#"Bearer realm="nexus", error="invalid_token""#),
                );
            }
            _ => {}
        }
        response
    }
}
