//! Extractors that answer in the API's error shape: JSON bodies, the bearer account, what a
//! list should hide of the bearer's movies, and the client's address.

use api_types::HideMine;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::AppState;
use super::error::ApiError;
use super::query::HideQuery;
use super::session::ClientIp;

/// `Json<T>` whose rejections are API errors: 400 for malformed JSON, 415 for another
/// content type, 422 for a body of the wrong shape, 413 past the size limit.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType,
                JsonRejection::JsonDataError(error) => {
                    ApiError::MalformedBody { message: error.body_text(), status: 422 }
                }
                JsonRejection::JsonSyntaxError(error) => {
                    ApiError::MalformedBody { message: error.body_text(), status: 400 }
                }
                JsonRejection::BytesRejection(_) => ApiError::PayloadTooLarge,
                other => ApiError::MalformedBody { message: other.body_text(), status: 400 },
            }),
        }
    }
}

/// The account named by a valid `Authorization: Bearer` access token.
pub struct BearerAccount(pub Uuid);

impl<S> FromRequestParts<S> for BearerAccount
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthorized { message: "sign in: send `Authorization: Bearer <access token>`" })?;
        let account = state.accounts.authenticate(token.trim())?;
        Ok(Self(account))
    }
}

/// `?hide=seen,watchlist`: which of the bearer's movies a catalog list leaves out, with the
/// account they belong to. Without `hide` nobody needs to sign in (a token sent along is not
/// even read); with it, a valid bearer token is required (401 otherwise).
pub struct HideMineQuery(pub Option<(Uuid, HideMine)>);

impl<S> FromRequestParts<S> for HideMineQuery
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let HideQuery { hide } = super::query::parse(parts.uri.query().unwrap_or_default())?;
        let Some(hide) = hide else { return Ok(Self(None)) };
        let BearerAccount(account) = BearerAccount::from_request_parts(parts, state).await?;
        Ok(Self(Some((account, hide))))
    }
}

/// The key a client is throttled by ([`services::limits::client_key`]: its IPv4 address or
/// IPv6 /64), from the address the session middleware worked out (the peer, or the forwarded
/// client behind a trusted proxy); "unknown" if the middleware did not run.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let addr = parts.extensions.get::<ClientIp>().map(|ClientIp(ip)| services::limits::client_key(*ip));
        Ok(Self(addr.unwrap_or_else(|| "unknown".to_owned())))
    }
}
