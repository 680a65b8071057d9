//! `/api/favorites/...`: the signed-in user's favorites. Another user's favorites are never
//! visible: every query is scoped to the bearer's account, so they simply do not exist (404).

use std::collections::HashMap;

use api_types::{AddFavorite, FavoriteMovie, ForYouPage, Page};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use services::favorites::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

use super::error::ApiError;
use super::extract::{ApiJson, BearerAccount};
use super::openapi::{ErrorBody, JsonBodyFailures};
use super::pagination::with_links;
use super::query::bounded;
use super::slash_optional;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let router = slash_optional(Router::new(), "/api/favorites", get(list).post(add));
    let router = slash_optional(router, "/api/favorites/{tmdb_id}", get(show).delete(remove));
    slash_optional(router, "/api/recommendations", get(for_you))
}

/// "For you": movies recommended from the user's most recent favorites, best first, each with
/// the favorites that led to it; trending (marked by `based_on`) while there are none.
#[utoipa::path(
    get, path = "/api/recommendations/", tag = "favorites",
    security(("bearer" = [])),
    params(("page" = Option<u32>, Query, description = "From 1", minimum = 1, maximum = 10000)),
    responses(
        (status = 200, description = "One page of recommendations", body = ForYouPage),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 503, description = "The account store or TMDb is unavailable", body = ErrorBody),
    ),
)]
pub(super) async fn for_you(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<ForYouPage>, ApiError> {
    let (page, based_on) = state.for_you.page(account, number(&params, "page", 1, MAX_PAGE)?).await?;
    let page = with_links(page, &state.public_url, "/api/recommendations/", &params);
    Ok(Json(ForYouPage { page, based_on }))
}

/// The most pages a client may ask for; far beyond any real list, and inside a 32-bit integer
/// as the OpenAPI document promises.
const MAX_PAGE: u32 = 10_000;

fn number(params: &HashMap<String, String>, name: &str, default: u32, max: u32) -> Result<u32, ApiError> {
    Ok(bounded(params, name, 1..=max)?.unwrap_or(default))
}

fn tmdb_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse::<u64>()
        .ok()
        .filter(|id| (1..=i64::MAX as u64).contains(id))
        .ok_or_else(|| ApiError::invalid("tmdb_id", "must be a positive whole number"))
}

/// The user's favorites, newest first.
#[utoipa::path(
    get, path = "/api/favorites/", tag = "favorites",
    security(("bearer" = [])),
    params(
        ("page" = Option<u32>, Query, description = "From 1", minimum = 1, maximum = 10000),
        ("page_size" = Option<u32>, Query, description = "1 to 100 (default 20)", minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "One page of favorites", body = Page<FavoriteMovie>),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 503, description = "The account store is unavailable", body = ErrorBody),
    ),
)]
pub(super) async fn list(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Page<FavoriteMovie>>, ApiError> {
    let page = number(&params, "page", 1, MAX_PAGE)?;
    let page_size = number(&params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let list = state.favorites.list(account, page, page_size).await?;
    Ok(Json(with_links(list, &state.public_url, "/api/favorites/", &params)))
}

/// Adds a movie to the favorites: 201 when added, 200 when it was already there.
#[utoipa::path(
    post, path = "/api/favorites/", tag = "favorites",
    security(("bearer" = [])),
    request_body = AddFavorite,
    responses(
        (status = 201, description = "Added", body = FavoriteMovie),
        (status = 200, description = "Already a favorite", body = FavoriteMovie),
        JsonBodyFailures,
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such movie", body = ErrorBody),
        (status = 503, description = "The account store or TMDb is unavailable", body = ErrorBody),
    ),
)]
pub(super) async fn add(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    ApiJson(body): ApiJson<AddFavorite>,
) -> Result<(StatusCode, Json<FavoriteMovie>), ApiError> {
    let (favorite, created) = state.favorites.add(account, body.tmdb_id).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(favorite)))
}

/// One favorite; 404 when the movie is not among the user's favorites.
#[utoipa::path(
    get, path = "/api/favorites/{tmdb_id}/", tag = "favorites",
    security(("bearer" = [])),
    params(("tmdb_id" = u64, Path, description = "TMDb movie id", minimum = 1, maximum = 9223372036854775807_i64)),
    responses(
        (status = 200, description = "The favorite", body = FavoriteMovie),
        (status = 400, description = "`tmdb_id` is invalid", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "Not a favorite", body = ErrorBody),
        (status = 503, description = "The account store is unavailable", body = ErrorBody),
    ),
)]
pub(super) async fn show(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    Path(id): Path<String>,
) -> Result<Json<FavoriteMovie>, ApiError> {
    Ok(Json(state.favorites.get(account, tmdb_id(&id)?).await?))
}

/// Removes a favorite; 404 when the movie is not among the user's favorites.
#[utoipa::path(
    delete, path = "/api/favorites/{tmdb_id}/", tag = "favorites",
    security(("bearer" = [])),
    params(("tmdb_id" = u64, Path, description = "TMDb movie id", minimum = 1, maximum = 9223372036854775807_i64)),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "`tmdb_id` is invalid", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "Not a favorite", body = ErrorBody),
        (status = 503, description = "The account store is unavailable", body = ErrorBody),
    ),
)]
pub(super) async fn remove(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.favorites.remove(account, tmdb_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
