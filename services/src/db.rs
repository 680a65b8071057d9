//! The database: PostgreSQL in production, SQLite as the embedded default, chosen by URL.
//! Each backend has its own migrations (`migrations/postgres`, `migrations/sqlite`), applied
//! at start-up.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with postgres://, postgresql:// or sqlite:")]
    UnsupportedUrl,
    #[error("could not connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("could not apply migrations: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Query(#[from] sqlx::Error),
}

#[derive(Debug, Clone)]
pub enum Database {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

impl Database {
    /// Opens a pool for `url`. The pool connects lazily, so the server starts (and reports
    /// not-ready) while the database is down, and recovers when it returns.
    pub fn connect_lazy(url: &str) -> Result<Self, DbError> {
        let acquire_timeout = Duration::from_secs(3);
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(acquire_timeout)
                .connect_lazy(url)
                .map_err(DbError::Connect)?;
            Ok(Self::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(DbError::Connect)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            let pool =
                SqlitePoolOptions::new().max_connections(8).acquire_timeout(acquire_timeout).connect_lazy_with(options);
            Ok(Self::Sqlite(pool))
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgres",
            Self::Sqlite(_) => "sqlite",
        }
    }

    pub async fn migrate(&self) -> Result<(), DbError> {
        match self {
            Self::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await,
            Self::Sqlite(pool) => sqlx::migrate!("../migrations/sqlite").run(pool).await,
        }
        .map_err(DbError::Migrate)
    }

    /// One round trip (for `/readyz`).
    pub async fn ping(&self) -> Result<(), DbError> {
        match self {
            Self::Postgres(pool) => sqlx::query("select 1").execute(pool).await.map(|_| ()),
            Self::Sqlite(pool) => sqlx::query("select 1").execute(pool).await.map(|_| ()),
        }
        .map_err(DbError::Query)
    }

    /// Connections open, idle, and the most the pool may open (for `/metrics`).
    pub fn pool_use(&self) -> PoolUse {
        let (open, idle, max) = match self {
            Self::Postgres(pool) => (pool.size(), pool.num_idle(), pool.options().get_max_connections()),
            Self::Sqlite(pool) => (pool.size(), pool.num_idle(), pool.options().get_max_connections()),
        };
        PoolUse { open, idle: u32::try_from(idle).unwrap_or(u32::MAX), max }
    }

    pub async fn close(&self) {
        match self {
            Self::Postgres(pool) => pool.close().await,
            Self::Sqlite(pool) => pool.close().await,
        }
    }
}
