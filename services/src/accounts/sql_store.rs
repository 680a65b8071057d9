//! [`AccountStore`] on PostgreSQL and on SQLite: one body, written once by `sql_store!` and
//! instantiated for each backend. The statements are the same word for word (`store::sql`);
//! the backends differ only in how a UUID is bound and read (PostgreSQL's `uuid` type, UUID
//! text in SQLite), which each instance passes in.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use uuid::Uuid;

use super::store::{
    Account, AccountStore, CoSaved, Credentials, LibraryIds, LibraryStore, MovieRecord, NewRefreshFamily,
    NewRefreshToken, Purged, RefreshTokenState, RefreshUse, SeenEntry, SeenOrder, Shelf, ShelfEntry, StoreError,
    StoredMovie, db_id, decode_movie, decode_rating, sql, violates_unique,
};

fn pg_id(id: Uuid) -> Uuid {
    id
}

fn sqlite_id(id: Uuid) -> String {
    id.to_string()
}

fn pg_uuid(row: &PgRow, column: &str) -> Result<Uuid, StoreError> {
    Ok(row.try_get(column)?)
}

fn sqlite_uuid(row: &SqliteRow, column: &str) -> Result<Uuid, StoreError> {
    let text: String = row.try_get(column)?;
    Uuid::parse_str(&text).map_err(|_| StoreError::Malformed(format!("{column} is not a UUID: {text}")))
}

/// A count or an offset as both backends bind them.
fn db_count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn db_rating(rating: Option<u8>) -> Option<i16> {
    rating.map(i16::from)
}

