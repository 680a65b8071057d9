//! The TMDb v3 HTTP surface: the same paths, parameters, JSON shapes, status codes and error
//! bodies as `https://api.themoviedb.org/3` for the subset the hub uses.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Datelike, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::Emulator;
use crate::catalog::{CATALOG_TODAY, DiscoverFilter, Movie, Person, SortBy};
use crate::faults::{Fault, FaultSettings};
use crate::images::{self, ImageKind};
use crate::translations::{self, Language};

const PAGE_SIZE: usize = 20;
const MAX_PAGE: usize = 500;

pub fn router(emulator: Arc<Emulator>) -> Router {
    let api = Router::new()
        .route("/configuration", get(configuration))
        .route("/genre/movie/list", get(genre_list))
        .route("/trending/movie/{window}", get(trending))
        .route("/movie/popular", get(popular))
        .route("/movie/top_rated", get(top_rated))
        .route("/movie/now_playing", get(now_playing))
        .route("/movie/upcoming", get(upcoming))
        .route("/movie/{id}", get(details))
        .route("/movie/{id}/recommendations", get(recommendations))
        .route("/movie/{id}/similar", get(similar))
        .route("/search/movie", get(search))
        .route("/search/person", get(search_people))
        .route("/person/{id}", get(person))
        .route("/person/{id}/movie_credits", get(person_movie_credits))
        .route("/discover/movie", get(discover))
        .fallback(|| async { TmdbError::NotFound })
        .layer(middleware::from_fn_with_state(emulator.clone(), require_credential))
        .layer(middleware::from_fn_with_state(emulator.clone(), inject_faults));

    Router::new()
        .nest("/3", api)
        .merge(images_router())
        .merge(
            Router::new()
                .route("/__emulator/faults", get(get_faults).put(put_faults))
                .route("/__emulator/stats", get(stats))
                .layer(middleware::from_fn_with_state(emulator.clone(), require_admin_token)),
        )
        .with_state(emulator)
}

/// The image routes alone, so a server can serve the emulator's images under its own origin.
pub fn images_router() -> Router<Arc<Emulator>> {
    Router::new().route("/t/p/{size}/{file}", get(image))
}

/// TMDb's error bodies and the status codes it sends them with.
#[derive(Debug, Clone)]
pub enum TmdbError {
    InvalidApiKey,
    NotFound,
    InvalidPage,
    InvalidParameters(String),
    RateLimited { retry_after_secs: u64 },
    Internal,
}

impl IntoResponse for TmdbError {
    fn into_response(self) -> Response {
        let (status, code, message) = match &self {
            Self::InvalidApiKey => {
                (StatusCode::UNAUTHORIZED, 7, "Invalid API key: You must be granted a valid key.".to_owned())
            }
            Self::NotFound => (StatusCode::NOT_FOUND, 34, "The resource you requested could not be found.".to_owned()),
            Self::InvalidPage => (
                StatusCode::BAD_REQUEST,
                22,
                "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.".to_owned(),
            ),
            Self::InvalidParameters(detail) => {
                (StatusCode::UNPROCESSABLE_ENTITY, 5, format!("Invalid parameters: {detail}"))
            }
            Self::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                25,
                "Your request count (#) is over the allowed limit of (40).".to_owned(),
            ),
            Self::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                11,
                "Internal error: Something went wrong, contact TMDb.".to_owned(),
            ),
        };
        let body = json!({ "success": false, "status_code": code, "status_message": message });
        let mut response = (status, Json(body)).into_response();
        if let Self::RateLimited { retry_after_secs } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

async fn inject_faults(State(emulator): State<Arc<Emulator>>, request: Request, next: Next) -> Response {
    emulator.requests.fetch_add(1, Ordering::Relaxed);
    let latency = emulator.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match emulator.faults.draw() {
        Some(Fault::RateLimited { retry_after_secs }) => TmdbError::RateLimited { retry_after_secs }.into_response(),
        Some(Fault::Failure) => TmdbError::Internal.into_response(),
        None => next.run(request).await,
    }
}

/// The token of an `Authorization: Bearer` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
}

/// TMDb takes either `?api_key=` (v3 key) or `Authorization: Bearer` (read access token).
async fn require_credential(
    State(emulator): State<Arc<Emulator>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    request: Request,
    next: Next,
) -> Response {
    if let Some(expected) = &emulator.credential {
        let presented = params.get("api_key").map(String::as_str).or(bearer(&headers));
        if presented != Some(expected.as_str()) {
            return TmdbError::InvalidApiKey.into_response();
        }
    }
    next.run(request).await
}

