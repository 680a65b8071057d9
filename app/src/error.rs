//! The error the UI's server functions return: typed, so a page can say what went wrong.
//!
//! It carries the same [`ErrorCode`] as the REST API's `error.code`, and so the same HTTP
//! status: a service error becomes one through its one classification
//! (`services::failure::Failure`), never through a mapping of its own.

use api_types::ErrorCode;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    /// For people, shown as it is.
    pub message: String,
    /// How long to wait before trying again, in whole seconds, when the server said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), retry_after_secs: None }
    }

    /// Input the page itself refuses (a form field, a parameter), with what to fix.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameter, message)
    }

    /// Nobody is signed in, and the action needs someone.
    pub fn unauthorized() -> Self {
        Self::new(ErrorCode::Unauthorized, "Sign in to do that.")
    }

    pub fn not_found() -> Self {
        Self::new(ErrorCode::NotFound, "We could not find that.")
    }

    pub fn internal() -> Self {
        Self::new(ErrorCode::InternalError, "Something went wrong on our side. Please try again.")
    }

    /// A wait the server asked for: `code` is `TooManyRequests` or `ServerBusy`.
    pub fn waiting(code: ErrorCode, seconds: u64) -> Self {
        let message = match code {
            ErrorCode::TooManyRequests => format!("Too many attempts. Please try again in {seconds} seconds."),
            _ => format!("The server is busy right now. Please try again in {seconds} seconds."),
        };
        Self { code, message, retry_after_secs: Some(seconds) }
    }

    pub fn is(&self, code: ErrorCode) -> bool {
        self.code == code
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// On the server, such an error means the request could not be read (its arguments, or a
    /// body past the 64 KiB limit); in the browser, that the request never got an answer.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        if cfg!(feature = "ssr") {
            // Leptos reads the body itself and reports the limit only in words.
            if value.to_string().contains("length limit exceeded") {
                return Self::new(ErrorCode::PayloadTooLarge, "That is too much to send at once.");
            }
            Self::new(ErrorCode::MalformedBody, format!("The request could not be read: {value}"))
        } else {
            Self::new(ErrorCode::Transport, format!("Could not reach the server: {value}"))
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status a server function's failure should answer with: the REST API's for the
    /// same code. Leptos answers 500 for every error; the server sets this one instead
    /// (`server::http::server_fns`), so logs, metrics and proxies tell a refused password
    /// from a broken server.
    pub fn status(&self) -> http::StatusCode {
        http::StatusCode::from_u16(self.code.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
    }
}

#[cfg(feature = "ssr")]
impl From<services::failure::Failure> for AppError {
    fn from(failure: services::failure::Failure) -> Self {
        failure.log();
        Self { code: failure.code, message: failure.message, retry_after_secs: failure.retry_after_secs }
    }
}

/// Each service error converts through its one classification.
#[cfg(feature = "ssr")]
macro_rules! classified {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for AppError {
            fn from(error: $error) -> Self {
                services::failure::Failure::from(error).into()
            }
        }
    )*};
}

#[cfg(feature = "ssr")]
classified!(
    services::catalog::CatalogError,
    services::accounts::AuthError,
    services::library::LibraryError,
    services::for_you::ForYouError,
);
