//! `/api/favorites/...`: the signed-in user's favorites. Another user's favorites are never
//! visible: every query is scoped to the bearer's account, so they simply do not exist (404).

use std::collections::HashMap;

use api_types::{AddFavorite, FavoriteMovie, ForYouPage, Page};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use services::favorites::DEFAULT_PAGE_SIZE;

use super::error::ApiError;
use super::extract::{ApiJson, BearerAccount};
use super::pagination::with_links;
use super::query::param;
use super::slash_optional;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let router = slash_optional(Router::new(), "/api/favorites", get(list).post(add));
    let router = slash_optional(router, "/api/favorites/{tmdb_id}", get(show).delete(remove));
    slash_optional(router, "/api/recommendations", get(for_you))
}

/// `GET /api/recommendations/?page=`: "For you", from the user's favorites (or trending while
/// they have none, marked by `based_on`).
async fn for_you(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<ForYouPage>, ApiError> {
    let (page, based_on) = state.for_you.page(account, number(&params, "page", 1)?).await?;
    let page = with_links(page, &state.public_url, "/api/recommendations/", &params);
    Ok(Json(ForYouPage { page, based_on }))
}

fn number(params: &HashMap<String, String>, name: &str, default: u32) -> Result<u32, ApiError> {
    Ok(param(params, name, "must be a whole number")?.unwrap_or(default))
}

fn tmdb_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse::<u64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::invalid("tmdb_id", "must be a positive whole number"))
}

/// `GET /api/favorites/?page=&page_size=`: newest first.
async fn list(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Page<FavoriteMovie>>, ApiError> {
    let page = number(&params, "page", 1)?;
    let page_size = number(&params, "page_size", DEFAULT_PAGE_SIZE)?;
    let list = state.favorites.list(account, page, page_size).await?;
    Ok(Json(with_links(list, &state.public_url, "/api/favorites/", &params)))
}

/// `POST /api/favorites/` `{tmdb_id}` → 201 when added, 200 when it was already there.
async fn add(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    ApiJson(body): ApiJson<AddFavorite>,
) -> Result<(StatusCode, Json<FavoriteMovie>), ApiError> {
    let (favorite, created) = state.favorites.add(account, body.tmdb_id).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(favorite)))
}

/// `GET /api/favorites/{tmdb_id}/` → 200, or 404 when it is not a favorite.
async fn show(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    Path(id): Path<String>,
) -> Result<Json<FavoriteMovie>, ApiError> {
    Ok(Json(state.favorites.get(account, tmdb_id(&id)?).await?))
}

/// `DELETE /api/favorites/{tmdb_id}/` → 204, or 404 when it is not a favorite.
async fn remove(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.favorites.remove(account, tmdb_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
