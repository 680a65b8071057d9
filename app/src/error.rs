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