type Params = Query<HashMap<String, String>>;

/// The language a request asked for (`language=`).
fn language(params: &HashMap<String, String>) -> Language {
    Language::of(params.get("language").map(String::as_str))
}

fn page_param(params: &HashMap<String, String>) -> Result<usize, TmdbError> {
    match params.get("page") {
        None => Ok(1),
        Some(raw) => match raw.parse::<usize>() {
            Ok(page) if (1..=MAX_PAGE).contains(&page) => Ok(page),
            _ => Err(TmdbError::InvalidPage),
        },
    }
}

fn parsed<T: std::str::FromStr>(params: &HashMap<String, String>, name: &str) -> Result<Option<T>, TmdbError> {
    match params.get(name).filter(|value| !value.is_empty()) {
        None => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|_| TmdbError::InvalidParameters(format!("{name} is not valid"))),
    }
}

impl Emulator {
    fn summary(&self, movie: &Movie, language: Language) -> Value {
        let text = translations::text(movie, language);
        json!({
            "adult": false,
            "backdrop_path": ImageKind::Backdrop.path(movie.id),
            "genre_ids": movie.genre_ids,
            "id": movie.id,
            "original_language": "en",
            "original_title": movie.title,
            "overview": text.overview,
            "popularity": movie.popularity,
            "poster_path": ImageKind::Poster.path(movie.id),
            "release_date": movie.release_date.map(|d| d.to_string()).unwrap_or_default(),
            "title": text.title,
            "video": false,
            "vote_average": movie.vote_average,
            "vote_count": movie.vote_count,
        })
    }

    /// One page of a list in TMDb's shape; TMDb never reports more than 500 pages.
    fn page(&self, list: &[&Movie], page: usize, language: Language) -> Value {
        let total_results = list.len();
        let total_pages = total_results.div_ceil(PAGE_SIZE).min(MAX_PAGE);
        let results: Vec<Value> =
            list.iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).map(|m| self.summary(m, language)).collect();
        json!({
            "page": page,
            "results": results,
            "total_pages": total_pages,
            "total_results": total_results,
        })
    }

    fn movie(&self, id: &str) -> Result<&Movie, TmdbError> {
        id.parse::<u64>().ok().and_then(|id| self.catalog.get(id)).ok_or(TmdbError::NotFound)
    }

    fn person(&self, id: &str) -> Result<&Person, TmdbError> {
        id.parse::<u64>().ok().and_then(|id| self.catalog.person(id)).ok_or(TmdbError::NotFound)
    }

    /// A person as `/person/{id}` describes them. The data has no birthdays or birthplaces, so
    /// those are null, as TMDb leaves them for people it knows little about; the biography is
    /// written from their films.
    fn person_details(&self, person: &Person, language: Language) -> Value {
        // Biographies are written in English only; TMDb's are often missing in other languages.
        let biography = if language == Language::English { self.biography(person) } else { String::new() };
        json!({
            "adult": false,
            "also_known_as": [],
            "biography": biography,
            "birthday": null,
            "deathday": null,
            "gender": 0,
            "homepage": null,
            "id": person.id,
            "imdb_id": null,
            "known_for_department": "Directing",
            "name": person.name,
            "place_of_birth": null,
            "popularity": person.popularity,
            "profile_path": ImageKind::Profile.path(person.id),
        })
    }

    fn biography(&self, person: &Person) -> String {
        let films = self.catalog.best_known(person);
        let years: Vec<i32> = films.iter().filter_map(|m| m.year()).collect();
        let mut text = format!("{} is a film director", person.name);
        match (years.iter().min(), years.iter().max()) {
            (Some(first), Some(last)) if first != last => {
                text.push_str(&format!(" whose films span {first} to {last}"))
            }
            (Some(year), _) => text.push_str(&format!(" whose film came out in {year}")),
            _ => {}
        }
        let titles: Vec<String> = films.iter().take(3).map(|m| m.title.clone()).collect();
        match titles.as_slice() {
            [] => text.push('.'),
            [only] => text.push_str(&format!(". Their best known film is {only}.")),
            [rest @ .., last] => text.push_str(&format!(". Best known for {} and {last}.", rest.join(", "))),
        }
        text
    }

    /// `movie_credits`: the data credits directors only, so `cast` is empty.
    fn movie_credits(&self, person: &Person, language: Language) -> Value {
        let crew: Vec<Value> = self
            .catalog
            .directed_by(person)
            .into_iter()
            .map(|movie| {
                let mut credit = self.summary(movie, language);
                credit["credit_id"] = json!(format!("{:x}-{:x}", person.id, movie.id));
                credit["department"] = json!("Directing");
                credit["job"] = json!("Director");
                credit
            })
            .collect();
        json!({ "id": person.id, "cast": [], "crew": crew })
    }
}

