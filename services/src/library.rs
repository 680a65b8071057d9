//! A signed-in user's movies: favorites, the watchlist, "not interested", and what they have
//! seen with their ratings. Every entry references one stored movie (`movie` table), put
//! there from TMDb's details when a user first saves it and refreshed when its details are
//! fetched again and the copy is more than a day old ([`MovieSnapshots`]).

use std::sync::Arc;

use api_types::{FavoriteMovie, MyMovieCounts, MyMovieState, Page, RatedMovie};
use chrono::{TimeDelta, Utc};
use uuid::Uuid;

use crate::accounts::store::{LibraryIds, MovieRecord, SeenEntry, SeenOrder, Shelf, ShelfEntry};
use crate::accounts::{LibraryStore, StoreError};
use crate::catalog::{CatalogError, CatalogService, MovieObserver, Posters};
use crate::for_you::ForYouService;

pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;

/// How old a stored movie may get before a details fetch refreshes it.
const MOVIE_REFRESH_AGE: TimeDelta = TimeDelta::days(1);

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("invalid {parameter}: {message}")]
    InvalidInput { parameter: &'static str, message: String },
    #[error("no such movie")]
    UnknownMovie,
    #[error("not on that list")]
    NotFound,
    #[error(transparent)]
    Catalog(CatalogError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the account store is unavailable")]
    DatabaseUnavailable,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<CatalogError> for LibraryError {
    fn from(error: CatalogError) -> Self {
        match error {
            CatalogError::NotFound => Self::UnknownMovie,
            other => Self::Catalog(other),
        }
    }
}

pub struct LibraryService {
    store: Arc<dyn LibraryStore>,
    catalog: Arc<CatalogService>,
    /// Told of every change, so "For you" follows what the user just did.
    for_you: Arc<ForYouService>,
}

impl LibraryService {
    pub fn new(store: Arc<dyn LibraryStore>, catalog: Arc<CatalogService>, for_you: Arc<ForYouService>) -> Self {
        Self { store, catalog, for_you }
    }

    /// Puts a movie on a shelf once; `true` when this call put it there. Unknown movies are
    /// refused.
    pub async fn add(&self, shelf: Shelf, account: Uuid, tmdb_id: u64) -> Result<(FavoriteMovie, bool), LibraryError> {
        check_id(tmdb_id)?;
        let posters = self.catalog.posters().await?;
        if let Some(existing) = self.store.shelf_entry(shelf, account, tmdb_id).await? {
            return Ok((shelf_view(existing, &posters), false));
        }
        self.store_movie(tmdb_id).await?;
        let (entry, created) = self.store.shelve(shelf, account, tmdb_id, Utc::now()).await?;
        if created {
            self.for_you.invalidate(account).await;
        }
        Ok((shelf_view(entry, &posters), created))
    }

    pub async fn list(
        &self,
        shelf: Shelf,
        account: Uuid,
        page: u32,
        page_size: u32,
    ) -> Result<Page<FavoriteMovie>, LibraryError> {
        let offset = offset(page, page_size)?;
        let (entries, total) = self.store.shelf(shelf, account, offset, u64::from(page_size)).await?;
        let posters = self.catalog.posters().await?;
        let results = entries.into_iter().map(|entry| shelf_view(entry, &posters)).collect();
        Ok(page_of(results, total, page, page_size))
    }

    pub async fn get(&self, shelf: Shelf, account: Uuid, tmdb_id: u64) -> Result<FavoriteMovie, LibraryError> {
        let entry = self.store.shelf_entry(shelf, account, tmdb_id).await?.ok_or(LibraryError::NotFound)?;
        Ok(shelf_view(entry, &self.catalog.posters().await?))
    }

    /// Whether `tmdb_id` is on the shelf (no poster URLs to resolve).
    pub async fn contains(&self, shelf: Shelf, account: Uuid, tmdb_id: u64) -> Result<bool, LibraryError> {
        Ok(self.store.shelf_entry(shelf, account, tmdb_id).await?.is_some())
    }

    pub async fn remove(&self, shelf: Shelf, account: Uuid, tmdb_id: u64) -> Result<(), LibraryError> {
        if !self.store.unshelve(shelf, account, tmdb_id).await? {
            return Err(LibraryError::NotFound);
        }
        self.for_you.invalidate(account).await;
        Ok(())
    }

    /// Puts a movie on the shelf (`on`) or takes it off. Taking off what is not there meets the
    /// caller's intent, so it is not an error (unlike [`Self::remove`], for REST's DELETE).
    pub async fn set_on_shelf(&self, shelf: Shelf, account: Uuid, tmdb_id: u64, on: bool) -> Result<(), LibraryError> {
        if on {
            return self.add(shelf, account, tmdb_id).await.map(|_| ());
        }
        match self.remove(shelf, account, tmdb_id).await {
            Ok(()) | Err(LibraryError::NotFound) => Ok(()),
            Err(other) => Err(other),
        }
    }

    /// No longer seen, whether or not it was (unlike [`Self::unrate`], for REST's DELETE).
    pub async fn forget_seen(&self, account: Uuid, tmdb_id: u64) -> Result<(), LibraryError> {
        match self.unrate(account, tmdb_id).await {
            Ok(()) | Err(LibraryError::NotFound) => Ok(()),
            Err(other) => Err(other),
        }
    }

    /// Marks a movie seen, with a rating from 1 to 10 or none, replacing an earlier rating;
    /// it leaves the watchlist. `true` when it was not seen before.
    pub async fn rate(
        &self,
        account: Uuid,
        tmdb_id: u64,
        rating: Option<u8>,
    ) -> Result<(RatedMovie, bool), LibraryError> {
        check_id(tmdb_id)?;
        if let Some(rating) = rating
            && !(1..=10).contains(&rating)
        {
            return Err(LibraryError::InvalidInput {
                parameter: "rating",
                message: "must be a whole number from 1 to 10".into(),
            });
        }
        self.store_movie(tmdb_id).await?;
        let (entry, created) = self.store.see(account, tmdb_id, rating, Utc::now()).await?;
        self.for_you.invalidate(account).await;
        Ok((rated_view(entry, &self.catalog.posters().await?), created))
    }

    pub async fn ratings(
        &self,
        account: Uuid,
        order: SeenOrder,
        page: u32,
        page_size: u32,
    ) -> Result<Page<RatedMovie>, LibraryError> {
        let offset = offset(page, page_size)?;
        let (entries, total) = self.store.seen(account, order, offset, u64::from(page_size)).await?;
        let posters = self.catalog.posters().await?;
        let results = entries.into_iter().map(|entry| rated_view(entry, &posters)).collect();
        Ok(page_of(results, total, page, page_size))
    }

    pub async fn rating(&self, account: Uuid, tmdb_id: u64) -> Result<RatedMovie, LibraryError> {
        let entry = self.store.seen_entry(account, tmdb_id).await?.ok_or(LibraryError::NotFound)?;
        Ok(rated_view(entry, &self.catalog.posters().await?))
    }

    /// No longer seen (and so no longer rated).
    pub async fn unrate(&self, account: Uuid, tmdb_id: u64) -> Result<(), LibraryError> {
        if !self.store.unsee(account, tmdb_id).await? {
            return Err(LibraryError::NotFound);
        }
        self.for_you.invalidate(account).await;
        Ok(())
    }

    /// What the user has done with one movie.
    pub async fn state(&self, account: Uuid, tmdb_id: u64) -> Result<MyMovieState, LibraryError> {
        let on = |shelf| self.store.shelf_entry(shelf, account, tmdb_id);
        let (favorite, watchlist, not_interested, seen) =
            tokio::try_join!(on(Shelf::Favorites), on(Shelf::Watchlist), on(Shelf::NotInterested), async {
                self.store.seen_entry(account, tmdb_id).await
            })?;
        Ok(MyMovieState {
            favorite: favorite.is_some(),
            watchlist: watchlist.is_some(),
            seen: seen.is_some(),
            rating: seen.and_then(|seen| seen.rating),
            not_interested: not_interested.is_some(),
        })
    }

    /// How many movies the user has on each list.
    pub async fn counts(&self, account: Uuid) -> Result<MyMovieCounts, LibraryError> {
        Ok(self.store.library_ids(account).await?.counts())
    }

    /// Every movie the user has saved, seen or dismissed, by id.
    pub async fn ids(&self, account: Uuid) -> Result<LibraryIds, LibraryError> {
        Ok(self.store.library_ids(account).await?)
    }

    /// Makes sure the movie is stored before a user's row refers to it, and that TMDb still
    /// knows it. Keeping a stored copy fresh is [`MovieSnapshots`]'s work, on details fetches.
    /// TMDb's details are cached, so this is rarely an upstream call.
    async fn store_movie(&self, tmdb_id: u64) -> Result<(), LibraryError> {
        let known = self.store.movie(tmdb_id).await?.is_some_and(|stored| stored.missing_since.is_none());
        if !known {
            let movie = self.catalog.movie_record(tmdb_id).await?;
            self.store.save_movie(&movie, Utc::now()).await?;
        }
        Ok(())
    }
}

/// Keeps the stored movies in step with TMDb: a details fetch refreshes a stored copy older
/// than a day, and a "not found" marks it. Movies nobody saved are not stored.
pub struct MovieSnapshots {
    store: Arc<dyn LibraryStore>,
}

impl MovieSnapshots {
    pub fn new(store: Arc<dyn LibraryStore>) -> Self {
        Self { store }
    }
}

#[async_trait::async_trait]
impl MovieObserver for MovieSnapshots {
    async fn fetched(&self, movie: MovieRecord) {
        let stored = match self.store.movie(movie.tmdb_id).await {
            Ok(stored) => stored,
            Err(error) => {
                tracing::warn!(%error, tmdb_id = movie.tmdb_id, "could not read the stored movie");
                return;
            }
        };
        let stale = stored.is_some_and(|stored| {
            stored.missing_since.is_some() || Utc::now() - stored.fetched_at >= MOVIE_REFRESH_AGE
        });
        if stale && let Err(error) = self.store.save_movie(&movie, Utc::now()).await {
            tracing::warn!(%error, tmdb_id = movie.tmdb_id, "could not refresh the stored movie");
        }
    }

    async fn missing(&self, tmdb_id: u64) {
        if let Err(error) = self.store.mark_movie_missing(tmdb_id, Utc::now()).await {
            tracing::warn!(%error, tmdb_id, "could not mark the stored movie missing");
        }
    }
}

fn check_id(tmdb_id: u64) -> Result<(), LibraryError> {
    // The stores keep ids as signed 64-bit integers; TMDb's are far smaller.
    if tmdb_id == 0 || i64::try_from(tmdb_id).is_err() {
        return Err(LibraryError::InvalidInput {
            parameter: "tmdb_id",
            message: "must be a positive whole number".into(),
        });
    }
    Ok(())
}

/// Where page `page` of `page_size` starts; refuses pages and sizes out of range.
fn offset(page: u32, page_size: u32) -> Result<u64, LibraryError> {
    if page == 0 {
        return Err(LibraryError::InvalidInput { parameter: "page", message: "must be 1 or more".into() });
    }
    if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
        return Err(LibraryError::InvalidInput {
            parameter: "page_size",
            message: format!("must be between 1 and {MAX_PAGE_SIZE}"),
        });
    }
    Ok(u64::from(page - 1) * u64::from(page_size))
}

/// A page of a user's list; the HTTP layer fills in `next` and `previous`.
fn page_of<T>(results: Vec<T>, total: u64, page: u32, page_size: u32) -> Page<T> {
    let total_pages = u32::try_from(total.div_ceil(u64::from(page_size))).unwrap_or(u32::MAX).max(1);
    Page { count: total, next: None, previous: None, page, total_pages, results }
}

/// A stored entry as the API shows it. The image configuration is cached for a day, so
/// resolving posters needs no upstream call.
fn shelf_view(entry: ShelfEntry, posters: &Posters) -> FavoriteMovie {
    FavoriteMovie {
        id: entry.movie.tmdb_id,
        poster_url: posters.url(entry.movie.poster_path.as_deref()),
        title: entry.movie.title,
        year: entry.movie.release_year,
        added_at: entry.added_at.to_rfc3339(),
    }
}

fn rated_view(entry: SeenEntry, posters: &Posters) -> RatedMovie {
    RatedMovie {
        id: entry.movie.tmdb_id,
        poster_url: posters.url(entry.movie.poster_path.as_deref()),
        title: entry.movie.title,
        year: entry.movie.release_year,
        rating: entry.rating,
        seen_at: entry.seen_at.to_rfc3339(),
    }
}
