//! GraphQL errors from the services' one classification: the same failure carries the same
//! `code`, `status` and `retryAfter` (whole seconds) as the REST API's `error.code`, its HTTP
//! status and `Retry-After` header, in each error's `extensions`.
//!
//! With async-graphql's `custom-error-conversion`, a displayable error no longer turns into a
//! GraphQL error by itself: resolvers return [`FieldResult`], and a service error reaches the
//! client only through its classification, never through its cause.

use api_types::ErrorCode;
use async_graphql::ErrorExtensions;
use services::accounts::AuthError;
use services::catalog::CatalogError;
use services::failure::{Failure, Subject};
use services::for_you::ForYouError;
use services::library::LibraryError;

/// A classified failure on its way to the client.
#[derive(Debug, Clone)]
pub struct FieldError(pub Failure);

pub type FieldResult<T> = Result<T, FieldError>;

impl From<Failure> for FieldError {
    fn from(failure: Failure) -> Self {
        Self(failure)
    }
}

macro_rules! classified {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for FieldError {
            fn from(error: $error) -> Self {
                Self(Failure::from(error))
            }
        }
    )*};
}

classified!(CatalogError, AuthError, LibraryError, ForYouError);

impl From<FieldError> for async_graphql::Error {
    fn from(FieldError(failure): FieldError) -> Self {
        // The one place GraphQL logs a service failure, by its classification.
        failure.log();
        let subject = failure.subject.clone();
        graphql_error(failure.code, &failure.message, failure.retry_after_secs).extend_with(|_, extensions| {
            match subject {
                Some(Subject::Parameter(parameter)) => extensions.set("parameter", parameter),
                Some(Subject::Field { name, problem }) => {
                    extensions.set("field", name);
                    extensions.set("problem", problem);
                }
                None => {}
            }
        })
    }
}

/// An error with the extensions every client can branch on.
pub fn graphql_error(code: ErrorCode, message: &str, retry_after_secs: Option<u64>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, extensions| {
        extensions.set("code", code.as_str());
        extensions.set("status", code.status());
        if let Some(seconds) = retry_after_secs {
            extensions.set("retryAfter", seconds);
        }
    })
}
