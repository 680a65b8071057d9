//! Favorites: a signed-in user's movies, each with a snapshot of what lists show.

use std::sync::Arc;

use api_types::{FavoriteMovie, Page};
use chrono::Utc;
use uuid::Uuid;

use crate::accounts::store::{Favorite, NewFavorite};
use crate::accounts::{AccountStore, StoreError};
use crate::catalog::{CatalogError, CatalogService, Posters};
use crate::for_you::ForYouService;

pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;

#[derive(Debug, thiserror::Error)]
pub enum FavoritesError {
    #[error("invalid {parameter}: {message}")]
    InvalidInput { parameter: &'static str, message: String },
    #[error("no such movie")]
    UnknownMovie,
    #[error("not in favorites")]
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

impl From<CatalogError> for FavoritesError {
    fn from(error: CatalogError) -> Self {
        match error {
            CatalogError::NotFound => Self::UnknownMovie,
            other => Self::Catalog(other),
        }
    }
}

pub struct FavoritesService {
    store: Arc<dyn AccountStore>,
    catalog: Arc<CatalogService>,
    /// Told of every change, so "For you" never recommends what was just added.
    for_you: Arc<ForYouService>,
}

impl FavoritesService {
    pub fn new(store: Arc<dyn AccountStore>, catalog: Arc<CatalogService>, for_you: Arc<ForYouService>) -> Self {
        Self { store, catalog, for_you }
    }

    /// Adds a movie once; `true` when this call added it. Unknown movies are refused.
    pub async fn add(&self, account: Uuid, tmdb_id: u64) -> Result<(FavoriteMovie, bool), FavoritesError> {
        // The stores keep ids as signed 64-bit integers; TMDb's are far smaller.
        if tmdb_id == 0 || i64::try_from(tmdb_id).is_err() {
            return Err(FavoritesError::InvalidInput {
                parameter: "tmdb_id",
                message: "must be a positive whole number".into(),
            });
        }
        let posters = self.catalog.posters().await?;
        if let Some(existing) = self.store.favorite(account, tmdb_id).await? {
            return Ok((view(existing, &posters), false));
        }
        let (title, poster_path, release_year) = self.catalog.snapshot(tmdb_id).await?;
        let new = NewFavorite { tmdb_id, title, poster_path, release_year };
        let (favorite, created) = self.store.add_favorite(account, &new, Utc::now()).await?;
        if created {
            self.for_you.invalidate(account).await;
        }
        Ok((view(favorite, &posters), created))
    }

    pub async fn list(&self, account: Uuid, page: u32, page_size: u32) -> Result<Page<FavoriteMovie>, FavoritesError> {
        if page == 0 {
            return Err(FavoritesError::InvalidInput { parameter: "page", message: "must be 1 or more".into() });
        }
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(FavoritesError::InvalidInput {
                parameter: "page_size",
                message: format!("must be between 1 and {MAX_PAGE_SIZE}"),
            });
        }
        let offset = u64::from(page - 1) * u64::from(page_size);
        let (favorites, total) = self.store.favorites(account, offset, u64::from(page_size)).await?;
        let posters = self.catalog.posters().await?;
        let results = favorites.into_iter().map(|favorite| view(favorite, &posters)).collect();
        let total_pages = u32::try_from(total.div_ceil(u64::from(page_size))).unwrap_or(u32::MAX).max(1);
        Ok(Page { count: total, next: None, previous: None, page, total_pages, results })
    }

    pub async fn get(&self, account: Uuid, tmdb_id: u64) -> Result<FavoriteMovie, FavoritesError> {
        let favorite = self.store.favorite(account, tmdb_id).await?.ok_or(FavoritesError::NotFound)?;
        Ok(view(favorite, &self.catalog.posters().await?))
    }

    /// Whether `tmdb_id` is one of the user's favorites (no poster URLs to resolve).
    pub async fn contains(&self, account: Uuid, tmdb_id: u64) -> Result<bool, FavoritesError> {
        Ok(self.store.favorite(account, tmdb_id).await?.is_some())
    }

    pub async fn remove(&self, account: Uuid, tmdb_id: u64) -> Result<(), FavoritesError> {
        if !self.store.remove_favorite(account, tmdb_id).await? {
            return Err(FavoritesError::NotFound);
        }
        self.for_you.invalidate(account).await;
        Ok(())
    }
}

/// A stored favorite as the API shows it. The image configuration is cached for a day, so
/// resolving posters needs no upstream call.
fn view(favorite: Favorite, posters: &Posters) -> FavoriteMovie {
    FavoriteMovie {
        id: favorite.tmdb_id,
        poster_url: posters.url(favorite.poster_path.as_deref()),
        title: favorite.title,
        year: favorite.release_year,
        added_at: favorite.created_at.to_rfc3339(),
    }
}
