//! What one GraphQL request carries besides its query: who is asking, and the batch loaders
//! that turn the many small lookups of a selection (details of every movie in a list, the
//! user's state of each) into one lookup per kind.

use std::collections::HashMap;
use std::sync::Arc;

use api_types::{MovieDetails, MyMovieState};
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::futures_util::{StreamExt, stream};
use services::catalog::{CatalogService, Locale};
use services::failure::Failure;
use services::library::LibraryService;
use uuid::Uuid;

use super::error::{FieldError, FieldResult};

/// Who sent the request, worked out once before it runs.
#[derive(Debug, Clone)]
pub enum Viewer {
    Anonymous,
    Account(Uuid),
    /// Credentials were sent and refused (an expired token, a session cookie from another
    /// site): fields that need an account fail with this, public fields still answer.
    Refused(Failure),
}

impl Viewer {
    /// The account, for fields that need one.
    pub fn account(&self) -> FieldResult<Uuid> {
        match self {
            Self::Account(account) => Ok(*account),
            Self::Anonymous => Err(FieldError(Failure::unauthorized(
                "sign in: send `Authorization: Bearer <access token>`, or use the site's session",
            ))),
            Self::Refused(failure) => Err(FieldError(failure.clone())),
        }
    }

    /// The account if someone is signed in, `None` for nobody; refused credentials still fail.
    pub fn optional_account(&self) -> FieldResult<Option<Uuid>> {
        match self {
            Self::Anonymous => Ok(None),
            _ => self.account().map(Some),
        }
    }
}

/// How many details lookups of one batch run at once: each may be an upstream call.
const DETAILS_CONCURRENCY: usize = 8;

/// A movie's details in one language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DetailsKey {
    pub id: u64,
    pub language: Arc<str>,
}

/// Details of every movie a selection asks for, each fetched once per request however many
/// fields and list entries ask, and all of one batch at once (through the catalog's cache).
pub struct DetailsLoader {
    pub catalog: Arc<CatalogService>,
}

impl Loader<DetailsKey> for DetailsLoader {
    type Value = Arc<MovieDetails>;
    type Error = FieldError;

    async fn load(&self, keys: &[DetailsKey]) -> Result<HashMap<DetailsKey, Self::Value>, Self::Error> {
        tracing::debug!(movies = keys.len(), "loading details in one batch");
        let lookups = keys.iter().cloned().map(|key| async move {
            let details =
                self.catalog.details(key.id, &Locale { language: key.language.to_string(), region: None }).await;
            (key, details)
        });
        let mut found = HashMap::with_capacity(keys.len());
        let mut answers = stream::iter(lookups).buffer_unordered(DETAILS_CONCURRENCY);
        while let Some((key, details)) = answers.next().await {
            match details {
                Ok(details) => {
                    found.insert(key, Arc::new(details));
                }
                // A movie TMDb does not know is simply absent from the batch.
                Err(services::catalog::CatalogError::NotFound) => {}
                Err(other) => return Err(other.into()),
            }
        }
        Ok(found)
    }
}

/// The signed-in user's state of every movie a selection shows: one read of their library
/// for the whole batch, however many movies ask.
pub struct MineLoader {
    pub library: Arc<LibraryService>,
    pub account: Uuid,
}

impl Loader<u64> for MineLoader {
    type Value = MyMovieState;
    type Error = FieldError;

    async fn load(&self, keys: &[u64]) -> Result<HashMap<u64, Self::Value>, Self::Error> {
        let library = self.library.ids(self.account).await?;
        Ok(keys.iter().map(|&id| (id, library.state_of(id))).collect())
    }
}

/// The loaders of one request. Details are cached for the request (the catalog does not change
/// within it); the user's state is not, so a mutation's answer reads what the mutation did.
pub struct Loaders {
    pub details: DataLoader<DetailsLoader, HashMapCache>,
    pub mine: Option<DataLoader<MineLoader>>,
}

impl Loaders {
    pub fn new(catalog: Arc<CatalogService>, library: Arc<LibraryService>, account: Option<Uuid>) -> Self {
        Self {
            details: DataLoader::with_cache(DetailsLoader { catalog }, tokio::spawn, HashMapCache::default()),
            mine: account.map(|account| DataLoader::new(MineLoader { library, account }, tokio::spawn)),
        }
    }
}