async fn configuration(State(emulator): State<Arc<Emulator>>) -> Json<Value> {
    Json(json!({
        "images": {
            "base_url": emulator.image_base_url,
            "secure_base_url": emulator.image_base_url,
            "backdrop_sizes": images::BACKDROP_SIZES,
            "poster_sizes": images::POSTER_SIZES,
            "profile_sizes": images::PROFILE_SIZES,
            "logo_sizes": ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
            "still_sizes": ["w92", "w185", "w300", "original"],
        },
        "change_keys": [],
    }))
}

async fn genre_list(Query(params): Params) -> Json<Value> {
    let genres: Vec<Value> =
        translations::genres(language(&params)).iter().map(|(id, name)| json!({ "id": id, "name": name })).collect();
    Json(json!({ "genres": genres }))
}

async fn trending(
    State(emulator): State<Arc<Emulator>>,
    Path(window): Path<String>,
    Query(params): Params,
) -> Result<Json<Value>, TmdbError> {
    let page = page_param(&params)?;
    let day = Utc::now().date_naive().num_days_from_ce() as u64;
    let period = match window.as_str() {
        "day" => day,
        // A separate key space from days, so week 3 is not day 3.
        "week" => (1 << 32) + day / 7,
        _ => return Err(TmdbError::NotFound),
    };
    Ok(Json(emulator.page(&emulator.catalog.trending(period), page, language(&params))))
}

async fn popular(State(emulator): State<Arc<Emulator>>, Query(params): Params) -> Result<Json<Value>, TmdbError> {
    let page = page_param(&params)?;
    Ok(Json(emulator.page(&emulator.catalog.popular(), page, language(&params))))
}

async fn top_rated(State(emulator): State<Arc<Emulator>>, Query(params): Params) -> Result<Json<Value>, TmdbError> {
    let page = page_param(&params)?;
    Ok(Json(emulator.page(&emulator.catalog.top_rated(), page, language(&params))))
}

fn dated_page(
    emulator: &Emulator,
    list: &[&Movie],
    (from, to): (NaiveDate, NaiveDate),
    page: usize,
    language: Language,
) -> Value {
    let mut body = emulator.page(list, page, language);
    body["dates"] = json!({ "minimum": from.to_string(), "maximum": to.to_string() });
    body
}

async fn now_playing(State(emulator): State<Arc<Emulator>>, Query(params): Params) -> Result<Json<Value>, TmdbError> {
    let page = page_param(&params)?;
    let (list, from, to) = emulator.catalog.now_playing();
    Ok(Json(dated_page(&emulator, &list, (from, to), page, language(&params))))
}

async fn upcoming(State(emulator): State<Arc<Emulator>>, Query(params): Params) -> Result<Json<Value>, TmdbError> {
    let page = page_param(&params)?;
    let (list, from, to) = emulator.catalog.upcoming();
    Ok(Json(dated_page(&emulator, &list, (from, to), page, language(&params))))
}

async fn search(State(emulator): State<Arc<Emulator>>, Query(params): Params) -> Result<Json<Value>, TmdbError> {
    let page = page_param(&params)?;
    let year = match parsed::<i32>(&params, "primary_release_year")? {
        Some(year) => Some(year),
        None => parsed::<i32>(&params, "year")?,
    };
    let query = params.get("query").map(String::as_str).unwrap_or_default();
    Ok(Json(emulator.page(&emulator.catalog.search(query, year), page, language(&params))))
}

async fn search_people(State(emulator): State<Arc<Emulator>>, Query(params): Params) -> Result<Json<Value>, TmdbError> {
    let page = page_param(&params)?;
    let query = params.get("query").map(String::as_str).unwrap_or_default();
    let people = emulator.catalog.search_people(query);
    let total_results = people.len();
    let results: Vec<Value> = people
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|person| {
            let known_for: Vec<Value> = emulator
                .catalog
                .best_known(person)
                .iter()
                .take(3)
                .map(|movie| {
                    let mut item = emulator.summary(movie, language(&params));
                    item["media_type"] = json!("movie");
                    item
                })
                .collect();
            json!({
                "adult": false,
                "gender": 0,
                "id": person.id,
                "known_for": known_for,
                "known_for_department": "Directing",
                "name": person.name,
                "original_name": person.name,
                "popularity": person.popularity,
                "profile_path": ImageKind::Profile.path(person.id),
            })
        })
        .collect();
    Ok(Json(json!({
        "page": page,
        "results": results,
        "total_pages": total_results.div_ceil(PAGE_SIZE).min(MAX_PAGE),
        "total_results": total_results,
    })))
}

