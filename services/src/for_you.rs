//! "For you": recommendations built from what a user already likes, and kept away from what
//! they do not.
//!
//! Signals: favorites and ratings of 7 or more are positives, graded (a favorite or a 10 counts
//! fully, a 7 less); ratings of 4 or less and "not interested" are negatives. Two sources of
//! candidates are blended. People on this instance: the movies other users saved together with
//! the user's positives ("people who saved X also saved Y"), each pair weighed by the cosine of
//! who saved them, only from pairs at least three other users share, so that nobody's list can be
//! inferred. And TMDb: the recommendations of the user's most recent positives, where a movie
//! several of them point to beats one that only one does and a high rank beats a low one. Each
//! source is scaled to its best movie; people here weigh most (on MovieLens users they find
//! about twice what TMDb's lists do, `scripts/eval-recs.sh`). Movies near a negative (by the same
//! two sources) are pushed down; the negatives themselves, favorites and everything seen are
//! left out. A re-rank keeps any one reason and any one genre to a third of a page. Each user's
//! pool is cached and dropped whenever their movies change.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use api_types::{MovieSummary, Page, Reason, ReasonKind, Recommendation, RecommendationSource};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::accounts::store::{CoSaved, MovieRecord, SeenOrder, Shelf};
use crate::accounts::{LibraryStore, StoreError};
use crate::cache::{Cache, CacheStore, Ttl};
use crate::catalog::{CatalogError, CatalogService, DEFAULT_LANGUAGE, Locale, MovieList, Posters, Relation};

/// How many of the newest positives seed the pool with their TMDb recommendations.
const SEEDS: usize = 10;
/// How many of the newest negatives push their TMDb recommendations down.
const NEGATIVE_SEEDS: usize = 5;
/// How many of the newest positives (and negatives) seed "people who saved X also saved Y".
const CO_SAVED_SEEDS: usize = 100;
/// The fewest other users a pair of movies must share before it counts (privacy: below it, a
/// recommendation could reveal one person's list).
const MIN_CO_SAVERS: u32 = 3;
/// How many pairs are read at most, the most shared first.
const CO_SAVED_PAIRS: u32 = 5_000;
/// TMDb's lists next to the people on this instance, each scaled to its best movie.
const TMDB_WEIGHT: f64 = 0.35;
/// How hard a movie near something the user disliked is pushed down.
const NEGATIVE_WEIGHT: f64 = 0.5;
/// The lowest rating that counts as liking a movie, and the highest that counts as not.
const LIKED_RATING: u8 = 7;
const DISLIKED_RATING: u8 = 4;
const PAGE_SIZE: usize = 20;
/// At most this many movies of a page share their strongest reason, or their first genre.
const PAGE_SHARE: usize = PAGE_SIZE / 3;
/// The pool is cut to this many movies (10 pages).
const POOL: usize = 200;
/// What a new user is offered to pick from: this many popular movies, at most so many per
/// first genre, from the first pages of "popular".
const ONBOARDING_PICKS: usize = 24;
const ONBOARDING_PER_GENRE: usize = 3;
const ONBOARDING_PAGES: u32 = 10;

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

/// The pool's key; the version changes with the pool's shape, so that an instance never reads
/// a pool another version wrote.
fn key(account: Uuid) -> String {
    format!("foryou:v2:{account}")
}

