//! The signed-in user's movies: `/api/favorites/...`, `/api/watchlist/...` and
//! `/api/not-interested/...` (one contract, three shelves), and `/api/ratings/...` (seen, with
//! an optional rating). Every query is scoped to the bearer's account: another user's entries
//! simply do not exist (404).

use api_types::{AddFavorite, FavoriteMovie, MyMovieState, Page, RateMovie, RatedMovie, RatingsSort};
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use services::accounts::store::{SeenOrder, Shelf};
use services::library::DEFAULT_PAGE_SIZE;
use utoipa_axum::routes;

use super::AppState;
use super::error::ApiError;
use super::extract::{ApiJson, BearerAccount};
use super::openapi::{ErrorBody, JsonBodyFailures};
use super::pagination::with_links;
use super::query::{ApiQuery, RatingsQuery, UserPageQuery, path_id};
use super::{ApiRouter, documented};

pub(super) fn router() -> ApiRouter {
    [
        routes!(favorites::list, favorites::add),
        routes!(favorites::show, favorites::remove),
        routes!(watchlist::list, watchlist::add),
        routes!(watchlist::show, watchlist::remove),
        routes!(not_interested::list, not_interested::add),
        routes!(not_interested::show, not_interested::remove),
        routes!(ratings),
        routes!(rating, rate, unrate),
        routes!(my_movie),
    ]
    .into_iter()
    .fold(ApiRouter::new(), documented)
}

/// Everything the user has done with one movie, in one call: whether it is a favorite, on the
/// watchlist, seen (with the rating) or marked "not interested". A movie they never touched is
/// all false, not a 404.
#[utoipa::path(
    get, path = "/api/me/movies/{tmdb_id}/", tag = "library",
    security(("bearer" = [])),
    params(("tmdb_id" = u64, Path, description = "TMDb movie id", minimum = 1, maximum = 9223372036854775807_i64)),
    responses(
        (status = 200, description = "The user's state for the movie", body = MyMovieState),
        (status = 400, description = "`tmdb_id` is invalid", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 503, description = "The account store is unavailable", body = ErrorBody),
    ),
)]
pub(super) async fn my_movie(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    Path(id): Path<String>,
) -> Result<Json<MyMovieState>, ApiError> {
    Ok(Json(state.library.state(account, tmdb_id(&id)?).await?))
}

fn tmdb_id(raw: &str) -> Result<u64, ApiError> {
    path_id(raw, "tmdb_id")
}

async fn list_shelf(
    state: &AppState,
    shelf: Shelf,
    account: uuid::Uuid,
    page: UserPageQuery,
    query: Option<&str>,
    path: &str,
) -> Result<Json<Page<FavoriteMovie>>, ApiError> {
    let page_size = page.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    let list = state.library.list(shelf, account, page.page.unwrap_or(1), page_size).await?;
    Ok(Json(with_links(list, &state.public_url, path, query)))
}

async fn add_to_shelf(
    state: &AppState,
    shelf: Shelf,
    account: uuid::Uuid,
    tmdb_id: u64,
) -> Result<(StatusCode, Json<FavoriteMovie>), ApiError> {
    let (entry, created) = state.library.add(shelf, account, tmdb_id).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(entry)))
}

