//! The one error shape of the REST API: `{"error": {"code", "message", "details"?}}`.
//! 5xx causes are logged here with their detail and never sent to the client.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use services::catalog::CatalogError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid parameter `{parameter}`: {message}")]
    InvalidParameter { parameter: String, message: String },
    #[error("not found")]
    NotFound,
    #[error("upstream unavailable")]
    Unavailable,
    #[error("upstream misconfigured")]
    BadGateway,
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
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found", "Nothing exists at this address.".into(), None),
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
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}