/// One of the user's movies as a signal: what it is, how strongly it counts, and since when.
#[derive(Debug, Clone)]
struct Signal {
    id: u64,
    title: String,
    kind: ReasonKind,
    weight: f64,
    at: DateTime<Utc>,
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
    ) -> Result<(Page<Recommendation>, RecommendationSource), ForYouError> {
        if page == 0 {
            return Err(ForYouError::InvalidPage);
        }
        let pool = self.pools.get_or_fetch(&key(account), self.ttl, || self.build(account)).await?;
        let total = pool.movies.len();
        let total_pages = u32::try_from(total.div_ceil(PAGE_SIZE)).unwrap_or(u32::MAX).max(1);
        let results: Vec<Recommendation> =
            pool.movies.iter().skip((page as usize - 1) * PAGE_SIZE).take(PAGE_SIZE).cloned().collect();
        let page = Page { count: total as u64, next: None, previous: None, page, total_pages, results };
        Ok((page, pool.based_on))
    }

    /// The user's positives and negatives, newest first, and every movie they already know:
    /// their favorites, what they have seen, what they dismissed.
    async fn signals(&self, account: Uuid) -> Result<Signals, StoreError> {
        let (favorites, _) = self.store.shelf(Shelf::Favorites, account, 0, u64::MAX).await?;
        let (seen, _) = self.store.seen(account, SeenOrder::Newest, 0, u64::MAX).await?;
        let (dismissed, _) = self.store.shelf(Shelf::NotInterested, account, 0, u64::MAX).await?;
        let known: HashSet<u64> = favorites
            .iter()
            .chain(&dismissed)
            .map(|entry| entry.movie.tmdb_id)
            .chain(seen.iter().map(|entry| entry.movie.tmdb_id))
            .collect();
        let mut positives: Vec<Signal> = favorites
            .into_iter()
            .map(|f| Signal {
                id: f.movie.tmdb_id,
                title: f.movie.title,
                kind: ReasonKind::Favorite,
                weight: 1.0,
                at: f.added_at,
            })
            .collect();
        let mut negatives: Vec<Signal> = dismissed
            .into_iter()
            .map(|d| Signal {
                id: d.movie.tmdb_id,
                title: d.movie.title,
                kind: ReasonKind::Rated,
                weight: 1.0,
                at: d.added_at,
            })
            .collect();
        for entry in seen {
            let Some(rating) = entry.rating else { continue };
            let signal = |weight| Signal {
                id: entry.movie.tmdb_id,
                title: entry.movie.title.clone(),
                kind: ReasonKind::Rated,
                weight,
                at: entry.seen_at,
            };
            if rating >= LIKED_RATING {
                // 7 → 0.4 … 10 → 1.0; a favorite that is also rated counts once, as a favorite.
                if !positives.iter().any(|p| p.id == entry.movie.tmdb_id) {
                    positives.push(signal(f64::from(rating - 5) / 5.0));
                }
            } else if rating <= DISLIKED_RATING {
                // 4 → 0.4 … 1 → 1.0.
                negatives.push(signal(f64::from(6 - rating.max(1)) / 5.0));
            }
        }
        let newest_first = |a: &Signal, b: &Signal| b.at.cmp(&a.at).then(a.id.cmp(&b.id));
        positives.sort_by(newest_first);
        negatives.sort_by(newest_first);
        Ok(Signals { positives, negatives, known })
    }

    async fn build(&self, account: Uuid) -> Result<Pool, ForYouError> {
        let store_error = |e| ForYouError::Store(Arc::new(e));
        let Signals { positives, negatives, known } = self.signals(account).await.map_err(store_error)?;
        if positives.is_empty() {
            return self.onboarding(&known).await;
        }
        let based_on = if positives.iter().any(|p| p.kind == ReasonKind::Favorite) {
            RecommendationSource::Favorites
        } else {
            RecommendationSource::Ratings
        };

        let (lists, last_error) = self.tmdb_lists(positives.iter().take(SEEDS)).await;
        let (negative_lists, _) = self.tmdb_lists(negatives.iter().take(NEGATIVE_SEEDS)).await;
        let also_saved = self.co_saved(account, &positives).await?;
        let also_saved = if also_saved.is_empty() { Vec::new() } else { self.summaries(also_saved).await? };
        let near_negatives = self
            .co_saved(account, &negatives)
            .await?
            .into_iter()
            .map(|(_, pair, weight)| (pair.movie.tmdb_id, weight))
            .collect();
        if lists.is_empty()
            && also_saved.is_empty()
            && let Some(error) = last_error
        {
            return Err(ForYouError::Catalog(error));
        }
        // Never what the user already loves, has seen, or said they do not want.
        let ranked = score(Sources { lists, also_saved, negative_lists, near_negatives }, &known);
        Ok(Pool { based_on, movies: diversify(ranked, PAGE_SIZE, PAGE_SHARE) })
    }

    /// For a user with nothing to go on: popular movies across genres (at most three per first
    /// genre while the catalog has enough genres), to pick a few they like. What they dismissed
    /// or have seen is left out.
    async fn onboarding(&self, known: &HashSet<u64>) -> Result<Pool, ForYouError> {
        let mut picks: Vec<Recommendation> = Vec::new();
        let mut spare: Vec<Recommendation> = Vec::new();
        let mut per_genre: HashMap<String, usize> = HashMap::new();
        for page in 1..=ONBOARDING_PAGES {
            let list =
                self.catalog.list(MovieList::Popular, page, &Locale::default()).await.map_err(ForYouError::Catalog)?;
            for movie in list.results {
                if known.contains(&movie.id) {
                    continue;
                }
                let taken = per_genre.entry(movie.genres.first().cloned().unwrap_or_default()).or_default();
                let pick = Recommendation { movie, because: Vec::new() };
                if *taken < ONBOARDING_PER_GENRE {
                    *taken += 1;
                    picks.push(pick);
                } else {
                    spare.push(pick);
                }
            }
            if picks.len() >= ONBOARDING_PICKS {
                break;
            }
        }
        // A catalog with few genres fills the rest with the most popular of the others.
        picks.extend(spare);
        picks.truncate(ONBOARDING_PICKS);
        Ok(Pool { based_on: RecommendationSource::Onboarding, movies: picks })
    }

    /// TMDb's recommendations for each signal, and the last error if some could not be had.
    async fn tmdb_lists<'a>(
        &self,
        signals: impl Iterator<Item = &'a Signal>,
    ) -> (Vec<(Signal, Page<MovieSummary>)>, Option<CatalogError>) {
        let mut tasks = JoinSet::new();
        for signal in signals {
            let (catalog, signal) = (self.catalog.clone(), signal.clone());
            tasks.spawn(async move {
                let list = catalog.related(signal.id, Relation::Recommendations, 1, DEFAULT_LANGUAGE).await;
                (signal, list)
            });
        }
        let mut lists = Vec::new();
        let mut last_error = None;
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok((signal, Ok(list))) => lists.push((signal, list)),
                // A movie TMDb no longer knows contributes nothing; anything else is kept to
                // report if no list at all could be had.
                Ok((_, Err(CatalogError::NotFound))) => {}
                Ok((_, Err(error))) => last_error = Some(error),
                Err(join) => tracing::error!(error = %join, "recommendation task failed"),
            }
        }
        // Tasks finish in any order; the score must not depend on it.
        lists.sort_by_key(|(signal, _)| signal.id);
        (lists, last_error)
    }

    /// The movies people here saved together with `signals`, with the signal and the pair's
    /// similarity (weighted by the signal).
    async fn co_saved(&self, account: Uuid, signals: &[Signal]) -> Result<Vec<(Signal, CoSaved, f64)>, ForYouError> {
        let by_id: HashMap<u64, &Signal> = signals.iter().take(CO_SAVED_SEEDS).map(|s| (s.id, s)).collect();
        let mut seeds: Vec<u64> = by_id.keys().copied().collect();
        seeds.sort_unstable();
        let pairs = self
            .store
            .co_saved(account, &seeds, MIN_CO_SAVERS, CO_SAVED_PAIRS)
            .await
            .map_err(|e| ForYouError::Store(Arc::new(e)))?;
        Ok(pairs
            .into_iter()
            .filter_map(|pair| {
                let signal = *by_id.get(&pair.seed)?;
                let similarity = pair.together as f64 / ((pair.seed_savers * pair.movie_savers) as f64).sqrt();
                Some((signal.clone(), pair, similarity * signal.weight))
            })
            .collect())
    }

    /// The co-saved movies as lists show them, with today's image configuration and genre names.
    async fn summaries(
        &self,
        pairs: Vec<(Signal, CoSaved, f64)>,
    ) -> Result<Vec<(Signal, MovieSummary, f64)>, ForYouError> {
        let posters = self.catalog.posters().await.map_err(ForYouError::Catalog)?;
        let genres: HashMap<u32, String> = self
            .catalog
            .genres(DEFAULT_LANGUAGE)
            .await
            .map_err(ForYouError::Catalog)?
            .into_iter()
            .map(|genre| (genre.id, genre.name))
            .collect();
        Ok(pairs
            .into_iter()
            .map(|(signal, pair, weight)| (signal, summary(pair.movie, &posters, &genres), weight))
            .collect())
    }
}