/// The four handlers of a shelf, with their OpenAPI operations. The shelves differ only in
/// their path, their shelf and their words.
macro_rules! shelf_handlers {
    ($module:ident, $shelf:expr, $tag:tt, $list_path:tt, $item_path:tt, $list_doc:tt, $add_doc:tt, $show_doc:tt, $remove_doc:tt) => {
        pub(super) mod $module {
            use super::*;

            #[doc = $list_doc]
            #[utoipa::path(
                get, path = $list_path, tag = $tag,
                security(("bearer" = [])),
                params(UserPageQuery),
                responses(
                    (status = 200, description = "One page, newest first", body = Page<FavoriteMovie>),
                    (status = 400, description = "A parameter is invalid", body = ErrorBody),
                    (status = 401, description = "No valid access token", body = ErrorBody),
                    (status = 503, description = "The account store is unavailable", body = ErrorBody),
                ),
            )]
            pub(in crate::http) async fn list(
                State(state): State<AppState>,
                BearerAccount(account): BearerAccount,
                ApiQuery(page): ApiQuery<UserPageQuery>,
                RawQuery(query): RawQuery,
            ) -> Result<Json<Page<FavoriteMovie>>, ApiError> {
                list_shelf(&state, $shelf, account, page, query.as_deref(), $list_path).await
            }

            #[doc = $add_doc]
            #[utoipa::path(
                post, path = $list_path, tag = $tag,
                security(("bearer" = [])),
                request_body = AddFavorite,
                responses(
                    (status = 201, description = "Added", body = FavoriteMovie),
                    (status = 200, description = "It was already there", body = FavoriteMovie),
                    JsonBodyFailures,
                    (status = 401, description = "No valid access token", body = ErrorBody),
                    (status = 404, description = "No such movie", body = ErrorBody),
                    (status = 503, description = "The account store or TMDb is unavailable", body = ErrorBody),
                ),
            )]
            pub(in crate::http) async fn add(
                State(state): State<AppState>,
                BearerAccount(account): BearerAccount,
                ApiJson(body): ApiJson<AddFavorite>,
            ) -> Result<(StatusCode, Json<FavoriteMovie>), ApiError> {
                add_to_shelf(&state, $shelf, account, body.tmdb_id).await
            }

            #[doc = $show_doc]
            #[utoipa::path(
                get, path = $item_path, tag = $tag,
                security(("bearer" = [])),
                params(("tmdb_id" = u64, Path, description = "TMDb movie id", minimum = 1, maximum = 9223372036854775807_i64)),
                responses(
                    (status = 200, description = "The entry", body = FavoriteMovie),
                    (status = 400, description = "`tmdb_id` is invalid", body = ErrorBody),
                    (status = 401, description = "No valid access token", body = ErrorBody),
                    (status = 404, description = "Not on this list", body = ErrorBody),
                    (status = 503, description = "The account store is unavailable", body = ErrorBody),
                ),
            )]
            pub(in crate::http) async fn show(
                State(state): State<AppState>,
                BearerAccount(account): BearerAccount,
                Path(id): Path<String>,
            ) -> Result<Json<FavoriteMovie>, ApiError> {
                Ok(Json(state.library.get($shelf, account, tmdb_id(&id)?).await?))
            }

            #[doc = $remove_doc]
            #[utoipa::path(
                delete, path = $item_path, tag = $tag,
                security(("bearer" = [])),
                params(("tmdb_id" = u64, Path, description = "TMDb movie id", minimum = 1, maximum = 9223372036854775807_i64)),
                responses(
                    (status = 204, description = "Removed"),
                    (status = 400, description = "`tmdb_id` is invalid", body = ErrorBody),
                    (status = 401, description = "No valid access token", body = ErrorBody),
                    (status = 404, description = "Not on this list", body = ErrorBody),
                    (status = 503, description = "The account store is unavailable", body = ErrorBody),
                ),
            )]
            pub(in crate::http) async fn remove(
                State(state): State<AppState>,
                BearerAccount(account): BearerAccount,
                Path(id): Path<String>,
            ) -> Result<StatusCode, ApiError> {
                state.library.remove($shelf, account, tmdb_id(&id)?).await?;
                Ok(StatusCode::NO_CONTENT)
            }
        }
    };
}

shelf_handlers!(
    favorites,
    Shelf::Favorites,
    "favorites",
    "/api/favorites/",
    "/api/favorites/{tmdb_id}/",
    "The user's favorites, newest first.",
    "Adds a movie to the favorites: 201 when added, 200 when it was already there.",
    "One favorite; 404 when the movie is not among the user's favorites.",
    "Removes a favorite; 404 when the movie is not among the user's favorites."
);

shelf_handlers!(
    watchlist,
    Shelf::Watchlist,
    "library",
    "/api/watchlist/",
    "/api/watchlist/{tmdb_id}/",
    "The user's watchlist, newest first.",
    "Adds a movie to the watchlist: 201 when added, 200 when it was already there.",
    "One watchlist entry; 404 when the movie is not on the watchlist.",
    "Takes a movie off the watchlist; 404 when it is not on it."
);

shelf_handlers!(
    not_interested,
    Shelf::NotInterested,
    "library",
    "/api/not-interested/",
    "/api/not-interested/{tmdb_id}/",
    "The movies the user said they are not interested in, newest first; \"For you\" never shows them.",
    "Marks a movie \"not interested\": 201 when marked, 200 when it already was.",
    "One \"not interested\" entry; 404 when the movie is not marked.",
    "Takes back \"not interested\"; 404 when the movie is not marked."
);

