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

impl Account {
    /// The account as the API and the UI show it.
    pub fn to_user(&self) -> api_types::User {
        api_types::User { id: self.id.to_string(), email: self.email.clone(), created_at: self.created_at.to_rfc3339() }
    }
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

/// A session: every refresh token rotated from one sign-in belongs to it.
#[derive(Debug, Clone)]
pub struct NewRefreshFamily {
    pub id: Uuid,
    pub account: Uuid,
    pub created_at: DateTime<Utc>,
    /// The absolute end of the session, whatever its tokens' expiry.
    pub expires_at: DateTime<Utc>,
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
    /// Valid and now spent: issue the next token of the family, expiring no later than the
    /// family (`family_expires_at`).
    Spent {
        account: Uuid,
        family: Uuid,
        family_expires_at: DateTime<Utc>,
    },
    /// Already spent, at `used_at`, and its family neither revoked nor ended: the owner
    /// retrying, or a stolen copy in use (the service tells them apart by how long ago that was).
    Reused {
        account: Uuid,
        family: Uuid,
        used_at: DateTime<Utc>,
        family_expires_at: DateTime<Utc>,
    },
    /// The token, or its whole session, is past its end.
    Expired,
    /// Its family was revoked (signed out, or a theft detected).
    Revoked,
    Unknown,
}

/// What a purge of refresh tokens removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub families: u64,
    pub tokens: u64,
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

/// A favorite from a row of either backend: both store the same columns with the same types.
pub(crate) fn decode_favorite<'r, R>(row: &'r R) -> Result<Favorite, StoreError>
where
    R: sqlx::Row,
    &'r str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i32>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    DateTime<Utc>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let tmdb_id: i64 = row.try_get("tmdb_id")?;
    Ok(Favorite {
        tmdb_id: u64::try_from(tmdb_id).map_err(|_| StoreError::Malformed(format!("tmdb_id {tmdb_id}")))?,
        title: row.try_get("title")?,
        poster_path: row.try_get("poster_path")?,
        release_year: row.try_get("release_year")?,
        created_at: row.try_get("created_at")?,
    })
}

/// A refresh token that could not be spent, as both backends read it back.
pub(crate) struct RefreshTokenState {
    pub account: Uuid,
    pub family: Uuid,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub family_expires_at: DateTime<Utc>,
    pub family_revoked_at: Option<DateTime<Utc>>,
}

impl RefreshTokenState {
    /// Why it could not be spent at `now`. Revoked first: a revoked family stays dead whatever
    /// else is true of the token; then an ended session, whose tokens no grace brings back.
    pub fn classify(self, now: DateTime<Utc>) -> RefreshUse {
        match self.used_at {
            _ if self.family_revoked_at.is_some() => RefreshUse::Revoked,
            _ if self.family_expires_at <= now => RefreshUse::Expired,
            Some(used_at) => RefreshUse::Reused {
                account: self.account,
                family: self.family,
                used_at,
                family_expires_at: self.family_expires_at,
            },
            None if self.expires_at <= now => RefreshUse::Expired,
            // Unspent and live, yet not spent: it was spent in between, by a concurrent use.
            None => RefreshUse::Unknown,
        }
    }
}