/// What the user's movies say: positives and negatives, newest first, and every movie they
/// already know (never recommended).
struct Signals {
    positives: Vec<Signal>,
    negatives: Vec<Signal>,
    known: HashSet<u64>,
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

/// What the ranking reads: TMDb's lists of the positives, the movies people here saved with
/// them, and the same two for the negatives.
struct Sources {
    lists: Vec<(Signal, Page<MovieSummary>)>,
    also_saved: Vec<(Signal, MovieSummary, f64)>,
    negative_lists: Vec<(Signal, Page<MovieSummary>)>,
    /// Movies people here saved with a negative, and how close (their summaries are not needed).
    near_negatives: Vec<(u64, f64)>,
}

/// Blends the sources and ranks the movies, each with its reasons, strongest first.
/// Deterministic: ties go to the lower id.
fn score(sources: Sources, exclude: &HashSet<u64>) -> Vec<Recommendation> {
    #[derive(Default)]
    struct Candidate {
        movie: Option<MovieSummary>,
        tmdb: f64,
        people: f64,
        negative: f64,
        because: Vec<(f64, Reason)>,
    }
    // Each pointing movie adds 1, more for a high place in its list.
    let list_weight = |rank: usize| 1.0 + 1.0 / (1.0 + rank as f64 / 3.0);
    let reason = |signal: &Signal, kind: ReasonKind| Reason { id: signal.id, title: signal.title.clone(), kind };
    let mut candidates: HashMap<u64, Candidate> = HashMap::new();
    for (signal, list) in sources.lists {
        for (rank, movie) in list.results.into_iter().enumerate() {
            if exclude.contains(&movie.id) {
                continue;
            }
            let weight = list_weight(rank) * signal.weight;
            let candidate = candidates.entry(movie.id).or_default();
            candidate.movie.get_or_insert(movie);
            candidate.tmdb += weight;
            candidate.because.push((TMDB_WEIGHT * weight / 2.0, reason(&signal, signal.kind)));
        }
    }
    for (signal, movie, similarity) in sources.also_saved {
        if exclude.contains(&movie.id) {
            continue;
        }
        let candidate = candidates.entry(movie.id).or_default();
        // TMDb's copy, when there is one, has what the stored one lacks (overview, backdrop).
        candidate.movie.get_or_insert(movie);
        candidate.people += similarity;
        candidate.because.push((similarity, reason(&signal, ReasonKind::AlsoSaved)));
    }
    let best = |value: fn(&Candidate) -> f64| candidates.values().map(value).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let (best_tmdb, best_people) = (best(|c| c.tmdb), best(|c| c.people));
    // Near a negative: the same two measures, scaled like the positives', only ever lowering.
    for (signal, list) in sources.negative_lists {
        for (rank, movie) in list.results.into_iter().enumerate() {
            if let Some(candidate) = candidates.get_mut(&movie.id) {
                candidate.negative += TMDB_WEIGHT * list_weight(rank) * signal.weight / best_tmdb;
            }
        }
    }
    for (id, similarity) in sources.near_negatives {
        if let Some(candidate) = candidates.get_mut(&id) {
            candidate.negative += similarity / best_people;
        }
    }
    struct Ranked {
        movie: MovieSummary,
        score: f64,
        because: Vec<(f64, Reason)>,
    }
    let mut ranked: Vec<Ranked> = candidates
        .into_values()
        .filter_map(|c| {
            let movie = c.movie?;
            let score = c.people / best_people + TMDB_WEIGHT * c.tmdb / best_tmdb + movie.vote_average / 100.0
                - NEGATIVE_WEIGHT * c.negative;
            Some(Ranked { movie, score, because: c.because })
        })
        .collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.movie.id.cmp(&b.movie.id)));
    ranked.truncate(POOL);
    ranked
        .into_iter()
        .map(|mut c| {
            // Strongest first, each of the user's movies once (under its strongest kind).
            c.because.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
            let mut because: Vec<Reason> = Vec::new();
            for (_, reason) in c.because {
                if !because.iter().any(|r| r.id == reason.id) {
                    because.push(reason);
                }
            }
            Recommendation { movie: c.movie, because }
        })
        .collect()
}

