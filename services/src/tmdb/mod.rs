//! A typed TMDb v3 client on reqwest.
//!
//! Every call is bounded: a connect timeout, a total budget for the call including retries,
//! at most three attempts with exponential backoff and full jitter on 429, 5xx, timeouts and
//! connection errors (a 429's `Retry-After` is honoured, capped), and an outbound rate limit
//! that keeps the process under TMDb's ~40 requests/s.

mod types;

use std::num::NonZeroU32;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};
use serde::de::DeserializeOwned;

pub use types::*;

/// How the client proves itself to TMDb.
#[derive(Clone)]
pub enum Credential {
    /// A v3 API key, sent as `?api_key=`.
    ApiKey(String),
    /// A v4 read access token, sent as `Authorization: Bearer`.
    ReadToken(String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret itself.
        match self {
            Self::ApiKey(_) => f.write_str("ApiKey(..)"),
            Self::ReadToken(_) => f.write_str("ReadToken(..)"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct TmdbConfig {
    /// Like `https://api.themoviedb.org/3`, without a trailing slash.
    pub base_url: String,
    pub credential: Credential,
    /// The most one call may take, retries and waits included.
    pub call_budget: Duration,
    pub connect_timeout: Duration,
    /// Attempts per call, the first included.
    pub max_attempts: usize,
    /// First backoff delay; each retry doubles it (before jitter).
    pub min_backoff: Duration,
    /// The longest `Retry-After` the client will wait; longer ones fail the call at once.
    pub max_retry_after: Duration,
    pub requests_per_second: NonZeroU32,
}

impl TmdbConfig {
    pub fn new(base_url: impl Into<String>, credential: Credential) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            credential,
            call_budget: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(2),
            max_attempts: 3,
            min_backoff: Duration::from_millis(200),
            max_retry_after: Duration::from_secs(5),
            requests_per_second: NonZeroU32::new(40).unwrap_or(NonZeroU32::MIN),
        }
    }
}

/// Why a TMDb call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TmdbError {
    #[error("TMDb rejected the configured credential: {message}")]
    Unauthorized { message: String },
    #[error("TMDb has no such resource")]
    NotFound,
    #[error("TMDb rate limit exceeded")]
    RateLimited { retry_after: Option<Duration> },
    #[error("TMDb refused the request ({status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("TMDb failed ({status}): {message}")]
    Upstream { status: u16, message: String },
    #[error("TMDb did not answer in time")]
    Timeout,
    #[error("could not reach TMDb: {0}")]
    Connection(String),
    #[error("TMDb sent a response we could not read: {0}")]
    Decode(String),
}

impl TmdbError {
    /// Failures that may go away on their own. Other 4xx never do.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::RateLimited { .. } | Self::Upstream { .. } | Self::Timeout | Self::Connection(_))
    }

    fn from_reqwest(error: reqwest::Error) -> Self {
        // reqwest puts the whole URL in its message, and a v3 key rides in the query: the
        // message is logged, so the URL never goes into it.
        let error = error.without_url();
        if error.is_timeout() {
            Self::Timeout
        } else if error.is_decode() {
            Self::Decode(error.to_string())
        } else {
            // Connection refused, reset, DNS, TLS: all "could not reach".
            Self::Connection(error.to_string())
        }
    }
}

pub struct TmdbClient {
    http: reqwest::Client,
    config: TmdbConfig,
    limiter: DefaultDirectRateLimiter,
}

