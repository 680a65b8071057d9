//! The error the UI's server functions return: typed, so a page can say what went wrong.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("We could not find that.")]
    NotFound,
    #[error("The movie database is not answering right now. Please try again in a moment.")]
    Unavailable,
    #[error("Sign in to do that.")]
    Unauthorized,
    #[error("Too many attempts. Please try again in {seconds} seconds.")]
    Throttled { seconds: u64 },
    #[error("Accounts are unavailable right now. Please try again in a moment.")]
    AccountsUnavailable,
    /// The server is saturated (too many passwords being checked, too many requests at once);
    /// nothing is wrong with the request.
    #[error("The server is busy right now. Please try again in {seconds} seconds.")]
    Busy { seconds: u64 },
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request itself failed (network down, server unreachable, bad payload).
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status a server function's failure should answer with. Leptos answers 500
    /// for every error; the server sets this one instead (`server::http::server_fns`), so that
    /// logs, metrics and proxies tell a refused password from a broken server.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::InvalidInput(_) | Self::Transport(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable | Self::AccountsUnavailable | Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<services::catalog::CatalogError> for AppError {
    fn from(error: services::catalog::CatalogError) -> Self {
        use services::catalog::CatalogError;
        match error {
            CatalogError::InvalidInput { parameter, message } => Self::InvalidInput(format!("{parameter}: {message}")),
            CatalogError::NotFound => Self::NotFound,
            CatalogError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "catalog unavailable");
                Self::Unavailable
            }
            CatalogError::Misconfigured(cause) => {
                tracing::error!(error = %cause, "catalog misconfigured");
                Self::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<services::accounts::AuthError> for AppError {
    fn from(error: services::accounts::AuthError) -> Self {
        use services::accounts::AuthError;
        match error {
            AuthError::InvalidEmail
            | AuthError::WeakPassword(_)
            | AuthError::EmailTaken
            | AuthError::InvalidCredentials => Self::InvalidInput(capitalised(&error.to_string())),
            AuthError::InvalidRefreshToken | AuthError::InvalidAccessToken(_) => Self::Unauthorized,
            AuthError::Throttled { retry_after } => {
                Self::Throttled { seconds: services::limits::retry_after_secs(retry_after) }
            }
            AuthError::Busy { retry_after } => Self::Busy { seconds: services::limits::retry_after_secs(retry_after) },
            AuthError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "account store unavailable");
                Self::AccountsUnavailable
            }
            AuthError::Internal(cause) => {
                tracing::error!(error = %cause, "accounts failed");
                Self::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<services::library::LibraryError> for AppError {
    fn from(error: services::library::LibraryError) -> Self {
        use services::library::LibraryError;
        match error {
            LibraryError::InvalidInput { parameter, message } => Self::InvalidInput(format!("{parameter}: {message}")),
            LibraryError::UnknownMovie | LibraryError::NotFound => Self::NotFound,
            LibraryError::Catalog(cause) => cause.into(),
            LibraryError::Store(cause) => services::accounts::AuthError::from(cause).into(),
            LibraryError::DatabaseUnavailable => Self::AccountsUnavailable,
            LibraryError::Internal(cause) => {
                tracing::error!(error = %cause, "the library failed");
                Self::Internal
            }
        }
    }
}

/// Service messages start lower-case, to read well inside API errors; the UI shows them alone.
#[cfg(feature = "ssr")]
fn capitalised(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
