//! One classification of every service error, for every presenter.
//!
//! Each service returns its own error (`CatalogError`, `AuthError`, `LibraryError`, ...). What
//! such an error means to a caller (its stable code, and so its HTTP status; the message a
//! person may read; how long to wait before trying again; whether and how loudly to log its
//! cause) is decided here, once. The REST API, the UI's server functions and any later
//! presenter convert a [`Failure`] into their own shape in one place, and log through
//! [`Failure::log`], so the same failure answers the same everywhere.

use std::time::Duration;

use api_types::ErrorCode;

use crate::accounts::AuthError;
use crate::accounts::store::StoreError;
use crate::accounts::tokens::TokenError;
use crate::catalog::CatalogError;
use crate::for_you::ForYouError;
use crate::library::LibraryError;
use crate::limits::retry_after_secs;

/// How long to wait after TMDb or the database was unreachable: both usually come back
/// within seconds, and a sooner retry would only add load.
const OUTAGE_RETRY_AFTER_SECS: u64 = 5;

/// What part of the request a refusal is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A query or path parameter.
    Parameter(String),
    /// A body field, with what is wrong with it.
    Field { name: &'static str, problem: String },
}

/// How loudly the cause of a failure is logged. Refusals of the request are the caller's
/// business and not logged; outages are warnings; anything that should never happen is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Silent,
    Warn,
    Error,
}

/// A classified service error: everything a presenter needs, and nothing it must not send.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub code: ErrorCode,
    /// For people: a whole sentence, never a cause.
    pub message: String,
    /// Whole seconds, rounded up (a 1.6 s wait is "2", never "1").
    pub retry_after_secs: Option<u64>,
    pub subject: Option<Subject>,
    pub log_level: LogLevel,
    /// What went wrong inside, for the logs only.
    cause: Option<String>,
}

impl Failure {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after_secs: None,
            subject: None,
            log_level: LogLevel::Silent,
            cause: None,
        }
    }

    /// A refused query or path parameter.
    pub fn invalid_parameter(parameter: &str, problem: &str) -> Self {
        let mut failure =
            Self::new(ErrorCode::InvalidParameter, format!("Invalid value for `{parameter}`: {problem}."));
        failure.subject = Some(Subject::Parameter(parameter.to_owned()));
        failure
    }

    /// A refused body field.
    pub fn invalid_field(name: &'static str, problem: String) -> Self {
        let mut failure = Self::new(ErrorCode::ValidationFailed, format!("{}.", sentence(&problem)));
        failure.subject = Some(Subject::Field { name, problem });
        failure
    }

    /// No usable credentials where they are needed; `message` says what to send.
    pub fn unauthorized(message: &str) -> Self {
        Self::new(ErrorCode::Unauthorized, format!("{}.", sentence(message)))
    }

    /// A GraphQL document refused before it ran (syntax, schema, limits).
    pub fn invalid_query(message: &str) -> Self {
        Self::new(ErrorCode::InvalidQuery, format!("{}.", sentence(message.trim_end_matches('.'))))
    }

    /// Over a rate limit: try again after `wait`.
    pub fn throttled(wait: Duration) -> Self {
        let seconds = retry_after_secs(wait);
        let mut failure =
            Self::new(ErrorCode::TooManyRequests, format!("Too many attempts. Please try again in {seconds} seconds."));
        failure.retry_after_secs = Some(seconds);
        failure
    }

    /// The server is saturated (nothing is wrong with the request): try again after `wait`.
    pub fn busy(wait: Duration) -> Self {
        let seconds = retry_after_secs(wait);
        let mut failure = Self::new(
            ErrorCode::ServerBusy,
            format!("The server is busy right now. Please try again in {seconds} seconds."),
        );
        failure.retry_after_secs = Some(seconds);
        failure
    }

    fn caused_by(mut self, level: LogLevel, cause: impl ToString) -> Self {
        self.log_level = level;
        self.cause = Some(cause.to_string());
        self
    }

    fn upstream_unavailable(cause: impl ToString) -> Self {
        let mut failure = Self::new(
            ErrorCode::UpstreamUnavailable,
            "The movie database is not answering right now. Please try again in a moment.",
        );
        failure.retry_after_secs = Some(OUTAGE_RETRY_AFTER_SECS);
        failure.caused_by(LogLevel::Warn, cause)
    }

    fn database_unavailable(cause: impl ToString) -> Self {
        let mut failure = Self::new(
            ErrorCode::DatabaseUnavailable,
            "Accounts are unavailable right now. Please try again in a moment.",
        );
        failure.retry_after_secs = Some(OUTAGE_RETRY_AFTER_SECS);
        failure.caused_by(LogLevel::Warn, cause)
    }

    /// Something that should never happen; the cause is logged as an error.
    pub fn internal(cause: impl ToString) -> Self {
        Self::new(ErrorCode::InternalError, "Something went wrong on our side. Please try again.")
            .caused_by(LogLevel::Error, cause)
    }

    /// The HTTP status, the same for every presenter.
    pub fn status(&self) -> u16 {
        self.code.status()
    }

    /// Logs the cause as its classification says: the one place service failures are logged.
    pub fn log(&self) {
        let Some(cause) = &self.cause else { return };
        let code = self.code.as_str();
        match self.log_level {
            LogLevel::Silent => {}
            LogLevel::Warn => tracing::warn!(code, error = %cause, "service unavailable"),
            LogLevel::Error => tracing::error!(code, error = %cause, "service failed"),
        }
    }
}

