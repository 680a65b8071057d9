//! "For you": recommendations built from what a user already likes.
//!
//! The TMDb recommendations of the user's most recent favorites are pooled and scored: a
//! movie several favorites point to beats one that only one does, a high rank in a list beats
//! a low one, and a well-rated movie beats a poorly rated one. Favorites are left out. Each
//! user's pooled list is cached and dropped whenever their favorites change.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use api_types::{MovieSummary, Page, Recommendation, RecommendationSource, TrendingWindow};
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::accounts::store::Shelf;
use crate::accounts::{LibraryStore, StoreError};
use crate::cache::{Cache, CacheStore, Ttl};
use crate::catalog::{CatalogError, CatalogService, DEFAULT_LANGUAGE, Locale, Relation};
use crate::favorites::FavoritesError;

/// How many of the newest favorites seed the pool.
const SEEDS: usize = 10;
const PAGE_SIZE: usize = 20;
/// The pool is cut to this many movies (10 pages).
const POOL: usize = 200;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pool {
    based_on: RecommendationSource,
    movies: Vec<Recommendation>,
}

pub struct ForYouService {
    store: Arc<dyn LibraryStore>,
    catalog: Arc<CatalogService>,
    /// Per user and shared by every instance: no local copies, so an invalidation anywhere
    /// is seen everywhere at once.
    pools: Cache<Pool>,
    ttl: Ttl,
}

fn key(account: Uuid) -> String {
    format!("foryou:{account}")
}

impl ForYouService {
    pub fn new(
        store: Arc<dyn LibraryStore>,
        catalog: Arc<CatalogService>,
        cache: Arc<dyn CacheStore>,
        fresh: Duration,
    ) -> Self {
        // A stale pool is still a good answer when TMDb is down.
        let ttl = Ttl { fresh, stale: Duration::from_secs(24 * 3600) };
        Self { store, catalog, pools: Cache::new(cache), ttl }
    }

    pub async fn invalidate(&self, account: Uuid) {
        self.pools.invalidate(&key(account)).await;
    }

    pub async fn page(
        &self,
        account: Uuid,
        page: u32,
    ) -> Result<(Page<Recommendation>, RecommendationSource), FavoritesError> {
        if page == 0 {
            return Err(FavoritesError::InvalidInput { parameter: "page", message: "must be 1 or more".into() });
        }
        let pool = self.pools.get_or_fetch(&key(account), self.ttl, || self.build(account)).await?;
        let total = pool.movies.len();
        let total_pages = u32::try_from(total.div_ceil(PAGE_SIZE)).unwrap_or(u32::MAX).max(1);
        let results: Vec<Recommendation> =
            pool.movies.iter().skip((page as usize - 1) * PAGE_SIZE).take(PAGE_SIZE).cloned().collect();
        let page = Page { count: total as u64, next: None, previous: None, page, total_pages, results };
        Ok((page, pool.based_on))
    }

    async fn build(&self, account: Uuid) -> Result<Pool, ForYouError> {
        let store_error = |e| ForYouError::Store(Arc::new(e));
        let (favorites, _) = self.store.shelf(Shelf::Favorites, account, 0, u64::MAX).await.map_err(store_error)?;
        if favorites.is_empty() {
            let trending = self
                .catalog
                .trending(TrendingWindow::Week, 1, &Locale::default())
                .await
                .map_err(ForYouError::Catalog)?;
            let movies = trending.results.into_iter().map(|movie| Recommendation { movie, because: vec![] }).collect();
            return Ok(Pool { based_on: RecommendationSource::Trending, movies });
        }

        let seeds: Vec<_> = favorites.iter().take(SEEDS).map(|f| (f.movie.tmdb_id, f.movie.title.clone())).collect();
        let mut lists = JoinSet::new();
        for (id, title) in seeds {
            let catalog = self.catalog.clone();
            lists.spawn(
                async move { (title, catalog.related(id, Relation::Recommendations, 1, DEFAULT_LANGUAGE).await) },
            );
        }
        let mut pooled: Vec<(String, Page<MovieSummary>)> = Vec::new();
        let mut last_error = None;
        while let Some(joined) = lists.join_next().await {
            match joined {
                Ok((title, Ok(list))) => pooled.push((title, list)),
                // A favorite TMDb no longer knows contributes nothing; anything else is kept
                // to report if no list at all could be had.
                Ok((_, Err(CatalogError::NotFound))) => {}
                Ok((_, Err(error))) => last_error = Some(error),
                Err(join) => tracing::error!(error = %join, "recommendation task failed"),
            }
        }
        if pooled.is_empty()
            && let Some(error) = last_error
        {
            return Err(ForYouError::Catalog(error));
        }
        // Never what the user already loves, has seen, or said they do not want.
        let library = self.store.library_ids(account).await.map_err(store_error)?;
        let mut exclude = library.favorites;
        exclude.extend(library.seen.keys().copied());
        exclude.extend(library.not_interested);
        Ok(Pool { based_on: RecommendationSource::Favorites, movies: score(pooled, &exclude) })
    }
}

