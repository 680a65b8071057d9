//! Public catalog routes: `/api/movies/...` and `/api/genres/`. Each parses and names its
//! parameters, calls the catalog service, and answers the list shape with absolute links.

use std::collections::HashMap;

use api_types::{DiscoverFilter, DiscoverSort, Genre, MovieDetails, MovieSummary, Page, TrendingWindow};
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use services::catalog::{DEFAULT_LANGUAGE, Locale, MovieList, Relation, locale};

use super::error::ApiError;
use super::pagination::with_links;
use super::query::param;
use super::slash_optional;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let routes: [(&str, axum::routing::MethodRouter<AppState>); 11] = [
        ("/api/movies/trending", get(trending)),
        ("/api/movies/popular", get(|s, q| list(s, q, MovieList::Popular, "/api/movies/popular/"))),
        ("/api/movies/top-rated", get(|s, q| list(s, q, MovieList::TopRated, "/api/movies/top-rated/"))),
        ("/api/movies/upcoming", get(|s, q| list(s, q, MovieList::Upcoming, "/api/movies/upcoming/"))),
        ("/api/movies/now-playing", get(|s, q| list(s, q, MovieList::NowPlaying, "/api/movies/now-playing/"))),
        ("/api/movies/search", get(search)),
        ("/api/movies/discover", get(discover)),
        ("/api/movies/{id}", get(details)),
        ("/api/movies/{id}/recommendations", get(|s, p, q| related(s, p, q, Relation::Recommendations))),
        ("/api/movies/{id}/similar", get(|s, p, q| related(s, p, q, Relation::Similar))),
        ("/api/genres", get(genres)),
    ];
    routes.into_iter().fold(Router::new(), |router, (path, handler)| slash_optional(router, path, handler))
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
    raw.parse::<u64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::invalid("id", "must be a positive whole number"))
}

/// `GET /api/movies/trending/?window=day|week&page=&language=&region=`
async fn trending(State(state): State<AppState>, Query(params): Params) -> ListResult {
    let window: TrendingWindow = match params.get("window") {
        None => TrendingWindow::default(),
        Some(raw) => raw.parse().map_err(|message: String| ApiError::invalid("window", message))?,
    };
    let list = state.catalog.trending(window, page_param(&params)?, &locale_params(&params)?).await?;
    Ok(Json(with_links(list, &state.public_url, "/api/movies/trending/", &params)))
}

/// `GET /api/movies/{popular,top-rated,upcoming,now-playing}/?page=&language=&region=`
async fn list(State(state): State<AppState>, Query(params): Params, kind: MovieList, path: &str) -> ListResult {
    let list = state.catalog.list(kind, page_param(&params)?, &locale_params(&params)?).await?;
    Ok(Json(with_links(list, &state.public_url, path, &params)))
}

/// `GET /api/movies/search/?q=&year=&page=&language=&region=`
async fn search(State(state): State<AppState>, Query(params): Params) -> ListResult {
    let query = params.get("q").map(String::as_str).unwrap_or_default();
    let year = param(&params, "year", "must be a year such as 1999")?;
    let list = state.catalog.search(query, year, page_param(&params)?, &locale_params(&params)?).await?;
    Ok(Json(with_links(list, &state.public_url, "/api/movies/search/", &params)))
}

/// `GET /api/movies/discover/?genre=&year_from=&year_to=&min_rating=&min_votes=&sort=&page=`
async fn discover(State(state): State<AppState>, Query(params): Params) -> ListResult {
    let sort = match params.get("sort").map(|s| s.trim()).filter(|s| !s.is_empty()) {
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
        min_votes: param(&params, "min_votes", "must be a whole number")?,
        sort,
    };
    let list = state.catalog.discover(&filter, page_param(&params)?, &locale_params(&params)?).await?;
    Ok(Json(with_links(list, &state.public_url, "/api/movies/discover/", &params)))
}

/// `GET /api/movies/{id}/?language=`
async fn details(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Params,
) -> Result<Json<MovieDetails>, ApiError> {
    let details = state.catalog.details(movie_id(&id)?, language_param(&params)).await?;
    Ok(Json(details))
}

/// `GET /api/movies/{id}/recommendations/` and `/similar/`, `?page=&language=`
async fn related(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Params,
    relation: Relation,
) -> ListResult {
    let id = movie_id(&id)?;
    let list = state.catalog.related(id, relation, page_param(&params)?, language_param(&params)).await?;
    let path = format!("/api/movies/{id}/{}/", relation.path());
    Ok(Json(with_links(list, &state.public_url, &path, &params)))
}

/// `GET /api/genres/?language=`: every genre, as a single page.
async fn genres(State(state): State<AppState>, Query(params): Params) -> Result<Json<Page<Genre>>, ApiError> {
    let genres = state.catalog.genres(language_param(&params)).await?;
    Ok(Json(Page { count: genres.len() as u64, next: None, previous: None, page: 1, total_pages: 1, results: genres }))
}