/// Service messages start lower-case, to read well after a field name; alone they are
/// sentences.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl From<CatalogError> for Failure {
    fn from(error: CatalogError) -> Self {
        match error {
            CatalogError::InvalidInput { parameter, message } => Self::invalid_parameter(parameter, &message),
            CatalogError::NotFound => Self::new(ErrorCode::NotFound, "We could not find that movie."),
            CatalogError::PersonNotFound => Self::new(ErrorCode::NotFound, "We could not find that person."),
            CatalogError::Unavailable(cause) => Self::upstream_unavailable(cause),
            CatalogError::Misconfigured(cause) => Self::new(
                ErrorCode::UpstreamError,
                "The movie database refused our request. The operators have been told.",
            )
            .caused_by(LogLevel::Error, cause),
        }
    }
}

impl From<AuthError> for Failure {
    fn from(error: AuthError) -> Self {
        let message = error.to_string();
        match error {
            AuthError::InvalidEmail => Self::invalid_field("email", message),
            AuthError::WeakPassword(_) => Self::invalid_field("password", message),
            AuthError::EmailTaken => Self::new(ErrorCode::Conflict, format!("{}.", sentence(&message))),
            AuthError::InvalidAccessToken(TokenError::Signing(cause)) => Self::internal(cause),
            AuthError::InvalidCredentials | AuthError::InvalidRefreshToken | AuthError::InvalidAccessToken(_) => {
                Self::new(ErrorCode::Unauthorized, format!("{}.", sentence(&message)))
            }
            AuthError::Throttled { retry_after } => Self::throttled(retry_after),
            AuthError::Busy { retry_after } => Self::busy(retry_after),
            AuthError::Unavailable(cause) => Self::database_unavailable(cause),
            AuthError::Internal(cause) => Self::internal(cause),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(_) => Self::database_unavailable(error),
            StoreError::EmailTaken => AuthError::EmailTaken.into(),
            other => Self::internal(other),
        }
    }
}

impl From<LibraryError> for Failure {
    fn from(error: LibraryError) -> Self {
        match error {
            LibraryError::InvalidInput { parameter, message } => Self::invalid_parameter(parameter, &message),
            LibraryError::UnknownMovie => Self::new(ErrorCode::NotFound, "We could not find that movie."),
            LibraryError::NotFound => Self::new(ErrorCode::NotFound, "That movie is not on this list."),
            LibraryError::Catalog(cause) => cause.into(),
            LibraryError::Store(cause) => cause.into(),
            LibraryError::DatabaseUnavailable => Self::database_unavailable("the account store is unavailable"),
            LibraryError::Internal(cause) => Self::internal(cause),
        }
    }
}

impl From<ForYouError> for Failure {
    fn from(error: ForYouError) -> Self {
        match error {
            ForYouError::InvalidPage => Self::invalid_parameter("page", "must be 1 or more"),
            ForYouError::Catalog(cause) => cause.into(),
            ForYouError::Store(shared) => match &*shared {
                StoreError::Unavailable(_) => Self::database_unavailable(&shared),
                other => Self::internal(other),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_round_up_the_same_way_in_messages_and_retry_after() {
        let failure = Failure::from(AuthError::Throttled { retry_after: Duration::from_millis(1600) });
        assert_eq!((failure.code, failure.retry_after_secs), (ErrorCode::TooManyRequests, Some(2)));
        assert_eq!(failure.message, "Too many attempts. Please try again in 2 seconds.");
        let busy = Failure::from(AuthError::Busy { retry_after: Duration::from_millis(100) });
        assert_eq!((busy.status(), busy.retry_after_secs), (503, Some(1)));
    }

    #[test]
    fn causes_are_logged_never_told() {
        let failure = Failure::internal("connection string postgres://secret@db");
        assert_eq!((failure.code, failure.log_level), (ErrorCode::InternalError, LogLevel::Error));
        assert!(!failure.message.contains("secret"));
        let refused = Failure::from(AuthError::InvalidEmail);
        assert_eq!((refused.status(), refused.log_level), (422, LogLevel::Silent));
        assert_eq!(refused.message, "Enter a valid email address.");
        assert_eq!(
            refused.subject,
            Some(Subject::Field { name: "email", problem: "enter a valid email address".into() })
        );
    }

    #[test]
    fn a_library_error_is_classified_as_its_cause() {
        let missing = Failure::from(LibraryError::Catalog(CatalogError::NotFound));
        assert_eq!(missing.code, ErrorCode::NotFound);
        let page = Failure::from(LibraryError::InvalidInput { parameter: "page", message: "must be 1 or more".into() });
        assert_eq!(page.message, "Invalid value for `page`: must be 1 or more.");
        assert_eq!(page.subject, Some(Subject::Parameter("page".into())));
        assert_eq!(Failure::from(LibraryError::DatabaseUnavailable).retry_after_secs, Some(5));
    }
}
