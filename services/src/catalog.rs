//! The catalog: TMDb data, cached, in the hub's own shapes ([`api_types`]).
//!
//! Both the REST handlers and the UI's server functions call this service, so every catalog
//! view is fetched, cached and mapped in exactly one place.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use api_types::{MovieSummary, Page, TrendingWindow};

use crate::cache::{Cache, CacheStore, Ttl};
use crate::tmdb::{Configuration, GenreList, MovieListItem, MovieListPage, TmdbClient, TmdbError};

/// TMDb serves at most 500 pages of any list.
pub const MAX_PAGE: u32 = 500;
pub const DEFAULT_LANGUAGE: &str = "en-US";

/// Fresh lifetimes per kind of data, and how long an expired copy may still be served when
/// TMDb fails.
#[derive(Debug, Clone, Copy)]
pub struct CacheTtls {
    pub trending: Duration,
    pub lists: Duration,
    pub details: Duration,
    pub reference: Duration,
    pub stale: Duration,
}

impl Default for CacheTtls {
    fn default() -> Self {
        Self {
            trending: Duration::from_secs(3600),
            lists: Duration::from_secs(3600),
            details: Duration::from_secs(24 * 3600),
            reference: Duration::from_secs(24 * 3600),
            stale: Duration::from_secs(24 * 3600),
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum CatalogError {
    #[error("invalid {parameter}: {message}")]
    InvalidInput { parameter: &'static str, message: String },
    #[error("not found")]
    NotFound,
    /// TMDb is down, slow or rate-limiting us, and nothing usable is cached.
    #[error("the movie database is unavailable: {0}")]
    Unavailable(TmdbError),
    /// TMDb rejected our credential or request: our fault, not the user's.
    #[error("the movie database rejected our request: {0}")]
    Misconfigured(TmdbError),
}

impl From<TmdbError> for CatalogError {
    fn from(error: TmdbError) -> Self {
        match error {
            TmdbError::NotFound => Self::NotFound,
            e if e.is_transient() => Self::Unavailable(e),
            e => Self::Misconfigured(e),
        }
    }
}

/// A validated page number (1..=500).
pub fn check_page(page: u32) -> Result<u32, CatalogError> {
    if (1..=MAX_PAGE).contains(&page) {
        Ok(page)
    } else {
        Err(CatalogError::InvalidInput { parameter: "page", message: format!("must be between 1 and {MAX_PAGE}") })
    }
}

/// A validated language tag such as `en` or `en-US`.
pub fn check_language(language: &str) -> Result<&str, CatalogError> {
    let bytes = language.as_bytes();
    let valid = match bytes.len() {
        2 => bytes.iter().all(u8::is_ascii_lowercase),
        5 => {
            bytes[..2].iter().all(u8::is_ascii_lowercase)
                && bytes[2] == b'-'
                && bytes[3..].iter().all(u8::is_ascii_uppercase)
        }
        _ => false,
    };
    if valid {
        Ok(language)
    } else {
        Err(CatalogError::InvalidInput { parameter: "language", message: "expected a tag like `en` or `en-US`".into() })
    }
}

pub struct CatalogService {
    tmdb: Arc<TmdbClient>,
    ttls: CacheTtls,
    lists: Cache<MovieListPage>,
    configuration: Cache<Configuration>,
    genres: Cache<GenreList>,
}

impl CatalogService {
    pub fn new(tmdb: Arc<TmdbClient>, store: Arc<dyn CacheStore>, ttls: CacheTtls) -> Self {
        Self {
            tmdb,
            ttls,
            lists: Cache::new(store.clone()),
            configuration: Cache::new(store.clone()),
            genres: Cache::new(store),
        }
    }

    /// Checks TMDb answers, uncached (for `/readyz`).
    pub async fn check_upstream(&self) -> Result<(), TmdbError> {
        self.tmdb.configuration().await.map(|_| ())
    }

    fn ttl(&self, fresh: Duration) -> Ttl {
        Ttl { fresh, stale: self.ttls.stale }
    }

    pub async fn trending(
        &self,
        window: TrendingWindow,
        page: u32,
        language: &str,
    ) -> Result<Page<MovieSummary>, CatalogError> {
        let page = check_page(page)?;
        let language = check_language(language)?;
        let key = format!("tmdb:trending:{}:{language}:{page}", window.as_str());
        let list = self
            .lists
            .get_or_fetch(&key, self.ttl(self.ttls.trending), || {
                self.tmdb.trending_movies(window.as_str(), language, page)
            })
            .await?;
        self.to_page(list, language).await
    }

    async fn to_page(&self, list: MovieListPage, language: &str) -> Result<Page<MovieSummary>, CatalogError> {
        let mapper = self.mapper(language).await?;
        Ok(Page {
            count: list.total_results,
            next: None,
            previous: None,
            page: list.page,
            total_pages: list.total_pages.min(MAX_PAGE),
            results: list.results.iter().map(|item| mapper.summary(item)).collect(),
        })
    }

    /// What turns TMDb records into ours: image URLs and genre names.
    async fn mapper(&self, language: &str) -> Result<Mapper, CatalogError> {
        let ttl = self.ttl(self.ttls.reference);
        let configuration = self
            .configuration
            .get_or_fetch("tmdb:configuration", ttl, || self.tmdb.configuration())
            .await?;
        let genres = self
            .genres
            .get_or_fetch(&format!("tmdb:genres:{language}"), ttl, || self.tmdb.movie_genres(language))
            .await?;
        Ok(Mapper::new(configuration, genres))
    }
}

struct Mapper {
    image_base: String,
    poster_size: String,
    backdrop_size: String,
    genre_names: HashMap<u32, String>,
}

impl Mapper {
    fn new(configuration: Configuration, genres: GenreList) -> Self {
        let images = configuration.images;
        let pick = |sizes: &[String], wanted: &str| {
            if sizes.iter().any(|s| s == wanted) { wanted.to_owned() } else { "original".to_owned() }
        };
        Self {
            poster_size: pick(&images.poster_sizes, "w342"),
            backdrop_size: pick(&images.backdrop_sizes, "w780"),
            image_base: images.secure_base_url.trim_end_matches('/').to_owned(),
            genre_names: genres.genres.into_iter().map(|g| (g.id, g.name)).collect(),
        }
    }

    fn image(&self, size: &str, path: Option<&str>) -> Option<String> {
        path.filter(|p| !p.is_empty()).map(|p| format!("{}/{size}{p}", self.image_base))
    }

    fn summary(&self, item: &MovieListItem) -> MovieSummary {
        let release_date = item.release_date.clone().filter(|d| !d.is_empty());
        MovieSummary {
            id: item.id,
            title: item.title.clone(),
            overview: item.overview.clone(),
            year: release_date.as_deref().and_then(|d| d.get(..4)).and_then(|y| y.parse().ok()),
            release_date,
            genres: item.genre_ids.iter().filter_map(|id| self.genre_names.get(id).cloned()).collect(),
            vote_average: item.vote_average,
            vote_count: item.vote_count,
            popularity: item.popularity,
            poster_url: self.image(&self.poster_size, item.poster_path.as_deref()),
            backdrop_url: self.image(&self.backdrop_size, item.backdrop_path.as_deref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_languages_are_validated() {
        assert!(check_page(0).is_err());
        assert!(check_page(501).is_err());
        assert_eq!(check_page(500).ok(), Some(500));
        assert!(check_language("en-US").is_ok());
        assert!(check_language("fr").is_ok());
        assert!(check_language("EN").is_err());
        assert!(check_language("en_US").is_err());
        assert!(check_language("../x").is_err());
    }
}
