//! `/api/auth/...`: register, sign in, refresh (rotating), sign out, who am I.

use api_types::{Credentials, RefreshRequest, Registered, TokenPair, User};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use services::accounts::{AuthError, Session};
use utoipa_axum::routes;

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, BearerAccount, ClientAddr};
use super::openapi::{ErrorBody, JsonBodyFailures};
use super::{ApiRouter, documented};

pub(super) fn router() -> ApiRouter {
    [routes!(register), routes!(sign_in), routes!(refresh), routes!(sign_out), routes!(me)]
        .into_iter()
        .fold(ApiRouter::new(), documented)
}

fn token_pair(session: Session) -> TokenPair {
    let expires_in = (session.access_expires_at - Utc::now()).num_seconds().max(0) as u64;
    TokenPair { access: session.access, refresh: session.refresh, token_type: "Bearer".into(), expires_in }
}

/// Creates an account and signs it in.
#[utoipa::path(
    post, path = "/api/auth/register/", tag = "auth",
    request_body = Credentials,
    responses(
        (status = 201, description = "Registered and signed in", body = Registered),
        JsonBodyFailures,
        (status = 409, description = "That email address already has an account", body = ErrorBody),
        (status = 429, description = "Too many registrations from this network; see `Retry-After`", body = ErrorBody),
        (status = 503, description = "The account store is unavailable, or too many sign-ins are being checked at once; see `Retry-After`", body = ErrorBody),
    ),
)]
pub(super) async fn register(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    let (account, session) = state.accounts.register(&body.email, &body.password, &client).await?;
    Ok((StatusCode::CREATED, Json(Registered { user: account.to_user(), tokens: token_pair(session) })))
}

/// Signs in: a new access token (15 minutes) and refresh token (14 days). Throttled per client
/// address and per account.
#[utoipa::path(
    post, path = "/api/auth/token/", tag = "auth",
    request_body = Credentials,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        JsonBodyFailures,
        (status = 401, description = "Invalid email or password (the same answer for both)", body = ErrorBody),
        (status = 429, description = "Too many attempts; see `Retry-After`", body = ErrorBody),
        (status = 503, description = "The account store is unavailable, or too many sign-ins are being checked at once; see `Retry-After`", body = ErrorBody),
    ),
)]
pub(super) async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Json<TokenPair>, ApiError> {
    let (_, session) = state.accounts.sign_in(&body.email, &body.password, &client).await?;
    Ok(Json(token_pair(session)))
}

/// Spends a refresh token for the next pair. A refresh token is spent by its first use;
/// presented again within the reuse grace (30 s by default: a lost answer, a retry) it gets
/// another pair, and later it revokes every token descended from the same sign-in.
#[utoipa::path(
    post, path = "/api/auth/token/refresh/", tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "The next pair", body = TokenPair),
        JsonBodyFailures,
        (status = 401, description = "The refresh token is invalid, expired or already used", body = ErrorBody),
        (status = 503, description = "The account store is unavailable", body = ErrorBody),
    ),
)]
pub(super) async fn refresh(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    Ok(Json(token_pair(state.accounts.refresh(&body.refresh).await?)))
}

/// Signs out: the refresh token and every token of its sign-in stop working. Signing out twice
/// is not an error.
#[utoipa::path(
    post, path = "/api/auth/logout/", tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out"),
        JsonBodyFailures,
        (status = 503, description = "The account store is unavailable", body = ErrorBody),
    ),
)]
pub(super) async fn sign_out(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<StatusCode, ApiError> {
    state.accounts.sign_out(&body.refresh).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in user.
#[utoipa::path(
    get, path = "/api/auth/me/", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 503, description = "The account store is unavailable", body = ErrorBody),
    ),
)]
pub(super) async fn me(
    State(state): State<AppState>,
    BearerAccount(id): BearerAccount,
) -> Result<Json<User>, ApiError> {
    let account = state.accounts.account(id).await.map_err(|error| match error {
        AuthError::InvalidAccessToken(_) => ApiError::Unauthorized { message: "the account no longer exists" },
        other => other.into(),
    })?;
    Ok(Json(account.to_user()))
}
