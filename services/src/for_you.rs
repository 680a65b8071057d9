//! "For you": recommendations built from what a user already likes.
//!
//! Two sources are blended. People on this instance: the movies other users saved together
//! with the user's favorites ("people who saved X also saved Y"), each pair weighed by cosine
//! similarity of who saved them, and only from pairs at least three other users share, so that
//! nobody's list can be inferred. And TMDb: the recommendations of the user's most recent
//! favorites, where a movie several favorites point to beats one that only one does and a high
//! rank beats a low one. Each source is scaled to its best movie; people on the instance weigh
//! most (on MovieLens users they find about twice what TMDb's lists do, `scripts/eval-recs.sh`).
//! Favorites, seen movies and "not interested" are left out. Each user's pool is cached and
//! dropped whenever their movies change.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use api_types::{MovieSummary, Page, Recommendation, RecommendationSource, TrendingWindow};
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::accounts::store::{MovieRecord, Shelf};
use crate::accounts::{LibraryStore, StoreError};
use crate::cache::{Cache, CacheStore, Ttl};
use crate::catalog::{CatalogError, CatalogService, DEFAULT_LANGUAGE, Locale, Posters, Relation};
use crate::favorites::FavoritesError;

/// How many of the newest favorites seed the pool with their TMDb recommendations.
const SEEDS: usize = 10;
/// How many of the newest favorites seed "people who saved X also saved Y".
const CO_SAVED_SEEDS: usize = 100;
/// The fewest other users a pair of movies must share before it counts (privacy: below it, a
/// recommendation could reveal one person's list).
const MIN_CO_SAVERS: u32 = 3;
/// How many pairs are read at most, the most shared first.
const CO_SAVED_PAIRS: u32 = 5_000;
/// TMDb's lists next to the people on this instance, each scaled to its best movie.
const TMDB_WEIGHT: f64 = 0.35;
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
        let titles: HashMap<u64, String> = favorites.iter().map(|f| (f.movie.tmdb_id, f.movie.title.clone())).collect();
        let co_seeds: Vec<u64> = favorites.iter().take(CO_SAVED_SEEDS).map(|f| f.movie.tmdb_id).collect();
        let pairs =
            self.store.co_saved(account, &co_seeds, MIN_CO_SAVERS, CO_SAVED_PAIRS).await.map_err(store_error)?;
        let also_saved = if pairs.is_empty() {
            Vec::new()
        } else {
            let posters = self.catalog.posters().await.map_err(ForYouError::Catalog)?;
            let genres: HashMap<u32, String> = self
                .catalog
                .genres(DEFAULT_LANGUAGE)
                .await
                .map_err(ForYouError::Catalog)?
                .into_iter()
                .map(|genre| (genre.id, genre.name))
                .collect();
            pairs
                .into_iter()
                .filter_map(|pair| {
                    let seed = titles.get(&pair.seed)?.clone();
                    let similarity = pair.together as f64 / ((pair.seed_savers * pair.movie_savers) as f64).sqrt();
                    Some((seed, summary(pair.movie, &posters, &genres), similarity))
                })
                .collect()
        };
        if pooled.is_empty()
            && also_saved.is_empty()
            && let Some(error) = last_error
        {
            return Err(ForYouError::Catalog(error));
        }
        // Never what the user already loves, has seen, or said they do not want.
        let library = self.store.library_ids(account).await.map_err(store_error)?;
        let mut exclude = library.favorites;
        exclude.extend(library.seen.keys().copied());
        exclude.extend(library.not_interested);
        Ok(Pool { based_on: RecommendationSource::Favorites, movies: score(pooled, also_saved, &exclude) })
    }
}

/// A stored movie as lists show it (stored movies keep no overview or backdrop).
fn summary(movie: MovieRecord, posters: &Posters, genres: &HashMap<u32, String>) -> MovieSummary {
    MovieSummary {
        id: movie.tmdb_id,
        poster_url: posters.url(movie.poster_path.as_deref()),
        title: movie.title,
        overview: String::new(),
        release_date: None,
        year: movie.release_year,
        genres: movie.genre_ids.iter().filter_map(|id| genres.get(id).cloned()).collect(),
        vote_average: movie.vote_average.unwrap_or_default(),
        vote_count: movie.vote_count.unwrap_or_default(),
        popularity: movie.popularity.unwrap_or_default(),
        backdrop_url: None,
    }
}