/// Re-ranks so that no page of `page` movies has more than `share` with the same strongest
/// reason or the same first genre: a movie over either is moved to the earliest page with
/// room, keeping the ranking's order otherwise. A page that cannot be filled otherwise takes
/// them anyway.
fn diversify(ranked: Vec<Recommendation>, page: usize, share: usize) -> Vec<Recommendation> {
    let mut rest: VecDeque<Recommendation> = ranked.into();
    let mut out = Vec::with_capacity(rest.len());
    while !rest.is_empty() {
        let mut taken = Vec::with_capacity(page);
        let mut deferred = VecDeque::new();
        let mut reasons: HashMap<u64, usize> = HashMap::new();
        let mut genres: HashMap<String, usize> = HashMap::new();
        while taken.len() < page {
            let Some(movie) = rest.pop_front() else { break };
            let reason = movie.because.first().map(|r| r.id);
            let genre = movie.movie.genres.first().cloned();
            let full = reason.is_some_and(|r| reasons.get(&r).copied().unwrap_or(0) >= share)
                || genre.as_ref().is_some_and(|g| genres.get(g).copied().unwrap_or(0) >= share);
            if full {
                deferred.push_back(movie);
                continue;
            }
            if let Some(reason) = reason {
                *reasons.entry(reason).or_default() += 1;
            }
            if let Some(genre) = genre {
                *genres.entry(genre).or_default() += 1;
            }
            taken.push(movie);
        }
        while taken.len() < page {
            let Some(movie) = deferred.pop_front() else { break };
            taken.push(movie);
        }
        out.extend(taken);
        deferred.extend(rest);
        rest = deferred;
    }
    out
}

