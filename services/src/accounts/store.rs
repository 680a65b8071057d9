//! Where accounts, sessions, movies and what users do with movies live: one trait, one body of
//! SQL for PostgreSQL and SQLite (`sql_store.rs`), held to one contract by
//! `tests/store_contract.rs`.

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

/// What the product keeps of a TMDb movie, so that lists of a user's movies need no upstream
/// call and the recommender can read genres and figures locally.
#[derive(Debug, Clone, PartialEq)]
pub struct MovieRecord {
    pub tmdb_id: u64,
    pub title: String,
    pub original_title: Option<String>,
    pub release_year: Option<i32>,
    pub genre_ids: Vec<u32>,
    pub poster_path: Option<String>,
    pub popularity: Option<f64>,
    pub vote_average: Option<f64>,
    pub vote_count: Option<u64>,
    pub original_language: Option<String>,
}

/// A movie as stored: when it was last fetched from TMDb, and since when TMDb no longer knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredMovie {
    pub movie: MovieRecord,
    pub fetched_at: DateTime<Utc>,
    pub missing_since: Option<DateTime<Utc>>,
}

/// A user's lists where a movie simply is or is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shelf {
    Favorites,
    Watchlist,
    /// Never recommend it again (and push similar movies down).
    NotInterested,
}

/// A movie on one of a user's shelves.
#[derive(Debug, Clone, PartialEq)]
pub struct ShelfEntry {
    pub movie: MovieRecord,
    pub added_at: DateTime<Utc>,
}

/// A movie the user has seen, with their rating if they gave one.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenEntry {
    pub movie: MovieRecord,
    /// 1 to 10.
    pub rating: Option<u8>,
    pub seen_at: DateTime<Utc>,
}

/// How the seen list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeenOrder {
    /// Most recently seen or rated first.
    #[default]
    Newest,
    /// Highest rating first (unrated last), then newest.
    Rating,
}

/// Every movie id a user has done something with: for marking cards and hiding what they
/// have seen or saved, in one query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LibraryIds {
    pub favorites: std::collections::HashSet<u64>,
    pub watchlist: std::collections::HashSet<u64>,
    pub not_interested: std::collections::HashSet<u64>,
    /// Seen movies, with their rating.
    pub seen: std::collections::HashMap<u64, Option<u8>>,
}

impl LibraryIds {
    /// What the user has done with one movie.
    pub fn state_of(&self, tmdb_id: u64) -> api_types::MyMovieState {
        let rating = self.seen.get(&tmdb_id);
        api_types::MyMovieState {
            favorite: self.favorites.contains(&tmdb_id),
            watchlist: self.watchlist.contains(&tmdb_id),
            seen: rating.is_some(),
            rating: rating.copied().flatten(),
            not_interested: self.not_interested.contains(&tmdb_id),
        }
    }

    /// How many movies are on each list.
    pub fn counts(&self) -> api_types::MyMovieCounts {
        let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        api_types::MyMovieCounts {
            favorites: count(self.favorites.len()),
            watchlist: count(self.watchlist.len()),
            seen: count(self.seen.len()),
            not_interested: count(self.not_interested.len()),
        }
    }

    /// Whether a list asked to `hide` these leaves the movie out.
    pub fn hides(&self, hide: api_types::HideMine, tmdb_id: u64) -> bool {
        !hide.is_empty() && hide.hides(&self.state_of(tmdb_id))
    }
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

/// A movie other users saved together with one of the seeds.
#[derive(Debug, Clone, PartialEq)]
pub struct CoSaved {
    pub seed: u64,
    pub movie: MovieRecord,
    /// How many users saved both.
    pub together: u64,
    /// How many users saved the seed, and the movie.
    pub seed_savers: u64,
    pub movie_savers: u64,
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

/// A movie from a row of either backend: both store the same columns with the same types.
pub(crate) fn decode_movie<'r, R>(row: &'r R) -> Result<MovieRecord, StoreError>
where
    R: sqlx::Row,
    &'r str: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<f64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i32>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let tmdb_id: i64 = row.try_get("tmdb_id")?;
    let genre_ids: String = row.try_get("genre_ids")?;
    let vote_count: Option<i64> = row.try_get("vote_count")?;
    Ok(MovieRecord {
        tmdb_id: u64::try_from(tmdb_id).map_err(|_| StoreError::Malformed(format!("tmdb_id {tmdb_id}")))?,
        title: row.try_get("title")?,
        original_title: row.try_get("original_title")?,
        release_year: row.try_get("release_year")?,
        genre_ids: serde_json::from_str(&genre_ids)
            .map_err(|_| StoreError::Malformed(format!("genre_ids of {tmdb_id}: {genre_ids}")))?,
        poster_path: row.try_get("poster_path")?,
        popularity: row.try_get("popularity")?,
        vote_average: row.try_get("vote_average")?,
        vote_count: vote_count.and_then(|count| u64::try_from(count).ok()),
        original_language: row.try_get("original_language")?,
    })
}