/// What the user has seen, with their ratings: newest first, or by rating (`sort=rating`,
/// highest first, unrated last).
#[utoipa::path(
    get, path = "/api/ratings/", tag = "library",
    security(("bearer" = [])),
    params(UserPageQuery, RatingsQuery),
    responses(
        (status = 200, description = "One page of seen movies", body = Page<RatedMovie>),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 503, description = "The account store is unavailable", body = ErrorBody),
    ),
)]
pub(super) async fn ratings(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    ApiQuery(page): ApiQuery<UserPageQuery>,
    ApiQuery(RatingsQuery { sort }): ApiQuery<RatingsQuery>,
    RawQuery(query): RawQuery,
) -> Result<Json<Page<RatedMovie>>, ApiError> {
    let order = match sort.unwrap_or_default() {
        RatingsSort::Newest => SeenOrder::Newest,
        RatingsSort::Rating => SeenOrder::Rating,
    };
    let page_size = page.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    let list = state.library.ratings(account, order, page.page.unwrap_or(1), page_size).await?;
    Ok(Json(with_links(list, &state.public_url, "/api/ratings/", query.as_deref())))
}

/// Marks a movie seen, with a rating from 1 to 10 or `null` for none, replacing an earlier
/// rating; it leaves the watchlist. 201 when it was not seen before, 200 when updated.
#[utoipa::path(
    put, path = "/api/ratings/{tmdb_id}/", tag = "library",
    security(("bearer" = [])),
    params(("tmdb_id" = u64, Path, description = "TMDb movie id", minimum = 1, maximum = 9223372036854775807_i64)),
    request_body = RateMovie,
    responses(
        (status = 201, description = "Marked seen", body = RatedMovie),
        (status = 200, description = "Rating updated", body = RatedMovie),
        JsonBodyFailures,
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such movie", body = ErrorBody),
        (status = 503, description = "The account store or TMDb is unavailable", body = ErrorBody),
    ),
)]
pub(super) async fn rate(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<(StatusCode, Json<RatedMovie>), ApiError> {
    let id = tmdb_id(&id)?;
    let rating = rating_of(&body)?;
    let (entry, created) = state.library.rate(account, id, rating).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(entry)))
}

/// `{"rating": 1..10 | null}`, strictly: 7.5, "9", 0 and 11 are refused with the field named.
fn rating_of(body: &serde_json::Value) -> Result<Option<u8>, ApiError> {
    let refused =
        || ApiError::invalid_field("rating", "must be a whole number from 1 to 10, or null for seen without a rating");
    let Some(object) = body.as_object() else {
        return Err(ApiError::MalformedBody { message: "expected a JSON object".into(), status: 422 });
    };
    match object.get("rating") {
        None | Some(serde_json::Value::Null) => Ok(None),
        // A whole number, however spelled: JSON Schema's integers include 9.0.
        Some(value) => value
            .as_u64()
            .or_else(|| value.as_f64().filter(|v| v.fract() == 0.0 && (1.0..=10.0).contains(v)).map(|v| v as u64))
            .and_then(|rating| u8::try_from(rating).ok())
            .filter(|rating| (1..=10).contains(rating))
            .map(Some)
            .ok_or_else(refused),
    }
}

/// One seen movie with its rating; 404 when the user has not marked it seen.
#[utoipa::path(
    get, path = "/api/ratings/{tmdb_id}/", tag = "library",
    security(("bearer" = [])),
    params(("tmdb_id" = u64, Path, description = "TMDb movie id", minimum = 1, maximum = 9223372036854775807_i64)),
    responses(
        (status = 200, description = "The seen movie", body = RatedMovie),
        (status = 400, description = "`tmdb_id` is invalid", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "Not seen", body = ErrorBody),
        (status = 503, description = "The account store is unavailable", body = ErrorBody),
    ),
)]
pub(super) async fn rating(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    Path(id): Path<String>,
) -> Result<Json<RatedMovie>, ApiError> {
    Ok(Json(state.library.rating(account, tmdb_id(&id)?).await?))
}

/// No longer seen, and so no longer rated; 404 when it was not.
#[utoipa::path(
    delete, path = "/api/ratings/{tmdb_id}/", tag = "library",
    security(("bearer" = [])),
    params(("tmdb_id" = u64, Path, description = "TMDb movie id", minimum = 1, maximum = 9223372036854775807_i64)),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "`tmdb_id` is invalid", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "Not seen", body = ErrorBody),
        (status = 503, description = "The account store is unavailable", body = ErrorBody),
    ),
)]
pub(super) async fn unrate(
    State(state): State<AppState>,
    BearerAccount(account): BearerAccount,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.library.unrate(account, tmdb_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