impl TmdbClient {
    pub fn new(config: TmdbConfig) -> Result<Self, TmdbError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            // Each attempt gets its share of the budget, so a hung attempt leaves room to retry.
            .timeout(config.call_budget / u32::try_from(config.max_attempts.max(1)).unwrap_or(1))
            .user_agent(concat!("nexus-movie-hub/", env!("CARGO_PKG_VERSION")))
            // A redirect would carry a v3 key (in the query) to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| TmdbError::Connection(e.to_string()))?;
        let limiter = RateLimiter::direct(Quota::per_second(config.requests_per_second));
        Ok(Self { http, config, limiter })
    }

    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// `GET {base_url}{path}?{query}`, retried and bounded as the module describes.
    pub async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, String)]) -> Result<T, TmdbError> {
        let max_retry_after = self.config.max_retry_after;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.config.min_backoff)
            .with_max_delay(self.config.call_budget)
            .with_max_times(self.config.max_attempts.saturating_sub(1));
        let attempt = || self.attempt::<T>(path, query);
        let call = attempt
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .when(TmdbError::is_transient)
            // `delay` is `None` once the attempts are used up: then nothing may retry.
            .adjust(move |error, delay| match (error, delay) {
                (_, None) => None,
                // TMDb said when to come back: wait that long, unless it is longer than we
                // are willing to make a user wait, in which case fail now.
                (TmdbError::RateLimited { retry_after: Some(wait) }, Some(_)) => {
                    (*wait <= max_retry_after).then_some(*wait)
                }
                // Full jitter: anywhere between zero and the exponential delay.
                (_, Some(delay)) => Some(delay.mul_f64(rand::random::<f64>())),
            })
            .notify(|error, delay| {
                metrics::counter!("tmdb_retries_total").increment(1);
                tracing::warn!(%error, ?delay, path, "retrying TMDb call");
            });
        let result = match tokio::time::timeout(self.config.call_budget, call).await {
            Ok(result) => result,
            Err(_) => Err(TmdbError::Timeout),
        };
        let outcome = match &result {
            Ok(_) => "ok",
            Err(TmdbError::NotFound) => "not_found",
            Err(_) => "failed",
        };
        metrics::counter!("tmdb_calls_total", "outcome" => outcome).increment(1);
        result
    }

    async fn attempt<T: DeserializeOwned>(&self, path: &str, query: &[(&str, String)]) -> Result<T, TmdbError> {
        self.limiter.until_ready().await;
        metrics::counter!("tmdb_requests_total").increment(1);
        let mut request = self.http.get(format!("{}{path}", self.config.base_url)).query(query);
        request = match &self.config.credential {
            Credential::ApiKey(key) => request.query(&[("api_key", key)]),
            Credential::ReadToken(token) => {
                let value = HeaderValue::from_str(&format!("Bearer {token}"))
                    .map_err(|_| TmdbError::Unauthorized { message: "the read token is not a valid header".into() })?;
                request.header(AUTHORIZATION, value)
            }
        };
        let response = request.send().await.map_err(TmdbError::from_reqwest)?;
        let status = response.status();
        if status.is_success() {
            return response.json::<T>().await.map_err(TmdbError::from_reqwest);
        }
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let message = response
            .json::<ErrorBody>()
            .await
            .map(|body| body.status_message)
            .unwrap_or_else(|_| status.canonical_reason().unwrap_or("unknown error").to_owned());
        Err(match status {
            StatusCode::UNAUTHORIZED => {
                tracing::error!(%message, "TMDb rejected our credential: check TMDB_API_KEY / TMDB_READ_TOKEN");
                TmdbError::Unauthorized { message }
            }
            StatusCode::NOT_FOUND => TmdbError::NotFound,
            StatusCode::TOO_MANY_REQUESTS => TmdbError::RateLimited { retry_after },
            s if s.is_server_error() => TmdbError::Upstream { status: s.as_u16(), message },
            s => TmdbError::Rejected { status: s.as_u16(), message },
        })
    }

    pub async fn configuration(&self) -> Result<Configuration, TmdbError> {
        self.get("/configuration", &[]).await
    }

    pub async fn movie_genres(&self, language: &str) -> Result<GenreList, TmdbError> {
        self.get("/genre/movie/list", &[("language", language.to_owned())]).await
    }

    pub async fn trending_movies(&self, window: &str, locale: &Locale, page: u32) -> Result<MovieListPage, TmdbError> {
        self.get(&format!("/trending/movie/{window}"), &locale.query(page)).await
    }

    /// `/movie/popular`, `/movie/top_rated`, `/movie/now_playing` or `/movie/upcoming`.
    pub async fn movie_list(&self, list: MovieList, locale: &Locale, page: u32) -> Result<MovieListPage, TmdbError> {
        self.get(&format!("/movie/{}", list.path()), &locale.query(page)).await
    }

    pub async fn search_movies(
        &self,
        query: &str,
        year: Option<i32>,
        locale: &Locale,
        page: u32,
    ) -> Result<MovieListPage, TmdbError> {
        let mut params = locale.query(page);
        params.push(("query", query.to_owned()));
        params.push(("include_adult", "false".to_owned()));
        if let Some(year) = year {
            params.push(("primary_release_year", year.to_string()));
        }
        self.get("/search/movie", &params).await
    }

    pub async fn discover_movies(
        &self,
        filter: &DiscoverQuery,
        locale: &Locale,
        page: u32,
    ) -> Result<MovieListPage, TmdbError> {
        let mut params = locale.query(page);
        params.push(("include_adult", "false".to_owned()));
        params.push(("sort_by", filter.sort_by.to_owned()));
        if !filter.genre_ids.is_empty() {
            let ids: Vec<String> = filter.genre_ids.iter().map(u32::to_string).collect();
            params.push(("with_genres", ids.join(",")));
        }
        if let Some(year) = filter.year_from {
            params.push(("primary_release_date.gte", format!("{year}-01-01")));
        }
        if let Some(year) = filter.year_to {
            params.push(("primary_release_date.lte", format!("{year}-12-31")));
        }
        if let Some(rating) = filter.min_rating {
            params.push(("vote_average.gte", rating.to_string()));
        }
        if let Some(votes) = filter.min_votes {
            params.push(("vote_count.gte", votes.to_string()));
        }
        if !filter.people.is_empty() {
            let ids: Vec<String> = filter.people.iter().map(u64::to_string).collect();
            params.push(("with_people", ids.join(",")));
        }
        self.get("/discover/movie", &params).await
    }

    /// Details with credits, videos, recommendations, similar and release dates: one call.
    pub async fn movie_details(&self, id: u64, language: &str) -> Result<MovieDetails, TmdbError> {
        let params = [
            ("language", language.to_owned()),
            ("append_to_response", "credits,videos,recommendations,similar,release_dates".to_owned()),
        ];
        self.get(&format!("/movie/{id}"), &params).await
    }

    /// A person with every movie they acted in or worked on: one call.
    pub async fn person_details(&self, id: u64, language: &str) -> Result<PersonDetails, TmdbError> {
        let params = [("language", language.to_owned()), ("append_to_response", "movie_credits".to_owned())];
        self.get(&format!("/person/{id}"), &params).await
    }

    pub async fn search_people(&self, query: &str, locale: &Locale, page: u32) -> Result<PersonListPage, TmdbError> {
        let mut params = locale.query(page);
        params.push(("query", query.to_owned()));
        params.push(("include_adult", "false".to_owned()));
        self.get("/search/person", &params).await
    }

    /// `/movie/{id}/recommendations` or `/movie/{id}/similar`.
    pub async fn related_movies(
        &self,
        id: u64,
        relation: Relation,
        language: &str,
        page: u32,
    ) -> Result<MovieListPage, TmdbError> {
        let params = [("language", language.to_owned()), ("page", page.to_string())];
        self.get(&format!("/movie/{id}/{}", relation.path()), &params).await
    }
}

