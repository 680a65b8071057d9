//! Favorites: the shelf of a user's library for the movies they love (see [`crate::library`]),
//! with the names the REST API and the UI have always used.

use std::sync::Arc;

use api_types::{FavoriteMovie, Page};
use uuid::Uuid;

use crate::accounts::store::Shelf;
use crate::library::LibraryService;
pub use crate::library::{DEFAULT_PAGE_SIZE, LibraryError as FavoritesError, MAX_PAGE_SIZE};

pub struct FavoritesService {
    library: Arc<LibraryService>,
}

impl FavoritesService {
    pub fn new(library: Arc<LibraryService>) -> Self {
        Self { library }
    }

    /// Adds a movie once; `true` when this call added it. Unknown movies are refused.
    pub async fn add(&self, account: Uuid, tmdb_id: u64) -> Result<(FavoriteMovie, bool), FavoritesError> {
        self.library.add(Shelf::Favorites, account, tmdb_id).await
    }

    pub async fn list(&self, account: Uuid, page: u32, page_size: u32) -> Result<Page<FavoriteMovie>, FavoritesError> {
        self.library.list(Shelf::Favorites, account, page, page_size).await
    }

    pub async fn get(&self, account: Uuid, tmdb_id: u64) -> Result<FavoriteMovie, FavoritesError> {
        self.library.get(Shelf::Favorites, account, tmdb_id).await
    }

    /// Whether `tmdb_id` is one of the user's favorites (no poster URLs to resolve).
    pub async fn contains(&self, account: Uuid, tmdb_id: u64) -> Result<bool, FavoritesError> {
        self.library.contains(Shelf::Favorites, account, tmdb_id).await
    }

    pub async fn remove(&self, account: Uuid, tmdb_id: u64) -> Result<(), FavoritesError> {
        self.library.remove(Shelf::Favorites, account, tmdb_id).await
    }
}
