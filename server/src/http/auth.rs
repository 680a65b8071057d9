//! `/api/auth/...`: register, sign in, refresh (rotating), sign out, who am I.

use api_types::{Credentials, RefreshRequest, Registered, TokenPair, User};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use services::accounts::{AuthError, Session};

use super::error::ApiError;
use super::extract::{ApiJson, BearerAccount, ClientAddr};
use super::slash_optional;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let routes: [(&str, axum::routing::MethodRouter<AppState>); 5] = [
        ("/api/auth/register", post(register)),
        ("/api/auth/token", post(sign_in)),
        ("/api/auth/token/refresh", post(refresh)),
        ("/api/auth/logout", post(sign_out)),
        ("/api/auth/me", get(me)),
    ];
    routes.into_iter().fold(Router::new(), |router, (path, handler)| slash_optional(router, path, handler))
}

fn token_pair(session: Session) -> TokenPair {
    let expires_in = (session.access_expires_at - Utc::now()).num_seconds().max(0) as u64;
    TokenPair { access: session.access, refresh: session.refresh, token_type: "Bearer".into(), expires_in }
}

/// `POST /api/auth/register/` `{email, password}` → 201 with the user and tokens.
async fn register(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    let (account, session) = state.accounts.register(&body.email, &body.password).await?;
    Ok((StatusCode::CREATED, Json(Registered { user: account.to_user(), tokens: token_pair(session) })))
}

/// `POST /api/auth/token/` `{email, password}` → a token pair.
async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(body): ApiJson<Credentials>,
) -> Result<Json<TokenPair>, ApiError> {
    let (_, session) = state.accounts.sign_in(&body.email, &body.password, &client).await?;
    Ok(Json(token_pair(session)))
}

/// `POST /api/auth/token/refresh/` `{refresh}` → the next token pair.
async fn refresh(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    Ok(Json(token_pair(state.accounts.refresh(&body.refresh).await?)))
}

/// `POST /api/auth/logout/` `{refresh}` → 204; the refresh token's family is revoked.
async fn sign_out(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<StatusCode, ApiError> {
    state.accounts.sign_out(&body.refresh).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/auth/me/` → the signed-in user.
async fn me(State(state): State<AppState>, BearerAccount(id): BearerAccount) -> Result<Json<User>, ApiError> {
    let account = state.accounts.account(id).await.map_err(|error| match error {
        AuthError::InvalidAccessToken(_) => ApiError::Unauthorized { message: "the account no longer exists" },
        other => other.into(),
    })?;
    Ok(Json(account.to_user()))
}
