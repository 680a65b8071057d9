//! [`AccountStore`] on SQLite, the embedded default. Ids are stored as UUID text.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::SqlitePool;
use sqlx::sqlite::SqliteRow;
use uuid::Uuid;

use super::store::{
    Account, AccountStore, Credentials, Favorite, NewFavorite, NewRefreshFamily, NewRefreshToken, Purged,
    RefreshTokenState, RefreshUse, StoreError, db_id, decode_favorite, sql, violates_unique,
};

pub struct SqliteAccountStore {
    pool: SqlitePool,
}

impl SqliteAccountStore {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }
}

fn uuid(row: &SqliteRow, column: &str) -> Result<Uuid, StoreError> {
    let text: String = row.try_get(column)?;
    Uuid::parse_str(&text).map_err(|_| StoreError::Malformed(format!("{column} is not a UUID: {text}")))
}

fn account(row: &SqliteRow) -> Result<Account, StoreError> {
    Ok(Account { id: uuid(row, "id")?, email: row.try_get("email")?, created_at: row.try_get("created_at")? })
}

#[async_trait]
impl AccountStore for SqliteAccountStore {
    async fn create_account(
        &self,
        email: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Account, StoreError> {
        let row = sqlx::query(sql::INSERT_ACCOUNT)
            .bind(Uuid::new_v4().to_string())
            .bind(email)
            .bind(password_hash)
            .bind(now)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| if violates_unique(&e, "account_email_key") { StoreError::EmailTaken } else { e.into() })?;
        account(&row)
    }

    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        let row = sqlx::query(sql::CREDENTIALS_BY_EMAIL).bind(email).fetch_optional(&self.pool).await?;
        row.map(|row| Ok(Credentials { account: account(&row)?, password_hash: row.try_get("password_hash")? }))
            .transpose()
    }

    async fn account(&self, id: Uuid) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query(sql::ACCOUNT_BY_ID).bind(id.to_string()).fetch_optional(&self.pool).await?;
        row.as_ref().map(account).transpose()
    }

    async fn start_refresh_family(&self, family: &NewRefreshFamily) -> Result<(), StoreError> {
        sqlx::query(sql::INSERT_REFRESH_FAMILY)
            .bind(family.id.to_string())
            .bind(family.account.to_string())
            .bind(family.created_at)
            .bind(family.expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn save_refresh_token(&self, token: &NewRefreshToken) -> Result<(), StoreError> {
        sqlx::query(sql::INSERT_REFRESH_TOKEN)
            .bind(token.id.to_string())
            .bind(&token.hash)
            .bind(token.family.to_string())
            .bind(token.account.to_string())
            .bind(token.issued_at)
            .bind(token.expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn use_refresh_token(&self, hash: &[u8], now: DateTime<Utc>) -> Result<RefreshUse, StoreError> {
        let spent = sqlx::query(sql::SPEND_REFRESH_TOKEN).bind(hash).bind(now).fetch_optional(&self.pool).await?;
        if let Some(row) = spent {
            return Ok(RefreshUse::Spent {
                account: uuid(&row, "account_id")?,
                family: uuid(&row, "family_id")?,
                family_expires_at: row.try_get("family_expires_at")?,
            });
        }
        let row = sqlx::query(sql::REFRESH_TOKEN_STATE).bind(hash).fetch_optional(&self.pool).await?;
        let Some(row) = row else {
            return Ok(RefreshUse::Unknown);
        };
        let state = RefreshTokenState {
            account: uuid(&row, "account_id")?,
            family: uuid(&row, "family_id")?,
            expires_at: row.try_get("expires_at")?,
            used_at: row.try_get("used_at")?,
            family_expires_at: row.try_get("family_expires_at")?,
            family_revoked_at: row.try_get("revoked_at")?,
        };
        Ok(state.classify(now))
    }

    async fn revoke_refresh_family(&self, family: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(sql::REVOKE_REFRESH_FAMILY).bind(family.to_string()).bind(now).execute(&self.pool).await?;
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

    async fn add_favorite(
        &self,
        account: Uuid,
        new: &NewFavorite,
        now: DateTime<Utc>,
    ) -> Result<(Favorite, bool), StoreError> {
        let inserted = sqlx::query(sql::INSERT_FAVORITE)
            .bind(account.to_string())
            .bind(db_id(new.tmdb_id)?)
            .bind(&new.title)
            .bind(&new.poster_path)
            .bind(new.release_year)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        match inserted {
            Some(row) => Ok((decode_favorite(&row)?, true)),
            None => {
                let existing = self.favorite(account, new.tmdb_id).await?;
                existing.map(|f| (f, false)).ok_or_else(|| StoreError::Malformed("favorite vanished".into()))
            }
        }
    }

    async fn favorites(&self, account: Uuid, offset: u64, limit: u64) -> Result<(Vec<Favorite>, u64), StoreError> {
        let rows = sqlx::query(sql::LIST_FAVORITES)
            .bind(account.to_string())
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await?;
        let total: i64 =
            sqlx::query_scalar(sql::COUNT_FAVORITES).bind(account.to_string()).fetch_one(&self.pool).await?;
        let list = rows.iter().map(decode_favorite).collect::<Result<Vec<_>, _>>()?;
        Ok((list, u64::try_from(total).unwrap_or_default()))
    }

    async fn favorite(&self, account: Uuid, id: u64) -> Result<Option<Favorite>, StoreError> {
        let row =
            sqlx::query(sql::FAVORITE).bind(account.to_string()).bind(db_id(id)?).fetch_optional(&self.pool).await?;
        row.as_ref().map(decode_favorite).transpose()
    }

    async fn remove_favorite(&self, account: Uuid, id: u64) -> Result<bool, StoreError> {
        let result =
            sqlx::query(sql::DELETE_FAVORITE).bind(account.to_string()).bind(db_id(id)?).execute(&self.pool).await?;
        Ok(result.rows_affected() > 0)
    }
}
