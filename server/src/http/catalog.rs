//! Public catalog routes: `/api/movies/...` and `/api/genres/`. Each parses and names its
//! parameters, calls the catalog service, and answers the list shape with absolute links.

use std::collections::HashMap;

use api_types::{DiscoverFilter, DiscoverSort, Genre, MovieDetails, MovieSummary, Page, TrendingWindow};
use axum::Json;
use axum::extract::{Path, Query, State};
use services::catalog::{DEFAULT_LANGUAGE, Locale, MovieList, Relation, locale};
use utoipa_axum::routes;

use super::error::ApiError;
use super::extract::HideMineQuery;
use super::openapi::{CatalogFailures, ErrorBody, HideQuery, LanguageQuery, LocaleQuery, PageQuery};
use super::pagination::with_links;
use super::query::{bounded, param};
use super::{ApiRouter, documented};
use crate::state::AppState;

pub(super) fn router() -> ApiRouter {
    [
        routes!(trending),
        routes!(popular),
        routes!(top_rated),
        routes!(upcoming),
        routes!(now_playing),
        routes!(search),
        routes!(discover),
        routes!(details),
        routes!(recommendations),
        routes!(similar),
        routes!(genres),
    ]
    .into_iter()
    .fold(ApiRouter::new(), documented)
}

type Params = Query<HashMap<String, String>>;
type ListResult = Result<Json<Page<MovieSummary>>, ApiError>;

fn page_param(params: &HashMap<String, String>) -> Result<u32, ApiError> {
    Ok(param(params, "page", "must be a whole number from 1 to 500")?.unwrap_or(1))
}

fn language_param(params: &HashMap<String, String>) -> &str {
    params.get("language").map(String::as_str).unwrap_or(DEFAULT_LANGUAGE)
}

fn locale_params(params: &HashMap<String, String>) -> Result<Locale, ApiError> {
    Ok(locale(language_param(params), params.get("region").map(String::as_str))?)
}

fn movie_id(raw: &str) -> Result<u64, ApiError> {
    super::query::path_id(raw, "id")
}

/// A list's answer: without what the bearer asked to hide (`?hide=`), with absolute links.
/// Hidden movies are taken out of the page as TMDb numbers it, so page numbers and totals stay
/// the catalog's and a page may hold fewer movies.
async fn answer(
    state: &AppState,
    mut list: Page<MovieSummary>,
    HideMineQuery(hidden): HideMineQuery,
    path: &str,
    params: &HashMap<String, String>,
) -> ListResult {
    if let Some((account, hide)) = hidden {
        let mine = state.library.ids(account).await?;
        list.results.retain(|movie| !mine.hides(hide, movie.id));
    }
    Ok(Json(with_links(list, &state.public_url, path, params)))
}

/// Trending movies of the day or the week.
#[utoipa::path(
    get, path = "/api/movies/trending/", tag = "movies",
    params(
        ("window" = Option<TrendingWindow>, Query, description = "`day` (default) or `week`"),
        PageQuery, LocaleQuery, HideQuery,
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of movies", body = Page<MovieSummary>),
        (status = 401, description = "`hide` without a valid access token", body = ErrorBody),
        CatalogFailures,
    ),
)]
pub(super) async fn trending(
    State(state): State<AppState>,
    hidden: HideMineQuery,
    Query(params): Params,
) -> ListResult {
    let window: TrendingWindow = match params.get("window") {
        None => TrendingWindow::default(),
        Some(raw) => raw.parse().map_err(|message: String| ApiError::invalid("window", message))?,
    };
    let list = state.catalog.trending(window, page_param(&params)?, &locale_params(&params)?).await?;
    answer(&state, list, hidden, "/api/movies/trending/", &params).await
}

/// One of TMDb's curated lists.
async fn list(
    state: AppState,
    hidden: HideMineQuery,
    params: HashMap<String, String>,
    kind: MovieList,
    path: &str,
) -> ListResult {
    let list = state.catalog.list(kind, page_param(&params)?, &locale_params(&params)?).await?;
    answer(&state, list, hidden, path, &params).await
}

macro_rules! curated_list {
    ($name:ident, $kind:expr, $path:literal, $summary:literal) => {
        #[doc = $summary]
        #[utoipa::path(
                                    get, path = $path, tag = "movies",
                                    params(PageQuery, LocaleQuery, HideQuery),
                                    security((), ("bearer" = [])),
                                    responses(
                                        (status = 200, description = "One page of movies", body = Page<MovieSummary>),
                                        (status = 401, description = "`hide` without a valid access token", body = ErrorBody),
                                        CatalogFailures,
                                    ),
                                )]
        pub(super) async fn $name(
            State(state): State<AppState>,
            hidden: HideMineQuery,
            Query(params): Params,
        ) -> ListResult {
            list(state, hidden, params, $kind, $path).await
        }
    };
}

curated_list!(popular, MovieList::Popular, "/api/movies/popular/", "Popular movies.");
curated_list!(top_rated, MovieList::TopRated, "/api/movies/top-rated/", "The best rated movies.");
curated_list!(upcoming, MovieList::Upcoming, "/api/movies/upcoming/", "Movies coming to cinemas.");
curated_list!(now_playing, MovieList::NowPlaying, "/api/movies/now-playing/", "Movies in cinemas now.");