/// A 1–10 rating as stored (a small integer); anything else in the database is malformed.
pub(crate) fn decode_rating(rating: Option<i16>) -> Result<Option<u8>, StoreError> {
    rating
        .map(|rating| u8::try_from(rating).ok().filter(|r| (1..=10).contains(r)).ok_or(rating))
        .transpose()
        .map_err(|rating| StoreError::Malformed(format!("rating {rating}")))
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
    /// The columns a [`MovieRecord`](super::MovieRecord) is read from, on `movie` as `m`.
    macro_rules! movie_columns {
        () => {
            "m.tmdb_id, m.title, m.original_title, m.release_year, m.genre_ids, m.poster_path, m.popularity,
             m.vote_average, m.vote_count, m.original_language"
        };
    }

    pub const MOVIE: &str =
        concat!("select ", movie_columns!(), ", m.fetched_at, m.missing_since from movie m where m.tmdb_id = $1");
    /// Inserts or refreshes a movie; TMDb answering for it again clears its missing mark.
    pub const SAVE_MOVIE: &str = "insert into movie (tmdb_id, title, original_title, release_year, genre_ids,
               poster_path, popularity, vote_average, vote_count, original_language, fetched_at, missing_since)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, null)
             on conflict (tmdb_id) do update set title = excluded.title, original_title = excluded.original_title,
               release_year = excluded.release_year, genre_ids = excluded.genre_ids,
               poster_path = excluded.poster_path, popularity = excluded.popularity,
               vote_average = excluded.vote_average, vote_count = excluded.vote_count,
               original_language = excluded.original_language, fetched_at = excluded.fetched_at,
               missing_since = null";
    pub const MARK_MOVIE_MISSING: &str =
        "update movie set missing_since = $2 where tmdb_id = $1 and missing_since is null";

    /// The statements of one shelf (a table of `account_id`, `tmdb_id`, `created_at`).
    pub struct ShelfSql {
        pub insert: &'static str,
        pub list: &'static str,
        pub count: &'static str,
        pub entry: &'static str,
        pub delete: &'static str,
        pub ids: &'static str,
    }

    macro_rules! shelf_sql {
        ($table:literal) => {
            ShelfSql {
                insert: concat!(
                    "insert into ",
                    $table,
                    " (account_id, tmdb_id, created_at) values ($1, $2, $3) on conflict (account_id, tmdb_id) do nothing"
                ),
                list: concat!(
                    "select ",
                    movie_columns!(),
                    ", s.created_at from ",
                    $table,
                    " s join movie m on m.tmdb_id = s.tmdb_id where s.account_id = $1
                     order by s.created_at desc, s.tmdb_id desc limit $3 offset $2"
                ),
                count: concat!("select count(*) from ", $table, " where account_id = $1"),
                entry: concat!(
                    "select ",
                    movie_columns!(),
                    ", s.created_at from ",
                    $table,
                    " s join movie m on m.tmdb_id = s.tmdb_id where s.account_id = $1 and s.tmdb_id = $2"
                ),
                delete: concat!("delete from ", $table, " where account_id = $1 and tmdb_id = $2"),
                ids: concat!("select tmdb_id from ", $table, " where account_id = $1"),
            }
        };
    }

    pub const FAVORITES: ShelfSql = shelf_sql!("favorite");
    pub const WATCHLIST: ShelfSql = shelf_sql!("watchlist");
    pub const NOT_INTERESTED: ShelfSql = shelf_sql!("not_interested");

    pub fn shelf(shelf: super::Shelf) -> &'static ShelfSql {
        match shelf {
            super::Shelf::Favorites => &FAVORITES,
            super::Shelf::Watchlist => &WATCHLIST,
            super::Shelf::NotInterested => &NOT_INTERESTED,
        }
    }

    /// Seen for the first time (nothing when it was seen before: then `UPDATE_SEEN`).
    pub const INSERT_SEEN: &str = "insert into seen (account_id, tmdb_id, rating, seen_at) values ($1, $2, $3, $4)
             on conflict (account_id, tmdb_id) do nothing";
    /// Seen again: the rating given now, or none, replaces the earlier one.
    pub const UPDATE_SEEN: &str = "update seen set rating = $3, seen_at = $4 where account_id = $1 and tmdb_id = $2";
    pub const LEAVE_WATCHLIST: &str = "delete from watchlist where account_id = $1 and tmdb_id = $2";
    pub const SEEN_NEWEST: &str = concat!(
        "select ",
        movie_columns!(),
        ", s.rating, s.seen_at from seen s join movie m on m.tmdb_id = s.tmdb_id where s.account_id = $1
         order by s.seen_at desc, s.tmdb_id desc limit $3 offset $2"
    );
    /// Unrated last on both backends: `rating is null` sorts false (0) before true (1).
    pub const SEEN_BY_RATING: &str = concat!(
        "select ",
        movie_columns!(),
        ", s.rating, s.seen_at from seen s join movie m on m.tmdb_id = s.tmdb_id where s.account_id = $1
         order by s.rating is null, s.rating desc, s.seen_at desc, s.tmdb_id desc limit $3 offset $2"
    );
    pub const COUNT_SEEN: &str = "select count(*) from seen where account_id = $1";
    pub const SEEN_ENTRY: &str = concat!(
        "select ",
        movie_columns!(),
        ", s.rating, s.seen_at from seen s join movie m on m.tmdb_id = s.tmdb_id
         where s.account_id = $1 and s.tmdb_id = $2"
    );
    pub const DELETE_SEEN: &str = "delete from seen where account_id = $1 and tmdb_id = $2";
    pub const SEEN_IDS: &str = "select tmdb_id, rating from seen where account_id = $1";

    /// Movies other users liked together with the seeds (`$4`, `$5`, … as `seeds` placeholders),
    /// by pair: how many users liked both, and how many liked each. Liking is a favorite or a
    /// rating of 7 or more. Only pairs at least `$2` other users share, so that nobody's own
    /// list can be read from the answer; the asking user's own movies never count.
    pub fn co_saved(seeds: &str) -> String {
        format!(
            "with liked as (select account_id, tmdb_id from favorite
                            union select account_id, tmdb_id from seen where rating >= 7),
                  savers as (select tmdb_id, count(*) as n from liked group by tmdb_id)
             select {}, a.tmdb_id as seed, count(*) as together, sa.n as seed_savers, sb.n as candidate_savers
             from liked a
             join liked b on b.account_id = a.account_id and b.tmdb_id <> a.tmdb_id
             join savers sa on sa.tmdb_id = a.tmdb_id
             join savers sb on sb.tmdb_id = b.tmdb_id
             join movie m on m.tmdb_id = b.tmdb_id
             where a.account_id <> $1 and a.tmdb_id in ({seeds})
             group by a.tmdb_id, m.tmdb_id, sa.n, sb.n
             having count(*) >= $2
             order by together desc, m.tmdb_id
             limit $3",
            movie_columns!()
        )
    }
}