/// Blends TMDb's lists (seed title, list) with the movies saved together with the user's
/// favorites (seed title, movie, similarity) and ranks the movies. Deterministic: ties go to
/// the lower id.
fn score(
    lists: Vec<(String, Page<MovieSummary>)>,
    also_saved: Vec<(String, MovieSummary, f64)>,
    exclude: &std::collections::HashSet<u64>,
) -> Vec<Recommendation> {
    #[derive(Default)]
    struct Candidate {
        movie: Option<MovieSummary>,
        tmdb: f64,
        people: f64,
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
            let candidate = candidates.entry(movie.id).or_default();
            candidate.movie.get_or_insert(movie);
            candidate.tmdb += weight;
            candidate.because.push((TMDB_WEIGHT * weight / 2.0, seed_title.clone()));
        }
    }
    for (seed_title, movie, similarity) in also_saved {
        if exclude.contains(&movie.id) {
            continue;
        }
        let candidate = candidates.entry(movie.id).or_default();
        // TMDb's copy, when there is one, has what the stored one lacks (overview, backdrop).
        candidate.movie.get_or_insert(movie);
        candidate.people += similarity;
        candidate.because.push((similarity, seed_title));
    }
    let best = |value: fn(&Candidate) -> f64| candidates.values().map(value).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let (best_tmdb, best_people) = (best(|c| c.tmdb), best(|c| c.people));
    struct Ranked {
        movie: MovieSummary,
        score: f64,
        because: Vec<(f64, String)>,
    }
    let mut ranked: Vec<Ranked> = candidates
        .into_values()
        .filter_map(|c| {
            let movie = c.movie?;
            let score = c.people / best_people + TMDB_WEIGHT * c.tmdb / best_tmdb + movie.vote_average / 100.0;
            Some(Ranked { movie, score, because: c.because })
        })
        .collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.movie.id.cmp(&b.movie.id)));
    ranked.truncate(POOL);
    ranked
        .into_iter()
        .map(|mut c| {
            // Strongest first, each favorite once.
            c.because.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut because: Vec<String> = Vec::new();
            for (_, title) in c.because {
                if !because.contains(&title) {
                    because.push(title);
                }
            }
            Recommendation { movie: c.movie, because }
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
        let ranked = score(lists, Vec::new(), &exclude);
        assert_eq!(ranked[0].movie.id, 2, "two favorites point to it");
        assert_eq!(ranked[0].because, vec!["Aliens".to_owned(), "Alien".to_owned()], "strongest first");
        assert!(ranked.iter().all(|r| r.movie.id != 5));
        // Same rank, one pointer each: the better rated wins.
        let position = |id| ranked.iter().position(|r| r.movie.id == id).expect("ranked");
        assert!(position(1) < position(3));
    }

    #[test]
    fn movies_people_here_saved_together_weigh_most_and_each_favorite_is_named_once() {
        let lists = vec![("Alien".to_owned(), list(&[(1, 9.0), (2, 6.0)]))];
        let also_saved = vec![
            ("Alien".to_owned(), movie(3, 6.0), 0.6),
            ("Heat".to_owned(), movie(3, 6.0), 0.3),
            ("Heat".to_owned(), movie(2, 6.0), 0.2),
            ("Heat".to_owned(), movie(7, 6.0), 0.9),
        ];
        let exclude = [7].into_iter().collect();
        let ranked = score(lists, also_saved, &exclude);
        let ids: Vec<u64> = ranked.iter().map(|r| r.movie.id).collect();
        assert_eq!(ids[0], 3, "saved together with two favorites: {ids:?}");
        assert_eq!(ranked[0].because, vec!["Alien".to_owned(), "Heat".to_owned()]);
        assert!(
            ids.iter().position(|id| *id == 2) < ids.iter().position(|id| *id == 1),
            "both sources beat one: {ids:?}"
        );
        assert!(!ids.contains(&7), "excluded whatever its score");
        let movie_2 = ranked.iter().find(|r| r.movie.id == 2).expect("ranked");
        assert_eq!(movie_2.because.iter().filter(|title| *title == "Alien").count(), 1);
    }
}