/// A TMDb id as both backends store it (a signed 64-bit integer).
pub(crate) fn db_id(id: u64) -> Result<i64, StoreError> {
    i64::try_from(id).map_err(|_| StoreError::Malformed(format!("tmdb_id {id} is out of range")))
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

/// The statements both stores run, word for word: the backends differ only in how ids and
/// times are bound, so the contract tests exercise the very same SQL on each.
pub(crate) mod sql {
    pub const INSERT_ACCOUNT: &str =
        "insert into account (id, email, password_hash, created_at) values ($1, $2, $3, $4)
             returning id, email, created_at";
    pub const CREDENTIALS_BY_EMAIL: &str =
        "select id, email, created_at, password_hash from account where lower(email) = lower($1)";
    pub const ACCOUNT_BY_ID: &str = "select id, email, created_at from account where id = $1";
    /// A successor is derived from the token it follows, so a retry saves the same token
    /// again: then there is nothing to do.
    pub const INSERT_REFRESH_FAMILY: &str =
        "insert into refresh_family (id, account_id, created_at, expires_at) values ($1, $2, $3, $4)";
    /// A successor is derived from the token it follows, so a retry saves the same token
    /// again: then there is nothing to do.
    pub const INSERT_REFRESH_TOKEN: &str =
        "insert into refresh_token (id, token_hash, family_id, account_id, issued_at, expires_at)
             values ($1, $2, $3, $4, $5, $6)
             on conflict (token_hash) do nothing";
    /// Spends a live token of a live family. The family is checked here, in the statement
    /// that spends, so a token saved by a rotation that raced a revocation is dead anyway.
    pub const SPEND_REFRESH_TOKEN: &str = "update refresh_token set used_at = $2
             where token_hash = $1 and used_at is null and expires_at > $2
               and family_id in (select id from refresh_family where revoked_at is null and expires_at > $2)
             returning account_id, family_id,
               (select expires_at from refresh_family where refresh_family.id = refresh_token.family_id)
                 as family_expires_at";
    pub const REFRESH_TOKEN_STATE: &str = "select t.account_id, t.family_id, t.expires_at, t.used_at,
               f.expires_at as family_expires_at, f.revoked_at
             from refresh_token t join refresh_family f on f.id = t.family_id
             where t.token_hash = $1";
    pub const REVOKE_REFRESH_FAMILY: &str =
        "update refresh_family set revoked_at = $2 where id = $1 and revoked_at is null";
    /// Families that ended, or were revoked before `$2`, with their tokens (the foreign key
    /// cascades). Revoked ones are kept a while so that a rotation in flight when the family
    /// was revoked still finds its family and saves a token that is dead on arrival.
    pub const PURGE_REFRESH_FAMILIES: &str = "delete from refresh_family where expires_at <= $1 or revoked_at <= $2";
    /// Tokens past their own expiry, spent or not. A spent token is kept until then on
    /// purpose: a stolen copy presented before its expiry is recognised as reuse and revokes
    /// its family; after it, the copy is refused as expired (or unknown) anyway.
    pub const PURGE_REFRESH_TOKENS: &str = "delete from refresh_token where expires_at <= $1";
    pub const INSERT_FAVORITE: &str =
        "insert into favorite (account_id, tmdb_id, title, poster_path, release_year, created_at)
             values ($1, $2, $3, $4, $5, $6)
             on conflict (account_id, tmdb_id) do nothing
             returning tmdb_id, title, poster_path, release_year, created_at";
    pub const LIST_FAVORITES: &str = "select tmdb_id, title, poster_path, release_year, created_at from favorite
             where account_id = $1 order by created_at desc, tmdb_id desc limit $3 offset $2";
    pub const COUNT_FAVORITES: &str = "select count(*) from favorite where account_id = $1";
    pub const FAVORITE: &str = "select tmdb_id, title, poster_path, release_year, created_at from favorite
             where account_id = $1 and tmdb_id = $2";
    pub const DELETE_FAVORITE: &str = "delete from favorite where account_id = $1 and tmdb_id = $2";
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// `email` is stored as given; uniqueness ignores case.
    async fn create_account(&self, email: &str, password_hash: &str, now: DateTime<Utc>)
    -> Result<Account, StoreError>;
    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>, StoreError>;
    async fn account(&self, id: Uuid) -> Result<Option<Account>, StoreError>;

    /// Starts a session; its tokens are saved with [`save_refresh_token`](Self::save_refresh_token).
    async fn start_refresh_family(&self, family: &NewRefreshFamily) -> Result<(), StoreError>;
    async fn save_refresh_token(&self, token: &NewRefreshToken) -> Result<(), StoreError>;
    /// Spends the token with this hash, atomically: of two concurrent uses, one is `Spent`
    /// and the other `Reused`.
    async fn use_refresh_token(&self, hash: &[u8], now: DateTime<Utc>) -> Result<RefreshUse, StoreError>;
    /// Ends a session for good: none of its tokens, saved before or after, can be spent again.
    async fn revoke_refresh_family(&self, family: Uuid, now: DateTime<Utc>) -> Result<(), StoreError>;
    /// Deletes expired tokens, ended sessions, and sessions revoked before `revoked_before`.
    async fn purge_refresh_tokens(
        &self,
        now: DateTime<Utc>,
        revoked_before: DateTime<Utc>,
    ) -> Result<Purged, StoreError>;

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