/// Pools the lists and ranks the movies. Deterministic: ties go to the lower id.
fn score(lists: Vec<(String, Page<MovieSummary>)>, exclude: &std::collections::HashSet<u64>) -> Vec<Recommendation> {
    struct Candidate {
        movie: MovieSummary,
        score: f64,
        because: Vec<(f64, String)>,
    }
    let mut candidates: HashMap<u64, Candidate> = HashMap::new();
    for (seed_title, list) in lists {
        for (rank, movie) in list.results.into_iter().enumerate() {
            if exclude.contains(&movie.id) {
                continue;
            }
            // Each pointing favorite adds 1, more for a high place in its list.
            let weight = 1.0 + 1.0 / (1.0 + rank as f64 / 3.0);
            let candidate = candidates.entry(movie.id).or_insert_with(|| Candidate {
                score: movie.vote_average / 10.0,
                movie,
                because: Vec::new(),
            });
            candidate.score += weight;
            candidate.because.push((weight, seed_title.clone()));
        }
    }
    let mut ranked: Vec<Candidate> = candidates.into_values().collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.movie.id.cmp(&b.movie.id)));
    ranked.truncate(POOL);
    ranked
        .into_iter()
        .map(|mut c| {
            c.because.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            Recommendation { movie: c.movie, because: c.because.into_iter().map(|(_, title)| title).collect() }
        })
        .collect()
}

/// A build failure, shareable between the callers of one single-flight build.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ForYouError {
    #[error(transparent)]
    Catalog(CatalogError),
    #[error("account store: {0}")]
    Store(Arc<StoreError>),
}

impl From<ForYouError> for FavoritesError {
    fn from(error: ForYouError) -> Self {
        match error {
            ForYouError::Catalog(cause) => FavoritesError::Catalog(cause),
            ForYouError::Store(shared) => match Arc::try_unwrap(shared) {
                Ok(owned) => FavoritesError::Store(owned),
                Err(shared) => match &*shared {
                    StoreError::Unavailable(_) => FavoritesError::DatabaseUnavailable,
                    other => FavoritesError::Internal(other.to_string()),
                },
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn movie(id: u64, rating: f64) -> MovieSummary {
        MovieSummary {
            id,
            title: format!("M{id}"),
            overview: String::new(),
            release_date: None,
            year: None,
            genres: vec![],
            vote_average: rating,
            vote_count: 1,
            popularity: 0.0,
            poster_url: None,
            backdrop_url: None,
        }
    }

    fn list(ids: &[(u64, f64)]) -> Page<MovieSummary> {
        Page {
            count: 0,
            next: None,
            previous: None,
            page: 1,
            total_pages: 1,
            results: ids.iter().map(|(i, r)| movie(*i, *r)).collect(),
        }
    }

    #[test]
    fn movies_more_favorites_point_to_come_first_and_favorites_are_left_out() {
        let lists = vec![
            ("Alien".to_owned(), list(&[(1, 9.0), (2, 5.0), (3, 5.0)])),
            ("Aliens".to_owned(), list(&[(2, 5.0), (4, 9.9), (5, 5.0)])),
        ];
        let exclude = [5].into_iter().collect();
        let ranked = score(lists, &exclude);
        assert_eq!(ranked[0].movie.id, 2, "two favorites point to it");
        assert_eq!(ranked[0].because, vec!["Aliens".to_owned(), "Alien".to_owned()], "strongest first");
        assert!(ranked.iter().all(|r| r.movie.id != 5));
        // Same rank, one pointer each: the better rated wins.
        let position = |id| ranked.iter().position(|r| r.movie.id == id).expect("ranked");
        assert!(position(1) < position(3));
    }
}
