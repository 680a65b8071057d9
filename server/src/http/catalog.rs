//! Public catalog routes: `/api/movies/...`, `/api/people/...` and `/api/genres/`. Each reads its parameters as
//! typed queries (`query.rs`), calls the catalog service, and answers the list shape with
//! absolute links.

use api_types::{DiscoverFilter, Genre, MovieDetails, MovieSummary, Page, PersonDetails, PersonSummary};
use axum::Json;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use services::catalog::{MovieList, Relation};
use utoipa_axum::routes;

use super::AppState;
use super::error::ApiError;
use super::extract::HideMineQuery;
use super::openapi::{CatalogFailures, ErrorBody};
use super::pagination::with_links;
use super::query::{
    ApiLanguage, ApiLocale, ApiQuery, DiscoverQuery, HideQuery, LanguageQuery, LocaleQuery, PageQuery,
    PeopleSearchQuery, SearchQuery, TrendingQuery, requested_language,
};
use super::{ApiRouter, documented};

/// Says which language a catalog answer is in (`Content-Language`), and that without
/// `?language=` it depends on the request's `Accept-Language` (`Vary`), so that shared caches
/// keep one copy per language.
pub(super) async fn content_language(request: Request, next: Next) -> Response {
    let asked = super::query::parse::<LanguageQuery>(request.uri().query().unwrap_or_default())
        .ok()
        .and_then(|query| query.language);
    let language = requested_language(asked, request.headers());
    let mut response = next.run(request).await;
    if response.status().is_success()
        && let Ok(value) = HeaderValue::from_str(&language)
    {
        response.headers_mut().insert(header::CONTENT_LANGUAGE, value);
    }
    response.headers_mut().append(header::VARY, HeaderValue::from_static("accept-language"));
    response
}

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
        routes!(search_people),
        routes!(person),
    ]
    .into_iter()
    .fold(ApiRouter::new(), documented)
}

type ListResult = Result<Json<Page<MovieSummary>>, ApiError>;

fn movie_id(raw: &str) -> Result<u64, ApiError> {
    super::query::path_id(raw, "id")
}

/// A list's answer: without what the bearer asked to hide (`?hide=`), with absolute links
/// that keep the request's other parameters. Hidden movies are taken out of the page as TMDb
/// numbers it, so page numbers and totals stay the catalog's and a page may hold fewer movies.
async fn answer(
    state: &AppState,
    mut list: Page<MovieSummary>,
    HideMineQuery(hidden): HideMineQuery,
    path: &str,
    query: Option<&str>,
) -> ListResult {
    if let Some((account, hide)) = hidden {
        let mine = state.library.ids(account).await?;
        list.results.retain(|movie| !mine.hides(hide, movie.id));
    }
    Ok(Json(with_links(list, &state.public_url, path, query)))
}

/// Trending movies of the day or the week.
#[utoipa::path(
    get, path = "/api/movies/trending/", tag = "movies",
    params(TrendingQuery, PageQuery, LocaleQuery, HideQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of movies", body = Page<MovieSummary>),
        (status = 401, description = "`hide` without a valid access token", body = ErrorBody),
        CatalogFailures,
    ),
)]
pub(super) async fn trending(
    State(state): State<AppState>,
    ApiQuery(TrendingQuery { window }): ApiQuery<TrendingQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
    ApiLocale(locale): ApiLocale,
    hidden: HideMineQuery,
    RawQuery(query): RawQuery,
) -> ListResult {
    let list = state.catalog.trending(window.unwrap_or_default(), page.number(), &locale).await?;
    answer(&state, list, hidden, "/api/movies/trending/", query.as_deref()).await
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
            ApiQuery(page): ApiQuery<PageQuery>,
            ApiLocale(locale): ApiLocale,
            hidden: HideMineQuery,
            RawQuery(query): RawQuery,
        ) -> ListResult {
            let list = state.catalog.list($kind, page.number(), &locale).await?;
            answer(&state, list, hidden, $path, query.as_deref()).await
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
    params(SearchQuery, PageQuery, LocaleQuery, HideQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of movies", body = Page<MovieSummary>),
        (status = 401, description = "`hide` without a valid access token", body = ErrorBody),
        CatalogFailures,
    ),
)]
pub(super) async fn search(
    State(state): State<AppState>,
    ApiQuery(SearchQuery { q, year }): ApiQuery<SearchQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
    ApiLocale(locale): ApiLocale,
    hidden: HideMineQuery,
    RawQuery(query): RawQuery,
) -> ListResult {
    let list = state.catalog.search(&q, year, page.number(), &locale).await?;
    answer(&state, list, hidden, "/api/movies/search/", query.as_deref()).await
}