/// Accounts and their sessions.
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
}

/// Movies and what users do with them: the shelves (favorites, watchlist, not interested) and
/// what they have seen with their ratings.
#[async_trait]
pub trait LibraryStore: Send + Sync {
    async fn movie(&self, tmdb_id: u64) -> Result<Option<StoredMovie>, StoreError>;
    /// Inserts or refreshes a movie as fetched at `now`, clearing any missing mark.
    async fn save_movie(&self, movie: &MovieRecord, now: DateTime<Utc>) -> Result<(), StoreError>;
    /// Marks a stored movie as no longer known to TMDb (once: the first time is kept).
    async fn mark_movie_missing(&self, tmdb_id: u64, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Puts a stored movie on a shelf once; `true` when this call put it there.
    async fn shelve(
        &self,
        shelf: Shelf,
        account: Uuid,
        tmdb_id: u64,
        now: DateTime<Utc>,
    ) -> Result<(ShelfEntry, bool), StoreError>;
    /// Newest first, and the total count.
    async fn shelf(
        &self,
        shelf: Shelf,
        account: Uuid,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<ShelfEntry>, u64), StoreError>;
    async fn shelf_entry(&self, shelf: Shelf, account: Uuid, tmdb_id: u64) -> Result<Option<ShelfEntry>, StoreError>;
    /// `true` when there was one to remove.
    async fn unshelve(&self, shelf: Shelf, account: Uuid, tmdb_id: u64) -> Result<bool, StoreError>;

    /// Marks a stored movie seen at `now` with `rating` (replacing an earlier one), and takes it
    /// off the watchlist, atomically; `true` when it was not seen before.
    async fn see(
        &self,
        account: Uuid,
        tmdb_id: u64,
        rating: Option<u8>,
        now: DateTime<Utc>,
    ) -> Result<(SeenEntry, bool), StoreError>;
    async fn seen(
        &self,
        account: Uuid,
        order: SeenOrder,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<SeenEntry>, u64), StoreError>;
    async fn seen_entry(&self, account: Uuid, tmdb_id: u64) -> Result<Option<SeenEntry>, StoreError>;
    /// `true` when there was one to remove.
    async fn unsee(&self, account: Uuid, tmdb_id: u64) -> Result<bool, StoreError>;

    /// Every movie id the user has on a shelf or has seen.
    async fn library_ids(&self, account: Uuid) -> Result<LibraryIds, StoreError>;

    /// "People who saved X also saved Y": for the seeds X, the movies Y other users saved with
    /// them, each pair shared by at least `min_users` of them (at most `limit` pairs, the most
    /// shared first).
    async fn co_saved(
        &self,
        account: Uuid,
        seeds: &[u64],
        min_users: u32,
        limit: u32,
    ) -> Result<Vec<CoSaved>, StoreError>;
}