/// Movies whose title matches `q`.
#[utoipa::path(
    get, path = "/api/movies/search/", tag = "movies",
    params(
        ("q" = String, Query, description = "Words of the title (1 to 200 characters)", min_length = 1, max_length = 200),
        ("year" = Option<i32>, Query, description = "Release year", minimum = 1870, maximum = 2100),
        PageQuery, LocaleQuery, HideQuery,
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of movies", body = Page<MovieSummary>),
        (status = 401, description = "`hide` without a valid access token", body = ErrorBody),
        CatalogFailures,
    ),
)]
pub(super) async fn search(State(state): State<AppState>, hidden: HideMineQuery, Query(params): Params) -> ListResult {
    let query = params.get("q").map(String::as_str).unwrap_or_default();
    let year = param(&params, "year", "must be a year such as 1999")?;
    let list = state.catalog.search(query, year, page_param(&params)?, &locale_params(&params)?).await?;
    answer(&state, list, hidden, "/api/movies/search/", &params).await
}

/// Movies matching every filter given.
#[utoipa::path(
    get, path = "/api/movies/discover/", tag = "movies",
    params(
        ("genre" = Option<String>, Query, description = "Genre ids or names, comma-separated; a movie must have all (see `/api/genres/`)"),
        ("year_from" = Option<i32>, Query, description = "Released in or after", minimum = 1870, maximum = 2100),
        ("year_to" = Option<i32>, Query, description = "Released in or before", minimum = 1870, maximum = 2100),
        ("min_rating" = Option<f64>, Query, description = "Minimum average rating", minimum = 0, maximum = 10),
        ("min_votes" = Option<u32>, Query, description = "Minimum number of votes (default 200 when sorting by rating)", maximum = 100000000),
        ("sort" = Option<DiscoverSort>, Query, description = "Order of the results (default `popularity`)"),
        PageQuery, LocaleQuery, HideQuery,
    ),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of movies", body = Page<MovieSummary>),
        (status = 401, description = "`hide` without a valid access token", body = ErrorBody),
        CatalogFailures,
    ),
)]
pub(super) async fn discover(
    State(state): State<AppState>,
    hidden: HideMineQuery,
    Query(params): Params,
) -> ListResult {
    // `?sort=` is not "no sort": like every other parameter, empty is invalid.
    let sort = match params.get("sort").map(|s| s.trim()) {
        None => DiscoverSort::default(),
        Some(raw) => raw.parse().map_err(|message: String| ApiError::invalid("sort", message))?,
    };
    let filter = DiscoverFilter {
        genres: params
            .get("genre")
            .map(|raw| raw.split(',').map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default(),
        year_from: param(&params, "year_from", "must be a year such as 1990")?,
        year_to: param(&params, "year_to", "must be a year such as 1999")?,
        min_rating: param(&params, "min_rating", "must be a number from 0 to 10")?,
        min_votes: bounded(&params, "min_votes", 0..=100_000_000)?,
        sort,
    };
    let list = state.catalog.discover(&filter, page_param(&params)?, &locale_params(&params)?).await?;
    answer(&state, list, hidden, "/api/movies/discover/", &params).await
}

/// Everything about one movie: facts, cast, directors, trailer, certification, and the first
/// page of recommended and similar movies.
#[utoipa::path(
    get, path = "/api/movies/{id}/", tag = "movies",
    params(("id" = u64, Path, description = "TMDb movie id", minimum = 1), LanguageQuery),
    responses(
        (status = 200, description = "The movie", body = MovieDetails),
        (status = 404, description = "No such movie", body = ErrorBody),
        CatalogFailures,
    ),
)]
pub(super) async fn details(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Params,
) -> Result<Json<MovieDetails>, ApiError> {
    let details = state.catalog.details(movie_id(&id)?, language_param(&params)).await?;
    Ok(Json(details))
}

async fn related(
    state: AppState,
    id: String,
    hidden: HideMineQuery,
    params: HashMap<String, String>,
    relation: Relation,
) -> ListResult {
    let id = movie_id(&id)?;
    let list = state.catalog.related(id, relation, page_param(&params)?, language_param(&params)).await?;
    let path = format!("/api/movies/{id}/{}/", relation.path());
    answer(&state, list, hidden, &path, &params).await
}

macro_rules! related_list {
    ($name:ident, $relation:expr, $path:literal, $summary:literal) => {
        #[doc = $summary]
        #[utoipa::path(
                    get, path = $path, tag = "movies",
                    params(("id" = u64, Path, description = "TMDb movie id", minimum = 1), PageQuery, LanguageQuery, HideQuery),
                    security((), ("bearer" = [])),
                    responses(
                        (status = 200, description = "One page of movies", body = Page<MovieSummary>),
                        (status = 401, description = "`hide` without a valid access token", body = ErrorBody),
                        (status = 404, description = "No such movie", body = ErrorBody),
                        CatalogFailures,
                    ),
                )]
        pub(super) async fn $name(
            State(state): State<AppState>,
            Path(id): Path<String>,
            hidden: HideMineQuery,
            Query(params): Params,
        ) -> ListResult {
            related(state, id, hidden, params, $relation).await
        }
    };
}

related_list!(
    recommendations,
    Relation::Recommendations,
    "/api/movies/{id}/recommendations/",
    "Movies TMDb recommends to people who liked this one."
);
related_list!(similar, Relation::Similar, "/api/movies/{id}/similar/", "Movies similar to this one.");

/// Every genre, as a single page.
#[utoipa::path(
    get, path = "/api/genres/", tag = "movies",
    params(LanguageQuery),
    responses(
        (status = 200, description = "All genres", body = Page<Genre>),
        CatalogFailures,
    ),
)]
pub(super) async fn genres(
    State(state): State<AppState>,
    Query(params): Params,
) -> Result<Json<Page<Genre>>, ApiError> {
    let genres = state.catalog.genres(language_param(&params)).await?;
    Ok(Json(Page { count: genres.len() as u64, next: None, previous: None, page: 1, total_pages: 1, results: genres }))
}