/// Why "For you" could not answer. Cloneable: one single-flight build's failure is shared by
/// every caller waiting on it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ForYouError {
    #[error("pages start at 1")]
    InvalidPage,
    #[error(transparent)]
    Catalog(CatalogError),
    #[error("account store: {0}")]
    Store(Arc<StoreError>),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn movie(id: u64, rating: f64, genre: &str) -> MovieSummary {
        MovieSummary {
            id,
            title: format!("M{id}"),
            overview: String::new(),
            release_date: None,
            year: None,
            genres: vec![genre.to_owned()],
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
            results: ids.iter().map(|(i, r)| movie(*i, *r, "Drama")).collect(),
        }
    }

    fn signal(id: u64, kind: ReasonKind, weight: f64) -> Signal {
        Signal { id, title: format!("Seed {id}"), kind, weight, at: Utc::now() }
    }

    fn sources(lists: Vec<(Signal, Page<MovieSummary>)>, also_saved: Vec<(Signal, MovieSummary, f64)>) -> Sources {
        Sources { lists, also_saved, negative_lists: Vec::new(), near_negatives: Vec::new() }
    }

    fn ids(ranked: &[Recommendation]) -> Vec<u64> {
        ranked.iter().map(|r| r.movie.id).collect()
    }

    #[test]
    fn movies_more_favorites_point_to_come_first_and_favorites_are_left_out() {
        let (alien, aliens) = (signal(100, ReasonKind::Favorite, 1.0), signal(101, ReasonKind::Favorite, 1.0));
        let lists =
            vec![(alien, list(&[(1, 9.0), (2, 5.0), (3, 5.0)])), (aliens, list(&[(2, 5.0), (4, 9.9), (5, 5.0)]))];
        let ranked = score(sources(lists, Vec::new()), &[5].into_iter().collect());
        assert_eq!(ranked[0].movie.id, 2, "two favorites point to it");
        let reasons: Vec<(u64, ReasonKind)> = ranked[0].because.iter().map(|r| (r.id, r.kind)).collect();
        assert_eq!(reasons, vec![(101, ReasonKind::Favorite), (100, ReasonKind::Favorite)], "strongest first");
        assert!(!ids(&ranked).contains(&5));
        // Same rank, one pointer each: the better rated wins.
        let position = |id| ids(&ranked).iter().position(|i| *i == id).expect("ranked");
        assert!(position(1) < position(3));
    }

    #[test]
    fn movies_people_here_saved_together_weigh_most_and_each_favorite_is_named_once() {
        let (alien, heat) = (signal(100, ReasonKind::Favorite, 1.0), signal(200, ReasonKind::Rated, 0.8));
        let lists = vec![(alien.clone(), list(&[(1, 9.0), (2, 6.0)]))];
        let also_saved = vec![
            (alien, movie(3, 6.0, "Drama"), 0.6),
            (heat.clone(), movie(3, 6.0, "Drama"), 0.3),
            (heat.clone(), movie(2, 6.0, "Drama"), 0.2),
            (heat, movie(7, 6.0, "Drama"), 0.9),
        ];
        let ranked = score(sources(lists, also_saved), &[7].into_iter().collect());
        assert_eq!(ranked[0].movie.id, 3, "saved together with two favorites: {:?}", ids(&ranked));
        let reasons: Vec<(u64, ReasonKind)> = ranked[0].because.iter().map(|r| (r.id, r.kind)).collect();
        assert_eq!(reasons, vec![(100, ReasonKind::AlsoSaved), (200, ReasonKind::AlsoSaved)]);
        let position = |id| ids(&ranked).iter().position(|i| *i == id);
        assert!(position(2) < position(1), "both sources beat one: {:?}", ids(&ranked));
        assert!(position(7).is_none(), "excluded whatever its score");
        let movie_2 = ranked.iter().find(|r| r.movie.id == 2).expect("ranked");
        assert_eq!(movie_2.because.iter().filter(|r| r.id == 100).count(), 1, "each seed once");
    }

    #[test]
    fn movies_near_a_dislike_are_pushed_down() {
        let liked = signal(100, ReasonKind::Favorite, 1.0);
        let disliked = signal(300, ReasonKind::Rated, 1.0);
        let lists = vec![(liked, list(&[(1, 7.0), (2, 7.0), (3, 7.0)]))];
        let mut with_dislike = sources(lists.clone(), Vec::new());
        with_dislike.negative_lists = vec![(disliked, list(&[(1, 7.0)]))];
        let before = ids(&score(sources(lists, Vec::new()), &HashSet::new()));
        let after = ids(&score(with_dislike, &HashSet::new()));
        assert_eq!(before[0], 1);
        assert_eq!(after.last(), Some(&1), "{after:?}");
    }

    fn recommended(id: u64, reason: u64, genre: &str) -> Recommendation {
        let because = vec![Reason { id: reason, title: format!("Seed {reason}"), kind: ReasonKind::Favorite }];
        Recommendation { movie: movie(id, 7.0, genre), because }
    }

    #[test]
    fn no_reason_and_no_genre_takes_more_than_a_third_of_a_page() {
        // Twelve from seed 1 (all action), then eight from seeds 2..=9 in other genres, then more.
        let mut ranked: Vec<Recommendation> = (0..12).map(|i| recommended(i, 1, "Action")).collect();
        ranked.extend((12..20).map(|i| recommended(i, 2 + i % 8, if i % 2 == 0 { "Comedy" } else { "Drama" })));
        ranked.extend((20..40).map(|i| recommended(i, 10 + i, "Western")));
        let pages: Vec<Vec<Recommendation>> = diversify(ranked, 20, 6).chunks(20).map(<[_]>::to_vec).collect();
        let first = &pages[0];
        assert_eq!(first.iter().filter(|r| r.because[0].id == 1).count(), 6, "a third of the page, not twelve");
        assert!(first.iter().filter(|r| r.movie.genres[0] == "Western").count() <= 6);
        assert_eq!(first[0].movie.id, 0, "the best stays first");
        // Nothing is lost: the rest of seed 1's movies come on the next pages.
        let all: HashSet<u64> = pages.iter().flatten().map(|r| r.movie.id).collect();
        assert_eq!(all.len(), 40);
    }
}