/// The store type `$store` over `$pool`, whose rows are `$row`; `$bind_id` turns a [`Uuid`]
/// into what the backend binds, `$read_id` reads one back from a column.
macro_rules! sql_store {
    ($store:ident, $pool:ty, $row:ty, bind_id: $bind_id:path, read_id: $read_id:path) => {
        pub struct $store {
            pool: $pool,
        }

        impl $store {
            pub fn new(pool: $pool) -> Self {
                Self { pool }
            }

            fn account(row: &$row) -> Result<Account, StoreError> {
                Ok(Account {
                    id: $read_id(row, "id")?,
                    email: row.try_get("email")?,
                    created_at: row.try_get("created_at")?,
                })
            }

            fn shelf_entry_of(row: &$row) -> Result<ShelfEntry, StoreError> {
                Ok(ShelfEntry { movie: decode_movie(row)?, added_at: row.try_get("created_at")? })
            }

            fn seen_entry_of(row: &$row) -> Result<SeenEntry, StoreError> {
                Ok(SeenEntry {
                    movie: decode_movie(row)?,
                    rating: decode_rating(row.try_get("rating")?)?,
                    seen_at: row.try_get("seen_at")?,
                })
            }
        }

        #[async_trait]
        impl AccountStore for $store {
            async fn create_account(
                &self,
                email: &str,
                password_hash: &str,
                now: DateTime<Utc>,
            ) -> Result<Account, StoreError> {
                let row = sqlx::query(sql::INSERT_ACCOUNT)
                    .bind($bind_id(Uuid::new_v4()))
                    .bind(email)
                    .bind(password_hash)
                    .bind(now)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| {
                        if violates_unique(&e, "account_email_key") { StoreError::EmailTaken } else { e.into() }
                    })?;
                Self::account(&row)
            }

            async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
                let row = sqlx::query(sql::CREDENTIALS_BY_EMAIL).bind(email).fetch_optional(&self.pool).await?;
                row.map(|row| {
                    Ok(Credentials { account: Self::account(&row)?, password_hash: row.try_get("password_hash")? })
                })
                .transpose()
            }

            async fn account(&self, id: Uuid) -> Result<Option<Account>, StoreError> {
                let row = sqlx::query(sql::ACCOUNT_BY_ID).bind($bind_id(id)).fetch_optional(&self.pool).await?;
                row.as_ref().map(Self::account).transpose()
            }

            async fn start_refresh_family(&self, family: &NewRefreshFamily) -> Result<(), StoreError> {
                sqlx::query(sql::INSERT_REFRESH_FAMILY)
                    .bind($bind_id(family.id))
                    .bind($bind_id(family.account))
                    .bind(family.created_at)
                    .bind(family.expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn save_refresh_token(&self, token: &NewRefreshToken) -> Result<(), StoreError> {
                sqlx::query(sql::INSERT_REFRESH_TOKEN)
                    .bind($bind_id(token.id))
                    .bind(&token.hash)
                    .bind($bind_id(token.family))
                    .bind($bind_id(token.account))
                    .bind(token.issued_at)
                    .bind(token.expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn use_refresh_token(&self, hash: &[u8], now: DateTime<Utc>) -> Result<RefreshUse, StoreError> {
                let spent =
                    sqlx::query(sql::SPEND_REFRESH_TOKEN).bind(hash).bind(now).fetch_optional(&self.pool).await?;
                if let Some(row) = spent {
                    return Ok(RefreshUse::Spent {
                        account: $read_id(&row, "account_id")?,
                        family: $read_id(&row, "family_id")?,
                        family_expires_at: row.try_get("family_expires_at")?,
                    });
                }
                let row = sqlx::query(sql::REFRESH_TOKEN_STATE).bind(hash).fetch_optional(&self.pool).await?;
                let Some(row) = row else {
                    return Ok(RefreshUse::Unknown);
                };
                let state = RefreshTokenState {
                    account: $read_id(&row, "account_id")?,
                    family: $read_id(&row, "family_id")?,
                    expires_at: row.try_get("expires_at")?,
                    used_at: row.try_get("used_at")?,
                    family_expires_at: row.try_get("family_expires_at")?,
                    family_revoked_at: row.try_get("revoked_at")?,
                };
                Ok(state.classify(now))
            }

            async fn revoke_refresh_family(&self, family: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
                sqlx::query(sql::REVOKE_REFRESH_FAMILY).bind($bind_id(family)).bind(now).execute(&self.pool).await?;
                Ok(())
            }

            async fn purge_refresh_tokens(
                &self,
                now: DateTime<Utc>,
                revoked_before: DateTime<Utc>,
            ) -> Result<Purged, StoreError> {
                let families =
                    sqlx::query(sql::PURGE_REFRESH_FAMILIES).bind(now).bind(revoked_before).execute(&self.pool).await?;
                let tokens = sqlx::query(sql::PURGE_REFRESH_TOKENS).bind(now).execute(&self.pool).await?;
                Ok(Purged { families: families.rows_affected(), tokens: tokens.rows_affected() })
            }
        }

        #[async_trait]
        impl LibraryStore for $store {
            async fn movie(&self, tmdb_id: u64) -> Result<Option<StoredMovie>, StoreError> {
                let row = sqlx::query(sql::MOVIE).bind(db_id(tmdb_id)?).fetch_optional(&self.pool).await?;
                row.map(|row| {
                    Ok(StoredMovie {
                        movie: decode_movie(&row)?,
                        fetched_at: row.try_get("fetched_at")?,
                        missing_since: row.try_get("missing_since")?,
                    })
                })
                .transpose()
            }

            async fn save_movie(&self, movie: &MovieRecord, now: DateTime<Utc>) -> Result<(), StoreError> {
                let genre_ids = serde_json::to_string(&movie.genre_ids)
                    .map_err(|error| StoreError::Malformed(format!("genre ids: {error}")))?;
                sqlx::query(sql::SAVE_MOVIE)
                    .bind(db_id(movie.tmdb_id)?)
                    .bind(&movie.title)
                    .bind(&movie.original_title)
                    .bind(movie.release_year)
                    .bind(genre_ids)
                    .bind(&movie.poster_path)
                    .bind(movie.popularity)
                    .bind(movie.vote_average)
                    .bind(movie.vote_count.map(db_count))
                    .bind(&movie.original_language)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn mark_movie_missing(&self, tmdb_id: u64, now: DateTime<Utc>) -> Result<(), StoreError> {
                sqlx::query(sql::MARK_MOVIE_MISSING).bind(db_id(tmdb_id)?).bind(now).execute(&self.pool).await?;
                Ok(())
            }

            async fn shelve(
                &self,
                shelf: Shelf,
                account: Uuid,
                tmdb_id: u64,
                now: DateTime<Utc>,
            ) -> Result<(ShelfEntry, bool), StoreError> {
                let inserted = sqlx::query(sql::shelf(shelf).insert)
                    .bind($bind_id(account))
                    .bind(db_id(tmdb_id)?)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                let entry = self.shelf_entry(shelf, account, tmdb_id).await?;
                // Removed between the two statements by a concurrent request: nothing to show.
                let entry = entry.ok_or_else(|| StoreError::Malformed(format!("{shelf:?} entry vanished")))?;
                Ok((entry, inserted.rows_affected() > 0))
            }

            async fn shelf(
                &self,
                shelf: Shelf,
                account: Uuid,
                offset: u64,
                limit: u64,
            ) -> Result<(Vec<ShelfEntry>, u64), StoreError> {
                let statements = sql::shelf(shelf);
                let rows = sqlx::query(statements.list)
                    .bind($bind_id(account))
                    .bind(db_count(offset))
                    .bind(db_count(limit))
                    .fetch_all(&self.pool)
                    .await?;
                let total: i64 =
                    sqlx::query_scalar(statements.count).bind($bind_id(account)).fetch_one(&self.pool).await?;
                let list = rows.iter().map(Self::shelf_entry_of).collect::<Result<Vec<_>, _>>()?;
                Ok((list, u64::try_from(total).unwrap_or_default()))
            }

            async fn shelf_entry(
                &self,
                shelf: Shelf,
                account: Uuid,
                tmdb_id: u64,
            ) -> Result<Option<ShelfEntry>, StoreError> {
                let row = sqlx::query(sql::shelf(shelf).entry)
                    .bind($bind_id(account))
                    .bind(db_id(tmdb_id)?)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(Self::shelf_entry_of).transpose()
            }

            async fn unshelve(&self, shelf: Shelf, account: Uuid, tmdb_id: u64) -> Result<bool, StoreError> {
                let result = sqlx::query(sql::shelf(shelf).delete)
                    .bind($bind_id(account))
                    .bind(db_id(tmdb_id)?)
                    .execute(&self.pool)
                    .await?;
                Ok(result.rows_affected() > 0)
            }

            async fn see(
                &self,
                account: Uuid,
                tmdb_id: u64,
                rating: Option<u8>,
                now: DateTime<Utc>,
            ) -> Result<(SeenEntry, bool), StoreError> {
                let id = db_id(tmdb_id)?;
                let mut tx = self.pool.begin().await?;
                // Writes first: SQLite takes its write lock at the first write, waiting its busy
                // timeout for another writer; a read first would make the later write an upgrade
                // that fails at once ("database is locked") when another writer got in between.
                sqlx::query(sql::LEAVE_WATCHLIST).bind($bind_id(account)).bind(id).execute(&mut *tx).await?;
                let inserted = sqlx::query(sql::INSERT_SEEN)
                    .bind($bind_id(account))
                    .bind(id)
                    .bind(db_rating(rating))
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                let created = inserted.rows_affected() > 0;
                if !created {
                    sqlx::query(sql::UPDATE_SEEN)
                        .bind($bind_id(account))
                        .bind(id)
                        .bind(db_rating(rating))
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                let row = sqlx::query(sql::SEEN_ENTRY).bind($bind_id(account)).bind(id).fetch_one(&mut *tx).await?;
                tx.commit().await?;
                Ok((Self::seen_entry_of(&row)?, created))
            }

            async fn seen(
                &self,
                account: Uuid,
                order: SeenOrder,
                offset: u64,
                limit: u64,
            ) -> Result<(Vec<SeenEntry>, u64), StoreError> {
                let statement = match order {
                    SeenOrder::Newest => sql::SEEN_NEWEST,
                    SeenOrder::Rating => sql::SEEN_BY_RATING,
                };
                let rows = sqlx::query(statement)
                    .bind($bind_id(account))
                    .bind(db_count(offset))
                    .bind(db_count(limit))
                    .fetch_all(&self.pool)
                    .await?;
                let total: i64 =
                    sqlx::query_scalar(sql::COUNT_SEEN).bind($bind_id(account)).fetch_one(&self.pool).await?;
                let list = rows.iter().map(Self::seen_entry_of).collect::<Result<Vec<_>, _>>()?;
                Ok((list, u64::try_from(total).unwrap_or_default()))
            }

            async fn seen_entry(&self, account: Uuid, tmdb_id: u64) -> Result<Option<SeenEntry>, StoreError> {
                let row = sqlx::query(sql::SEEN_ENTRY)
                    .bind($bind_id(account))
                    .bind(db_id(tmdb_id)?)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(Self::seen_entry_of).transpose()
            }

            async fn unsee(&self, account: Uuid, tmdb_id: u64) -> Result<bool, StoreError> {
                let result = sqlx::query(sql::DELETE_SEEN)
                    .bind($bind_id(account))
                    .bind(db_id(tmdb_id)?)
                    .execute(&self.pool)
                    .await?;
                Ok(result.rows_affected() > 0)
            }

            async fn library_ids(&self, account: Uuid) -> Result<LibraryIds, StoreError> {
                let mut ids = LibraryIds::default();
                for (shelf, set) in [
                    (Shelf::Favorites, &mut ids.favorites),
                    (Shelf::Watchlist, &mut ids.watchlist),
                    (Shelf::NotInterested, &mut ids.not_interested),
                ] {
                    let rows: Vec<i64> =
                        sqlx::query_scalar(sql::shelf(shelf).ids).bind($bind_id(account)).fetch_all(&self.pool).await?;
                    set.extend(rows.into_iter().filter_map(|id| u64::try_from(id).ok()));
                }
                let seen = sqlx::query(sql::SEEN_IDS).bind($bind_id(account)).fetch_all(&self.pool).await?;
                for row in seen {
                    let id: i64 = row.try_get("tmdb_id")?;
                    if let Ok(id) = u64::try_from(id) {
                        ids.seen.insert(id, decode_rating(row.try_get("rating")?)?);
                    }
                }
                Ok(ids)
            }

            async fn co_saved(
                &self,
                account: Uuid,
                seeds: &[u64],
                min_users: u32,
                limit: u32,
            ) -> Result<Vec<CoSaved>, StoreError> {
                if seeds.is_empty() {
                    return Ok(Vec::new());
                }
                let placeholders = (0..seeds.len()).map(|i| format!("${}", i + 4)).collect::<Vec<_>>().join(", ");
                let statement = sql::co_saved(&placeholders);
                let mut query =
                    sqlx::query(&statement).bind($bind_id(account)).bind(i64::from(min_users)).bind(i64::from(limit));
                for seed in seeds {
                    query = query.bind(db_id(*seed)?);
                }
                let rows = query.fetch_all(&self.pool).await?;
                let count = |row: &$row, column: &str| -> Result<u64, StoreError> {
                    let value: i64 = row.try_get(column)?;
                    Ok(u64::try_from(value).unwrap_or_default())
                };
                rows.iter()
                    .map(|row| {
                        Ok(CoSaved {
                            seed: count(row, "seed")?,
                            movie: decode_movie(row)?,
                            together: count(row, "together")?,
                            seed_savers: count(row, "seed_savers")?,
                            movie_savers: count(row, "candidate_savers")?,
                        })
                    })
                    .collect()
            }
        }
    };
}

sql_store!(PgAccountStore, PgPool, PgRow, bind_id: pg_id, read_id: pg_uuid);
sql_store!(SqliteAccountStore, SqlitePool, SqliteRow, bind_id: sqlite_id, read_id: sqlite_uuid);
