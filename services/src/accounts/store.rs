//! Where accounts, refresh tokens and favorites live: one trait, a PostgreSQL and an SQLite
//! implementation, held to the same contract by `tests/store_contract.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: Uuid,
    pub email: String,
    pub created_at: DateTime<Utc>,
}

/// An account with its password hash, for sign-in only.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub account: Account,
    pub password_hash: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewFavorite {
    pub tmdb_id: u64,
    pub title: String,
    pub poster_path: Option<String>,
    pub release_year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Favorite {
    pub tmdb_id: u64,
    pub title: String,
    pub poster_path: Option<String>,
    pub release_year: Option<i32>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewRefreshToken {
    pub id: Uuid,
    pub hash: Vec<u8>,
    pub family: Uuid,
    pub account: Uuid,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What presenting a refresh token did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshUse {
    /// Valid and now spent: issue the next token of the family.
    Spent {
        account: Uuid,
        family: Uuid,
    },
    /// Already spent once: a stolen copy may be in use.
    Reused {
        account: Uuid,
        family: Uuid,
    },
    Expired,
    Revoked,
    Unknown,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the email address already has an account")]
    EmailTaken,
    /// The database cannot be reached right now (down, pool exhausted): worth retrying.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("stored data is malformed: {0}")]
    Malformed(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
                Self::Unavailable(error)
            }
            other => Self::Database(other),
        }
    }
}

/// Whether `error` violates the unique constraint `name`. PostgreSQL names the constraint;
/// SQLite reports only the kind, so there the kind must suffice (callers ask about the one
/// unique constraint their statement can violate).
pub(crate) fn violates_unique(error: &sqlx::Error, name: &str) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.kind() == sqlx::error::ErrorKind::UniqueViolation && db.constraint().is_none_or(|c| c == name)
        }
        _ => false,
    }
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// `email` is stored as given; uniqueness ignores case.
    async fn create_account(&self, email: &str, password_hash: &str, now: DateTime<Utc>)
    -> Result<Account, StoreError>;
    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>, StoreError>;
    async fn account(&self, id: Uuid) -> Result<Option<Account>, StoreError>;

    async fn save_refresh_token(&self, token: &NewRefreshToken) -> Result<(), StoreError>;
    /// Spends the token with this hash, atomically: of two concurrent uses, one is `Spent`
    /// and the other `Reused`.
    async fn use_refresh_token(&self, hash: &[u8], now: DateTime<Utc>) -> Result<RefreshUse, StoreError>;
    async fn revoke_refresh_family(&self, family: Uuid, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Adds a favorite once; `true` when this call created it.
    async fn add_favorite(
        &self,
        account: Uuid,
        favorite: &NewFavorite,
        now: DateTime<Utc>,
    ) -> Result<(Favorite, bool), StoreError>;
    /// Newest first, and the total count.
    async fn favorites(&self, account: Uuid, offset: u64, limit: u64) -> Result<(Vec<Favorite>, u64), StoreError>;
    async fn favorite(&self, account: Uuid, tmdb_id: u64) -> Result<Option<Favorite>, StoreError>;
    /// `true` when there was one to remove.
    async fn remove_favorite(&self, account: Uuid, tmdb_id: u64) -> Result<bool, StoreError>;
}