async fn person(
    State(emulator): State<Arc<Emulator>>,
    Path(id): Path<String>,
    Query(params): Params,
) -> Result<Json<Value>, TmdbError> {
    let person = emulator.person(&id)?;
    let mut body = emulator.person_details(person, language(&params));
    let appended = params.get("append_to_response").map(String::as_str).unwrap_or_default();
    if appended.split(',').any(|part| part.trim() == "movie_credits") {
        body["movie_credits"] = emulator.movie_credits(person, language(&params));
    }
    Ok(Json(body))
}

async fn person_movie_credits(
    State(emulator): State<Arc<Emulator>>,
    Path(id): Path<String>,
    Query(params): Params,
) -> Result<Json<Value>, TmdbError> {
    let person = emulator.person(&id)?;
    Ok(Json(emulator.movie_credits(person, language(&params))))
}

fn ids<T: std::str::FromStr>(raw: &str, separator: char, parameter: &str) -> Result<Vec<T>, TmdbError> {
    raw.split(separator)
        .filter(|part| !part.is_empty())
        .map(|part| part.trim().parse().map_err(|_| TmdbError::InvalidParameters(format!("{parameter} is not valid"))))
        .collect()
}

async fn discover(State(emulator): State<Arc<Emulator>>, Query(params): Params) -> Result<Json<Value>, TmdbError> {
    let page = page_param(&params)?;
    let mut filter = DiscoverFilter::default();
    if let Some(raw) = params.get("with_genres") {
        if raw.contains('|') {
            filter.any_genres = ids(raw, '|', "with_genres")?;
        } else {
            filter.all_genres = ids(raw, ',', "with_genres")?;
        }
    }
    // TMDb's `with_people`, and `with_crew`, which this data's people (directors) all are.
    for parameter in ["with_people", "with_crew"] {
        if let Some(raw) = params.get(parameter) {
            if raw.contains('|') {
                filter.any_people.extend(ids::<u64>(raw, '|', parameter)?);
            } else {
                filter.all_people.extend(ids::<u64>(raw, ',', parameter)?);
            }
        }
    }
    filter.released_from = parsed(&params, "primary_release_date.gte")?;
    filter.released_to = parsed(&params, "primary_release_date.lte")?;
    filter.year = parsed(&params, "primary_release_year")?;
    filter.min_vote_average = parsed(&params, "vote_average.gte")?;
    filter.min_vote_count = parsed(&params, "vote_count.gte")?;
    let order = match params.get("sort_by") {
        None => SortBy::PopularityDesc,
        Some(raw) => SortBy::parse(raw).ok_or_else(|| TmdbError::InvalidParameters("sort_by is not valid".into()))?,
    };
    Ok(Json(emulator.page(&emulator.catalog.discover(&filter, order), page, language(&params))))
}

async fn recommendations(
    State(emulator): State<Arc<Emulator>>,
    Path(id): Path<String>,
    Query(params): Params,
) -> Result<Json<Value>, TmdbError> {
    let page = page_param(&params)?;
    let movie = emulator.movie(&id)?;
    Ok(Json(emulator.page(&emulator.catalog.recommendations(movie), page, language(&params))))
}

async fn similar(
    State(emulator): State<Arc<Emulator>>,
    Path(id): Path<String>,
    Query(params): Params,
) -> Result<Json<Value>, TmdbError> {
    let page = page_param(&params)?;
    let movie = emulator.movie(&id)?;
    Ok(Json(emulator.page(&emulator.catalog.similar(movie), page, language(&params))))
}

