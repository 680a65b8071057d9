//! [`AccountStore`] on PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use sqlx::Row;
use sqlx::postgres::PgRow;
use uuid::Uuid;

use super::store::{
    Account, AccountStore, Credentials, Favorite, NewFavorite, NewRefreshToken, RefreshUse, StoreError, violates_unique,
};

pub struct PgAccountStore {
    pool: PgPool,
}

impl PgAccountStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }
}

fn account(row: &PgRow) -> Result<Account, sqlx::Error> {
    Ok(Account { id: row.try_get("id")?, email: row.try_get("email")?, created_at: row.try_get("created_at")? })
}

fn favorite(row: &PgRow) -> Result<Favorite, StoreError> {
    let tmdb_id: i64 = row.try_get("tmdb_id")?;
    Ok(Favorite {
        tmdb_id: u64::try_from(tmdb_id).map_err(|_| StoreError::Malformed(format!("tmdb_id {tmdb_id}")))?,
        title: row.try_get("title")?,
        poster_path: row.try_get("poster_path")?,
        release_year: row.try_get("release_year")?,
        created_at: row.try_get("created_at")?,
    })
}

fn tmdb_id(id: u64) -> Result<i64, StoreError> {
    i64::try_from(id).map_err(|_| StoreError::Malformed(format!("tmdb_id {id} is out of range")))
}

#[async_trait]
impl AccountStore for PgAccountStore {
    async fn create_account(
        &self,
        email: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Account, StoreError> {
        let row = sqlx::query(
            "insert into account (id, email, password_hash, created_at) values ($1, $2, $3, $4)
             returning id, email, created_at",
        )
        .bind(Uuid::new_v4())
        .bind(email)
        .bind(password_hash)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| if violates_unique(&e, "account_email_key") { StoreError::EmailTaken } else { e.into() })?;
        Ok(account(&row)?)
    }

    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        let row =
            sqlx::query("select id, email, created_at, password_hash from account where lower(email) = lower($1)")
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|row| Ok(Credentials { account: account(&row)?, password_hash: row.try_get("password_hash")? }))
            .transpose()
    }

    async fn account(&self, id: Uuid) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query("select id, email, created_at from account where id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(account).transpose()?)
    }

    async fn save_refresh_token(&self, token: &NewRefreshToken) -> Result<(), StoreError> {
        sqlx::query(
            "insert into refresh_token (id, token_hash, family_id, account_id, issued_at, expires_at)
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token.id)
        .bind(&token.hash)
        .bind(token.family)
        .bind(token.account)
        .bind(token.issued_at)
        .bind(token.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn use_refresh_token(&self, hash: &[u8], now: DateTime<Utc>) -> Result<RefreshUse, StoreError> {
        let spent = sqlx::query(
            "update refresh_token set used_at = $2
             where token_hash = $1 and used_at is null and revoked_at is null and expires_at > $2
             returning account_id, family_id",
        )
        .bind(hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = spent {
            return Ok(RefreshUse::Spent { account: row.try_get("account_id")?, family: row.try_get("family_id")? });
        }
        let row = sqlx::query(
            "select account_id, family_id, expires_at, used_at, revoked_at from refresh_token where token_hash = $1",
        )
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(RefreshUse::Unknown) };
        let revoked: Option<DateTime<Utc>> = row.try_get("revoked_at")?;
        let used: Option<DateTime<Utc>> = row.try_get("used_at")?;
        let expires: DateTime<Utc> = row.try_get("expires_at")?;
        Ok(if used.is_some() {
            RefreshUse::Reused { account: row.try_get("account_id")?, family: row.try_get("family_id")? }
        } else if revoked.is_some() {
            RefreshUse::Revoked
        } else if expires <= now {
            RefreshUse::Expired
        } else {
            RefreshUse::Unknown
        })
    }

    async fn revoke_refresh_family(&self, family: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("update refresh_token set revoked_at = $2 where family_id = $1 and revoked_at is null")
            .bind(family)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn add_favorite(
        &self,
        account: Uuid,
        new: &NewFavorite,
        now: DateTime<Utc>,
    ) -> Result<(Favorite, bool), StoreError> {
        let inserted = sqlx::query(
            "insert into favorite (account_id, tmdb_id, title, poster_path, release_year, created_at)
             values ($1, $2, $3, $4, $5, $6)
             on conflict (account_id, tmdb_id) do nothing
             returning tmdb_id, title, poster_path, release_year, created_at",
        )
        .bind(account)
        .bind(tmdb_id(new.tmdb_id)?)
        .bind(&new.title)
        .bind(&new.poster_path)
        .bind(new.release_year)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        match inserted {
            Some(row) => Ok((favorite(&row)?, true)),
            None => {
                let existing = self.favorite(account, new.tmdb_id).await?;
                // Removed between the two statements: report it as added now.
                existing.map(|f| (f, false)).ok_or_else(|| StoreError::Malformed("favorite vanished".into()))
            }
        }
    }

    async fn favorites(&self, account: Uuid, offset: u64, limit: u64) -> Result<(Vec<Favorite>, u64), StoreError> {
        let rows = sqlx::query(
            "select tmdb_id, title, poster_path, release_year, created_at from favorite
             where account_id = $1 order by created_at desc, tmdb_id desc limit $3 offset $2",
        )
        .bind(account)
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar("select count(*) from favorite where account_id = $1")
            .bind(account)
            .fetch_one(&self.pool)
            .await?;
        let list = rows.iter().map(favorite).collect::<Result<Vec<_>, _>>()?;
        Ok((list, u64::try_from(total).unwrap_or_default()))
    }

    async fn favorite(&self, account: Uuid, id: u64) -> Result<Option<Favorite>, StoreError> {
        let row = sqlx::query(
            "select tmdb_id, title, poster_path, release_year, created_at from favorite
             where account_id = $1 and tmdb_id = $2",
        )
        .bind(account)
        .bind(tmdb_id(id)?)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(favorite).transpose()
    }

    async fn remove_favorite(&self, account: Uuid, id: u64) -> Result<bool, StoreError> {
        let result = sqlx::query("delete from favorite where account_id = $1 and tmdb_id = $2")
            .bind(account)
            .bind(tmdb_id(id)?)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() > 0)
    }
}