/// Movies matching every filter given.
#[utoipa::path(
    get, path = "/api/movies/discover/", tag = "movies",
    params(DiscoverQuery, PageQuery, LocaleQuery, HideQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "One page of movies", body = Page<MovieSummary>),
        (status = 401, description = "`hide` without a valid access token", body = ErrorBody),
        CatalogFailures,
    ),
)]
pub(super) async fn discover(
    State(state): State<AppState>,
    ApiQuery(filters): ApiQuery<DiscoverQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
    ApiLocale(locale): ApiLocale,
    hidden: HideMineQuery,
    RawQuery(query): RawQuery,
) -> ListResult {
    let filter = DiscoverFilter {
        genres: filters
            .genre
            .map(|raw| raw.split(',').map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default(),
        year_from: filters.year_from,
        year_to: filters.year_to,
        min_rating: filters.min_rating,
        min_votes: filters.min_votes,
        people: filters.with_people,
        sort: filters.sort.unwrap_or_default(),
    };
    let list = state.catalog.discover(&filter, page.number(), &locale).await?;
    answer(&state, list, hidden, "/api/movies/discover/", query.as_deref()).await
}

/// Everything about one movie: facts, cast, directors, trailer, certification, and the first
/// page of recommended and similar movies.
#[utoipa::path(
    get, path = "/api/movies/{id}/", tag = "movies",
    params(("id" = u64, Path, description = "TMDb movie id", minimum = 1), LocaleQuery),
    responses(
        (status = 200, description = "The movie", body = MovieDetails),
        (status = 404, description = "No such movie", body = ErrorBody),
        CatalogFailures,
    ),
)]
pub(super) async fn details(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiLocale(locale): ApiLocale,
) -> Result<Json<MovieDetails>, ApiError> {
    let details = state.catalog.details(movie_id(&id)?, &locale).await?;
    Ok(Json(details))
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
            ApiQuery(page): ApiQuery<PageQuery>,
            ApiLanguage(language): ApiLanguage,
            hidden: HideMineQuery,
            RawQuery(query): RawQuery,
        ) -> ListResult {
            let id = movie_id(&id)?;
            let list = state.catalog.related(id, $relation, page.number(), &language).await?;
            let path = format!("/api/movies/{id}/{}/", $relation.path());
            answer(&state, list, hidden, &path, query.as_deref()).await
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
    ApiLanguage(language): ApiLanguage,
) -> Result<Json<Page<Genre>>, ApiError> {
    let genres = state.catalog.genres(&language).await?;
    Ok(Json(Page { count: genres.len() as u64, next: None, previous: None, page: 1, total_pages: 1, results: genres }))
}

/// People whose name matches `q`: actors, directors, writers.
#[utoipa::path(
    get, path = "/api/people/search/", tag = "people",
    params(PeopleSearchQuery, PageQuery, LocaleQuery),
    responses(
        (status = 200, description = "One page of people", body = Page<PersonSummary>),
        CatalogFailures,
    ),
)]
pub(super) async fn search_people(
    State(state): State<AppState>,
    ApiQuery(PeopleSearchQuery { q }): ApiQuery<PeopleSearchQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
    ApiLocale(locale): ApiLocale,
    RawQuery(query): RawQuery,
) -> Result<Json<Page<PersonSummary>>, ApiError> {
    let people = state.catalog.search_people(&q, page.number(), &locale).await?;
    Ok(Json(with_links(people, &state.public_url, "/api/people/search/", query.as_deref())))
}

/// Everything about one person: biography, photo, what they are known for, and every movie
/// they acted in or worked on, newest first. `GET /api/movies/discover/?with_people={id}`
/// lists their movies as a catalog list.
#[utoipa::path(
    get, path = "/api/people/{id}/", tag = "people",
    params(("id" = u64, Path, description = "TMDb person id", minimum = 1), LanguageQuery),
    responses(
        (status = 200, description = "The person", body = PersonDetails),
        (status = 404, description = "No such person", body = ErrorBody),
        CatalogFailures,
    ),
)]
pub(super) async fn person(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiLanguage(language): ApiLanguage,
) -> Result<Json<PersonDetails>, ApiError> {
    let id = super::query::path_id(&id, "id")?;
    Ok(Json(state.catalog.person(id, &language).await?))
}