async fn details(
    State(emulator): State<Arc<Emulator>>,
    Path(id): Path<String>,
    Query(params): Params,
) -> Result<Json<Value>, TmdbError> {
    let movie = emulator.movie(&id)?;
    let language = language(&params);
    let mut body = emulator.summary(movie, language);
    let genres: Vec<Value> = movie
        .genre_ids
        .iter()
        .filter_map(|id| translations::genre_name(*id, language).map(|name| json!({ "id": id, "name": name })))
        .collect();
    let extra = json!({
        "budget": movie.budget,
        "revenue": movie.revenue,
        "genres": genres,
        "runtime": movie.runtime,
        "tagline": translations::text(movie, language).tagline,
        "status": if movie.release_date.is_some_and(|day| day > CATALOG_TODAY) { "Post Production" } else { "Released" },
        "homepage": "",
        "imdb_id": null,
        "spoken_languages": [{ "english_name": "English", "iso_639_1": "en", "name": "English" }],
    });
    if let (Some(target), Some(source)) = (body.as_object_mut(), extra.as_object()) {
        target.extend(source.clone());
        target.remove("genre_ids");
    }
    let appended = params.get("append_to_response").map(String::as_str).unwrap_or_default();
    for part in appended.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let value = match part {
            "credits" => credits(&emulator, movie),
            "videos" => json!({ "results": [] }),
            "release_dates" => release_dates(movie),
            "recommendations" => emulator.page(&emulator.catalog.recommendations(movie), 1, language),
            "similar" => emulator.page(&emulator.catalog.similar(movie), 1, language),
            // TMDb ignores what it cannot append.
            _ => continue,
        };
        body[part] = value;
    }
    Ok(Json(body))
}

/// The source names a film's director but no cast, so the cast is empty rather than invented.
fn credits(emulator: &Emulator, movie: &Movie) -> Value {
    let crew: Vec<Value> = movie
        .director
        .iter()
        .filter_map(|name| emulator.catalog.person_id(name).map(|id| (id, name)))
        .map(|(id, name)| {
            json!({
                "id": id,
                "name": name,
                "job": "Director",
                "department": "Directing",
                "credit_id": format!("{id:x}-{:x}", movie.id),
                "profile_path": ImageKind::Profile.path(id),
            })
        })
        .collect();
    json!({ "id": movie.id, "cast": [], "crew": crew })
}

/// The American release with its rating, and where the film is rated, its release in the
/// countries whose rating [`translations::certification`] derives.
fn release_dates(movie: &Movie) -> Value {
    let Some(day) = movie.release_date else {
        return json!({ "results": [] });
    };
    let release = |country: &str, certification: &str| {
        json!({
            "iso_3166_1": country,
            "release_dates": [{
                "certification": certification,
                "iso_639_1": "",
                "note": "",
                "release_date": format!("{day}T00:00:00.000Z"),
                "type": 3,
            }],
        })
    };
    let us_rating = movie.certification.as_deref().unwrap_or_default();
    let mut results = vec![release("US", us_rating)];
    for country in translations::CERTIFYING_COUNTRIES {
        if let Some(certification) = translations::certification(us_rating, country) {
            results.push(release(country, certification));
        }
    }
    json!({ "results": results })
}

async fn image(State(emulator): State<Arc<Emulator>>, Path((size, file)): Path<(String, String)>) -> Response {
    let svg =
        images::is_known_size(&size).then(|| ImageKind::parse_file(&file)).flatten().and_then(
            |(kind, id)| match kind {
                ImageKind::Profile => {
                    emulator.catalog.person(id).map(|person| images::render_profile(person.id, &person.name))
                }
                _ => emulator.catalog.get(id).map(|movie| images::render(kind, movie.id, &movie.title, movie.year())),
            },
        );
    let Some(svg) = svg else {
        return TmdbError::NotFound.into_response();
    };
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=604800, immutable")], svg)
        .into_response()
}

/// `/__emulator/*` can take the catalog down: with an admin token configured, only its bearer
/// may use it.
async fn require_admin_token(
    State(emulator): State<Arc<Emulator>>,
    headers: HeaderMap,
    request: Request,
    next: Next,
) -> Response {
    if let Some(expected) = &emulator.admin_token
        && bearer(&headers) != Some(expected.as_str())
    {
        return (StatusCode::UNAUTHORIZED, "the emulator's admin endpoints need `Authorization: Bearer <admin token>`")
            .into_response();
    }
    next.run(request).await
}

async fn get_faults(State(emulator): State<Arc<Emulator>>) -> Json<FaultSettings> {
    Json(emulator.faults.settings())
}

async fn put_faults(
    State(emulator): State<Arc<Emulator>>,
    Json(settings): Json<FaultSettings>,
) -> Result<Json<FaultSettings>, (StatusCode, String)> {
    settings.validate().map_err(|message| (StatusCode::UNPROCESSABLE_ENTITY, message))?;
    emulator.faults.set(settings.clone());
    tracing::info!(?settings, "fault settings changed");
    Ok(Json(settings))
}

async fn stats(State(emulator): State<Arc<Emulator>>) -> Json<Value> {
    Json(json!({ "requests": emulator.requests.load(Ordering::Relaxed), "movies": emulator.catalog.len() }))
}