/// Language (and, where TMDb takes one, region) of a request; both are part of cache keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Locale {
    pub language: String,
    pub region: Option<String>,
}

impl Default for Locale {
    /// TMDb's own default.
    fn default() -> Self {
        Self { language: "en-US".to_owned(), region: None }
    }
}

impl Locale {
    fn query(&self, page: u32) -> Vec<(&'static str, String)> {
        let mut params = vec![("language", self.language.clone()), ("page", page.to_string())];
        if let Some(region) = &self.region {
            params.push(("region", region.clone()));
        }
        params
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovieList {
    Popular,
    TopRated,
    NowPlaying,
    Upcoming,
}

impl MovieList {
    pub fn path(self) -> &'static str {
        match self {
            Self::Popular => "popular",
            Self::TopRated => "top_rated",
            Self::NowPlaying => "now_playing",
            Self::Upcoming => "upcoming",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Recommendations,
    Similar,
}

impl Relation {
    pub fn path(self) -> &'static str {
        match self {
            Self::Recommendations => "recommendations",
            Self::Similar => "similar",
        }
    }
}

/// `/discover/movie` filters, already validated, in TMDb's terms.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DiscoverQuery {
    pub genre_ids: Vec<u32>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    pub min_rating: Option<f64>,
    pub min_votes: Option<u32>,
    /// TMDb person ids, all required (`with_people`).
    pub people: Vec<u64>,
    /// TMDb's `sort_by`, e.g. `popularity.desc`.
    pub sort_by: &'static str,
}
